// The interface the UI uses to reach the backend. Two implementations: the Tauri one
// (tauri.ts) and an in-memory fake for a plain browser (fake.ts).
import type { Attachment } from "../generated/desk/Attachment";
import type { ModelList } from "../generated/desk/ModelList";
import type { SessionOptions } from "../generated/desk/SessionOptions";
import type { ApprovalChoice } from "../generated/desk/ApprovalChoice";
import type { AccountState } from "../generated/desk/AccountState";
import type { AppState } from "../generated/desk/AppState";
import type { AuditFormat } from "../generated/desk/AuditFormat";
import type { AuditPage } from "../generated/desk/AuditPage";
import type { AuditQuery } from "../generated/desk/AuditQuery";
import type { Exported } from "../generated/desk/Exported";
import type { CodexInfo } from "../generated/desk/CodexInfo";
import type { GitState } from "../generated/desk/GitState";
import type { SessionFormat } from "../generated/desk/SessionFormat";
import type { EventBatch } from "../generated/desk/EventBatch";
import type { ErrorPayload } from "../generated/desk/ErrorPayload";
import type { PromptInfo } from "../generated/desk/PromptInfo";
import type { StorageHealth } from "../generated/desk/StorageHealth";
import type { SessionInfo } from "../generated/desk/SessionInfo";
import type { RolledBack } from "../generated/desk/RolledBack";
import type { TerminalThread } from "../generated/desk/TerminalThread";
import type { DroppedPath } from "../generated/desk/DroppedPath";
import type { SearchQuery } from "../generated/desk/SearchQuery";
import type { SearchResults } from "../generated/desk/SearchResults";
import type { StoredItem } from "../generated/desk/StoredItem";
import type { Transcript } from "../generated/desk/Transcript";
import type { TranscriptPage } from "../generated/desk/TranscriptPage";

/** Files dragged over the window ("over"), dropped ("drop"), or taken away ("leave"). */
export interface FileDrop {
  type: "over" | "drop" | "leave";
  paths: string[];
}

