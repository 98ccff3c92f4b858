//! The `items` table: every completed codex item of a session, as codex's JSON.

use codex_desk_protocol::StoredItem;
use rusqlite::{params, Connection};

use crate::error::Result;

pub(super) const MIGRATION_1: &str = "
CREATE TABLE items (
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    item_id     TEXT NOT NULL,
    turn_id     TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    json        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (session_id, turn_id, item_id)
);
CREATE INDEX items_in_order ON items(session_id, seq);
";

/// A completed item to store.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub session_id: String,
    pub turn_id: String,
    pub item_id: String,
    /// Codex's item type (`agentMessage`, `commandExecution`, ...).
    pub kind: String,
    /// Codex's item JSON.
    pub json: String,
}

/// Stores an item at the end of the session; storing the same item of the same turn again
/// replaces its content and keeps its place.
pub(super) fn upsert(conn: &Connection, item: &NewItem, at: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO items (session_id, item_id, turn_id, seq, kind, json, created_at)
         VALUES (?1, ?2, ?3,
                 (SELECT COALESCE(MAX(seq), 0) + 1 FROM items WHERE session_id = ?1),
                 ?4, ?5, ?6)
         ON CONFLICT(session_id, turn_id, item_id) DO UPDATE SET json = ?5, kind = ?4",
    )?
    .execute(params![
        item.session_id,
        item.item_id,
        item.turn_id,
        item.kind,
        item.json,
        at
    ])?;
    Ok(())
}

pub(super) fn list(conn: &Connection, session_id: &str) -> Result<Vec<StoredItem>> {
    let mut stmt = conn.prepare_cached(
        "SELECT turn_id, seq, json FROM items WHERE session_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([session_id], |r| {
        let json: String = r.get(2)?;
        Ok(StoredItem {
            turn_id: r.get(0)?,
            seq: r.get(1)?,
            // A row this app wrote is valid JSON; a damaged one shows as null, not a failure.
            item: serde_json::from_str(&json).unwrap_or(serde_json::Value::Null),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::super::sessions::tests::sample;
    use super::*;
    use crate::store::Store;
    use serde_json::json;

    #[tokio::test]
    async fn items_keep_order_and_replace_in_place() {
        let store = Store::open_in_memory().expect("store");
        store.insert_session(sample("s", 1));
        let a = json!({"type": "userMessage", "id": "a"});
        let b = json!({"type": "agentMessage", "id": "b", "text": "draft"});
        let b2 = json!({"type": "agentMessage", "id": "b", "text": "final"});
        for (id, kind, item) in [
            ("a", "userMessage", &a),
            ("b", "agentMessage", &b),
            ("b", "agentMessage", &b2),
        ] {
            store.upsert_item(NewItem {
                session_id: "s".into(),
                turn_id: "t1".into(),
                item_id: id.into(),
                kind: kind.into(),
                json: item.to_string(),
            });
        }
        let items = store.list_items("s").await.expect("list");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].item, a);
        assert_eq!(items[1].item, b2);
        assert!(items[0].seq < items[1].seq);
    }
}
