// Stored pages of a transcript folded into a SessionView: the newest page on open (merged under
// whatever live events already arrived), older pages in front as the user scrolls up, and one
// item whole after "Show all". Every step is linear in what it touches: entries are built in a
// local map once, never copied per item.
import type { ApprovalOutcome } from "../generated/desk/ApprovalOutcome";
import type { ApprovalRequest } from "../generated/desk/ApprovalRequest";
import type { StoredItem } from "../generated/desk/StoredItem";
import type { Transcript } from "../generated/desk/Transcript";
import type { TranscriptPage } from "../generated/desk/TranscriptPage";
import type { TurnUsage } from "../generated/desk/TurnUsage";
import type { TurnInfo } from "../generated/desk/TurnInfo";
import type { ThreadItem } from "../generated/codex/v2/ThreadItem";
import { errorEntry, errorEntryId, newItemEntry } from "./entries";
import { readableStored } from "./items";
import { approvalEntry, countWaiting, isActive, type ApprovalEntry, type Entry, type ErrorEntry, type ItemEntry, type SessionView, type TurnView } from "./sessionView";

/** Entries in order, built in place. */
class EntryList {
  readonly entries: Record<string, Entry> = {};
  readonly order: string[] = [];
  /** Questions waiting for the item they are about (stored after them), by item id. */
  private readonly waitingFor = new Map<string, ApprovalEntry[]>();
  has(id: string): boolean {
    return id in this.entries;
  }
  put(entry: Entry): void {
    if (!(entry.id in this.entries)) this.order.push(entry.id);
    this.entries[entry.id] = entry;
    const questions = this.waitingFor.get(entry.id);
    if (questions) {
      this.waitingFor.delete(entry.id);
      for (const question of questions) this.put(question);
    }
  }
  /** A stored question: right after the item it is about when that item is among `itemIds`
   * (once it is put), else where it was stored. */
  putQuestion(question: ApprovalEntry, itemIds: ReadonlySet<string>): void {
    const about = question.request.itemId;
    if (about === "" || about in this.entries || !itemIds.has(about)) {
      this.putAfter(question, about);
      return;
    }
    this.waitingFor.set(about, [...(this.waitingFor.get(about) ?? []), question]);
  }
  /** Questions whose item was not put after all: last. */
  putWaiting(): void {
    for (const questions of this.waitingFor.values()) for (const question of questions) this.put(question);
    this.waitingFor.clear();
  }
  /** Puts `entry` after the item `about` (and the questions already after it), or last. */
  private putAfter(entry: ApprovalEntry, about: string): void {
    if (entry.id in this.entries || !(about in this.entries)) {
      this.put(entry);
      return;
    }
    let at = this.order.indexOf(about) + 1;
    while (at < this.order.length && this.entries[this.order[at]]?.kind === "approval") at++;
    this.entries[entry.id] = entry;
    this.order.splice(at, 0, entry.id);
  }
  /** Puts each approval card right after the item it is about (at the end when that item is
   * not among these), in the order given. */
  placeApprovals(approvals: ApprovalEntry[]): void {
    const after = new Map<string, ApprovalEntry[]>();
    for (const approval of approvals) {
      if (approval.id in this.entries) continue;
      this.entries[approval.id] = approval;
      const item = approval.request.itemId in this.entries ? approval.request.itemId : "";
      after.set(item, [...(after.get(item) ?? []), approval]);
    }
    if (after.size === 0) return;
    const order = this.order.splice(0);
    for (const id of order) {
      this.order.push(id);
      for (const approval of after.get(id) ?? []) this.order.push(approval.id);
    }
    for (const approval of after.get("") ?? []) this.order.push(approval.id);
  }
}

/**
 * The stored turns with what streamed since. Of two counts of a turn, the larger is the later
 * (a turn's count only grows): the store's after missed updates, the window's after a count
 * that came while the store was read.
 */
