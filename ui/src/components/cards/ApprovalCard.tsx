import { useEffect, useRef, useState } from "react";
import type { ApprovalChoice } from "../../generated/desk/ApprovalChoice";
import type { ApprovalOutcome } from "../../generated/desk/ApprovalOutcome";
import type { ApprovalRequest } from "../../generated/desk/ApprovalRequest";
import type { PermissionAsk } from "../../generated/desk/PermissionAsk";
import { useController } from "../../state/hooks";
import type { ApprovalEntry } from "../../state/sessionView";
import { Card } from "./Card";
import { ElicitationForm } from "./ElicitationForm";
import { forgetDrafts, useDraft } from "./formDrafts";

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
function choiceLabel(choice: ApprovalChoice, prefix: string[] | null, request?: ApprovalRequest): string {
  switch (choice) {
    case "approve":
      return request?.elicitation?.ask.type === "url" ? "Open the page" : "Approve";
    case "approveForSession":
      return "Approve for this session";
    case "allowPrefix":
      return `Always allow: ${shellWords(prefix)}`;
    case "decline":
      return "Decline";
    case "cancelTurn":
      return "Cancel turn";
    case "allowHost":
      return `Always allow ${revealHidden(request?.network?.host ?? "this host")}`;
    case "blockHost":
      return `Always block ${revealHidden(request?.network?.host ?? "this host")}`;
  }
}

/** What a button does beyond its name, where that is not plain. */
function choiceHint(choice: ApprovalChoice): string | undefined {
  switch (choice) {
    case "allowHost":
      return "Kept as a rule of this session: codex connects there without asking, after a restart too.";
    case "blockHost":
      return "Kept as a rule of this session: codex refuses every connection there, after a restart too.";
    case "approveForSession":
      return "While this session's codex runs: quitting the app or a change that restarts codex forgets it.";
    default:
      return undefined;
  }
}

function outcomeText(outcome: ApprovalOutcome, prefix: string[] | null, questions: boolean, request?: ApprovalRequest): string {
  if (questions) {
    if (outcome.by === "user") return outcome.choice === "approve" ? "You answered." : "You skipped the questions; codex goes on without answers.";
    return outcome.by === "stopped" ? "Stopped before you answered." : "Codex no longer asks (the turn ended).";
  }
  const ask = request?.elicitation?.ask;
  if (ask && ask.type !== "toolCall") {
    if (outcome.by === "user" && outcome.choice === "approve") return ask.type === "url" ? "You opened the page." : "You sent the form.";
    if (outcome.by === "user") return "You declined; the server goes on without it.";
    return outcome.by === "stopped" ? "Stopped before you answered." : "The server no longer asks.";
  }
  if (request?.kind === "permissions" && outcome.by === "user") {
    if (outcome.choice === "approve") return "You gave it this access for this turn.";
    if (outcome.choice === "approveForSession") return "You gave it this access for the rest of the session.";
    return "You declined; codex goes on without it.";
  }
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
        case "allowHost":
          return `You allowed ${revealHidden(request?.network?.host ?? "the host")} from now on in this session.`;
        case "blockHost":
          return `You blocked ${revealHidden(request?.network?.host ?? "the host")} from now on in this session; it did not connect.`;
      }
      break;
    case "stopped":
      return request?.network ? "Stopped before you answered: it did not connect." : "Stopped before you answered: it did not run.";
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
  // What was filled in waits with the card; answered (or withdrawn), it goes.
  const drafts = `${sessionId}:${request.key}:`;
  useEffect(() => {
    if (!waiting) forgetDrafts(drafts);
  }, [waiting, drafts]);
  const questions = request.kind === "questions";
  const elicitation = request.elicitation;
  const title = cardTitle(request);
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
      {request.network && (
        <p className="small">
          It connects to <code>{revealHidden(request.network.host)}{request.network.port !== null ? `:${request.network.port}` : ""}</code> (
          {networkProtocol(request.network.protocol)}).
        </p>
      )}
      {request.command && <pre className="approval-command">{revealHidden(request.command)}</pre>}
      {request.cwd && <p className="small muted meta">in {revealHidden(request.cwd)}</p>}
      {request.permissions && <AccessAsked ask={request.permissions} />}
      {elicitation && elicitation.message && elicitation.ask.type !== "toolCall" && <p className="small">{elicitation.message}</p>}
      {elicitation?.ask.type === "url" && <pre className="approval-command">{revealHidden(elicitation.ask.url)}</pre>}
      {elicitation?.ask.type === "toolCall" && elicitation.ask.arguments && (
        <>
          <p className="small muted meta">with</p>
          <pre className="approval-command">{revealHidden(elicitation.ask.arguments)}</pre>
        </>
      )}
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
      {elicitation?.ask.type === "form" && waiting ? (
        <ElicitationForm
          fields={elicitation.ask.fields}
          formKey={request.key}
          draftKey={`${drafts}form`}
          sending={sending}
          onSend={async (content) => {
            setSending(true);
            answeredHere.current = true;
            try {
              const problem = await controller.answerForm(sessionId, request.key, content);
              return problem?.message ?? null;
            } finally {
              setSending(false);
            }
          }}
          onDecline={() => void answer("decline")}
        />
      ) : questions && waiting ? (
        <QuestionsForm
          request={request}
          draftKey={drafts}
          sending={sending}
          onAnswer={async (answers) => {
            setSending(true);
            answeredHere.current = true;
            try {
              if (answers === null) await controller.answerApproval(sessionId, request.key, "decline");
              else await controller.answerQuestions(sessionId, request.key, answers);
            } finally {
              setSending(false);
            }
          }}
        />
      ) : waiting ? (
        <div className="approval-choices" role="group" aria-label="Your answer">
          {request.choices.map((choice) => (
            <button
              key={choice}
              type="button"
              className={choice === "approve" ? "primary" : choice === "cancelTurn" || choice === "blockHost" ? "danger" : undefined}
              title={choiceHint(choice)}
              disabled={sending}
              onClick={async () => {
                // The page opens in the browser first; only then does the server hear it was.
                if (choice === "approve" && elicitation?.ask.type === "url" && !(await controller.openLink(elicitation.ask.url))) return;
                void answer(choice);
              }}
            >
              {choiceLabel(choice, request.allowPrefix, request)}
            </button>
          ))}
        </div>
      ) : (
        <p className="small muted approval-outcome" ref={outcomeLine} tabIndex={-1}>
          {outcomeText(outcome, request.allowPrefix, questions, request)}
        </p>
      )}
    </Card>
  );
}

