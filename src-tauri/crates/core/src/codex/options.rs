//! A session's options as codex's protocol spells them (thread/start, turn/start), the checks
//! that explain a bad combination before a turn starts, and the models codex offers.

use codex_desk_protocol::{
    ApprovalMode, EffortChoice, ModelChoice, SandboxMode, SessionOptions, WebSearch,
};
use serde_json::{json, Value};

use super::client::CodexClient;
use crate::error::{CoreError, Result};

/// At most this many folders besides the workspace may be writable.
const MOST_WRITABLE_FOLDERS: usize = 10;

/// The longest answer schema taken (a schema, not a document).
const LONGEST_SCHEMA: usize = 64 * 1024;

/// At most this many pages of `model/list`.
const MOST_MODEL_PAGES: usize = 10;

pub fn approval_policy(mode: ApprovalMode) -> &'static str {
    match mode {
        ApprovalMode::Untrusted => "untrusted",
        ApprovalMode::OnRequest => "on-request",
        ApprovalMode::Never => "never",
    }
}

/// Web search as codex's configuration (`web_search`) names it.
pub fn web_search_mode(mode: WebSearch) -> &'static str {
    match mode {
        WebSearch::Off => "disabled",
        WebSearch::Cached => "cached",
        WebSearch::Live => "live",
    }
}

/// The `-c` settings a session's options give its codex process (they hold for its life:
/// changing them starts a new one).
pub fn launch_settings(options: &SessionOptions) -> Vec<String> {
    let mut settings = Vec::new();
    if let Some(mode) = options.web_search {
        settings.push(format!("web_search=\"{}\"", web_search_mode(mode)));
    }
    if options.python_venv {
        // A login shell's profile would set PATH again, putting another python first.
        settings.push("allow_login_shell=false".into());
    }
    if !options.env.is_empty() {
        // Codex's shell snapshot writes the environment into a file of its home: the values
        // of the session's variables stay in the keychain and codex's memory.
        settings.push("features.shell_snapshot=false".into());
    }
    settings
}

/// The sandbox as `thread/start` names it.
pub fn sandbox_mode(mode: SandboxMode) -> &'static str {
    match mode {
        SandboxMode::ReadOnly => "read-only",
        SandboxMode::WorkspaceWrite => "workspace-write",
        SandboxMode::FullAccess => "danger-full-access",
    }
}

/// The sandbox as `turn/start` takes it.
pub fn sandbox_policy(options: &SessionOptions) -> Value {
    match options.sandbox {
        SandboxMode::ReadOnly => json!({ "type": "readOnly", "networkAccess": false }),
        SandboxMode::WorkspaceWrite => json!({
            "type": "workspaceWrite",
            "writableRoots": options.writable_folders,
            "networkAccess": options.network,
            "excludeTmpdirEnvVar": false,
            "excludeSlashTmp": false,
        }),
        SandboxMode::FullAccess => json!({ "type": "dangerFullAccess" }),
    }
}

/// What the user's own codex configuration sets for the sandbox, approvals and network (its
/// active profile's first), for a new session to start from; what it leaves out, or sets to a
/// value this app does not know, stays the app's default (workspace write, asking when needed).
pub fn user_defaults(config: &toml::Table) -> SessionOptions {
    let profile = config
        .get("profile")
        .and_then(toml::Value::as_str)
        .and_then(|name| config.get("profiles")?.get(name)?.as_table());
    let get = |key: &str| profile.and_then(|p| p.get(key)).or_else(|| config.get(key));
    let mut options = SessionOptions::default();
    match get("sandbox_mode").and_then(toml::Value::as_str) {
        Some("read-only") => options.sandbox = SandboxMode::ReadOnly,
        Some("workspace-write") => options.sandbox = SandboxMode::WorkspaceWrite,
        Some("danger-full-access") => options.sandbox = SandboxMode::FullAccess,
        _ => {}
    }
    match get("approval_policy").and_then(toml::Value::as_str) {
        Some("untrusted") => options.approvals = ApprovalMode::Untrusted,
        // "on-failure" (asks once the sandbox refused) is closest to asking when needed.
        Some("on-request" | "on-failure") => options.approvals = ApprovalMode::OnRequest,
        Some("never") => options.approvals = ApprovalMode::Never,
        _ => {}
    }
    options.network = options.sandbox == SandboxMode::WorkspaceWrite
        && get("sandbox_workspace_write")
            .and_then(|t| t.get("network_access"))
            .and_then(toml::Value::as_bool)
            .unwrap_or(false);
    options
}

