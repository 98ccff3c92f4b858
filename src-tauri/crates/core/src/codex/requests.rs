//! Answers to requests codex sends us that the user is not asked about (command and file
//! approvals go to the user: see `approvals`). An approval this version cannot show (input for
//! a terminal, a network rule) is declined, the safe default, and the user is told; anything
//! unknown gets a JSON-RPC error so codex never waits forever.

use serde_json::{json, Value};

/// JSON-RPC "method not found".
pub const METHOD_NOT_FOUND: i64 = -32601;

/// How to answer one server request.
pub enum Answer {
    Result {
        result: Value,
        summary: String,
    },
    Error {
        code: i64,
        message: String,
        summary: String,
    },
}

pub fn answer(method: &str, params: &Value) -> Answer {
    let text = |key: &str| {
        params
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    match method {
        "item/commandExecution/requestApproval" => Answer::Result {
            result: json!({ "decision": "decline" }),
            summary: format!(
                "Codex asked for an approval this version of Codex Desk cannot show (input for a running command, or a network rule){}; it was declined.",
                Some(text("command")).filter(|c| !c.is_empty()).map(|c| format!(" for `{c}`")).unwrap_or_default()
            ),
        },
        "item/fileChange/requestApproval" => Answer::Result {
            result: json!({ "decision": "decline" }),
            summary: "Codex asked to change files in a way this version of Codex Desk cannot show; it was declined.".into(),
        },
        "mcpServer/elicitation/request" => Answer::Result {
            result: json!({ "action": "decline", "content": null, "_meta": null }),
            summary: format!(
                "The MCP server `{}` asked for something this version of Codex Desk cannot show{}; it was declined.",
                text("serverName"),
                Some(text("message")).filter(|m| !m.is_empty()).map(|m| format!(" (“{m}”)")).unwrap_or_default()
            ),
        },
        "item/permissions/requestApproval" => Answer::Result {
            result: json!({ "permissions": {}, "scope": "turn" }),
            summary: "Codex asked for access this version of Codex Desk cannot show; it was declined.".into(),
        },
        "execCommandApproval" | "applyPatchApproval" => Answer::Result {
            result: json!({ "decision": { "denied": { "rejection": "Approvals are not available in this version of Codex Desk." } } }),
            summary: "Codex asked for an approval; Codex Desk declined it (approvals are not available yet).".into(),
        },
        other => Answer::Error {
            code: METHOD_NOT_FOUND,
            message: format!("Codex Desk does not support `{other}` yet"),
            summary: format!("Codex asked for `{other}`, which Codex Desk does not support yet; it was refused."),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn approvals_are_declined_and_unknown_requests_refused() {
        match answer(
            "item/commandExecution/requestApproval",
            &json!({"command": "rm -rf /"}),
        ) {
            Answer::Result { result, summary } => {
                assert_eq!(result["decision"], "decline");
                assert!(summary.contains("rm -rf /"));
            }
            Answer::Error { .. } => panic!("approval must get a decision"),
        }
        match answer("item/tool/requestUserInput", &Value::Null) {
            Answer::Error { code, .. } => assert_eq!(code, METHOD_NOT_FOUND),
            Answer::Result { .. } => panic!("unknown request must be refused"),
        }
    }
}