/** How a connection is made, in words. */
function networkProtocol(protocol: string): string {
  switch (protocol) {
    case "https":
      return "HTTPS";
    case "http":
      return "plain HTTP";
    case "socks5Tcp":
      return "SOCKS5, TCP";
    case "socks5Udp":
      return "SOCKS5, UDP";
    default:
      return protocol;
  }
}

function cardTitle(request: ApprovalRequest): string {
  const elicitation = request.elicitation;
  switch (request.kind) {
    case "command":
      return request.network ? `Codex asks to let a command reach ${revealHidden(request.network.host)}` : "Codex asks to run a command";
    case "fileChange":
      return "Codex asks to change files";
    case "questions":
      return "Codex asks you";
    case "permissions":
      return "Codex asks for more access";
    case "elicitation": {
      if (elicitation?.ask.type === "toolCall") return `Codex asks to use ${elicitation.ask.tool || "a tool"} from ${elicitation.server}`;
      const server = elicitation?.server ? `MCP server ${elicitation.server}` : "An MCP server";
      if (elicitation?.ask.type === "url") return `${server} asks you to open a page`;
      return `${server} asks you`;
    }
  }
}

/** The access codex asks for, all of it (what Approve grants). */
function AccessAsked({ ask }: { ask: PermissionAsk }) {
  return (
    <div className="small">
      {ask.network && <p>Network access for its commands</p>}
      {ask.read.length > 0 && (
        <>
          <p>Read:</p>
          <ul className="access-list">
            {ask.read.map((place) => (
              <li key={place}>{revealHidden(place)}</li>
            ))}
          </ul>
        </>
      )}
      {ask.write.length > 0 && (
        <>
          <p>Write:</p>
          <ul className="access-list">
            {ask.write.map((place) => (
              <li key={place}>{revealHidden(place)}</li>
            ))}
          </ul>
        </>
      )}
      <p className="muted">Approve gives it for this turn; for this session, until codex restarts.</p>
    </div>
  );
}

/**
 * Codex's questions as a form: each with the answers it offers to pick from and a box for one
 * of the user's own (unseen when secret). Send answers what is filled in; Skip answers nothing.
 */
function QuestionsForm({
  request,
  draftKey,
  sending,
  onAnswer,
}: {
  request: ApprovalRequest;
  /** Where what is picked and typed is kept while the card is out of view. */
  draftKey: string;
  sending: boolean;
  /** null: skipped. */
  onAnswer: (answers: Record<string, string[]> | null) => Promise<void>;
}) {
  const [picked, setPicked] = useDraft<Record<string, string>>(`${draftKey}picked`, () => ({}));
  const [typed, setTyped] = useDraft<Record<string, string>>(`${draftKey}typed`, () => ({}));
  const answers = (): Record<string, string[]> => {
    const out: Record<string, string[]> = {};
    for (const q of request.questions) {
      const own = typed[q.id]?.trim();
      const answer = own || picked[q.id];
      if (answer) out[q.id] = [answer];
    }
    return out;
  };
  const answered = Object.keys(answers()).length;
  return (
    <form
      className="questions"
      aria-label="Codex's questions"
      onSubmit={(e) => {
        e.preventDefault();
        void onAnswer(answers());
      }}
    >
      {request.questions.map((q) => (
        <fieldset key={q.id} className="question">
          <legend>{q.header || q.question}</legend>
          {q.header && <p className="small">{q.question}</p>}
          {q.options.map((o) => (
            <label key={o.label} className="question-option">
              <input
                type="radio"
                name={`${request.key}:${q.id}`}
                value={o.label}
                checked={picked[q.id] === o.label && !typed[q.id]?.trim()}
                onChange={() => {
                  setPicked((p) => ({ ...p, [q.id]: o.label }));
                  setTyped((t) => ({ ...t, [q.id]: "" }));
                }}
              />
              <span>{o.label}</span>
              {o.description && <span className="small muted"> — {o.description}</span>}
            </label>
          ))}
          {(q.other || q.options.length === 0) && (
            <input
              type={q.secret ? "password" : "text"}
              className="question-other"
              aria-label={`Your own answer: ${q.header || q.question}`}
              placeholder={q.options.length === 0 ? "Your answer" : "Or your own answer"}
              autoComplete="off"
              value={typed[q.id] ?? ""}
              onChange={(e) => setTyped((t) => ({ ...t, [q.id]: e.target.value }))}
            />
          )}
        </fieldset>
      ))}
      <div className="approval-choices" role="group" aria-label="Your answer">
        <button type="submit" className="primary" disabled={sending || answered === 0}>
          Send answers
        </button>
        <button type="button" disabled={sending} onClick={() => void onAnswer(null)}>
          Skip
        </button>
      </div>
    </form>
  );
}
