import { useMemo } from "react";
import type { TurnUsage } from "../../generated/desk/TurnUsage";
import { contextFill, formatTokens, prettyJson, tokenDetail } from "../format";
import { Markdown } from "../Markdown";
import { Card } from "./Card";

export function AgentMessageCard({
  id,
  text,
  streaming,
  cutShort,
  usage = null,
  onFork,
}: {
  id: string;
  text: string;
  streaming: boolean;
  cutShort: boolean;
  /** What its turn used (on a turn's last answer, once the turn ended). */
  usage?: TurnUsage | null;
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
      {usage && <TurnUsageLine usage={usage} />}
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

/** "This turn: 12.3k tokens · context 31%", with the counts by kind on hover. */
function TurnUsageLine({ usage }: { usage: TurnUsage }) {
  const fill = contextFill(usage);
  return (
    <p className="turn-usage small muted" title={`This turn: ${tokenDetail(usage.turn)}. Session so far: ${formatTokens(usage.session.total)} tokens.`}>
      This turn: {formatTokens(usage.turn.total)} tokens{fill !== null && ` · context ${fill}%`}
    </p>
  );
}
