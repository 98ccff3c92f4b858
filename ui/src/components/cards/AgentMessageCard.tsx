import { Markdown } from "../Markdown";
import { Card } from "./Card";

export function AgentMessageCard({
  id,
  text,
  streaming,
  cutShort,
}: {
  id: string;
  text: string;
  streaming: boolean;
  cutShort: boolean;
}) {
  return (
    <Card kind="agentMessage" itemId={id} label="Codex" busy={streaming}>
      {text ? <Markdown text={text} streaming={streaming} /> : <p className="muted">{cutShort ? "Nothing was written." : "Writing…"}</p>}
      {streaming && <span className="caret" aria-hidden="true" />}
      {cutShort && <p className="small muted">Stopped before the answer was finished.</p>}
    </Card>
  );
}