function mergedTurns(stored: Record<string, TurnView>, live: Record<string, TurnView>): Record<string, TurnView> {
  const turns = { ...stored };
  for (const [id, turn] of Object.entries(live)) turns[id] = { ...turn, usage: laterCount(turn.usage, stored[id]?.usage, (u) => u.turn.total) };
  return turns;
}

function laterCount(live: TurnUsage | null | undefined, stored: TurnUsage | null | undefined, count: (u: TurnUsage) => number): TurnUsage | null {
  if (!live || !stored) return live ?? stored ?? null;
  return count(live) > count(stored) ? live : stored;
}

function turnView(turn: TurnInfo): TurnView {
  return { id: turn.id, status: turn.status as TurnView["status"], error: turn.error, usage: turn.usage };
}

/** A failed turn's error card. */
function turnErrorEntry(turn: TurnView): ErrorEntry | null {
  return turn.status === "failed" && turn.error ? errorEntry(turn.id, { message: turn.error }) : null;
}

/** The kind of item a question codex asked is stored as (see the core's `store::questions`). */
const QUESTION = "deskQuestion";

/** How a question ended that was stored unanswered and that codex no longer asks: it went with
 * its codex (the app was killed). */
const GONE: ApprovalOutcome = { by: "withdrawn" };

/** A question codex asked, as stored: the card, in its place, with how it ended (null: not
 * recorded as ended). */
function storedQuestion(stored: StoredItem): ApprovalEntry | null {
  const item = stored.item as unknown as { type?: string; request?: ApprovalRequest; outcome?: ApprovalOutcome | null };
  const request = item.request;
  if (item.type !== QUESTION || !request || typeof request.key !== "string" || !Array.isArray(request.choices)) return null;
  return { ...approvalEntry(request), outcome: item.outcome ?? null, seq: stored.seq };
}

function isQuestion(stored: StoredItem): boolean {
  return (stored.item as { type?: string }).type === QUESTION;
}

/** Written by a checkpoint while it streamed, not (yet) completed by codex. */
function isDraft(item: ThreadItem): boolean {
  return (item as { deskDraft?: boolean }).deskDraft === true;
}

function withoutDeskMarkers(item: ThreadItem): ThreadItem {
  const marked = item as ThreadItem & { deskDraft?: boolean; deskTruncated?: number };
  if (marked.deskDraft === undefined && marked.deskTruncated === undefined) return item;
  const copy = { ...marked };
  delete copy.deskDraft;
  delete copy.deskTruncated;
  return copy;
}

/** An item from the store; one codex never completed (written while it streamed) is cut short. */
export function storedEntry(stored: StoredItem, streaming = false): ItemEntry {
  const item = stored.item;
  const cutBytes = (item as { deskTruncated?: number }).deskTruncated ?? null;
  const entry = newItemEntry(withoutDeskMarkers(item), stored.turnId, !streaming);
  return { ...entry, seq: stored.seq, cutBytes, cutShort: !streaming && isDraft(item), decision: stored.decision ?? null };
}

function itemId(stored: StoredItem): string {
  return (stored.item as { id: string }).id;
}

/**
 * Stored items in order with each failed turn's error after its items (and after everything for
 * turns without items). `entryFor` and `errorFor` choose the entry to put (or none).
 */
