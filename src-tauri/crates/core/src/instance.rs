//! One Codex Desk per data folder: a lock held while the engine lives, so a second process can
//! never mark or drive the first one's sessions; and the clean-up of codex processes (and the
//! commands they ran) that a previous run left behind when it ended uncleanly.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::error::{CoreError, Result};

const LOCK_FILE: &str = "codex-desk.lock";

/// How long to wait for a lock being released (a process that forked while holding it and has
/// not exec'd yet).
const RELEASE_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// How long to wait for an instance that says it is quitting (it stops its turns first).
const QUIT_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

/// What the lock file says after the holder's pid while it quits.
const QUITTING: &str = "quitting";

/// Held while this process owns the data folder; released when dropped (or when the process
/// ends, however it ends). The file names the holder's pid while it runs and is emptied on a
/// clean release, so the next run knows whether this one ended cleanly.
#[derive(Debug)]
pub struct DataDirLock {
    file: File,
    previous_unclean: bool,
}

impl DataDirLock {
    pub fn acquire(data_dir: &Path) -> Result<Self> {
        let path = lock_path(data_dir);
        let mut options = OpenOptions::new();
        options.create(true).truncate(false).read(true).write(true);
        let mut file = options
            .open(&path)
            .map_err(|e| CoreError::io(format!("Could not open {}", path.display()), e))?;
        let _ = crate::files::restrict_file(&path);
        let started = std::time::Instant::now();
        let mut quitting = false;
        let locked = loop {
            match file.try_lock() {
                Err(TryLockError::WouldBlock) => {
                    // A holder that is quitting gets the time its quit takes.
                    quitting = quitting || holder(&mut file).contains(QUITTING);
                    let wait = if quitting { QUIT_WAIT } else { RELEASE_WAIT };
                    if started.elapsed() >= wait {
                        break Err(TryLockError::WouldBlock);
                    }
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                other => break other,
            }
        };
        match locked {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(CoreError::AlreadyRunning {
                    data_dir: data_dir.to_path_buf(),
                    pid: holder_pid(&holder(&mut file)),
                });
            }
            Err(TryLockError::Error(e)) => {
                return Err(CoreError::io(
                    format!("Could not lock {}", path.display()),
                    e,
                ))
            }
        }
        // A pid left in the file: the run that held it never released it (killed, crashed).
        let previous_unclean = holder_pid(&holder(&mut file)).is_some();
        // Who holds it, for the message a second instance shows.
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = write!(file, "{}", std::process::id());
        let _ = file.sync_data();
        Ok(Self {
            file,
            previous_unclean,
        })
    }

    /// Whether the previous run on this data folder ended without releasing it.
    pub fn previous_run_was_unclean(&self) -> bool {
        self.previous_unclean
    }

    /// Tells a new instance started meanwhile to wait for this one's quit, not give up.
    pub fn mark_quitting(&mut self) {
        let _ = self.file.set_len(0);
        let _ = self.file.rewind();
        let _ = write!(self.file, "{} {QUITTING}", std::process::id());
        let _ = self.file.sync_data();
    }
}

/// The lock file's text: the holder's pid, and whether it is quitting.
fn holder(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file.rewind();
    let _ = file.read_to_string(&mut text);
    text
}

fn holder_pid(text: &str) -> Option<u32> {
    text.split_whitespace().next()?.parse().ok()
}

impl Drop for DataDirLock {
    /// A clean release: the holder's pid is taken out (the lock itself goes with the file); what
    /// is left still says quitting to whoever waits in the moment before the lock is gone.
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        let _ = self.file.rewind();
        let _ = write!(self.file, "{QUITTING}");
        let _ = self.file.sync_data();
    }
}

/// Stops what a previous run of this data folder left running when it ended uncleanly: codex
/// processes (and codex's own helpers) whose codex home or temp folder is in it. The commands
/// they ran are left alone, as after a clean quit: a server the agent detached, or a browser it
/// opened, may hold the user's work. Each gets SIGTERM, then SIGKILL if it is still there after
/// [`REAP_GRACE`]. Call it while holding the [`DataDirLock`], and only when the previous run was
/// unclean, so nothing of a live instance or of a clean past is touched. Returns how many.
pub fn reap_leftovers(data_dir: &Path) -> usize {
    platform::reap(&[&data_dir.join("sessions"), &data_dir.join("account")])
}

/// How long a leftover gets to end after SIGTERM.
pub const REAP_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

#[cfg(target_os = "linux")]
mod platform {
    use std::path::Path;
    use std::time::{Duration, Instant};

    use nix::sys::signal::{kill, Signal};
    use nix::unistd::Pid;

    pub fn reap(roots: &[&Path]) -> usize {
        let me = std::process::id();
        let leftovers: Vec<Pid> = processes()
            .filter(|pid| *pid != me)
            .filter(|pid| {
                // Only processes of this user are readable; others are not ours to reap anyway.
                is_codex(*pid)
                    && std::fs::read(format!("/proc/{pid}/environ"))
                        .is_ok_and(|environ| belongs(&environ, roots))
            })
            .filter_map(|pid| i32::try_from(pid).ok().map(Pid::from_raw))
            .collect();
        let asked: Vec<Pid> = leftovers
            .into_iter()
            .filter(|pid| kill(*pid, Signal::SIGTERM).is_ok())
            .collect();
        let deadline = Instant::now() + super::REAP_GRACE;
        while Instant::now() < deadline && asked.iter().any(|p| alive(*p)) {
            std::thread::sleep(Duration::from_millis(20));
        }
        for pid in asked.iter().filter(|p| alive(**p)) {
            let _ = kill(*pid, Signal::SIGKILL);
        }
        for pid in &asked {
            tracing::warn!(pid = pid.as_raw(), "stopped a process left behind");
        }
        asked.len()
    }

