//! The audit trail: every command the agent ran and every file it changed, across sessions,
//! and the formats sessions and trails are exported in.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which actions to list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditQuery {
    /// Only this session.
    pub session: Option<String>,
    /// Only sessions working in this folder.
    pub workspace: Option<String>,
    /// Only actions stored at or after this time (Unix milliseconds).
    pub since: Option<i64>,
    /// Only actions stored before this time (Unix milliseconds).
    pub until: Option<i64>,
}

/// What the agent did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum AuditKind {
    Command,
    FileChange,
}

/// How an action came to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum AuditApproval {
    /// The session's sandbox and approval policy allowed it without asking.
    Policy,
    /// The user ran it themselves (a `!` shell command).
    User,
    /// Codex asked and the user approved it, this once.
    Approved,
    /// Codex asked and the user approved it for the rest of the session (or the same command
    /// again later in that session, which codex then ran without asking).
    ApprovedForSession,
    /// Codex asked and the user allowed every command starting as it proposed, from then on.
    AllowedPrefix,
    /// It was declined, so it did not run.
    Declined,
}

/// One command or one changed file. A file change of several files is one entry per file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// When it was stored (Unix milliseconds).
    pub at: i64,
    pub session_id: String,
    pub session_title: String,
    pub workspace: String,
    pub turn_id: String,
    /// The item's place in its session (open the session there).
    pub seq: i64,
    pub kind: AuditKind,
    /// Codex's status: "completed", "failed", "declined", "inProgress".
    pub status: String,
    pub approval: AuditApproval,
    /// A command: what ran, where, how it ended, how long it took.
    pub command: Option<String>,
    pub cwd: Option<String>,
    pub exit_code: Option<i64>,
    pub duration_ms: Option<i64>,
    /// A file change: the file, "add", "delete" or "update", where it moved, the diff.
    pub path: Option<String>,
    pub change: Option<String>,
    pub move_path: Option<String>,
    pub diff: Option<String>,
}

/// The newest actions first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Pass as `before` for the next (older) page; null when there is none. Opaque: where the
    /// page ended.
    pub next: Option<String>,
}

/// A file format the audit trail is exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum AuditFormat {
    /// One JSON object per line.
    Jsonl,
    /// A spreadsheet's comma-separated values, with a header row.
    Csv,
}

/// A file format a session is exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SessionFormat {
    /// A readable transcript with commands and diffs.
    Markdown,
    /// Everything the app stored, re-importable as a new session.
    Json,
}

/// A file written where the user chose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Exported {
    pub path: String,
    /// Items (a session) or entries (an audit trail) written.
    pub count: u64,
}
