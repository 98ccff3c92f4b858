import { useState } from "react";
import type { ApprovalChoice } from "../../generated/desk/ApprovalChoice";
import type { ApprovalOutcome } from "../../generated/desk/ApprovalOutcome";
import { useController } from "../../state/hooks";
import type { ApprovalEntry } from "../../state/sessionView";
import { Card } from "./Card";

/** The buttons' names, as the user reads them. */
function choiceLabel(choice: ApprovalChoice, prefix: string[] | null): string {
  switch (choice) {
    case "approve":
      return "Approve";
    case "approveForSession":
      return "Approve for this session";
    case "allowPrefix":
      return `Always allow \`${(prefix ?? []).join(" ")}\``;
    case "decline":
      return "Decline";
    case "cancelTurn":
      return "Cancel turn";
  }
}

function outcomeText(outcome: ApprovalOutcome, prefix: string[] | null): string {
  switch (outcome.by) {
    case "user":
      switch (outcome.choice) {
        case "approve":
          return "You approved it.";
        case "approveForSession":
          return "You approved it for this session.";
        case "allowPrefix":
          return `You allowed \`${(prefix ?? []).join(" ")}\` from now on.`;
        case "decline":
          return "You declined it; codex goes on without it.";
        case "cancelTurn":
          return "You declined it and ended the turn.";
      }
      break;
    case "stopped":
      return "Stopped before you answered: it did not run.";
    case "withdrawn":
      return "Codex no longer asks (the turn ended).";
  }
  return "";
}

/**
 * A question codex waits on: what it wants to do, why, and the answers it offers as buttons.
 * Answered, it stays in the transcript as the record of what was decided.
 */
export function ApprovalCard({ entry, sessionId }: { entry: ApprovalEntry; sessionId: string }) {
  const controller = useController();
  const [sending, setSending] = useState(false);
  const { request, outcome } = entry;
  const waiting = outcome === null;
  const title = request.kind === "command" ? "Codex asks to run a command" : "Codex asks to change files";
  const answer = async (choice: ApprovalChoice) => {
    setSending(true);
    try {
      await controller.answerApproval(sessionId, request.key, choice);
    } finally {
      setSending(false);
    }
  };
  return (
    <Card kind="approval" itemId={entry.id} label={title} className={waiting ? "approval-waiting" : undefined}>
      <div className="card-head">
        <span className="card-title">{title}</span>
        {waiting && <span className="pill pill-wait">Waiting for you</span>}
      </div>
      {request.command && <pre className="approval-command">{request.command}</pre>}
      {request.cwd && <p className="small muted meta">in {request.cwd}</p>}
      {request.kind === "fileChange" && (
        <p className="small">
          The change is shown above.{request.grantRoot ? ` Codex also asks to write in ${request.grantRoot} for the rest of the session.` : ""}
        </p>
      )}
      {request.reason && (
        <p className="small">
          <span className="muted">Why: </span>
          {request.reason}
        </p>
      )}
      {waiting ? (
        <div className="approval-choices" role="group" aria-label="Your answer">
          {request.choices.map((choice) => (
            <button
              key={choice}
              type="button"
              className={choice === "approve" ? "primary" : choice === "cancelTurn" ? "danger" : undefined}
              disabled={sending}
              onClick={() => void answer(choice)}
            >
              {choiceLabel(choice, request.allowPrefix)}
            </button>
          ))}
        </div>
      ) : (
        <p className="small muted approval-outcome">{outcomeText(outcome, request.allowPrefix)}</p>
      )}
    </Card>
  );
}
