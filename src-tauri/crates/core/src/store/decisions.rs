//! What the user answered when codex asked (approve a command, a change to files), kept for
//! the audit trail: codex's items say whether something ran, not who allowed it.

use rusqlite::{params, Connection};

pub(super) const MIGRATION_5: &str = "
CREATE TABLE decisions (
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    turn_id     TEXT NOT NULL,
    item_id     TEXT NOT NULL,
    choice      TEXT NOT NULL,
    decided_at  INTEGER NOT NULL,
    PRIMARY KEY (session_id, turn_id, item_id)
) WITHOUT ROWID;
";

/// Records (or replaces: the last answer for an item counts) the user's answer about an item.
pub(super) fn record(
    conn: &Connection,
    session_id: &str,
    turn_id: &str,
    item_id: &str,
    choice: &str,
    at: i64,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO decisions (session_id, turn_id, item_id, choice, decided_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(session_id, turn_id, item_id) DO UPDATE SET choice = excluded.choice,
                                                                 decided_at = excluded.decided_at",
    )?
    .execute(params![session_id, turn_id, item_id, choice, at])?;
    Ok(())
}
