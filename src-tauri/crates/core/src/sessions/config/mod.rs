//! Builds a session's `config.toml`: the user's own codex configuration (model providers,
//! profiles, MCP servers, ...) with the session's settings on top. Secrets that a user may have
//! put into their config are not copied into the session folder.

use std::path::Path;

use toml::{Table, Value};

use crate::error::{CoreError, Result};

/// Keys that hold credentials; never written into a session folder.
const SECRET_KEYS: &[&str] = &["experimental_bearer_token"];

/// Settings the app applies on top of the user's configuration, as TOML keys.
#[derive(Debug, Clone, Default)]
pub struct SessionOverrides {
    pub table: Table,
}

/// Reads `<user codex home>/config.toml` (absent is fine), strips secrets, merges `overrides`
/// over it and returns the TOML text.
pub fn build_session_config(
    user_codex_home: Option<&Path>,
    overrides: &SessionOverrides,
) -> Result<String> {
    let mut base = match user_codex_home.map(|h| h.join("config.toml")) {
        Some(path) if path.is_file() => {
            let text = std::fs::read_to_string(&path).map_err(|e| CoreError::UserConfig {
                path: path.clone(),
                reason: e.to_string(),
            })?;
            text.parse::<Table>().map_err(|e| CoreError::UserConfig {
                path: path.clone(),
                reason: e.message().to_string(),
            })?
        }
        _ => Table::new(),
    };
    strip_secrets(&mut base);
    merge(&mut base, &overrides.table);
    let body = toml::to_string(&base).map_err(|e| {
        CoreError::io(
            "Could not write the session configuration",
            std::io::Error::other(e),
        )
    })?;
    Ok(format!(
        "# Written by Codex Desk at every codex start: your codex config.toml with this session's\n\
         # settings on top. Edit your own config.toml instead; changes here are overwritten.\n\n{body}"
    ))
}

fn strip_secrets(table: &mut Table) {
    for key in SECRET_KEYS {
        if table.remove(*key).is_some() {
            tracing::warn!(key, "a credential in your codex config.toml is not copied into the session; use env_key instead");
        }
    }
    for (_, value) in table.iter_mut() {
        if let Value::Table(inner) = value {
            strip_secrets(inner);
        }
    }
}

/// Deep merge: tables merge key by key, anything else in `over` replaces.
fn merge(base: &mut Table, over: &Table) {
    for (key, value) in over {
        match (base.get_mut(key), value) {
            (Some(Value::Table(b)), Value::Table(o)) => merge(b, o),
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_config_is_kept_secrets_stripped_overrides_win() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("config.toml"),
            r#"
model = "gpt-5"
model_provider = "gateway"
[model_providers.gateway]
name = "Gateway"
base_url = "https://gateway.example/v1"
env_key = "GATEWAY_KEY"
experimental_bearer_token = "sk-secret"
[mcp_servers.docs]
command = "docs-mcp"
"#,
        )
        .expect("write");
        let mut table = Table::new();
        table.insert("model".into(), Value::String("o4".into()));
        let text =
            build_session_config(Some(dir.path()), &SessionOverrides { table }).expect("build");
        let parsed: Table = text.parse().expect("valid toml");
        assert_eq!(parsed["model"].as_str(), Some("o4"));
        assert_eq!(
            parsed["model_providers"]["gateway"]["env_key"].as_str(),
            Some("GATEWAY_KEY")
        );
        assert_eq!(
            parsed["mcp_servers"]["docs"]["command"].as_str(),
            Some("docs-mcp")
        );
        assert!(!text.contains("sk-secret"));
    }

    #[test]
    fn missing_user_config_is_fine_broken_one_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let text =
            build_session_config(Some(dir.path()), &SessionOverrides::default()).expect("empty ok");
        assert!(text.starts_with("# Written by Codex Desk"));
        std::fs::write(dir.path().join("config.toml"), "model = ").expect("write");
        let err = build_session_config(Some(dir.path()), &SessionOverrides::default()).unwrap_err();
        assert!(err.to_string().contains("config.toml"), "{err}");
    }
}
