import { describe, expect, it } from "vitest";
import type { ThreadItem } from "../generated/codex/v2/ThreadItem";
import type { Transcript } from "../generated/desk/Transcript";
import { reduceSession, reduceSessionEvents, type SessionAction } from "./reduceSession";
import { sessionDot } from "./sessionGroups";
import { emptySessionView, isTurnRunning, orderedEntries, type SessionView, defaultSessionOptions } from "./sessionView";
import {
  agentDelta,
  agentMessage,
  codex,
  itemCompleted,
  itemStarted,
  sessionInfo,
  turnCompleted,
  turnStarted,
  userMessage,
} from "./testBuilders";

const run = (events: SessionAction[], view: SessionView = emptySessionView("s1")) => reduceSessionEvents(view, events);
const textOf = (view: SessionView, id: string) => {
  const entry = view.entries[id];
  return entry?.kind === "item" && entry.item.type === "agentMessage" ? entry.item.text : undefined;
};

describe("deltas", () => {
  it("gives the same text whether the backend merged deltas or not", () => {
    const start = [turnStarted("t1"), itemStarted("t1", agentMessage("a", ""))];
    const split = run([...start, agentDelta("t1", "a", "Hel"), agentDelta("t1", "a", "lo "), agentDelta("t1", "a", "world")]);
    const merged = run([...start, agentDelta("t1", "a", "Hello world")]);
    expect(textOf(split, "a")).toBe("Hello world");
    expect(merged.entries).toEqual(split.entries);
  });

  it("creates the message when deltas arrive without item/started", () => {
    const view = run([agentDelta("t1", "a", "late join")]);
    expect(textOf(view, "a")).toBe("late join");
    expect(view.entries.a?.kind === "item" && view.entries.a.streaming).toBe(true);
  });

  it("appends reasoning summary deltas by index", () => {
    const view = run([
      codex({ method: "item/reasoning/summaryTextDelta", params: { threadId: "x", turnId: "t1", itemId: "r", delta: "one", summaryIndex: 0 } }),
      codex({ method: "item/reasoning/summaryTextDelta", params: { threadId: "x", turnId: "t1", itemId: "r", delta: "two", summaryIndex: 1 } }),
    ]);
    const entry = view.entries.r;
    expect(entry?.kind === "item" && entry.item.type === "reasoning" && entry.item.summary).toEqual(["one", "two"]);
  });
});

describe("idempotence", () => {
  const base = [turnStarted("t1"), itemStarted("t1", agentMessage("a", "")), agentDelta("t1", "a", "partial")];

  it("item/completed replaces the item by id, keeping its place; twice is the same as once", () => {
    const once = run([...base, itemCompleted("t1", agentMessage("a", "final text"))]);
    const twice = run([itemCompleted("t1", agentMessage("a", "final text"))], once);
    expect(textOf(once, "a")).toBe("final text");
    expect(twice.order).toEqual(["a"]);
    expect(twice.entries).toEqual(once.entries);
  });

  it("an item/started for a completed item does not reset it", () => {
    const done = run([...base, itemCompleted("t1", agentMessage("a", "final text"))]);
    const after = run([itemStarted("t1", agentMessage("a", "")), agentDelta("t1", "a", "stale")], done);
    expect(textOf(after, "a")).toBe("final text");
    expect(after.entries.a?.kind === "item" && after.entries.a.completed).toBe(true);
  });

  it("ignores unknown methods without creating a new state", () => {
    const view = run(base);
    const next = reduceSession(view, codex({ method: "skills/changed", params: {} } as never));
    expect(next).toBe(view);
  });
});

describe("prompts", () => {
  it("shows the accepted prompt once, replaced in place by codex's userMessage item", () => {
    const view = run([
      { type: "promptAccepted", text: "fix the bug" },
      turnStarted("t1"),
      itemStarted("t1", userMessage("u1", "fix the bug")),
      itemCompleted("t1", userMessage("u1", "fix the bug")),
      itemStarted("t1", agentMessage("a", "")),
    ]);
    expect(orderedEntries(view).map((e) => e.id)).toEqual(["u1", "a"]);
  });

  it("shows the prompt before codex answers", () => {
    const view = run([{ type: "promptAccepted", text: "hello" }]);
    expect(orderedEntries(view)).toEqual([{ kind: "prompt", id: "prompt-1", text: "hello" }]);
  });
});

