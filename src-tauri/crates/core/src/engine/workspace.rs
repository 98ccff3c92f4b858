//! The session folder as the window's workspace panel shows it.

use std::path::Path;

use codex_desk_protocol::GitState;

use super::Engine;
use crate::error::Result;

impl Engine {
    /// The git state of session `id`'s folder (branch, distance from upstream, changed files).
    pub async fn git_state(&self, id: &str) -> Result<GitState> {
        let session = self.session(id).await?;
        Ok(crate::git::state(Path::new(&session.workspace)).await)
    }
}
