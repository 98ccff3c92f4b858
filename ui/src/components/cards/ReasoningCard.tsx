import { Markdown } from "../Markdown";
import { Card } from "./Card";

interface Props {
  id: string;
  summary: string[];
  content: string[];
  streaming: boolean;
}

/** Reasoning summaries, collapsed by default. */
export function ReasoningCard({ id, summary, content, streaming }: Props) {
  const parts = (summary.some((s) => s.trim()) ? summary : content).filter((s) => s.trim());
  return (
    <Card kind="reasoning" itemId={id} label="Reasoning" busy={streaming}>
      <details>
        <summary>{streaming ? "Thinking…" : "Reasoning"}</summary>
        {parts.length > 0 ? <Markdown text={parts.join("\n\n")} streaming={streaming} /> : <p className="muted small">No summary.</p>}
      </details>
    </Card>
  );
}