/// Tidies the user's options, or says what is wrong with them.
pub fn checked(mut options: SessionOptions) -> Result<SessionOptions> {
    options.model = options
        .model
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty());
    if let Some(model) = &options.model {
        if model.len() > 200 || model.chars().any(char::is_control) {
            return Err(CoreError::InvalidInput(
                "That model name cannot be right: pick one from the list.".into(),
            ));
        }
    }
    options.effort = options
        .effort
        .map(|e| e.trim().to_ascii_lowercase())
        .filter(|e| !e.is_empty());
    if let Some(effort) = &options.effort {
        // The model says which it supports (model/list); codex refuses one it does not.
        if effort.len() > 20 || !effort.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
            return Err(CoreError::InvalidInput(format!(
                "\"{effort}\" is not a reasoning effort: pick one the model offers."
            )));
        }
    }
    if options.network && options.sandbox == SandboxMode::ReadOnly {
        return Err(CoreError::InvalidInput(
            "Network access needs the workspace-write sandbox: read-only blocks the network. Pick \"Workspace write\", or turn network access off.".into(),
        ));
    }
    if options.sandbox == SandboxMode::FullAccess {
        // Full access has the network anyway.
        options.network = false;
    }
    options.output_schema = options
        .output_schema
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    if let Some(schema) = &options.output_schema {
        output_schema(schema)?;
    }
    let mut seen = std::collections::HashSet::new();
    options
        .writable_folders
        .retain(|f| !f.trim().is_empty() && seen.insert(f.trim().to_string()));
    if options.writable_folders.len() > MOST_WRITABLE_FOLDERS {
        return Err(CoreError::InvalidInput(format!(
            "At most {MOST_WRITABLE_FOLDERS} extra folders can be writable: remove one first."
        )));
    }
    Ok(options)
}

/// The answer schema as codex takes it, or what is wrong with it (the model service takes an
/// object schema at the top).
pub fn output_schema(text: &str) -> Result<Value> {
    if text.len() > LONGEST_SCHEMA {
        return Err(CoreError::InvalidInput(format!(
            "That answer schema is {} KB; at most {} KB are taken.",
            text.len() / 1024,
            LONGEST_SCHEMA / 1024
        )));
    }
    let schema: Value = serde_json::from_str(text).map_err(|e| {
        CoreError::InvalidInput(format!(
            "The answer schema is not JSON ({e}). An example: {SCHEMA_EXAMPLE}"
        ))
    })?;
    if schema.get("type").and_then(Value::as_str) != Some("object") {
        return Err(CoreError::InvalidInput(format!(
            "The answer schema must describe an object at the top (\"type\": \"object\"), as the model service requires. An example: {SCHEMA_EXAMPLE}"
        )));
    }
    strict(&schema, "the top", 0)?;
    Ok(schema)
}

/// A schema the model service takes in strict mode (as codex asks for it).
const SCHEMA_EXAMPLE: &str = r#"{"type": "object", "properties": {"summary": {"type": "string"}}, "required": ["summary"], "additionalProperties": false}"#;

