//! The `turns` table: each prompt's turn with its final status and error.

use codex_desk_protocol::TurnInfo;
use rusqlite::{params, Connection};

use crate::error::Result;

pub(super) const MIGRATION_1: &str = "
CREATE TABLE turns (
    session_id    TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    id            TEXT NOT NULL,
    status        TEXT NOT NULL,
    error         TEXT,
    started_at    INTEGER NOT NULL,
    completed_at  INTEGER,
    PRIMARY KEY (session_id, id)
);
";

pub(super) fn started(
    conn: &Connection,
    session_id: &str,
    turn_id: &str,
    at: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO turns (session_id, id, status, started_at) VALUES (?1, ?2, 'inProgress', ?3)
         ON CONFLICT(session_id, id) DO NOTHING",
        params![session_id, turn_id, at],
    )?;
    Ok(())
}

pub(super) fn finished(
    conn: &Connection,
    session_id: &str,
    turn_id: &str,
    status: &str,
    error: Option<&str>,
    at: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO turns (session_id, id, status, error, started_at, completed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)
         ON CONFLICT(session_id, id) DO UPDATE SET status = ?3, error = ?4, completed_at = ?5",
        params![session_id, turn_id, status, error, at],
    )?;
    Ok(())
}

/// Marks every unfinished turn of a session as failed with `error` (after a crash).
pub(super) fn close_open(
    conn: &Connection,
    session_id: &str,
    status: &str,
    error: &str,
    at: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE turns SET status = ?2, error = ?3, completed_at = ?4
         WHERE session_id = ?1 AND status = 'inProgress'",
        params![session_id, status, error, at],
    )?;
    Ok(())
}

pub(super) fn list(conn: &Connection, session_id: &str) -> Result<Vec<TurnInfo>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, status, error, started_at, completed_at FROM turns
         WHERE session_id = ?1 ORDER BY started_at, rowid",
    )?;
    let rows = stmt.query_map([session_id], |r| {
        Ok(TurnInfo {
            id: r.get(0)?,
            status: r.get(1)?,
            error: r.get(2)?,
            started_at: r.get(3)?,
            completed_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::super::sessions::tests::sample;
    use crate::store::Store;

    #[tokio::test]
    async fn turns_record_status_and_errors() {
        let store = Store::open_in_memory().expect("store");
        store.insert_session(sample("s", 1));
        store.turn_started("s", "t1");
        store.turn_finished("s", "t1", "completed", None);
        store.turn_started("s", "t2");
        store.turn_started("s", "t2"); // twice is harmless
        store.fail_open_turns("s", "codex crashed");
        let turns = store.list_turns("s").await.expect("list");
        assert_eq!(turns.len(), 2);
        assert_eq!(turns[0].status, "completed");
        assert_eq!(turns[1].status, "failed");
        assert_eq!(turns[1].error.as_deref(), Some("codex crashed"));
        assert!(turns[1].completed_at.is_some());
    }
}
