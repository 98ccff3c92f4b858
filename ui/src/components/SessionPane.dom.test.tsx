// @vitest-environment jsdom
// The selected session rendered into a DOM and updated the way a live session updates it: every
// part of the pane stays exactly once (siblings keyed alike once made React repeat the transcript).
import { act } from "react";
import { createRoot } from "react-dom/client";
import { afterEach, describe, expect, it } from "vitest";
import { createFakeBackend } from "../backend/fake";
import type { SessionEvent } from "../generated/desk/SessionEvent";
import { initialAppView, type AppAction, type AppView } from "../state/appState";
import { createController } from "../state/controller";
import { AppContext, useAppView } from "../state/hooks";
import { emptySessionView } from "../state/sessionView";
import { createAppStore } from "../state/store";
import { accountState, sessionInfo } from "../state/testBuilders";
import { SessionPane } from "./SessionPane";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** The main area as App shows it while a session is selected. */
function Selected() {
  const app = useAppView();
  const session = app.sessions.find((s) => s.id === app.selectedId);
  return session ? <SessionPane app={app} session={session} /> : null;
}

describe("SessionPane in a DOM", () => {
  let host: HTMLElement | null = null;
  afterEach(() => host?.remove());

  it("keeps one transcript and one composer through banners, sessions and updates", async () => {
    const view = { ...emptySessionView("s1"), loaded: true, status: "idle" as const };
    const start: AppView = {
      ...initialAppView,
      loading: false,
      account: accountState(),
      sessions: [sessionInfo({ id: "s1", title: "One" }), sessionInfo({ id: "s2", title: "Two" })],
      selectedId: "s1",
      views: { s1: view, s2: { ...view, sessionId: "s2" } },
    };
    const store = createAppStore(start);
    const controller = createController(createFakeBackend(), store);
    host = document.createElement("div");
    document.body.append(host);
    const root = createRoot(host);
    await act(async () =>
      root.render(
        <AppContext.Provider value={{ store, controller, backendKind: "fake" }}>
          <Selected />
        </AppContext.Provider>,
      ),
    );
    const counts = () => ({
      transcripts: host?.querySelectorAll(".transcript").length,
      composers: host?.querySelectorAll("form.composer").length,
    });
    expect(counts()).toEqual({ transcripts: 1, composers: 1 });

    const events = (sessionId: string, seq: number, ...list: SessionEvent[]): AppAction => ({
      type: "batch",
      batch: { sessionId, seq, droppedDeltas: false, sentAtMs: 0, events: list },
    });
    const steps: AppAction[] = [
      events("s1", 1, { type: "workspaceMissing", path: "/gone" }),
      events("s1", 2, { type: "workspaceMoved", path: "/here" }),
      { type: "selected", sessionId: "s2" },
      { type: "selected", sessionId: "s1" },
      events("s1", 3, { type: "status", status: "running", message: null, threadId: null }),
      { type: "actionError", sessionId: "s1", error: { code: "workspaceMissing", message: "gone", detail: null } },
      events("s1", 4, { type: "workspaceMissing", path: "/gone" }),
      { type: "actionError", sessionId: "s1", error: null },
    ];
    for (const step of steps) {
      await act(async () => store.dispatch(step));
      expect(counts()).toEqual({ transcripts: 1, composers: 1 });
    }

    // An error of the user's last action shows its detail on request, and goes on Dismiss.
    await act(async () => store.dispatch({ type: "actionError", sessionId: "s1", error: { code: null, message: "Fork failed.", detail: "codex said no" } }));
    const alert = () => host?.querySelector(".action-error");
    const button = (name: string) => [...(alert()?.querySelectorAll("button") ?? [])].find((b) => b.textContent === name);
    expect(alert()?.textContent).toContain("Fork failed.");
    expect(alert()?.textContent).not.toContain("codex said no");
    await act(async () => button("Show details")?.click());
    expect(alert()?.textContent).toContain("codex said no");
    await act(async () => button("Dismiss")?.click());
    expect(alert()).toBeNull();
    await act(async () => root.unmount());
  });
});
