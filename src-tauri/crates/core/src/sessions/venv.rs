//! A session's own Python virtual environment, inside its folder: made with `python3 -m venv`
//! (pip comes with it, offline), else `uv venv --seed`; its `bin` comes first on the PATH of the
//! agent's commands only (codex's shell environment policy), never on codex's own PATH: the
//! agent can write there, and codex runs git and MCP servers outside the sandbox.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::sync::OnceCell;

use crate::error::{CoreError, Result};

/// How long making a virtual environment may take (pip is copied in; a slow disk).
const MAKE_TIMEOUT: Duration = Duration::from_secs(180);
/// How much of a failed tool's output the message quotes.
const QUOTED_OUTPUT: usize = 600;
/// How long the user's login shell may take to say its PATH.
#[cfg(unix)]
const LOGIN_SHELL_TIMEOUT: Duration = Duration::from_secs(5);
/// Printed before the PATH, so what a profile prints is not taken for it.
#[cfg(unix)]
const PATH_MARK: &str = "__CODEX_DESK_PATH__=";

/// A virtual environment's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Venv {
    dir: PathBuf,
}

/// A tool that makes virtual environments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Maker {
    /// `PYTHON -m venv DIR`.
    Python(PathBuf),
    /// `uv venv --seed DIR`.
    Uv(PathBuf),
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

    /// Whether it has been made: it is only moved into place once whole.
    pub fn exists(&self) -> bool {
        let python = if cfg!(windows) {
            "python.exe"
        } else {
            "python"
        };
        self.bin_dir().join(python).exists()
    }

    /// Codex settings (`-c`) that give the agent's commands this environment: its `bin` first
    /// on their PATH (before `path`, the PATH they would have had) and `VIRTUAL_ENV`.
    pub fn command_settings(&self, path: Option<OsString>) -> Result<Vec<String>> {
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
        // A JSON string is a TOML basic string (the same escapes).
        let toml = |s: String| serde_json::to_string(&s).unwrap_or_default();
        Ok(vec![
            format!("shell_environment_policy.set.PATH={}", toml(text(joined)?)),
            format!(
                "shell_environment_policy.set.VIRTUAL_ENV={}",
                toml(text(self.dir.clone().into_os_string())?)
            ),
        ])
    }

    /// Makes it, unless it is there already, with the first of `makers` that works. It is
    /// made beside its place and moved there whole, so a make cut short is never taken for one.
    pub async fn make(&self, makers: &[Maker]) -> Result<()> {
        if self.exists() {
            return Ok(());
        }
        let partial = self.dir.with_extension("partial");
        let mut failures = Vec::new();
        for maker in makers {
            let _ = std::fs::remove_dir_all(&partial);
            match maker.run(&partial).await {
                Ok(()) => {
                    let _ = std::fs::remove_dir_all(&self.dir);
                    std::fs::rename(&partial, &self.dir).map_err(|e| {
                        CoreError::io(
                            format!("{} could not be moved into place", partial.display()),
                            e,
                        )
                    })?;
                    if self.exists() {
                        tracing::info!(venv = %self.dir.display(), tool = %maker.program().display(), "python environment made");
                        return Ok(());
                    }
                    failures.push(format!(
                        "{} left no python in it",
                        maker.program().display()
                    ));
                }
                Err(why) => failures.push(why),
            }
        }
        let _ = std::fs::remove_dir_all(&partial);
        Err(CoreError::InvalidInput(match failures.is_empty() {
            true => "No Python was found to make the session's environment: install Python 3 (with its venv module) or uv, or turn the option off.".into(),
            false => format!(
                "The session's Python environment could not be made: {}. Install Python 3 with its venv module (or uv), or turn the option off.",
                failures.join("; ")
            ),
        }))
    }
}

