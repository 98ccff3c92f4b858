//! The user's own codex threads, as codex keeps them in their codex home
//! (`sessions/YYYY/MM/DD/rollout-<time>-<thread id>.jsonl`): read, never written. Only the
//! start of each file is read (the thread's id, folder and first prompt), so listing stays fast
//! with years of history.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde_json::Value;

/// At most this many threads are listed (the newest).
const MOST_LISTED: usize = 200;
/// How much of a thread file is read to find its first prompt.
const HEAD_BYTES: u64 = 256 * 1024;
/// The longest title taken from a first prompt.
const LONGEST_TITLE: usize = 80;

/// One of the user's codex threads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rollout {
    pub thread_id: String,
    /// The folder codex worked in.
    pub cwd: String,
    /// The first thing the user asked (empty when none was found in the file's start).
    pub first_prompt: String,
    /// When the file last changed (Unix milliseconds).
    pub updated_at: i64,
    pub path: PathBuf,
}

/// The user's threads under `codex_home`, newest first (files that are not codex threads, or
/// cannot be read, are left out).
pub fn list(codex_home: &Path) -> Vec<Rollout> {
    let mut files = Vec::new();
    collect(&codex_home.join("sessions"), 0, &mut files);
    files.sort_by_key(|f| std::cmp::Reverse(f.1));
    files
        .into_iter()
        .take(MOST_LISTED)
        .filter_map(|(path, updated_at)| read(&path, updated_at))
        .collect()
}

/// The thread `thread_id` under `codex_home`, if the user has it.
pub fn find(codex_home: &Path, thread_id: &str) -> Option<Rollout> {
    let mut files = Vec::new();
    collect(&codex_home.join("sessions"), 0, &mut files);
    let ending = format!("-{}.jsonl", thread_id.to_ascii_lowercase());
    files
        .into_iter()
        .filter(|(path, _)| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.to_ascii_lowercase().ends_with(&ending))
        })
        .filter_map(|(path, updated_at)| read(&path, updated_at))
        .find(|r| r.thread_id.eq_ignore_ascii_case(thread_id))
}

/// Thread files under `dir` (year/month/day folders) with their change times.
fn collect(dir: &Path, depth: usize, out: &mut Vec<(PathBuf, i64)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if kind.is_dir() && depth < 4 {
            collect(&path, depth + 1, out);
        } else if kind.is_file()
            && path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("rollout-") && n.ends_with(".jsonl"))
        {
            let modified = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
                .unwrap_or(0);
            out.push((path, modified));
        }
    }
}

/// A thread file's id, folder and first prompt, from its start.
fn read(path: &Path, updated_at: i64) -> Option<Rollout> {
    let file = std::fs::File::open(path).ok()?;
    let mut lines = BufReader::new(file.take(HEAD_BYTES)).lines();
    let first: Value = serde_json::from_str(&lines.next()?.ok()?).ok()?;
    if first["type"] != "session_meta" {
        return None;
    }
    let meta = &first["payload"];
    let thread_id = meta["id"].as_str()?.to_string();
    let cwd = meta["cwd"].as_str()?.to_string();
    let mut first_prompt = String::new();
    for line in lines {
        // A line cut by the read limit ends the search.
        let Ok(line) = line else { break };
        let Ok(entry) = serde_json::from_str::<Value>(&line) else {
            break;
        };
        if let Some(text) = typed_prompt(&entry) {
            first_prompt = title(text);
            break;
        }
    }
    Some(Rollout {
        thread_id,
        cwd,
        first_prompt,
        updated_at,
        path: path.to_path_buf(),
    })
}

/// What the user typed, when `entry` is their message (not the context codex adds as user
/// messages: the environment, AGENTS.md, skills).
fn typed_prompt(entry: &Value) -> Option<&str> {
    let payload = &entry["payload"];
    if entry["type"] != "response_item" || payload["type"] != "message" || payload["role"] != "user"
    {
        return None;
    }
    let text = payload["content"]
        .as_array()?
        .iter()
        .find(|part| part["type"] == "input_text")?["text"]
        .as_str()?
        .trim();
    let added = text.starts_with('<') || text.starts_with("# AGENTS.md") || text.is_empty();
    (!added).then_some(text)
}

/// A prompt's first line, shortened.
fn title(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    if line.chars().count() <= LONGEST_TITLE {
        return line.to_string();
    }
    let cut: String = line.chars().take(LONGEST_TITLE - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(home: &Path, day: &str, id: &str, lines: &[Value]) -> PathBuf {
        let dir = home.join("sessions").join(day);
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join(format!("rollout-2026-11-20T10-00-00-{id}.jsonl"));
        let text: Vec<String> = lines.iter().map(Value::to_string).collect();
        std::fs::write(&path, text.join("\n") + "\n").expect("write");
        path
    }

    fn meta(id: &str, cwd: &str) -> Value {
        serde_json::json!({"type": "session_meta", "payload": {"id": id, "cwd": cwd}})
    }

    fn user(text: &str) -> Value {
        serde_json::json!({"type": "response_item", "payload": {"type": "message", "role": "user",
            "content": [{"type": "input_text", "text": text}]}})
    }

    #[test]
    fn threads_are_listed_with_their_folder_and_first_typed_prompt() {
        let home = tempfile::tempdir().expect("home");
        write(
            home.path(),
            "2026/11/20",
            "t-1",
            &[
                meta("t-1", "/src/app"),
                user("<environment_context>cwd</environment_context>"),
                user("# AGENTS.md instructions for /src/app"),
                user("Fix the flaky login test\nand tell me why"),
            ],
        );
        write(
            home.path(),
            "2026/11/21",
            "t-2",
            &[meta("t-2", "/src/lib"), user(&"x".repeat(200))],
        );
        // Not codex's: left out.
        write(
            home.path(),
            "2026/11/21",
            "junk",
            &[serde_json::json!({"hello": 1})],
        );
        std::fs::write(home.path().join("sessions/notes.txt"), "x").expect("notes");

        let mut listed = list(home.path());
        listed.sort_by(|a, b| a.thread_id.cmp(&b.thread_id));
        assert_eq!(listed.len(), 2, "{listed:?}");
        assert_eq!(listed[0].thread_id, "t-1");
        assert_eq!(listed[0].cwd, "/src/app");
        assert_eq!(listed[0].first_prompt, "Fix the flaky login test");
        assert_eq!(listed[1].first_prompt.chars().count(), LONGEST_TITLE);
        assert!(listed[1].first_prompt.ends_with('…'));

        assert_eq!(
            find(home.path(), "t-2").map(|r| r.cwd),
            Some("/src/lib".into())
        );
        assert_eq!(
            find(home.path(), "T-2").map(|r| r.thread_id),
            Some("t-2".into())
        );
        assert_eq!(find(home.path(), "t-3"), None);
        assert_eq!(list(&home.path().join("nowhere")), Vec::new());
    }
}
