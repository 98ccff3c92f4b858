import type { ApprovalChoice } from "../../generated/desk/ApprovalChoice";
import { Decision } from "./decision";
import type { ThreadItem } from "../../generated/codex/v2/ThreadItem";
import { changeKindLabel, diffStats } from "../../state/diffStats";
import { Card } from "./Card";

type FileChangeItem = Extract<ThreadItem, { type: "fileChange" }>;

export function DiffView({ diff }: { diff: string }) {
  return (
    <pre className="diff" tabIndex={0} aria-label="Diff">
      {diff.split("\n").map((line, i) => {
        const cls = line.startsWith("@@") ? "hunk" : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : "";
        return (
          <span key={i} className={cls}>
            {line + "\n"}
          </span>
        );
      })}
    </pre>
  );
}

const statusLabel: Record<FileChangeItem["status"], string> = {
  inProgress: "Applying…",
  completed: "Applied",
  failed: "Failed",
  declined: "Declined",
};

export function FileChangeCard({
  item,
  extraOutput,
  streaming,
  decision = null,
}: {
  item: FileChangeItem;
  extraOutput: string;
  streaming: boolean;
  /** What the user answered when codex asked to make the change. */
  decision?: ApprovalChoice | null;
}) {
  return (
    <Card kind="fileChange" itemId={item.id} label="File changes" busy={streaming}>
      <div className="card-head">
        <span className="card-title">
          {item.changes.length === 1 ? "1 file changed" : `${item.changes.length} files changed`}
        </span>
        <span className={`pill${item.status === "failed" ? " pill-bad" : ""}`}>{statusLabel[item.status]}</span>
      </div>
      <Decision choice={decision} />
      <ul className="changes">
        {item.changes.map((change, i) => {
          const stats = diffStats(change.diff, change.kind);
          return (
            <li key={`${change.path}-${i}`}>
              <details>
                <summary>
                  <span className="path">{change.path}</span> <span className="kind">{changeKindLabel(change.kind)}</span>{" "}
                  <span className="plus" aria-label={`${stats.added} lines added`}>+{stats.added}</span>{" "}
                  <span className="minus" aria-label={`${stats.removed} lines removed`}>−{stats.removed}</span>
                </summary>
                <DiffView diff={change.diff} />
              </details>
            </li>
          );
        })}
      </ul>
      {extraOutput && <pre className="output">{extraOutput}</pre>}
    </Card>
  );
}
