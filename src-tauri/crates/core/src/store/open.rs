//! Opening the database file: a folder or a file in the way is explained, a database written by
//! a newer Codex Desk is refused without being touched, and one that cannot be read is moved
//! aside (never deleted) so the app starts with a fresh one.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::MIGRATIONS;
use crate::error::{CoreError, Result};
use crate::files;

/// An open, migrated database and what the user should be told about opening it.
pub(super) struct Opened {
    pub conn: Connection,
    pub notices: Vec<String>,
}

pub(super) fn open_file(path: &Path) -> Result<Opened> {
    let unusable = |reason: String| CoreError::Database {
        path: path.to_path_buf(),
        reason,
    };
    if let Some(dir) = path.parent() {
        if dir.exists() && !dir.is_dir() {
            return Err(CoreError::DataDir {
                path: dir.to_path_buf(),
                reason: "it is a file, not a folder".into(),
            });
        }
        files::private_dir(dir).map_err(|e| CoreError::DataDir {
            path: dir.to_path_buf(),
            reason: e.to_string(),
        })?;
    }
    if path.is_dir() {
        return Err(unusable("it is a folder, not a database file".into()));
    }
    let mut notices = Vec::new();
    if path.exists() {
        match schema_version(path) {
            Ok(version) if version > MIGRATIONS.len() => {
                return Err(CoreError::DatabaseTooNew {
                    path: path.to_path_buf(),
                    found: version,
                    known: MIGRATIONS.len(),
                })
            }
            Ok(_) => {}
            Err(e) if is_damaged(&e) => notices.push(move_aside(path, &e)?),
            Err(e) => return Err(unusable(describe(&e))),
        }
    }
    match open_and_migrate(path) {
        Ok(conn) => Ok(Opened { conn, notices }),
        Err(e) if is_damaged(&e) && notices.is_empty() => {
            notices.push(move_aside(path, &e)?);
            let conn = open_and_migrate(path).map_err(|e| unusable(describe(&e)))?;
            Ok(Opened { conn, notices })
        }
        Err(e) => Err(unusable(describe(&e))),
    }
}

/// The schema version, read without changing anything.
fn schema_version(path: &Path) -> rusqlite::Result<usize> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    // Reading the schema proves the file is a database, not just that it has a header.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })?;
    Ok(usize::try_from(version).unwrap_or(0))
}

fn open_and_migrate(path: &Path) -> rusqlite::Result<Connection> {
    // Owner-only before SQLite opens it: SQLite gives its -wal and -shm files the database
    // file's permissions.
    if let Err(e) = files::open_private_append(path) {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
            Some(e.to_string()),
        ));
    }
    let mut conn = Connection::open(path)?;
    configure(&mut conn)?;
    for suffix in ["-wal", "-shm"] {
        let side = sibling(path, suffix);
        if side.exists() {
            let _ = files::restrict_file(&side);
        }
    }
    Ok(conn)
}

/// Pragmas and migrations, for a file or an in-memory database.
pub(super) fn configure(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let done: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let done = usize::try_from(done).unwrap_or(0);
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(done) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}

fn is_damaged(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
    )
}

fn describe(e: &rusqlite::Error) -> String {
    match e.sqlite_error_code() {
        Some(ErrorCode::ReadOnly) => "the disk or the file is read-only".into(),
        Some(ErrorCode::DiskFull) => "the disk is full".into(),
        Some(ErrorCode::PermissionDenied) => "you do not have permission to open it".into(),
        Some(ErrorCode::CannotOpen) => format!("it cannot be opened ({e})"),
        _ => e.to_string(),
    }
}

/// Renames the damaged database (and its -wal/-shm) with a timestamp; returns what to tell.
fn move_aside(path: &Path, why: &rusqlite::Error) -> Result<String> {
    let stamp = timestamp();
    let aside = sibling(path, &format!(".damaged-{stamp}"));
    std::fs::rename(path, &aside).map_err(|e| {
        CoreError::io(
            format!(
                "The database {} cannot be read ({why}) and could not be moved aside",
                path.display()
            ),
            e,
        )
    })?;
    for suffix in ["-wal", "-shm"] {
        let side = sibling(path, suffix);
        if side.exists() {
            let _ = std::fs::rename(&side, sibling(&aside, suffix));
        }
    }
    tracing::warn!(from = %path.display(), to = %aside.display(), error = %why, "moved a damaged database aside");
    Ok(format!(
        "Your session database could not be read ({why}), so Codex Desk started with a fresh one. Nothing was deleted: the old file is now {}.",
        aside.display()
    ))
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// `YYYYMMDD-HHMMSS` in UTC.
fn timestamp() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = i64::try_from(days).unwrap_or(0) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}-{:02}{:02}{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_database_is_moved_aside_not_deleted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("codex-desk.sqlite3");
        std::fs::write(&path, b"this is not a database, just bytes that look wrong")
            .expect("write");
        let opened = open_file(&path).expect("opens fresh");
        assert_eq!(opened.notices.len(), 1, "the user is told");
        assert!(
            opened.notices[0].contains("Nothing was deleted"),
            "{}",
            opened.notices[0]
        );
        let aside: Vec<_> = std::fs::read_dir(dir.path())
            .expect("ls")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains(".damaged-"))
            .collect();
        assert_eq!(aside.len(), 1);
        assert_eq!(
            std::fs::read(aside[0].path()).expect("kept"),
            b"this is not a database, just bytes that look wrong"
        );
    }

    #[test]
    fn a_newer_database_is_refused_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("codex-desk.sqlite3");
        {
            let conn = Connection::open(&path).expect("open");
            conn.pragma_update(None, "user_version", 99)
                .expect("version");
        }
        let before = std::fs::read(&path).expect("read");
        let err = open_file(&path).err().expect("refused");
        assert!(
            matches!(err, CoreError::DatabaseTooNew { found: 99, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("newer"), "{err}");
        assert_eq!(std::fs::read(&path).expect("read"), before, "not touched");
    }

    #[test]
    fn things_in_the_way_are_explained() {
        let dir = tempfile::tempdir().expect("tempdir");
        let folder = dir.path().join("codex-desk.sqlite3");
        std::fs::create_dir(&folder).expect("mkdir");
        let err = open_file(&folder).err().expect("a folder");
        assert!(err.to_string().contains("is a folder"), "{err}");
        let file = dir.path().join("data");
        std::fs::write(&file, "x").expect("write");
        let err = open_file(&file.join("codex-desk.sqlite3"))
            .err()
            .expect("a file");
        assert!(err.to_string().contains("is a file"), "{err}");
    }

    #[test]
    fn timestamps_are_calendar_dates() {
        let stamp = timestamp();
        assert_eq!(stamp.len(), 15, "{stamp}");
        assert!(stamp.starts_with("20"), "{stamp}");
    }
}
