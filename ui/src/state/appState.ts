// App-level state (sessions, selection, per-session views, account) and its pure reducer.
import type { Attachment } from "../generated/desk/Attachment";
import type { AccountState } from "../generated/desk/AccountState";
import type { AuditEntry } from "../generated/desk/AuditEntry";
import type { AuditPage } from "../generated/desk/AuditPage";
import type { AuditQuery } from "../generated/desk/AuditQuery";
import type { CodexInfo } from "../generated/desk/CodexInfo";
import type { ErrorPayload } from "../generated/desk/ErrorPayload";
import type { EventBatch } from "../generated/desk/EventBatch";
import type { PromptInfo } from "../generated/desk/PromptInfo";
import type { StorageHealth } from "../generated/desk/StorageHealth";
import type { SessionInfo } from "../generated/desk/SessionInfo";
import type { SearchQuery } from "../generated/desk/SearchQuery";
import type { SearchResults } from "../generated/desk/SearchResults";
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

/** Search across sessions, typed in the sidebar's box. */
export interface SearchView {
  query: SearchQuery;
  /** Counts queries, so a reply to an older one is dropped. */
  serial: number;
  results: SearchResults | null;
  busy: boolean;
  error: ErrorPayload | null;
  /** The results are shown in place of the session (opening a result hides them). */
  shown: boolean;
  /** The days the search looks back, counting today (null: any time); its start is worked out
   * again at each search, so "today" stays today. */
  days: number | null;
}

export const emptySearch: SearchView = {
  query: { text: "", workspace: null, kinds: [], since: null, until: null },
  serial: 0,
  results: null,
  busy: false,
  error: null,
  shown: false,
  days: null,
};

/** The audit trail panel: commands and file changes, newest first, a page at a time. */
export interface AuditView {
  query: AuditQuery;
  /** Counts openings, so a page for an older query is dropped. */
  serial: number;
  entries: AuditEntry[];
  /** Where the next (older) page starts; null when everything is shown. */
  next: string | null;
  busy: boolean;
  error: ErrorPayload | null;
  /** The trail is shown in place of the session. */
  shown: boolean;
}

export const emptyAudit: AuditView = {
  query: { session: null, workspace: null, since: null, until: null },
  serial: 0,
  entries: [],
  next: null,
  busy: false,
  error: null,
  shown: false,
};

const hiddenAudit = (audit: AuditView): AuditView => (audit.shown ? { ...audit, shown: false } : audit);

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
  /** The OS tells the user when a turn ends, fails or waits for them while the window is in the background. */
  notifications: boolean;
  /** A session's codex is released after this many idle seconds (null: never). */
  idleReleaseSecs: number | null;
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
  search: SearchView;
  audit: AuditView;
  /**
   * What waits to go into a session's message box until that box takes it: the prompt of a
   * turn rolled back, images dropped on the window.
   */
  offers: Record<string, ComposerOffer>;
  /** The last offer's serial. */
  offerSerial: number;
  /** Files are dragged over the window. */
  dropHover: boolean;
  /** A folder dropped on the window, for the New session panel (serial: one drop from the next). */
  droppedFolder: { path: string; serial: number } | null;
  /** Sessions where a turn ended, failed or waits for the user since the user last opened them. */
  unread: Record<string, true>;
}

/** Text and images waiting for a session's message box; `serial` tells one offer from the next. */
export interface ComposerOffer {
  text: string | null;
  attachments: Attachment[];
  serial: number;
}

/** `offers` with more for `sessionId`: new text replaces the waiting one, images add up. */
function offered(state: AppView, sessionId: string, text: string | null, attachments: Attachment[]): Pick<AppView, "offers" | "offerSerial"> {
  const waiting = state.offers[sessionId];
  const serial = state.offerSerial + 1;
  const offer = { text: text ?? waiting?.text ?? null, attachments: [...(waiting?.attachments ?? []), ...attachments], serial };
  return { offers: { ...state.offers, [sessionId]: offer }, offerSerial: serial };
}

