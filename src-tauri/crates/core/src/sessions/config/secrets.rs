//! Secrets in the user's `config.toml` never reach a session folder. Each literal credential is
//! replaced by its environment-variable form, which codex supports for every one of them
//! (`env_key`, `env_http_headers`, `bearer_token_env_var`, MCP `env_vars`), and the value goes
//! into codex's process environment instead. Every variable that carries a credential is then
//! excluded from the environment of the agent's own commands (`shell_environment_policy`).

use std::collections::{BTreeMap, BTreeSet};

use toml::{Table, Value};

use crate::secrets::Secret;

/// The prefix of the variables that carry moved secrets; excluded from commands as a pattern.
pub const VAR_PREFIX: &str = "CODEX_DESK_SECRET_";

/// Variable names that steer codex itself or every program: an MCP server's value for one of
/// these is configuration, not a credential, and stays in the file.
const NOT_SECRET_NAMES: &[&str] = &[
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "SHELL",
    "LANG",
    "TERM",
    "TMPDIR",
    "TEMP",
    "TMP",
    "TZ",
    "PWD",
    "NO_PROXY",
    "NODE_OPTIONS",
    "PYTHONPATH",
];
const NOT_SECRET_PREFIXES: &[&str] = &["LC_", "CODEX_", "RUST_", "SSL_CERT_", "XDG_"];

/// What moving the secrets produced.
#[derive(Default)]
pub struct SecretEnv {
    /// Variables to set in codex's environment.
    vars: BTreeMap<String, Secret>,
    /// Variables that carry credentials, hidden from the agent's commands.
    hidden: BTreeSet<String>,
    next: usize,
    pub warnings: Vec<String>,
}

impl SecretEnv {
    /// A fresh variable for `value`; returns its name.
    fn fresh(&mut self, value: &str) -> String {
        self.next += 1;
        let name = format!("{VAR_PREFIX}{}", self.next);
        self.vars.insert(name.clone(), Secret::new(value));
        self.hidden.insert(name.clone());
        name
    }

    /// Sets `name` to `value` for codex. Fails when `name` already carries another value (another
    /// MCP server's, or one inherited from the app's environment).
    fn named(
        &mut self,
        name: &str,
        value: &str,
        inherited: &dyn Fn(&str) -> Option<String>,
    ) -> Result<(), String> {
        if let Some(existing) = self.vars.get(name) {
            return if existing.expose() == value {
                Ok(())
            } else {
                Err(format!(
                    "another MCP server sets {name} to a different value"
                ))
            };
        }
        if inherited(name).is_some_and(|v| v != value) {
            return Err(format!(
                "{name} is already set in your environment to a different value"
            ));
        }
        self.vars.insert(name.to_string(), Secret::new(value));
        self.hidden.insert(name.to_string());
        Ok(())
    }

    /// A variable the config already names as carrying a credential.
    pub fn hide(&mut self, name: &str) {
        self.hidden.insert(name.to_string());
    }

    /// Sets a variable that came from the user's codex `.env` (unless the environment already
    /// has it, as dotenv does).
    pub fn dotenv(
        &mut self,
        name: &str,
        value: Secret,
        inherited: &dyn Fn(&str) -> Option<String>,
    ) {
        self.hidden.insert(name.to_string());
        if inherited(name).is_none() && !self.vars.contains_key(name) {
            self.vars.insert(name.to_string(), value);
        }
    }

    pub fn into_parts(self) -> (Vec<(String, Secret)>, BTreeSet<String>, Vec<String>) {
        (self.vars.into_iter().collect(), self.hidden, self.warnings)
    }
}

/// Moves every literal credential out of `table` into `env`.
pub fn move_secrets(
    table: &mut Table,
    env: &mut SecretEnv,
    inherited: &dyn Fn(&str) -> Option<String>,
) {
    if let Some(Value::Table(providers)) = table.get_mut("model_providers") {
        for (id, provider) in providers.iter_mut() {
            if let Value::Table(provider) = provider {
                provider_secrets(id, provider, env);
            }
        }
    }
    if let Some(Value::Table(servers)) = table.get_mut("mcp_servers") {
        for (name, server) in servers.iter_mut() {
            if let Value::Table(server) = server {
                mcp_secrets(name, server, env, inherited);
            }
        }
    }
    if let Some(Value::Table(otel)) = table.get_mut("otel") {
        if strip_key_deep(otel, "headers") {
            env.warnings.push(
                "The OpenTelemetry exporter headers in your codex config.toml are not used in Codex Desk sessions: they may hold credentials and codex cannot read them from the environment.".into(),
            );
        }
    }
}

