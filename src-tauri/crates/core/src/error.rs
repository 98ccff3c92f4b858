//! The core's one error type. Every message says what happened and what the user can do.

use std::path::PathBuf;

use codex_desk_protocol::{ErrorCode, ErrorPayload};

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("Codex was not found. Install it with `npm i -g @openai/codex`, or choose where it is with “Choose codex…”.")]
    CodexNotFound { searched: Vec<PathBuf> },

    #[error("Codex {found} is too old: Codex Desk needs {required} or newer. Update it with `npm i -g @openai/codex@latest`.")]
    CodexTooOld { found: String, required: String },

    #[error("Codex at {path} could not be run: {reason}")]
    CodexUnusable { path: PathBuf, reason: String },

    #[error("The folder {path} cannot be used as a workspace: {reason}")]
    WorkspaceInvalid { path: PathBuf, reason: String },

    #[error("The folder {path} is gone: it was moved, renamed or deleted. Choose where it is now, and the session goes on there.")]
    WorkspaceMissing { path: PathBuf },

    #[error("Use {path} as the workspace? Codex may change anything in it, and {reason}")]
    WorkspaceNeedsConfirmation { path: PathBuf, reason: String },

    #[error("No session with id {0}. It may have been deleted; pick another session.")]
    SessionNotFound(String),

    #[error("That part of the session is no longer stored (item {0}). Open the session again.")]
    ItemNotFound(i64),

    #[error("A turn is still running in this session. Wait for it to finish or press Stop.")]
    TurnRunning,

    #[error("Codex no longer asks this (the turn ended, or it was answered already).")]
    NotAsked,

    #[error("No turn is running to add this to; send it as a new message.")]
    NothingToSteer,

    #[error("Codex Desk is closing, so codex was not started; open Codex Desk again to continue.")]
    Closing,

    #[error("Your codex configuration {path} could not be read: {reason}. Fix the file, or move it away, and try again.")]
    UserConfig { path: PathBuf, reason: String },

    #[error("Codex stopped responding ({0}). Send your message again to restart it.")]
    CodexGone(String),

    #[error("Codex refused to start: {words}{}", location.as_ref().map(|l| format!(" This is in your codex config ({l}); fix it there and send your message again.")).unwrap_or_else(|| " Fix it and send your message again; the session's log has the rest.".into()))]
    CodexRefused {
        words: String,
        location: Option<crate::sessions::UserLocation>,
    },

    #[error("Codex did not answer `{method}` within {secs} s. Send your message again; if it keeps happening, check the session log.")]
    Timeout { method: String, secs: u64 },

    #[error("Codex refused `{method}`: {message}")]
    Rpc {
        method: String,
        code: i64,
        message: String,
    },

    #[error("The session database failed: {0}. If the disk is full or read-only, free space and restart Codex Desk.")]
    Store(#[from] rusqlite::Error),

    #[error("Codex Desk cannot use its data folder {path}: {reason}. Move whatever is there aside, or set CODEX_DESK_DATA_DIR to another folder, then start Codex Desk again.")]
    DataDir { path: PathBuf, reason: String },

    #[error("Another Codex Desk{} is already using the data folder {data_dir}. Switch to its window, or quit it first.", pid.map(|p| format!(" (process {p})")).unwrap_or_default())]
    AlreadyRunning { data_dir: PathBuf, pid: Option<u32> },

    #[error("The session database {path} cannot be used: {reason}.")]
    Database { path: PathBuf, reason: String },

    /// Saving fails (disk full, read-only): a new session could not be kept, so none starts.
    #[error("A new session cannot start while saving does not work. {0}")]
    NotSaving(String),

    #[error("The session database {path} was written by a newer Codex Desk (its format {found}; this version knows up to {known}). Update Codex Desk, or move the file aside to start with an empty one; it was not changed.")]
    DatabaseTooNew {
        path: PathBuf,
        found: usize,
        known: usize,
    },

    #[error("{0}")]
    Keychain(#[from] crate::secrets::keychain::KeychainError),

    #[error("Sign-in needs port 1455 on this computer, and another program is using it (perhaps a sign-in in another Codex window or terminal). Finish or close that sign-in and try again, or sign in with a device code instead.")]
    LoginPortBusy { detail: String },

    #[error("{0}")]
    Login(String),

    #[error("{host} refused this API key (HTTP {status}). Check that you copied the whole key and that it is still active, then save it again.")]
    ApiKeyRejected { host: String, status: u16 },

    #[error("The API key could not be checked with {host}: {reason}. Save it without checking, or try again when {host} can be reached.")]
    ApiKeyUnchecked { host: String, reason: String },

    #[error("{0}")]
    SignInRequired(String),

    #[error("{0}")]
    Prompt(String),

    #[error("{0}")]
    InvalidInput(String),

    #[error("{path} cannot be imported: {reason}.")]
    NotAnExport { path: PathBuf, reason: String },

    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl CoreError {
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        CoreError::Io {
            context: context.into(),
            source,
        }
    }

    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            CoreError::CodexNotFound { .. } | CoreError::CodexUnusable { .. } => {
                Some(ErrorCode::CodexNotFound)
            }
            CoreError::CodexTooOld { .. } => Some(ErrorCode::CodexTooOld),
            CoreError::WorkspaceInvalid { .. } => Some(ErrorCode::WorkspaceInvalid),
            CoreError::WorkspaceMissing { .. } => Some(ErrorCode::WorkspaceMissing),
            CoreError::WorkspaceNeedsConfirmation { .. } => {
                Some(ErrorCode::WorkspaceNeedsConfirmation)
            }
            CoreError::SessionNotFound(_) => Some(ErrorCode::SessionNotFound),
            CoreError::TurnRunning => Some(ErrorCode::TurnRunning),
            CoreError::NothingToSteer => Some(ErrorCode::NothingToSteer),
            CoreError::Keychain(_) => Some(ErrorCode::KeychainUnavailable),
            CoreError::LoginPortBusy { .. } => Some(ErrorCode::LoginPortBusy),
            CoreError::Login(_) => Some(ErrorCode::LoginFailed),
            CoreError::ApiKeyRejected { .. } => Some(ErrorCode::ApiKeyRejected),
            CoreError::ApiKeyUnchecked { .. } => Some(ErrorCode::ApiKeyUnchecked),
            CoreError::SignInRequired(_) => Some(ErrorCode::SignInRequired),
            _ => None,
        }
    }

    /// Technical detail for "Show details".
    fn detail(&self) -> Option<String> {
        match self {
            CoreError::CodexNotFound { searched } => Some(format!(
                "The environment variable CODEX_DESK_CODEX can name it too. Looked in:\n{}",
                searched
                    .iter()
                    .map(|p| format!("  {}", p.display()))
                    .collect::<Vec<_>>()
                    .join("\n")
            )),
            CoreError::Rpc { code, .. } => Some(format!("JSON-RPC error code {code}")),
            CoreError::LoginPortBusy { detail } => Some(detail.clone()),
            CoreError::Io { source, .. } => Some(format!("{source:?}")),
            _ => None,
        }
    }

    pub fn to_payload(&self) -> ErrorPayload {
        ErrorPayload {
            code: self.code(),
            message: self.to_string(),
            detail: self.detail(),
        }
    }
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;