/** `unread` without `sessionId`. */
function seen(unread: Record<string, true>, sessionId: string): Record<string, true> {
  if (!unread[sessionId]) return unread;
  const rest = { ...unread };
  delete rest[sessionId];
  return rest;
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
      notifications: boolean;
      idleReleaseSecs: number | null;
    }
  | { type: "notificationsChanged"; on: boolean }
  | { type: "idleReleaseChanged"; secs: number | null }
  | { type: "startupFailed"; error: ErrorPayload }
  | { type: "storageChanged"; storage: StorageHealth }
  | { type: "noticeDismissed"; index: number }
  /** Something the user did that could not be done (a link that was not opened). */
  | { type: "noticeAdded"; notice: string }
  | { type: "loadFailed"; error: ErrorPayload }
  | { type: "sessionsRefreshed"; sessions: SessionInfo[] }
  | { type: "sessionCreated"; session: SessionInfo }
  /** A session renamed (or otherwise changed) by the user. */
  | { type: "sessionChanged"; session: SessionInfo }
  | { type: "sessionDeleted"; sessionId: string }
  /** `restored`: the app reopening the last session, which must not close a panel the user opened. */
  | { type: "selected"; sessionId: string; restored?: boolean }
  /** Something the user would want to see happened in a session they are not looking at. */
  | { type: "unread"; sessionId: string }
  | { type: "newSessionShown"; shown: boolean }
  | { type: "signInShown"; shown: boolean }
  | { type: "accountChanged"; account: AccountState }
  | { type: "promptsLoaded"; prompts: PromptInfo[] }
  /** `focusSeq`: the session was opened at this item (a search result). */
  | { type: "transcript"; transcript: Transcript; focusSeq?: number | null; mark?: boolean }
  /**
   * A session rolled back: its transcript read again from scratch (null: it could not be read
   * yet; the view starts empty), and the prompt offered back.
   */
  | { type: "rolledBack"; sessionId: string; transcript: Transcript | null; prompt: string | null }
  | { type: "dropHover"; over: boolean }
  /** A folder dropped: the New session panel opens with it. */
  | { type: "folderDropped"; path: string }
  /** Images dropped and attached for a session's next message. */
  | { type: "imagesDropped"; sessionId: string; attachments: Attachment[] }
  /** A session's message box took what waited for it. */
  | { type: "offerTaken"; sessionId: string; serial: number }
  | { type: "olderPage"; page: TranscriptPage }
  | { type: "newerPage"; page: TranscriptPage }
  | { type: "searchChanged"; query: SearchQuery; days?: number | null }
  | { type: "searchResults"; serial: number; results: SearchResults }
  | { type: "searchFailed"; serial: number; error: ErrorPayload }
  | { type: "searchShown"; shown: boolean }
  /** Shows the trail for `query` from its newest entries (null hides it). */
  | { type: "auditShown"; query: AuditQuery | null }
  /** `more`: an older page to add below what is shown. */
  | { type: "auditPage"; serial: number; page: AuditPage; more: boolean }
  | { type: "auditFailed"; serial: number; error: ErrorPayload }
  | { type: "auditLoading" }
  | { type: "wholeItem"; sessionId: string; item: StoredItem }
  | { type: "batch"; batch: EventBatch }
  | { type: "actionError"; sessionId: string; error: ErrorPayload | null }
  /** Codex looked for again, or chosen by the user. */
  | { type: "codexChecked"; codex: CodexInfo | null; codexError: ErrorPayload | null };

