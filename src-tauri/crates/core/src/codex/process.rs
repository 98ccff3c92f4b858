//! Spawning `codex app-server`: native binary, the session's `CODEX_HOME`, cwd = workspace;
//! contained (process-wrap) in its own process group on Unix or a Job Object on Windows, so
//! stopping it stops everything it started, and killed with the app: on drop, by the Job
//! Object's kill-on-close, and on Linux by a parent-death signal. Stderr goes to the session log.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use process_wrap::tokio::{ChildWrapper, CommandWrap, KillOnDrop};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{ChildStderr, ChildStdin, ChildStdout, Command};
use tokio::sync::{oneshot, watch};

use crate::error::{CoreError, Result};
use crate::secrets::Secret;

/// How many stderr lines are kept to explain a crash.
const STDERR_TAIL: usize = 20;

pub struct SpawnSpec<'a> {
    pub binary: &'a Path,
    pub codex_home: &'a Path,
    pub workspace: &'a Path,
    pub log_file: PathBuf,
    /// Extra `-c key=value` overrides (e.g. from tests), after `app-server`.
    pub config_overrides: &'a [String],
    /// Extra environment (tests point sign-in at a mock issuer).
    pub extra_env: &'a [(String, String)],
    /// Credentials from the user's config, which codex reads from its environment (never from
    /// its command line or a file).
    pub secret_env: &'a [(String, Secret)],
    /// Codex's own temp folder (`TMPDIR`), outside its codex home.
    pub tmp_dir: &'a Path,
}

/// How the process ended.
#[derive(Debug, Clone)]
pub struct ExitInfo {
    pub description: String,
}

/// A running codex app-server: its pipes are handed to the client; the process itself is
/// owned by a waiter task that kills it (and its process group) on request or when dropped.
pub struct CodexProcess {
    pub pid: Option<u32>,
    pub stdin: ChildStdin,
    pub stdout: ChildStdout,
    exit: watch::Receiver<Option<ExitInfo>>,
    kill: Option<oneshot::Sender<()>>,
    stderr_tail: Arc<Mutex<VecDeque<String>>>,
}

impl CodexProcess {
    pub fn spawn(spec: SpawnSpec<'_>) -> Result<Self> {
        let mut cmd = Command::new(spec.binary);
        cmd.arg("app-server")
            .args(
                spec.config_overrides
                    .iter()
                    .flat_map(|o| ["-c", o.as_str()]),
            )
            .env("CODEX_HOME", spec.codex_home)
            .env("TMPDIR", spec.tmp_dir)
            .envs(spec.extra_env.iter().map(|(k, v)| (k, v)))
            .envs(spec.secret_env.iter().map(|(k, v)| (k, v.expose())))
            .current_dir(spec.workspace)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(name) = crate::rendering::set_by_app() {
            // The window's own setting, not the user's: codex and its commands do not get it.
            cmd.env_remove(name);
        }
        let mut wrap = CommandWrap::from(cmd);
        platform::contain(&mut wrap);
        wrap.wrap(KillOnDrop);
        let mut child = wrap.spawn().map_err(|e| CoreError::CodexUnusable {
            path: spec.binary.to_path_buf(),
            reason: format!("it could not be started ({e})"),
        })?;
        let pid = child.id();
        let (Some(stdin), Some(stdout), Some(stderr)) = (
            child.stdin().take(),
            child.stdout().take(),
            child.stderr().take(),
        ) else {
            return Err(CoreError::CodexGone("its pipes could not be opened".into()));
        };
        let stderr_tail = Arc::new(Mutex::new(VecDeque::with_capacity(STDERR_TAIL)));
        tokio::spawn(pump_stderr(stderr, spec.log_file, stderr_tail.clone()));
        let (exit_tx, exit) = watch::channel(None);
        let (kill, kill_rx) = oneshot::channel();
        tokio::spawn(wait(child, pid, kill_rx, exit_tx));
        Ok(Self {
            pid,
            stdin,
            stdout,
            exit,
            kill: Some(kill),
            stderr_tail,
        })
    }

    /// Parts that outlive the pipes: exit watch, kill switch, stderr tail.
    pub fn into_parts(self) -> (ChildStdin, ChildStdout, ProcessControl) {
        let control = ProcessControl {
            pid: self.pid,
            exit: self.exit,
            kill: Mutex::new(self.kill),
            stderr_tail: self.stderr_tail,
        };
        (self.stdin, self.stdout, control)
    }
}

