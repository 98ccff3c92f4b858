import { afterEach, describe, expect, it, vi } from "vitest";
import type { EventBatch } from "../generated/desk/EventBatch";
import { reduceSessionEvents } from "../state/reduceSession";
import { emptySessionView, isTurnRunning, orderedEntries } from "../state/sessionView";
import { createFakeBackend } from "./fake";

describe("fake backend", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("rejects an invalid folder with workspaceInvalid", async () => {
    await expect(createFakeBackend().createSession("not a path")).rejects.toMatchObject({ code: "workspaceInvalid" });
  });

  it("plays a demo turn the reducer can show, and reopens it from the transcript", async () => {
    vi.useFakeTimers();
    const backend = createFakeBackend();
    const session = await backend.createSession("/tmp/demo");
    const batches: EventBatch[] = [];
    await backend.subscribe(session.id, (b) => batches.push(b));
    await backend.sendPrompt(session.id, "hello");
    await vi.runAllTimersAsync();

    expect(batches.map((b) => b.seq)).toEqual(batches.map((_, i) => i + 1));
    const view = reduceSessionEvents(emptySessionView(session.id), batches.flatMap((b) => b.events));
    const kinds = orderedEntries(view).map((e) => (e.kind === "item" ? e.item.type : e.kind));
    expect(kinds).toEqual(["userMessage", "reasoning", "commandExecution", "fileChange", "agentMessage"]);
    expect(isTurnRunning(view)).toBe(false);

    const transcript = await backend.openSession(session.id);
    const reopened = reduceSessionEvents(emptySessionView(session.id), [{ type: "transcript", transcript }]);
    expect(reopened.order).toEqual(view.order);
    expect((await backend.appState()).lastSessionId).toBe(session.id);
  });
});
