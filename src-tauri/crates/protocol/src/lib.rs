//! Plain data types that cross the boundary between the Rust core and the web UI.
//!
//! Every type here derives `ts_rs::TS`; `cargo run -p codex-desk-protocol --bin export-ts`
//! writes them to `ui/src/generated/desk/`, and a test fails when the checked-in copy drifts.
//! Codex's own protocol types come from `codex app-server generate-ts` (in
//! `ui/src/generated/codex/`); fields that carry codex payloads point at those types.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

mod account;
mod approvals;
mod audit;
mod export;
mod options;
mod search;
mod workspace;
pub use account::{AccountAuth, AccountState, LoginProgress, PromptInfo, ProviderInfo};
pub use approvals::{
    ApprovalChoice, ApprovalKind, ApprovalOutcome, ApprovalRequest, Elicitation, ElicitationAsk,
    FieldInput, FieldOption, FormField, NetworkAsk, PermissionAsk, QuestionOption, UserQuestion,
};
pub use audit::{
    AuditApproval, AuditEntry, AuditFormat, AuditKind, AuditPage, AuditQuery, Exported,
    SessionFormat,
};
pub use export::export_all;
pub use options::{
    ApprovalMode, EffortChoice, ModelChoice, ModelList, SandboxMode, SessionOptions, WebSearch,
};
pub use search::{SearchHit, SearchQuery, SearchResults, SnippetPart};
pub use workspace::{GitChange, GitFile, GitState};

/// Where a session is in its life, as the session list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SessionStatus {
    /// No turn is running; the codex process may or may not be alive.
    Idle,
    /// Codex is being started (spawn, handshake, thread start or resume).
    Starting,
    /// A turn is in progress.
    Running,
    /// The last turn failed (model error, codex error); the session can take another prompt.
    Failed,
    /// The codex process ended unexpectedly; the next prompt restarts it and resumes the thread.
    Crashed,
    /// Codex Desk itself ended (quit, killed, crashed) while a turn ran; what codex had done is
    /// kept and the next prompt continues the thread.
    Interrupted,
}

impl SessionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionStatus::Idle => "idle",
            SessionStatus::Starting => "starting",
            SessionStatus::Running => "running",
            SessionStatus::Failed => "failed",
            SessionStatus::Crashed => "crashed",
            SessionStatus::Interrupted => "interrupted",
        }
    }

    /// Parses the stored form; unknown values (from a newer version) read as idle.
    pub fn parse(s: &str) -> Self {
        match s {
            "starting" => SessionStatus::Starting,
            "running" => SessionStatus::Running,
            "failed" => SessionStatus::Failed,
            "crashed" => SessionStatus::Crashed,
            "interrupted" => SessionStatus::Interrupted,
            _ => SessionStatus::Idle,
        }
    }
}

/// A session as listed in the sidebar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub id: String,
    pub title: String,
    /// The user's folder that codex works in.
    pub workspace: String,
    /// Codex's thread id once the first turn has started; used to resume after a restart.
    pub thread_id: Option<String>,
    pub status: SessionStatus,
    /// What went wrong last, when `status` is failed or crashed.
    pub last_error: Option<String>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds.
    pub updated_at: i64,
    /// When the user archived it (Unix milliseconds): out of the list until unarchived.
    #[serde(default)]
    #[ts(optional)]
    pub archived_at: Option<i64>,
}

/// One turn (a prompt and the work codex did for it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TurnInfo {
    pub id: String,
    /// Codex's turn status: "inProgress", "completed", "interrupted" or "failed".
    pub status: String,
    pub error: Option<String>,
    /// Unix milliseconds.
    pub started_at: i64,
    /// Unix milliseconds.
    pub completed_at: Option<i64>,
    /// The tokens it used, as codex last counted them (none before codex counted any, and in
    /// sessions stored before this was kept).
    #[serde(default)]
    pub usage: Option<TurnUsage>,
    /// Which codex process ran it (what codex keeps in memory holds within one), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub codex_run: Option<String>,
}

/// Tokens codex counted, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TokenCounts {
    pub total: i64,
    pub input: i64,
    /// Of `input`, what the model read from its cache.
    pub cached_input: i64,
    pub output: i64,
    /// Of `output`, the model's reasoning.
    pub reasoning_output: i64,
}

/// What a turn used: its own tokens, the session's up to its end, and how full the model's
/// context was then.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TurnUsage {
    pub turn: TokenCounts,
    pub session: TokenCounts,
    /// Tokens in the model's context at the turn's last request.
    pub context_tokens: i64,
    /// The model's context window, when codex knows it.
    pub context_window: Option<i64>,
}

