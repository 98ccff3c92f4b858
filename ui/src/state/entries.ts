// Pure operations on a SessionView's entries, shared by the reducers.
import type { ThreadItem } from "../generated/codex/v2/ThreadItem";
import { userMessageText } from "./items";
import type { Entry, ErrorEntry, ItemEntry, PromptEntry, SessionView } from "./sessionView";

export function putEntry(view: SessionView, entry: Entry): SessionView {
  const isNew = !(entry.id in view.entries);
  return {
    ...view,
    entries: { ...view.entries, [entry.id]: entry },
    order: isNew ? [...view.order, entry.id] : view.order,
  };
}

export function newItemEntry(item: ThreadItem, turnId: string | null, completed: boolean): ItemEntry {
  return {
    kind: "item",
    id: (item as { id: string }).id,
    turnId,
    item,
    streaming: !completed,
    completed,
    cutShort: false,
    extraOutput: "",
    seq: null,
    cutBytes: null,
  };
}

/** Applies `update` to an item entry that exists and is still streaming (not completed, not cut short). */
export function updateStreamingItem(
  view: SessionView,
  id: string,
  update: (entry: ItemEntry) => ItemEntry | null,
): SessionView {
  const entry = view.entries[id];
  if (!entry || entry.kind !== "item" || entry.completed || !entry.streaming) return view;
  const next = update(entry);
  if (!next) return view;
  return { ...view, entries: { ...view.entries, [id]: next } };
}

/** The prompt entry a userMessage item stands for: same text first, else the oldest. */
function findPendingPrompt(view: SessionView, text: string, exactOnly: boolean): PromptEntry | undefined {
  const prompts = view.order
    .map((id) => view.entries[id])
    .filter((e): e is PromptEntry => e?.kind === "prompt");
  return prompts.find((p) => p.text.trim() === text.trim()) ?? (exactOnly ? undefined : prompts[0]);
}

/**
 * Puts a userMessage item in place of the prompt entry shown for it, so a prompt appears once.
 * Returns null when no pending prompt matches.
 */
export function replacePendingPrompt(view: SessionView, entry: ItemEntry, exactOnly: boolean): SessionView | null {
  const prompt = findPendingPrompt(view, userMessageText(entry.item), exactOnly);
  if (!prompt) return null;
  const entries = { ...view.entries, [entry.id]: entry };
  delete entries[prompt.id];
  const order = view.order.map((id) => (id === prompt.id ? entry.id : id));
  return { ...view, entries, order };
}

/** Takes out the newest prompt entry shown for `text` that codex then refused. */
export function withdrawPrompt(view: SessionView, text: string): SessionView {
  const id = view.order.findLast((id) => {
    const entry = view.entries[id];
    return entry?.kind === "prompt" && entry.text.trim() === text.trim();
  });
  if (id === undefined) return view;
  const entries = { ...view.entries };
  delete entries[id];
  return { ...view, entries, order: view.order.filter((other) => other !== id) };
}

export function errorEntryId(turnId: string | null): string {
  return `error-${turnId ?? "session"}`;
}

/** An error card for `turnId` (or the session), with codex's words and its error kind. */
export function errorEntry(
  turnId: string | null,
  error: { message: string; additionalDetails?: string | null; codexErrorInfo?: unknown },
  id: string = errorEntryId(turnId),
): ErrorEntry {
  const info = error.codexErrorInfo;
  return {
    kind: "error",
    id,
    turnId,
    message: error.message.trim() || "Codex reported an error without a message.",
    details: error.additionalDetails ?? null,
    codexErrorInfo: info == null ? null : typeof info === "string" ? info : Object.keys(info as object)[0] ?? null,
    action: null,
  };
}

export function putError(
  view: SessionView,
  turnId: string | null,
  error: { message: string; additionalDetails?: string | null; codexErrorInfo?: unknown },
  id: string = errorEntryId(turnId),
): SessionView {
  const entry = errorEntry(turnId, error, id);
  const existing = view.entries[id];
  // A sign-in card keeps its words and action; codex's own words become its details.
  if (existing?.kind === "error" && existing.action === "signIn") {
    return existing.details === entry.message ? view : putEntry(view, { ...existing, details: entry.message });
  }
  return putEntry(view, entry);
}

/** Turns the turn's error card into a sign-in card (or adds one). */
export function putSignInRequired(view: SessionView, turnId: string | null, message: string): SessionView {
  const id = errorEntryId(turnId);
  const existing = view.entries[id];
  const codexWords = existing?.kind === "error" && existing.action === null ? existing.message : null;
  const entry: ErrorEntry = {
    kind: "error",
    id,
    turnId,
    message,
    details: codexWords ?? (existing?.kind === "error" ? existing.details : null),
    codexErrorInfo: existing?.kind === "error" ? existing.codexErrorInfo : null,
    action: "signIn",
  };
  return putEntry(view, entry);
}

/** Marks the items still streaming in `turnId` (or in any turn when null) as finished. */
export function stopStreaming(view: SessionView, turnId: string | null): SessionView {
  let entries: Record<string, Entry> | null = null;
  for (const id of view.order) {
    const entry = view.entries[id];
    if (entry?.kind !== "item" || !entry.streaming) continue;
    if (turnId !== null && entry.turnId !== null && entry.turnId !== turnId) continue;
    entries ??= { ...view.entries };
    entries[id] = { ...entry, streaming: false, cutShort: !entry.completed };
  }
  return entries ? { ...view, entries } : view;
}

/** Whether an inline error with this message is already shown (turn error, status message...). */
export function hasErrorMessage(view: SessionView, message: string): boolean {
  const wanted = message.trim();
  return Object.values(view.entries).some((e) => e.kind === "error" && e.message === wanted);
}
