//! Every folder the app uses, from one place. `CODEX_DESK_DATA_DIR` moves all of them (tests,
//! portable installs); nothing else in the core builds an app path by itself.

use std::path::{Path, PathBuf};

/// Environment variable that overrides the data folder.
pub const DATA_DIR_ENV: &str = "CODEX_DESK_DATA_DIR";

#[derive(Debug, Clone)]
pub struct AppPaths {
    data_dir: PathBuf,
    /// Whether the data folder was chosen (`CODEX_DESK_DATA_DIR`) rather than the default.
    chosen: bool,
}

impl AppPaths {
    /// The data folder from `CODEX_DESK_DATA_DIR`, else the platform's data folder
    /// (`~/.local/share/codex-desk`, `~/Library/Application Support/codex-desk`, `%APPDATA%\codex-desk`).
    pub fn from_env() -> Self {
        match std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
            Some(dir) => Self::at(dir),
            None => Self {
                data_dir: dirs::data_dir()
                    .map(|d| d.join("codex-desk"))
                    .unwrap_or_else(|| PathBuf::from(".codex-desk")),
                chosen: false,
            },
        }
    }

    pub fn at(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            chosen: true,
        }
    }

    /// A tag that tells this data folder's app instance from others (`d` + 12 hex digits of its
    /// path's hash), when the folder is not the default one; the default one needs none.
    pub fn instance_tag(&self) -> Option<String> {
        use sha2::{Digest, Sha256};
        if !self.chosen {
            return None;
        }
        let path = std::fs::canonicalize(&self.data_dir).unwrap_or_else(|_| self.data_dir.clone());
        let digest = Sha256::digest(path.to_string_lossy().as_bytes());
        let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
        Some(format!("d{hex}"))
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

    /// Where the app's own log files go: the system's place for logs (`~/.local/state/codex-desk/logs`,
    /// `~/Library/Logs/Codex Desk`, `%LOCALAPPDATA%\codex-desk\logs`), or `<data dir>/logs` when the
    /// data folder was chosen (tests, portable installs).
    pub fn app_log_dir(&self) -> PathBuf {
        if self.chosen {
            return self.data_dir.join("logs");
        }
        platform_log_dir().unwrap_or_else(|| self.data_dir.join("logs"))
    }
}

#[cfg(target_os = "macos")]
fn platform_log_dir() -> Option<PathBuf> {
    dirs::home_dir().map(|h| h.join("Library/Logs/Codex Desk"))
}

#[cfg(not(target_os = "macos"))]
fn platform_log_dir() -> Option<PathBuf> {
    dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .map(|d| d.join("codex-desk").join("logs"))
}

/// The user's own codex home: `$CODEX_HOME`, else `~/.codex`. Read for the user's
/// `config.toml`; never written.
pub fn user_codex_home() -> Option<PathBuf> {
    std::env::var_os("CODEX_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| dirs::home_dir().map(|h| h.join(".codex")))
}
