import { useLayoutEffect, useRef, useState } from "react";
import { isTurnRunning, orderedEntries, type SessionView } from "../state/sessionView";
import { EntryView } from "./EntryView";

const NEAR_BOTTOM_PX = 48;

/** The session's cards; follows the bottom while streaming unless the user scrolled up.
 * Mount it keyed by session id so each session starts at its bottom. */
export function Transcript({ view }: { view: SessionView }) {
  const ref = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const [showJump, setShowJump] = useState(false);
  const entries = orderedEntries(view);

  useLayoutEffect(() => {
    const el = ref.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  }, [view]);

  const onScroll = () => {
    const el = ref.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
    following.current = atBottom;
    setShowJump(!atBottom);
  };

  const jump = () => {
    const el = ref.current;
    if (!el) return;
    following.current = true;
    el.scrollTop = el.scrollHeight;
    setShowJump(false);
  };

  return (
    <div className="transcript-wrap">
      <div className="transcript" role="log"
        aria-label="Transcript"
        aria-busy={isTurnRunning(view)}
        ref={ref} onScroll={onScroll} tabIndex={0}>
        {entries.length === 0 && view.loaded && (
          <p className="muted transcript-empty">Nothing here yet. Tell codex what to do below.</p>
        )}
        {entries.map((entry) => (
          <EntryView key={entry.id} entry={entry} />
        ))}
        {view.retrying && (
          <p className="retrying small muted" role="status">
            Retrying… {view.retrying}
          </p>
        )}
      </div>
      {showJump && (
        <button type="button" className="jump" onClick={jump}>
          Jump to latest
        </button>
      )}
    </div>
  );
}
