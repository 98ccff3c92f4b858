//! Checkpoints of what is still streaming: every item codex started and has not completed, with
//! the text, reasoning and command output received so far. The pump writes the changed ones at
//! most every [`CHECKPOINT_EVERY`], so an app killed mid-stream loses about a second of it; an
//! item codex never completes (a stopped or failed turn) is kept as it was. A draft is codex's
//! item JSON with `"deskDraft": true`; `item/completed` replaces it in place.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use serde_json::Value;

use crate::codex::wire::{self, method};
use crate::store::NewItem;

/// How often streaming items are written while they stream.
pub const CHECKPOINT_EVERY: Duration = Duration::from_millis(750);

/// The marker of an item stored before codex completed it.
pub const DRAFT_MARKER: &str = "deskDraft";

struct Draft {
    turn_id: String,
    item: Value,
}

#[derive(Default)]
pub struct Drafts {
    items: HashMap<String, Draft>,
    dirty: BTreeSet<String>,
}

impl Drafts {
    /// Follows one codex notification.
    pub fn apply(&mut self, name: &str, params: &Value) {
        match name {
            method::ITEM_STARTED => {
                let Some(event) = wire::read::<wire::ItemEvent>("an item/started", params) else {
                    return;
                };
                let mut item = params["item"].clone();
                item[DRAFT_MARKER] = Value::Bool(true);
                let turn_id = event.turn_id;
                self.dirty.insert(event.item.id.clone());
                self.items.insert(event.item.id, Draft { turn_id, item });
            }
            method::ITEM_COMPLETED => {
                if let Some(event) = wire::read::<wire::ItemEvent>("an item/completed", params) {
                    self.items.remove(&event.item.id);
                    self.dirty.remove(&event.item.id);
                }
            }
            method::AGENT_MESSAGE_DELTA | method::COMMAND_OUTPUT_DELTA => {
                let Some(d) = wire::read::<wire::Delta>(name, params) else {
                    return;
                };
                let field = if name == method::AGENT_MESSAGE_DELTA {
                    "text"
                } else {
                    "aggregatedOutput"
                };
                self.append(d.item_id, |item| push(&mut item[field], d.delta));
            }
            method::REASONING_SUMMARY_DELTA => {
                let Some(d) = wire::read::<wire::SummaryDelta>(name, params) else {
                    return;
                };
                let index = to_index(d.summary_index);
                self.append(d.item_id, |item| {
                    push_at(&mut item["summary"], index, d.delta)
                });
            }
            method::REASONING_TEXT_DELTA => {
                let Some(d) = wire::read::<wire::ContentDelta>(name, params) else {
                    return;
                };
                let index = to_index(d.content_index);
                self.append(d.item_id, |item| {
                    push_at(&mut item["content"], index, d.delta)
                });
            }
            _ => {}
        }
    }

    fn append(&mut self, id: &str, update: impl FnOnce(&mut Value)) {
        if let Some(draft) = self.items.get_mut(id) {
            update(&mut draft.item);
            self.dirty.insert(id.to_string());
        }
    }

    /// The drafts changed since the last call, to write now.
    pub fn take_changed(&mut self, session_id: &str) -> Vec<NewItem> {
        let dirty = std::mem::take(&mut self.dirty);
        dirty
            .into_iter()
            .filter_map(|id| self.items.get(&id).map(|d| to_item(session_id, &id, d)))
            .collect()
    }

    /// The turn ended: its items codex did not complete stay as they were; returns them to
    /// write one last time.
    pub fn finish_turn(&mut self, session_id: &str, turn_id: &str) -> Vec<NewItem> {
        let ids: Vec<String> = self
            .items
            .iter()
            .filter(|(_, d)| d.turn_id == turn_id)
            .map(|(id, _)| id.clone())
            .collect();
        ids.into_iter()
            .filter_map(|id| {
                self.dirty.remove(&id);
                self.items.remove(&id).map(|d| to_item(session_id, &id, &d))
            })
            .collect()
    }

