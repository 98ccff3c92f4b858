import type { ThreadItem } from "../../generated/codex/v2/ThreadItem";
import { Card } from "./Card";

const names: Record<string, string> = {
  mcpToolCall: "Tool call",
  dynamicToolCall: "Tool call",
  webSearch: "Web search",
  imageView: "Image",
  contextCompaction: "Context compacted",
  enteredReviewMode: "Review started",
  exitedReviewMode: "Review finished",
  deskUnreadable: "Not shown",
};

function describe(item: ThreadItem): string {
  switch (item.type) {
    case "mcpToolCall":
      return `${item.server} · ${item.tool}`;
    case "dynamicToolCall":
      return item.tool;
    case "webSearch":
      return item.query;
    case "imageView":
      return item.path;
    default: {
      const unreadable = item as unknown as { type: string; kind?: string };
      if (unreadable.type === "deskUnreadable") {
        return `A “${unreadable.kind ?? "unknown"}” item stored in a form this version of Codex Desk cannot show (written by a newer version, or damaged). Update Codex Desk to see it; nothing else is affected.`;
      }
      return "";
    }
  }
}

/** Item kinds without a dedicated card yet: a one-line summary. */
export function OtherItemCard({ item }: { item: ThreadItem }) {
  const id = (item as { id?: string }).id ?? "";
  // Fields of kinds this version knows little about may hold anything: only text is shown.
  const described: unknown = describe(item);
  const text = typeof described === "string" ? described : "";
  return (
    <Card kind={item.type} itemId={id} label={names[item.type] ?? item.type}>
      <p className="small muted">
        <strong>{names[item.type] ?? item.type}</strong>
        {text && <span className="other-text"> {text}</span>}
      </p>
    </Card>
  );
}
