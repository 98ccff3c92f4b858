// @vitest-environment jsdom
// Renders the whole window to HTML from recorded fixtures, to check the accessible names and
// test hooks the end-to-end tests rely on.
import { act } from "react";
import { createRoot } from "react-dom/client";
import { VirtuosoMockContext } from "react-virtuoso";
import { describe, expect, it, vi } from "vitest";
import { createFakeBackend } from "../backend/fake";
import type { Transcript } from "../generated/desk/Transcript";
import type { AppView } from "../state/appState";
import { emptyAudit, emptySearch, initialAppView } from "../state/appState";
import { createController } from "../state/controller";
import { AppContext } from "../state/hooks";
import { reduceSession, reduceSessionEvents } from "../state/reduceSession";
import { defaultSessionOptions, emptySessionView } from "../state/sessionView";
import { createAppStore } from "../state/store";
import { accountState, sessionInfo } from "../state/testBuilders";
import { fixtureEvents } from "../state/testFixtures";
import { untilShown } from "../test/jsdomScroll";
import { App } from "./App";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

async function render(view: AppView, waitFor?: string): Promise<string> {
  const backend = createFakeBackend();
  const store = createAppStore(view);
  // The window shows `view` as it is: loading the (empty) demo backend's state would replace it.
  const controller = { ...createController(backend, store), load: async () => {} };
  const host = document.createElement("div");
  const root = createRoot(host);
  // The transcript is virtualized: without a layout, the mock gives it a window to fill.
  act(() =>
    root.render(
      <VirtuosoMockContext.Provider value={{ viewportHeight: 2000, itemHeight: 50 }}>
        <AppContext.Provider value={{ store, controller, backendKind: "fake" }}>
          <App />
        </AppContext.Provider>
      </VirtuosoMockContext.Provider>,
    ),
  );
  if (waitFor) await untilShown(host, waitFor);
  const html = host.innerHTML;
  act(() => root.unmount());
  return html;
}

const loaded: AppView = { ...initialAppView, loading: false, account: accountState() };

