import { Channel, invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { getCurrentWindow } from "@tauri-apps/api/window";
import { open } from "@tauri-apps/plugin-dialog";
import type { AccountState } from "../generated/desk/AccountState";
import type { AppState } from "../generated/desk/AppState";
import type { AuditPage } from "../generated/desk/AuditPage";
import type { Exported } from "../generated/desk/Exported";
import type { GitState } from "../generated/desk/GitState";
import type { CodexInfo } from "../generated/desk/CodexInfo";
import type { EventBatch } from "../generated/desk/EventBatch";
import type { ErrorPayload } from "../generated/desk/ErrorPayload";
import type { Attachment } from "../generated/desk/Attachment";
import type { ModelList } from "../generated/desk/ModelList";
import type { PromptInfo } from "../generated/desk/PromptInfo";
import type { SessionOptions } from "../generated/desk/SessionOptions";
import type { StorageHealth } from "../generated/desk/StorageHealth";
import type { SessionInfo } from "../generated/desk/SessionInfo";
import type { RolledBack } from "../generated/desk/RolledBack";
import type { TerminalThread } from "../generated/desk/TerminalThread";
import type { DroppedPath } from "../generated/desk/DroppedPath";
import type { SearchResults } from "../generated/desk/SearchResults";
import type { StoredItem } from "../generated/desk/StoredItem";
import type { Transcript } from "../generated/desk/Transcript";
import type { TranscriptPage } from "../generated/desk/TranscriptPage";
import type { Backend } from "./api";
import { normalized } from "./errors";

const account = (command: string, args?: Record<string, unknown>) => normalized(invoke<AccountState>(command, args));

/** The real backend: Tauri commands of the Rust app. */
export function createTauriBackend(): Backend {
  return {
    kind: "tauri",
    startupProblem: () => normalized(invoke<ErrorPayload | null>("startup_problem")),
    openDataFolder: () => normalized(invoke<void>("open_data_folder")),
    openLogsFolder: () => normalized(invoke<void>("open_logs_folder")),
    openLink: (url) => normalized(invoke<void>("open_link", { url })),
    onStorageChanged: (listener) => listen<StorageHealth>("storage-changed", (event) => listener(event.payload)),
    appState: () => normalized(invoke<AppState>("app_state")),
    createSession: (workspace, confirmed) =>
      normalized(invoke<SessionInfo>("create_session", { workspace, confirmed: confirmed ?? false })),
    relocateSession: (sessionId, workspace, confirmed) =>
      normalized(invoke<SessionInfo>("relocate_session", { sessionId, workspace, confirmed: confirmed ?? false })),
    renameSession: (sessionId, title) => normalized(invoke<SessionInfo>("rename_session", { sessionId, title })),
    deleteSession: (sessionId) => normalized(invoke<void>("delete_session", { sessionId })),
    openSession: (sessionId, reload) => normalized(invoke<Transcript>("open_session", { sessionId, reload: reload ?? null })),
    olderItems: (sessionId, beforeSeq) => normalized(invoke<TranscriptPage>("older_items", { sessionId, beforeSeq })),
    openSessionAt: (sessionId, seq) => normalized(invoke<Transcript>("open_session_at", { sessionId, seq })),
    newerItems: (sessionId, afterSeq) => normalized(invoke<TranscriptPage>("newer_items", { sessionId, afterSeq })),
    search: (query) => normalized(invoke<SearchResults>("search", { query })),
    audit: (query, before) => normalized(invoke<AuditPage>("audit", { query, before })),
    exportAudit: (query, format) => normalized(invoke<Exported | null>("export_audit", { query, format })),
    exportSession: (sessionId, format) => normalized(invoke<Exported | null>("export_session", { sessionId, format })),
    importSession: () => normalized(invoke<SessionInfo | null>("import_session")),
    wholeItem: (sessionId, seq) => normalized(invoke<StoredItem>("whole_item", { sessionId, seq })),
    openItemFile: (sessionId, turnId, itemId) => normalized(invoke<void>("open_item_file", { sessionId, turnId, itemId })),
    subscribe: (sessionId, onBatch) => {
      const channel = new Channel<EventBatch>();
      channel.onmessage = onBatch;
      return normalized(invoke<void>("subscribe", { sessionId, onBatch: channel }));
    },
    sendPrompt: (sessionId, text) => normalized(invoke<void>("send_prompt", { sessionId, text })),
    interrupt: (sessionId) => normalized(invoke<void>("interrupt", { sessionId })),
    gitState: (sessionId, confirmed) => normalized(invoke<GitState>("git_state", { sessionId, confirmed })),
    steer: (sessionId, text) => normalized(invoke<void>("steer", { sessionId, text })),
    queuePrompt: (sessionId, text) => normalized(invoke<void>("queue_prompt", { sessionId, text })),
    unqueue: (sessionId, queuedId) => normalized(invoke<void>("unqueue", { sessionId, queuedId })),
    sendMessage: (sessionId, text, images) => normalized(invoke<void>("send_message", { sessionId, text, images })),
    attachImage: (sessionId, name, bytes) =>
      normalized(invoke<Attachment>("attach_image", bytes, { headers: { "x-session-id": sessionId, "x-name": encodeURIComponent(name) } })),
    attachImageFile: (sessionId, path) => normalized(invoke<Attachment>("attach_image_file", { sessionId, path })),
    pickImage: async () => {
      const picked = await normalized(
        open({ multiple: false, filters: [{ name: "Images", extensions: ["png", "jpg", "jpeg", "gif", "webp"] }] }),
      );
      return typeof picked === "string" ? picked : null;
    },
    setSessionEnv: (sessionId, name, value) => normalized(invoke<SessionOptions>("set_session_env", { sessionId, name, value })),
    discardAttachment: (sessionId, path) => normalized(invoke<void>("discard_attachment", { sessionId, path })),
    archiveSession: (sessionId, archived) => normalized(invoke<SessionInfo>("archive_session", { sessionId, archived })),
    forkSession: (sessionId, throughTurn) => normalized(invoke<SessionInfo>("fork_session", { sessionId, throughTurn })),
    rollBack: (sessionId, fromTurn) => normalized(invoke<RolledBack>("roll_back", { sessionId, fromTurn })),
    terminalThreads: () => normalized(invoke<TerminalThread[]>("terminal_threads")),
    continueTerminalThread: (threadId, confirmed) => normalized(invoke<SessionInfo>("continue_terminal_thread", { threadId, confirmed })),
    onDrop: (listener) =>
      getCurrentWebview().onDragDropEvent((event) => {
        const drop = event.payload;
        if (drop.type === "drop") listener({ type: "drop", paths: drop.paths });
        else if (drop.type === "leave") listener({ type: "leave", paths: [] });
        else listener({ type: "over", paths: "paths" in drop ? drop.paths : [] });
      }),
    classifyDropped: (paths) => normalized(invoke<DroppedPath[]>("classify_dropped", { paths })),
    notify: (title, body) => normalized(invoke<void>("notify", { title, body })),
    setNotifications: (on) => normalized(invoke<void>("set_notifications", { on })),
    setIdleRelease: (secs) => normalized(invoke<void>("set_idle_release", { secs })),
    sendQueuedNow: (sessionId, queuedId) => normalized(invoke<void>("send_queued_now", { sessionId, queuedId })),
    setSessionOptions: (sessionId, options) => normalized(invoke<SessionOptions>("set_session_options", { sessionId, options })),
    listModels: (sessionId) => normalized(invoke<ModelList>("list_models", { sessionId })),
    setWindowTitle: (title) => normalized(getCurrentWindow().setTitle(title)),
    answerApproval: (sessionId, key, choice) => normalized(invoke<void>("answer_approval", { sessionId, key, choice })),
    answerQuestions: (sessionId, key, answers) => normalized(invoke<void>("answer_questions", { sessionId, key, answers })),
    answerForm: (sessionId, key, content) => normalized(invoke<void>("answer_form", { sessionId, key, content })),
    pickFolder: async () => {
      const picked = await normalized(open({ directory: true, multiple: false }));
      return typeof picked === "string" ? picked : null;
    },
    pickCodex: async () => {
      const picked = await normalized(open({ directory: false, multiple: false, title: "Choose the codex program" }));
      return typeof picked === "string" ? picked : null;
    },
    chooseCodex: (path) => normalized(invoke<CodexInfo>("choose_codex", { path })),
    confirmAccount: () => account("confirm_account"),
    signInWithChatGpt: () => account("sign_in_chatgpt"),
    signInWithDeviceCode: () => account("sign_in_device_code"),
    reopenSignInPage: () => account("reopen_sign_in_page"),
    cancelSignIn: () => account("cancel_sign_in"),
    saveApiKey: (key, check) => account("save_api_key", { key, check }),
    signOut: () => account("sign_out"),
    dismissAccountError: () => account("dismiss_account_error"),
    onAccountChanged: (listener) => listen<AccountState>("account-changed", (event) => listener(event.payload)),
    listPrompts: () => normalized(invoke<PromptInfo[]>("list_prompts")),
  };
}
