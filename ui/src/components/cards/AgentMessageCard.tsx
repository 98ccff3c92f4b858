import { useMemo } from "react";
import { prettyJson } from "../format";
import { Markdown } from "../Markdown";
import { Card } from "./Card";

export function AgentMessageCard({
  id,
  text,
  streaming,
  cutShort,
  onFork,
}: {
  id: string;
  text: string;
  streaming: boolean;
  cutShort: boolean;
  /** Forks the session through this answer's turn (offered once the answer is complete). */
  onFork?: () => void;
}) {
  // A structured answer (an answer schema, or JSON the model chose to write) reads indented.
  const json = useMemo(() => (streaming ? null : prettyJson(text)), [streaming, text]);
  return (
    <Card kind="agentMessage" itemId={id} label="Codex" busy={streaming}>
      {json !== null ? (
        <pre className="json-answer" aria-label="Answer as JSON">
          <code>{json}</code>
        </pre>
      ) : text ? (
        <Markdown text={text} streaming={streaming} />
      ) : (
        <p className="muted">{cutShort ? "Nothing was written." : "Writing…"}</p>
      )}
      {streaming && <span className="caret" aria-hidden="true" />}
      {cutShort && <p className="small muted">Stopped before the answer was finished.</p>}
      {onFork && !streaming && (
        <div className="card-actions">
          <button type="button" className="quiet small" title="A new session with the conversation up to here; the two go their own ways" onClick={onFork}>
            Fork from here
          </button>
        </div>
      )}
    </Card>
  );
}
