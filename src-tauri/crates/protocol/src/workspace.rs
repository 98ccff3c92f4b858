//! The workspace panel: the session folder's git state, as the window shows it beside the
//! transcript.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The workspace folder's git state, read with the user's own `git` (nothing is changed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum GitState {
    /// The folder is not in a git repository.
    NotARepository,
    /// Not read: codex works here in its sandbox, and git runs outside it with the
    /// repository's own settings, which codex may have written. The user says whether to.
    NotAsked,
    /// `git` could not tell (not installed, or it failed): why, in words for the user.
    #[serde(rename_all = "camelCase")]
    Unavailable { reason: String },
    #[serde(rename_all = "camelCase")]
    Repository {
        /// The checked-out branch; `None` when detached.
        branch: Option<String>,
        /// The branch it tracks (`origin/main`), if any.
        upstream: Option<String>,
        /// Commits the branch has that its upstream has not, and the other way round.
        ahead: u32,
        behind: u32,
        /// Files that differ from the last commit (staged or not) and files git does not track.
        files: Vec<GitFile>,
        /// How many more there are than listed.
        more: u32,
    },
}

/// A file that differs from the last commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GitFile {
    /// Relative to the repository's top folder, as git writes it.
    pub path: String,
    pub change: GitChange,
    /// The change is staged (in the index) for the next commit.
    pub staged: bool,
    /// Where a renamed or copied file came from.
    pub from: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum GitChange {
    Modified,
    Added,
    Deleted,
    Renamed,
    Copied,
    TypeChanged,
    Untracked,
    /// A merge left it in conflict.
    Conflicted,
}
