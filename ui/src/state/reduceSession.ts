// The session reducer: (SessionView, SessionEvent | stored Transcript) -> SessionView. Pure and
// idempotent, because live events may arrive before, during and after the stored transcript.
import type { SessionEvent } from "../generated/desk/SessionEvent";
import type { StoredItem } from "../generated/desk/StoredItem";
import type { Transcript } from "../generated/desk/Transcript";
import type { TranscriptPage } from "../generated/desk/TranscriptPage";
import { hasErrorMessage, putEntry, putError, putSignInRequired, stopStreaming, withdrawPrompt } from "./entries";
import { reduceNotification } from "./reduceNotification";
import { approvalEntry, isActive, type SessionView } from "./sessionView";
import { applyNewerPage, applyOlderPage, applyTranscript, applyWholeItem } from "./storedPages";

export type SessionAction =
  | SessionEvent
  /** `mark: false`: opened at `focusSeq` without outlining it (the start of the session). */
  | { type: "transcript"; transcript: Transcript; focusSeq?: number | null; mark?: boolean }
  | { type: "olderPage"; page: TranscriptPage }
  | { type: "newerPage"; page: TranscriptPage }
  | { type: "wholeItem"; item: StoredItem };

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
        // Only a running turn waits on the user: codex gone or the turn over, nothing does.
        waitingForUser: isActive(action.status) && view.waitingForUser,
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
    case "turnUsage": {
      const turn = view.turns[action.turnId] ?? { id: action.turnId, status: "inProgress" as const, error: null };
      return { ...view, usage: action.usage, turns: { ...view.turns, [action.turnId]: { ...turn, usage: action.usage } } };
    }
    case "promptRefused":
      return withdrawPrompt(view, action.text);
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
    case "approvalRequested": {
      const entry = approvalEntry(action.request);
      const existing = view.entries[entry.id];
      // Already shown (the stored transcript brought it): keep how it ended, if it did. One read
      // as gone with its codex is asked after all (the store was read as codex asked it).
      if (existing?.kind === "approval" && existing.outcome?.by !== "withdrawn") return putEntry(view, { ...entry, seq: existing.seq, outcome: existing.outcome });
      if (existing?.kind === "approval") return putEntry({ ...view, approvalsWaiting: view.approvalsWaiting + 1 }, { ...entry, seq: existing.seq });
      const settled = view.settledApprovals[action.request.key];
      if (settled) return putEntry(view, { ...entry, outcome: settled });
      return putEntry({ ...view, approvalsWaiting: view.approvalsWaiting + 1 }, entry);
    }
    case "approvalResolved": {
      const id = `approval-${action.key}`;
      const existing = view.entries[id];
      if (existing === undefined) {
        // Not shown yet (a transcript read now may still list it as asked): remember the end.
        return { ...view, settledApprovals: { ...view.settledApprovals, [action.key]: action.outcome } };
      }
      if (existing.kind !== "approval" || existing.outcome !== null) return view;
      return putEntry({ ...view, approvalsWaiting: Math.max(0, view.approvalsWaiting - 1) }, { ...existing, outcome: action.outcome });
    }
    case "queueChanged":
      return { ...view, queued: action.queued, queueHeld: action.held };
    case "optionsChanged":
      return { ...view, options: action.options };
    case "signInRequired":
      return putSignInRequired(view, action.turnId ?? view.activeTurnId, action.message);
    case "transcript":
      return applyTranscript(view, action.transcript, action.focusSeq ?? null, action.mark ?? true);
    case "olderPage":
      return applyOlderPage(view, action.page);
    case "newerPage":
      return applyNewerPage(view, action.page);
    case "wholeItem":
      return applyWholeItem(view, action.item);
    default:
      return view;
  }
}

export function reduceSessionEvents(view: SessionView, events: readonly SessionAction[]): SessionView {
  return events.reduce(reduceSession, view);
}
