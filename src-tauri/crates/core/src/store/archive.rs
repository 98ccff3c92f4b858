//! A session's rows as exported (everything the app stored about it) and an exported session
//! stored again as a new one.

use codex_desk_protocol::{SessionInfo, TurnInfo};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use crate::error::Result;

/// One stored item, whole, with everything its row holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchivedItem {
    pub turn_id: String,
    pub item_id: String,
    pub seq: i64,
    /// Codex's item type.
    pub kind: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Codex's item JSON, as stored.
    pub item: serde_json::Value,
}

/// Every turn of a session, in order.
pub(super) fn turns(conn: &Connection, session_id: &str) -> Result<Vec<TurnInfo>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, status, error, started_at, completed_at, usage, codex_run FROM turns
         WHERE session_id = ?1 ORDER BY started_at, rowid",
    )?;
    let rows = stmt.query_map([session_id], |r| {
        Ok(TurnInfo {
            id: r.get(0)?,
            status: r.get(1)?,
            error: r.get(2)?,
            started_at: r.get(3)?,
            completed_at: r.get(4)?,
            usage: r
                .get::<_, Option<String>>(5)?
                .as_deref()
                .and_then(super::turns::usage_of),
            codex_run: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Up to `limit` items after `after`, whole, in order (exports read a long session in pages).
pub(super) fn items(
    conn: &Connection,
    session_id: &str,
    after: i64,
    limit: usize,
) -> Result<Vec<ArchivedItem>> {
    let mut stmt = conn.prepare_cached(
        "SELECT turn_id, item_id, seq, kind, created_at, json FROM items
         WHERE session_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
    )?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = stmt.query_map(params![session_id, after, limit], |r| {
        let json: String = r.get(5)?;
        Ok(ArchivedItem {
            turn_id: r.get(0)?,
            item_id: r.get(1)?,
            seq: r.get(2)?,
            kind: r.get(3)?,
            created_at: r.get(4)?,
            // A row this app wrote is valid JSON; a damaged one is kept as its text.
            item: serde_json::from_str(&json).unwrap_or(serde_json::Value::String(json)),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Stores an exported session as `session` (a new id) in one transaction: all of it or none.
pub(super) fn insert(
    conn: &Connection,
    session: &SessionInfo,
    turns: &[TurnInfo],
    items: &[ArchivedItem],
) -> Result<()> {
    let tx = conn.unchecked_transaction()?;
    super::sessions::insert(&tx, session)?;
    insert_history(&tx, &session.id, turns, items)?;
    tx.commit()?;
    Ok(())
}

/// Gives a stored session a thread: its id, a title and its history (after any items the
/// session has), in one transaction.
pub(super) fn add(
    conn: &Connection,
    session_id: &str,
    thread: (&str, &str),
    turns: &[TurnInfo],
    items: &[ArchivedItem],
) -> Result<()> {
    let tx = conn.unchecked_transaction()?;
    let after: i64 = tx.query_row(
        "SELECT COALESCE(MAX(seq), 0) FROM items WHERE session_id = ?1",
        [session_id],
        |r| r.get(0),
    )?;
    let items: Vec<ArchivedItem> = items
        .iter()
        .map(|i| ArchivedItem {
            seq: i.seq + after,
            ..i.clone()
        })
        .collect();
    insert_history(&tx, session_id, turns, &items)?;
    let (thread_id, title) = thread;
    tx.execute(
        "UPDATE sessions SET thread_id = ?2, title = ?3 WHERE id = ?1",
        params![session_id, thread_id, title],
    )?;
    tx.commit()?;
    Ok(())
}

fn insert_history(
    tx: &Connection,
    session_id: &str,
    turns: &[TurnInfo],
    items: &[ArchivedItem],
) -> Result<()> {
    {
        let mut turn = tx.prepare_cached(
            "INSERT INTO turns (session_id, id, status, error, started_at, completed_at, usage,
                                codex_run)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT(session_id, id) DO NOTHING",
        )?;
        for t in turns {
            let usage = t.usage.and_then(|u| serde_json::to_string(&u).ok());
            turn.execute(params![
                session_id,
                t.id,
                t.status,
                t.error,
                t.started_at,
                t.completed_at,
                usage,
                t.codex_run
            ])?;
        }
        let mut item = tx.prepare_cached(
            "INSERT INTO items (session_id, item_id, turn_id, seq, kind, json, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT(session_id, turn_id, item_id) DO NOTHING",
        )?;
        for i in items {
            item.execute(params![
                session_id,
                i.item_id,
                i.turn_id,
                i.seq,
                i.kind,
                i.item.to_string(),
                i.created_at
            ])?;
        }
    }
    Ok(())
}