describe("App", () => {
  it("teaches what a session is when there is none", async () => {
    const html = await render(loaded);
    expect(html).toContain("No session yet");
    expect(html).toContain('aria-label="New session"');
    expect(html).toContain('role="list" aria-label="Sessions"');
    const signedIn = await render({ ...loaded, account: accountState({ auth: { type: "apiKey" } }) });
    expect(signedIn).toContain("No session yet");
    expect(signedIn).toMatch(/data-testid="status-account"[^>]*>API key</);
    expect(signedIn).not.toContain("Sign in first");
  });

  it("says to sign in first when signed out and the provider needs an account, not with one that brings its key", async () => {
    const signedOut = { type: "signedOut" } as const;
    const html = await render({ ...loaded, account: accountState({ auth: signedOut }) });
    expect(html).toContain('aria-label="Not signed in"');
    expect(html).toContain("Sign in…");
    const ownKey = await render({
      ...loaded,
      account: accountState({ auth: signedOut, provider: { id: "gateway", name: "Gateway", usesAccount: false } }),
    });
    expect(ownKey).not.toContain("Sign in first");
  });

  it("lists archived sessions apart, folded, and an archived session offers Unarchive", async () => {
    const sessions = [sessionInfo({ id: "s1", title: "Kept" }), sessionInfo({ id: "s2", title: "Put away", archivedAt: 5 })];
    const folded = await render({ ...loaded, sessions, selectedId: "s1", views: { s1: { ...emptySessionView("s1"), loaded: true } } });
    expect(folded).toContain("Archived (1)");
    expect(folded).toContain('title="Kept — ');
    expect(folded).not.toContain('title="Put away — archived"');
    expect(folded).toContain(">Archive<");
    // The open session is in sight even when archived.
    const open = await render({ ...loaded, sessions, selectedId: "s2", views: { s2: { ...emptySessionView("s2"), loaded: true } } });
    expect(open).toContain('title="Put away — archived"');
    expect(open).toContain(">Unarchive<");
  });

  it("shows the new-session form controls", async () => {
    const html = await render({ ...loaded, creating: true });
    expect(html).toContain('aria-label="Choose folder"');
    expect(html).toContain('aria-label="Workspace folder"');
    expect(html).toContain("Create session");
  });

  it("offers Sign in when the provider needs the account, and says who is signed in", async () => {
    expect(await render(loaded)).toMatch(/<button[^>]*>Sign in<\/button>/);
    expect(await render(loaded)).toContain("Not signed in");
    const signedIn = await render({ ...loaded, account: accountState({ auth: { type: "chatGpt", email: "ada@example.com", plan: "plus" } }) });
    expect(signedIn).toContain("ada@example.com · Plus");
    expect(signedIn).toContain("Sign out…");
    const ownKey = await render({ ...loaded, account: accountState({ provider: { id: "gw", name: "Gateway", usesAccount: false } }) });
    expect(ownKey).toContain("Gateway: no sign-in needed");
  });

  it("shows the sign-in choices, the browser wait and the device code", async () => {
    const choices = await render({ ...loaded, signingIn: true });
    expect(choices).toContain("Sign in with ChatGPT");
    expect(choices).toContain("Use an API key");
    const waiting = await render({
      ...loaded,
      signingIn: true,
      account: accountState({ login: { type: "browser", authUrl: "https://auth.example/a", openError: "no browser" } }),
    });
    expect(waiting).toContain("Waiting for the browser");
    expect(waiting).toContain('aria-label="Copy link"');
    expect(waiting).toContain("no browser");
    expect(waiting).toMatch(/<button[^>]*>Cancel<\/button>/);
    const device = await render({
      ...loaded,
      signingIn: true,
      account: accountState({ login: { type: "deviceCode", verificationUrl: "https://auth.example/device", userCode: "ABCD-1234" } }),
    });
    expect(device).toContain("ABCD-1234");
    expect(device).toContain('aria-label="Copy code"');
    const busy = await render({
      ...loaded,
      signingIn: true,
      account: accountState({ error: { code: "loginPortBusy", message: "Sign-in needs port 1455", detail: null } }),
    });
    expect(busy).toContain("Use a device code");
  });

  it("shows only why the app could not start, with what to do", async () => {
    const html = await render({
      ...loaded,
      startupError: { code: "startupFailed", message: "Codex Desk cannot use its data folder /x: it is a file", detail: "Data folder: /x" },
    });
    expect(html).toContain("Codex Desk could not start");
    expect(html).toContain("it is a file");
    expect(html).toContain("Open the data folder");
    expect(html).toContain('aria-label="Copy details"');
    expect(html).not.toContain('aria-label="New session"');
  });

  it("offers to point a session at its folder's new place when the folder is gone", async () => {
    const view = { ...emptySessionView("s1"), workspaceMissing: "/home/me/project" };
    const html = await render({ ...loaded, sessions: [sessionInfo({ id: "s1" })], selectedId: "s1", views: { s1: view } });
    expect(html).toContain('data-testid="workspace-gone"');
    expect(html).toContain("Choose folder…");
  });

  it("says when saving stopped, and shows start-up notices", async () => {
    const html = await render({
      ...loaded,
      storage: { problem: "Codex Desk cannot save to its database: the disk is full.", waiting: 2 },
      notices: ["Your session database could not be read, so Codex Desk started with a fresh one."],
    });
    expect(html).toContain('data-testid="storage-problem"');
    expect(html).toContain("the disk is full");
    expect(html).toContain("started with a fresh one");
  });

  it("shows a banner when codex cannot be used", async () => {
    const html = await render({ ...loaded, codexError: { code: "codexNotFound", message: "Codex was not found. Install it with npm i -g @openai/codex.", detail: null } });
    expect(html).toContain('role="alert"');
    expect(html).toContain("Codex was not found");
    expect(html).toContain("Choose codex…");
    expect(html).toContain("Look again");
  });

  it("renders a recorded session as cards with their hooks", async () => {
    const events = [...fixtureEvents("command"), ...fixtureEvents("patch"), ...fixtureEvents("error")];
    const counted = reduceSessionEvents(emptySessionView("s1"), events);
    // The first turn's count, as codex sent it: on its last answer, and the session's in the status bar.
    const firstTurn = Object.keys(counted.turns)[0] ?? "";
    const counts = (total: number) => ({ total, input: total - 300, cachedInput: 1000, output: 300, reasoningOutput: 100 });
    const view = reduceSession(counted, { type: "turnUsage", turnId: firstTurn, usage: { turn: counts(12_345), session: counts(45_678), contextTokens: 68_000, contextWindow: 272_000 } });
    const html = await render({
      ...loaded,
      sessions: [sessionInfo({ id: "s1", title: "Fix the build" })],
      selectedId: "s1",
      views: { s1: { ...view, status: "idle" } },
    }, "[data-kind=userMessage]");
    expect(html).toContain('role="log" aria-label="Transcript"');
    for (const kind of ["userMessage", "agentMessage", "commandExecution", "fileChange", "error"]) {
      expect(html).toContain(`data-kind="${kind}"`);
    }
    expect(html).toContain("hello-from-codex");
    expect(html).toContain("Exit code 0");
    expect(html).toContain("hello.txt");
    expect(html).toMatch(/data-testid="session-status"[^>]*>Idle</);
    expect(html).toContain('aria-label="Message"');
    expect(html).toMatch(/<button[^>]*aria-label="Stop"[^>]*disabled/);
    expect(html).toContain("Fix the build");
    expect(html).toContain("This turn: 12.3k tokens · context 25%");
    expect(html).toContain("Tokens 45.7k · context 25%");
  });

  it("shows search results with the matched words marked, and snippets as text only", async () => {
    const html = await render(
      {
        ...loaded,
        sessions: [sessionInfo({ id: "s1", title: "Fix the parser" })],
        selectedId: "s1",
        search: {
          ...emptySearch,
          query: { ...emptySearch.query, text: "parser", kinds: ["commandExecution"] },
          shown: true,
          results: {
            text: "parser",
            sessions: ["s1"],
            more: true,
            hits: [
              {
                sessionId: "s1",
                seq: 7,
                itemId: "c1",
                kind: "commandExecution",
                at: 1,
                snippet: [
                  { text: "cargo test ", hit: false },
                  { text: "parser", hit: true },
                  { text: ' <img src=x onerror="window.pwned=1">', hit: false },
                ],
              },
            ],
          },
        },
      },
      '[aria-label="Search results"]',
    );
    expect(html).toContain("<mark>parser</mark>");
    expect(html).toContain("&lt;img src=x");
    expect(html).not.toContain("<img");
    expect(html).toMatch(/aria-pressed="true"[^>]*>Commands</);
    expect(html).toContain('aria-label="Matching sessions"');
    expect(html).toContain("1+ match");
    expect(html).toContain("add a word to narrow it down");
    expect(html).not.toContain('aria-label="Transcript"');
  });

  it("shows the audit trail: commands with their result and approval, file changes with their diff as text", async () => {
    const base = {
      at: 1,
      sessionId: "s1",
      sessionTitle: "Fix the parser",
      workspace: "/w",
      turnId: "t1",
      status: "completed",
      command: null,
      cwd: null,
      exitCode: null,
      durationMs: null,
      path: null,
      change: null,
      movePath: null,
      diff: null,
    };
    const html = await render(
      {
        ...loaded,
        sessions: [sessionInfo({ id: "s1", title: "Fix the parser", workspace: "/w" })],
        selectedId: "s1",
        audit: {
          ...emptyAudit,
          query: { ...emptyAudit.query, session: "s1" },
          shown: true,
          next: "42",
          entries: [
            { ...base, seq: 3, kind: "fileChange", approval: "policy", path: "src/a.rs", change: "update", diff: "+<script>x</script>" },
            { ...base, seq: 2, kind: "command", approval: "declined", status: "declined", command: "rm -rf /", cwd: "/w" },
            { ...base, seq: 1, kind: "command", approval: "policy", command: "cargo test", cwd: "/w", exitCode: 101, durationMs: 2100, status: "failed" },
          ],
        },
      },
      '[aria-label="Commands and file changes"]',
    );
    expect(html).toContain("3+ actions");
    expect(html).toMatch(/<option value="session:s1">Session: Fix the parser<\/option>/);
    expect(html).toContain("Export CSV…");
    expect(html).toContain("Export JSON Lines…");
    expect(html).toContain("<code>src/a.rs</code>");
    expect(html).toContain("+&lt;script&gt;x&lt;/script&gt;");
    expect(html).not.toContain("<script>");
    expect(html).toMatch(/data-approval="declined".*rm -rf \/.*Declined/s);
    expect(html).toMatch(/exit 101.*2\.1 s.*By policy/s);
    expect(html).toContain("Show older");
    expect(html).not.toContain('aria-label="Transcript"');
  });

  it("shows what it cannot read as a line saying so, and a card that fails alone", async () => {
    const transcript = {
      session: sessionInfo({ id: "s1", status: "idle" }),
      turns: [{ id: "t1", status: "completed", error: null, startedAt: 1, completedAt: 2 }],
      items: [
        { turnId: "t1", seq: 1, item: { type: "agentMessage", id: "a1", text: 7 } },
        // Passes the checks, then trips the card (a change kind that is not an object).
        { turnId: "t1", seq: 2, item: { type: "fileChange", id: "f1", status: "completed", changes: [{ path: "a.rs", diff: "+x", kind: null }] } },
        { turnId: "t1", seq: 3, item: { type: "agentMessage", id: "a2", text: "Still here." } },
      ],
      hasOlder: false,
      hasNewer: false,
      approvals: [],
      queued: [],
      queueHeld: false,
      options: defaultSessionOptions,
    } as unknown as Transcript;
    const view = reduceSession(emptySessionView("s1"), { type: "transcript", transcript });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    // React reports the error its boundary caught; the test expects that one.
    const errors = vi.mocked(console.error);
    const reportWarnings = errors.getMockImplementation();
    errors.mockImplementation(() => {});
    try {
      const html = await render(
        { ...loaded, sessions: [sessionInfo({ id: "s1", title: "Odd rows" })], selectedId: "s1", views: { s1: view } },
        "[data-kind=agentMessage]",
      );
      expect(html).toContain("cannot show (written by a newer version, or damaged)");
      expect(html).toContain("This fileChange item could not be shown.");
      expect(html).toContain("Still here.");
      expect(warn).toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      if (reportWarnings) errors.mockImplementation(reportWarnings);
    }
  });
});