function placeStored(
  list: EntryList,
  items: readonly StoredItem[],
  turns: Record<string, TurnView>,
  entryFor: (stored: StoredItem) => Entry | null,
  errorFor: (turn: TurnView) => Entry | null,
  itemlessTurns: readonly TurnView[],
): void {
  let previousTurn: string | null = null;
  const placeError = (turnId: string | null) => {
    const turn = turnId ? turns[turnId] : undefined;
    const error = turn ? errorFor(turn) : null;
    if (error && !list.has(error.id)) list.put(error);
  };
  const itemIds = new Set(items.map(itemId));
  for (const stored of items) {
    // A question outside any turn (an MCP server's) does not end the turn it came in.
    const ofTurn = !(stored.turnId === "" && isQuestion(stored));
    if (ofTurn && stored.turnId !== previousTurn) placeError(previousTurn);
    if (ofTurn) previousTurn = stored.turnId;
    const entry = entryFor(stored);
    if (entry?.kind === "approval") list.putQuestion(entry, itemIds);
    else if (entry) list.put(entry);
  }
  list.putWaiting();
  placeError(previousTurn);
  for (const turn of itemlessTurns) placeError(turn.id);
}

/** Items in `seq` order, each one the cards can show ([`readableStored`]). */
function sortedItems(items: readonly StoredItem[]): StoredItem[] {
  const sorted = items.map(readableStored);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i - 1].seq > sorted[i].seq) return sorted.sort((a, b) => a.seq - b.seq);
  }
  return sorted;
}

/** What is stored of a view dropped: a page that is not next to what is shown starts afresh. */
function withoutStored(view: SessionView): SessionView {
  // A question still waiting stays: it must stay answerable wherever the session is opened.
  const entries: Record<string, Entry> = {};
  const order: string[] = [];
  for (const id of view.order) {
    const entry = view.entries[id];
    if (entry?.kind === "approval" && entry.outcome === null) {
      entries[id] = entry;
      order.push(id);
    }
  }
  return { ...view, order, entries, prepended: 0, hasOlder: false, oldestSeq: null, hasNewer: false, newestSeq: null };
}

/**
 * Merges the stored newest page under whatever live events (and older pages) are already in.
 * With `focusSeq` (a search result), the page is the items around that one and replaces what
 * was shown; so does the newest page after such a page (the two are not next to each other).
 */
