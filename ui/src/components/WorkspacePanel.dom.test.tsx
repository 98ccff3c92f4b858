// @vitest-environment jsdom
// The workspace panel: the folder's git state, the files codex changed in the session, the turn's diff.
import { act } from "react";
import { createRoot } from "react-dom/client";
import { describe, expect, it } from "vitest";
import { createFakeBackend } from "../backend/fake";
import type { GitState } from "../generated/desk/GitState";
import type { ThreadItem } from "../generated/codex/v2/ThreadItem";
import { initialAppView } from "../state/appState";
import { createController } from "../state/controller";
import { AppContext } from "../state/hooks";
import { reduceSessionEvents } from "../state/reduceSession";
import { emptySessionView, type SessionView } from "../state/sessionView";
import { createAppStore } from "../state/store";
import { codex, itemCompleted, turnStarted } from "../state/testBuilders";
import { sessionChanges, WorkspacePanel } from "./WorkspacePanel";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const patch = (id: string, changes: [string, string, "add" | "update"][], status = "completed") =>
  ({
    type: "fileChange",
    id,
    status,
    changes: changes.map(([path, diff, kind]) => ({ path, diff, kind: kind === "add" ? { type: "add" } : { type: "update", move_path: null } })),
  }) as unknown as ThreadItem;

function session(): SessionView {
  return reduceSessionEvents(emptySessionView("s1"), [
    turnStarted("t1"),
    itemCompleted("t1", patch("p1", [["src/a.ts", "@@ -1 +1,2 @@\n-old\n+new\n+more\n", "update"]])),
    itemCompleted("t1", patch("p2", [["notes.md", "one\ntwo\n", "add"]])),
    itemCompleted("t1", patch("p3", [["src/a.ts", "@@ -1 +1 @@\n-new\n+newer\n", "update"]])),
    itemCompleted("t1", patch("p4", [["refused.txt", "x\n", "add"]], "declined")),
    codex({ method: "turn/diff/updated", params: { threadId: "th", turnId: "t1", diff: "diff --git a/src/a.ts b/src/a.ts\n+newer\n" } }),
  ]);
}

/** The panel for `view`, with git's state as `gitState` says. */
async function mount(view: SessionView, gitState: (sessionId: string, confirmed: boolean) => Promise<GitState>) {
  const backend = { ...createFakeBackend(), gitState };
  const store = createAppStore({ ...initialAppView, loading: false });
  const host = document.createElement("div");
  const root = createRoot(host);
  await act(async () =>
    root.render(
      <AppContext.Provider value={{ store, controller: createController(backend, store), backendKind: "fake" }}>
        <WorkspacePanel view={view} running={false} />
      </AppContext.Provider>,
    ),
  );
  return { host, unmount: () => act(() => root.unmount()) };
}

describe("the workspace panel", () => {
  it("lists each file codex changed once, newest first, with its lines counted (declined changes left out)", () => {
    expect(sessionChanges(session())).toEqual([
      { path: "src/a.ts", kind: "modified", added: 3, removed: 2 },
      { path: "notes.md", kind: "added", added: 2, removed: 0 },
    ]);
  });

  it("shows the branch, the files git sees changed, and the turn's diff", async () => {
    const git: GitState = {
      type: "repository",
      branch: "fix-parser",
      upstream: "origin/fix-parser",
      ahead: 2,
      behind: 0,
      more: 4,
      files: [
        { path: "src/a.ts", change: "modified", staged: false, from: null },
        { path: "notes.md", change: "untracked", staged: false, from: null },
      ],
    };
    const { host, unmount } = await mount(session(), async () => git);
    expect(host.querySelector('[data-testid="git-branch"]')?.textContent).toBe("fix-parser · origin/fix-parser (2 ahead)");
    const gitFiles = [...host.querySelectorAll('[aria-label="Files changed since the last commit"] li')].map((li) => li.textContent);
    expect(gitFiles).toEqual(["M src/a.ts", "? notes.md", "and 4 more"]);
    expect(host.textContent).toContain("This turn's diff");
    expect(host.querySelector("pre.diff")?.textContent).toContain("+newer");
    unmount();
  });

  it("in a sandboxed session, reads git only once the user says so", async () => {
    const asked: boolean[] = [];
    const { host, unmount } = await mount(emptySessionView("s-sandboxed"), async (_, confirmed) => {
      asked.push(confirmed);
      return confirmed ? { type: "repository", branch: "main", upstream: null, ahead: 0, behind: 0, more: 0, files: [] } : { type: "notAsked" };
    });
    expect(host.textContent).toContain("git would run outside it");
    expect(asked).toEqual([false]);
    const read = [...host.querySelectorAll("button")].find((b) => b.textContent === "Read git state");
    await act(async () => read?.click());
    expect(asked).toEqual([false, true]);
    expect(host.querySelector('[data-testid="git-branch"]')?.textContent).toBe("main");
    unmount();
  });

  it("says when the folder is not a repository", async () => {
    const { host, unmount } = await mount(emptySessionView("s1"), async () => ({ type: "notARepository" }));
    expect(host.textContent).toContain("This folder is not a git repository.");
    expect(host.textContent).toContain("No file changes in this session.");
    unmount();
  });
});