    /// A codex process or one of codex's helpers (`codex-linux-sandbox`), by its name.
    fn is_codex(pid: u32) -> bool {
        std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.starts_with("codex"))
    }

    fn processes() -> impl Iterator<Item = u32> {
        std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()))
    }

    /// Still running (a zombie counts as gone: it only waits for its parent).
    fn alive(pid: Pid) -> bool {
        std::fs::read_to_string(format!("/proc/{}/stat", pid.as_raw()))
            .ok()
            .and_then(|stat| {
                stat.rsplit_once(')')
                    .and_then(|(_, rest)| rest.split_whitespace().next().map(|s| s != "Z"))
            })
            .unwrap_or(false)
    }

    fn belongs(environ: &[u8], roots: &[&Path]) -> bool {
        environ.split(|b| *b == 0).any(|var| {
            let Ok(var) = std::str::from_utf8(var) else {
                return false;
            };
            let value = var
                .strip_prefix("CODEX_HOME=")
                .or_else(|| var.strip_prefix("TMPDIR="));
            value.is_some_and(|v| roots.iter().any(|root| Path::new(v).starts_with(root)))
        })
    }
}

#[cfg(not(target_os = "linux"))]
mod platform {
    /// Windows: codex runs in a Job Object that dies with the app. macOS: codex ends when its
    /// stdin closes with the app (its sandboxed commands with it); there is no /proc to search.
    pub fn reap(_roots: &[&std::path::Path]) -> usize {
        0
    }
}

/// Where the lock file is.
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
        assert!(!first.previous_run_was_unclean(), "a new data folder");
        drop(first);
        let second = DataDirLock::acquire(dir.path()).expect("free again");
        assert!(lock_path(dir.path()).exists());
        assert!(!second.previous_run_was_unclean(), "released cleanly");
        drop(second);
        assert_eq!(
            std::fs::read_to_string(lock_path(dir.path())).expect("read"),
            QUITTING,
            "a clean release takes the pid out"
        );

        // A holder that is quitting is waited for, longer than one that is not (here 1.2 s).
        let mut quitting = DataDirLock::acquire(dir.path()).expect("free");
        quitting.mark_quitting();
        let releaser = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(1_200));
            drop(quitting);
        });
        let waited = DataDirLock::acquire(dir.path()).expect("waited for the quit");
        assert!(!waited.previous_run_was_unclean(), "it quit cleanly");
        releaser.join().expect("join");
        drop(waited);

        // A run that was killed released the lock with the OS but left its pid behind.
        std::fs::write(lock_path(dir.path()), "4242").expect("write");
        let after_kill = DataDirLock::acquire(dir.path()).expect("free");
        assert!(after_kill.previous_run_was_unclean());
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
        // A codex left over is a program named codex: `sleep` under that name stands in.
        let codex = dir.path().join("codex");
        std::fs::copy("/bin/sleep", &codex).expect("copy sleep");
        let mut ours = std::process::Command::new(&codex)
            .arg("60")
            .env("TMPDIR", &tmp)
            .spawn()
            .expect("codex");
        let mut theirs = spawn(&std::env::temp_dir());
        // A command codex ran (it carries the session's temp folder) is the user's to keep.
        let mut command = spawn(&tmp);
        // One that ignores SIGTERM still goes, after the grace period.
        // (It waits on its stdin, which is never written, so it starts nothing else.)
        let codex_sh = dir.path().join("codex-helper");
        std::fs::copy("/bin/sh", &codex_sh).expect("copy sh");
        let mut stubborn = std::process::Command::new(&codex_sh)
            .args(["-c", "trap '' TERM; read never"])
            .env("TMPDIR", &tmp)
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("sh");
        // Wait until both run under their names (not yet: the forked test before its exec) and
        // the shell has set its trap (SIGTERM, bit 15, among the ignored signals).
        let started = std::time::Instant::now();
        let named = |pid: u32, name: &str| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == name)
        };
        let ignores_term = |pid: u32| {
            std::fs::read_to_string(format!("/proc/{pid}/status")).is_ok_and(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("SigIgn:"))
                    .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
                    .is_some_and(|mask| mask & (1 << 14) != 0)
            })
        };
        while !(named(ours.id(), "codex")
            && named(stubborn.id(), "codex-helper")
            && ignores_term(stubborn.id()))
        {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(5),
                "the processes never ran as set up"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(reap_leftovers(dir.path()), 2);
        let status = ours.wait().expect("wait");
        assert!(!status.success(), "the leftover was stopped");
        let status = stubborn.wait().expect("wait");
        assert!(!status.success(), "the stubborn one was killed");
        assert!(
            theirs.try_wait().expect("try_wait").is_none(),
            "others are left alone"
        );
        assert!(
            command.try_wait().expect("try_wait").is_none(),
            "a command codex ran is left alone"
        );
        for mut child in [theirs, command] {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
