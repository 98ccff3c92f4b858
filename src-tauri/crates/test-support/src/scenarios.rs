//! A script that picks its answer from the user's words, for the end-to-end test and for
//! trying the app by hand against the mock (`mock-model` binary).

use std::sync::Arc;
use std::time::Duration;

use crate::{reply, ModelRequest, Reply, Script};

/// - a follow-up after a tool call: a short summary quoting the tool's output;
/// - "run <command>": codex runs the command (`exec_command`);
/// - "create <file>": codex adds the file with apply_patch;
/// - "fail": HTTP 500;
/// - "slow": a long, slow answer (for Stop);
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
        let lower = prompt.to_lowercase();
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
        if lower.contains("fail") {
            return reply::http_error(500, "mock model failure");
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
