//! `mock-mcp`: a minimal MCP server over stdio (newline-delimited JSON-RPC) with one tool,
//! `env_fingerprint {name}`, which answers with the SHA-256 of that environment variable's value
//! (never the value itself), so a test can prove a secret reached the server without the secret
//! appearing in the transcript.

use std::io::{BufRead, Write};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

fn main() {
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let Ok(message) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        let Some(id) = message.get("id").cloned() else {
            continue; // a notification
        };
        let method = message.get("method").and_then(Value::as_str).unwrap_or("");
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
            }]}),
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
