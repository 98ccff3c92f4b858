//! Full-text search over every session: an FTS5 index of each item's searchable text (prompts,
//! answers, reasoning summaries, commands and their output, file paths), kept beside `items`
//! (same rowid), and the ranked query with filters and highlighted snippets.

use codex_desk_protocol::{SearchHit, SearchQuery, SearchResults, SnippetPart};
use rusqlite::{params, Connection};
use serde_json::Value;

use crate::error::Result;

pub(super) const MIGRATION_3: &str = "
CREATE VIRTUAL TABLE item_text USING fts5(
    body, kind, session, tokenize = 'unicode61 remove_diacritics 2'
);
-- Indexing runs when the database thread is idle, so storing items never waits for it. Items
-- stored after `indexed_to` are indexed in order; items changed at or before it wait in
-- `search_pending`, as do the items stored before search existed.
CREATE TABLE search_state (indexed_to INTEGER NOT NULL);
INSERT INTO search_state SELECT COALESCE(MAX(rowid), 0) FROM items;
CREATE TABLE search_pending (item_rowid INTEGER PRIMARY KEY);
INSERT INTO search_pending SELECT rowid FROM items;
CREATE TRIGGER items_forget_text AFTER DELETE ON items BEGIN
    DELETE FROM item_text WHERE rowid = old.rowid;
    DELETE FROM search_pending WHERE item_rowid = old.rowid;
END;
";

/// The most text indexed for one item: its start and its end (a 50 MB build log is searchable
/// by what it began and ended with, and the index stays small).
const MOST_INDEXED: usize = 256 * 1024;
/// Only the newest this many matches are ranked, so a word found everywhere stays fast.
const MOST_RANKED: i64 = 2_000;
/// Results sent to the window.
const MOST_SHOWN: i64 = 50;
/// Sessions whose title or thread id matches.
const MOST_SESSIONS: i64 = 20;
/// Items a search indexes first when some wait (a search right after a prompt finds it).
const INDEX_BEFORE_SEARCH: i64 = 500;
/// Words shown before the first match in a snippet, and in all.
const SNIPPET_LEAD: usize = 5;
const SNIPPET_WORDS: usize = 28;

/// A replaced item that was already indexed waits to be indexed again (a new item needs
/// nothing: it is past `indexed_to`). A trigger, so storing a new item costs no extra statement.
pub(super) const MIGRATION_4: &str = "
CREATE TRIGGER items_text_changed AFTER UPDATE OF json ON items
WHEN new.rowid <= (SELECT indexed_to FROM search_state) BEGIN
    INSERT OR IGNORE INTO search_pending (item_rowid) VALUES (new.rowid);
END;
";

/// Deleting the newest items (a session deleted, turns rolled back) frees their rowids, and the
/// next items stored reuse them: `indexed_to` comes back down with them so they are indexed.
/// Items that were stored into freed rowids before this existed are queued again.
pub(super) const MIGRATION_9: &str = "
CREATE TRIGGER items_free_rowids AFTER DELETE ON items BEGIN
    UPDATE search_state SET indexed_to = (SELECT COALESCE(MAX(rowid), 0) FROM items)
    WHERE indexed_to > (SELECT COALESCE(MAX(rowid), 0) FROM items);
END;
INSERT OR IGNORE INTO search_pending (item_rowid)
    SELECT rowid FROM items WHERE rowid NOT IN (SELECT rowid FROM item_text);
";

/// `items_text_changed` again, without a conflict to ignore: an upsert runs its update (and so
/// the trigger) with ABORT, which overrides the trigger's own OR IGNORE. An item changed twice
/// before it was indexed again failed its second write (the item's change was lost).
pub(super) const MIGRATION_11: &str = "
DROP TRIGGER items_text_changed;
CREATE TRIGGER items_text_changed AFTER UPDATE OF json ON items
WHEN new.rowid <= (SELECT indexed_to FROM search_state)
 AND NOT EXISTS (SELECT 1 FROM search_pending WHERE item_rowid = new.rowid) BEGIN
    INSERT INTO search_pending (item_rowid) VALUES (new.rowid);
