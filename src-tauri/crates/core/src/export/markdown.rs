//! A session as a readable Markdown transcript: each turn with its prompt, answers, reasoning
//! summaries, commands with their output, and file changes with their diffs.

use std::collections::HashMap;

use codex_desk_protocol::{SessionInfo, TurnInfo};
use serde_json::Value;

use crate::store::ArchivedItem;

/// Writes the transcript in pieces (a long session is read in pages): [`Transcript::start`],
/// then [`Transcript::item`] for each item in order, then [`Transcript::end`].
pub struct Transcript {
    turns: Vec<TurnInfo>,
    /// Where each turn is in `turns`.
    order: HashMap<String, usize>,
    /// How many turns have had their heading written.
    written: usize,
}

impl Transcript {
    pub fn new(turns: Vec<TurnInfo>) -> Self {
        let order = turns
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.clone(), i))
            .collect();
        Self {
            turns,
            order,
            written: 0,
        }
    }

    pub fn start(&self, session: &SessionInfo, exported_at: i64) -> String {
        let mut out = format!("# {}\n\n", one_line(&session.title));
        out.push_str(&format!("- Folder: {}\n", code(&session.workspace)));
        if let Some(thread) = &session.thread_id {
            out.push_str(&format!("- Codex thread: {}\n", code(thread)));
        }
        out.push_str(&format!(
            "- Started: {}\n- Exported from Codex Desk: {}\n",
            super::utc(session.created_at),
            super::utc(exported_at)
        ));
        out
    }

    pub fn item(&mut self, item: &ArchivedItem) -> String {
        let mut out = String::new();
        if let Some(&at) = self.order.get(&item.turn_id) {
            out.push_str(&self.headings_through(at + 1));
        }
        out.push('\n');
        out.push_str(&body(item));
        out
    }

    /// The turns no item belonged to (one that failed before codex wrote anything).
    pub fn end(&mut self) -> String {
        self.headings_through(self.turns.len())
    }

    fn headings_through(&mut self, end: usize) -> String {
        let mut out = String::new();
        while self.written < end {
            let turn = &self.turns[self.written];
            self.written += 1;
            out.push_str(&format!(
                "\n---\n\n## Turn {} · {} · {}\n",
                self.written,
                super::utc(turn.started_at),
                turn.status
            ));
            if let Some(error) = &turn.error {
                out.push_str(&format!("\n> **Error:** {}\n", one_line(error)));
            }
        }
        out
    }
}

/// One item as a file to read in a text editor (when it is too long for the window): a
/// command's output as it was printed, under the command; anything else as its Markdown.
/// Returns the text and the file's extension.
pub fn item_file(kind: &str, v: &Value) -> (String, &'static str) {
    if kind == "commandExecution" {
        let text = |key: &str| v.get(key).and_then(Value::as_str).unwrap_or_default();
        let exit = v
            .get("exitCode")
            .and_then(Value::as_i64)
            .map(|c| format!(", exit {c}"))
            .unwrap_or_default();
        let head = format!(
            "$ {}\n# in {}{exit}\n\n",
            one_line(text("command")),
            text("cwd")
        );
        return (head + text("aggregatedOutput"), "txt");
    }
    (body_of(kind, v), "md")
}

fn body(item: &ArchivedItem) -> String {
    body_of(&item.kind, &item.item)
}

fn body_of(kind: &str, v: &Value) -> String {
    let text = |key: &str| v.get(key).and_then(Value::as_str).unwrap_or_default();
    match kind {
        "userMessage" => {
            let mut parts = Vec::new();
            for part in v
                .get("content")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                match part.get("type").and_then(Value::as_str) {
                    Some("text") => parts.push(
                        part.get("text")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_string(),
                    ),
                    Some("localImage") => parts.push(format!(
                        "*(image {})*",
                        code(part.get("path").and_then(Value::as_str).unwrap_or_default())
                    )),
                    Some("image") => parts.push(format!(
                        "*(image {})*",
                        code(part.get("url").and_then(Value::as_str).unwrap_or_default())
                    )),
                    _ => {}
                }
            }
            format!("### You\n\n{}\n", closed(&parts.join("\n\n")))
        }
        "agentMessage" => format!("### Codex\n\n{}\n", closed(text("text"))),
        "plan" => format!("**Plan**\n\n{}\n", closed(text("text"))),
        "reasoning" => {
            let summary: Vec<&str> = v
                .get("summary")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if summary.is_empty() {
                return String::new();
            }
            let quoted: Vec<String> = summary
                .join("\n\n")
                .lines()
                .map(|l| format!("> {l}").trim_end().to_string())
                .collect();
            format!("> *Reasoning*\n>\n{}\n", quoted.join("\n"))
        }
        "commandExecution" => {
            let mut facts = vec![format!("in {}", code(text("cwd")))];
            facts.push(text("status").to_string());
            if let Some(code) = v.get("exitCode").and_then(Value::as_i64) {
                facts.push(format!("exit {code}"));
            }
            if let Some(ms) = v.get("durationMs").and_then(Value::as_i64) {
                facts.push(format!("{:.1} s", ms as f64 / 1000.0));
            }
            let mut out = format!(
                "**Command** ({})\n\n{}",
                facts.join(", "),
                fence("sh", &format!("$ {}", text("command")))
            );
            let output = text("aggregatedOutput");
            if !output.is_empty() {
                out.push('\n');
                out.push_str(&fence("text", output));
            }
            out
        }
        "fileChange" => {
            let mut out = format!("**File changes** ({})\n", text("status"));
            for change in v
                .get("changes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let path = change
                    .get("path")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let kind = change
                    .pointer("/kind/type")
                    .and_then(Value::as_str)
                    .unwrap_or("change");
                out.push_str(&format!("\n{} ({kind})\n\n", code(path)));
                out.push_str(&fence(
                    "diff",
                    change
                        .get("diff")
                        .and_then(Value::as_str)
                        .unwrap_or_default(),
                ));
            }
            out
        }
        crate::store::questions::KIND => question(v),
        crate::store::plans::KIND => plan(v),
        other => format!(
            "**{}**\n\n{}",
            one_line(other),
            fence("json", &serde_json::to_string_pretty(v).unwrap_or_default())
        ),
    }
}