/// Control over a spawned codex after its pipes went to the client.
pub struct ProcessControl {
    pub pid: Option<u32>,
    exit: watch::Receiver<Option<ExitInfo>>,
    kill: Mutex<Option<oneshot::Sender<()>>>,
    stderr_tail: Arc<Mutex<VecDeque<String>>>,
}

impl ProcessControl {
    /// Kills the process group now (idempotent).
    pub fn kill(&self) {
        if let Some(tx) = self.kill.lock().unwrap_or_else(|p| p.into_inner()).take() {
            let _ = tx.send(());
        }
    }

    /// Waits until the process has ended, at most `timeout`.
    pub async fn exited(&self, timeout: std::time::Duration) -> Option<ExitInfo> {
        let mut rx = self.exit.clone();
        let waited = tokio::time::timeout(timeout, rx.wait_for(Option::is_some)).await;
        match waited {
            Ok(Ok(info)) => info.clone(),
            _ => None,
        }
    }

    /// What codex said last on stderr that means something: its `Error:` line, or its last
    /// log line, without colours, log prefixes or backtrace frames.
    pub fn last_words(&self) -> Option<String> {
        let tail = self.stderr_tail();
        meaningful(&tail)
    }

    /// The last lines codex wrote to stderr.
    pub fn stderr_tail(&self) -> Vec<String> {
        self.stderr_tail
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .cloned()
            .collect()
    }
}

impl Drop for ProcessControl {
    fn drop(&mut self) {
        self.kill();
    }
}

async fn wait(
    mut child: Box<dyn ChildWrapper>,
    pid: Option<u32>,
    mut kill: oneshot::Receiver<()>,
    exit: watch::Sender<Option<ExitInfo>>,
) {
    let ended = {
        let waiting = child.wait();
        tokio::select! {
            status = waiting => Some(status),
            _ = &mut kill => None,
        }
    };
    let status = match ended {
        Some(status) => status,
        None => {
            // The whole group (Unix) or job (Windows): codex and what it started.
            let _ = child.start_kill();
            child.wait().await
        }
    };
    let description = match status {
        Ok(status) => describe(status),
        Err(e) => format!("its status could not be read ({e})"),
    };
    tracing::info!(?pid, %description, "codex app-server ended");
    let _ = exit.send(Some(ExitInfo { description }));
}

/// The line of `stderr` a user should read: codex's `Error:` line if it wrote one, else its last
/// line that is not part of a backtrace; colours and log prefixes removed.
pub fn meaningful(stderr: &[String]) -> Option<String> {
    let lines: Vec<String> = stderr
        .iter()
        .map(|l| plain(l))
        .take_while(|l| !l.starts_with("Stack backtrace"))
        .filter(|l| !l.is_empty() && !is_frame(l))
        .collect();
    lines
        .iter()
        .find_map(|l| l.strip_prefix("Error: ").map(str::to_string))
        .or_else(|| lines.last().cloned())
}

fn is_frame(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("at ")
        || t.split_once(": ")
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        || t.ends_with("<unknown>")
}

/// Without ANSI colours and without a tracing prefix (`<time> <LEVEL> <target>: `).
fn plain(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // ESC [ ... letter
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    let out = out.trim().to_string();
    let mut words = out.splitn(4, ' ');
    match (words.next(), words.next(), words.next(), words.next()) {
        (Some(time), Some(level), Some(target), Some(rest))
            if time.contains('T')
                && ["ERROR", "WARN", "INFO", "DEBUG", "TRACE"].contains(&level)
                && target.ends_with(':') =>
        {
            rest.to_string()
        }
        _ => out,
    }
}

fn describe(status: std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("killed by signal {signal}");
        }
    }
    match status.code() {
        Some(code) => format!("exit code {code}"),
        None => "unknown exit status".into(),
    }
}

/// The most a session's codex stderr log grows before it is rotated (one older file is kept).
const STDERR_LOG_MAX: u64 = 4 * 1024 * 1024;

/// The longest stderr line kept whole; the rest of a longer one is dropped (it is still read).
const STDERR_LINE_MAX: usize = 16 * 1024;

