//! A session's own Python virtual environment, inside its folder: made with `uv venv` when uv
//! is installed, else `python3 -m venv`; its `bin` comes first on the PATH of the session's
//! codex, and so of the agent's commands.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use crate::error::{CoreError, Result};

/// How long making a virtual environment may take (pip is copied in; a slow disk).
const MAKE_TIMEOUT: Duration = Duration::from_secs(180);
/// How much of a failed tool's output the message quotes.
const QUOTED_OUTPUT: usize = 600;

/// A virtual environment's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Venv {
    dir: PathBuf,
}

/// Which tool makes virtual environments here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Maker {
    /// `uv venv DIR`.
    Uv(PathBuf),
    /// `PYTHON -m venv DIR`.
    Python(PathBuf),
}

impl Venv {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where its programs are (`python`, `pip`, what `pip install` adds).
    pub fn bin_dir(&self) -> PathBuf {
        self.dir.join(if cfg!(windows) { "Scripts" } else { "bin" })
    }

    /// Whether it has been made (its interpreter is there).
    pub fn exists(&self) -> bool {
        let python = if cfg!(windows) {
            "python.exe"
        } else {
            "python"
        };
        self.bin_dir().join(python).exists()
    }

    /// The environment a process gets to use it: `PATH` with its `bin` first (before `path`,
    /// the PATH it would have had) and `VIRTUAL_ENV`.
    pub fn env(&self, path: Option<OsString>) -> Result<Vec<(String, String)>> {
        let mut dirs = vec![self.bin_dir()];
        dirs.extend(path.iter().flat_map(std::env::split_paths));
        let joined = std::env::join_paths(dirs).map_err(|e| {
            CoreError::InvalidInput(format!(
                "The session's Python environment cannot go on the PATH: {e}"
            ))
        })?;
        let text = |s: OsString| {
            s.into_string().map_err(|_| {
                CoreError::InvalidInput(format!(
                    "The session's folder {} has a name the PATH cannot hold; move Codex Desk's data folder (CODEX_DESK_DATA_DIR) to a plain path.",
                    self.dir.display()
                ))
            })
        };
        Ok(vec![
            ("PATH".into(), text(joined)?),
            (
                "VIRTUAL_ENV".into(),
                text(self.dir.clone().into_os_string())?,
            ),
        ])
    }

    /// Makes it, unless it is there already.
    pub async fn make(&self, maker: &Maker) -> Result<()> {
        if self.exists() {
            return Ok(());
        }
        let mut command = match maker {
            Maker::Uv(uv) => {
                let mut c = tokio::process::Command::new(uv);
                c.arg("venv").arg("--quiet").arg(&self.dir);
                c
            }
            Maker::Python(python) => {
                let mut c = tokio::process::Command::new(python);
                c.arg("-m").arg("venv").arg(&self.dir);
                c
            }
        };
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let tool = maker.program().display().to_string();
        let child = command.spawn().map_err(|e| {
            CoreError::InvalidInput(format!(
                "The session's Python environment could not be made: {tool} did not start ({e}). Install Python 3 or uv, then turn the option on again."
            ))
        })?;
        let output = tokio::time::timeout(MAKE_TIMEOUT, child.wait_with_output())
            .await
            .map_err(|_| {
                CoreError::InvalidInput(format!(
                    "The session's Python environment was not made: {tool} took longer than {} s.",
                    MAKE_TIMEOUT.as_secs()
                ))
            })?
            .map_err(|e| CoreError::io(format!("{tool} could not be followed"), e))?;
        if output.status.success() && self.exists() {
            tracing::info!(venv = %self.dir.display(), %tool, "python environment made");
            return Ok(());
        }
        // What it said, for the user (Debian's "apt install python3-venv" advice among it).
        let said = String::from_utf8_lossy(&output.stderr);
        let said = said.trim();
        let quoted: String = said
            .chars()
            .skip(said.chars().count().saturating_sub(QUOTED_OUTPUT))
            .collect();
        let _ = std::fs::remove_dir_all(&self.dir);
        Err(CoreError::InvalidInput(format!(
            "The session's Python environment could not be made with {tool} ({}){}",
            output.status,
            if quoted.is_empty() {
                ".".to_string()
            } else {
                format!(": {quoted}")
            }
        )))
    }
}

