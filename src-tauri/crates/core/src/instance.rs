//! One Codex Desk per data folder: a lock held while the engine lives, so a second process can
//! never mark or drive the first one's sessions; and the clean-up of codex processes (and the
//! commands they ran) that a previous run left behind when it ended uncleanly.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::error::{CoreError, Result};

const LOCK_FILE: &str = "codex-desk.lock";

/// How long to wait for a lock being released (an instance that is just quitting; a process
/// that forked while holding it and has not exec'd yet).
const RELEASE_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// Held while this process owns the data folder; released when dropped (or when the process
/// ends, however it ends).
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
}

impl DataDirLock {
    pub fn acquire(data_dir: &Path) -> Result<Self> {
        let path = data_dir.join(LOCK_FILE);
        let mut options = OpenOptions::new();
        options.create(true).truncate(false).read(true).write(true);
        let mut file = options
            .open(&path)
            .map_err(|e| CoreError::io(format!("Could not open {}", path.display()), e))?;
        let _ = crate::files::restrict_file(&path);
        let deadline = std::time::Instant::now() + RELEASE_WAIT;
        let locked = loop {
            match file.try_lock() {
                Err(TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                other => break other,
            }
        };
        match locked {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                return Err(CoreError::AlreadyRunning {
                    data_dir: data_dir.to_path_buf(),
                    pid: holder.trim().parse().ok(),
                });
            }
            Err(TryLockError::Error(e)) => {
                return Err(CoreError::io(
                    format!("Could not lock {}", path.display()),
                    e,
                ))
            }
        }
        // Who holds it, for the message a second instance shows.
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = write!(file, "{}", std::process::id());
        Ok(Self { _file: file })
    }
}

/// Kills what a previous run of this data folder left running: codex processes whose codex home
/// is in it, and the commands they started (which carry the session's `TMPDIR`). Call it while
/// holding the [`DataDirLock`], so nothing of a live instance is touched. Returns how many.
pub fn reap_leftovers(data_dir: &Path) -> usize {
    platform::reap(&data_dir.join("sessions"), &data_dir.join("account"))
}

#[cfg(target_os = "linux")]
mod platform {
    use std::path::Path;

    use nix::sys::signal::{kill, Signal};
    use nix::unistd::Pid;

    pub fn reap(sessions: &Path, account: &Path) -> usize {
        let me = std::process::id();
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return 0;
        };
        let mut reaped = 0;
        for entry in entries.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            if pid == me {
                continue;
            }
            // Only processes of this user are readable; others are not ours to reap anyway.
            let Ok(environ) = std::fs::read(entry.path().join("environ")) else {
                continue;
            };
            if !belongs(&environ, sessions, account) {
                continue;
            }
            let Ok(raw) = i32::try_from(pid) else {
                continue;
            };
            if kill(Pid::from_raw(raw), Signal::SIGKILL).is_ok() {
                tracing::warn!(pid, "reaped a process a previous run left behind");
                reaped += 1;
            }
        }
        reaped
    }

    fn belongs(environ: &[u8], sessions: &Path, account: &Path) -> bool {
        environ.split(|b| *b == 0).any(|var| {
            let Ok(var) = std::str::from_utf8(var) else {
                return false;
            };
            let value = var
                .strip_prefix("CODEX_HOME=")
                .or_else(|| var.strip_prefix("TMPDIR="));
            value.is_some_and(|v| {
                Path::new(v).starts_with(sessions) || Path::new(v).starts_with(account)
            })
        })
    }
}

#[cfg(not(target_os = "linux"))]
mod platform {
    /// Windows: codex runs in a Job Object that dies with the app. macOS: codex ends when its
    /// stdin closes with the app; there is no process list to search without /proc.
    pub fn reap(_sessions: &std::path::Path, _account: &std::path::Path) -> usize {
        0
    }
}

/// Where the lock file is (for messages).
pub fn lock_path(data_dir: &Path) -> PathBuf {
    data_dir.join(LOCK_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_with_who_holds_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = DataDirLock::acquire(dir.path()).expect("first");
        let err = DataDirLock::acquire(dir.path()).expect_err("second");
        assert!(
            matches!(err, CoreError::AlreadyRunning { pid: Some(p), .. } if p == std::process::id()),
            "{err}"
        );
        assert!(err.to_string().contains("already using"), "{err}");
        drop(first);
        DataDirLock::acquire(dir.path()).expect("free again");
        assert!(lock_path(dir.path()).exists());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn leftovers_of_this_data_folder_are_reaped_and_nothing_else() {
        let dir = tempfile::tempdir().expect("tempdir");
        let tmp = dir.path().join("sessions/s1/tmp");
        std::fs::create_dir_all(&tmp).expect("mkdir");
        let spawn = |tmpdir: &Path| {
            std::process::Command::new("sleep")
                .arg("60")
                .env("TMPDIR", tmpdir)
                .spawn()
                .expect("sleep")
        };
        let mut ours = spawn(&tmp);
        let mut theirs = spawn(&std::env::temp_dir());
        assert_eq!(reap_leftovers(dir.path()), 1);
        let status = ours.wait().expect("wait");
        assert!(!status.success(), "the leftover was killed");
        assert!(
            theirs.try_wait().expect("try_wait").is_none(),
            "others are left alone"
        );
        let _ = theirs.kill();
        let _ = theirs.wait();
    }
}
