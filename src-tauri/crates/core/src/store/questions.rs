//! The questions codex asked the user (approval cards, questions, forms, requests for access),
//! kept in the transcript as items of their own kind, with how each ended: a restart shows
//! them where they were asked, answered or not, as the window showed them. What the user typed
//! into answers or forms is never kept (it may be secret): only how the question ended.

use codex_desk_protocol::{ApprovalOutcome, ApprovalRequest, ElicitationAsk};
use rusqlite::{params, Connection};
use serde_json::json;

use super::NewItem;

/// The kind of item a question is stored as (no codex item has it).
pub const KIND: &str = "deskQuestion";

/// The item id of the question `key`.
pub fn item_id(key: &str) -> String {
    format!("question-{key}")
}

/// The item a question codex just asked is stored as (ended: not yet). A page an MCP server
/// asks to open is kept without its query and fragment (they may carry one-time sign-in state).
pub(super) fn asked(session_id: &str, request: &ApprovalRequest) -> NewItem {
    let id = item_id(&request.key);
    let mut request = request.clone();
    if let Some(elicitation) = request.elicitation.as_deref_mut() {
        if let ElicitationAsk::Url { url } = &mut elicitation.ask {
            if let Some(cut) = url.find(['?', '#']) {
                url.truncate(cut);
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use codex_desk_protocol::{ApprovalChoice, ApprovalKind, Elicitation};

    use super::*;

    #[test]
    fn a_page_to_open_is_kept_without_its_query() {
        let request = ApprovalRequest {
            key: "p:3".into(),
            kind: ApprovalKind::Elicitation,
            turn_id: String::new(),
            item_id: String::new(),
            command: None,
            cwd: None,
            reason: None,
            grant_root: None,
            allow_prefix: None,
            choices: vec![ApprovalChoice::Approve, ApprovalChoice::Decline],
            questions: Vec::new(),
            permissions: None,
            elicitation: Some(Box::new(Elicitation {
                server: "docs".into(),
                message: "Sign in".into(),
                ask: ElicitationAsk::Url {
                    url: "https://auth.example/authorize?state=one-time#frag".into(),
                },
            })),
            network: None,
            asked_at: 1,
        };
        let item = asked("s", &request);
        assert_eq!(item.item_id, "question-p:3");
        assert_eq!(item.kind, KIND);
        assert!(
            item.json.contains("https://auth.example/authorize\""),
            "{}",
            item.json
        );
        assert!(!item.json.contains("one-time"));
    }
}
