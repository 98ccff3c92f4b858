//! A session as JSON: everything the app stored about it, re-importable as a new session.
//! Written in pieces (a session of a million items never sits in memory as one value).

use codex_desk_protocol::{ApprovalChoice, SessionInfo, TurnInfo};
use serde::{Deserialize, Serialize};

use crate::store::ArchivedItem;

/// What the file says it is.
pub const FORMAT: &str = "codex-desk-session";
/// The newest version this app reads and the one it writes.
pub const VERSION: u32 = 1;

/// A session as exported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Archive {
    pub format: String,
    pub version: u32,
    /// Unix milliseconds.
    pub exported_at: i64,
    /// The Codex Desk that wrote it.
    pub app_version: String,
    pub session: ArchivedSession,
    pub turns: Vec<TurnInfo>,
    /// What the user answered when codex asked about an item (files from before they were
    /// exported have none).
    #[serde(default)]
    pub decisions: Vec<ArchivedDecision>,
    pub items: Vec<ArchivedItem>,
}

/// The user's answer about one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchivedDecision {
    pub turn_id: String,
    pub item_id: String,
    pub choice: ApprovalChoice,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchivedSession {
    pub id: String,
    pub title: String,
    pub workspace: String,
    pub thread_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Head<'a> {
    format: &'a str,
    version: u32,
    exported_at: i64,
    app_version: &'a str,
    session: ArchivedSession,
    turns: &'a [TurnInfo],
    decisions: &'a [ArchivedDecision],
}

/// Everything before the items.
pub fn start(
    session: &SessionInfo,
    turns: &[TurnInfo],
    decisions: &[ArchivedDecision],
    exported_at: i64,
) -> String {
    let head = Head {
        format: FORMAT,
        version: VERSION,
        exported_at,
        app_version: env!("CARGO_PKG_VERSION"),
        session: ArchivedSession {
            id: session.id.clone(),
            title: session.title.clone(),
            workspace: session.workspace.clone(),
            thread_id: session.thread_id.clone(),
            created_at: session.created_at,
            updated_at: session.updated_at,
        },
        turns,
        decisions,
    };
    let mut text = serde_json::to_string(&head).unwrap_or_else(|_| "{}".into());
    text.pop();
    text.push_str(",\"items\":[");
    text
}

/// One item; `first` is the first of the file.
pub fn item(first: bool, item: &ArchivedItem) -> String {
    let json = serde_json::to_string(item).unwrap_or_else(|_| "null".into());
    if first {
        format!("\n{json}")
    } else {
        format!(",\n{json}")
    }
}

pub fn end() -> &'static str {
    "\n]}\n"
}

/// Reads an export; the reason it is not one otherwise.
pub fn read(bytes: &[u8]) -> Result<Archive, String> {
    #[derive(Deserialize)]
    struct Kind {
        format: Option<String>,
        version: Option<u32>,
    }
    const CHOOSE: &str = "Choose a .json file made with Export → JSON in Codex Desk";
    let kind: Kind = serde_json::from_slice(bytes)
        .map_err(|e| format!("it is not a JSON file written by Codex Desk ({e}). {CHOOSE}"))?;
    if kind.format.as_deref() != Some(FORMAT) {
        return Err(format!(
            "it is JSON, but not a session exported by Codex Desk. {CHOOSE}"
        ));
    }
    match kind.version {
        Some(v) if v > VERSION => {
            return Err(format!(
                "it was written by a newer Codex Desk (format {v}; this version reads up to {VERSION}). Update Codex Desk to import it"
            ))
        }
        Some(_) => {}
        None => return Err(format!("it has no format version. {CHOOSE}")),
    }
    let mut archive: Archive = serde_json::from_slice(bytes)
        .map_err(|e| format!("it is damaged or incomplete ({e}). Export the session again"))?;
    checked(&mut archive).map_err(|e| format!("{e}. Export the session again"))?;
    Ok(archive)
}

/// Holds the file to what the app itself writes: each turn once, each item once and in a turn
/// of the file, kinds as the items say. Items are numbered again 1, 2, 3... in their order, so a
/// place the file invents (negative, huge) never reaches the store.
fn checked(archive: &mut Archive) -> Result<(), String> {
    let mut turns = std::collections::HashSet::new();
    if let Some(dup) = archive.turns.iter().find(|t| !turns.insert(t.id.as_str())) {
        return Err(format!("the turn {:?} is in it twice", dup.id));
    }
    let mut items = std::collections::HashSet::new();
    for item in &archive.items {
        if !turns.contains(item.turn_id.as_str()) {
            return Err(format!(
                "the item {:?} belongs to a turn the file does not have",
                item.item_id
            ));
        }
        if !items.insert((item.turn_id.as_str(), item.item_id.as_str())) {
            return Err(format!("the item {:?} is in it twice", item.item_id));
        }
    }
    archive.items.sort_by_key(|i| i.seq);
    for (n, item) in archive.items.iter_mut().enumerate() {
        item.seq = i64::try_from(n).unwrap_or(i64::MAX - 1) + 1;
        if let Some(kind) = item.item.get("type").and_then(serde_json::Value::as_str) {
            item.kind = kind.to_string();
        }
    }
    Ok(())
}