export function applyTranscript(
  shown: SessionView,
  transcript: Transcript,
  focusSeq: number | null = null,
  mark = true,
): SessionView {
  const { session, hasOlder } = transcript;
  const live = focusSeq !== null || shown.hasNewer ? withoutStored(shown) : shown;
  const items = sortedItems(transcript.items);
  const storedTurns: Record<string, TurnView> = {};
  for (const turn of transcript.turns) storedTurns[turn.id] = turnView(turn);
  const lastTurn = transcript.turns.at(-1);
  const running = isActive(session.status);
  const pageStart = hasOlder ? items[0]?.seq ?? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;

  const list = new EntryList();
  // Older pages the user already scrolled through stay in front, as they were.
  const olderTurns = new Set<string>();
  for (const id of live.order) {
    const entry = live.entries[id];
    if (entry?.kind === "item" && entry.seq !== null && entry.seq < pageStart) {
      if (entry.turnId) olderTurns.add(entry.turnId);
      list.put(entry);
    } else if (entry?.kind === "error" && entry.turnId !== null && olderTurns.has(entry.turnId)) {
      list.put(entry);
    } else if (entry?.kind === "approval") {
      // A stored one of the older pages stays in its place; the others are placed again
      // after their item below.
      if (entry.seq !== undefined && entry.seq < pageStart) list.put(entry);
      continue;
    } else break;
  }

  const liveErrorMessages = new Set<string>();
  const livePrompts: Entry[] = [];
  for (const id of live.order) {
    const entry = live.entries[id];
    if (entry?.kind === "error") liveErrorMessages.add(entry.message);
    if (entry?.kind === "prompt") livePrompts.push(entry);
  }
  const consumedPrompts = new Set<string>();
  const turnsWithItems = new Set(items.map((i) => i.turnId));
  // What codex waits on the user for now, whole (a stored copy may be cut): a stored question
  // among them is still open.
  const asked = new Map((transcript.approvals ?? []).map((r) => [r.key, r]));

  placeStored(
    list,
    items,
    storedTurns,
    (stored) => {
      if (isQuestion(stored)) {
        const question = storedQuestion(stored);
        if (!question) return null;
        const key = question.request.key;
        const existing = live.entries[question.id];
        const shown = existing?.kind === "approval" ? existing : null;
        const pending = asked.get(key);
        // How it ended: as the window heard, else as stored, else open while codex asks it
        // (or asked it after the store was read), else gone with its codex.
        const outcome = live.settledApprovals[key] ?? question.outcome ?? (pending ? null : shown ? shown.outcome : GONE);
        return { ...question, request: pending ?? shown?.request ?? question.request, outcome };
      }
      const id = itemId(stored);
      const existing = live.entries[id];
      const isCurrentTurn = lastTurn?.id === stored.turnId && lastTurn.status === "inProgress";
      const draft = isDraft(stored.item);
      // What streamed live is newer than a checkpoint; a checkpoint of the running turn streams on.
      const entry: Entry =
        existing?.kind === "item" && (existing.completed || (draft && existing.streaming))
          ? existing.seq === stored.seq
            ? existing
            : { ...existing, seq: stored.seq }
          : storedEntry(stored, draft && isCurrentTurn && running);
      // The prompt shown while it was sent is this stored userMessage: it takes the prompt's place.
      if (!existing && entry.kind === "item" && entry.item.type === "userMessage" && isCurrentTurn) {
        const prompt = livePrompts.find((p) => !consumedPrompts.has(p.id));
        if (prompt) consumedPrompts.add(prompt.id);
      }
      return entry;
    },
    (turn) => {
      if (turn.status !== "failed" || !turn.error) return null;
      const existing = live.entries[errorEntryId(turn.id)];
      if (existing) return existing;
      return liveErrorMessages.has(turn.error) ? null : turnErrorEntry(turn);
    },
    transcript.turns.filter((t) => !turnsWithItems.has(t.id)).map(turnView),
  );
  const approvals: ApprovalEntry[] = [];
  for (const id of live.order) {
    const entry = live.entries[id];
    if (entry?.kind === "approval") approvals.push(entry);
    else if (entry && !list.has(id) && !consumedPrompts.has(id)) list.put(entry);
  }
  // Questions asked, and what codex waits on the user for now (opened, or read again, while
  // it asks), each after its command or change.
  const shownApprovals = new Set(approvals.map((a) => a.id));
  for (const request of transcript.approvals ?? []) {
    // Read before an answer the window already heard of: it stays answered.
    const entry = { ...approvalEntry(request), outcome: live.settledApprovals[request.key] ?? null };
    if (!shownApprovals.has(entry.id)) approvals.push(entry);
  }
  list.placeApprovals(approvals);

  const keptOlder = live.oldestSeq !== null && live.oldestSeq < pageStart;
  const storedActive = running ? transcript.turns.find((t) => t.status === "inProgress")?.id ?? null : null;
  return {
    ...live,
    entries: list.entries,
    order: list.order,
    turns: mergedTurns(storedTurns, live.turns),
    usage: laterCount(live.usage, transcript.turns.findLast((t) => t.usage)?.usage, (u) => u.session.total),
    activeTurnId: live.activeTurnId ?? storedActive,
    status: live.status ?? session.status,
    waitingForUser: live.waitingForUser && isActive(live.status ?? session.status),
    statusMessage: live.status ? live.statusMessage : session.lastError,
    threadId: live.threadId ?? session.threadId,
    loaded: true,
    approvalsWaiting: countWaiting(list.entries),
    queued: transcript.queued,
    queueHeld: transcript.queueHeld,
    options: transcript.options,
    hasOlder: keptOlder ? live.hasOlder : hasOlder,
    oldestSeq: keptOlder ? live.oldestSeq : items[0]?.seq ?? live.oldestSeq,
    hasNewer: transcript.hasNewer,
    newestSeq: items.at(-1)?.seq ?? null,
    focus: focusSeq === null ? null : { seq: focusSeq, serial: (shown.focus?.serial ?? 0) + 1, mark },
  };
}

