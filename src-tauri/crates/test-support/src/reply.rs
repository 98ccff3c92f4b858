//! What the mock answers: SSE event sequences of the Responses API, or an HTTP error.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{json, Value};

#[derive(Debug, Clone)]
pub enum Reply {
    /// `200 text/event-stream` with these events, `delay` apart.
    Sse { events: Vec<Value>, delay: Duration },
    /// An HTTP error with a JSON body.
    Status { code: u16, body: Value },
}

/// A fresh id, as the real service gives every output item its own.
fn fresh_id(prefix: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("{prefix}_{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

fn usage() -> Value {
    json!({"input_tokens": 100, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 20,
           "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 120})
}

fn completed() -> Value {
    json!({"type": "response.completed", "response": {"id": "resp_mock", "usage": usage()}})
}

fn message_events(id: &str, chunks: &[&str]) -> Vec<Value> {
    let full: String = chunks.concat();
    let mut events = vec![
        json!({"type": "response.output_item.added", "output_index": 0,
        "item": {"type": "message", "role": "assistant", "id": id, "status": "in_progress", "content": []}}),
    ];
    events.extend(chunks.iter().map(|c| {
        json!({"type": "response.output_text.delta", "item_id": id, "output_index": 0, "content_index": 0, "delta": c})
    }));
    events.push(
        json!({"type": "response.output_item.done", "output_index": 0,
        "item": {"type": "message", "role": "assistant", "id": id, "status": "completed",
                 "content": [{"type": "output_text", "text": full, "annotations": []}]}}),
    );
    events
}

/// A streamed assistant message made of `chunks`.
pub fn text(chunks: &[&str]) -> Reply {
    let mut events = message_events(&fresh_id("msg"), chunks);
    events.push(completed());
    Reply::Sse {
        events,
        delay: Duration::ZERO,
    }
}

/// A message streamed slowly: `count` deltas of `chunk`, `delay` apart.
pub fn slow_text(chunk: &str, count: usize, delay: Duration) -> Reply {
    let chunks = vec![chunk; count];
    let mut events = message_events(&fresh_id("msg"), &chunks);
    events.push(completed());
    Reply::Sse { events, delay }
}

/// A reasoning summary followed by a text answer.
pub fn reasoning_then_text(summary: &str, chunks: &[&str]) -> Reply {
    let rs = fresh_id("rs");
    let mut events = vec![
        json!({"type": "response.output_item.added", "output_index": 0,
               "item": {"type": "reasoning", "id": rs, "summary": []}}),
        json!({"type": "response.reasoning_summary_part.added", "item_id": rs, "output_index": 0, "summary_index": 0,
               "part": {"type": "summary_text", "text": ""}}),
        json!({"type": "response.reasoning_summary_text.delta", "item_id": rs, "output_index": 0, "summary_index": 0, "delta": summary}),
        json!({"type": "response.output_item.done", "output_index": 0,
               "item": {"type": "reasoning", "id": rs, "summary": [{"type": "summary_text", "text": summary}]}}),
    ];
    events.extend(message_events(&fresh_id("msg"), chunks));
    events.push(completed());
    Reply::Sse {
        events,
        delay: Duration::ZERO,
    }
}

/// The model asks codex to run `cmd` (codex's `exec_command` tool), in `workdir` when given,
/// else in the thread's working folder.
pub fn exec_command(call_id: &str, cmd: &str, workdir: Option<&str>) -> Reply {
    let arguments = match workdir {
        Some(dir) => json!({"cmd": cmd, "workdir": dir}),
        None => json!({"cmd": cmd}),
    }
    .to_string();
    one_item(
        json!({"type": "function_call", "id": format!("fc_{call_id}"), "call_id": call_id,
                    "name": "exec_command", "arguments": arguments, "status": "completed"}),
    )
}

/// The model asks codex to run `cmd` outside the sandbox (`sandbox_permissions:
/// "require_escalated"`), saying why: under the `on-request` policy codex asks the user first.
pub fn exec_command_escalated(call_id: &str, cmd: &str, justification: &str) -> Reply {
    let arguments = json!({"cmd": cmd, "sandbox_permissions": "require_escalated", "login": false,
                           "justification": justification})
    .to_string();
    one_item(
        json!({"type": "function_call", "id": format!("fc_{call_id}"), "call_id": call_id,
                    "name": "exec_command", "arguments": arguments, "status": "completed"}),
    )
}

/// The model asks codex to apply `patch` (freeform `apply_patch` tool).
pub fn apply_patch(call_id: &str, patch: &str) -> Reply {
    one_item(
        json!({"type": "custom_tool_call", "id": format!("ctc_{call_id}"), "call_id": call_id,
                    "name": "apply_patch", "input": patch, "status": "completed"}),
    )
}

/// A response made of one finished output item.
fn one_item(item: Value) -> Reply {
    Reply::Sse {
        events: vec![
            json!({"type": "response.output_item.done", "output_index": 0, "item": item}),
            completed(),
        ],
        delay: Duration::ZERO,
    }
}

/// An HTTP error from the model service.
pub fn http_error(code: u16, message: &str) -> Reply {
    Reply::Status {
        code,
        body: json!({"error": {"message": message, "type": "server_error", "code": null}}),
    }
}

/// The model calls codex's tool `name` with `arguments` (JSON).
pub fn tool_call(call_id: &str, name: &str, arguments: &Value) -> Reply {
    one_item(
        json!({"type": "function_call", "id": format!("fc_{call_id}"), "call_id": call_id,
                    "name": name, "arguments": arguments.to_string(), "status": "completed"}),
    )
}

/// The model calls `name` in tool namespace `namespace` (MCP tools are `mcp__<server>`).
pub fn namespaced_call(call_id: &str, namespace: &str, name: &str, arguments: &Value) -> Reply {
    one_item(
        json!({"type": "function_call", "id": format!("fc_{call_id}"), "call_id": call_id,
                    "namespace": namespace, "name": name, "arguments": arguments.to_string(),
                    "status": "completed"}),
    )
}
