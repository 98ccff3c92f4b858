// Folds one codex app-server notification into a SessionView. Pure; unknown methods are ignored.
import type { ServerNotification } from "../generated/codex/ServerNotification";
import type { ThreadItem } from "../generated/codex/v2/ThreadItem";
import {
  errorEntryId,
  newItemEntry,
  putEntry,
  putError,
  replacePendingPrompt,
  stopStreaming,
  updateStreamingItem,
} from "./entries";
import { appendAt, emptyAgentMessage, emptyReasoning, PLAN, planItemId, type PlanItem } from "./items";
import type { SessionView } from "./sessionView";

function itemStarted(view: SessionView, item: ThreadItem, turnId: string): SessionView {
  const id = (item as { id: string }).id;
  // Already known (completed, or streaming with deltas): a late or repeated start changes nothing.
  if (id in view.entries) return view;
  const entry = newItemEntry(item, turnId, false);
  if (item.type === "userMessage") {
    return replacePendingPrompt(view, entry, false) ?? putEntry(view, entry);
  }
  return putEntry(view, entry);
}

function itemCompleted(view: SessionView, item: ThreadItem, turnId: string): SessionView {
  const id = (item as { id: string }).id;
  const existing = view.entries[id];
  const entry = { ...newItemEntry(item, turnId, true), extraOutput: existing?.kind === "item" ? existing.extraOutput : "" };
  if (!existing && item.type === "userMessage") {
    const replaced = replacePendingPrompt(view, entry, false);
    if (replaced) return replaced;
  }
  return putEntry(view, entry);
}

/** Appends to a streaming item, creating it when the stream started before we subscribed. */
function appendDelta(
  view: SessionView,
  itemId: string,
  turnId: string,
  create: (id: string) => ThreadItem,
  append: (item: ThreadItem) => ThreadItem | null,
): SessionView {
  if (!(itemId in view.entries)) view = putEntry(view, newItemEntry(create(itemId), turnId, false));
  return updateStreamingItem(view, itemId, (entry) => {
    const item = append(entry.item);
    return item ? { ...entry, item } : null;
  });
}

function clearRetrying(view: SessionView): SessionView {
  return view.retrying === null ? view : { ...view, retrying: null };
}

export function reduceNotification(view: SessionView, n: ServerNotification): SessionView {
  switch (n.method) {
    case "thread/started":
      return { ...view, threadId: n.params.thread.id };
    case "turn/started": {
      const { id, status } = n.params.turn;
      return { ...view, activeTurnId: id, retrying: null, turns: { ...view.turns, [id]: { ...view.turns[id], id, status, error: null } } };
    }
    case "turn/completed": {
      const { id, status, error } = n.params.turn;
      let next: SessionView = {
        ...view,
        activeTurnId: view.activeTurnId === id ? null : view.activeTurnId,
        retrying: null,
        waitingForUser: false,
        turns: { ...view.turns, [id]: { ...view.turns[id], id, status, error: error?.message ?? null } },
      };
      next = stopStreaming(next, id);
      if (status === "failed" && error && !(errorEntryId(id) in next.entries)) next = putError(next, id, error);
      return next;
    }
    case "item/started":
      return itemStarted(clearRetrying(view), n.params.item, n.params.turnId);
    case "item/completed":
      return itemCompleted(clearRetrying(view), n.params.item, n.params.turnId);
    case "item/agentMessage/delta": {
      const { itemId, turnId, delta } = n.params;
      return appendDelta(clearRetrying(view), itemId, turnId, emptyAgentMessage, (item) =>
        item.type === "agentMessage" ? { ...item, text: item.text + delta } : null,
      );
    }
    case "item/reasoning/summaryTextDelta": {
      const { itemId, turnId, delta, summaryIndex } = n.params;
      return appendDelta(clearRetrying(view), itemId, turnId, emptyReasoning, (item) =>
        item.type === "reasoning" ? { ...item, summary: appendAt(item.summary, summaryIndex, delta) } : null,
      );
    }
    case "item/reasoning/summaryPartAdded": {
      const { itemId, turnId, summaryIndex } = n.params;
      return appendDelta(view, itemId, turnId, emptyReasoning, (item) =>
        item.type === "reasoning" ? { ...item, summary: appendAt(item.summary, summaryIndex, "") } : null,
      );
    }
    case "item/reasoning/textDelta": {
      const { itemId, turnId, delta, contentIndex } = n.params;
      return appendDelta(clearRetrying(view), itemId, turnId, emptyReasoning, (item) =>
        item.type === "reasoning" ? { ...item, content: appendAt(item.content, contentIndex, delta) } : null,
      );
    }
    case "item/commandExecution/outputDelta": {
      const { itemId, delta } = n.params;
      // Without item/started we do not know the command; item/completed will bring it all.
      return updateStreamingItem(view, itemId, (entry) =>
        entry.item.type === "commandExecution"
          ? { ...entry, item: { ...entry.item, aggregatedOutput: (entry.item.aggregatedOutput ?? "") + delta } }
          : null,
      );
    }
    case "item/fileChange/outputDelta": {
      const { itemId, delta } = n.params;
      return updateStreamingItem(view, itemId, (entry) => ({ ...entry, extraOutput: entry.extraOutput + delta }));
    }
    case "turn/diff/updated": {
      const { turnId, diff } = n.params;
      return { ...view, turnDiff: { turnId, diff } };
    }
    case "turn/plan/updated": {
      // One card per turn, replaced whole as the plan changes, where it was first made.
      const { turnId, explanation, plan } = n.params;
      const id = planItemId(turnId);
      const item: PlanItem = { type: PLAN, id, explanation, plan };
      const existing = view.entries[id];
      const entry = { ...newItemEntry(item as unknown as ThreadItem, turnId, true), seq: existing?.kind === "item" ? existing.seq : null };
      return putEntry(view, entry);
    }
    case "error": {
      const { error, willRetry, turnId } = n.params;
      if (willRetry) return { ...view, retrying: error.message || "Retrying…" };
      return putError(clearRetrying(view), turnId || null, error);
    }
    case "account/rateLimits/updated": {
      // A sparse update: what it leaves out keeps its last known value.
      const next = n.params.rateLimits;
      const last = view.rateLimits;
      return {
        ...view,
        rateLimits: { primary: next.primary ?? last?.primary ?? null, secondary: next.secondary ?? last?.secondary ?? null },
      };
    }
    case "thread/status/changed": {
      const status = n.params.status;
      const waitingForUser = status.type === "active" && status.activeFlags.length > 0;
      return waitingForUser === view.waitingForUser ? view : { ...view, waitingForUser };
    }
    default:
      return view;
  }
}