async fn pump_stderr(stderr: ChildStderr, log_file: PathBuf, tail: Arc<Mutex<VecDeque<String>>>) {
    let mut log = StderrLog::open(log_file);
    let mut reader = BufReader::new(stderr);
    // Read to the end whatever comes (bytes that are not UTF-8, a line without end): codex
    // never blocks on a full pipe, and its log and last words stay.
    while let Some(line) = next_stderr_line(&mut reader).await {
        // Codex's own logs may carry a token at a verbose log level: blanked like the app's.
        let line = crate::secrets::scrub(&line);
        tracing::debug!(target: "codex_stderr", "{line}");
        log.write(&line).await;
        let mut tail = tail.lock().unwrap_or_else(|p| p.into_inner());
        if tail.len() == STDERR_TAIL {
            tail.pop_front();
        }
        tail.push_back(line);
    }
}

/// The next line of `reader` (without its end), decoded leniently and cut at
/// [`STDERR_LINE_MAX`]; `None` at the end of the stream or when it cannot be read.
async fn next_stderr_line<R: tokio::io::AsyncBufRead + Unpin>(reader: &mut R) -> Option<String> {
    let mut line: Vec<u8> = Vec::new();
    let mut any = false;
    loop {
        let chunk = match reader.fill_buf().await {
            Ok(chunk) if !chunk.is_empty() => chunk,
            _ => break,
        };
        any = true;
        let (taken, ended) = match chunk.iter().position(|b| *b == b'\n') {
            Some(at) => (at + 1, true),
            None => (chunk.len(), false),
        };
        let room = STDERR_LINE_MAX.saturating_sub(line.len());
        line.extend_from_slice(&chunk[..taken.min(room)]);
        reader.consume(taken);
        if ended {
            break;
        }
    }
    if !any {
        return None;
    }
    while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        line.pop();
    }
    // Cut short: end at a space, so no half of a token is kept where blanking would miss it.
    if line.len() >= STDERR_LINE_MAX {
        let end = line
            .iter()
            .rposition(|b| b.is_ascii_whitespace())
            .unwrap_or(0);
        line.truncate(end);
        line.extend_from_slice("…".as_bytes());
    }
    Some(String::from_utf8_lossy(&line).into_owned())
}

/// The session's `codex-stderr.log`: owner-only, rotated to `.1` past [`STDERR_LOG_MAX`].
struct StderrLog {
    path: PathBuf,
    file: Option<tokio::fs::File>,
    size: u64,
}

