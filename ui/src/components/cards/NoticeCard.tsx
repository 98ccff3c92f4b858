import type { NoticeEntry } from "../../state/sessionView";
import { Card } from "./Card";

/** Codex asked for an approval this version declined by itself, or a setup warning. */
export function NoticeCard({ entry }: { entry: NoticeEntry }) {
  if (entry.variant === "setupWarning") {
    return (
      <Card kind="notice" itemId={entry.id} label="Your Codex setup">
        <p className="small">{entry.summary}</p>
      </Card>
    );
  }
  return (
    <Card kind="notice" itemId={entry.id} label="Notice">
      <p className="small">
        <strong>Declined automatically:</strong> {entry.summary}
      </p>
      <p className="small muted" title={entry.method}>
        Codex asked for something this version of Codex Desk cannot show you, so it said no.
      </p>
    </Card>
  );
}
