// The session reducer: (SessionView, SessionEvent | stored Transcript) -> SessionView. Pure and
// idempotent, because live events may arrive before, during and after the stored transcript.
import type { SessionEvent } from "../generated/desk/SessionEvent";
import type { ThreadItem } from "../generated/codex/v2/ThreadItem";
import type { Transcript } from "../generated/desk/Transcript";
import {
  errorEntryId,
  hasErrorMessage,
  newItemEntry,
  putEntry,
  putError,
  putSignInRequired,
  replacePendingPrompt,
  stopStreaming,
} from "./entries";
import { reduceNotification } from "./reduceNotification";
import type { Entry, SessionView, TurnView } from "./sessionView";

export type SessionAction = SessionEvent | { type: "transcript"; transcript: Transcript };

export function reduceSession(view: SessionView, action: SessionAction): SessionView {
  switch (action.type) {
    case "codex":
      return reduceNotification(view, action.notification);
    case "status": {
      let next: SessionView = {
        ...view,
        status: action.status,
        statusMessage: action.message,
        threadId: action.threadId ?? view.threadId,
      };
      // codex is gone, the turn failed or was cut off: nothing more will stream for it.
      const failed = action.status === "crashed" || action.status === "failed";
      if (failed || action.status === "interrupted") {
        next = stopStreaming({ ...next, activeTurnId: null, retrying: null }, null);
        // Show the reason of a failure inline, unless the turn's own error already says it.
        if (failed && action.message && !hasErrorMessage(next, action.message)) {
          const counter = next.localCounter + 1;
          next = putError({ ...next, localCounter: counter }, null, { message: action.message }, `status-error-${counter}`);
        }
      }
      return next;
    }
    case "promptAccepted": {
      const counter = view.localCounter + 1;
      return putEntry({ ...view, localCounter: counter }, { kind: "prompt", id: `prompt-${counter}`, text: action.text });
    }
    case "autoAnswered": {
      const counter = view.localCounter + 1;
      return putEntry(
        { ...view, localCounter: counter },
        { kind: "notice", id: `notice-${counter}`, variant: "autoAnswered", method: action.method, summary: action.summary },
      );
    }
    case "workspaceMissing":
      return { ...view, workspaceMissing: action.path };
    case "workspaceMoved":
      return { ...view, workspaceMissing: null };
    case "setupWarning": {
      const counter = view.localCounter + 1;
      return putEntry(
        { ...view, localCounter: counter },
        { kind: "notice", id: `notice-${counter}`, variant: "setupWarning", method: "setup", summary: action.message },
      );
    }
    case "signInRequired":
      return putSignInRequired(view, action.turnId ?? view.activeTurnId, action.message);
    case "transcript":
      return applyTranscript(view, action.transcript);
    default:
      return view;
  }
}

export function reduceSessionEvents(view: SessionView, events: readonly SessionAction[]): SessionView {
  return events.reduce(reduceSession, view);
}

/** Merges a stored transcript under whatever live events already arrived. */
function applyTranscript(live: SessionView, transcript: Transcript): SessionView {
  const { session, turns, items } = transcript;
  const storedTurns: Record<string, TurnView> = {};
  for (const turn of turns) {
    storedTurns[turn.id] = { id: turn.id, status: turn.status as TurnView["status"], error: turn.error };
  }
  const lastTurn = turns.at(-1);

  // Stored items first (in seq order), each failed turn's error after its items, then live-only entries.
  let view: SessionView = { ...live, order: [], entries: {} };
  const sorted = [...items].sort((a, b) => a.seq - b.seq);
  const placeTurnError = (turnId: string | null) => {
    const turn = turnId ? storedTurns[turnId] : undefined;
    if (!turn || turn.status !== "failed" || !turn.error) return;
    const id = errorEntryId(turn.id);
    const existing = live.entries[id];
    if (existing) view = putEntry(view, existing);
    else if (!hasErrorMessage(live, turn.error)) view = putError(view, turn.id, { message: turn.error });
  };
  const consumedPrompts = new Set<string>();
  const running = session.status === "running" || session.status === "starting";
  let previousTurn: string | null = null;
  for (const stored of sorted) {
    if (stored.turnId !== previousTurn) placeTurnError(previousTurn);
    previousTurn = stored.turnId;
    const id = (stored.item as { id: string }).id;
    const existing = live.entries[id];
    const isCurrentTurn = lastTurn?.id === stored.turnId && lastTurn.status === "inProgress";
    const draft = isDraft(stored.item);
    // What streamed live is newer than a checkpoint; a checkpoint of the running turn streams on.
    const entry: Entry =
      existing?.kind === "item" && (existing.completed || (draft && existing.streaming))
        ? existing
        : draft && isCurrentTurn && running
          ? newItemEntry(withoutDraftMarker(stored.item), stored.turnId, false)
          : storedEntry(stored.item, stored.turnId);
    const replaced =
      !existing && entry.kind === "item" && entry.item.type === "userMessage" && isCurrentTurn
        ? replacePendingPromptIn(view, live, entry, consumedPrompts)
        : null;
    view = replaced ?? putEntry(view, entry);
  }
  placeTurnError(previousTurn);
  for (const turn of turns) if (!items.some((i) => i.turnId === turn.id)) placeTurnError(turn.id);
  for (const id of live.order) {
    const entry = live.entries[id];
    if (entry && !(id in view.entries) && !consumedPrompts.has(id)) view = putEntry(view, entry);
  }

  const storedActive = running ? turns.find((t) => t.status === "inProgress")?.id ?? null : null;
  return {
    ...view,
    turns: { ...storedTurns, ...live.turns },
    activeTurnId: live.activeTurnId ?? storedActive,
    status: live.status ?? session.status,
    statusMessage: live.status ? live.statusMessage : session.lastError,
    threadId: live.threadId ?? session.threadId,
    loaded: true,
  };
}

/** An item from the store; one codex never completed (written while it streamed) is cut short. */
function storedEntry(item: ThreadItem, turnId: string): Entry {
  const entry = newItemEntry(item, turnId, true);
  return isDraft(item) ? { ...entry, cutShort: true } : entry;
}

/** Written by a checkpoint while it streamed, not (yet) completed by codex. */
function isDraft(item: ThreadItem): boolean {
  return (item as { deskDraft?: boolean }).deskDraft === true;
}

function withoutDraftMarker(item: ThreadItem): ThreadItem {
  const copy = { ...item } as ThreadItem & { deskDraft?: boolean };
  delete copy.deskDraft;
  return copy;
}

/** A pending live prompt (exact text) that this stored userMessage item answers for. */
function replacePendingPromptIn(
  view: SessionView,
  live: SessionView,
  entry: Entry & { kind: "item" },
  consumed: Set<string>,
): SessionView | null {
  const prompt = live.order
    .map((id) => live.entries[id])
    .find((e) => e?.kind === "prompt" && !consumed.has(e.id));
  if (!prompt) return null;
  // Bring the prompt into the new view, then let the item take its place.
  const replaced = replacePendingPrompt(putEntry(view, prompt), entry, true);
  if (replaced) consumed.add(prompt.id);
  return replaced;
}
