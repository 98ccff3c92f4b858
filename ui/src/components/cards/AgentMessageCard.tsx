import { Markdown } from "../Markdown";
import { Card } from "./Card";

export function AgentMessageCard({ id, text, streaming }: { id: string; text: string; streaming: boolean }) {
  return (
    <Card kind="agentMessage" itemId={id} label="Codex" busy={streaming}>
      {text ? <Markdown text={text} /> : <p className="muted">Writing…</p>}
      {streaming && <span className="caret" aria-hidden="true" />}
    </Card>
  );
}
