import { memo, useCallback, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent, type WheelEvent } from "react";
import { Virtuoso, type StateSnapshot, type VirtuosoHandle } from "react-virtuoso";
import { useController } from "../state/hooks";
import { isTurnRunning, orderedEntries, type Entry, type SessionView } from "../state/sessionView";
import { perfNote } from "../perf";
import { CardBoundary } from "./CardBoundary";
import { EntryView } from "./EntryView";
import type { TurnUsage } from "../generated/desk/TurnUsage";
import { withMod } from "./keys";

/** Virtuoso wants indexes that only grow downwards: older pages count down from here. */
const FIRST_INDEX = 1_000_000_000;
/** How close to the bottom still counts as "at the bottom" (follows new output). */
const NEAR_BOTTOM_PX = 48;
/** Keys that scroll a focused transcript away from its end. */
const SCROLL_UP_KEYS = new Set(["ArrowUp", "PageUp", "Home"]);

interface ListContext {
  hasOlder: boolean;
  retrying: string | null;
  empty: boolean;
}

function Header({ context }: { context?: ListContext }) {
  if (!context?.hasOlder) return <div className="transcript-edge" />;
  return (
    <p className="transcript-edge small muted" role="status">
      Loading earlier messages…
    </p>
  );
}

function Footer({ context }: { context?: ListContext }) {
  return (
    <div className="transcript-edge">
      {context?.empty && <p className="muted transcript-empty">Nothing here yet. Tell codex what to do below.</p>}
      {context?.retrying && (
        <p className="retrying small muted" role="status">
          Retrying… {context.retrying}
        </p>
      )}
    </div>
  );
}

const components = { Header, Footer };

/**
 * Each session's list as the user left it at its end (its measured card heights), so going back
 * to a session that did not change meanwhile shows it at once instead of measuring its cards
 * again. It opens at its end all the same (`initialTopMostItemIndex` wins over the snapshot's
 * scroll position, so a window of another height still shows the newest cards); cards whose
 * height differs now (a "Show all" not kept) are measured again as they render. Keyed by
 * session; a few kept.
 */
const leftAt = new Map<string, { snapshot: StateSnapshot; shape: string }>();
const SESSIONS_REMEMBERED = 20;

/** What must be the same for a saved list to fit: the cards, the page, the window's width. */
function shapeOf(view: SessionView, entries: Entry[]): string | null {
  // Opened at an item, or a turn running (cards growing): measured afresh.
  if (view.focus !== null || isTurnRunning(view) || entries.length === 0) return null;
  return [view.prepended, entries.length, entries[0]?.id, entries.at(-1)?.id, view.order.length, window.innerWidth].join("|");
}

/** The ids of each turn's first user message (completed), where a rollback can start. */
function firstMessages(entries: Entry[]): Set<string> {
  const seen = new Set<string>();
  const first = new Set<string>();
  for (const entry of entries) {
    if (entry.kind !== "item" || entry.item.type !== "userMessage" || !entry.turnId || seen.has(entry.turnId)) continue;
    seen.add(entry.turnId);
    first.add(entry.id);
  }
  return first;
}

/** A turn's count, once it ended (while it runs, its last answer so far may not be its last). */
function usageShown(turnId: string | undefined, turns: SessionView["turns"], activeTurnId: string | null): TurnUsage | null {
  if (turnId === undefined || turnId === activeTurnId) return null;
  const turn = turns[turnId];
  return turn && turn.status !== "inProgress" ? turn.usage ?? null : null;
}

/** Each turn's last answer, as its entry id → the turn's id: where the turn's token count shows. */
function lastAnswers(entries: Entry[]): Map<string, string> {
  const byTurn = new Map<string, string>();
  for (const entry of entries) {
    if (entry.kind === "item" && entry.item.type === "agentMessage" && entry.turnId) byTurn.set(entry.turnId, entry.id);
  }
  return new Map([...byTurn].map(([turn, id]) => [id, turn]));
}

