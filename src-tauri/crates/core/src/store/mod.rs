//! SQLite storage: one connection in WAL mode, versioned migrations, one module per table.

mod items;
pub(crate) mod sessions;
mod settings;
mod turns;

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;

use crate::error::Result;

pub use items::NewItem;

/// Migrations in order; `PRAGMA user_version` holds how many have run. Only ever append, and
/// only add tables or columns, so an older app can still open a newer database.
const MIGRATIONS: &[&str] = &[
    sessions::MIGRATION_1,
    turns::MIGRATION_1,
    items::MIGRATION_1,
    settings::MIGRATION_1,
];

/// The app's database. Cheap to clone; every call takes the connection for a short moment.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

impl Store {
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            crate::files::private_dir(dir)?;
        }
        // Owner-only before SQLite opens it: SQLite gives its -wal and -shm files the database
        // file's permissions.
        crate::files::open_private_append(path).map_err(|e| {
            crate::error::CoreError::io(format!("Could not open {}", path.display()), e)
        })?;
        let conn = Connection::open(path)?;
        let store = Self::init(conn)?;
        for suffix in ["-wal", "-shm"] {
            let side = path.with_file_name(format!(
                "{}{suffix}",
                path.file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default()
            ));
            if side.exists() {
                crate::files::restrict_file(&side)?;
            }
        }
        Ok(store)
    }

    /// A private in-memory database, for tests.
    pub fn open_in_memory() -> Result<Self> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Self> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite itself consistent (each write is one
        // statement or one transaction), so a poisoned lock is safe to take over.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let done: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let done = usize::try_from(done).unwrap_or(0);
    if done > MIGRATIONS.len() {
        tracing::warn!(
            done,
            known = MIGRATIONS.len(),
            "database is from a newer Codex Desk"
        );
        return Ok(());
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(done) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_run_once_and_reopen_cleanly() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("db.sqlite3");
        drop(Store::open(&path).expect("first open"));
        let store = Store::open(&path).expect("second open");
        let version: i64 = store
            .conn()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .expect("user_version");
        assert_eq!(version, MIGRATIONS.len() as i64);
        let mode: String = store
            .conn()
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .expect("journal_mode");
        assert_eq!(mode, "wal");
    }
}
