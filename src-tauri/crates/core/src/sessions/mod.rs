//! Session folders: `<data dir>/sessions/<uuid>/` with the session's own `CODEX_HOME`
//! (`codex-home/config.toml` and what the user's codex home brings), its logs and a
//! `session.json` describing it. Folders are 0700 and files 0600.

mod config;
mod user_home;
pub mod venv;
mod workspace;

use std::path::{Path, PathBuf};

use serde::Serialize;

pub use config::locate::{self as locate_setting, UserLocation};
pub use config::{
    build_session_config, read_user_config, resolve_user_path, steers_codex, ConfigInputs,
    SessionConfig, SessionOverrides, SECRET_VAR_PREFIX,
};
pub use user_home::UserHome;
pub use workspace::{validate_workspace, WorkspaceGuard};

use crate::error::{CoreError, Result};
use crate::files;
use crate::secrets::Secret;

/// What a codex start needs from the session folder besides its path.
pub struct Prepared {
    /// Variables for codex's environment (secrets moved out of the config).
    pub env: Vec<(String, Secret)>,
    /// What could not be carried over from the user's setup, for the user.
    pub warnings: Vec<String>,
}

/// The layout of one session's folder.
#[derive(Debug, Clone)]
pub struct SessionFolder {
    root: PathBuf,
}

#[derive(Serialize)]
struct Meta<'a> {
    id: &'a str,
    workspace: &'a str,
    created_at: i64,
}

impl SessionFolder {
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The session's own `CODEX_HOME`: its config, codex's thread files, no credentials.
    pub fn codex_home(&self) -> PathBuf {
        self.root.join("codex-home")
    }

    pub fn log_dir(&self) -> PathBuf {
        self.root.join("logs")
    }

    /// Where codex's stderr goes.
    pub fn codex_log(&self) -> PathBuf {
        self.log_dir().join("codex-stderr.log")
    }

    /// The session's generated config, which codex reads.
    pub fn config_file(&self) -> PathBuf {
        self.codex_home().join("config.toml")
    }

    /// Images the user attached to prompts (copies: the originals may move or change).
    pub fn attachments_dir(&self) -> PathBuf {
        self.root.join("attachments")
    }

    /// The session's own Python virtual environment (when the user turns it on).
    pub fn venv(&self) -> venv::Venv {
        venv::Venv::new(self.root.join("venv"))
    }

    /// The session's own temp folder (codex's `TMPDIR`): codex will not set up its sandbox
    /// helpers in a codex home under the temp folder, which a data folder under `/tmp` would
    /// otherwise be.
    pub fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    /// Creates the folders and writes `session.json`.
    pub fn create(&self, id: &str, workspace: &str, created_at: i64) -> Result<()> {
        for dir in [&self.root, &self.codex_home(), &self.log_dir()] {
            files::private_dir(dir)?;
        }
        let meta = serde_json::to_vec_pretty(&Meta {
            id,
            workspace,
            created_at,
        })
        .map_err(|e| CoreError::io("Could not describe the session", e.into()))?;
        files::write_private(&self.root.join("session.json"), &meta)
    }

    /// Readies the session's codex home for a codex start: `config.toml` from the user's codex
    /// configuration with the session's settings on top, and the user's instructions, rules and
    /// skills. Redone at every start so edits to the user's setup apply.
    pub fn prepare(
        &self,
        user_codex_home: Option<&Path>,
        overrides: &SessionOverrides,
    ) -> Result<Prepared> {
        let home = self.codex_home();
        for dir in [&self.root, &home, &self.log_dir(), &self.tmp_dir()] {
            files::private_dir(dir)?;
        }
        let user = user_codex_home.map(UserHome::new);
        let config = build_session_config(ConfigInputs {
            user_codex_home,
            overrides,
            dotenv: user.as_ref().map(UserHome::dotenv).unwrap_or_default(),
            inherited: &|name| std::env::var(name).ok(),
        })?;
        files::write_private(&home.join("config.toml"), config.text.as_bytes())?;
        let mut warnings = config.warnings;
        if let Some(user) = user {
            warnings.extend(user.carry_into(&home)?);
        }
        Ok(Prepared {
            env: config.env,
            warnings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_layout_and_meta() {
        let dir = tempfile::tempdir().expect("tempdir");
        let folder = SessionFolder::new(dir.path().join("sessions").join("abc"));
        folder.create("abc", "/w", 5).expect("create");
        assert!(folder.codex_home().is_dir());
        assert!(folder.log_dir().is_dir());
        let meta: serde_json::Value = serde_json::from_slice(
            &std::fs::read(folder.root().join("session.json")).expect("read"),
        )
        .expect("json");
        assert_eq!(meta["workspace"], "/w");
    }
}