describe("turns, status, errors, notices", () => {
  it("tracks the running turn", () => {
    const running = run([turnStarted("t1")]);
    expect(isTurnRunning(running)).toBe(true);
    expect(isTurnRunning(run([turnCompleted("t1")], running))).toBe(false);
  });

  it("ends the running turn when the session says it was interrupted (the folder moved)", () => {
    const streaming = run([turnStarted("t1"), itemStarted("t1", agentMessage("a", "")), agentDelta("t1", "a", "par")]);
    const view = run([{ type: "status", status: "interrupted", message: "The folder moved", threadId: null }], streaming);
    expect(isTurnRunning(view)).toBe(false);
    expect(view.entries.a).toMatchObject({ streaming: false });
    expect(view.statusMessage).toBe("The folder moved");
  });

  it("shows retries subtly and the final error inline", () => {
    const error = (willRetry: boolean, message: string) =>
      codex({ method: "error", params: { threadId: "x", turnId: "t1", willRetry, error: { message, codexErrorInfo: null, additionalDetails: "HTTP 500", misalignment: null } } });
    const retrying = run([turnStarted("t1"), error(true, "Reconnecting... 1/5")]);
    expect(retrying.retrying).toBe("Reconnecting... 1/5");
    expect(orderedEntries(retrying)).toHaveLength(0);
    const failed = run([error(false, "Service unavailable"), turnCompleted("t1", "failed")], retrying);
    expect(failed.retrying).toBeNull();
    const entries = orderedEntries(failed);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: "error", message: "Service unavailable", details: "HTTP 500" });
  });

  it("a crash ends streaming and the running turn", () => {
    const view = run([
      turnStarted("t1"),
      itemStarted("t1", agentMessage("a", "")),
      { type: "status", status: "crashed", message: "Codex stopped unexpectedly.", threadId: null },
    ]);
    expect(view.status).toBe("crashed");
    expect(view.statusMessage).toBe("Codex stopped unexpectedly.");
    expect(orderedEntries(view).at(-1)).toMatchObject({ kind: "error", message: "Codex stopped unexpectedly." });
    expect(isTurnRunning(view)).toBe(false);
    expect(view.entries.a?.kind === "item" && view.entries.a.streaming).toBe(false);
  });

  it("turns a refused-credentials error into a sign-in card, whichever arrives first", () => {
    const refused = codex({
      method: "error",
      params: {
        threadId: "x",
        turnId: "t1",
        willRetry: false,
        error: { message: "unexpected status 401 Unauthorized", codexErrorInfo: { httpConnectionFailed: { httpStatusCode: 401 } }, additionalDetails: null, misalignment: null },
      },
    });
    const signIn = { type: "signInRequired" as const, turnId: "t1", message: "OpenAI refused the credentials. Sign in again." };
    for (const events of [
      [turnStarted("t1"), refused, signIn],
      [turnStarted("t1"), { ...signIn, turnId: null }, refused],
    ]) {
      const entries = orderedEntries(run(events));
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        kind: "error",
        action: "signIn",
        message: "OpenAI refused the credentials. Sign in again.",
        details: "unexpected status 401 Unauthorized",
      });
    }
  });

  it("knows when the session's folder is gone until it is pointed elsewhere", () => {
    const gone = run([{ type: "workspaceMissing", path: "/home/me/project" }]);
    expect(gone.workspaceMissing).toBe("/home/me/project");
    expect(run([{ type: "workspaceMoved", path: "/home/me/renamed" }], gone).workspaceMissing).toBeNull();
  });

  it("shows a setup warning as a notice of its own", () => {
    const view = run([{ type: "setupWarning", message: "MCP server `b` is turned off" }]);
    expect(orderedEntries(view)[0]).toMatchObject({ kind: "notice", variant: "setupWarning" });
  });

  it("shows an auto-answered approval as a notice", () => {
    const view = run([{ type: "autoAnswered", method: "item/commandExecution/requestApproval", summary: "rm -rf build" }]);
    expect(orderedEntries(view)[0]).toMatchObject({ kind: "notice", summary: "rm -rf build" });
  });

  it("knows when codex waits for the user", () => {
    const view = run([codex({ method: "thread/status/changed", params: { threadId: "x", status: { type: "active", activeFlags: ["waitingOnApproval"] } } })]);
    expect(view.waitingForUser).toBe(true);
  });

  it("takes a prompt codex refused back out of the transcript, and only that one", () => {
    const view = run([
      { type: "promptAccepted", text: "same" },
      { type: "promptAccepted", text: "same" },
      { type: "promptRefused", text: "same" },
    ]);
    expect(orderedEntries(view)).toEqual([expect.objectContaining({ kind: "prompt", id: "prompt-1", text: "same" })]);
    expect(run([{ type: "promptRefused", text: "never shown" }], view)).toBe(view);
  });

  it("keeps each turn's token count, stored or live, and the latest for the session", () => {
    const counts = (total: number) => ({ total, input: total - 20, cachedInput: 0, output: 20, reasoningOutput: 0 });
    const usage = (turn: number, session: number) => ({ turn: counts(turn), session: counts(session), contextTokens: turn, contextWindow: 1000 });
    const stored: Transcript = {
      session: sessionInfo({ status: "idle" }),
      turns: [{ id: "t1", status: "completed", error: null, startedAt: 1, completedAt: 2, usage: usage(120, 120) }],
      items: [],
      hasOlder: false, hasNewer: false, approvals: [], queued: [], queueHeld: false, options: defaultSessionOptions,
    };
    const opened = run([{ type: "transcript", transcript: stored }]);
    expect(opened.usage?.session.total).toBe(120);
    // A turn that ends live keeps the count it was stored with.
    const ended = run([turnCompleted("t1")], opened);
    expect(ended.turns.t1?.usage?.turn.total).toBe(120);
    // A new turn counted live: its own count, and the session's.
    const next = run([turnStarted("t2"), { type: "turnUsage", turnId: "t2", usage: usage(300, 420) }], ended);
    expect(next.turns.t2?.usage?.turn.total).toBe(300);
    expect(next.usage?.session.total).toBe(420);
    const done = run([turnCompleted("t2"), { type: "transcript", transcript: stored }], next);
    expect(done.turns.t2?.usage?.turn.total).toBe(300);
    expect(done.usage?.session.total).toBe(420);
  });

  it("no longer waits for the user once codex is gone or the session is read again idle", () => {
    const waiting = run([
      { type: "status", status: "running", message: null, threadId: null },
      codex({ method: "thread/status/changed", params: { threadId: "x", status: { type: "active", activeFlags: ["waitingOnApproval"] } } }),
    ]);
    expect(sessionDot(sessionInfo(), waiting)).toBe("waiting");
    const crashed = run([{ type: "status", status: "crashed", message: "Codex stopped unexpectedly.", threadId: null }], waiting);
    expect(sessionDot(sessionInfo(), crashed)).toBe("crashed");
    const idle: Transcript = { session: sessionInfo({ status: "idle" }), turns: [], items: [], hasOlder: false, hasNewer: false, approvals: [], queued: [], queueHeld: false, options: defaultSessionOptions };
    const reread = run([{ type: "transcript", transcript: idle }], {
      ...waiting,
      status: null,
    });
    expect(reread.waitingForUser).toBe(false);
  });
});

