import { afterEach, describe, expect, it, vi } from "vitest";
import type { EventBatch } from "../generated/desk/EventBatch";
import { initialAppView, reduceApp } from "./appState";
import { createAppStore, RENDER_INTERVAL_MS } from "./store";
import { agentDelta, sessionInfo } from "./testBuilders";

const batch = (seq: number, droppedDeltas = false): EventBatch => ({
  sessionId: "s1",
  seq,
  droppedDeltas,
  events: [agentDelta("t1", "a", `#${seq}`)],
});

describe("reduceApp", () => {
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
    });
    const created = reduceApp({ ...loaded, creating: true }, { type: "sessionCreated", session: sessionInfo({ id: "new" }) });
    expect(created.sessions.map((s) => s.id)).toEqual(["new", "old"]);
    expect(created.selectedId).toBe("new");
    expect(created.creating).toBe(false);
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