/// A question codex asked the user, and how it ended (what the user typed is never kept).
fn question(v: &Value) -> String {
    let request = v.get("request").unwrap_or(&Value::Null);
    let text = |key: &str| request.get(key).and_then(Value::as_str).unwrap_or_default();
    let what = match text("kind") {
        "command" if request.get("network").is_some_and(|n| !n.is_null()) => format!(
            "to let a command reach {}",
            code(
                request
                    .pointer("/network/host")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
            )
        ),
        "command" => format!("to run {}", code(text("command"))),
        "fileChange" => "to change files".into(),
        "permissions" => "for more access".into(),
        "questions" => "questions".into(),
        _ => "for an MCP server".into(),
    };
    let outcome = v.get("outcome").unwrap_or(&Value::Null);
    let ended: String = match (
        outcome.get("by").and_then(Value::as_str),
        outcome.get("choice").and_then(Value::as_str),
    ) {
        (Some("user"), Some(choice)) => match (text("kind"), choice) {
            ("questions", "approve") => "you answered".into(),
            ("questions", _) => "you skipped them".into(),
            (_, "approve") => "you approved".into(),
            (_, "approveForSession") => "you approved it for the session".into(),
            (_, "allowPrefix") => "you allowed commands like it from then on".into(),
            (_, "allowHost") => "you allowed the host from then on".into(),
            (_, "blockHost") => "you blocked the host from then on".into(),
            (_, "cancelTurn") => "you declined and ended the turn".into(),
            _ => "you declined".into(),
        },
        (Some("stopped"), _) => "stopped before you answered".into(),
        _ => "no longer asked".into(),
    };
    let reason = match text("reason") {
        "" => String::new(),
        why => format!(" Why: {}", one_line(why)),
    };
    format!("*Codex asked {what}; {ended}.*{reason}\n")
}

/// The agent's plan as a checklist, as it last stood.
fn plan(v: &Value) -> String {
    let mut out = String::from("**Plan**\n\n");
    if let Some(why) = v.get("explanation").and_then(Value::as_str) {
        if !why.trim().is_empty() {
            out.push_str(&format!("{}\n\n", one_line(why)));
        }
    }
    for step in v
        .get("plan")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let text = one_line(step.get("step").and_then(Value::as_str).unwrap_or_default());
        out.push_str(&match step.get("status").and_then(Value::as_str) {
            Some("completed") => format!("- [x] {text}\n"),
            Some("inProgress") => format!("- [ ] {text} (in progress)\n"),
            _ => format!("- [ ] {text}\n"),
        });
    }
    out
}

/// Markdown as written, with a code block left open (an answer cut short) closed, so it never
/// swallows the rest of the transcript.
fn closed(text: &str) -> String {
    let mut open: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let fence: String = trimmed
            .chars()
            .take_while(|&c| c == '`' || c == '~')
            .collect();
        if fence.len() < 3
            || !fence
                .chars()
                .all(|c| c == fence.chars().next().unwrap_or('`'))
        {
            continue;
        }
        match &open {
            None => open = Some(fence),
            Some(o) if fence.starts_with(o.as_str()) && trimmed.trim() == fence => open = None,
            Some(_) => {}
        }
    }
    match open {
        Some(fence) => format!("{text}\n{fence}"),
        None => text.to_string(),
    }
}

/// A fenced block whose fence is longer than any run of backticks inside it.
fn fence(lang: &str, text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let ticks = "`".repeat(longest.max(2) + 1);
    let newline = if text.ends_with('\n') { "" } else { "\n" };
    format!("{ticks}{lang}\n{text}{newline}{ticks}\n")
}

