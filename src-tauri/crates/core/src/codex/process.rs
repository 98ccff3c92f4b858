//! Spawning `codex app-server`: native binary, the session's `CODEX_HOME`, cwd = workspace,
//! its own process group, killed when dropped; stderr into the session log.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command};
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
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        platform::own_process_group(&mut cmd);
        let mut child = cmd.spawn().map_err(|e| CoreError::CodexUnusable {
            path: spec.binary.to_path_buf(),
            reason: format!("it could not be started ({e})"),
        })?;
        let pid = child.id();
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
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

    /// The last non-empty line codex wrote to stderr.
    pub fn last_words(&self) -> Option<String> {
        self.stderr_tail
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .cloned()
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
    mut child: Child,
    pid: Option<u32>,
    kill: oneshot::Receiver<()>,
    exit: watch::Sender<Option<ExitInfo>>,
) {
    let status = tokio::select! {
        status = child.wait() => status,
        _ = kill => {
            if let Some(pid) = pid {
                platform::kill_group(pid);
            }
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

async fn pump_stderr(stderr: ChildStderr, log_file: PathBuf, tail: Arc<Mutex<VecDeque<String>>>) {
    let mut log = match crate::files::open_private_append(&log_file) {
        Ok(f) => Some(tokio::fs::File::from_std(f)),
        Err(e) => {
            tracing::warn!(path = %log_file.display(), error = %e, "cannot open the session log");
            None
        }
    };
    let mut lines = BufReader::new(stderr).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        tracing::debug!(target: "codex_stderr", "{line}");
        if let Some(f) = log.as_mut() {
            let _ = f.write_all(format!("{line}\n").as_bytes()).await;
        }
        let mut tail = tail.lock().unwrap_or_else(|p| p.into_inner());
        if tail.len() == STDERR_TAIL {
            tail.pop_front();
        }
        tail.push_back(line);
    }
}

#[cfg(unix)]
mod platform {
    /// Codex and the commands it runs get their own process group, so stopping the session
    /// stops them all and a Ctrl-C in the app's terminal does not reach them.
    pub fn own_process_group(cmd: &mut tokio::process::Command) {
        cmd.process_group(0);
    }

    #[allow(unsafe_code)]
    pub fn kill_group(pid: u32) {
        let Ok(pgid) = libc::pid_t::try_from(pid) else {
            return;
        };
        // SAFETY: killpg only sends a signal; pgid is the group this module created for the child.
        unsafe {
            libc::killpg(pgid, libc::SIGKILL);
        }
    }
}

#[cfg(windows)]
mod platform {
    pub fn own_process_group(cmd: &mut tokio::process::Command) {
        const CREATE_NEW_PROCESS_GROUP: u32 = 0x0000_0200;
        const CREATE_NO_WINDOW: u32 = 0x0800_0000;
        cmd.creation_flags(CREATE_NEW_PROCESS_GROUP | CREATE_NO_WINDOW);
    }

    /// The child itself is killed by `start_kill`; Windows has no process-group kill here.
    pub fn kill_group(_pid: u32) {}
}
