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
/// replaces its content and keeps its place. Its text is indexed for search when the database
/// thread is idle (a replaced item already indexed is queued again by a trigger,
/// `items_text_changed`, so a new item costs one statement).
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

/// A string longer than this reaches the window cut ([`shorten`]); the whole item is one
/// request away ([`whole`]).
const LONGEST_SHOWN: usize = 64 * 1024;
/// How much of a cut string's start is kept (the rest of the budget goes to its end, where a
/// command's errors and a build's result are).
const CUT_HEAD: usize = 8 * 1024;

/// The columns an item is read with: its turn, place, JSON and the user's decision about it.
const ITEM_COLUMNS: &str = "i.turn_id, i.seq, i.json, d.choice FROM items i
    LEFT JOIN decisions d ON d.session_id = i.session_id AND d.turn_id = i.turn_id
                         AND d.item_id = i.item_id";

fn read_item(r: &rusqlite::Row<'_>, whole: bool) -> rusqlite::Result<StoredItem> {
    let json: String = r.get(2)?;
    let choice: Option<String> = r.get(3)?;
    let mut item = stored_item(r.get(0)?, r.get(1)?, &json, whole);
    item.decision = choice.as_deref().and_then(super::decisions::choice);
    Ok(item)
}

fn stored_item(turn_id: String, seq: i64, json: &str, whole: bool) -> StoredItem {
    // A row this app wrote is valid JSON; a damaged one shows as null, not a failure.
    let mut item = serde_json::from_str(json).unwrap_or(serde_json::Value::Null);
    if !whole && json.len() > LONGEST_SHOWN && shorten(&mut item) {
        if let Some(object) = item.as_object_mut() {
            object.insert("deskTruncated".into(), json.len().into());
        }
    }
    StoredItem {
        turn_id,
        seq,
        item,
        decision: None,
    }
}

/// Cuts every string over [`LONGEST_SHOWN`] to its start and end; true when one was cut.
fn shorten(value: &mut serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(text) if text.len() > LONGEST_SHOWN => {
            let head_end = floor_boundary(text, CUT_HEAD);
            let tail_start = ceil_boundary(text, text.len() - (LONGEST_SHOWN - CUT_HEAD));
            let hidden = tail_start - head_end;
            *text = format!(
                "{}\n\n… {} not shown: use Show all …\n\n{}",
                &text[..head_end],
                human_bytes(hidden),
                &text[tail_start..]
            );
            true
        }
        // Every string is cut (no short circuit): `|=`, not `any`.
        serde_json::Value::Array(values) => {
            let mut cut = false;
            for v in values {
                cut |= shorten(v);
            }
            cut
        }
        serde_json::Value::Object(map) => {
            let mut cut = false;
            for v in map.values_mut() {
                cut |= shorten(v);
            }
            cut
        }
        _ => false,
    }
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

fn human_bytes(n: usize) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MB", n as f64 / f64::from(1u32 << 20)),
        n if n >= 1 << 10 => format!("{:.0} KB", n as f64 / 1024.0),
        n => format!("{n} bytes"),
    }
}

/// Every item of a session, whole, in order.
#[cfg(test)]
pub(super) fn list(conn: &Connection, session_id: &str) -> Result<Vec<StoredItem>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ITEM_COLUMNS} WHERE i.session_id = ?1 ORDER BY i.seq"
    ))?;
    let rows = stmt.query_map([session_id], |r| read_item(r, true))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Up to `limit` items before `before` (the newest when `None`), in order, with very long
/// strings cut; and whether older items exist.
pub(super) fn page(
    conn: &Connection,
    session_id: &str,
    before: Option<i64>,
    limit: usize,
) -> Result<(Vec<StoredItem>, bool)> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ITEM_COLUMNS} WHERE i.session_id = ?1 AND i.seq < ?2
         ORDER BY i.seq DESC LIMIT ?3"
    ))?;
    let fetch = i64::try_from(limit).unwrap_or(i64::MAX - 1) + 1;
    let rows = stmt.query_map(
        params![session_id, before.unwrap_or(i64::MAX), fetch],
        |r| read_item(r, false),
    )?;
    let mut items = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    let has_older = items.len() > limit;
    items.truncate(limit);
    items.reverse();
    Ok((items, has_older))
}