impl Maker {
    /// The tools that can make an environment here, best first: `python` when given, else
    /// Python 3 (`python` on Windows) then uv, searched on `path`.
    pub fn find(python: Option<&Path>, path: Option<OsString>) -> Vec<Self> {
        if let Some(python) = python {
            return vec![Maker::Python(python.to_path_buf())];
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
        let pythons: &[&str] = if cfg!(windows) {
            &["python", "python3"]
        } else {
            &["python3", "python"]
        };
        let mut found: Vec<Maker> = pythons
            .iter()
            .find_map(|name| on_path(name))
            .map(Maker::Python)
            .into_iter()
            .collect();
        found.extend(on_path("uv").map(Maker::Uv));
        found
    }

    fn program(&self) -> &Path {
        match self {
            Maker::Uv(p) | Maker::Python(p) => p,
        }
    }

    /// Makes an environment at `dir`; what went wrong otherwise, in the tool's own words.
    async fn run(&self, dir: &Path) -> std::result::Result<(), String> {
        let mut command = tokio::process::Command::new(self.program());
        match self {
            // --seed: pip in the environment, so `pip install` lands there.
            Maker::Uv(_) => command.args(["venv", "--seed", "--quiet"]),
            Maker::Python(_) => command.args(["-m", "venv"]),
        }
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
        no_window(&mut command);
        let tool = self.program().display().to_string();
        let child = command
            .spawn()
            .map_err(|e| format!("{tool} did not start ({e})"))?;
        let output = tokio::time::timeout(MAKE_TIMEOUT, child.wait_with_output())
            .await
            .map_err(|_| format!("{tool} took longer than {} s", MAKE_TIMEOUT.as_secs()))?
            .map_err(|e| format!("{tool} could not be followed ({e})"))?;
        if output.status.success() {
            return Ok(());
        }
        // What it said (Debian prints its "apt install python3-venv" advice on stdout).
        let said = [&output.stderr, &output.stdout]
            .iter()
            .map(|b| String::from_utf8_lossy(b).trim().to_string())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let quoted: String = said
            .chars()
            .skip(said.chars().count().saturating_sub(QUOTED_OUTPUT))
            .collect();
        Err(match quoted.is_empty() {
            true => format!("{tool} failed ({})", output.status),
            false => format!("{tool} failed ({}): {quoted}", output.status),
        })
    }
}

/// The PATH the user's login shell sets up (Homebrew, pyenv, nvm...): the agent's commands run
/// without a login shell while the environment is on (its profile would put another python
/// first), so they get this PATH, after the environment's `bin`. Read once per run; `None`
/// when it cannot be read.
pub async fn login_path() -> Option<OsString> {
    static READ: OnceCell<Option<OsString>> = OnceCell::const_new();
    READ.get_or_init(read_login_path).await.clone()
}

#[cfg(unix)]
async fn read_login_path() -> Option<OsString> {
    use std::os::unix::ffi::OsStringExt;
    let shell = std::env::var_os("SHELL").unwrap_or_else(|| "/bin/sh".into());
    let mut command = tokio::process::Command::new(&shell);
    command
        .args([
            "-l",
            "-c",
            &format!("printf '\\n%s%s\\n' '{PATH_MARK}' \"$PATH\""),
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let read = tokio::time::timeout(LOGIN_SHELL_TIMEOUT, command.output()).await;
    let out = match read {
        Ok(Ok(out)) if out.status.success() => out.stdout,
        _ => {
            tracing::warn!(shell = ?shell, "the login shell's PATH could not be read; commands get the app's own");
            return None;
        }
    };
    let text = String::from_utf8_lossy(&out);
    let path = text
        .lines()
        .filter_map(|l| l.strip_prefix(PATH_MARK))
        .next_back()?
        .trim();
    // Only a real PATH: absolute folders.
    let sane = !path.is_empty()
        && std::env::split_paths(path).all(|p| p.as_os_str().is_empty() || p.is_absolute());
    sane.then(|| OsString::from_vec(path.as_bytes().to_vec()))
}

/// Windows has no login shell: the app's own PATH is the user's.
#[cfg(not(unix))]
async fn read_login_path() -> Option<OsString> {
    None
}

/// No console window flashes up for a tool on Windows.
#[cfg(windows)]
fn no_window(command: &mut tokio::process::Command) {
    const CREATE_NO_WINDOW: u32 = 0x0800_0000;
    command.creation_flags(CREATE_NO_WINDOW);
}

#[cfg(not(windows))]
fn no_window(_: &mut tokio::process::Command) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn its_bin_comes_first_on_the_commands_path() {
        let venv = Venv::new(PathBuf::from("/data/sessions/s1/venv"));
        let settings = venv
            .command_settings(Some(OsString::from("/usr/local/bin:/usr/bin")))
            .expect("settings");
        if cfg!(unix) {
            assert_eq!(
                settings,
                vec![
                    r#"shell_environment_policy.set.PATH="/data/sessions/s1/venv/bin:/usr/local/bin:/usr/bin""#.to_string(),
                    r#"shell_environment_policy.set.VIRTUAL_ENV="/data/sessions/s1/venv""#.to_string(),
                ]
            );
        }
    }

    #[test]
    fn python_comes_before_uv_and_nothing_found_is_empty() {
        let dir = tempfile::tempdir().expect("tmp");
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).expect("bin");
        let path = || Some(bin.clone().into_os_string());
        assert_eq!(Maker::find(None, path()), Vec::new());
        std::fs::write(bin.join("uv"), "").expect("uv");
        assert_eq!(Maker::find(None, path()), vec![Maker::Uv(bin.join("uv"))]);
        std::fs::write(bin.join("python3"), "").expect("python3");
        assert_eq!(
            Maker::find(None, path()),
            vec![
                Maker::Python(bin.join("python3")),
                Maker::Uv(bin.join("uv"))
            ]
        );
        let chosen = Path::new("/opt/python/bin/python3");
        assert_eq!(
            Maker::find(Some(chosen), path()),
            vec![Maker::Python(chosen.to_path_buf())]
        );
    }

    #[tokio::test]
    async fn a_maker_that_fails_says_what_it_said_and_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tmp");
        let venv = Venv::new(dir.path().join("venv"));
        let failed = venv
            .make(&[Maker::Python(PathBuf::from("/no/such/python3"))])
            .await
            .expect_err("no python");
        assert!(failed.to_string().contains("did not start"), "{failed}");
        assert!(!venv.dir().exists());
        assert!(!dir.path().join("venv.partial").exists());
        let none = venv.make(&[]).await.expect_err("no maker");
        assert!(none.to_string().contains("No Python was found"), "{none}");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn what_a_tool_printed_on_stdout_is_quoted() {
        let dir = tempfile::tempdir().expect("tmp");
        // Like Debian's python without its venv module: advice on stdout, exit 1.
        let tool = dir.path().join("python3");
        std::fs::write(
            &tool,
            "#!/bin/sh\nmkdir -p \"$3/bin\"\necho 'apt install python3-venv'\nexit 1\n",
        )
        .expect("tool");
        std::process::Command::new("chmod")
            .args(["+x", &tool.display().to_string()])
            .status()
            .expect("chmod");
        let venv = Venv::new(dir.path().join("venv"));
        let failed = venv.make(&[Maker::Python(tool)]).await.expect_err("fails");
        assert!(
            failed.to_string().contains("apt install python3-venv"),
            "{failed}"
        );
        assert!(!venv.exists(), "a failed make is never taken for one");
    }
}