export interface Backend {
  /** "tauri" or "fake": the status bar says when the UI runs against the demo backend. */
  readonly kind: "tauri" | "fake";
  /** Why the app could not start (data folder, database), or null when it did. */
  startupProblem(): Promise<ErrorPayload | null>;
  /** Opens the app's data folder in the system file manager. */
  openDataFolder(): Promise<void>;
  /** Opens the app's log folder in the system file manager. */
  openLogsFolder(): Promise<void>;
  /** Opens a link from the transcript in the system browser (web and mail links only). */
  openLink(url: string): Promise<void>;
  /** Calls `listener` when saving to the database stops and when it recovers. */
  onStorageChanged(listener: (health: StorageHealth) => void): Promise<() => void>;
  appState(): Promise<AppState>;
  /** `confirmed` accepts a folder that needs the user's yes (home, ~/.codex). */
  createSession(workspace: string, confirmed?: boolean): Promise<SessionInfo>;
  /** Points a session at its folder's new place. */
  relocateSession(sessionId: string, workspace: string, confirmed?: boolean): Promise<SessionInfo>;
  /** Gives a session a name of the user's; resolves to the session as it is now. */
  renameSession(sessionId: string, title: string): Promise<SessionInfo>;
  /** Deletes a session: its transcript and its folder in the app's data, never its workspace. */
  deleteSession(sessionId: string): Promise<void>;
  /** `reload` says why the window asks again (it missed live updates). */
  openSession(sessionId: string, reload?: string): Promise<Transcript>;
  /** The page of stored items before `beforeSeq` (scrolling up). */
  olderItems(sessionId: string, beforeSeq: number): Promise<TranscriptPage>;
  /** The session opened at one of its items (a search result): the stored items around it. */
  openSessionAt(sessionId: string, seq: number): Promise<Transcript>;
  /** The page of stored items after `afterSeq` (scrolling down from an item opened in the middle). */
  newerItems(sessionId: string, afterSeq: number): Promise<TranscriptPage>;
  /** Items of every session matching the query, best first, with the matched words marked. */
  search(query: SearchQuery): Promise<SearchResults>;
  /** The newest commands and file changes matching the query; `before` is the last page's `next`. */
  audit(query: AuditQuery, before: string | null): Promise<AuditPage>;
  /** Asks where to save (the app's own dialog), then writes the audit trail; null when the user cancels. */
  exportAudit(query: AuditQuery, format: AuditFormat): Promise<Exported | null>;
  /** Asks where to save, then writes the session as Markdown or JSON; null when the user cancels. */
  exportSession(sessionId: string, format: SessionFormat): Promise<Exported | null>;
  /** Asks for a session exported as JSON and imports it as a new session; null when the user cancels. */
  importSession(): Promise<SessionInfo | null>;
  /** One stored item whole ("Show all" on a card the store sent cut). */
  wholeItem(sessionId: string, seq: number): Promise<StoredItem>;
  /** Writes one stored item whole to a file and opens it in the user's text editor (too long for the window). */
  openItemFile(sessionId: string, turnId: string, itemId: string): Promise<void>;
  /** Starts the live stream of a session. Call before openSession so nothing is missed. */
  subscribe(sessionId: string, onBatch: (batch: EventBatch) => void): Promise<void>;
  sendPrompt(sessionId: string, text: string): Promise<void>;
  interrupt(sessionId: string): Promise<void>;
  /** The git state of the session's folder (branch, distance from upstream, changed files). */
  gitState(sessionId: string, confirmed: boolean): Promise<GitState>;
  /** Sends a message with images kept by attachImage / attachImageFile. */
  sendMessage(sessionId: string, text: string, images: string[]): Promise<void>;
  /** Keeps a pasted image for the session's next message. */
  attachImage(sessionId: string, name: string, bytes: Uint8Array): Promise<Attachment>;
  /** Keeps an image file for the session's next message. */
  attachImageFile(sessionId: string, path: string): Promise<Attachment>;
  /** Sets (value) or removes (null) a session's environment variable; resolves to its options. */
  setSessionEnv(sessionId: string, name: string, value: string | null): Promise<SessionOptions>;
  /** Deletes the copy of an image taken off the next message before it was sent. */
  discardAttachment(sessionId: string, path: string): Promise<void>;
  /** Asks the user for an image file; null when they cancel. */
  pickImage(): Promise<string | null>;
  /** Archives a session (out of the list, nothing deleted) or brings it back. */
  archiveSession(sessionId: string, archived: boolean): Promise<SessionInfo>;
  /** Forks a session through a turn (the latest when null) into a new session. */
  forkSession(sessionId: string, throughTurn: string | null): Promise<SessionInfo>;
  /** Removes turn `fromTurn` and every later turn from a session (codex forgets them too). */
  rollBack(sessionId: string, fromTurn: string): Promise<RolledBack>;
  /** The user's own codex sessions (from their terminal), newest first. */
  terminalThreads(): Promise<TerminalThread[]>;
  /** A session continuing the user's codex thread (a new one, or the one that already does). */
  continueTerminalThread(threadId: string, confirmed: boolean): Promise<SessionInfo>;
  /** Follows files dragged over and dropped on the window; resolves to the way to stop. */
  onDrop(listener: (drop: FileDrop) => void): Promise<() => void>;
  /** What each dropped path is (a folder, an image, something else). */
  classifyDropped(paths: string[]): Promise<DroppedPath[]>;
  /** Asks the OS to show a notification. */
  notify(title: string, body: string): Promise<void>;
  /** Turns OS notifications on or off (remembered). */
  setNotifications(on: boolean): Promise<void>;
  /** Sets how long a session's codex may sit idle before it is released (null: never); remembered. */
  setIdleRelease(secs: number | null): Promise<void>;
  /** Sets the window's title (the OS shows it in the task bar and window switcher). */
  setWindowTitle(title: string): Promise<void>;
  /** Adds text to the running turn (codex reads it at its next step). */
  steer(sessionId: string, text: string): Promise<void>;
  /** Queues a follow-up sent when the running turn completes. */
  queuePrompt(sessionId: string, text: string): Promise<void>;
  /** Removes a queued follow-up. */
  unqueue(sessionId: string, queuedId: string): Promise<void>;
  /** Sends a queued follow-up now (after a turn that did not complete the queue waits). */
  sendQueuedNow(sessionId: string, queuedId: string): Promise<void>;
  /** Changes a session's options (from its next turn); resolves to them as stored. */
  setSessionOptions(sessionId: string, options: SessionOptions): Promise<SessionOptions>;
  /** The models the session's codex offers (starts codex if needed) and the one it uses. */
  listModels(sessionId: string): Promise<ModelList>;
  /** The user's answer to a question codex asked (see ApprovalRequest.choices). */
  answerApproval(sessionId: string, key: string, choice: ApprovalChoice): Promise<void>;
  /** Sends the answers to questions codex asked (question id to answers). */
  answerQuestions(sessionId: string, key: string, answers: Record<string, string[]>): Promise<void>;
  /** Sends the form an MCP server asked for, filled in (field name to value); checked first. */
  answerForm(sessionId: string, key: string, content: Record<string, unknown>): Promise<void>;
  /** Asks the user for a folder; null when they cancel. */
  pickFolder(): Promise<string | null>;
  /** The native file picker, for the codex program; null when cancelled. */
  pickCodex(): Promise<string | null>;
  /** Uses the codex program at `path` from now on, once it proves usable. */
  chooseCodex(path: string): Promise<CodexInfo>;

  // The account. Every call resolves to the new state; changes that happen later (a sign-in
  // completing in the browser) arrive through onAccountChanged.
  /** Asks codex who is signed in (the app state carries what was remembered). */
  confirmAccount(): Promise<AccountState>;
  /** Opens the system browser on codex's sign-in page. */
  signInWithChatGpt(): Promise<AccountState>;
  signInWithDeviceCode(): Promise<AccountState>;
  /** Opens the waiting sign-in page again (the user closed the tab). */
  reopenSignInPage(): Promise<AccountState>;
  cancelSignIn(): Promise<AccountState>;
  /** Checks the key with the provider (unless `check` is false), then keeps it in the keychain. */
  saveApiKey(key: string, check: boolean): Promise<AccountState>;
  signOut(): Promise<AccountState>;
  dismissAccountError(): Promise<AccountState>;
  /** Calls `listener` with every account change; returns a function that stops it. */
  onAccountChanged(listener: (state: AccountState) => void): Promise<() => void>;
  /** The user's custom prompts (`/name` in the composer). */
  listPrompts(): Promise<PromptInfo[]>;
}

