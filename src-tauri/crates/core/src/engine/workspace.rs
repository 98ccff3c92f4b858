//! The session folder as the window's workspace panel shows it.

use std::path::Path;

use codex_desk_protocol::{GitState, SandboxMode};

use super::Engine;
use crate::error::Result;

impl Engine {
    /// The git state of session `id`'s folder (branch, distance from upstream, changed files).
    ///
    /// Git runs outside codex's sandbox, with the repository's own settings: a repository codex
    /// made or wrote inside its sandbox could name a program for git to run. So while the session
    /// is sandboxed, git runs only when the user says so (`confirmed`); with full access codex can
    /// run anything already, and git adds nothing to that.
    pub async fn git_state(&self, id: &str, confirmed: bool) -> Result<GitState> {
        let session = self.session(id).await?;
        let sandboxed = self.options_of(id).await?.sandbox != SandboxMode::FullAccess;
        if sandboxed && !confirmed {
            return Ok(GitState::NotAsked);
        }
        Ok(crate::git::state(Path::new(&session.workspace)).await)
    }
}
