import { useLayoutEffect, useRef } from "react";
import type { ThreadItem } from "../../generated/codex/v2/ThreadItem";
import { formatDuration } from "../format";
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

export function CommandCard({ item, streaming, cutShort }: { item: CommandItem; streaming: boolean; cutShort: boolean }) {
  const output = item.aggregatedOutput ?? "";
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
      {output && (
        <pre className="output" ref={ref} onScroll={onScroll} tabIndex={0} aria-label="Command output">
          {output}
        </pre>
      )}
    </Card>
  );
}
