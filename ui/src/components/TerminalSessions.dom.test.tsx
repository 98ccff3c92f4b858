// @vitest-environment jsdom
// Codex sessions from the user's terminal: listed when asked for, continued here (and opened),
// or named by a pasted id; an id that is not there says so where the user looks.
import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, describe, expect, it } from "vitest";
import { createFakeBackend } from "../backend/fake";
import { initialAppView } from "../state/appState";
import { createController } from "../state/controller";
import { AppContext } from "../state/hooks";
import { createAppStore } from "../state/store";
import { TerminalSessions } from "./TerminalSessions";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

describe("TerminalSessions", () => {
  let host: HTMLElement | null = null;
  let root: Root | null = null;
  afterEach(() => {
    act(() => root?.unmount());
    host?.remove();
  });

  it("lists the user's codex sessions on request and continues one here", async () => {
    const backend = createFakeBackend();
    const store = createAppStore({ ...initialAppView, loading: false, creating: true });
    const controller = createController(backend, store);
    host = document.createElement("div");
    document.body.append(host);
    root = createRoot(host);
    await act(async () =>
      root?.render(
        <AppContext.Provider value={{ store, controller, backendKind: "fake" }}>
          <TerminalSessions />
        </AppContext.Provider>,
      ),
    );
    const button = (label: string) => [...(host?.querySelectorAll<HTMLButtonElement>("button") ?? [])].find((b) => b.textContent === label);
    expect(host.querySelector('[aria-label="Your codex sessions"]')).toBeNull();
    await act(async () => button("Show my codex sessions")?.click());
    const list = host.querySelector('[aria-label="Your codex sessions"]');
    expect(list?.textContent).toContain("Why does the login test flake?");
    expect(list?.textContent).toContain("/home/demo/projects/webapp");

    await act(async () => button("Continue here")?.click());
    const state = store.getSnapshot();
    const opened = state.sessions.find((s) => s.id === state.selectedId);
    expect(opened?.title).toBe("Why does the login test flake?");
    expect(opened?.threadId).toBe("0199d3c1-7e2a-7b40-9f10-5a7e3c1d2b44");
    expect(state.creating).toBe(false);

    const input = host.querySelector<HTMLInputElement>('input[aria-label="Codex session id"]');
    await act(async () => {
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")?.set;
      setter?.call(input, "0199-not-there");
      input?.dispatchEvent(new Event("input", { bubbles: true }));
    });
    await act(async () => button("Continue")?.click());
    expect(host.querySelector('[role="alert"]')?.textContent).toContain("There is no codex session 0199-not-there");
  });
});