END;
";

/// The text of an item the search finds it by (empty: not searchable).
pub(super) fn searchable_text(kind: &str, json: &str) -> String {
    let Ok(item) = serde_json::from_str::<Value>(json) else {
        return String::new();
    };
    let text = |key: &str| item.get(key).and_then(Value::as_str).unwrap_or_default();
    let mut parts: Vec<&str> = Vec::new();
    match kind {
        "userMessage" => {
            for part in item
                .get("content")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(t) = part.get("text").and_then(Value::as_str) {
                    parts.push(t);
                }
            }
        }
        "agentMessage" | "plan" => parts.push(text("text")),
        "reasoning" => {
            for s in item
                .get("summary")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                parts.extend(s.as_str());
            }
        }
        "commandExecution" => {
            parts.push(text("command"));
            parts.push(text("aggregatedOutput"));
        }
        "fileChange" => {
            for change in item
                .get("changes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                parts.extend(change.get("path").and_then(Value::as_str));
            }
        }
        "mcpToolCall" => {
            parts.push(text("server"));
            parts.push(text("tool"));
        }
        super::plans::KIND => {
            parts.push(text("explanation"));
            for step in item
                .get("plan")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                parts.extend(step.get("step").and_then(Value::as_str));
            }
        }
        _ => {}
    }
    let joined = parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    ends_of(joined)
}

/// At most [`MOST_INDEXED`] bytes: half from the start, half from the end.
fn ends_of(text: String) -> String {
    if text.len() <= MOST_INDEXED {
        return text;
    }
    let mut head = MOST_INDEXED / 2;
    while !text.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail = text.len() - MOST_INDEXED / 2;
    while !text.is_char_boundary(tail) {
        tail += 1;
    }
    format!("{}\n…\n{}", &text[..head], &text[tail..])
}

/// A value as one FTS token (the kind and session columns hold exactly one).
fn token(prefix: &str, value: &str) -> String {
    let mut t = prefix.to_string();
    t.extend(
        value
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase()),
    );
    t
}

/// An item waiting to be indexed: its rowid, and its session, kind and JSON (none: deleted).
type Waiting = (i64, Option<(String, String, String)>);