/// A completed codex item as stored in SQLite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StoredItem {
    pub turn_id: String,
    /// Position in the session, increasing.
    pub seq: i64,
    #[ts(type = "import(\"../codex/v2/ThreadItem\").ThreadItem")]
    pub item: serde_json::Value,
    /// What the user answered when codex asked about this item (a command, a change to files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub decision: Option<ApprovalChoice>,
}

/// What opening a session shows at once: its newest page of items, with their turns. Older
/// items come in pages of their own ([`TranscriptPage`]) as the user scrolls up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Transcript {
    pub session: SessionInfo,
    /// The turns of these items, and every turn after the oldest of them.
    pub turns: Vec<TurnInfo>,
    /// The newest items, in order (`seq` increasing).
    pub items: Vec<StoredItem>,
    /// Whether the session has items older than these.
    pub has_older: bool,
    /// Whether the session has items newer than these (opened at an item, not at its end).
    pub has_newer: bool,
    /// Questions codex is waiting on the user for, oldest first.
    pub approvals: Vec<ApprovalRequest>,
    /// Follow-ups waiting for the running turn to end, in the order they will be sent.
    pub queued: Vec<QueuedPrompt>,
    /// The queued follow-ups wait for the user: the last turn did not complete.
    pub queue_held: bool,
    /// The session's options (model, effort, sandbox, approvals).
    pub options: SessionOptions,
}

/// Items of a session before or after those already shown, in order (`seq` increasing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TranscriptPage {
    pub session_id: String,
    pub turns: Vec<TurnInfo>,
    pub items: Vec<StoredItem>,
    /// Whether the session has items older than these (a page read backwards).
    pub has_older: bool,
    /// Whether the session has items newer than these (a page read forwards).
    pub has_newer: bool,
}

/// One message of a session's live stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum SessionEvent {
    /// A codex notification, unchanged except that consecutive deltas of one item are merged.
    Codex {
        #[ts(type = "import(\"../codex/ServerNotification\").ServerNotification")]
        notification: serde_json::Value,
    },
    /// The session's own status changed (starting, running, crashed, ...).
    Status {
        status: SessionStatus,
        message: Option<String>,
        #[serde(rename = "threadId")]
        thread_id: Option<String>,
    },
    /// The user's prompt was accepted for a new turn (shown before codex echoes it).
    PromptAccepted { text: String },
    /// Codex refused to start a turn with the prompt just accepted (an option it rejects, a
    /// message too long): that prompt is not in the session; the window takes it back out.
    PromptRefused { text: String },
    /// What a turn has used so far (codex counts after each request to the model).
    #[serde(rename_all = "camelCase")]
    TurnUsage { turn_id: String, usage: TurnUsage },
    /// Codex asked something this version answers by itself with the safe default.
    AutoAnswered { method: String, summary: String },
    /// The model refused the session's credentials and they could not be renewed: the user has
    /// to sign in (again). `message` says why.
    #[serde(rename_all = "camelCase")]
    SignInRequired {
        turn_id: Option<String>,
        message: String,
    },
    /// Something about the user's codex setup the session could not carry over as it is (a
    /// conflicting secret variable, a setting the app manages itself).
    SetupWarning { message: String },
    /// The session's folder disappeared (moved, renamed, deleted) while the session lives.
    WorkspaceMissing { path: String },
    /// The session now works in another folder (the user pointed it there).
    WorkspaceMoved { path: String },
    /// Codex waits for the user to answer a question (approve a command, a change to files).
    ApprovalRequested { request: ApprovalRequest },
    /// A question was answered, or is no longer asked.
    ApprovalResolved {
        key: String,
        outcome: ApprovalOutcome,
    },
    /// The follow-ups waiting for the running turn to end changed (queued, sent, removed).
    QueueChanged {
        queued: Vec<QueuedPrompt>,
        /// They wait for the user (the last turn did not complete) instead of going by themselves.
        held: bool,
    },
    /// The session's options changed (they apply from the next turn).
    OptionsChanged { options: SessionOptions },
}

/// An image the user attached to their next message, kept in the session's folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    /// Where the copy is (sent to codex as a local image).
    pub path: String,
    /// The name the user knows it by.
    pub name: String,
    pub bytes: u64,
}

/// What a path dropped on the window is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum DroppedKind {
    /// A folder: a session can work there.
    Folder,
    /// An image file (by its name; its bytes are checked when it is attached).
    Image,
    /// Anything else, or gone.
    Other,
}