describe("approvals", () => {
  const request = {
    key: "7",
    kind: "command" as const,
    turnId: "t1",
    itemId: "call_1",
    command: "touch /x",
    cwd: "/w",
    reason: null,
    grantRoot: null,
    allowPrefix: null,
    questions: [], permissions: null, elicitation: null, network: null,
    choices: ["approve" as const, "decline" as const, "cancelTurn" as const],
    askedAt: 1,
  };

  it("shows a question as a card in the flow, waiting, until it is answered", () => {
    const asked = run([turnStarted("t1"), { type: "approvalRequested", request }]);
    expect(asked.order.at(-1)).toBe("approval-7");
    expect(asked.approvalsWaiting).toBe(1);
    expect(sessionDot(sessionInfo(), asked)).toBe("waiting");
    const answered = run([{ type: "approvalResolved", key: "7", outcome: { by: "user", choice: "approve" } }], asked);
    expect(answered.entries["approval-7"]).toMatchObject({ kind: "approval", outcome: { by: "user", choice: "approve" } });
    expect(answered.approvalsWaiting).toBe(0);
    expect(sessionDot(sessionInfo(), { ...answered, status: "running" })).toBe("running");
    // A late "withdrawn" or a repeated request never reopens or recounts it.
    const again = run(
      [
        { type: "approvalResolved", key: "7", outcome: { by: "withdrawn" } },
        { type: "approvalRequested", request },
      ],
      answered,
    );
    expect(again.entries["approval-7"]).toMatchObject({ outcome: { by: "user", choice: "approve" } });
    expect(again.approvalsWaiting).toBe(0);
    const unknown = run([{ type: "approvalResolved", key: "nope", outcome: { by: "stopped" } }], asked);
    expect(unknown.entries).toBe(asked.entries);
    expect(unknown.approvalsWaiting).toBe(1);
  });

  it("a question answered before the transcript listing it arrives stays answered", () => {
    const transcript: Transcript = { session: sessionInfo({ status: "running" }), turns: [], items: [], hasOlder: false, hasNewer: false, approvals: [request], queued: [], queueHeld: false, options: defaultSessionOptions };
    const heard = run([{ type: "approvalResolved", key: "7", outcome: { by: "withdrawn" } }]);
    const opened = reduceSession(heard, { type: "transcript", transcript });
    expect(opened.entries["approval-7"]).toMatchObject({ outcome: { by: "withdrawn" } });
    expect(opened.approvalsWaiting).toBe(0);
    const late = run([{ type: "approvalRequested", request }], heard);
    expect(late.entries["approval-7"]).toMatchObject({ outcome: { by: "withdrawn" } });
    expect(late.approvalsWaiting).toBe(0);
  });

  it("a question still waiting stays when the session is opened at an item elsewhere", () => {
    const asked = run([turnStarted("t1"), { type: "approvalRequested", request }]);
    const transcript: Transcript = {
      session: sessionInfo({ status: "running" }),
      turns: [{ id: "t0", status: "completed", error: null, startedAt: 1, completedAt: 2, usage: null }],
      items: [{ turnId: "t0", seq: 5, item: userMessage("u5", "old") }],
      hasOlder: true,
      hasNewer: true,
      approvals: [request], queued: [], queueHeld: false, options: defaultSessionOptions,
    };
    const middle = reduceSession(asked, { type: "transcript", transcript, focusSeq: 5 });
    expect(middle.order).toEqual(["u5", "approval-7"]);
    expect(middle.approvalsWaiting).toBe(1);
  });

  it("keeps an answered question after its command when the transcript is read again", () => {
    const stored = (turnId: string, seq: number, item: ThreadItem) => ({ turnId, seq, item });
    const transcript: Transcript = {
      session: sessionInfo({ status: "idle" }),
      turns: [
        { id: "t1", status: "completed", error: null, startedAt: 1, completedAt: 2, usage: null },
        { id: "t2", status: "completed", error: null, startedAt: 3, completedAt: 4, usage: null },
      ],
      items: [
        stored("t1", 1, userMessage("u1", "touch /x")),
        stored("t1", 2, agentMessage("call_1", "(the command)")),
        stored("t1", 3, agentMessage("a1", "Done.")),
        stored("t2", 4, userMessage("u2", "again")),
        stored("t2", 5, agentMessage("a2", "Done again.")),
      ],
      hasOlder: false,
      hasNewer: false,
      approvals: [], queued: [], queueHeld: false, options: defaultSessionOptions,
    };
    const answered = run([
      { type: "approvalRequested", request },
      { type: "approvalResolved", key: "7", outcome: { by: "user", choice: "approve" } },
    ]);
    const reread = reduceSession(answered, { type: "transcript", transcript });
    expect(reread.order).toEqual(["u1", "call_1", "approval-7", "a1", "u2", "a2"]);
    expect(reread.approvalsWaiting).toBe(0);
  });

  it("shows the questions a transcript read while codex waits brings, once", () => {
    const transcript: Transcript = { session: sessionInfo({ status: "running" }), turns: [], items: [], hasOlder: false, hasNewer: false, approvals: [request], queued: [], queueHeld: false, options: defaultSessionOptions };
    const opened = reduceSession(emptySessionView("s1"), { type: "transcript", transcript });
    expect(opened.order).toEqual(["approval-7"]);
    expect(opened.approvalsWaiting).toBe(1);
    const live = run([{ type: "approvalRequested", request }], opened);
    expect(live.order).toEqual(["approval-7"]);
    expect(live.approvalsWaiting).toBe(1);
    const reread = reduceSession(live, { type: "transcript", transcript });
    expect(reread.order).toEqual(["approval-7"]);
    expect(reread.approvalsWaiting).toBe(1);
  });
});