/// Checks what strict structured answers require of every object in `schema` (the model
/// service refuses the whole turn otherwise): `"additionalProperties": false`, and every
/// property listed in `"required"` (an optional one is a union with null).
fn strict(schema: &Value, at: &str, depth: usize) -> Result<()> {
    if depth > 32 {
        return Err(CoreError::InvalidInput(
            "The answer schema is nested too deeply.".into(),
        ));
    }
    let Some(node) = schema.as_object() else {
        return Ok(());
    };
    let properties = node.get("properties").and_then(Value::as_object);
    let is_object =
        node.get("type").and_then(Value::as_str) == Some("object") || properties.is_some();
    if is_object {
        let required: Vec<&str> = node
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let missing: Vec<&str> = properties
            .into_iter()
            .flat_map(|p| p.keys())
            .map(String::as_str)
            .filter(|k| !required.contains(k))
            .collect();
        if node.get("additionalProperties") != Some(&Value::Bool(false)) || !missing.is_empty() {
            return Err(CoreError::InvalidInput(format!(
                "At {at} of the answer schema: every object needs \"additionalProperties\": false and each of its properties in \"required\"{} (make a property optional with a type such as [\"string\", \"null\"]). An example: {SCHEMA_EXAMPLE}",
                if missing.is_empty() {
                    String::new()
                } else {
                    format!(" (not listed: {})", missing.join(", "))
                }
            )));
        }
    }
    for (name, sub) in properties.into_iter().flatten() {
        strict(sub, &format!("\"{name}\""), depth + 1)?;
    }
    for key in ["items", "additionalItems"] {
        if let Some(sub) = node.get(key) {
            strict(sub, &format!("the {key} of {at}"), depth + 1)?;
        }
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        for sub in node
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            strict(sub, at, depth + 1)?;
        }
    }
    for key in ["$defs", "definitions"] {
        for (name, sub) in node
            .get(key)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            strict(sub, &format!("\"{name}\""), depth + 1)?;
        }
    }
    Ok(())
}

