//! The database thread: it owns the connection, so no SQLite call ever runs on an async worker.
//! Writes arrive in order and are committed in batches (one transaction per burst). When SQLite
//! cannot write (disk full, read-only, I/O error), the writes are kept in order and retried with
//! a growing pause; the health listener hears once that saving stopped and once that it
//! recovered. Reads run after the writes queued before them, so a caller reads what it wrote.

use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode};

use super::health::Health;
use super::Write;

/// The most jobs taken in one go before committing.
const BURST: usize = 2_000;
/// Items indexed for search per idle moment (a few ms: a job arriving waits at most that).
const INDEX_BATCH: i64 = 50;
/// How long the thread must have had nothing to do before it indexes (a burst of writes is
/// never slowed by indexing).
const IDLE_BEFORE_INDEXING: Duration = Duration::from_millis(20);
const FIRST_RETRY: Duration = Duration::from_millis(250);
const LAST_RETRY: Duration = Duration::from_secs(5);

pub(super) enum Job {
    Write(Write),
    /// A read (or any work on the connection); it replies itself.
    Run(Box<dyn FnOnce(&Connection) + Send>),
    /// Commit what is pending now, then reply whether that worked.
    Flush(Box<dyn FnOnce(Result<(), String>) + Send>),
    /// Commit what can be committed and stop.
    Close(std::sync::mpsc::Sender<()>),
}

pub(super) fn run(mut conn: Connection, jobs: Receiver<Job>, health: Health) {
    let mut pending: VecDeque<Write> = VecDeque::new();
    let mut retry: Option<(Instant, Duration)> = None;
    // Whether items may wait to be indexed for search (checked when idle), and whether the
    // thread has been indexing (it goes on at once while nothing else comes).
    let mut indexing = true;
    let mut idle = false;
    loop {
        let next = match (pending.is_empty(), retry) {
            (true, _) if indexing => jobs.recv_timeout(if idle {
                Duration::ZERO
            } else {
                IDLE_BEFORE_INDEXING
            }),
            (true, _) => jobs.recv().map_err(|_| RecvTimeoutError::Disconnected),
            (false, Some((at, _))) => {
                jobs.recv_timeout(at.saturating_duration_since(Instant::now()))
            }
            (false, None) => jobs.recv_timeout(Duration::ZERO),
        };
        let mut close = None;
        match next {
            Ok(job) => {
                idle = false;
                let mut job = Some(job);
                for _ in 0..BURST {
                    let Some(current) = job.take() else { break };
                    if let Some(ack) = handle(current, &mut conn, &mut pending, &mut retry, &health)
                    {
                        close = Some(ack);
                        break;
                    }
                    job = jobs.try_recv().ok();
                }
            }
            Err(RecvTimeoutError::Timeout) if pending.is_empty() => {
                idle = true;
                indexing = match super::search::index_pending(&conn, INDEX_BATCH) {
                    Ok(more) => more,
                    Err(e) => {
                        // Tried again after the next write; search finds less meanwhile.
                        tracing::warn!(error = %e, "indexing items for search failed");
                        false
                    }
                };
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => close = Some(None),
        }
        let due = retry.is_none_or(|(at, _)| Instant::now() >= at);
        if !pending.is_empty() && (due || close.is_some()) {
            commit(&mut conn, &mut pending, &mut retry, &health);
            indexing |= pending.is_empty();
        }
        if let Some(ack) = close {
            if !pending.is_empty() {
                tracing::error!(
                    waiting = pending.len(),
                    "closing with changes the database could not take"
                );
            }
            if let Some(ack) = ack {
                let _ = ack.send(());
            }
            return;
        }
    }
}

/// Handles one job; returns `Some` when the thread should stop.
fn handle(
    job: Job,
    conn: &mut Connection,
    pending: &mut VecDeque<Write>,
    retry: &mut Option<(Instant, Duration)>,
    health: &Health,
) -> Option<Option<std::sync::mpsc::Sender<()>>> {
    match job {
        Job::Write(write) => {
            pending.push_back(write);
            health.set_waiting(pending.len());
        }
        Job::Run(work) => {
            if !pending.is_empty() && retry.is_none() {
                commit(conn, pending, retry, health);
            }
            let conn: &Connection = conn;
            if std::panic::catch_unwind(AssertUnwindSafe(|| work(conn))).is_err() {
                tracing::error!("a database read panicked; the database thread goes on");
            }
        }
        Job::Flush(reply) => {
            if !pending.is_empty() {
                commit(conn, pending, retry, health);
            }
            reply(if pending.is_empty() {
                Ok(())
            } else {
                Err(health.problem().unwrap_or_else(|| {
                    format!("{} changes are still waiting to be saved", pending.len())
                }))
            });
        }
        Job::Close(ack) => return Some(Some(ack)),
    }
    None
}

fn commit(
    conn: &mut Connection,
    pending: &mut VecDeque<Write>,
    retry: &mut Option<(Instant, Duration)>,
    health: &Health,
) {
    match apply_all(conn, pending.iter()) {
        Ok(()) => {
            pending.clear();
            *retry = None;
            health.recovered();
        }
        Err(e) if is_transient(&e) => {
            let pause = retry.map_or(FIRST_RETRY, |(_, p)| (p * 2).min(LAST_RETRY));
            *retry = Some((Instant::now() + pause, pause));
            health.failing(&e, pending.len());
        }
        Err(e) => {
            // A write SQLite refuses for what it is (not for the disk): find it, drop it, save
            // the rest.
            tracing::error!(error = %e, "a batch of writes was refused; saving them one by one");
            let batch: Vec<Write> = pending.drain(..).collect();
            for write in batch {
                match apply_all(conn, std::iter::once(&write)) {
                    Ok(()) => {}
                    Err(e) if is_transient(&e) => pending.push_back(write),
                    Err(e) => {
                        tracing::error!(error = %e, ?write, "a write was refused and dropped")
                    }
                }
            }
            if pending.is_empty() {
                *retry = None;
                health.recovered();
            } else {
                *retry = Some((Instant::now() + FIRST_RETRY, FIRST_RETRY));
            }
        }
    }
    health.set_waiting(pending.len());
}

fn apply_all<'a>(
    conn: &mut Connection,
    writes: impl Iterator<Item = &'a Write>,
) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    for write in writes {
        write.apply(&tx)?;
    }
    tx.commit()
}

/// Failures of the disk or the file, not of the write: keep the writes, tell the user, try
/// again (a file damaged while the app runs is moved aside at the next start).
fn is_transient(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(
            ErrorCode::DatabaseCorrupt
                | ErrorCode::NotADatabase
                | ErrorCode::DiskFull
                | ErrorCode::ReadOnly
                | ErrorCode::SystemIoFailure
                | ErrorCode::CannotOpen
                | ErrorCode::DatabaseBusy
                | ErrorCode::DatabaseLocked
                | ErrorCode::OutOfMemory
                | ErrorCode::PermissionDenied
        )
    )
}
