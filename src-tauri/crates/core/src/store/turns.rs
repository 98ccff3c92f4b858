//! The `turns` table: each prompt's turn with its final status and error.

use codex_desk_protocol::{StoredItem, TurnInfo, TurnUsage};
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

/// Pages ask for the turns that started after a given one.
pub(super) const MIGRATION_2: &str = "
CREATE INDEX turns_in_order ON turns(session_id, started_at);
";

/// What each turn used (JSON of [`TurnUsage`]; none before codex counted).
pub(super) const MIGRATION_10: &str = "
ALTER TABLE turns ADD COLUMN usage TEXT;
";

/// Which codex process ran the turn (NULL: not known, as before this existed).
pub(super) const MIGRATION_12: &str = "
ALTER TABLE turns ADD COLUMN codex_run TEXT;
";

/// Codex may count before the turn's row is written (its start is recorded once codex
/// answers `turn/start`): the row is then begun here.
pub(super) fn set_usage(
    conn: &Connection,
    session_id: &str,
    turn_id: &str,
    json: &str,
    at: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO turns (session_id, id, status, started_at, usage)
         VALUES (?1, ?2, 'inProgress', ?4, ?3)
         ON CONFLICT(session_id, id) DO UPDATE SET usage = ?3",
        params![session_id, turn_id, json, at],
    )?;
    Ok(())
}

/// A stored usage; one this version cannot read (a newer app's) counts as none.
pub(super) fn usage_of(json: &str) -> Option<TurnUsage> {
    serde_json::from_str(json).ok()
}

pub(super) fn started(
    conn: &Connection,
    session_id: &str,
    turn_id: &str,
    run: Option<&str>,
    at: i64,
) -> rusqlite::Result<()> {
    // The row may be begun already (codex counted tokens first): the run is added.
    conn.execute(
        "INSERT INTO turns (session_id, id, status, started_at, codex_run)
         VALUES (?1, ?2, 'inProgress', ?3, ?4)
         ON CONFLICT(session_id, id) DO UPDATE SET codex_run = COALESCE(codex_run, excluded.codex_run)",
        params![session_id, turn_id, at, run],
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

#[cfg(test)]
pub(super) fn list(conn: &Connection, session_id: &str) -> Result<Vec<TurnInfo>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, status, error, started_at, completed_at, rowid, usage FROM turns
         WHERE session_id = ?1 ORDER BY started_at, rowid",
    )?;
    let rows = stmt.query_map([session_id], turn_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The turns a page of items belongs to; for the newest page (`newest`), also every turn that
/// started after them (a running turn, a turn that failed before writing an item).
pub(super) fn for_page(
    conn: &Connection,
    session_id: &str,
    items: &[StoredItem],
    newest: bool,
) -> Result<Vec<TurnInfo>> {
    let mut wanted: Vec<&str> = items.iter().map(|i| i.turn_id.as_str()).collect();
    wanted.dedup();
    let mut one = conn.prepare_cached(
        "SELECT id, status, error, started_at, completed_at, rowid, usage FROM turns
         WHERE session_id = ?1 AND id = ?2",
    )?;
    // (turn, its place: start time, then insertion order)
    let mut turns: Vec<(TurnInfo, (i64, i64))> = Vec::new();
    for id in wanted {
        if turns.iter().any(|(t, _)| t.id == id) {
            continue;
        }
        if let Some(turn) = one.query_map(params![session_id, id], placed_turn)?.next() {
            turns.push(turn?);
        }
    }
    if newest {
        let (at, rowid) = turns
            .iter()
            .map(|(_, place)| *place)
            .max()
            .unwrap_or((i64::MIN, i64::MIN));
        let mut later = conn.prepare_cached(
            "SELECT id, status, error, started_at, completed_at, rowid, usage FROM turns
             WHERE session_id = ?1 AND (started_at > ?2 OR (started_at = ?2 AND rowid > ?3))
             ORDER BY started_at DESC, rowid DESC LIMIT 500",
        )?;
        let extra = later
            .query_map(params![session_id, at, rowid], placed_turn)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        turns.extend(extra);
    }
    turns.sort_by_key(|(_, place)| *place);
    Ok(turns.into_iter().map(|(turn, _)| turn).collect())
}

fn placed_turn(r: &rusqlite::Row<'_>) -> rusqlite::Result<(TurnInfo, (i64, i64))> {
    Ok((turn_row(r)?, (r.get(3)?, r.get(5)?)))
}

fn turn_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TurnInfo> {
    Ok(TurnInfo {
        id: r.get(0)?,
        status: r.get(1)?,
        error: r.get(2)?,
        started_at: r.get(3)?,
        completed_at: r.get(4)?,
        usage: r.get::<_, Option<String>>(6)?.as_deref().and_then(usage_of),
        // The window does not need it (exports read it with the rest of the turn).
        codex_run: None,
    })
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