/// Indexes up to `batch` waiting items (new ones first, then changed and older ones, newest
/// first); true when more wait.
pub(super) fn index_pending(conn: &Connection, batch: i64) -> Result<bool> {
    let tx = conn.unchecked_transaction()?;
    let indexed_to: i64 = tx.query_row("SELECT indexed_to FROM search_state", [], |r| r.get(0))?;
    let new: Vec<Waiting> = tx
        .prepare_cached(
            "SELECT rowid, session_id, kind, json FROM items WHERE rowid > ?1
             ORDER BY rowid LIMIT ?2",
        )?
        .query_map(params![indexed_to, batch], |r| {
            Ok((r.get(0)?, Some((r.get(1)?, r.get(2)?, r.get(3)?))))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let changed: Vec<Waiting> = tx
        .prepare_cached(
            "SELECT p.item_rowid, i.session_id, i.kind, i.json
             FROM search_pending p LEFT JOIN items i ON i.rowid = p.item_rowid
             ORDER BY p.item_rowid DESC LIMIT ?1",
        )?
        .query_map([batch - new.len() as i64], |r| {
            let item = match r.get::<_, Option<String>>(1)? {
                Some(session) => Some((session, r.get(2)?, r.get(3)?)),
                None => None,
            };
            Ok((r.get(0)?, item))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut forget = tx.prepare_cached("DELETE FROM item_text WHERE rowid = ?1")?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO item_text (rowid, body, kind, session) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let mut done = tx.prepare_cached("DELETE FROM search_pending WHERE item_rowid = ?1")?;
    for (rowid, item) in new.iter().chain(&changed) {
        forget.execute([rowid])?;
        if let Some((session, kind, json)) = item {
            let body = searchable_text(kind, json);
            if !body.is_empty() {
                insert.execute(params![rowid, body, token("", kind), token("s", session)])?;
            }
        }
        done.execute([rowid])?;
    }
    if let Some((last, _)) = new.last() {
        tx.execute("UPDATE search_state SET indexed_to = ?1", [last])?;
    }
    drop((forget, insert, done));
    tx.commit()?;
    Ok((new.len() + changed.len()) as i64 == batch)
}

/// Lower case without the accents of Latin letters (as the index compares words).
fn fold(c: char) -> char {
    let c = c.to_lowercase().next().unwrap_or(c);
    match c {
        'à'..='å' => 'a',
        'ç' => 'c',
        'è'..='ë' => 'e',
        'ì'..='ï' => 'i',
        'ñ' => 'n',
        'ò'..='ö' | 'ø' => 'o',
        'ù'..='ü' => 'u',
        'ý' | 'ÿ' => 'y',
        c => c,
    }
}

/// The words of a text as the index sees them: runs of letters and digits, folded.
fn words(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i, text[s..i].chars().map(fold).collect()));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// What the user typed, as the search understands it.
struct Terms {
    /// FTS5 query: every word must match in the text, the last also as a prefix. FTS5's own
    /// syntax has no effect: every word is quoted.
    fts: String,
    /// The same with the last word whole.
    exact: String,
    /// The folded words to highlight.
    words: Vec<String>,
    /// Whether the last word also matches as a prefix (highlighting follows the query).
    prefix: bool,
}

/// A last word shorter than this is never a prefix ("a" would match half the index).
const SHORTEST_PREFIX: usize = 2;

fn terms(text: &str) -> Option<Terms> {
    let typed: Vec<String> = text
        .split_whitespace()
        .map(|w| w.replace('"', ""))
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    let last = typed.len().checked_sub(1)?;
    let query = |prefix: bool| {
        typed
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let star = if prefix && i == last { "*" } else { "" };
                format!("body:\"{w}\"{star}")
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    };
    let folded = typed
        .iter()
        .flat_map(|w| words(w).into_iter().map(|(_, _, f)| f))
        .collect();
    Some(Terms {
        fts: query(true),
        exact: query(false),
        words: folded,
        // FTS puts the star on the last word's last token ("NEAR(x" ends in "x").
        prefix: words(&typed[last])
            .last()
            .is_some_and(|(_, _, token)| token.chars().count() >= SHORTEST_PREFIX),
    })
}

impl Terms {
    /// The query to run, and whether its matches are ranked. FTS5 builds a prefix's whole
    /// match list in memory before it can answer, and bm25 counts every item a word is in (a
    /// quarter of a second for a word in a million items), while a whole word streams newest
    /// first. So when the words as typed already match more items than could be ranked, the
    /// prefix is left out and the newest matches come first.
    /// `filters` (kinds, folders) are counted in: a word common everywhere may be rare in
    /// one folder, and is then ranked with its prefix there.
    fn query(&mut self, conn: &Connection, filters: &str) -> rusqlite::Result<(String, bool)> {
        let exact: i64 = conn
            .prepare_cached(
                "SELECT count(*) FROM
                     (SELECT rowid FROM item_text WHERE item_text MATCH ?1 LIMIT ?2)",
            )?
            .query_row(
                params![format!("{}{filters}", self.exact), MOST_RANKED],
                |r| r.get(0),
            )?;
        let common = exact >= MOST_RANKED;
        self.prefix &= !common;
        let fts = if self.prefix { &self.fts } else { &self.exact };
        Ok((format!("{fts}{filters}"), !common))
    }

    fn matches(&self, word: &str) -> bool {
        let last = self.words.len().saturating_sub(1);
        self.words
            .iter()
            .enumerate()
            .any(|(i, w)| word == w || (self.prefix && i == last && word.starts_with(w.as_str())))
    }

    /// A few words around the first match in `body`, matches marked.
    fn snippet(&self, body: &str) -> Vec<SnippetPart> {
        let found = words(body);
        let first = found.iter().position(|(_, _, w)| self.matches(w));
        let from = first.unwrap_or(0).saturating_sub(SNIPPET_LEAD);
        let to = (from + SNIPPET_WORDS).min(found.len());
        let Some(window) = found.get(from..to).filter(|w| !w.is_empty()) else {
            return Vec::new();
        };
        let mut parts = Vec::new();
        let mut plain = String::new();
        if from > 0 {
            plain.push('…');
        }
        let mut at = window[0].0;
        for (start, end, word) in window {
            if self.matches(word) {
                plain.push_str(&flat(&body[at..*start]));
                if !plain.is_empty() {
                    parts.push(SnippetPart {
                        text: std::mem::take(&mut plain),
                        hit: false,
                    });
                }
                parts.push(SnippetPart {
                    text: body[*start..*end].to_string(),
                    hit: true,
                });
                at = *end;
            }
        }
        let end = window[window.len() - 1].1;
        plain.push_str(&flat(&body[at..end]));
        if to < found.len() {
            plain.push('…');
        }
        if !plain.is_empty() {
            parts.push(SnippetPart {
                text: plain,
                hit: false,
            });
        }
        parts
    }
}

/// Text on one line: each run of spaces and line breaks as one space.
fn flat(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if !c.is_whitespace() {
            out.push(c);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out
}

/// The session ids whose title contains the text, or whose codex thread id (or own id) is it,
/// within the query's folder and time (a session active then); none when the query asks for
/// kinds of items, which a title is not.
fn matching_sessions(conn: &Connection, query: &SearchQuery) -> Result<Vec<String>> {
    let text = query.text.trim();
    if text.is_empty() || !query.kinds.is_empty() {
        return Ok(Vec::new());
    }
    let pattern = format!(
        "%{}%",
        text.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM sessions
         WHERE (title LIKE ?1 ESCAPE '\\' OR thread_id = ?2 OR id = ?2)
           AND (?4 IS NULL OR workspace = ?4)
           AND (?5 IS NULL OR updated_at >= ?5)
           AND (?6 IS NULL OR created_at < ?6)
         ORDER BY updated_at DESC LIMIT ?3",
    )?;
    let ids = stmt
        .query_map(
            params![
                pattern,
                text,
                MOST_SESSIONS,
                query.workspace,
                query.since,
                query.until
            ],
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// `column:"a" OR column:"b"` in parentheses; `None` for no values.
fn any_of(column: &str, values: impl IntoIterator<Item = String>) -> Option<String> {
    let alternatives: Vec<String> = values
        .into_iter()
        .map(|v| format!("{column}:\"{v}\""))
        .collect();
    (!alternatives.is_empty()).then(|| format!("({})", alternatives.join(" OR ")))
}

/// Ranked items matching `query` (among the newest [`MOST_RANKED`] matches), with snippets.
pub(super) fn search(conn: &Connection, query: &SearchQuery) -> Result<SearchResults> {
    // What is not indexed yet is indexed first; if that fails (a read-only or full disk), the
    // search answers from the index as it is.
    if let Err(e) = index_pending(conn, INDEX_BEFORE_SEARCH) {
        tracing::warn!(error = %e, "search ran without indexing the newest items first");
    }
    let sessions = matching_sessions(conn, query)?;
    let empty = |sessions| SearchResults {
        text: query.text.clone(),
        sessions,
        hits: Vec::new(),
        more: false,
    };
    let Some(mut terms) = terms(&query.text) else {
        return Ok(empty(sessions));
    };
    // Filters are part of the FTS query, so a filter that leaves few items is fast too.
    let mut filters = String::new();
    if let Some(kinds) = any_of("kind", query.kinds.iter().map(|k| token("", k))) {
        filters = format!(" AND {kinds}");
    }
    if let Some(workspace) = &query.workspace {
        let ids: Vec<String> = conn
            .prepare_cached("SELECT id FROM sessions WHERE workspace = ?1")?
            .query_map([workspace], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<_>>()?;
        match any_of("session", ids.iter().map(|id| token("s", id))) {
            Some(in_workspace) => filters = format!("{filters} AND {in_workspace}"),
            None => return Ok(empty(sessions)),
        }
    }
    let (fts, ranked) = terms.query(conn, &filters)?;
    let mut stmt = conn.prepare_cached(
        "WITH matches AS (
             SELECT item_text.rowid AS id,
                    CASE WHEN ?6 THEN bm25(item_text, 1.0, 0.0, 0.0) ELSE 0 END AS score
             FROM item_text JOIN items i ON i.rowid = item_text.rowid
             WHERE item_text MATCH ?1
               AND (?2 IS NULL OR i.created_at >= ?2)
               AND (?3 IS NULL OR i.created_at < ?3)
             ORDER BY item_text.rowid DESC
             LIMIT ?4
         )
         SELECT i.session_id, i.seq, i.item_id, i.kind, i.created_at, t.body
         FROM (SELECT id, score FROM matches ORDER BY score, id DESC LIMIT ?5) m
         JOIN items i ON i.rowid = m.id
         JOIN item_text t ON t.rowid = m.id
         ORDER BY m.score, m.id DESC",
    )?;
    let mut hits = stmt
        .query_map(
            params![
                fts,
                query.since,
                query.until,
                MOST_RANKED,
                MOST_SHOWN + 1,
                ranked
            ],
            |r| {
                let body: String = r.get(5)?;
                Ok(SearchHit {
                    session_id: r.get(0)?,
                    seq: r.get(1)?,
                    item_id: r.get(2)?,
                    kind: r.get(3)?,
                    at: r.get(4)?,
                    snippet: terms.snippet(&body),
                })
            },
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let more = hits.len() as i64 > MOST_SHOWN;
    hits.truncate(MOST_SHOWN as usize);
    Ok(SearchResults {
        text: query.text.clone(),
        sessions,
        hits,
        more,
    })
}

#[cfg(test)]
mod tests {
    use super::super::sessions::tests::sample;
    use super::super::{NewItem, Store};
    use super::*;
    use serde_json::json;

    fn add(store: &Store, session: &str, id: &str, item: Value) {
        store.upsert_item(NewItem {
            session_id: session.into(),
            turn_id: "t".into(),
            item_id: id.into(),
            kind: item["type"].as_str().unwrap_or_default().into(),
            json: item.to_string(),
        });
    }

    fn query(text: &str) -> SearchQuery {
        SearchQuery {
            text: text.into(),
            ..SearchQuery::default()
        }
    }

    fn found(results: &SearchResults) -> Vec<(String, String)> {
        results
            .hits
            .iter()
            .map(|h| (h.session_id.clone(), h.item_id.clone()))
            .collect()
    }

    async fn two_sessions() -> Store {
        let store = Store::open_in_memory().expect("store");
        let mut other = sample("b", 2);
        other.workspace = "/work/other".into();
        other.title = "Fix the flaky parser".into();
        other.thread_id = Some("thread-123".into());
        store.insert_session(sample("a", 1));
        store.insert_session(other);
        add(
            &store,
            "a",
            "p1",
            json!({"type": "userMessage", "id": "p1", "content": [{"type": "text", "text": "Why does the parser fail?"}]}),
        );
        add(
            &store,
            "a",
            "c1",
            json!({"type": "commandExecution", "id": "c1", "command": "cargo test parser", "aggregatedOutput": "test parser::tokens ... FAILED\nparser parser parser"}),
        );
        add(
            &store,
            "a",
            "f1",
            json!({"type": "fileChange", "id": "f1", "changes": [{"path": "src/parser/tokens.rs", "kind": {"type": "update"}, "diff": "+fn lexer()"}]}),
        );
        add(
            &store,
            "b",
            "m1",
            json!({"type": "agentMessage", "id": "m1", "text": "The lexer is fine; the parser skips a token."}),
        );
        add(
            &store,
            "b",
            "r1",
            json!({"type": "reasoning", "id": "r1", "summary": ["Looking at how tokens are read"], "content": []}),
        );
        store
    }

    #[tokio::test]
    async fn finds_every_kind_ranked_with_highlighted_snippets() {
        let store = two_sessions().await;
        let results = store.search(query("parser")).await.expect("search");
        let hits = found(&results);
        assert_eq!(hits.len(), 4, "{hits:?}");
        assert_eq!(
            hits[0],
            ("a".to_string(), "c1".to_string()),
            "the item that says it most ranks first"
        );
        let marked: Vec<&str> = results.hits[0]
            .snippet
            .iter()
            .filter(|p| p.hit)
            .map(|p| p.text.as_str())
            .collect();
        assert!(!marked.is_empty() && marked.iter().all(|w| w.eq_ignore_ascii_case("parser")));
        assert!(!results.more);

        // File paths, reasoning summaries, the last word as a prefix, accents ignored.
        assert_eq!(
            found(&store.search(query("tokens.rs")).await.expect("search")),
            [("a".into(), "f1".into())]
        );
        assert_eq!(
            found(&store.search(query("how tok")).await.expect("search")),
            [("b".into(), "r1".into())]
        );
        assert_eq!(
            found(&store.search(query("LEXÉR skips")).await.expect("search")),
            [("b".into(), "m1".into())]
        );
        // The diff itself is not searched: file paths are.
        assert!(store
            .search(query("lexer"))
            .await
            .expect("search")
            .hits
            .iter()
            .all(|h| h.item_id != "f1"));
    }

    #[tokio::test]
    async fn filters_narrow_by_workspace_kind_and_date() {
        let store = two_sessions().await;
        let mut q = query("parser");
        q.workspace = Some("/work/other".into());
        assert_eq!(
            found(&store.search(q).await.expect("search")),
            [("b".into(), "m1".into())]
        );
        let mut q = query("parser");
        q.kinds = vec!["userMessage".into(), "fileChange".into()];
        let mut hits = found(&store.search(q).await.expect("search"));
        hits.sort();
        assert_eq!(hits, [("a".into(), "f1".into()), ("a".into(), "p1".into())]);
        let mut q = query("parser");
        q.since = Some(now_plus(60_000));
        assert!(store.search(q).await.expect("search").hits.is_empty());
        let mut q = query("parser");
        q.until = Some(now_plus(60_000));
        assert_eq!(store.search(q).await.expect("search").hits.len(), 4);
    }

    fn now_plus(ms: i64) -> i64 {
        super::super::now_ms() + ms
    }

    #[tokio::test]
    async fn titles_and_thread_ids_find_sessions() {
        let store = two_sessions().await;
        assert_eq!(
            store.search(query("flaky")).await.expect("search").sessions,
            ["b"]
        );
        assert_eq!(
            store
                .search(query("thread-123"))
                .await
                .expect("search")
                .sessions,
            ["b"]
        );
        assert_eq!(
            store.search(query("100%_")).await.expect("search").sessions,
            Vec::<String>::new()
        );
        // Held to the same folder and time as the items; not listed when kinds are asked for.
        let mut q = query("flaky");
        q.workspace = Some("/work/app".into());
        assert!(store.search(q).await.expect("search").sessions.is_empty());
        let mut q = query("flaky");
        q.workspace = Some("/work/other".into());
        q.since = Some(2);
        assert_eq!(store.search(q).await.expect("search").sessions, ["b"]);
        // Last active (at 2) before the period began.
        let mut q = query("flaky");
        q.since = Some(3);
        assert!(store.search(q).await.expect("search").sessions.is_empty());
        let mut q = query("flaky");
        q.kinds = vec!["commandExecution".into()];
        assert!(store.search(q).await.expect("search").sessions.is_empty());
    }

    #[test]
    fn the_last_words_last_token_decides_the_prefix() {
        assert!(terms("NEAR(pa").expect("terms").prefix);
        assert!(!terms("NEAR(x").expect("terms").prefix);
        assert!(!terms("parser x").expect("terms").prefix);
    }

    #[tokio::test]
    async fn fts_syntax_in_a_query_is_just_text() {
        let store = two_sessions().await;
        for text in [
            "\"",
            "parser AND",
            "NEAR(parser",
            "*",
            "parser:",
            "-parser",
            "(",
            "^",
            "a\"b",
        ] {
            store
                .search(query(text))
                .await
                .unwrap_or_else(|e| panic!("{text}: {e}"));
        }
        assert_eq!(
            store
                .search(query("\"parser\" OR"))
                .await
                .expect("search")
                .hits
                .len(),
            0,
            "OR is a word"
        );
    }

    #[tokio::test]
    async fn a_replaced_item_is_found_by_its_new_text_only() {
        let store = two_sessions().await;
        // Indexed first, so the replacement has to queue the item again.
        store.finish_search_index().await.expect("index");
        // Changed twice before it is indexed again (a streamed answer saved as it grows, then
        // finished): each change is kept.
        add(
            &store,
            "b",
            "m1",
            json!({"type": "agentMessage", "id": "m1", "text": "Rewritten ans"}),
        );
        add(
            &store,
            "b",
            "m1",
            json!({"type": "agentMessage", "id": "m1", "text": "Rewritten answer"}),
        );
        let stored = store
            .whole_item_by_id("b", "t", "m1")
            .await
            .expect("read")
            .expect("stored");
        assert_eq!(stored.item["text"], "Rewritten answer");
        assert!(store
            .search(query("skips"))
            .await
            .expect("search")
            .hits
            .is_empty());
        assert_eq!(
            store
                .search(query("rewritten"))
                .await
                .expect("search")
                .hits
                .len(),
            1
        );
    }

    #[tokio::test]
    async fn items_stored_before_search_existed_are_indexed_at_open() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("db.sqlite3");
        let store = Store::open(&path).expect("open").store;
        store.insert_session(sample("a", 1));
        for n in 0..1_200 {
            add(
                &store,
                "a",
                &format!("m{n}"),
                json!({"type": "agentMessage", "id": format!("m{n}"), "text": format!("answer number{n}")}),
            );
        }
        store.flush().await.expect("saved");
        // As a database of the previous version: no index yet, everything waits to be indexed.
        store
            .read(|c| {
                c.execute_batch(
                    "DELETE FROM item_text;
                     INSERT OR IGNORE INTO search_pending SELECT rowid FROM items;
                     UPDATE search_state SET indexed_to = (SELECT MAX(rowid) FROM items);",
                )?;
                Ok(())
            })
            .await
            .expect("forget the index");
        store.close();

        let store = Store::open(&path).expect("reopen").store;
        // Each search first indexes the newest waiting items; the rest go when the thread idles.
        let results = store.search(query("number1199")).await.expect("search");
        assert_eq!(results.hits.len(), 1, "the newest are indexed first");
        for _ in 0..2 {
            store.search(query("warm")).await.expect("search");
        }
        assert_eq!(
            found(&store.search(query("number0")).await.expect("search")),
            [("a".into(), "m0".into())]
        );
        let many = store.search(query("answer")).await.expect("search");
        assert_eq!(many.hits.len(), 50);
        assert!(many.more, "more match than are shown");
    }

    #[tokio::test]
    async fn a_word_in_more_items_than_are_ranked_is_not_also_a_prefix() {
        let store = two_sessions().await;
        // "build" in few items: the last word is a prefix, so "builder" is found too.
        add(
            &store,
            "a",
            "w",
            json!({"type": "agentMessage", "id": "w", "text": "the builder is new"}),
        );
        add(
            &store,
            "a",
            "x",
            json!({"type": "agentMessage", "id": "x", "text": "we build it"}),
        );
        let few = store.search(query("build")).await.expect("search");
        assert_eq!(found(&few).len(), 2);
        let prefix_marked: Vec<&str> = few
            .hits
            .iter()
            .flat_map(|h| h.snippet.iter().filter(|p| p.hit).map(|p| p.text.as_str()))
            .collect();
        assert!(prefix_marked.contains(&"builder"), "{prefix_marked:?}");
        // In more items than could be ranked, the word is taken whole (it streams), the
        // newest matches come first, and only whole words are marked.
        for n in 0..MOST_RANKED {
            add(
                &store,
                "b",
                &format!("c{n}"),
                json!({"type": "agentMessage", "id": format!("c{n}"), "text": format!("build {n}")}),
            );
        }
        store.finish_search_index().await.expect("index");
        let common = store.search(query("build")).await.expect("search");
        assert!(common.more);
        assert!(!found(&common).contains(&("a".into(), "w".into())));
        let newest: Vec<String> = (0..MOST_SHOWN)
            .map(|n| format!("c{}", MOST_RANKED - 1 - n))
            .collect();
        assert_eq!(
            common
                .hits
                .iter()
                .map(|h| h.item_id.clone())
                .collect::<Vec<_>>(),
            newest
        );
        assert!(common
            .hits
            .iter()
            .flat_map(|h| h.snippet.iter().filter(|p| p.hit))
            .all(|p| p.text == "build"));
        // In a folder where it is rare, the same word is ranked with its prefix again.
        let folder = store
            .session("a")
            .await
            .expect("read")
            .expect("a")
            .workspace;
        let there = store
            .search(SearchQuery {
                workspace: Some(folder),
                ..query("build")
            })
            .await
            .expect("search");
        assert_eq!(found(&there).len(), 2, "{:?}", found(&there));
        // A one-letter last word is never a prefix, punctuation not counted.
        assert!(!terms("b.").expect("terms").prefix);
        let t = terms("b").expect("terms");
        assert!(!t.prefix);
    }

    #[test]
    fn user_words_never_reach_fts_as_syntax() {
        assert!(terms("  ").is_none());
        assert!(terms("\"*()^:-").is_none());
        let t = terms("cargo AND \"test\" NEAR(x").expect("terms");
        assert_eq!(
            t.fts,
            "body:\"cargo\" AND body:\"AND\" AND body:\"test\" AND body:\"NEAR(x\"*"
        );
        assert_eq!(t.words, ["cargo", "and", "test", "near", "x"]);
    }

    #[test]
    fn an_items_searchable_text_is_what_the_user_saw() {
        let command = r#"{"type":"commandExecution","command":"cargo build","aggregatedOutput":"error[E0308]","cwd":"/w"}"#;
        assert_eq!(
            searchable_text("commandExecution", command),
            "cargo build\nerror[E0308]"
        );
        let files =
            r#"{"type":"fileChange","changes":[{"path":"src/a.rs","diff":"+x"},{"path":"b.md"}]}"#;
        assert_eq!(searchable_text("fileChange", files), "src/a.rs\nb.md");
        let prompt = r#"{"type":"userMessage","content":[{"type":"text","text":"hello"},{"type":"image","url":"x"}]}"#;
        assert_eq!(searchable_text("userMessage", prompt), "hello");
        assert_eq!(searchable_text("agentMessage", "not json"), "");
        let plan = r#"{"type":"deskPlan","explanation":"Small steps.","plan":[{"step":"Read the parser","status":"completed"},{"step":"Fix it","status":"pending"}]}"#;
        assert_eq!(
            searchable_text("deskPlan", plan),
            "Small steps.\nRead the parser\nFix it"
        );
        let long = format!("START{}END", "é".repeat(MOST_INDEXED));
        let kept = ends_of(long);
        assert!(kept.len() <= MOST_INDEXED + 8);
        assert!(kept.starts_with("START") && kept.ends_with("END"));
    }

    #[test]
    fn snippets_show_the_words_around_the_first_match_marked() {
        let t = terms("Café pars").expect("terms");
        let body = "one two three four five six seven the CAFE\nserves parsers and cafés daily";
        let shown: Vec<_> = t
            .snippet(body)
            .iter()
            .map(|p| (p.text.clone(), p.hit))
            .collect();
        assert_eq!(
            shown,
            [
                ("…four five six seven the ".to_string(), false),
                ("CAFE".to_string(), true),
                (" serves ".to_string(), false),
                ("parsers".to_string(), true),
                (" and cafés daily".to_string(), false),
            ]
        );
    }
}