/// The models codex offers, in its order (hidden ones left out).
pub async fn list_models(client: &CodexClient) -> Result<Vec<ModelChoice>> {
    let mut models = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..MOST_MODEL_PAGES {
        let params = match &cursor {
            Some(c) => json!({ "cursor": c }),
            None => json!({}),
        };
        let page = client.request("model/list", params).await?;
        for m in page["data"].as_array().into_iter().flatten() {
            if m["hidden"].as_bool() == Some(true) {
                continue;
            }
            let Some(id) = m["model"].as_str().or_else(|| m["id"].as_str()) else {
                continue;
            };
            let text = |k: &str| m[k].as_str().unwrap_or_default().to_string();
            models.push(ModelChoice {
                id: id.to_string(),
                name: m["displayName"].as_str().unwrap_or(id).to_string(),
                description: text("description"),
                efforts: m["supportedReasoningEfforts"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|e| {
                        Some(EffortChoice {
                            effort: e["reasoningEffort"].as_str()?.to_string(),
                            description: e["description"].as_str().unwrap_or_default().into(),
                        })
                    })
                    .collect(),
                // "none" for a model that does not reason: sent as such, it ends an effort
                // chosen for another model (turn/start keeps what it was last given).
                default_effort: m["defaultReasoningEffort"].as_str().map(str::to_string),
            });
        }
        cursor = page["nextCursor"].as_str().map(str::to_string);
        if cursor.is_none() {
            break;
        }
    }
    Ok(models)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_session_starts_from_what_the_users_codex_config_sets() {
        let config = |text: &str| -> toml::Table { text.parse().expect("toml") };
        assert_eq!(user_defaults(&config("")), SessionOptions::default());
        let set = user_defaults(&config(
            "sandbox_mode = \"workspace-write\"\napproval_policy = \"never\"\n[sandbox_workspace_write]\nnetwork_access = true\n",
        ));
        assert_eq!(
            (set.sandbox, set.approvals, set.network),
            (SandboxMode::WorkspaceWrite, ApprovalMode::Never, true)
        );
        // The active profile's settings come first; values this app does not know are left.
        let profiled = user_defaults(&config(
            "profile = \"safe\"\nsandbox_mode = \"danger-full-access\"\napproval_policy = \"sometimes\"\n[profiles.safe]\nsandbox_mode = \"read-only\"\n[sandbox_workspace_write]\nnetwork_access = true\n",
        ));
        assert_eq!(
            (profiled.sandbox, profiled.approvals, profiled.network),
            (SandboxMode::ReadOnly, ApprovalMode::OnRequest, false)
        );
    }

    #[test]
    fn a_bad_combination_is_explained() {
        let read_only_online = SessionOptions {
            sandbox: SandboxMode::ReadOnly,
            network: true,
            ..SessionOptions::default()
        };
        let err = checked(read_only_online).expect_err("refused");
        assert!(err.to_string().contains("Network access needs"), "{err}");
        let err = checked(SessionOptions {
            effort: Some("very high; rm".into()),
            ..SessionOptions::default()
        })
        .expect_err("refused");
        assert!(
            err.to_string().contains("is not a reasoning effort"),
            "{err}"
        );
    }

    #[test]
    fn options_are_tidied() {
        let tidy = checked(SessionOptions {
            model: Some("  ".into()),
            effort: Some(" High ".into()),
            sandbox: SandboxMode::FullAccess,
            network: true,
            ..SessionOptions::default()
        })
        .expect("fine");
        assert_eq!(tidy.model, None);
        assert_eq!(tidy.effort.as_deref(), Some("high"));
        assert!(!tidy.network);
    }

    #[test]
    fn an_answer_schema_must_be_an_object_schema_in_json() {
        let with = |schema: &str| {
            checked(SessionOptions {
                output_schema: Some(schema.into()),
                ..SessionOptions::default()
            })
        };
        let good = r#"{"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"], "additionalProperties": false}"#;
        assert_eq!(
            with(&format!("  {good}\n"))
                .expect("taken")
                .output_schema
                .as_deref(),
            Some(good)
        );
        assert_eq!(with("   ").expect("none").output_schema, None);
        for (bad, says) in [
            ("{\"type\": ", "not JSON"),
            ("[1, 2]", "an object at the top"),
            ("{\"type\": \"string\"}", "an object at the top"),
            (r#"{"type": "object"}"#, "\"additionalProperties\": false"),
            (
                r#"{"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}, "required": ["a"], "additionalProperties": false}"#,
                "not listed: b",
            ),
            (
                r#"{"type": "object", "properties": {"list": {"type": "array", "items": {"type": "object", "properties": {"x": {"type": "number"}}}}}, "required": ["list"], "additionalProperties": false}"#,
                "items of \"list\"",
            ),
        ] {
            let refused = with(bad).expect_err(bad).to_string();
            assert!(refused.contains(says), "{bad}: {refused}");
        }
        let huge = format!(
            r#"{{"type": "object", "description": "{}"}}"#,
            "x".repeat(70_000)
        );
        assert!(with(&huge).expect_err("huge").to_string().contains("KB"));
    }

    #[test]
    fn web_search_and_the_environment_are_launch_settings() {
        assert!(launch_settings(&SessionOptions::default()).is_empty());
        let options = SessionOptions {
            web_search: Some(WebSearch::Cached),
            python_venv: true,
            ..SessionOptions::default()
        };
        assert_eq!(
            launch_settings(&options),
            vec![
                "web_search=\"cached\"".to_string(),
                "allow_login_shell=false".to_string()
            ]
        );
        let with_variables = SessionOptions {
            env: vec!["API_TOKEN".into()],
            ..SessionOptions::default()
        };
        assert_eq!(
            launch_settings(&with_variables),
            vec!["features.shell_snapshot=false".to_string()]
        );
    }

    #[test]
    fn the_sandbox_as_codex_spells_it() {
        let online = SessionOptions {
            network: true,
            ..SessionOptions::default()
        };
        assert_eq!(sandbox_policy(&online)["type"], "workspaceWrite");
        assert_eq!(sandbox_policy(&online)["networkAccess"], true);
        assert_eq!(sandbox_mode(SandboxMode::FullAccess), "danger-full-access");
        assert_eq!(approval_policy(ApprovalMode::OnRequest), "on-request");
    }
}
