//! Builds a session's `config.toml` from the user's own codex configuration (model providers,
//! MCP servers, trusted projects, ...) with the session's settings on top, so a session behaves
//! like the user's terminal codex in that folder:
//! - relative paths keep meaning what they mean in the user's codex home ([`paths`]);
//! - literal secrets move into codex's environment and out of the agent's ([`secrets`]);
//! - the user's codex `.env` reaches codex through its environment, over the inherited one, as
//!   codex itself loads it;
//! - codex keeps credentials in memory only (`cli_auth_credentials_store = "ephemeral"`): the
//!   app hands them over through the protocol; MCP sign-in tokens stay in the keychain
//!   (`mcp_oauth_credentials_store = "keyring"`: codex's `auto` would fall back to a file).

pub mod locate;
mod paths;
mod secrets;

use std::path::Path;

use toml::{Table, Value};

pub use self::paths::resolve as resolve_user_path;
use self::secrets::SecretEnv;
pub use self::secrets::{steers_codex, VAR_PREFIX as SECRET_VAR_PREFIX};
use crate::error::{CoreError, Result};
use crate::secrets::Secret;

/// Settings the app applies on top of the user's configuration, as TOML keys.
#[derive(Debug, Clone, Default)]
pub struct SessionOverrides {
    pub table: Table,
}

/// A session's codex configuration: the file to write and the environment codex needs.
pub struct SessionConfig {
    /// The `config.toml` text: no credential in it.
    pub text: String,
    /// Variables to set in codex's environment (moved secrets, the user's codex `.env`).
    pub env: Vec<(String, Secret)>,
    /// What could not be carried over as it is, in words for the user.
    pub warnings: Vec<String>,
}

/// What the builder reads besides the user's config file.
pub struct ConfigInputs<'a> {
    pub user_codex_home: Option<&'a Path>,
    pub overrides: &'a SessionOverrides,
    /// Variables of the user's codex `.env`.
    pub dotenv: Vec<(String, Secret)>,
    /// The app's own environment (inherited by codex).
    pub inherited: &'a dyn Fn(&str) -> Option<String>,
}

/// Reads `<user codex home>/config.toml` (absent is fine) and builds the session's config.
pub fn build_session_config(inputs: ConfigInputs<'_>) -> Result<SessionConfig> {
    let mut table = match inputs.user_codex_home {
        Some(home) => read_user_config(home)?.unwrap_or_default(),
        None => Table::new(),
    };
    if let Some(home) = inputs.user_codex_home {
        paths::absolutize(&mut table, home);
    }
    for key in paths::SESSION_OWNED_KEYS {
        table.remove(*key);
    }
    let mut env = SecretEnv::default();
    for (name, value) in inputs.dotenv {
        env.dotenv(&name, value);
    }
    secrets::move_secrets(&mut table, &mut env, inputs.inherited);
    merge(&mut table, &inputs.overrides.table);
    show_the_plan(&mut table);
    table.insert(
        "cli_auth_credentials_store".into(),
        Value::String("ephemeral".into()),
    );
    table.insert(
        "mcp_oauth_credentials_store".into(),
        Value::String("keyring".into()),
    );
    let (env, hidden, warnings) = env.into_parts();
    secrets::exclude_from_commands(&mut table, &hidden);
    let body = toml::to_string(&table).map_err(|e| {
        CoreError::io(
            "Could not write the session configuration",
            std::io::Error::other(e),
        )
    })?;
    Ok(SessionConfig {
        text: format!(
            "# Written by Codex Desk at every codex start: your codex config.toml with this session's\n\
             # settings on top. Edit your own config.toml instead; changes here are overwritten.\n\
             # Credentials are not in this file: codex gets them from its environment ({}*).\n\n{body}",
            secrets::VAR_PREFIX
        ),
        env,
        warnings,
    })
}

/// Codex's plan tool (`update_plan`: the agent's checklist, shown as a card) is on unless the
/// user's config says otherwise; codex 0.169 leaves it off by default.
fn show_the_plan(table: &mut Table) {
    let tools = table
        .entry("tools")
        .or_insert_with(|| Value::Table(Table::new()));
    if let Value::Table(tools) = tools {
        tools.entry("update_plan").or_insert_with(|| {
            let mut plan = Table::new();
            plan.insert("enabled".into(), Value::Boolean(true));
            Value::Table(plan)
        });
    }
}

/// The user's `config.toml` as a table; `None` when there is none.
pub fn read_user_config(user_codex_home: &Path) -> Result<Option<Table>> {
    let path = user_codex_home.join("config.toml");
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|e| CoreError::UserConfig {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    text.parse::<Table>()
        .map(Some)
        .map_err(|e| CoreError::UserConfig {
            path: path.clone(),
            reason: e.message().to_string(),
        })
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
mod tests;
