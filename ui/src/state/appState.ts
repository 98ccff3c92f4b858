// App-level state (sessions, selection, per-session views, account) and its pure reducer.
import type { AccountState } from "../generated/desk/AccountState";
import type { CodexInfo } from "../generated/desk/CodexInfo";
import type { ErrorPayload } from "../generated/desk/ErrorPayload";
import type { EventBatch } from "../generated/desk/EventBatch";
import type { PromptInfo } from "../generated/desk/PromptInfo";
import type { StorageHealth } from "../generated/desk/StorageHealth";
import type { SessionInfo } from "../generated/desk/SessionInfo";
import type { StoredItem } from "../generated/desk/StoredItem";
import type { Transcript } from "../generated/desk/Transcript";
import type { TranscriptPage } from "../generated/desk/TranscriptPage";
import { reduceSession, reduceSessionEvents } from "./reduceSession";
import { emptySessionView, type SessionView } from "./sessionView";

export interface StreamHealth {
  lastSeq: number | null;
  /** Batches we never received (seq jumped). */
  missedBatches: number;
  droppedDeltas: boolean;
}

export interface AppView {
  loading: boolean;
  /** app_state itself failed. */
  loadError: ErrorPayload | null;
  /** The app could not start at all (data folder, database): the window shows only this. */
  startupError: ErrorPayload | null;
  /** Whether the database takes what the app writes. */
  storage: StorageHealth;
  /** Start-up news the user has not dismissed (a damaged database moved aside). */
  notices: string[];
  sessions: SessionInfo[];
  codex: CodexInfo | null;
  codexError: ErrorPayload | null;
  selectedId: string | null;
  /** The "New session" panel is shown instead of the transcript. */
  creating: boolean;
  /** The sign-in panel is shown instead of the transcript. */
  signingIn: boolean;
  /** Who is signed in; null until the app state loaded. */
  account: AccountState | null;
  /** The user's custom prompts, offered as `/name` in the composer. */
  prompts: PromptInfo[];
  views: Record<string, SessionView>;
  health: Record<string, StreamHealth>;
  /** Errors of the last open/send/interrupt, per session. */
  actionErrors: Record<string, ErrorPayload | null>;
}

export type AppAction =
  | {
      type: "loaded";
      sessions: SessionInfo[];
      codex: CodexInfo | null;
      codexError: ErrorPayload | null;
      selectedId: string | null;
      account: AccountState;
      storage: StorageHealth;
      notices: string[];
    }
  | { type: "startupFailed"; error: ErrorPayload }
  | { type: "storageChanged"; storage: StorageHealth }
  | { type: "noticeDismissed"; index: number }
  /** Something the user did that could not be done (a link that was not opened). */
  | { type: "noticeAdded"; notice: string }
  | { type: "loadFailed"; error: ErrorPayload }
  | { type: "sessionsRefreshed"; sessions: SessionInfo[] }
  | { type: "sessionCreated"; session: SessionInfo }
  /** `restored`: the app reopening the last session, which must not close a panel the user opened. */
  | { type: "selected"; sessionId: string; restored?: boolean }
  | { type: "newSessionShown"; shown: boolean }
  | { type: "signInShown"; shown: boolean }
  | { type: "accountChanged"; account: AccountState }
  | { type: "promptsLoaded"; prompts: PromptInfo[] }
  | { type: "transcript"; transcript: Transcript }
  | { type: "olderPage"; page: TranscriptPage }
  | { type: "wholeItem"; sessionId: string; item: StoredItem }
  | { type: "batch"; batch: EventBatch }
  | { type: "actionError"; sessionId: string; error: ErrorPayload | null };

export const initialAppView: AppView = {
  loading: true,
  loadError: null,
  startupError: null,
  storage: { problem: null, waiting: 0 },
  notices: [],
  sessions: [],
  codex: null,
  codexError: null,
  selectedId: null,
  creating: false,
  signingIn: false,
  account: null,
  prompts: [],
  views: {},
  health: {},
  actionErrors: {},
};