/// Up to `limit` items after `after`, in order, with very long strings cut; and whether newer
/// items exist.
pub(super) fn page_after(
    conn: &Connection,
    session_id: &str,
    after: i64,
    limit: usize,
) -> Result<(Vec<StoredItem>, bool)> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ITEM_COLUMNS} WHERE i.session_id = ?1 AND i.seq > ?2
         ORDER BY i.seq LIMIT ?3"
    ))?;
    let fetch = i64::try_from(limit).unwrap_or(i64::MAX - 1) + 1;
    let rows = stmt.query_map(params![session_id, after, fetch], |r| read_item(r, false))?;
    let mut items = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    let has_newer = items.len() > limit;
    items.truncate(limit);
    Ok((items, has_newer))
}

/// One item, whole (after "Show all").
pub(super) fn whole(conn: &Connection, session_id: &str, seq: i64) -> Result<Option<StoredItem>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ITEM_COLUMNS} WHERE i.session_id = ?1 AND i.seq = ?2"
    ))?;
    let mut rows = stmt.query_map(params![session_id, seq], |r| read_item(r, true))?;
    Ok(rows.next().transpose()?)
}

/// An item whole by its ids (an item completed live reaches the window before it has a place).
pub(super) fn whole_by_id(
    conn: &Connection,
    session_id: &str,
    turn_id: &str,
    item_id: &str,
) -> Result<Option<StoredItem>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ITEM_COLUMNS} WHERE i.session_id = ?1 AND i.turn_id = ?2 AND i.item_id = ?3"
    ))?;
    let mut rows = stmt.query_map(params![session_id, turn_id, item_id], |r| {
        read_item(r, true)
    })?;
    Ok(rows.next().transpose()?)
}

#[cfg(test)]
mod tests {
    use super::super::sessions::tests::sample;
    use super::*;
    use crate::store::Store;
    use codex_desk_protocol::ApprovalChoice;
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

    #[tokio::test]
    async fn an_item_comes_with_what_the_user_decided_about_it() {
        let store = Store::open_in_memory().expect("store");
        store.insert_session(sample("s", 1));
        let command = json!({"type": "commandExecution", "id": "c1", "command": "touch /x"});
        add(&store, "t1", "c1", &command);
        add(
            &store,
            "t1",
            "a1",
            &json!({"type": "agentMessage", "id": "a1", "text": "ok"}),
        );
        store.record_decision("s", "t1", "c1", ApprovalChoice::ApproveForSession);
        let (_, page, _) = store.page("s", None, 10).await.expect("page");
        let decisions: Vec<_> = page.iter().map(|i| i.decision).collect();
        assert_eq!(
            decisions,
            vec![Some(ApprovalChoice::ApproveForSession), None]
        );
        let whole = store
            .whole_item("s", page[0].seq)
            .await
            .expect("whole")
            .expect("there");
        assert_eq!(whole.decision, Some(ApprovalChoice::ApproveForSession));
        // Sent to the window without the field when there is none.
        let json = serde_json::to_value(&page[1]).expect("json");
        assert!(json.get("decision").is_none(), "{json}");
    }

    fn add(store: &Store, turn: &str, id: &str, item: &serde_json::Value) {
        store.upsert_item(NewItem {
            session_id: "s".into(),
            turn_id: turn.into(),
            item_id: id.into(),
            kind: "agentMessage".into(),
            json: item.to_string(),
        });
    }

