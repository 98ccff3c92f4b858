// The app's flows: load, select, create, send, stop. They call the backend and feed the store.
import type { Attachment } from "../generated/desk/Attachment";
import type { GitState } from "../generated/desk/GitState";
import type { ModelList } from "../generated/desk/ModelList";
import type { SessionOptions } from "../generated/desk/SessionOptions";
import type { Backend } from "../backend/api";
import { toErrorPayload } from "../backend/errors";
import type { AccountState } from "../generated/desk/AccountState";
import type { ApprovalChoice } from "../generated/desk/ApprovalChoice";
import type { AuditFormat } from "../generated/desk/AuditFormat";
import type { AuditQuery } from "../generated/desk/AuditQuery";
import type { SessionFormat } from "../generated/desk/SessionFormat";
import type { ErrorPayload } from "../generated/desk/ErrorPayload";
import type { TerminalThread } from "../generated/desk/TerminalThread";
import type { DroppedPath } from "../generated/desk/DroppedPath";
import type { EventBatch } from "../generated/desk/EventBatch";
import type { SearchQuery } from "../generated/desk/SearchQuery";
import type { AppStore } from "./store";
import { perfNote } from "../perf";
import { noticeFor } from "./notifications";

export interface Controller {
  load(): Promise<void>;
  openDataFolder(): Promise<void>;
  openLogsFolder(): Promise<void>;
  /** Opens a web or mail link in the system browser; false (and a notice) when it could not. */
  openLink(url: string): Promise<boolean>;
  dismissNotice(index: number): void;
  select(sessionId: string): Promise<void>;
  showNewSession(shown: boolean): void;
  pickFolder(): Promise<string | null>;
  /** Resolves to the error to show inline, or null on success. */
  createSession(workspace: string, confirmed?: boolean): Promise<ErrorPayload | null>;
  /** Resolves to the error to show, or null when the session moved. */
  relocateSession(sessionId: string, workspace: string, confirmed?: boolean): Promise<ErrorPayload | null>;
  /** Resolves to the error to show at the name, or null when it was renamed. */
  renameSession(sessionId: string, title: string): Promise<ErrorPayload | null>;
  /** Resolves to the error to show, or null when the session is gone. */
  deleteSession(sessionId: string): Promise<ErrorPayload | null>;
  /** Loads the page before the oldest item shown (scrolling up); one request at a time. */
  loadOlder(sessionId: string): Promise<void>;
  /** Loads the page after the newest item shown (scrolling down from an item opened in the middle). */
  loadNewer(sessionId: string): Promise<void>;
  /**
   * Searches every session (results come into the app state); empty text closes the results.
   * `days` (counting today, null for any time) replaces the period it looks back over.
   */
  search(query: SearchQuery, days?: number | null): void;
  /** Shows or hides the results of the current search. */
  showSearch(shown: boolean): void;
  /** Opens a session scrolled to one of its items (a search result). */
  openAt(sessionId: string, seq: number): Promise<void>;
  /** Shows a session from its first item (older pages not loaded yet come at once). */
  openStart(sessionId: string): Promise<void>;
  /** Shows the audit trail for `query` (one session, one folder, or all); null hides it. */
  showAudit(query: AuditQuery | null): Promise<void>;
  /** Adds the next older page of the audit trail. */
  loadMoreAudit(): Promise<void>;
  /** Asks where to save, then writes the trail shown; the outcome is a notice. */
  exportAudit(format: AuditFormat): Promise<void>;
  /** Asks where to save, then writes the session; the outcome is a notice. */
  exportSession(sessionId: string, format: SessionFormat): Promise<void>;
  /** Asks for a session exported as JSON and opens it as a new session. */
  importSession(): Promise<void>;
  /** Replaces a card the store sent cut with the whole item. */
  showWhole(sessionId: string, seq: number): Promise<void>;
  /** Opens a stored item, written whole to a file, in the user's text editor (a failure is a notice). */
  openItemFile(sessionId: string, turnId: string, itemId: string): Promise<void>;
  /** Sends a message (with the images kept for it); false when it was not sent. */
  sendPrompt(sessionId: string, text: string, images?: string[]): Promise<boolean>;
  /** Keeps a pasted image, or one the user picks (when `bytes` is absent), for the next message. */
  attachImage(sessionId: string, image?: { name: string; bytes: Uint8Array }): Promise<Attachment | ErrorPayload | null>;
  /** Sets (value) or removes (null) a session's environment variable; resolves to the error to show, or null. */
  setSessionEnv(sessionId: string, name: string, value: string | null): Promise<ErrorPayload | null>;
  /** Takes an image off the next message (its copy is deleted). */
  discardAttachment(sessionId: string, path: string): void;
  /** Asks codex to stop the running turn; resolves to whether it was asked (else the window says why). */
  interrupt(sessionId: string): Promise<boolean>;
  /** The user picks the codex program (codex was not found, or they want another); resolves
   * to why it cannot be used, or null (used, or nothing picked). */
  chooseCodex(): Promise<ErrorPayload | null>;
  /** The user read the session's last error and put it away. */
  dismissActionError(sessionId: string): void;
  /** Looks for codex again (the user installed it meanwhile). */
  lookForCodex(): Promise<void>;
  /** The git state of the session's folder; one that cannot be read says why. */
  gitState(sessionId: string, confirmed: boolean): Promise<GitState>;
  answerApproval(sessionId: string, key: string, choice: ApprovalChoice): Promise<void>;
  /** Sends the answers to questions codex asked. */
  answerQuestions(sessionId: string, key: string, answers: Record<string, string[]>): Promise<void>;
  /** Sends an MCP server's form, filled in; resolves to what is wrong with it (shown on the
   * card, which stays), or null once sent. */
  answerForm(sessionId: string, key: string, content: Record<string, unknown>): Promise<ErrorPayload | null>;
  /** Adds text to the running turn; if it just ended, queues it (sent at once if nothing waits). */
  steer(sessionId: string, text: string): Promise<boolean>;
  queuePrompt(sessionId: string, text: string): Promise<boolean>;
  unqueue(sessionId: string, queuedId: string): Promise<void>;
  /** Sends a queued follow-up now (the queue waits after a turn that did not complete). */
  sendQueuedNow(sessionId: string, queuedId: string): Promise<void>;
  /** Changes a session's options; resolves to the error to show next to them, or null. */
  setSessionOptions(sessionId: string, options: SessionOptions): Promise<ErrorPayload | null>;
  /** The models to choose from, or the error to show instead. */
  listModels(sessionId: string): Promise<ModelList | ErrorPayload>;
  /** Archives a session or brings it back; resolves to the error to show, or null. */
  archiveSession(sessionId: string, archived: boolean): Promise<ErrorPayload | null>;
  /** Forks a session (through a turn, else the latest) and opens the new one. */
  forkSession(sessionId: string, throughTurn?: string | null): Promise<void>;
  /**
   * Removes a turn and every later one from the session; what the user typed in it goes back
   * into the message box. Resolves to the error to show, or null.
   */
  rollBack(sessionId: string, fromTurn: string): Promise<ErrorPayload | null>;
  /** The user's own codex sessions, or the error to show instead. */
  terminalThreads(): Promise<TerminalThread[] | ErrorPayload>;
  /** Continues a codex session from the terminal here and opens it; resolves to the error to show, or null. */
  continueTerminalThread(threadId: string, confirmed?: boolean): Promise<ErrorPayload | null>;
  /** Follows files dragged onto the window; returns the way to stop. */
  watchDrops(): () => void;
  /** Takes paths dropped on the window: a folder opens New session with it, images go with the open session's next message. */
  dropped(paths: string[]): Promise<void>;
  /** The session's message box took what was offered to it (a rolled-back prompt, dropped images). */
  takeOffer(sessionId: string, serial: number): void;
  /** Turns OS notifications on or off. */
  setNotifications(on: boolean): Promise<void>;
  /** Sets how long a session's codex may sit idle before it is released (null: never). */
  setIdleRelease(secs: number | null): Promise<void>;
  /** Says in the window's title how many sessions wait for the user. */
  showWaiting(sessions: number): void;
  showSignIn(shown: boolean): void;
  signInWithChatGpt(): Promise<void>;
  signInWithDeviceCode(): Promise<void>;
  reopenSignInPage(): Promise<void>;
  cancelSignIn(): Promise<void>;
  /** Resolves to the error to show at the field, or null when the key was kept. */
  saveApiKey(key: string, check: boolean): Promise<ErrorPayload | null>;
  signOut(): Promise<void>;
  dismissAccountError(): Promise<void>;
}

