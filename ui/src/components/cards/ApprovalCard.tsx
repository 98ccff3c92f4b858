import { useEffect, useRef, useState } from "react";
import type { ApprovalChoice } from "../../generated/desk/ApprovalChoice";
import type { ApprovalOutcome } from "../../generated/desk/ApprovalOutcome";
import { useController } from "../../state/hooks";
import type { ApprovalEntry } from "../../state/sessionView";
import { Card } from "./Card";

/** A command prefix as a shell would read it: words with spaces or quotes are quoted. */
function shellWords(words: string[] | null): string {
  return (words ?? []).map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(" ");
}

/** Characters that make text read differently from what runs (bidi controls, zero-width
 * spaces) shown as visible codes. */
export function revealHidden(text: string): string {
  return text.replace(/[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}⟩`);
}

/** The buttons' names, as the user reads them. */
function choiceLabel(choice: ApprovalChoice, prefix: string[] | null): string {
  switch (choice) {
    case "approve":
      return "Approve";
    case "approveForSession":
      return "Approve for this session";
    case "allowPrefix":
      return `Always allow: ${shellWords(prefix)}`;
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
          return `You allowed commands starting ${shellWords(prefix)} from now on.`;
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
  // Answered with a click: the buttons go, so the focus moves to what was decided.
  const outcomeLine = useRef<HTMLParagraphElement>(null);
  const answeredHere = useRef(false);
  useEffect(() => {
    if (!waiting && answeredHere.current) outcomeLine.current?.focus();
  }, [waiting]);
  const title = request.kind === "command" ? "Codex asks to run a command" : "Codex asks to change files";
  const answer = async (choice: ApprovalChoice) => {
    setSending(true);
    answeredHere.current = true;
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
      {request.command && <pre className="approval-command">{revealHidden(request.command)}</pre>}
      {request.cwd && <p className="small muted meta">in {revealHidden(request.cwd)}</p>}
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
        <p className="small muted approval-outcome" ref={outcomeLine} tabIndex={-1}>
          {outcomeText(outcome, request.allowPrefix)}
        </p>
      )}
    </Card>
  );
}
