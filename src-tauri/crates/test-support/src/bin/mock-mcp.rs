//! `mock-mcp`: a minimal MCP server over stdio (newline-delimited JSON-RPC) with tools:
//! - `env_fingerprint {name}` answers with the SHA-256 of that environment variable's value
//!   (never the value itself), so a test can prove a secret reached the server without the
//!   secret appearing in the transcript;
//! - `ask_user` (read-only) asks the user through an elicitation form (name, copies, format,
//!   urgent) and answers with what came back: `elicitation: <action> <content>`;
//! - `open_page` asks the user to open a page (URL elicitation), answered the same way;
//! - `write_note` (no annotations, so codex asks before calling it) answers `note written`.

use std::io::{BufRead, Write};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Sends an elicitation request and waits for its answer (answering pings meanwhile).
fn elicit(
    lines: &mut impl Iterator<Item = std::io::Result<String>>,
    stdout: &mut std::io::Stdout,
    id: &str,
    params: Value,
) -> String {
    let request =
        json!({"jsonrpc": "2.0", "id": id, "method": "elicitation/create", "params": params});
    let _ = writeln!(stdout, "{request}");
    let _ = stdout.flush();
    for line in lines.by_ref() {
        let Ok(line) = line else { break };
        let Ok(message) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        if message.get("id").and_then(Value::as_str) == Some(id) && message.get("method").is_none()
        {
            if let Some(error) = message.get("error") {
                return format!("elicitation: error {error}");
            }
            let result = &message["result"];
            let action = result["action"].as_str().unwrap_or("?");
            return format!(
                "elicitation: {action} {}",
                result.get("content").unwrap_or(&Value::Null)
            );
        }
        if message.get("method").and_then(Value::as_str) == Some("ping") {
            if let Some(ping) = message.get("id") {
                let _ = writeln!(
                    stdout,
                    "{}",
                    json!({"jsonrpc": "2.0", "id": ping, "result": {}})
                );
                let _ = stdout.flush();
            }
        }
    }
    "elicitation: no answer".into()
}

fn main() {
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout();
    let mut lines = stdin.lock().lines();
    let mut asked = 0;
    while let Some(line) = lines.next() {
        let Ok(line) = line else { break };
        let Ok(message) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        let Some(id) = message.get("id").cloned() else {
            continue; // a notification
        };
        let method = message.get("method").and_then(Value::as_str).unwrap_or("");
        let tool = message.pointer("/params/name").and_then(Value::as_str);
        let result = match method {
            "initialize" => json!({
                "protocolVersion": message.pointer("/params/protocolVersion").cloned().unwrap_or(json!("2025-06-18")),
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "mock-mcp", "version": "1.0.0"}
            }),
            "tools/list" => json!({"tools": [{
                "name": "env_fingerprint",
                "description": "SHA-256 of an environment variable of this server",
                "inputSchema": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}
            }, {
                "name": "ask_user",
                "description": "Asks the user where to send a report",
                "inputSchema": {"type": "object", "properties": {}},
                "annotations": {"readOnlyHint": true}
            }, {
                "name": "open_page",
                "description": "Asks the user to open a page",
                "inputSchema": {"type": "object", "properties": {}},
                "annotations": {"readOnlyHint": true}
            }, {
                "name": "write_note",
                "description": "Writes a note",
                "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}}
            }]}),
            "tools/call" if matches!(tool, Some("ask_user" | "open_page")) => {
                asked += 1;
                // Codex hands a form's fields on sorted by name, whatever the order here.
                let params = if tool == Some("ask_user") {
                    json!({
                        "message": "Where should the report go?",
                        "requestedSchema": {
                            "type": "object",
                            "properties": {
                                "recipient": {"type": "string", "title": "Recipient", "format": "email"},
                                "copies": {"type": "integer", "title": "Copies", "minimum": 1, "maximum": 5},
                                "format": {"type": "string", "title": "Format", "oneOf": [
                                    {"const": "pdf", "title": "PDF"}, {"const": "md", "title": "Markdown"}]},
                                "urgent": {"type": "boolean", "title": "Urgent", "default": false}
                            },
                            "required": ["recipient", "copies"]
                        }
                    })
                } else {
                    json!({
                        "mode": "url",
                        "message": "Sign in to the docs service",
                        "url": "https://docs.example.com/connect?session=42",
                        "elicitationId": format!("page-{asked}")
                    })
                };
                let text = elicit(&mut lines, &mut stdout, &format!("ask-{asked}"), params);
                json!({"content": [{"type": "text", "text": text}], "isError": false})
            }
            "tools/call" if tool == Some("write_note") => {
                json!({"content": [{"type": "text", "text": "note written"}], "isError": false})
            }
            "tools/call" => {
                let name = message
                    .pointer("/params/arguments/name")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let text = match std::env::var(name) {
                    Ok(value) => {
                        let hex: String = Sha256::digest(value.as_bytes())
                            .iter()
                            .map(|b| format!("{b:02x}"))
                            .collect();
                        format!("{name} sha256={hex}")
                    }
                    Err(_) => format!("{name} is not set"),
                };
                json!({"content": [{"type": "text", "text": text}], "isError": false})
            }
            "ping" => json!({}),
            _ => {
                let reply = json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32601, "message": "method not found"}});
                let _ = writeln!(stdout, "{reply}");
                let _ = stdout.flush();
                continue;
            }
        };
        let reply = json!({"jsonrpc": "2.0", "id": id, "result": result});
        let _ = writeln!(stdout, "{reply}");
        let _ = stdout.flush();
    }
}
