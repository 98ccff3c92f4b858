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
/** A finished command's output longer than this many lines is folded to its last lines. */
const FOLDED_OVER_LINES = 12;
const LINES_WHEN_FOLDED = 6;

/** How many lines `text` has (a last line without its newline counts). */
function lineCount(text: string): number {
  let lines = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) lines += 1;
  return text.endsWith("\n") || text === "" ? lines : lines + 1;
}

/** The last `count` lines of `text`. */
function lastLines(text: string, count: number): string {
  let at = text.endsWith("\n") ? text.length - 1 : text.length;
  for (let i = 0; i < count && at > 0; i++) at = text.lastIndexOf("\n", at - 1);
  return at <= 0 ? text : text.slice(at + 1);
}

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
  const tail = hidden > 0 ? full.slice(hidden) : full;
  // Finished and long: its last lines, the rest on request (the end says how it went).
  const [unfolded, setUnfolded] = useState(false);
  const running = streaming || item.status === "inProgress";
  const lines = running ? 0 : lineCount(tail);
  const folded = !running && !unfolded && lines > FOLDED_OVER_LINES;
  const output = folded ? lastLines(tail, LINES_WHEN_FOLDED) : tail;
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
      {lines > FOLDED_OVER_LINES && (
        <p className="fold-notice small muted">
          {folded ? `The last ${LINES_WHEN_FOLDED} of ${lines} lines. ` : `${lines} lines. `}
          <button type="button" className="quiet" aria-expanded={!folded} onClick={() => setUnfolded(folded)}>
            {folded ? "Show all lines" : "Show fewer"}
          </button>
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
