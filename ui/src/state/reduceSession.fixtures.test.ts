// Replays real codex app-server notifications (recorded from codex 0.169) through the reducer
// and checks what a user would see.
import { describe, expect, it } from "vitest";
import type { ServerNotification } from "../generated/codex/ServerNotification";
import type { SessionEvent } from "../generated/desk/SessionEvent";
import { diffStats } from "./diffStats";
import { reduceSessionEvents } from "./reduceSession";
import { emptySessionView, orderedEntries, type Entry, type ItemEntry, type SessionView } from "./sessionView";
import { fixtureEvents, fixtureNotifications, type FixtureName } from "./testFixtures";

const replay = (events: SessionEvent[], view: SessionView = emptySessionView("s1")) => reduceSessionEvents(view, events);

const itemsOfType = (view: SessionView, type: string): ItemEntry[] =>
  orderedEntries(view).filter((e): e is ItemEntry => e.kind === "item" && e.item.type === type);

const only = <T,>(list: T[]): T => {
  expect(list).toHaveLength(1);
  return list[0] as T;
};

function deltasFor(name: FixtureName, method: ServerNotification["method"], itemId: string): string {
  return fixtureNotifications(name)
    .filter((n) => n.method === method && (n.params as { itemId?: string }).itemId === itemId)
    .map((n) => (n.params as { delta: string }).delta)
    .join("");
}

/** The events up to (not including) the item/completed of `itemId`. */
function untilCompleted(name: FixtureName, itemId: string): SessionEvent[] {
  const events = fixtureEvents(name);
  const end = events.findIndex(
    (e) => e.type === "codex" && e.notification.method === "item/completed" && (e.notification.params.item as { id: string }).id === itemId,
  );
  expect(end).toBeGreaterThan(0);
  return events.slice(0, end);
}

const kinds = (view: SessionView) =>
  orderedEntries(view).map((e: Entry) => (e.kind === "item" ? e.item.type : e.kind));

describe("text.jsonl", () => {
  const view = replay(fixtureEvents("text"));

  it("streams the agent message as the concatenated deltas, then shows the completed text", () => {
    const answerId = only(itemsOfType(view, "agentMessage")).id;
    const streamed = deltasFor("text", "item/agentMessage/delta", answerId);
    expect(streamed).toContain("Hello from the mock model");

    const midway = only(itemsOfType(replay(untilCompleted("text", answerId)), "agentMessage"));
    expect(midway.streaming).toBe(true);
    expect(midway.item.type === "agentMessage" && midway.item.text).toBe(streamed);

    const done = only(itemsOfType(view, "agentMessage"));
    expect(done.streaming).toBe(false);
    expect(done.item.type === "agentMessage" && done.item.text).toBe(streamed);
  });

  it("shows the prompt then the answer, and ends the turn", () => {
    expect(kinds(view)).toEqual(["userMessage", "agentMessage"]);
    expect(view.activeTurnId).toBeNull();
    expect(Object.values(view.turns).map((t) => t.status)).toEqual(["completed"]);
    expect(view.threadId).toBeTruthy();
  });

  it("is idempotent: replaying the whole stream twice changes nothing", () => {
    const twice = replay(fixtureEvents("text"), view);
    expect(twice.order).toEqual(view.order);
    expect(twice.entries).toEqual(view.entries);
  });
});

describe("command.jsonl", () => {
  const view = replay(fixtureEvents("command"));

  it("shows the command, its live output, then exit code 0 and duration", () => {
    const card = only(itemsOfType(view, "commandExecution"));
    const midway = only(itemsOfType(replay(untilCompleted("command", card.id)), "commandExecution"));
    expect(midway.streaming).toBe(true);
    expect(midway.item.type === "commandExecution" && midway.item.aggregatedOutput).toBe(
      deltasFor("command", "item/commandExecution/outputDelta", card.id),
    );

    if (card.item.type !== "commandExecution") throw new Error("not a command");
    expect(card.item.command).toContain("echo hello-from-codex");
    expect(card.item.aggregatedOutput).toContain("hello-from-codex");
    expect(card.item.exitCode).toBe(0);
    expect(card.item.durationMs).not.toBeNull();
    expect(card.item.cwd).toBeTruthy();
    expect(card.streaming).toBe(false);
  });

  it("orders prompt, command, answer", () => {
    expect(kinds(view)).toEqual(["userMessage", "commandExecution", "agentMessage"]);
  });
});

describe("patch.jsonl", () => {
  it("yields a file-change card adding hello.txt", () => {
    const view = replay(fixtureEvents("patch"));
    const card = only(itemsOfType(view, "fileChange"));
    if (card.item.type !== "fileChange") throw new Error("not a file change");
    const change = only(card.item.changes);
    expect(change.path.endsWith("hello.txt")).toBe(true);
    expect(change.kind.type).toBe("add");
    expect(card.item.status).toBe("completed");
    expect(diffStats(change.diff, change.kind)).toEqual({ added: 1, removed: 0 });
    expect(kinds(view)).toEqual(["userMessage", "fileChange", "agentMessage"]);
  });
});

describe("error.jsonl", () => {
  const view = replay(fixtureEvents("error"));

  it("fails the first turn with one readable inline error, then shows the second turn's answer", () => {
    expect(kinds(view)).toEqual(["userMessage", "error", "userMessage", "agentMessage"]);
    const [first, second] = fixtureNotifications("error")
      .filter((n) => n.method === "turn/started")
      .map((n) => (n.method === "turn/started" ? n.params.turn.id : ""));
    expect(view.turns[first!]?.status).toBe("failed");
    expect(view.turns[second!]?.status).toBe("completed");

    const error = orderedEntries(view).find((e) => e.kind === "error");
    if (error?.kind !== "error") throw new Error("no error entry");
    expect(error.message).toMatch(/high demand/);
    expect(error.message).not.toMatch(/^\s*[{[]/); // a sentence, not JSON
    expect(error.codexErrorInfo).toBe("internalServerError");
    expect(error.turnId).toBe(first);

    const answer = only(itemsOfType(view, "agentMessage"));
    expect(answer.item.type === "agentMessage" && answer.item.text).toContain("Hello from the mock model");
    expect(view.retrying).toBeNull();
  });

  it("does not repeat the error when the backend reports the session failed with the same message", () => {
    const turnError = orderedEntries(view).find((e) => e.kind === "error");
    const failed = replay(fixtureEvents("error").slice(0, 9), emptySessionView("s1"));
    const withStatus = replay(
      [{ type: "status", status: "failed", message: turnError?.kind === "error" ? turnError.message : "", threadId: null }],
      failed,
    );
    expect(orderedEntries(withStatus).filter((e) => e.kind === "error")).toHaveLength(1);
  });
});

describe("interrupt.jsonl", () => {
  it("marks the turn interrupted and the half-streamed message as no longer streaming", () => {
    const view = replay(fixtureEvents("interrupt"));
    const [turn] = Object.values(view.turns);
    expect(turn?.status).toBe("interrupted");
    expect(view.activeTurnId).toBeNull();

    const message = only(itemsOfType(view, "agentMessage"));
    expect(message.completed).toBe(false);
    expect(message.streaming).toBe(false);
    expect(message.cutShort).toBe(true);
    expect(message.item.type === "agentMessage" && message.item.text).toBe(
      deltasFor("interrupt", "item/agentMessage/delta", message.id),
    );
  });

  it("ignores stale deltas replayed after the interruption", () => {
    const once = replay(fixtureEvents("interrupt"));
    const twice = replay(fixtureEvents("interrupt"), once);
    expect(twice.entries).toEqual(once.entries);
  });
});