describe("queued follow-ups", () => {
  it("shows the queue the core reports, replaced whole each time, and the one a transcript brings", () => {
    const queued = run([
      { type: "queueChanged", queued: [{ id: "q1", text: "one" }, { id: "q2", text: "two" }], held: false },
      { type: "queueChanged", queued: [{ id: "q2", text: "two" }], held: false },
    ]);
    expect(queued.queued).toEqual([{ id: "q2", text: "two" }]);
    const transcript: Transcript = {
      session: sessionInfo({ status: "idle" }),
      turns: [],
      items: [],
      hasOlder: false,
      hasNewer: false,
      approvals: [],
      queued: [{ id: "q3", text: "waiting" }],
      queueHeld: true,
      options: defaultSessionOptions,
    };
    expect(reduceSession(queued, { type: "transcript", transcript }).queued).toEqual([{ id: "q3", text: "waiting" }]);
  });
});

describe("stored transcript", () => {
  it("shows an item written while it streamed as cut short", () => {
    const draft = { ...agentMessage("a", "half an ans"), deskDraft: true } as unknown as ThreadItem;
    const view = reduceSession(emptySessionView("s1"), {
      type: "transcript",
      transcript: {
        session: sessionInfo({ status: "interrupted", lastError: "Codex Desk closed while codex was working" }),
        turns: [{ id: "t1", status: "interrupted", error: "Codex Desk closed during this turn.", startedAt: 1, completedAt: 2, usage: null }],
        items: [{ turnId: "t1", seq: 1, item: draft }],
        hasOlder: false,
        hasNewer: false, approvals: [], queued: [], queueHeld: false, options: defaultSessionOptions,
      },
    });
    expect(view.entries.a).toMatchObject({ kind: "item", cutShort: true, streaming: false });
    expect(view.status).toBe("interrupted");
    expect(view.statusMessage).toContain("closed while codex was working");
  });

  it("lets a checkpoint of the running turn stream on, and never puts it over a live answer", () => {
    const draft = { ...agentMessage("a", "half an ans"), deskDraft: true } as unknown as ThreadItem;
    const running: Transcript = {
      session: sessionInfo({ status: "running" }),
      turns: [{ id: "t1", status: "inProgress", error: null, startedAt: 1, completedAt: null, usage: null }],
      items: [{ turnId: "t1", seq: 1, item: draft }],
      hasOlder: false,
      hasNewer: false, approvals: [], queued: [], queueHeld: false, options: defaultSessionOptions,
    };
    // Opened while the answer streams (nothing live yet): the checkpoint is where it goes on.
    let view = reduceSession(emptySessionView("s1"), { type: "transcript", transcript: running });
    expect(view.entries.a).toMatchObject({ kind: "item", streaming: true, completed: false, cutShort: false });
    view = reduceSessionEvents(view, [agentDelta("t1", "a", "wer")]);
    expect(view.entries.a).toMatchObject({ item: { text: "half an answer" } });
    expect("deskDraft" in (view.entries.a as { item: object }).item).toBe(false);

    // Read again while the live answer is ahead of the checkpoint: the live answer stays.
    view = reduceSessionEvents(view, [agentDelta("t1", "a", " and more")]);
    view = reduceSession(view, { type: "transcript", transcript: running });
    expect(view.entries.a).toMatchObject({ streaming: true, item: { text: "half an answer and more" } });
    view = reduceSessionEvents(view, [agentDelta("t1", "a", "!")]);
    expect(view.entries.a).toMatchObject({ item: { text: "half an answer and more!" } });
  });

  const transcript: Transcript = {
    session: sessionInfo({ status: "idle", threadId: "thread-1" }),
    turns: [
      { id: "t1", status: "completed", error: null, startedAt: 1, completedAt: 2, usage: null },
      { id: "t2", status: "failed", error: "Usage limit reached.", startedAt: 3, completedAt: 4, usage: null },
    ],
    items: [
      { turnId: "t1", seq: 1, item: userMessage("u1", "first") },
      { turnId: "t1", seq: 2, item: agentMessage("a1", "answer one") },
      { turnId: "t2", seq: 3, item: userMessage("u2", "second") },
    ],
    hasOlder: false,
    hasNewer: false, approvals: [], queued: [], queueHeld: false, options: defaultSessionOptions,
  };

  it("shows stored items in order with the failed turn's error, then live events", () => {
    const view = run([
      { type: "transcript", transcript },
      { type: "promptAccepted", text: "third" },
      turnStarted("t3"),
      itemCompleted("t3", userMessage("u3", "third")),
      itemStarted("t3", agentMessage("a3", "")),
      agentDelta("t3", "a3", "streaming"),
    ]);
    expect(view.order).toEqual(["u1", "a1", "u2", "error-t2", "u3", "a3"]);
    expect(view.entries["error-t2"]).toMatchObject({ kind: "error", message: "Usage limit reached." });
    expect(textOf(view, "a3")).toBe("streaming");
    expect(view.status).toBe("idle");
    expect(view.loaded).toBe(true);
  });

  it("merges under live events that arrived before it", () => {
    const live = run([
      { type: "status", status: "running", message: null, threadId: "thread-1" },
      turnStarted("t3"),
      itemStarted("t3", agentMessage("a3", "")),
      agentDelta("t3", "a3", "early"),
      itemCompleted("t1", agentMessage("a1", "answer one")),
    ]);
    const view = run([{ type: "transcript", transcript }], live);
    expect(view.order).toEqual(["u1", "a1", "u2", "error-t2", "a3"]);
    expect(textOf(view, "a3")).toBe("early");
    expect(view.status).toBe("running");
    expect(view.activeTurnId).toBe("t3");
    const again = run([{ type: "transcript", transcript }], view);
    expect(again.order).toEqual(view.order);
  });

  it("matches a pending prompt to the stored userMessage of the running turn", () => {
    const running: Transcript = {
      session: sessionInfo({ status: "running" }),
      turns: [{ id: "t1", status: "inProgress", error: null, startedAt: 1, completedAt: null, usage: null }],
      items: [{ turnId: "t1", seq: 1, item: userMessage("u1", "go") }],
      hasOlder: false,
      hasNewer: false, approvals: [], queued: [], queueHeld: false, options: defaultSessionOptions,
    };
    const view = run([{ type: "promptAccepted", text: "go" }, { type: "transcript", transcript: running }]);
    expect(view.order).toEqual(["u1"]);
    expect(view.activeTurnId).toBe("t1");
  });
});