function withView(state: AppView, sessionId: string, update: (view: SessionView) => SessionView): AppView {
  const view = state.views[sessionId] ?? emptySessionView(sessionId);
  const next = update(view);
  return next === view && sessionId in state.views ? state : { ...state, views: { ...state.views, [sessionId]: next } };
}

function healthAfter(health: StreamHealth | undefined, batch: EventBatch): StreamHealth {
  const previous = health ?? { lastSeq: null, missedBatches: 0, droppedDeltas: false };
  const gap = previous.lastSeq === null ? 0 : Math.max(0, batch.seq - previous.lastSeq - 1);
  return {
    lastSeq: batch.seq,
    missedBatches: previous.missedBatches + gap,
    droppedDeltas: previous.droppedDeltas || batch.droppedDeltas,
  };
}

export function reduceApp(state: AppView, action: AppAction): AppView {
  switch (action.type) {
    case "loaded":
      return {
        ...state,
        loading: false,
        loadError: null,
        sessions: action.sessions,
        codex: action.codex,
        codexError: action.codexError,
        selectedId: action.selectedId,
        account: action.account,
        storage: action.storage,
        notices: action.notices,
      };
    case "startupFailed":
      return { ...state, loading: false, startupError: action.error };
    case "storageChanged":
      return { ...state, storage: action.storage };
    case "noticeAdded":
      return state.notices.includes(action.notice) ? state : { ...state, notices: [...state.notices, action.notice] };
    case "noticeDismissed":
      return { ...state, notices: state.notices.filter((_, i) => i !== action.index) };
    case "loadFailed":
      return { ...state, loading: false, loadError: action.error };
    case "sessionsRefreshed":
      return { ...state, sessions: action.sessions };
    case "sessionCreated":
      return {
        ...state,
        sessions: [action.session, ...state.sessions.filter((s) => s.id !== action.session.id)],
        selectedId: action.session.id,
        creating: false,
        signingIn: false,
      };
    case "selected":
      if (action.restored) return { ...state, selectedId: action.sessionId };
      return { ...state, selectedId: action.sessionId, creating: false, signingIn: false };
    case "newSessionShown":
      return { ...state, creating: action.shown, signingIn: action.shown ? false : state.signingIn };
    case "signInShown":
      return { ...state, signingIn: action.shown, creating: action.shown ? false : state.creating };
    case "accountChanged": {
      const before = state.account;
      const next = action.account;
      // Replies and events both carry the whole state: an older one never replaces a newer one.
      if (before && next.revision < before.revision) return state;
      // A sign-in that completed (or a key that was kept) ends at the transcript again.
      const completed =
        next.auth.type !== "signedOut" &&
        next.login === null &&
        next.error === null &&
        (before?.auth.type === "signedOut" || before?.login != null || before?.auth.type !== next.auth.type);
      return { ...state, account: next, signingIn: completed ? false : state.signingIn };
    }
    case "promptsLoaded":
      return { ...state, prompts: action.prompts };
    case "transcript": {
      const { transcript } = action;
      const id = transcript.session.id;
      const sessions = state.sessions.some((s) => s.id === id)
        ? state.sessions.map((s) => (s.id === id ? transcript.session : s))
        : [transcript.session, ...state.sessions];
      return withView({ ...state, sessions }, id, (view) => reduceSession(view, { type: "transcript", transcript }));
    }
    case "olderPage":
      return withView(state, action.page.sessionId, (view) => reduceSession(view, action));
    case "wholeItem":
      return withView(state, action.sessionId, (view) => reduceSession(view, { type: "wholeItem", item: action.item }));
    case "batch": {
      const { batch } = action;
      const health = { ...state.health, [batch.sessionId]: healthAfter(state.health[batch.sessionId], batch) };
      return withView({ ...state, health }, batch.sessionId, (view) => reduceSessionEvents(view, batch.events));
    }
    case "actionError":
      return { ...state, actionErrors: { ...state.actionErrors, [action.sessionId]: action.error } };
    default:
      return state;
  }
}
