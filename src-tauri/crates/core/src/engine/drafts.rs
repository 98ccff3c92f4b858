//! Checkpoints of what is still streaming: every item codex started and has not completed, with
//! the text, reasoning and command output received so far. The pump writes the changed ones at
//! most every [`CHECKPOINT_EVERY`], so an app killed mid-stream loses about a second of it; an
//! item codex never completes (a stopped or failed turn) is kept as it was. A draft is codex's
//! item JSON with `"deskDraft": true`; `item/completed` replaces it in place.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::codex::wire::{self, method};
use crate::store::NewItem;

/// How often streaming items are written while they stream.
pub const CHECKPOINT_EVERY: Duration = Duration::from_millis(750);

/// The marker of an item stored before codex completed it.
pub const DRAFT_MARKER: &str = "deskDraft";

/// A large item is written less often: one more [`CHECKPOINT_EVERY`] between its checkpoints
/// per this many bytes of it, up to [`MOST_TICKS`], so a command printing megabytes does not
/// rewrite its row every tick (a kill loses at most those seconds of it).
const BYTES_PER_TICK: usize = 1024 * 1024;
const MOST_TICKS: usize = 8;

struct Draft {
    turn_id: String,
    item: Value,
    /// What has streamed into it so far (about its size).
    streamed: usize,
    written_at: Option<Instant>,
}

impl Draft {
    fn due(&self, now: Instant) -> bool {
        let ticks = (self.streamed / BYTES_PER_TICK + 1).min(MOST_TICKS);
        let ticks = u32::try_from(ticks).unwrap_or(1);
        self.written_at
            .is_none_or(|at| now.duration_since(at) >= CHECKPOINT_EVERY.saturating_mul(ticks))
    }
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
                self.items.insert(
                    event.item.id,
                    Draft {
                        turn_id,
                        item,
                        streamed: 0,
                        written_at: None,
                    },
                );
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
                self.append(d.item_id, d.delta.len(), |item| {
                    push(&mut item[field], d.delta)
                });
            }
            method::REASONING_SUMMARY_DELTA => {
                let Some(d) = wire::read::<wire::SummaryDelta>(name, params) else {
                    return;
                };
                let index = to_index(d.summary_index);
                self.append(d.item_id, d.delta.len(), |item| {
                    push_at(&mut item["summary"], index, d.delta)
                });
            }
            method::REASONING_TEXT_DELTA => {
                let Some(d) = wire::read::<wire::ContentDelta>(name, params) else {
                    return;
                };
                let index = to_index(d.content_index);
                self.append(d.item_id, d.delta.len(), |item| {
                    push_at(&mut item["content"], index, d.delta)
                });
            }
            _ => {}
        }
    }

    fn append(&mut self, id: &str, added: usize, update: impl FnOnce(&mut Value)) {
        if let Some(draft) = self.items.get_mut(id) {
            update(&mut draft.item);
            draft.streamed = draft.streamed.saturating_add(added);
            self.dirty.insert(id.to_string());
        }
    }

    /// The drafts changed since they were last written and due again, to write now.
    pub fn take_changed(&mut self, session_id: &str) -> Vec<NewItem> {
        self.take_changed_at(session_id, Instant::now())
    }

    fn take_changed_at(&mut self, session_id: &str, now: Instant) -> Vec<NewItem> {
        let due: Vec<String> = self
            .dirty
            .iter()
            .filter(|id| self.items.get(*id).is_none_or(|d| d.due(now)))
            .cloned()
            .collect();
        due.into_iter()
            .filter_map(|id| {
                self.dirty.remove(&id);
                let draft = self.items.get_mut(&id)?;
                draft.written_at = Some(now);
                Some(to_item(session_id, &id, draft))
            })
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
    fn a_large_item_is_written_less_often_a_small_one_every_tick() {
        let mut drafts = Drafts::default();
        for id in ["big", "small"] {
            drafts.apply(
                "item/started",
                &json!({"turnId": "t", "item": {"type": "commandExecution", "id": id, "aggregatedOutput": null}}),
            );
        }
        let start = Instant::now();
        assert_eq!(drafts.take_changed_at("s", start).len(), 2);
        let chunk = "x".repeat(64 * 1024);
        let mut written = std::collections::HashMap::<String, usize>::new();
        // Ten seconds of a command printing 4 MB a second beside one printing a line a tick.
        for tick in 1..=13u32 {
            for _ in 0..48 {
                drafts.apply(
                    "item/commandExecution/outputDelta",
                    &json!({"itemId": "big", "delta": chunk}),
                );
            }
            drafts.apply(
                "item/commandExecution/outputDelta",
                &json!({"itemId": "small", "delta": "line\n"}),
            );
            for item in drafts.take_changed_at("s", start + CHECKPOINT_EVERY * tick) {
                *written.entry(item.item_id).or_default() += 1;
            }
        }
        assert_eq!(written["small"], 13, "a small item is kept every tick");
        assert!(
            written.contains_key("big"),
            "a large item is still kept: {written:?}"
        );
        assert!(
            (1..=3).contains(&written["big"]),
            "a large item is rewritten rarely: {written:?}"
        );
        // Nothing is lost at the end: the turn's last write has everything.
        let last = drafts.finish_turn("s", "t");
        let big = last.iter().find(|i| i.item_id == "big").expect("big");
        let item: Value = serde_json::from_str(&big.json).expect("json");
        assert_eq!(
            item["aggregatedOutput"].as_str().map(str::len),
            Some(13 * 48 * 64 * 1024)
        );
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