    #[tokio::test]
    async fn pages_go_back_from_the_newest() {
        let store = Store::open_in_memory().expect("store");
        store.insert_session(sample("s", 1));
        for n in 0..10 {
            store.turn_started("s", &format!("t{}", n / 4));
            add(
                &store,
                &format!("t{}", n / 4),
                &format!("i{n}"),
                &json!({"type": "agentMessage", "id": format!("i{n}"), "text": n}),
            );
        }
        store.turn_started("s", "t9"); // failed before any item
        let (turns, newest, older) = store.page("s", None, 4).await.expect("page");
        let texts: Vec<_> = newest
            .iter()
            .map(|i| i.item["text"].as_i64().unwrap_or(-1))
            .collect();
        assert_eq!(texts, [6, 7, 8, 9]);
        assert!(older);
        let ids: Vec<_> = turns.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(
            ids,
            ["t1", "t2", "t9"],
            "the page's turns and the later one"
        );

        let (turns, page, older) = store.page("s", Some(newest[0].seq), 4).await.expect("page");
        let texts: Vec<_> = page
            .iter()
            .map(|i| i.item["text"].as_i64().unwrap_or(-1))
            .collect();
        assert_eq!(texts, [2, 3, 4, 5]);
        assert!(older);
        assert_eq!(
            turns.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
            ["t0", "t1"]
        );

        let (_, last, older) = store.page("s", Some(page[0].seq), 4).await.expect("page");
        assert_eq!(last.len(), 2);
        assert!(!older);
    }

    #[tokio::test]
    async fn a_session_opens_around_an_item_and_reads_on_in_both_directions() {
        let store = Store::open_in_memory().expect("store");
        store.insert_session(sample("s", 1));
        for n in 0..10 {
            store.turn_started("s", &format!("t{n}"));
            add(
                &store,
                &format!("t{n}"),
                &format!("i{n}"),
                &json!({"type": "agentMessage", "id": format!("i{n}"), "text": n}),
            );
        }
        let texts = |items: &[StoredItem]| -> Vec<i64> {
            items
                .iter()
                .map(|i| i.item["text"].as_i64().unwrap_or(-1))
                .collect()
        };
        let (turns, around, older, newer) = store.page_around("s", 5, 4).await.expect("page");
        assert_eq!(texts(&around), [2, 3, 4, 5], "seq 5 is the fifth item");
        assert!(older && newer);
        assert_eq!(turns.len(), 4, "only the turns of these items");
        let (turns, next, newer) = store.page_after("s", 5, 3).await.expect("page");
        assert_eq!(texts(&next), [5, 6, 7]);
        assert!(newer);
        assert_eq!(turns.len(), 3);
        let (turns, last, newer) = store.page_after("s", 8, 3).await.expect("page");
        assert_eq!(texts(&last), [8, 9]);
        assert!(!newer);
        assert_eq!(turns.len(), 2);
        let (_, first, older, newer) = store.page_around("s", 1, 4).await.expect("page");
        assert_eq!(texts(&first), [0, 1]);
        assert!(!older, "nothing before the first item");
        assert!(newer);
    }

    #[tokio::test]
    async fn very_long_text_is_cut_in_pages_and_whole_on_request() {
        let store = Store::open_in_memory().expect("store");
        store.insert_session(sample("s", 1));
        let output = format!("START{}END ✓", "é".repeat(3 << 20));
        let item = json!({"type": "commandExecution", "id": "c", "aggregatedOutput": output});
        add(&store, "t", "c", &item);
        let (_, page, _) = store.page("s", None, 10).await.expect("page");
        let shown = page[0].item["aggregatedOutput"].as_str().expect("text");
        assert!(
            shown.len() <= LONGEST_SHOWN + 100,
            "{} bytes shown",
            shown.len()
        );
        assert!(shown.starts_with("START") && shown.ends_with("END ✓"));
        assert!(shown.contains("MB not shown"));
        assert!(page[0].item["deskTruncated"].as_u64().unwrap_or(0) > 6 << 20);
        let whole = store
            .whole_item("s", page[0].seq)
            .await
            .expect("read")
            .expect("item");
        assert_eq!(whole.item, item);
    }
}
