import type { QueuedPrompt } from "../generated/desk/QueuedPrompt";
import type { SessionOptions } from "../generated/desk/SessionOptions";
import type { RateLimitWindow } from "../generated/codex/v2/RateLimitWindow";
import type { ApprovalChoice } from "../generated/desk/ApprovalChoice";
import type { ApprovalOutcome } from "../generated/desk/ApprovalOutcome";
import type { ApprovalRequest } from "../generated/desk/ApprovalRequest";
// What a session's transcript looks like to the UI, derived only by the reducer.
import type { ThreadItem } from "../generated/codex/v2/ThreadItem";
import type { TurnUsage } from "../generated/desk/TurnUsage";
import type { TurnStatus } from "../generated/codex/v2/TurnStatus";
import type { SessionStatus } from "../generated/desk/SessionStatus";

/** A codex item as it streams in and completes. */
export interface ItemEntry {
  kind: "item";
  id: string;
  turnId: string | null;
  item: ThreadItem;
  /** Started (or received deltas) and not yet completed. */
  streaming: boolean;
  /** item/completed was seen (or it came from a stored transcript). */
  completed: boolean;
  /** The turn ended (interrupted / failed) before the item completed. */
  cutShort: boolean;
  /** Text from the deprecated item/fileChange/outputDelta. */
  extraOutput: string;
  /** Its place in the store, when it came from there. */
  seq: number | null;
  /** The stored item's size when the store sent it with very long text cut ("Show all"). */
  cutBytes: number | null;
  /** What the user answered when codex asked about it (from the store). */
  decision?: ApprovalChoice | null;
}

/** The user's prompt, shown as soon as the backend accepted it. */
export interface PromptEntry {
  kind: "prompt";
  id: string;
  text: string;
}

/** A final codex error (willRetry=false), a failed turn's error, shown inline. */
export interface ErrorEntry {
  kind: "error";
  id: string;
  turnId: string | null;
  message: string;
  details: string | null;
  codexErrorInfo: string | null;
  /** What the card offers beyond retrying: "signIn" when the credentials were refused. */
  action: "signIn" | null;
}

/**
 * Something the user should know that is not an error: an approval this version declined by
 * itself, or a part of the user's codex setup a session could not carry over.
 */
export interface NoticeEntry {
  kind: "notice";
  id: string;
  variant: "autoAnswered" | "setupWarning";
  method: string;
  summary: string;
}

/** A question codex asks the user (run a command, change files), and how it ended. */
export interface ApprovalEntry {
  kind: "approval";
  id: string;
  request: ApprovalRequest;
  /** null while codex waits for the answer. */
  outcome: ApprovalOutcome | null;
  /** Where it is stored in the transcript (a question read from the store). */
  seq?: number;
}

export function approvalEntry(request: ApprovalRequest): ApprovalEntry {
  return { kind: "approval", id: `approval-${request.key}`, request, outcome: null };
}

/** How many questions in `entries` wait for the user's answer. */
export function countWaiting(entries: Record<string, Entry>): number {
  let waiting = 0;
  for (const entry of Object.values(entries)) if (entry.kind === "approval" && entry.outcome === null) waiting++;
  return waiting;
}

export type Entry = ItemEntry | PromptEntry | ErrorEntry | NoticeEntry | ApprovalEntry;

export interface TurnView {
  id: string;
  status: TurnStatus;
  error: string | null;
  /** The tokens it used, once codex counted. */
  usage?: TurnUsage | null;
}

export interface SessionView {
  sessionId: string;
  /** Entry ids in order of first appearance. */
  order: string[];
  entries: Record<string, Entry>;
  turns: Record<string, TurnView>;
  /** The turn in progress, if any. */
  activeTurnId: string | null;
  status: SessionStatus | null;
  statusMessage: string | null;
  threadId: string | null;
  /** codex thread status: true while it waits for an approval or user input. */
  waitingForUser: boolean;
  /** Questions (approval cards) waiting for the user's answer. */
  approvalsWaiting: number;
  /** Follow-ups the user queued, sent one by one as turns complete. */
  queued: QueuedPrompt[];
  /** The queued follow-ups wait for the user (the last turn did not complete). */
  queueHeld: boolean;
  /** The session's options (model, effort, sandbox, approvals), from the store. */
  options: SessionOptions;
  /** How questions ended that had no card yet (heard before the transcript that lists them). */
  settledApprovals: Record<string, ApprovalOutcome>;
  /** The folder that disappeared while the session lives, until the user points it elsewhere. */
  workspaceMissing: string | null;
  /** What the latest counted turn used, with the session's total and the context's fill then. */
  usage: TurnUsage | null;
  /** The account's usage limits as codex last reported them (a short and a long window). */
  rateLimits: { primary: RateLimitWindow | null; secondary: RateLimitWindow | null } | null;
  /** The latest "retrying" message while the turn still runs. */
  retrying: string | null;
  /** The latest turn's changes to files as one diff (codex's `turn/diff/updated`), while the
   * session is open. */
  turnDiff: { turnId: string; diff: string } | null;
  /** Counter used to give local entries (prompts, notices) unique ids. */
  localCounter: number;
  /** Whether a stored transcript was loaded. */
  loaded: boolean;
  /** The store holds items older than the oldest one loaded. */
  hasOlder: boolean;
  /** The `seq` of the oldest stored item loaded: the next older page ends before it. */
  oldestSeq: number | null;
  /** How many entries older pages put in front of the first one shown (keeps the scroll still). */
  prepended: number;
  /** Opened at an item in the middle: the store holds items newer than the newest loaded. */
  hasNewer: boolean;
  /** The `seq` of the newest stored item loaded: the next newer page starts after it. */
  newestSeq: number | null;
  /** The item the session was opened at (a search result, or its first item); `serial` counts
   * openings; `mark` outlines it (a result), or not (the start). */
  focus: { seq: number; serial: number; mark: boolean } | null;
}

/** A session's options until the store says otherwise (the core's defaults). */
export const defaultSessionOptions: SessionOptions = {
  model: null,
  effort: null,
  sandbox: "workspaceWrite",
  approvals: "onRequest",
  network: false,
  writableFolders: [],
  pythonVenv: false,
  outputSchema: null,
  webSearch: null,
  env: [],
};

export function emptySessionView(sessionId: string): SessionView {
  return {
    sessionId,
    order: [],
    entries: {},
    turns: {},
    activeTurnId: null,
    status: null,
    statusMessage: null,
    threadId: null,
    waitingForUser: false,
    approvalsWaiting: 0,
    settledApprovals: {},
    queued: [],
    queueHeld: false,
    options: defaultSessionOptions,
    workspaceMissing: null,
    usage: null,
    rateLimits: null,
    retrying: null,
    turnDiff: null,
    localCounter: 0,
    loaded: false,
    hasOlder: false,
    oldestSeq: null,
    prepended: 0,
    hasNewer: false,
    newestSeq: null,
    focus: null,
  };
}

/** The entries in display order. */
export function orderedEntries(view: SessionView): Entry[] {
  return view.order.map((id) => view.entries[id]).filter((e): e is Entry => e !== undefined);
}

/** True while a turn runs, so Stop is enabled. */
/** A status in which codex works on a turn (or is starting for one). */
export function isActive(status: SessionStatus): boolean {
  return status === "running" || status === "starting";
}

export function isTurnRunning(view: SessionView | undefined): boolean {
  if (!view) return false;
  return view.activeTurnId !== null || view.status === "running";
}