/** A message takes at most this many images (as the core does). */
const MOST_DROPPED_IMAGES = 10;

/** How long typing pauses before the search runs. */
export const SEARCH_DELAY_MS = 120;

/** How long after a gap the transcript is read again (gaps come in bursts under load). */
export const RELOAD_DELAY_MS = 250;

/** Local midnight at the start of the last `days` days (1: today). */
export function startOfDay(days: number, now = new Date()): number {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() - (days - 1)).getTime();
}

/** An event that ends something the user waits to see whole: an item, a turn, a session's run. */
function settles(event: EventBatch["events"][number]): boolean {
  if (event.type === "status" || event.type === "approvalRequested") return true;
  return event.type === "codex" && (event.notification.method === "item/completed" || event.notification.method === "turn/completed");
}

/**
 * `focused` says whether the window has the user's attention (notifications are for when it
 * has not).
 */
export function createController(backend: Backend, store: AppStore, focused: () => boolean = () => typeof document === "undefined" || document.hasFocus()): Controller {
  const subscribed = new Set<string>();
  /** Page reads under way, as "older:<session>" / "newer:<session>" (one of each at a time). */
  const loadingPages = new Set<string>();
  let searchTimer: ReturnType<typeof setTimeout> | null = null;
  const lastSeq = new Map<string, number>();
  /** Actions under way that must not run twice (a double click forks or deletes once), by
   * "<action>:<session>". */
  const underWay = new Set<string>();
  /** An error the window shows as a notice at its top. */
  const notice = (error: unknown) => store.dispatch({ type: "noticeAdded", notice: toErrorPayload(error).message });
  const once = async <T,>(key: string, ignored: T, action: () => Promise<T>): Promise<T> => {
    if (underWay.has(key)) return ignored;
    underWay.add(key);
    try {
      return await action();
    } finally {
      underWay.delete(key);
    }
  };

  const refreshSessions = async () => {
    try {
      const state = await backend.appState();
      store.dispatch({ type: "sessionsRefreshed", sessions: state.sessions });
    } catch {
      // The list stays as it was; a later refresh may work.
    }
  };

  const reloads = new Map<string, ReturnType<typeof setTimeout>>();
  /** Reads the transcript again shortly (once, however many gaps come meanwhile). */
  const scheduleReload = (sessionId: string, why: string) => {
    if (reloads.has(sessionId)) return;
    reloads.set(
      sessionId,
      setTimeout(() => {
        reloads.delete(sessionId);
        backend.openSession(sessionId, why).then(
          (transcript) => store.dispatch({ type: "transcript", transcript }),
          () => {},
        );
      }, RELOAD_DELAY_MS),
    );
  };

  const ensureSubscribed = async (sessionId: string) => {
    if (subscribed.has(sessionId)) return;
    subscribed.add(sessionId);
    try {
      await backend.subscribe(sessionId, (batch) => {
        perfNote("batch", batch.events.length);
        const before = lastSeq.get(batch.sessionId);
        lastSeq.set(batch.sessionId, batch.seq);
        // What completes an answer or a turn shows at once; words in between, with the next frame's worth.
        const settled = batch.events.some(settles);
        if (settled) store.dispatch({ type: "batch", batch });
        else store.dispatchThrottled({ type: "batch", batch });
        // Missed updates: what is stored is exact, so the transcript is read again from the store.
        if (batch.droppedDeltas) scheduleReload(batch.sessionId, "updates were shed under load");
        else if (before !== undefined && batch.seq !== before + 1) {
          scheduleReload(batch.sessionId, `batch ${before + 1} was missed (got ${batch.seq})`);
        }
        const { notifications, sessions } = store.getSnapshot();
        // A turn that ended, failed or waits (always a settling event): worth a mark in the
        // list unless it is on screen (the reducer knows), and in the background a notification.
        // Batches of streamed words skip the look.
        const notice = settled ? noticeFor(batch.events, sessions.find((s) => s.id === batch.sessionId)?.title ?? "") : null;
        if (notice) store.dispatch({ type: "unread", sessionId: batch.sessionId });
        if (notice && notifications && !focused()) backend.notify(notice.title, notice.body).catch(() => {});
        const turnEnded = batch.events.some(
          (e) => e.type === "status" && e.status !== "running" && e.status !== "starting",
        );
        if (turnEnded) void refreshSessions();
      });
    } catch (error) {
      subscribed.delete(sessionId);
      throw error;
    }
  };

  const select = async (sessionId: string, restored = false) => {
    store.dispatch({ type: "selected", sessionId, restored });
    try {
      // Subscribe first so no event between the stored transcript and the stream is lost.
      await ensureSubscribed(sessionId);
      const transcript = await backend.openSession(sessionId);
      store.dispatch({ type: "transcript", transcript });
      store.dispatch({ type: "actionError", sessionId, error: null });
    } catch (error) {
      store.dispatch({ type: "actionError", sessionId, error: toErrorPayload(error) });
    }
  };

  /** Reads the page before the oldest stored item shown, or after the newest. */
  const loadPage = async (sessionId: string, side: "older" | "newer") => {
    const view = store.getSnapshot().views[sessionId];
    const key = `${side}:${sessionId}`;
    const more = side === "older" ? view?.hasOlder : view?.hasNewer;
    const edge = side === "older" ? view?.oldestSeq : view?.newestSeq;
    if (!more || edge === null || edge === undefined || loadingPages.has(key)) return;
    loadingPages.add(key);
    try {
      if (side === "older") store.dispatch({ type: "olderPage", page: await backend.olderItems(sessionId, edge) });
      else store.dispatch({ type: "newerPage", page: await backend.newerItems(sessionId, edge) });
    } catch (error) {
      store.dispatch({ type: "actionError", sessionId, error: toErrorPayload(error) });
    } finally {
      loadingPages.delete(key);
    }
  };

  const accountChanged = (account: AccountState) => store.dispatch({ type: "accountChanged", account });

  /** Runs an account call; its failure is already in the account state the backend reports. */
  const accountCall = async (call: () => Promise<AccountState>) => {
    try {
      accountChanged(await call());
    } catch (error) {
      const account = store.getSnapshot().account;
      if (account) accountChanged({ ...account, error: toErrorPayload(error) });
    }
  };

  const controller: Controller = {
    async load() {
      try {
        const problem = await backend.startupProblem();
        if (problem) {
          store.dispatch({ type: "startupFailed", error: problem });
          return;
        }
        await backend.onAccountChanged(accountChanged);
        await backend.onStorageChanged((storage) => store.dispatch({ type: "storageChanged", storage }));
        const state = await backend.appState();
        const last = state.lastSessionId && state.sessions.some((s) => s.id === state.lastSessionId) ? state.lastSessionId : null;
        store.dispatch({
          type: "loaded",
          sessions: state.sessions,
          codex: state.codex,
          codexError: state.codexError,
          selectedId: null,
          account: state.account,
          storage: state.storage,
          notices: state.notices,
          notifications: state.notifications,
          idleReleaseSecs: state.idleReleaseSecs,
        });
        // Codex confirms the remembered account in the background; the window does not wait.
        if (state.codex && !state.account.confirmed) void backend.confirmAccount().then(accountChanged, () => {});
        void backend.listPrompts().then((prompts) => store.dispatch({ type: "promptsLoaded", prompts }), () => {});
        // The last session comes back; a panel the user opened while the app loaded stays open.
        if (last) await select(last, true);
      } catch (error) {
        store.dispatch({ type: "loadFailed", error: toErrorPayload(error) });
      }
    },
    select: (sessionId) => select(sessionId),
    // A folder the file manager cannot show: the window says where it is instead.
    openDataFolder: () => backend.openDataFolder().catch(notice),
    openLogsFolder: () => backend.openLogsFolder().catch(notice),
    openLink: (url) =>
      backend.openLink(url).then(
        () => true,
        (error) => {
          notice(error);
          return false;
        },
      ),
    dismissNotice: (index) => store.dispatch({ type: "noticeDismissed", index }),
    showNewSession: (shown) => store.dispatch({ type: "newSessionShown", shown }),
    pickFolder: () => backend.pickFolder().catch(() => null),
    async relocateSession(sessionId, workspace, confirmed) {
      try {
        const session = await backend.relocateSession(sessionId, workspace, confirmed);
        store.dispatch({ type: "sessionsRefreshed", sessions: store.getSnapshot().sessions.map((s) => (s.id === session.id ? session : s)) });
        store.dispatch({ type: "actionError", sessionId, error: null });
        return null;
      } catch (error) {
        return toErrorPayload(error);
      }
    },
    async renameSession(sessionId, title) {
      try {
        store.dispatch({ type: "sessionChanged", session: await backend.renameSession(sessionId, title) });
        return null;
      } catch (error) {
        return toErrorPayload(error);
      }
    },
    deleteSession(sessionId) {
      return once(`delete:${sessionId}`, null, async () => {
        try {
          await backend.deleteSession(sessionId);
          store.dispatch({ type: "sessionDeleted", sessionId });
          return null;
        } catch (error) {
          return toErrorPayload(error);
        }
      });
    },
    async createSession(workspace, confirmed) {
      try {
        const session = await backend.createSession(workspace.trim(), confirmed);
        store.dispatch({ type: "sessionCreated", session });
        await select(session.id);
        return null;
      } catch (error) {
        return toErrorPayload(error);
      }
    },
    loadOlder: (sessionId) => loadPage(sessionId, "older"),
    loadNewer: (sessionId) => loadPage(sessionId, "newer"),
    search(typed, days) {
      // A period starts at a local midnight, worked out now: today means since this midnight.
      const period = days === undefined ? store.getSnapshot().search.days : days;
      const query = { ...typed, since: period === null ? null : startOfDay(period) };
      store.dispatch({ type: "searchChanged", query, days: period });
      if (searchTimer !== null) clearTimeout(searchTimer);
      searchTimer = null;
      if (query.text.trim() === "") return;
      const serial = store.getSnapshot().search.serial;
      searchTimer = setTimeout(() => {
        searchTimer = null;
        backend.search(query).then(
          (results) => store.dispatch({ type: "searchResults", serial, results }),
          (error) => store.dispatch({ type: "searchFailed", serial, error: toErrorPayload(error) }),
        );
      }, SEARCH_DELAY_MS);
    },
    showSearch: (shown) => store.dispatch({ type: "searchShown", shown }),
    async openAt(sessionId, seq) {
      store.dispatch({ type: "selected", sessionId });
      try {
        await ensureSubscribed(sessionId);
        const transcript = await backend.openSessionAt(sessionId, seq);
        store.dispatch({ type: "transcript", transcript, focusSeq: seq });
        store.dispatch({ type: "actionError", sessionId, error: null });
      } catch (error) {
        store.dispatch({ type: "actionError", sessionId, error: toErrorPayload(error) });
      }
    },
    async showAudit(query) {
      store.dispatch({ type: "auditShown", query });
      if (query === null) return;
      const serial = store.getSnapshot().audit.serial;
      try {
        store.dispatch({ type: "auditPage", serial, page: await backend.audit(query, null), more: false });
      } catch (error) {
        store.dispatch({ type: "auditFailed", serial, error: toErrorPayload(error) });
      }
    },
    async loadMoreAudit() {
      const { audit } = store.getSnapshot();
      if (audit.busy || audit.next === null) return;
      store.dispatch({ type: "auditLoading" });
      try {
        const page = await backend.audit(audit.query, audit.next);
        store.dispatch({ type: "auditPage", serial: audit.serial, page, more: true });
      } catch (error) {
        store.dispatch({ type: "auditFailed", serial: audit.serial, error: toErrorPayload(error) });
      }
    },
    async exportAudit(format) {
      try {
        const done = await backend.exportAudit(store.getSnapshot().audit.query, format);
        if (done) {
          const what = done.count === 1 ? "1 action" : `${done.count} actions`;
          store.dispatch({ type: "noticeAdded", notice: `Exported ${what} to ${done.path}.` });
        }
      } catch (error) {
        store.dispatch({ type: "noticeAdded", notice: `The audit trail was not exported: ${toErrorPayload(error).message}` });
      }
    },
    async exportSession(sessionId, format) {
      try {
        const done = await backend.exportSession(sessionId, format);
        if (done) {
          const what = done.count === 1 ? "1 item" : `${done.count} items`;
          store.dispatch({ type: "noticeAdded", notice: `Exported the session (${what}) to ${done.path}.` });
        }
      } catch (error) {
        store.dispatch({ type: "noticeAdded", notice: `The session was not exported: ${toErrorPayload(error).message}` });
      }
    },
    async importSession() {
      try {
        const session = await backend.importSession();
        if (!session) return;
        store.dispatch({ type: "sessionCreated", session });
        store.dispatch({
          type: "noticeAdded",
          notice: `Imported “${session.title}”. Its transcript is here; your next prompt starts a new codex thread in ${session.workspace}.`,
        });
        await select(session.id);
      } catch (error) {
        store.dispatch({ type: "noticeAdded", notice: `Nothing was imported: ${toErrorPayload(error).message}` });
      }
    },
    async openStart(sessionId) {
      try {
        // Around "before the first item": the first page, with newer pages as the user scrolls down.
        const transcript = await backend.openSessionAt(sessionId, 0);
        const first = transcript.items[0]?.seq ?? null;
        store.dispatch({ type: "transcript", transcript, focusSeq: first, mark: false });
        store.dispatch({ type: "actionError", sessionId, error: null });
      } catch (error) {
        store.dispatch({ type: "actionError", sessionId, error: toErrorPayload(error) });
      }
    },
    async showWhole(sessionId, seq) {
      try {
        store.dispatch({ type: "wholeItem", sessionId, item: await backend.wholeItem(sessionId, seq) });
      } catch (error) {
        store.dispatch({ type: "actionError", sessionId, error: toErrorPayload(error) });
      }
    },
    async openItemFile(sessionId, turnId, itemId) {
      try {
        await backend.openItemFile(sessionId, turnId, itemId);
      } catch (error) {
        store.dispatch({ type: "noticeAdded", notice: toErrorPayload(error).message });
      }
    },
    async attachImage(sessionId, image) {
      try {
        if (image) return await backend.attachImage(sessionId, image.name, image.bytes);
        const path = await backend.pickImage();
        return path === null ? null : await backend.attachImageFile(sessionId, path);
      } catch (error) {
        return toErrorPayload(error);
      }
    },
    async setSessionEnv(sessionId, name, value) {
      try {
        await ensureSubscribed(sessionId);
        await backend.setSessionEnv(sessionId, name, value);
        return null;
      } catch (error) {
        return toErrorPayload(error);
      }
    },
    discardAttachment(sessionId, path) {
      backend.discardAttachment(sessionId, path).catch(() => {});
    },
    async sendPrompt(sessionId, text, images = []) {
      try {
        await ensureSubscribed(sessionId);
        if (images.length > 0) await backend.sendMessage(sessionId, text, images);
        else await backend.sendPrompt(sessionId, text);
        store.dispatch({ type: "actionError", sessionId, error: null });
        void refreshSessions();
        return true;
      } catch (error) {
        store.dispatch({ type: "actionError", sessionId, error: toErrorPayload(error) });
        return false;
      }
    },
    async chooseCodex() {
      try {
        const path = await backend.pickCodex();
        if (path === null) return null;
        const codex = await backend.chooseCodex(path);
        store.dispatch({ type: "codexChecked", codex, codexError: null });
        void backend.confirmAccount().then(accountChanged, () => {});
        return null;
      } catch (error) {
        return toErrorPayload(error);
      }
    },
    dismissActionError(sessionId) {
      store.dispatch({ type: "actionError", sessionId, error: null });
    },
    async lookForCodex() {
      try {
        const state = await backend.appState();
        store.dispatch({ type: "codexChecked", codex: state.codex, codexError: state.codexError });
        if (state.codex) void backend.confirmAccount().then(accountChanged, () => {});
      } catch (error) {
        store.dispatch({ type: "codexChecked", codex: null, codexError: toErrorPayload(error) });
      }
    },
    async gitState(sessionId, confirmed) {
      try {
        return await backend.gitState(sessionId, confirmed);
      } catch (error) {
        return { type: "unavailable", reason: toErrorPayload(error).message };
      }
    },
    async interrupt(sessionId) {
      try {
        await backend.interrupt(sessionId);
        return true;
      } catch (error) {
        store.dispatch({ type: "actionError", sessionId, error: toErrorPayload(error) });
        return false;
      }
    },
    archiveSession(sessionId, archived) {
      return once(`archive:${sessionId}`, null, async () => {
        try {
          await backend.archiveSession(sessionId, archived);
          await refreshSessions();
          return null;
        } catch (error) {
          return toErrorPayload(error);
        }
      });
    },
    forkSession(sessionId, throughTurn = null) {
      return once(`fork:${sessionId}`, undefined, async () => {
        try {
          const fork = await backend.forkSession(sessionId, throughTurn);
          await refreshSessions();
          await select(fork.id);
        } catch (error) {
          store.dispatch({ type: "actionError", sessionId, error: toErrorPayload(error) });
        }
      });
    },
    async rollBack(sessionId, fromTurn) {
      let prompt: string | null;
      try {
        prompt = (await backend.rollBack(sessionId, fromTurn)).prompt;
      } catch (error) {
        return toErrorPayload(error);
      }
      try {
        const transcript = await backend.openSession(sessionId, "rolled back");
        store.dispatch({ type: "rolledBack", sessionId, transcript, prompt });
      } catch {
        // Rolled back all the same: the prompt is offered, and the transcript read again soon.
        store.dispatch({ type: "rolledBack", sessionId, transcript: null, prompt });
        scheduleReload(sessionId, "reading the transcript after a rollback failed");
      }
      await refreshSessions();
      return null;
    },
    async terminalThreads() {
      try {
        return await backend.terminalThreads();
      } catch (error) {
        return toErrorPayload(error);
      }
    },
    async continueTerminalThread(threadId, confirmed = false) {
      try {
        const session = await backend.continueTerminalThread(threadId, confirmed);
        await refreshSessions();
        await select(session.id);
        return null;
      } catch (error) {
        return toErrorPayload(error);
      }
    },
    watchDrops() {
      let stop: (() => void) | null = null;
      let stopped = false;
      backend
        .onDrop((drop) => {
          if (drop.type === "drop") void controller.dropped(drop.paths);
          else store.dispatch({ type: "dropHover", over: drop.type === "over" });
        })
        .then(
          (unlisten) => {
            if (stopped) unlisten();
            else stop = unlisten;
          },
          (error) => console.warn("dropping files on the window will not work:", error),
        );
      return () => {
        stopped = true;
        stop?.();
      };
    },
    async dropped(paths) {
      store.dispatch({ type: "dropHover", over: false });
      let found: DroppedPath[];
      try {
        found = await backend.classifyDropped(paths);
      } catch (error) {
        store.dispatch({ type: "noticeAdded", notice: toErrorPayload(error).message });
        return;
      }
      const folders = found.filter((d) => d.kind === "folder");
      const folder = folders[0];
      const images = found.filter((d) => d.kind === "image").slice(0, MOST_DROPPED_IMAGES);
      const tooMany = found.filter((d) => d.kind === "image").length - images.length;
      const others = found.filter((d) => d.kind === "other").map((d) => d.path);
      const state = store.getSnapshot();
      const open = state.creating || state.signingIn || state.search.shown || state.audit.shown ? null : state.selectedId;
      const problems: string[] = [];
      if (folder && (images.length === 0 || open === null)) {
        store.dispatch({ type: "folderDropped", path: folder.path });
        if (folders.length > 1) problems.push(`Only the first folder was taken (${folder.path}): a session works in one folder.`);
        if (images.length > 0) problems.push("The images were not attached: open a session, then drop them on it.");
      } else if (images.length > 0 && open !== null) {
        if (folder) problems.push(`The folder ${folder.path} was left out: drop a folder on its own to start a session there.`);
        if (tooMany > 0) problems.push(`Only the first ${MOST_DROPPED_IMAGES} images were attached: a message takes at most ${MOST_DROPPED_IMAGES}.`);
        const attachments: Attachment[] = [];
        for (const image of images) {
          try {
            attachments.push(await backend.attachImageFile(open, image.path));
          } catch (error) {
            problems.push(`${image.path}: ${toErrorPayload(error).message}`);
          }
        }
        if (attachments.length > 0) store.dispatch({ type: "imagesDropped", sessionId: open, attachments });
      } else if (images.length > 0) {
        problems.push("Open a session to attach images to its next message.");
      }
      if (others.length > 0) {
        problems.push(`Only a folder (to start a session there) or PNG, JPEG, GIF and WebP images (for your next message) can be dropped here, not ${others.join(", ")}.`);
      }
      if (found.length === 0) problems.push("Nothing that was dropped is a file on this computer: drop a folder, or image files.");
      for (const notice of problems) store.dispatch({ type: "noticeAdded", notice });
    },
    takeOffer(sessionId, serial) {
      store.dispatch({ type: "offerTaken", sessionId, serial });
    },
    async setNotifications(on) {
      store.dispatch({ type: "notificationsChanged", on });
      try {
        await backend.setNotifications(on);
      } catch (error) {
        store.dispatch({ type: "notificationsChanged", on: !on });
        store.dispatch({ type: "noticeAdded", notice: toErrorPayload(error).message });
      }
    },
    async setIdleRelease(secs) {
      const before = store.getSnapshot().idleReleaseSecs;
      store.dispatch({ type: "idleReleaseChanged", secs });
      try {
        await backend.setIdleRelease(secs);
      } catch (error) {
        store.dispatch({ type: "idleReleaseChanged", secs: before });
        store.dispatch({ type: "noticeAdded", notice: toErrorPayload(error).message });
      }
    },
    showWaiting(sessions) {
      const title = sessions === 0 ? "Codex Desk" : `Codex Desk — ${sessions === 1 ? "a session waits" : `${sessions} sessions wait`} for you`;
      backend.setWindowTitle(title).catch(() => {});
    },
    async steer(sessionId, text) {
      try {
        await backend.steer(sessionId, text);
        store.dispatch({ type: "actionError", sessionId, error: null });
        return true;
      } catch (error) {
        const payload = toErrorPayload(error);
        // The turn ended meanwhile: what the user meant for now goes next, after anything queued.
        if (payload.code === "nothingToSteer") return controller.queuePrompt(sessionId, text);
        store.dispatch({ type: "actionError", sessionId, error: payload });
        return false;
      }
    },
    async queuePrompt(sessionId, text) {
      try {
        await backend.queuePrompt(sessionId, text);
        store.dispatch({ type: "actionError", sessionId, error: null });
        return true;
      } catch (error) {
        store.dispatch({ type: "actionError", sessionId, error: toErrorPayload(error) });
        return false;
      }
    },
    async unqueue(sessionId, queuedId) {
      try {
        await backend.unqueue(sessionId, queuedId);
      } catch (error) {
        store.dispatch({ type: "actionError", sessionId, error: toErrorPayload(error) });
      }
    },
    async sendQueuedNow(sessionId, queuedId) {
      try {
        await ensureSubscribed(sessionId);
        await backend.sendQueuedNow(sessionId, queuedId);
        store.dispatch({ type: "actionError", sessionId, error: null });
        void refreshSessions();
      } catch (error) {
        store.dispatch({ type: "actionError", sessionId, error: toErrorPayload(error) });
      }
    },
    async setSessionOptions(sessionId, options) {
      try {
        await ensureSubscribed(sessionId);
        await backend.setSessionOptions(sessionId, options);
        return null;
      } catch (error) {
        return toErrorPayload(error);
      }
    },
    async listModels(sessionId) {
      try {
        return await backend.listModels(sessionId);
      } catch (error) {
        return toErrorPayload(error);
      }
    },
    async answerApproval(sessionId, key, choice) {
      try {
        await backend.answerApproval(sessionId, key, choice);
        store.dispatch({ type: "actionError", sessionId, error: null });
      } catch (error) {
        store.dispatch({ type: "actionError", sessionId, error: toErrorPayload(error) });
      }
    },
    async answerQuestions(sessionId, key, answers) {
      try {
        await backend.answerQuestions(sessionId, key, answers);
        store.dispatch({ type: "actionError", sessionId, error: null });
      } catch (error) {
        store.dispatch({ type: "actionError", sessionId, error: toErrorPayload(error) });
      }
    },
    async answerForm(sessionId, key, content) {
      try {
        await backend.answerForm(sessionId, key, content);
        return null;
      } catch (error) {
        return toErrorPayload(error);
      }
    },
    showSignIn: (shown) => store.dispatch({ type: "signInShown", shown }),
    signInWithChatGpt: () => accountCall(backend.signInWithChatGpt),
    signInWithDeviceCode: () => accountCall(backend.signInWithDeviceCode),
    reopenSignInPage: () => accountCall(backend.reopenSignInPage),
    cancelSignIn: () => accountCall(backend.cancelSignIn),
    async saveApiKey(key, check) {
      try {
        accountChanged(await backend.saveApiKey(key, check));
        return null;
      } catch (error) {
        return toErrorPayload(error);
      }
    },
    signOut: () => accountCall(backend.signOut),
    dismissAccountError: () => accountCall(backend.dismissAccountError),
  };
  return controller;
}