/**
 * A page's entries that are not shown yet (items, and each failed turn's error), and its turns
 * (the ones already shown kept as they are).
 */
function pageEntries(view: SessionView, items: readonly StoredItem[], page: TranscriptPage, itemlessTurns: readonly TurnView[]) {
  const turns: Record<string, TurnView> = {};
  for (const turn of page.turns) turns[turn.id] = view.turns[turn.id] ?? turnView(turn);
  const list = new EntryList();
  placeStored(
    list,
    items,
    turns,
    (stored) => {
      if (!isQuestion(stored)) return itemId(stored) in view.entries ? null : storedEntry(stored);
      // One still asked is on screen already; any other ended (with its codex, if not told how).
      const question = storedQuestion(stored);
      if (question === null || question.id in view.entries) return null;
      return { ...question, outcome: view.settledApprovals[question.request.key] ?? question.outcome ?? GONE };
    },
    (turn) => (errorEntryId(turn.id) in view.entries ? null : turnErrorEntry(turn)),
    itemlessTurns,
  );
  return { list, turns: { ...turns, ...view.turns } };
}

/** Puts a newer page after the stored items shown (scrolling down from an item opened in the middle). */
export function applyNewerPage(view: SessionView, page: TranscriptPage): SessionView {
  if (!view.hasNewer || view.newestSeq === null) return view;
  const newest = view.newestSeq;
  const items = sortedItems(page.items).filter((i) => i.seq > newest);
  if (items.length === 0) return page.items.length === 0 ? { ...view, hasNewer: false } : view;
  const withItems = new Set(items.map((i) => i.turnId));
  // The last page also brings the turns after its items (one that failed before any item).
  const itemless = page.hasNewer ? [] : page.turns.filter((t) => !withItems.has(t.id)).map(turnView);
  const { list, turns } = pageEntries(view, items, page, itemless);
  // After the last stored item shown (live entries that came meanwhile stay at the end).
  let at = view.order.length;
  while (at > 0) {
    const entry = view.entries[view.order[at - 1]];
    if (entry?.kind === "item" && entry.seq !== null) break;
    if (entry?.kind === "approval" && entry.seq !== undefined) break;
    at -= 1;
  }
  if (at === 0) at = view.order.length;
  return {
    ...view,
    entries: { ...view.entries, ...list.entries },
    order: [...view.order.slice(0, at), ...list.order, ...view.order.slice(at)],
    turns,
    hasNewer: page.hasNewer,
    newestSeq: items[items.length - 1].seq,
  };
}

/** Puts an older page in front of what is shown; a page that is not older changes nothing. */
export function applyOlderPage(view: SessionView, page: TranscriptPage): SessionView {
  if (page.items.length === 0) return view.hasOlder ? { ...view, hasOlder: false } : view;
  const items = sortedItems(page.items).filter((i) => view.oldestSeq === null || i.seq < view.oldestSeq);
  // A page asked for before a newer one arrived: what it holds is already shown.
  if (items.length === 0) return view;
  const { list, turns } = pageEntries(view, items, page, []);
  const entries = { ...view.entries, ...list.entries };
  return {
    ...view,
    entries,
    order: [...list.order, ...view.order],
    turns,
    hasOlder: page.hasOlder,
    oldestSeq: items[0].seq,
    prepended: view.prepended + list.order.length,
  };
}

/** Replaces an item shown cut with the whole item, in its place. */
export function applyWholeItem(view: SessionView, whole: StoredItem): SessionView {
  const stored = readableStored(whole);
  const id = itemId(stored);
  const existing = view.entries[id];
  if (existing?.kind !== "item" || existing.cutBytes === null) return view;
  return { ...view, entries: { ...view.entries, [id]: { ...storedEntry(stored), cutShort: existing.cutShort } } };
}
