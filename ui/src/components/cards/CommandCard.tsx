import type { ApprovalChoice } from "../../generated/desk/ApprovalChoice";
import { Decision } from "./decision";
import { useLayoutEffect, useRef, useState } from "react";
import type { ThreadItem } from "../../generated/codex/v2/ThreadItem";
import { formatBytes, formatDuration, LONGEST_IN_WINDOW } from "../format";
import { Card } from "./Card";

type CommandItem = Extract<ThreadItem, { type: "commandExecution" }>;

function statusText(item: CommandItem, streaming: boolean, cutShort: boolean): string {
  if (cutShort) return "Stopped";
  if (streaming || item.status === "inProgress") return "Running…";
  if (item.status === "declined") return "Declined";
  if (item.exitCode !== null) return `Exit code ${item.exitCode}`;
  return item.status === "failed" ? "Failed" : "Done";
}

/** Keeps a scrollable element at its bottom as it grows, unless the user scrolled up in it. */
function useStickToBottom<T extends HTMLElement>(content: string) {
  const ref = useRef<T>(null);
  const stick = useRef(true);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [content]);
  const onScroll = () => {
    const el = ref.current;
    if (el) stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
  };
  return { ref, onScroll };
}

/** Output longer than this shows its end only, until "Show all" (a build log can be megabytes). */
const LONGEST_OUTPUT_SHOWN = 64 * 1024;

export function CommandCard({
  item,
  streaming,
  cutShort,
  decision = null,
  onOpenFile,
}: {
  item: CommandItem;
  streaming: boolean;
  cutShort: boolean;
  /** What the user answered when codex asked to run it. */
  decision?: ApprovalChoice | null;
  /** Opens the stored output whole in the user's text editor (offered once it is stored). */
  onOpenFile?: () => void;
}) {
  const [all, setAll] = useState(false);
  const full = item.aggregatedOutput ?? "";
  const hidden = all ? 0 : Math.max(0, full.length - LONGEST_OUTPUT_SHOWN);
  const output = hidden > 0 ? full.slice(hidden) : full;
  const { ref, onScroll } = useStickToBottom<HTMLPreElement>(output);
  const failed = !streaming && item.exitCode !== null && item.exitCode !== 0;
  return (
    <Card kind="commandExecution" itemId={item.id} label="Command" busy={streaming} className={failed ? "failed" : undefined}>
      <div className="card-head">
        <code className="command">$ {item.command}</code>
        <span className={`pill${failed ? " pill-bad" : ""}`}>{statusText(item, streaming, cutShort)}</span>
      </div>
      <div className="meta small muted">
        <span title="Folder">{item.cwd}</span>
        {item.durationMs !== null && <span> · {formatDuration(item.durationMs)}</span>}
      </div>
      <Decision choice={decision} />
      {hidden > 0 && (
        <p className="cut-notice small muted">
          Showing the last {formatBytes(output.length)} of {formatBytes(full.length)}.{" "}
          {full.length <= LONGEST_IN_WINDOW ? (
            <button type="button" className="quiet" onClick={() => setAll(true)}>
              Show all
            </button>
          ) : (
            onOpenFile && (
              <button type="button" className="quiet" onClick={onOpenFile}>
                Open in a text editor
              </button>
            )
          )}
        </p>
      )}
      {output && (
        <pre className="output" ref={ref} onScroll={onScroll} tabIndex={0} aria-label="Command output">
          {output}
        </pre>
      )}
    </Card>
  );
}