impl StderrLog {
    fn open(path: PathBuf) -> Self {
        let (file, size) = match crate::files::open_private_append(&path) {
            Ok(f) => {
                let size = f.metadata().map(|m| m.len()).unwrap_or(0);
                (Some(tokio::fs::File::from_std(f)), size)
            }
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "cannot open the session log");
                (None, 0)
            }
        };
        Self { path, file, size }
    }

    async fn write(&mut self, line: &str) {
        if self.size > STDERR_LOG_MAX {
            self.file = None;
            let older = self.path.with_extension("log.1");
            let _ = std::fs::rename(&self.path, older);
            *self = Self::open(self.path.clone());
        }
        if let Some(file) = self.file.as_mut() {
            let text = format!("{line}\n");
            if file.write_all(text.as_bytes()).await.is_ok() {
                self.size += text.len() as u64;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{meaningful, next_stderr_line, StderrLog, STDERR_LINE_MAX, STDERR_LOG_MAX};

    #[tokio::test]
    async fn stderr_is_read_to_its_end_whatever_its_bytes_and_lengths() {
        let mut bytes = b"first\r\nnot utf-8: \xff\xfe ok\n".to_vec();
        bytes.extend_from_slice(b"a b ");
        bytes.extend(std::iter::repeat_n(b'y', STDERR_LINE_MAX * 3));
        bytes.extend_from_slice(b"\nlast without end");
        // A small buffer, so lines span reads.
        let mut reader = tokio::io::BufReader::with_capacity(64, bytes.as_slice());
        let mut lines = Vec::new();
        while let Some(line) = next_stderr_line(&mut reader).await {
            lines.push(line);
        }
        assert_eq!(
            lines.len(),
            4,
            "{:?}",
            lines.iter().map(|l| l.len()).collect::<Vec<_>>()
        );
        assert_eq!(lines[0], "first");
        assert_eq!(lines[1], "not utf-8: \u{fffd}\u{fffd} ok");
        assert_eq!(
            lines[2], "a b…",
            "a long line is cut at its last space, not kept whole"
        );
        assert_eq!(lines[3], "last without end");
    }

    #[tokio::test]
    async fn the_stderr_log_is_capped_and_keeps_one_older_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("codex-stderr.log");
        let mut log = StderrLog::open(path.clone());
        let line = "x".repeat(1024);
        for _ in 0..(STDERR_LOG_MAX / 1024 + 600) {
            log.write(&line).await;
        }
        let current = std::fs::metadata(&path).expect("current").len();
        let older = std::fs::metadata(path.with_extension("log.1"))
            .expect("older")
            .len();
        assert!(current < STDERR_LOG_MAX, "{current}");
        assert!(
            older > STDERR_LOG_MAX && older < STDERR_LOG_MAX + 4096,
            "{older}"
        );
    }

    #[test]
    fn codex_s_own_words_not_its_backtrace() {
        let lines: Vec<String> = [
            "Error: approval_policy = \"untrusted\" is no longer supported; remove this setting",
            "",
            "Stack backtrace:",
            "   0: <unknown>",
            "   8: <unknown>",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            meaningful(&lines).as_deref(),
            Some("approval_policy = \"untrusted\" is no longer supported; remove this setting")
        );
        let logged = vec![
            "\u{1b}[2m2026-11-23T05:39:06.765291Z\u{1b}[0m \u{1b}[31mERROR\u{1b}[0m \u{1b}[2mcodex_app_server\u{1b}[0m\u{1b}[2m:\u{1b}[0m Invalid configuration; using defaults.".to_string(),
        ];
        assert_eq!(
            meaningful(&logged).as_deref(),
            Some("Invalid configuration; using defaults.")
        );
        assert_eq!(meaningful(&[]), None);
    }
}

#[cfg(unix)]
mod platform {
    use process_wrap::tokio::{CommandWrap, ProcessGroup};

    /// Codex and the commands it runs get their own process group, so stopping the session
    /// stops them all and a Ctrl-C in the app's terminal does not reach them.
    pub fn contain(wrap: &mut CommandWrap) {
        wrap.wrap(ProcessGroup::leader());
        parent_death::arm(wrap);
    }

    #[cfg(target_os = "linux")]
    mod parent_death {
        use nix::sys::signal::Signal;
        use process_wrap::tokio::{CommandWrap, CommandWrapper};
        use tokio::process::Command;

        /// Codex gets SIGKILL when the app dies, however it dies. (Linux ties this to the thread
        /// that spawned codex: the async runtime's workers, which live as long as the app.)
        #[derive(Debug, Clone, Copy)]
        struct ParentDeath;

        impl CommandWrapper for ParentDeath {
            fn pre_spawn(
                &mut self,
                command: &mut Command,
                _core: &CommandWrap,
            ) -> std::io::Result<()> {
                #[allow(unsafe_code)]
                // SAFETY: the closure runs in the forked child before exec and only makes the
                // prctl(2) system call, which is async-signal-safe; it allocates nothing.
                unsafe {
                    command.pre_exec(|| {
                        nix::sys::prctl::set_pdeathsig(Signal::SIGKILL)
                            .map_err(std::io::Error::from)
                    });
                }
                Ok(())
            }
        }

        pub fn arm(wrap: &mut CommandWrap) {
            wrap.wrap(ParentDeath);
        }
    }

    #[cfg(not(target_os = "linux"))]
    mod parent_death {
        /// macOS has no parent-death signal: codex ends when its stdin closes with the app.
        pub fn arm(_wrap: &mut process_wrap::tokio::CommandWrap) {}
    }
}

#[cfg(windows)]
mod platform {
    use process_wrap::tokio::{CommandWrap, CreationFlags, JobObject};

    /// A Job Object: killing it kills codex and everything it started, and with kill-on-drop it
    /// is killed when the app ends (the job closes with the app's last handle).
    pub fn contain(wrap: &mut CommandWrap) {
        const CREATE_NO_WINDOW: u32 = 0x0800_0000;
        wrap.wrap(CreationFlags(
            windows::Win32::System::Threading::PROCESS_CREATION_FLAGS(CREATE_NO_WINDOW),
        ));
        wrap.wrap(JobObject);
    }
}
