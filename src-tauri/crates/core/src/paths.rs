//! Every folder the app uses, from one place. `CODEX_DESK_DATA_DIR` moves all of them (tests,
//! portable installs); nothing else in the core builds an app path by itself.

use std::path::{Path, PathBuf};

/// Environment variable that overrides the data folder.
pub const DATA_DIR_ENV: &str = "CODEX_DESK_DATA_DIR";

#[derive(Debug, Clone)]
pub struct AppPaths {
    data_dir: PathBuf,
}

impl AppPaths {
    /// The data folder from `CODEX_DESK_DATA_DIR`, else the platform's data folder
    /// (`~/.local/share/codex-desk`, `~/Library/Application Support/codex-desk`, `%APPDATA%\codex-desk`).
    pub fn from_env() -> Self {
        let data_dir = std::env::var_os(DATA_DIR_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| dirs::data_dir().map(|d| d.join("codex-desk")))
            .unwrap_or_else(|| PathBuf::from(".codex-desk"));
        Self { data_dir }
    }

    pub fn at(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
        }
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn database(&self) -> PathBuf {
        self.data_dir.join("codex-desk.sqlite3")
    }

    pub fn sessions_dir(&self) -> PathBuf {
        self.data_dir.join("sessions")
    }

    pub fn session_dir(&self, session_id: &str) -> PathBuf {
        self.sessions_dir().join(session_id)
    }

    pub fn app_log_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }
}

/// The user's own codex home: `$CODEX_HOME`, else `~/.codex`. Read for the user's
/// `config.toml`; never written.
pub fn user_codex_home() -> Option<PathBuf> {
    std::env::var_os("CODEX_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| dirs::home_dir().map(|h| h.join(".codex")))
}