fn provider_secrets(id: &str, provider: &mut Table, env: &mut SecretEnv) {
    if let Some(token) = provider.remove("experimental_bearer_token") {
        match (token.as_str(), provider.contains_key("env_key")) {
            (Some(token), false) => {
                let var = env.fresh(token);
                provider.insert("env_key".into(), Value::String(var));
            }
            _ => env.warnings.push(format!(
                "Model provider `{id}` has both `env_key` and `experimental_bearer_token`; sessions use `env_key`."
            )),
        }
    }
    if let Some(Value::String(var)) = provider.get("env_key") {
        let var = var.clone();
        env.hide(&var);
    }
    headers_to_env(provider, env);
}

fn mcp_secrets(
    name: &str,
    server: &mut Table,
    env: &mut SecretEnv,
    inherited: &dyn Fn(&str) -> Option<String>,
) {
    if let Some(token) = server.remove("bearer_token") {
        if let (Some(token), false) = (token.as_str(), server.contains_key("bearer_token_env_var"))
        {
            let var = env.fresh(token);
            server.insert("bearer_token_env_var".into(), Value::String(var));
        }
    }
    if let Some(Value::String(var)) = server.get("bearer_token_env_var") {
        let var = var.clone();
        env.hide(&var);
    }
    headers_to_env(server, env);

    // `env` gives a stdio server literal values; `env_vars` passes variables through from
    // codex's environment by name (it cannot rename), so a secret keeps its name.
    let mut passed: Vec<String> = Vec::new();
    if let Some(Value::Table(vars)) = server.get_mut("env") {
        let mut conflict = None;
        vars.retain(|key, value| {
            let Some(text) = value.as_str() else {
                return true;
            };
            if !is_secret_name(key) {
                return true;
            }
            match env.named(key, text, inherited) {
                Ok(()) => {
                    passed.push(key.to_string());
                    false
                }
                Err(why) => {
                    conflict.get_or_insert(why);
                    true
                }
            }
        });
        if let Some(why) = conflict {
            // A value that cannot travel by environment is never written to disk instead.
            server.remove("env");
            server.insert("enabled".into(), Value::Boolean(false));
            env.warnings.push(format!(
                "MCP server `{name}` is turned off in Codex Desk sessions: {why}. Give its variables names of their own, or use `env_vars`."
            ));
            return;
        }
        if vars.is_empty() {
            server.remove("env");
        }
    }
    if let Some(Value::Array(names)) = server.get("env_vars") {
        for entry in names {
            let name = entry
                .as_str()
                .or_else(|| entry.get("name").and_then(Value::as_str));
            if let Some(name) = name {
                env.hide(name);
            }
        }
    }
    if !passed.is_empty() {
        let list = server
            .entry("env_vars")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = list {
            for name in passed {
                if !list.iter().any(|v| v.as_str() == Some(name.as_str())) {
                    list.push(Value::String(name));
                }
            }
        }
    }
}

/// `http_headers` (literal) → `env_http_headers` (header → variable).
fn headers_to_env(table: &mut Table, env: &mut SecretEnv) {
    if let Some(Value::Table(headers)) = table.remove("http_headers") {
        let mapped = table
            .entry("env_http_headers")
            .or_insert_with(|| Value::Table(Table::new()));
        if let Value::Table(mapped) = mapped {
            for (header, value) in headers {
                if let (Some(value), false) = (value.as_str(), mapped.contains_key(&header)) {
                    let var = env.fresh(value);
                    mapped.insert(header, Value::String(var));
                }
            }
        }
    }
    if let Some(Value::Table(mapped)) = table.get("env_http_headers") {
        let names: Vec<String> = mapped
            .values()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        for name in names {
            env.hide(&name);
        }
    }
}

fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    !NOT_SECRET_NAMES.contains(&upper.as_str())
        && !NOT_SECRET_PREFIXES.iter().any(|p| upper.starts_with(p))
        && !upper.ends_with("_PROXY")
}

/// Removes `key` wherever it appears under `table`; returns whether anything was removed.
fn strip_key_deep(table: &mut Table, key: &str) -> bool {
    let mut removed = table.remove(key).is_some();
    for (_, value) in table.iter_mut() {
        if let Value::Table(inner) = value {
            removed |= strip_key_deep(inner, key);
        }
    }
    removed
}

/// Adds the credential variables to `shell_environment_policy.exclude` (keeping the user's own
/// entries), so the agent's commands never see them.
pub fn exclude_from_commands(table: &mut Table, hidden: &BTreeSet<String>) {
    let policy = table
        .entry("shell_environment_policy")
        .or_insert_with(|| Value::Table(Table::new()));
    let Value::Table(policy) = policy else {
        return;
    };
    let exclude = policy
        .entry("exclude")
        .or_insert_with(|| Value::Array(Vec::new()));
    let Value::Array(exclude) = exclude else {
        return;
    };
    let wanted = std::iter::once(format!("{VAR_PREFIX}*")).chain(hidden.iter().cloned());
    for name in wanted {
        if !exclude.iter().any(|v| v.as_str() == Some(name.as_str())) {
            exclude.push(Value::String(name));
        }
    }
}