/// A path dropped on the window, and what it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DroppedPath {
    pub path: String,
    pub kind: DroppedKind,
}

/// A codex session the user ran in a terminal (their own codex home), to continue here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TerminalThread {
    /// Codex's thread id (what `codex resume` takes).
    pub id: String,
    /// The first thing the user asked (empty when it was not found).
    pub title: String,
    /// The folder codex worked in.
    pub folder: String,
    /// When it last changed (Unix milliseconds).
    pub updated_at: i64,
    /// The session here that continues it, if there is one.
    pub session_id: Option<String>,
}

/// What rolling a session back did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RolledBack {
    /// The session as it is now (on the codex thread without the removed turns).
    pub session: SessionInfo,
    /// How many turns left the conversation.
    pub removed_turns: u32,
    /// What the user typed in the first removed turn, to edit and send again.
    pub prompt: Option<String>,
}

/// A follow-up the user queued while a turn ran: it is sent when the turn completes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct QueuedPrompt {
    pub id: String,
    pub text: String,
}

/// A group of session events, in order. `seq` increases by one per batch and session, so the
/// UI can tell when it missed one; `dropped_deltas` says streaming text was shed under load and
/// the items it belonged to will be complete only on `item/completed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EventBatch {
    pub session_id: String,
    pub seq: u64,
    pub events: Vec<SessionEvent>,
    pub dropped_deltas: bool,
    /// When the newest event in the batch was sent on by the session (Unix ms; for a codex
    /// notification, as it was read from codex), so the window's lag behind codex can be
    /// measured. 0 when unknown.
    pub sent_at_ms: i64,
}

/// The codex binary the app found and uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CodexInfo {
    pub path: String,
    pub version: String,
}

/// What the UI needs at start-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppState {
    pub sessions: Vec<SessionInfo>,
    /// The codex binary the sessions use, when one was found.
    pub codex: Option<CodexInfo>,
    /// Why no codex binary can be used (not found, too old), with what to do.
    pub codex_error: Option<ErrorPayload>,
    /// The session the user had open when the app last closed.
    pub last_session_id: Option<String>,
    /// Who is signed in (as last known; `confirmed` says whether codex has confirmed it).
    pub account: AccountState,
    /// Whether the database takes what the app writes.
    pub storage: StorageHealth,
    /// What happened at start-up that the user should know (a damaged database moved aside).
    pub notices: Vec<String>,
    /// Whether the OS is asked to tell the user when a turn ends, fails or waits for them while
    /// the window is in the background.
    pub notifications: bool,
    /// A session's codex is released after this many seconds without a turn or a question
    /// (`None`: never); the next prompt resumes its thread.
    pub idle_release_secs: Option<u64>,
}

/// Whether the database takes what the app writes. While `problem` is set, changes are kept in
/// memory and saved as soon as it can.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StorageHealth {
    /// Why saving stopped, with what to do; `None` when all is saved.
    pub problem: Option<String>,
    /// Changes waiting to be saved.
    pub waiting: u32,
}

/// Error codes the UI branches on. Most errors carry no code, only a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ErrorCode {
    CodexNotFound,
    CodexTooOld,
    WorkspaceInvalid,
    /// The session's folder is gone (moved, renamed, deleted): offer to point it elsewhere.
    WorkspaceMissing,
    /// The folder is usable but risky (home, ~/.codex): ask before using it.
    WorkspaceNeedsConfirmation,
    SessionNotFound,
    TurnRunning,
    /// Steering found no running turn (it just ended): the text can go as a new message.
    NothingToSteer,
    /// The OS keychain cannot be used (no Secret Service, locked, denied).
    KeychainUnavailable,
    /// Codex's sign-in callback port (1455) is taken by another program.
    LoginPortBusy,
    /// The sign-in did not complete (denied, timed out, failed).
    LoginFailed,
    /// The provider refused the API key.
    ApiKeyRejected,
    /// The API key could not be checked (the provider was unreachable); it can be saved unchecked.
    ApiKeyUnchecked,
    /// The model refused the credentials: sign in again.
    SignInRequired,
    /// Codex Desk could not start (data folder, database): the window shows why and what to do.
    StartupFailed,
}

/// An error as the UI receives it: a message the user can act on, the code when the UI needs
/// to branch, the technical detail behind "Show details".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ErrorPayload {
    pub code: Option<ErrorCode>,
    pub message: String,
    pub detail: Option<String>,
}