    /// Everything still streaming (codex ended): returns it to write one last time.
    pub fn finish_all(&mut self, session_id: &str) -> Vec<NewItem> {
        self.dirty.clear();
        self.items
            .drain()
            .map(|(id, d)| to_item(session_id, &id, &d))
            .collect()
    }
}

fn to_item(session_id: &str, id: &str, draft: &Draft) -> NewItem {
    NewItem {
        session_id: session_id.to_string(),
        turn_id: draft.turn_id.clone(),
        item_id: id.to_string(),
        kind: draft
            .item
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_string(),
        json: draft.item.to_string(),
    }
}

/// A part index codex sent (`push_at` bounds it).
fn to_index(i: u64) -> usize {
    usize::try_from(i).unwrap_or(usize::MAX)
}

fn push(field: &mut Value, delta: &str) {
    match field {
        Value::String(s) => s.push_str(delta),
        _ => *field = Value::String(delta.to_string()),
    }
}

fn push_at(field: &mut Value, index: usize, delta: &str) {
    if !field.is_array() {
        *field = Value::Array(Vec::new());
    }
    if let Value::Array(parts) = field {
        // Codex numbers the parts; a part is capped so a bogus index cannot grow the list.
        let index = index.min(parts.len()).min(64);
        if parts.len() <= index {
            parts.push(Value::String(String::new()));
        }
        push(&mut parts[index], delta);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn drafts_follow_the_stream_and_end_with_the_item_or_the_turn() {
        let mut drafts = Drafts::default();
        drafts.apply(
            "item/started",
            &json!({"turnId": "t1", "item": {"type": "agentMessage", "id": "m", "text": ""}}),
        );
        drafts.apply(
            "item/started",
            &json!({"turnId": "t1", "item": {"type": "commandExecution", "id": "c", "aggregatedOutput": null, "status": "inProgress"}}),
        );
        for delta in ["Hel", "lo"] {
            drafts.apply(
                "item/agentMessage/delta",
                &json!({"itemId": "m", "delta": delta}),
            );
        }
        drafts.apply(
            "item/commandExecution/outputDelta",
            &json!({"itemId": "c", "delta": "line1\n"}),
        );
        let changed = drafts.take_changed("s");
        assert_eq!(changed.len(), 2);
        let message: Value =
            serde_json::from_str(&changed.iter().find(|i| i.item_id == "m").expect("m").json)
                .expect("json");
        assert_eq!(message["text"], "Hello");
        assert_eq!(message[DRAFT_MARKER], true);
        assert!(
            drafts.take_changed("s").is_empty(),
            "nothing new, nothing to write"
        );

        drafts.apply(
            "item/completed",
            &json!({"turnId": "t1", "item": {"type": "agentMessage", "id": "m", "text": "Hello"}}),
        );
        drafts.apply(
            "item/commandExecution/outputDelta",
            &json!({"itemId": "c", "delta": "line2\n"}),
        );
        let left = drafts.finish_turn("s", "t1");
        assert_eq!(left.len(), 1, "the completed message is codex's to store");
        let command: Value = serde_json::from_str(&left[0].json).expect("json");
        assert_eq!(command["aggregatedOutput"], "line1\nline2\n");
        assert!(drafts.finish_all("s").is_empty());
    }

    #[test]
    fn reasoning_parts_grow_by_index() {
        let mut drafts = Drafts::default();
        drafts.apply(
            "item/started",
            &json!({"turnId": "t", "item": {"type": "reasoning", "id": "r", "summary": [], "content": []}}),
        );
        drafts.apply(
            "item/reasoning/summaryTextDelta",
            &json!({"itemId": "r", "delta": "a", "summaryIndex": 0}),
        );
        drafts.apply(
            "item/reasoning/summaryTextDelta",
            &json!({"itemId": "r", "delta": "b", "summaryIndex": 1}),
        );
        drafts.apply(
            "item/reasoning/summaryTextDelta",
            &json!({"itemId": "r", "delta": "c", "summaryIndex": 1_000_000}),
        );
        let item: Value = serde_json::from_str(&drafts.take_changed("s")[0].json).expect("json");
        // A part index far ahead appends one part, no more.
        assert_eq!(item["summary"], json!(["a", "b", "c"]));
    }
}
