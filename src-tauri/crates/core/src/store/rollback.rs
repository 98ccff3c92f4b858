//! Rolling a session back: its last turns leave the transcript (items, the user's answers
//! about them, their search entries) and the session moves to the codex thread that no longer
//! holds them, all in one transaction.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use crate::error::Result;

/// Removes `turns` (their items, decisions and rows) from a session and points it at
/// `thread_id` (`None`: the next prompt starts a new thread); the session is idle again. Returns the text the user typed
/// in the first of them, to offer it again.
pub(super) fn remove_turns(
    conn: &Connection,
    session_id: &str,
    turns: &[String],
    thread_id: Option<&str>,
    at: i64,
) -> Result<Option<String>> {
    let tx = conn.unchecked_transaction()?;
    let prompt = match turns.first() {
        Some(first) => tx
            .query_row(
                "SELECT json FROM items WHERE session_id = ?1 AND turn_id = ?2
                   AND kind = 'userMessage' ORDER BY seq LIMIT 1",
                params![session_id, first],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .and_then(|json| typed_text(&json)),
        None => None,
    };
    // An MCP server's questions belong to no turn: those asked from the first of these turns on
    // go with them.
    if let Some(first) = turns.first() {
        tx.execute(
            "DELETE FROM items WHERE session_id = ?1 AND turn_id = '' AND kind = ?3
               AND seq > (SELECT MIN(seq) FROM items WHERE session_id = ?1 AND turn_id = ?2)",
            params![session_id, first, super::questions::KIND],
        )?;
    }
    for turn in turns {
        // Search entries go with the items (trigger `items_forget_text`).
        tx.execute(
            "DELETE FROM items WHERE session_id = ?1 AND turn_id = ?2",
            params![session_id, turn],
        )?;
        tx.execute(
            "DELETE FROM decisions WHERE session_id = ?1 AND turn_id = ?2",
            params![session_id, turn],
        )?;
        tx.execute(
            "DELETE FROM turns WHERE session_id = ?1 AND id = ?2",
            params![session_id, turn],
        )?;
    }
    tx.execute(
        // What went wrong in those turns went with them.
        "UPDATE sessions SET thread_id = ?2, status = 'idle', last_error = NULL, updated_at = ?3
         WHERE id = ?1",
        params![session_id, thread_id, at],
    )?;
    tx.commit()?;
    Ok(prompt)
}

/// The text parts of a stored user message, joined as the user typed them.
fn typed_text(json: &str) -> Option<String> {
    let item: Value = serde_json::from_str(json).ok()?;
    let text: Vec<&str> = item["content"]
        .as_array()?
        .iter()
        .filter(|part| part["type"] == "text")
        .filter_map(|part| part["text"].as_str())
        .collect();
    (!text.is_empty()).then(|| text.join("\n"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::store::sessions::tests::sample;
    use crate::store::{NewItem, Store};

    fn add(store: &Store, turn: &str, id: &str, item: serde_json::Value) {
        store.upsert_item(NewItem {
            session_id: "s".into(),
            turn_id: turn.into(),
            item_id: id.into(),
            kind: item["type"].as_str().unwrap_or_default().into(),
            json: item.to_string(),
        });
    }

    #[tokio::test]
    async fn the_last_turns_leave_the_transcript_and_search_and_their_prompt_comes_back() {
        let store = Store::open_in_memory().expect("store");
        store.insert_session(sample("s", 1));
        store.set_session_status(
            "s",
            codex_desk_protocol::SessionStatus::Failed,
            Some("the model failed"),
        );
        for (turn, words) in [("t1", "alpha"), ("t2", "bravo"), ("t3", "charlie")] {
            store.turn_started("s", turn);
            add(
                &store,
                turn,
                "u",
                json!({"type": "userMessage", "id": "u", "content": [{"type": "text", "text": format!("say {words}")}]}),
            );
            add(
                &store,
                turn,
                "a",
                json!({"type": "agentMessage", "id": "a", "text": format!("{words} said")}),
            );
            store.turn_finished("s", turn, "completed", None);
            // An MCP server's question, outside any turn, after it.
            add(
                &store,
                "",
                &format!("question-{turn}"),
                json!({"type": "deskQuestion", "id": format!("question-{turn}"), "request": {}, "outcome": null}),
            );
        }
        store.finish_search_index().await.expect("indexed");

        let prompt = store
            .roll_back("s", vec!["t2".into(), "t3".into()], Some("thread-2"))
            .await
            .expect("rolled back");

        assert_eq!(prompt.as_deref(), Some("say bravo"));
        let turns: Vec<String> = store
            .all_turns("s")
            .await
            .expect("turns")
            .into_iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(turns, ["t1"]);
        let items = store.list_items("s").await.expect("items");
        let kept: Vec<(&str, &str)> = items
            .iter()
            .map(|i| {
                (
                    i.turn_id.as_str(),
                    i.item["id"].as_str().unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(kept, [("t1", "u"), ("t1", "a"), ("", "question-t1")]);
        let session = store.session("s").await.expect("read").expect("session");
        assert_eq!(session.thread_id.as_deref(), Some("thread-2"));
        assert_eq!(session.status, codex_desk_protocol::SessionStatus::Idle);
        assert_eq!(session.last_error, None);
        for (word, found) in [("alpha", 2), ("bravo", 0), ("charlie", 0)] {
            let results = store
                .search(codex_desk_protocol::SearchQuery {
                    text: word.into(),
                    ..Default::default()
                })
                .await
                .expect("search");
            assert_eq!(results.hits.len(), found, "{word}");
        }

        // What comes next is found (it takes the rowids the removed items freed).
        store.turn_started("s", "t4");
        add(
            &store,
            "t4",
            "u",
            json!({"type": "userMessage", "id": "u", "content": [{"type": "text", "text": "say delta"}]}),
        );
        store.finish_search_index().await.expect("indexed");
        let results = store
            .search(codex_desk_protocol::SearchQuery {
                text: "delta".into(),
                ..Default::default()
            })
            .await
            .expect("search");
        assert_eq!(
            results.hits.len(),
            1,
            "a new item after a rollback is searchable"
        );
        store
            .roll_back("s", vec!["t4".into()], Some("thread-2"))
            .await
            .expect("rolled back");

        // Every turn gone: the session has no thread until the next prompt starts one.
        store
            .roll_back("s", vec!["t1".into()], None)
            .await
            .expect("rolled back");
        let session = store.session("s").await.expect("read").expect("session");
        assert_eq!(session.thread_id, None);
        assert!(store.list_items("s").await.expect("items").is_empty());
    }
}