export const initialAppView: AppView = {
  loading: true,
  loadError: null,
  startupError: null,
  storage: { problem: null, waiting: 0 },
  notices: [],
  notifications: true,
  idleReleaseSecs: 600,
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
  search: emptySearch,
  audit: emptyAudit,
  offers: {},
  offerSerial: 0,
  dropHover: false,
  droppedFolder: null,
  unread: {},
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

function hidden(search: SearchView): SearchView {
  return search.shown ? { ...search, shown: false } : search;
}

export function reduceApp(state: AppView, action: AppAction): AppView {
  const next = reduceAppView(state, action);
  // What the user now sees is read: a session shown again when a panel over it closes too.
  const shown = shownSessionId(next);
  return shown !== null && next.unread[shown] ? { ...next, unread: seen(next.unread, shown) } : next;
}

/** The session whose transcript is on screen (none while a panel is shown instead). */
export function shownSessionId(app: AppView): string | null {
  return app.creating || app.signingIn || app.search.shown || app.audit.shown ? null : app.selectedId;
}

function reduceAppView(state: AppView, action: AppAction): AppView {
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
        notifications: action.notifications,
        idleReleaseSecs: action.idleReleaseSecs,
      };
    case "idleReleaseChanged":
      return { ...state, idleReleaseSecs: action.secs };
    case "notificationsChanged":
      return { ...state, notifications: action.on };
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
        audit: hiddenAudit(state.audit),
        droppedFolder: null,
      };
    case "sessionChanged":
      return { ...state, sessions: state.sessions.map((s) => (s.id === action.session.id ? action.session : s)) };
    case "sessionDeleted": {
      const without = <T,>(record: Record<string, T>) => {
        const rest = { ...record };
        delete rest[action.sessionId];
        return rest;
      };
      return {
        ...state,
        sessions: state.sessions.filter((s) => s.id !== action.sessionId),
        views: without(state.views),
        unread: seen(state.unread, action.sessionId),
        offers: without(state.offers),
        health: without(state.health),
        actionErrors: without(state.actionErrors),
        selectedId: state.selectedId === action.sessionId ? null : state.selectedId,
      };
    }
    case "selected": {
      const unread = seen(state.unread, action.sessionId);
      if (action.restored) return { ...state, selectedId: action.sessionId, unread };
      return {
        ...state,
        unread,
        selectedId: action.sessionId,
        creating: false,
        signingIn: false,
        search: hidden(state.search),
        audit: hiddenAudit(state.audit),
      };
    }
    case "unread":
      return action.sessionId === shownSessionId(state) || state.unread[action.sessionId] ? state : { ...state, unread: { ...state.unread, [action.sessionId]: true } };
    case "newSessionShown":
      return {
        ...state,
        // A folder dropped earlier is not what a new panel starts with.
        droppedFolder: null,
        creating: action.shown,
        signingIn: action.shown ? false : state.signingIn,
        search: action.shown ? hidden(state.search) : state.search,
        audit: action.shown ? hiddenAudit(state.audit) : state.audit,
      };
    case "signInShown":
      return {
        ...state,
        signingIn: action.shown,
        creating: action.shown ? false : state.creating,
        search: action.shown ? hidden(state.search) : state.search,
        audit: action.shown ? hiddenAudit(state.audit) : state.audit,
      };
    case "searchChanged": {
      const empty = action.query.text.trim() === "";
      return {
        ...state,
        search: {
          ...state.search,
          query: action.query,
          days: action.days === undefined ? state.search.days : action.days,
          serial: state.search.serial + 1,
          busy: !empty,
          error: null,
          results: empty ? null : state.search.results,
          shown: !empty,
        },
        creating: empty ? state.creating : false,
        signingIn: empty ? state.signingIn : false,
        audit: empty ? state.audit : hiddenAudit(state.audit),
      };
    }
    case "searchResults":
      if (action.serial !== state.search.serial) return state;
      return { ...state, search: { ...state.search, results: action.results, busy: false, error: null } };
    case "searchFailed":
      if (action.serial !== state.search.serial) return state;
      return { ...state, search: { ...state.search, busy: false, error: action.error } };
    case "searchShown": {
      const shown = action.shown && state.search.query.text.trim() !== "";
      return { ...state, search: { ...state.search, shown }, audit: shown ? hiddenAudit(state.audit) : state.audit };
    }
    case "auditShown":
      if (action.query === null) return { ...state, audit: hiddenAudit(state.audit) };
      return {
        ...state,
        audit: { ...emptyAudit, query: action.query, serial: state.audit.serial + 1, busy: true, shown: true },
        search: hidden(state.search),
        creating: false,
        signingIn: false,
      };
    case "auditLoading":
      return { ...state, audit: { ...state.audit, busy: true, error: null } };
    case "auditPage":
      if (action.serial !== state.audit.serial) return state;
      return {
        ...state,
        audit: {
          ...state.audit,
          entries: action.more ? [...state.audit.entries, ...action.page.entries] : action.page.entries,
          next: action.page.next,
          busy: false,
          error: null,
        },
      };
    case "auditFailed":
      if (action.serial !== state.audit.serial) return state;
      return { ...state, audit: { ...state.audit, busy: false, error: action.error } };
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
      return withView({ ...state, sessions }, id, (view) =>
        reduceSession(view, { type: "transcript", transcript, focusSeq: action.focusSeq ?? null, mark: action.mark }),
      );
    }
    case "rolledBack": {
      const { sessionId: id, transcript, prompt } = action;
      const sessions = transcript ? state.sessions.map((s) => (s.id === id ? transcript.session : s)) : state.sessions;
      // What was shown included the turns now gone: the view starts again from the store.
      const fresh = emptySessionView(id);
      const view = transcript ? reduceSession(fresh, { type: "transcript", transcript }) : fresh;
      const next = { ...state, sessions, views: { ...state.views, [id]: view } };
      return prompt === null ? next : { ...next, ...offered(state, id, prompt, []) };
    }
    case "dropHover":
      return state.dropHover === action.over ? state : { ...state, dropHover: action.over };
    case "folderDropped": {
      const serial = (state.droppedFolder?.serial ?? 0) + 1;
      return {
        ...state,
        dropHover: false,
        droppedFolder: { path: action.path, serial },
        creating: true,
        signingIn: false,
        search: hidden(state.search),
        audit: hiddenAudit(state.audit),
      };
    }
    case "imagesDropped":
      return { ...state, dropHover: false, ...offered(state, action.sessionId, null, action.attachments) };
    case "offerTaken": {
      if (state.offers[action.sessionId]?.serial !== action.serial) return state;
      const offers = { ...state.offers };
      delete offers[action.sessionId];
      return { ...state, offers };
    }
    case "olderPage":
    case "newerPage":
      return withView(state, action.page.sessionId, (view) => reduceSession(view, action));
    case "wholeItem":
      return withView(state, action.sessionId, (view) => reduceSession(view, { type: "wholeItem", item: action.item }));
    case "batch": {
      const { batch } = action;
      const health = { ...state.health, [batch.sessionId]: healthAfter(state.health[batch.sessionId], batch) };
      return withView({ ...state, health }, batch.sessionId, (view) => reduceSessionEvents(view, batch.events));
    }
    case "codexChecked":
      return { ...state, codex: action.codex, codexError: action.codexError };
    case "actionError":
      return { ...state, actionErrors: { ...state.actionErrors, [action.sessionId]: action.error } };
    default:
      return state;
  }
}