/// Inline code that holds any text (backticks inside get a longer delimiter).
fn code(text: &str) -> String {
    let text = one_line(text);
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let ticks = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(turn: &str, seq: i64, value: Value) -> ArchivedItem {
        ArchivedItem {
            turn_id: turn.into(),
            item_id: format!("i{seq}"),
            seq,
            kind: value["type"].as_str().unwrap_or_default().into(),
            created_at: 0,
            item: value,
        }
    }

    fn turn(id: &str, status: &str, error: Option<&str>) -> TurnInfo {
        TurnInfo {
            id: id.into(),
            status: status.into(),
            error: error.map(str::to_string),
            started_at: 0,
            completed_at: None,
            usage: None,
            codex_run: None,
        }
    }

    #[test]
    fn a_question_codex_asked_reads_as_what_was_asked_and_how_it_ended() {
        let asked = |kind: &str, outcome: Value| {
            body_of(
                "deskQuestion",
                &json!({"type": "deskQuestion", "id": "question-p:0", "outcome": outcome,
                        "request": {"kind": kind, "command": "touch /x", "reason": "outside",
                                    "network": null}}),
            )
        };
        assert_eq!(
            asked(
                "command",
                json!({"by": "user", "choice": "approveForSession"})
            ),
            "*Codex asked to run `touch /x`; you approved it for the session.* Why: outside\n"
        );
        assert!(
            asked("questions", json!({"by": "user", "choice": "approve"}))
                .contains("questions; you answered.")
        );
        assert!(asked("fileChange", Value::Null).contains("to change files; no longer asked."));
        assert!(asked("command", json!({"by": "stopped"})).contains("stopped before you answered"));
    }

    #[test]
    fn a_plan_reads_as_a_checklist_as_it_last_stood() {
        let plan = body_of(
            "deskPlan",
            &json!({"type": "deskPlan", "id": "plan-t1", "explanation": "Small steps.",
                    "plan": [{"step": "Read the parser", "status": "completed"},
                             {"step": "Fix the\nbug", "status": "inProgress"},
                             {"step": "Run the tests", "status": "pending"}]}),
        );
        assert_eq!(
            plan,
            "**Plan**\n\nSmall steps.\n\n- [x] Read the parser\n- [ ] Fix the bug (in progress)\n- [ ] Run the tests\n"
        );
    }

    #[test]
    fn a_transcript_reads_as_turns_with_prompts_answers_commands_and_diffs() {
        let session = SessionInfo {
            id: "s".into(),
            title: "Fix the parser".into(),
            workspace: "/w/proj".into(),
            thread_id: Some("th-1".into()),
            status: codex_desk_protocol::SessionStatus::Idle,
            last_error: None,
            created_at: 0,
            updated_at: 0,
            archived_at: None,
        };
        let mut t = Transcript::new(vec![
            turn("t1", "completed", None),
            turn("t2", "failed", Some("model refused")),
        ]);
        let mut md = t.start(&session, 0);
        for i in [
            item(
                "t1",
                1,
                json!({"type": "userMessage", "content": [{"type": "text", "text": "Run the tests"}]}),
            ),
            item(
                "t1",
                2,
                json!({"type": "reasoning", "summary": ["Looking at tests"]}),
            ),
            item(
                "t1",
                3,
                json!({"type": "commandExecution", "command": "echo ```", "cwd": "/w/proj", "status": "completed", "exitCode": 0, "durationMs": 1500, "aggregatedOutput": "```\n"}),
            ),
            item(
                "t1",
                4,
                json!({"type": "fileChange", "status": "completed", "changes": [{"path": "src/a.rs", "kind": {"type": "update", "move_path": null}, "diff": "-a\n+b\n"}]}),
            ),
            item(
                "t1",
                5,
                json!({"type": "agentMessage", "text": "Done.\n\n```rust\nfn cut_short("}),
            ),
        ] {
            md.push_str(&t.item(&i));
        }
        md.push_str(&t.end());
        assert!(md.starts_with("# Fix the parser\n\n- Folder: `/w/proj`\n- Codex thread: `th-1`\n"));
        assert!(md.contains(
            "## Turn 1 · 1970-01-01T00:00:00Z · completed\n\n### You\n\nRun the tests\n"
        ));
        assert!(md.contains("> *Reasoning*\n>\n> Looking at tests\n"));
        // Backticks in a command or its output never end the block early.
        assert!(md.contains("**Command** (in `/w/proj`, completed, exit 0, 1.5 s)\n\n````sh\n$ echo ```\n````\n\n````text\n```\n````\n"), "{md}");
        assert!(md.contains("`src/a.rs` (update)\n\n```diff\n-a\n+b\n```\n"));
        // An answer cut short inside a code block is closed, so the next turn is not code.
        assert!(
            md.contains("### Codex\n\nDone.\n\n```rust\nfn cut_short(\n```\n"),
            "{md}"
        );
        // A turn with no item still shows, with its error.
        assert!(md.ends_with(
            "## Turn 2 · 1970-01-01T00:00:00Z · failed\n\n> **Error:** model refused\n"
        ));
    }
}