/// The PATH the user's login shell sets up (Homebrew, pyenv, nvm...): the agent's commands run
/// without a login shell while the environment is on (its profile would put another python
/// first), so they get this PATH, after the environment's `bin`. `None` when it cannot be read.
#[cfg(unix)]
pub async fn login_path() -> Option<OsString> {
    use std::os::unix::ffi::OsStringExt;
    let shell = std::env::var_os("SHELL").unwrap_or_else(|| "/bin/sh".into());
    let run = tokio::process::Command::new(shell)
        .args(["-l", "-c", "printf '%s' \"$PATH\""])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .output();
    match tokio::time::timeout(Duration::from_secs(5), run).await {
        Ok(Ok(out)) if out.status.success() && !out.stdout.is_empty() => {
            // Profiles may print; the PATH is the last line.
            let last = out
                .stdout
                .rsplit(|b| *b == b'\n')
                .next()
                .unwrap_or_default();
            (!last.is_empty()).then(|| OsString::from_vec(last.to_vec()))
        }
        _ => None,
    }
}

/// Windows has no login shell: the app's own PATH is the user's.
#[cfg(not(unix))]
pub async fn login_path() -> Option<OsString> {
    None
}

impl Maker {
    /// uv when it is on `path`, else Python 3 (`python` on Windows); `None` when neither is.
    /// `python` names the interpreter to use instead of searching.
    pub fn find(python: Option<&Path>, path: Option<OsString>) -> Option<Self> {
        if let Some(python) = python {
            return Some(Maker::Python(python.to_path_buf()));
        }
        let dirs: Vec<PathBuf> = path.iter().flat_map(std::env::split_paths).collect();
        let on_path = |name: &str| {
            let file = if cfg!(windows) {
                format!("{name}.exe")
            } else {
                name.to_string()
            };
            dirs.iter().map(|d| d.join(&file)).find(|p| p.is_file())
        };
        if let Some(uv) = on_path("uv") {
            return Some(Maker::Uv(uv));
        }
        let pythons: &[&str] = if cfg!(windows) {
            &["python", "python3"]
        } else {
            &["python3", "python"]
        };
        pythons
            .iter()
            .find_map(|name| on_path(name))
            .map(Maker::Python)
    }

    fn program(&self) -> &Path {
        match self {
            Maker::Uv(p) | Maker::Python(p) => p,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn its_bin_comes_first_on_the_path() {
        let venv = Venv::new(PathBuf::from("/data/sessions/s1/venv"));
        let env = venv
            .env(Some(OsString::from("/usr/local/bin:/usr/bin")))
            .expect("env");
        if cfg!(unix) {
            assert_eq!(
                env,
                vec![
                    (
                        "PATH".to_string(),
                        "/data/sessions/s1/venv/bin:/usr/local/bin:/usr/bin".to_string()
                    ),
                    (
                        "VIRTUAL_ENV".to_string(),
                        "/data/sessions/s1/venv".to_string()
                    ),
                ]
            );
        }
    }

    #[test]
    fn uv_is_preferred_and_nothing_found_is_none() {
        let dir = tempfile::tempdir().expect("tmp");
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).expect("bin");
        let path = || Some(bin.clone().into_os_string());
        assert_eq!(Maker::find(None, path()), None);
        std::fs::write(bin.join("python3"), "").expect("python3");
        assert_eq!(
            Maker::find(None, path()),
            Some(Maker::Python(bin.join("python3")))
        );
        std::fs::write(bin.join("uv"), "").expect("uv");
        assert_eq!(Maker::find(None, path()), Some(Maker::Uv(bin.join("uv"))));
        let chosen = Path::new("/opt/python/bin/python3");
        assert_eq!(
            Maker::find(Some(chosen), path()),
            Some(Maker::Python(chosen.to_path_buf()))
        );
    }

    #[tokio::test]
    async fn a_python_that_fails_says_what_it_said_and_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tmp");
        let venv = Venv::new(dir.path().join("venv"));
        let failed = venv
            .make(&Maker::Python(PathBuf::from("/no/such/python3")))
            .await
            .expect_err("no python");
        assert!(failed.to_string().contains("did not start"), "{failed}");
        assert!(!venv.dir().exists());
    }
}
