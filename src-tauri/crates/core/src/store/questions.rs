//! The questions codex asked the user (approval cards, questions, forms, requests for access),
//! kept in the transcript as items of their own kind, with how each ended: a restart shows
//! them where they were asked, answered or not, as the window showed them. What the user typed
//! into answers or forms is never kept (it may be secret): only how the question ended.

use codex_desk_protocol::{ApprovalOutcome, ApprovalRequest};
use rusqlite::{params, Connection};
use serde_json::json;

use super::NewItem;

/// The kind of item a question is stored as (no codex item has it).
pub const KIND: &str = "deskQuestion";

/// The item id of the question `key`.
pub fn item_id(key: &str) -> String {
    format!("question-{key}")
}

/// The item a question codex just asked is stored as (ended: not yet).
pub(super) fn asked(session_id: &str, request: &ApprovalRequest) -> NewItem {
    let id = item_id(&request.key);
    NewItem {
        session_id: session_id.to_string(),
        turn_id: request.turn_id.clone(),
        item_id: id.clone(),
        kind: KIND.to_string(),
        json: json!({ "type": KIND, "id": id, "request": request, "outcome": null }).to_string(),
    }
}

/// Records how the question ended, in its place.
pub(super) fn settle(
    conn: &Connection,
    session_id: &str,
    request: &ApprovalRequest,
    outcome: &ApprovalOutcome,
) -> rusqlite::Result<()> {
    let outcome = serde_json::to_string(outcome).unwrap_or_else(|_| "null".into());
    conn.prepare_cached(
        "UPDATE items SET json = json_set(json, '$.outcome', json(?4))
         WHERE session_id = ?1 AND turn_id = ?2 AND item_id = ?3",
    )?
    .execute(params![
        session_id,
        request.turn_id,
        item_id(&request.key),
        outcome
    ])?;
    Ok(())
}