/** One row: the card with its spacing, re-rendered only when its entry changes. */
const Row = memo(function Row({
  entry,
  sessionId,
  focused,
  rollBack,
  usage,
}: {
  entry: Entry;
  sessionId: string;
  focused: boolean;
  rollBack: boolean;
  usage: TurnUsage | null;
}) {
  return (
    <div className={focused ? "transcript-item focused" : "transcript-item"} data-entry-id={entry.id} data-focused={focused || undefined}>
      <CardBoundary kind={entry.kind === "item" ? entry.item.type : entry.kind} content={entry}>
        <EntryView entry={entry} sessionId={sessionId} rollBack={rollBack} usage={usage} />
      </CardBoundary>
    </div>
  );
});

/**
 * The session's cards, virtualized: only what is on screen (and a little around it) is in the
 * DOM, whatever the session's length. It opens at the bottom, follows new output while the user
 * is at the bottom, and loads older pages from the store as they scroll up.
 * Opened at an item (a search result), it starts there, marks it, and loads newer pages as the
 * user scrolls down. Mount it keyed by session id (and opening) so each starts where it should.
 */
export function Transcript({ view }: { view: SessionView }) {
  const controller = useController();
  const list = useRef<VirtuosoHandle>(null);
  const [showJump, setShowJump] = useState(false);
  // Whether the list keeps to its end as it grows (new cards, a streaming answer, cards measured
  // taller than estimated). Only the user scrolling up stops it; reaching the end again resumes.
  const following = useRef(view.focus === null && !view.hasNewer);
  // Whether the list is at its end, as Virtuoso last said (it reports changes only).
  const atBottom = useRef(true);
  // Opened at an item: the list keeps to its end only once the user moved (or jumped) there.
  const userMoved = useRef(view.focus === null);
  const entries = useMemo(() => orderedEntries(view), [view.order, view.entries]); // eslint-disable-line react-hooks/exhaustive-deps
  const { sessionId, hasOlder, hasNewer, retrying, loaded } = view;
  const idle = !isTurnRunning(view);
  // A turn is rolled back whole: from its first message (a steer later in it is not a start).
  const turnStarts = useMemo(() => firstMessages(entries), [view.order]); // eslint-disable-line react-hooks/exhaustive-deps
  // Kinds and turns of entries do not change once there: the order says when this can.
  const turnEnds = useMemo(() => lastAnswers(entries), [view.order]); // eslint-disable-line react-hooks/exhaustive-deps
  const { turns, activeTurnId } = view;
  useLayoutEffect(() => perfNote("commit", entries.length));
  const focusSeq = view.focus?.seq ?? null;
  const marked = view.focus?.mark ?? false;
  // Where the list opens: at its end, or at the item it was opened at. Read once, at mount.
  const [start] = useState(() => {
    const at = focusSeq === null ? -1 : entries.findIndex((e) => e.kind === "item" && e.seq === focusSeq);
    return at < 0 ? ({ index: "LAST", align: "end" } as const) : ({ index: at, align: "center" } as const);
  });
  // Back in a session left unchanged: as it was (read once, at mount).
  const [restored] = useState(() => {
    const saved = leftAt.get(view.sessionId);
    const shape = shapeOf(view, entries);
    if (saved && (shape === null || saved.shape !== shape)) leftAt.delete(view.sessionId);
    return saved && shape !== null && saved.shape === shape ? saved.snapshot : undefined;
  });
  // Leaving: remember where the list was. The latest view and entries are read then.
  const latest = useRef({ view, entries });
  useLayoutEffect(() => {
    latest.current = { view, entries };
  });
  useLayoutEffect(
    () => () => {
      const { view: last, entries: shown } = latest.current;
      const shape = shapeOf(last, shown);
      leftAt.delete(last.sessionId);
      if (shape === null || !following.current) return;
      list.current?.getState((snapshot) => {
        leftAt.set(last.sessionId, { snapshot, shape });
        if (leftAt.size > SESSIONS_REMEMBERED) leftAt.delete(leftAt.keys().next().value as string);
      });
    },
    [],
  );
  const context = useMemo<ListContext>(
    () => ({ hasOlder, retrying, empty: loaded && entries.length === 0 }),
    [hasOlder, retrying, loaded, entries.length],
  );
  const loadOlder = useCallback(() => void controller.loadOlder(sessionId), [controller, sessionId]);
  const loadNewer = useCallback(() => void controller.loadNewer(sessionId), [controller, sessionId]);
  const itemContent = useCallback(
    (_: number, entry: Entry) => (
      <Row
        entry={entry}
        sessionId={sessionId}
        focused={marked && entry.kind === "item" && entry.seq === focusSeq}
        rollBack={idle && turnStarts.has(entry.id)}
        usage={usageShown(turnEnds.get(entry.id), turns, activeTurnId)}
      />
    ),
    [sessionId, focusSeq, marked, idle, turnStarts, turnEnds, turns, activeTurnId],
  );
  const toEnd = () => list.current?.scrollToIndex({ index: "LAST", align: "end" });
  const jump = () => {
    // Opened in the middle: the latest items are not loaded yet; reading the session again
    // brings its newest page and opens it at its end.
    if (hasNewer) {
      void controller.select(sessionId);
      return;
    }
    following.current = true;
    userMoved.current = true;
    toEnd();
    setShowJump(false);
  };
  const jumpToStart = () => {
    following.current = false;
    userMoved.current = true;
    // Older pages not loaded yet: the session opens again from its first item.
    if (hasOlder) {
      void controller.openStart(sessionId);
      return;
    }
    list.current?.scrollToIndex({ index: 0, align: "start" });
  };
  const stopFollowing = () => {
    following.current = false;
    userMoved.current = true;
    // Already away from the end (a card was measured taller just before): no change will be
    // reported any more, so offer the way back now.
    if (!atBottom.current) setShowJump(true);
  };
  const onWheel = (event: WheelEvent) => {
    userMoved.current = true;
    if (event.deltaY < 0) stopFollowing();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    userMoved.current = true;
    if (event.key === "Home" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      jumpToStart();
      return;
    }
    if (SCROLL_UP_KEYS.has(event.key)) stopFollowing();
  };
  const onMouseDown = (event: MouseEvent) => {
    // A press on the list itself (not on a card) is its scroll bar.
    if ((event.target as HTMLElement).classList.contains("transcript")) stopFollowing();
  };

  return (
    <div className="transcript-wrap" onWheel={onWheel} onKeyDown={onKeyDown} onMouseDown={onMouseDown} onTouchMove={stopFollowing}>
      {loaded || entries.length > 0 ? (
        <Virtuoso
          ref={list}
          className="transcript"
          role="log"
          aria-label="Transcript"
          aria-busy={!idle}
          tabIndex={0}
          data={entries}
          context={context}
          components={components}
          firstItemIndex={FIRST_INDEX - view.prepended}
          initialTopMostItemIndex={start}
          restoreStateFrom={restored}
          computeItemKey={(_, entry) => entry.id}
          itemContent={itemContent}
          followOutput={() => (following.current ? "auto" : false)}
          totalListHeightChanged={() => {
            if (following.current) toEnd();
          }}
          atBottomThreshold={NEAR_BOTTOM_PX}
          atBottomStateChange={(bottom) => {
            atBottom.current = bottom;
            if (bottom && userMoved.current && !hasNewer) following.current = true;
            setShowJump(!bottom && !following.current);
          }}
          startReached={hasOlder ? loadOlder : undefined}
          endReached={hasNewer ? loadNewer : undefined}
          increaseViewportBy={{ top: 600, bottom: 300 }}
        />
      ) : (
        <p className="transcript muted pad" role="log" aria-label="Transcript" aria-busy="true">
          Loading…
        </p>
      )}
      {(showJump || hasNewer) && (
        <div className="jumps">
          {entries.length > 0 && (
            <button type="button" className="jump-start" title={`The first message of the session (${withMod("Home")})`} onClick={jumpToStart}>
              Jump to the start
            </button>
          )}
          <button type="button" className="jump" onClick={jump}>
            Jump to latest
          </button>
        </div>
      )}
    </div>
  );
}
