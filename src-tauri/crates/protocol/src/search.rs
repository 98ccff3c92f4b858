//! Full-text search across sessions: what the window asks and what it gets back.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the user typed, and the filters they chose.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SearchQuery {
    /// Words, as typed: every word must match, the last one may be the start of a word.
    pub text: String,
    /// Only sessions working in this folder.
    pub workspace: Option<String>,
    /// Only these item kinds (`userMessage`, `agentMessage`, `reasoning`, `commandExecution`,
    /// `fileChange`, `deskPlan`); all when empty.
    pub kinds: Vec<String>,
    /// Only items stored at or after this time (Unix milliseconds).
    pub since: Option<i64>,
    /// Only items stored before this time (Unix milliseconds).
    pub until: Option<i64>,
}

/// A part of a snippet: matched words are `hit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

/// One item that matches, with the words around the match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    pub session_id: String,
    /// The item's place in its session (open the session there).
    pub seq: i64,
    pub item_id: String,
    /// Codex's item type.
    pub kind: String,
    /// When it was stored (Unix milliseconds).
    pub at: i64,
    pub snippet: Vec<SnippetPart>,
}

/// The best matches first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SearchResults {
    /// The text these results are for (a reply to an older query is dropped).
    pub text: String,
    /// Sessions whose title contains the text, or whose thread id is it.
    pub sessions: Vec<String>,
    pub hits: Vec<SearchHit>,
    /// More items match than are shown: more words narrow it down.
    pub more: bool,
}
