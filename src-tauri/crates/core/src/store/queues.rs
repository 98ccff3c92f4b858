//! Follow-ups the user queued, per session, so a quit does not lose them (they come back held:
//! the user sends them when they choose).

use codex_desk_protocol::QueuedPrompt;
use rusqlite::{params, Connection};

use crate::error::Result;

pub(super) const MIGRATION_8: &str = "
CREATE TABLE queues (
    session_id  TEXT PRIMARY KEY NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    queued      TEXT NOT NULL
) WITHOUT ROWID;
";

/// Every session's queue that is not empty.
pub(super) fn all(conn: &Connection) -> Result<Vec<(String, Vec<QueuedPrompt>)>> {
    let mut stmt = conn.prepare_cached("SELECT session_id, queued FROM queues")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, json) = row?;
        match serde_json::from_str::<Vec<QueuedPrompt>>(&json) {
            Ok(queued) if !queued.is_empty() => out.push((id, queued)),
            Ok(_) => {}
            Err(e) => tracing::warn!(session = %id, error = %e, "an unreadable queue was left out"),
        }
    }
    Ok(out)
}

/// Replaces a session's queue (an empty one removes the row).
pub(super) fn set(conn: &Connection, session_id: &str, json: Option<&str>) -> rusqlite::Result<()> {
    match json {
        Some(json) => conn
            .prepare_cached(
                "INSERT INTO queues (session_id, queued) VALUES (?1, ?2)
                 ON CONFLICT(session_id) DO UPDATE SET queued = excluded.queued",
            )?
            .execute(params![session_id, json])
            .map(|_| ()),
        None => conn
            .prepare_cached("DELETE FROM queues WHERE session_id = ?1")?
            .execute([session_id])
            .map(|_| ()),
    }
}
