import { afterEach, describe, expect, it, vi } from "vitest";
import type { EventBatch } from "../generated/desk/EventBatch";
import { initialAppView, reduceApp } from "./appState";
import { createAppStore, RENDER_INTERVAL_MS } from "./store";
import { accountState, agentDelta, sessionInfo } from "./testBuilders";

const batch = (seq: number, droppedDeltas = false): EventBatch => ({
  sessionId: "s1",
  seq,
  droppedDeltas,
  sentAtMs: 0,
  events: [agentDelta("t1", "a", `#${seq}`)],
});

describe("reduceApp", () => {
  it("keeps only the results of the latest search, and opening a session hides them", () => {
    const query = (text: string) => ({ text, workspace: null, kinds: [], since: null, until: null });
    const results = (text: string) => ({ text, sessions: [], hits: [], more: false });
    let state = reduceApp(initialAppView, { type: "searchChanged", query: query("pars") });
    const first = state.search.serial;
    state = reduceApp(state, { type: "searchChanged", query: query("parser") });
    expect(state.search).toMatchObject({ shown: true, busy: true });
    state = reduceApp(state, { type: "searchResults", serial: first, results: results("pars") });
    expect(state.search.results).toBeNull();
    state = reduceApp(state, { type: "searchResults", serial: state.search.serial, results: results("parser") });
    expect(state.search).toMatchObject({ busy: false, results: { text: "parser" } });
    state = reduceApp(state, { type: "selected", sessionId: "s1" });
    expect(state.search).toMatchObject({ shown: false, query: { text: "parser" } });
    state = reduceApp(state, { type: "searchChanged", query: query("") });
    expect(state.search).toMatchObject({ shown: false, busy: false, results: null });
  });

  it("shows one audit trail at a time: a page for an older query is dropped, older pages add below", () => {
    const entry = (seq: number) => ({
      at: seq,
      sessionId: "s1",
      sessionTitle: "T",
      workspace: "/w",
      turnId: "t",
      seq,
      kind: "command" as const,
      status: "completed",
      approval: "policy" as const,
      command: `echo ${seq}`,
      cwd: null,
      exitCode: 0,
      durationMs: null,
      path: null,
      change: null,
      movePath: null,
      diff: null,
    });
    const all = { session: null, workspace: null, since: null, until: null };
    let state = reduceApp({ ...initialAppView, creating: true }, { type: "auditShown", query: all });
    expect(state.audit).toMatchObject({ shown: true, busy: true, entries: [] });
    expect(state.creating).toBe(false);
    const first = state.audit.serial;
    state = reduceApp(state, { type: "auditShown", query: { ...all, session: "s1" } });
    state = reduceApp(state, { type: "auditPage", serial: first, page: { entries: [entry(9)], next: null }, more: false });
    expect(state.audit.entries).toEqual([]);
    const serial = state.audit.serial;
    state = reduceApp(state, { type: "auditPage", serial, page: { entries: [entry(5), entry(4)], next: "4" }, more: false });
    state = reduceApp(state, { type: "auditLoading" });
    state = reduceApp(state, { type: "auditPage", serial, page: { entries: [entry(3)], next: null }, more: true });
    expect(state.audit.entries.map((e) => e.seq)).toEqual([5, 4, 3]);
    expect(state.audit).toMatchObject({ next: null, busy: false, query: { session: "s1" } });
    // Opening a session (an entry's link) or searching hides the trail.
    state = reduceApp(state, { type: "selected", sessionId: "s1" });
    expect(state.audit.shown).toBe(false);
    state = reduceApp(state, { type: "auditShown", query: all });
    state = reduceApp(state, { type: "searchChanged", query: { text: "x", workspace: null, kinds: [], since: null, until: null } });
    expect(state.audit.shown).toBe(false);
    expect(state.search.shown).toBe(true);
  });

  it("routes batches to the session's view and counts missed batches", () => {
    let state = reduceApp(initialAppView, { type: "batch", batch: batch(1) });
    state = reduceApp(state, { type: "batch", batch: batch(2) });
    state = reduceApp(state, { type: "batch", batch: batch(5, true) });
    expect(state.health.s1).toEqual({ lastSeq: 5, missedBatches: 2, droppedDeltas: true });
    const entry = state.views.s1?.entries.a;
    expect(entry?.kind === "item" && entry.item.type === "agentMessage" && entry.item.text).toBe("#1#2#5");
  });

  it("selects a created session and lists it first", () => {
    const loaded = reduceApp(initialAppView, {
      type: "loaded",
      sessions: [sessionInfo({ id: "old" })],
      codex: null,
      codexError: null,
      selectedId: null,
      account: accountState(),
      storage: { problem: null, waiting: 0 },
      notices: [],
      notifications: true,
      idleReleaseSecs: 600,
    });
    const created = reduceApp({ ...loaded, creating: true }, { type: "sessionCreated", session: sessionInfo({ id: "new" }) });
    expect(created.sessions.map((s) => s.id)).toEqual(["new", "old"]);
    expect(created.selectedId).toBe("new");
    expect(created.creating).toBe(false);
  });

  it("closes the sign-in panel when a sign-in completes, not on progress", () => {
    let state = reduceApp(initialAppView, { type: "accountChanged", account: accountState() });
    state = reduceApp(state, { type: "signInShown", shown: true });
    expect(state.signingIn).toBe(true);
    const waiting = accountState({ revision: 2, login: { type: "browser", authUrl: "https://auth.example/x", openError: null } });
    state = reduceApp(state, { type: "accountChanged", account: waiting });
    expect(state.signingIn).toBe(true);
    const signedIn = accountState({ revision: 3, auth: { type: "chatGpt", email: "a@b.c", plan: "plus" } });
    state = reduceApp(state, { type: "accountChanged", account: signedIn });
    expect(state.signingIn).toBe(false);
    expect(state.account?.auth.type).toBe("chatGpt");
    // Signing in again (already signed in) also ends at the transcript.
    state = reduceApp(state, { type: "signInShown", shown: true });
    state = reduceApp(state, { type: "accountChanged", account: { ...waiting, auth: signedIn.auth, revision: 4 } });
    expect(state.signingIn).toBe(true);
    state = reduceApp(state, { type: "accountChanged", account: { ...signedIn, revision: 5 } });
    expect(state.signingIn).toBe(false);
  });

  it("never lets an older account state replace a newer one", () => {
    const newer = accountState({ revision: 7, auth: { type: "apiKey" } });
    const older = accountState({ revision: 6, login: { type: "browser", authUrl: "https://x", openError: null } });
    let state = reduceApp(initialAppView, { type: "accountChanged", account: newer });
    state = reduceApp(state, { type: "accountChanged", account: older });
    expect(state.account).toBe(newer);
  });

  it("keeps start-up notices until dismissed, and follows storage health", () => {
    let state = reduceApp(initialAppView, {
      type: "loaded",
      sessions: [],
      codex: null,
      codexError: null,
      selectedId: null,
      account: accountState(),
      storage: { problem: null, waiting: 0 },
      notices: ["moved aside", "other"],
      notifications: true,
      idleReleaseSecs: null,
    });
    state = reduceApp(state, { type: "noticeDismissed", index: 0 });
    expect(state.notices).toEqual(["other"]);
    state = reduceApp(state, { type: "noticeAdded", notice: "link not opened" });
    state = reduceApp(state, { type: "noticeAdded", notice: "link not opened" });
    expect(state.notices).toEqual(["other", "link not opened"]);
    state = reduceApp(state, { type: "storageChanged", storage: { problem: "the disk is full", waiting: 3 } });
    expect(state.storage.problem).toBe("the disk is full");
  });

  it("shows one panel at a time", () => {
    let state = reduceApp(initialAppView, { type: "newSessionShown", shown: true });
    state = reduceApp(state, { type: "signInShown", shown: true });
    expect([state.creating, state.signingIn]).toEqual([false, true]);
    state = reduceApp(state, { type: "selected", sessionId: "s1" });
    expect([state.creating, state.signingIn]).toEqual([false, false]);
  });

  it("keeps a panel the user opened while the last session was being restored", () => {
    let state = reduceApp(initialAppView, { type: "newSessionShown", shown: true });
    state = reduceApp(state, { type: "selected", sessionId: "s1", restored: true });
    expect([state.selectedId, state.creating]).toEqual(["s1", true]);
  });
});

describe("store", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("publishes streaming updates at most every RENDER_INTERVAL_MS", () => {
    vi.useFakeTimers();
    const store = createAppStore();
    const listener = vi.fn();
    store.subscribe(listener);
    store.dispatch({ type: "selected", sessionId: "s1" });
    expect(listener).toHaveBeenCalledTimes(1);

    for (let seq = 1; seq <= 10; seq++) store.dispatchThrottled({ type: "batch", batch: batch(seq) });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(store.getSnapshot().views.s1).toBeUndefined();

    vi.advanceTimersByTime(RENDER_INTERVAL_MS);
    expect(listener).toHaveBeenCalledTimes(2);
    expect(store.getSnapshot().health.s1?.lastSeq).toBe(10);
  });

  it("a user action publishes pending streaming updates at once", () => {
    vi.useFakeTimers();
    const store = createAppStore();
    store.dispatchThrottled({ type: "batch", batch: batch(1) });
    store.dispatch({ type: "newSessionShown", shown: true });
    expect(store.getSnapshot().health.s1?.lastSeq).toBe(1);
  });
});
