//! Secrets in the user's `config.toml` never reach a session folder. Each literal credential is
//! replaced by its environment-variable form, which codex supports for every one of them
//! (`env_key`, `env_http_headers`, `bearer_token_env_var`, MCP `env_vars`), and the value goes
//! into codex's process environment instead. Variables that carry credentials are then excluded
//! from the environment of the agent's own commands (`shell_environment_policy`); variables that
//! are plain configuration are left as the user's terminal codex would have them.

use std::collections::{BTreeMap, BTreeSet};

use toml::{Table, Value};

use crate::secrets::Secret;

/// The prefix of the variables that carry moved secrets; excluded from commands as a pattern.
pub const VAR_PREFIX: &str = "CODEX_DESK_SECRET_";

/// Words in a variable name that say it holds a credential.
const SECRET_WORDS: &[&str] = &[
    "KEY",
    "TOKEN",
    "SECRET",
    "PASS",
    "AUTH",
    "CREDENTIAL",
    "PRIVATE",
    "COOKIE",
];

/// Variables codex itself (or every program it starts) reads: setting one for an MCP server
/// would change codex too.
const STEERING_NAMES: &[&str] = &[
    "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "TERM", "TMPDIR", "TEMP", "TMP", "TZ",
    "NO_PROXY",
];
const STEERING_PREFIXES: &[&str] = &[
    "OPENAI_",
    "CODEX_",
    "AZURE_OPENAI_",
    "LC_",
    "SSL_CERT_",
    "RUST_",
    "XDG_",
];

/// Whether codex itself (or every program it starts) reads variable `name`: its model service,
/// certificates, proxies, logging, locale, the system's own paths.
pub fn steers_codex(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    STEERING_NAMES.contains(&upper.as_str())
        || STEERING_PREFIXES.iter().any(|p| upper.starts_with(p))
        || upper.ends_with("_PROXY")
}

/// Whether a variable holds a credential, by its name or an URL with a password in its value.
pub fn looks_secret(name: &str, value: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    SECRET_WORDS.iter().any(|w| upper.contains(w)) || url_with_password(value)
}

fn url_with_password(value: &str) -> bool {
    value
        .split_once("://")
        .and_then(|(_, rest)| rest.split(['/', '?', '#']).next())
        .and_then(|authority| authority.rsplit_once('@'))
        .is_some_and(|(userinfo, _)| userinfo.contains(':'))
}

/// What moving the secrets produced.
#[derive(Default)]
pub struct SecretEnv {
    /// Variables to set in codex's environment.
    vars: BTreeMap<String, Secret>,
    /// Variables that carry credentials, hidden from the agent's commands.
    hidden: BTreeSet<String>,
    /// Variables the config tells codex to read credentials from (providers).
    provider_vars: BTreeSet<String>,
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
    /// MCP server's, the user's codex `.env`, or the app's own environment).
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
                Err(format!("{name} is also set, to another value, by another MCP server or your codex .env"))
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

    fn steers_codex(&self, name: &str) -> bool {
        steers_codex(name) || self.provider_vars.contains(name)
    }

    /// A variable the config names as carrying a credential.
    fn hide(&mut self, name: &str) {
        self.hidden.insert(name.to_string());
    }

    /// A variable of the user's codex `.env`: codex loads it over its inherited environment.
    pub fn dotenv(&mut self, name: &str, value: Secret) {
        if looks_secret(name, value.expose()) {
            self.hidden.insert(name.to_string());
        }
        self.vars.insert(name.to_string(), value);
    }

    pub fn into_parts(self) -> (Vec<(String, Secret)>, BTreeSet<String>, Vec<String>) {
        (self.vars.into_iter().collect(), self.hidden, self.warnings)
    }
}

/// Moves every literal credential out of `table` into `env` (the user's `.env` is already in).
pub fn move_secrets(
    table: &mut Table,
    env: &mut SecretEnv,
    inherited: &dyn Fn(&str) -> Option<String>,
) {
    if let Some(Value::Table(providers)) = table.get_mut("model_providers") {
        for (_, provider) in providers.iter_mut() {
            if let Value::Table(provider) = provider {
                provider_secrets(provider, env);
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

fn provider_secrets(provider: &mut Table, env: &mut SecretEnv) {
    // Codex prefers the bearer token over `env_key`, so the moved token takes its place.
    if let Some(Value::String(token)) = provider.remove("experimental_bearer_token") {
        let var = env.fresh(&token);
        provider.insert("env_key".into(), Value::String(var));
    }
    if let Some(Value::String(var)) = provider.get("env_key") {
        let var = var.clone();
        env.hide(&var);
        env.provider_vars.insert(var);
    }
    for var in headers_to_env(provider, env) {
        env.provider_vars.insert(var);
    }
}

fn mcp_secrets(
    name: &str,
    server: &mut Table,
    env: &mut SecretEnv,
    inherited: &dyn Fn(&str) -> Option<String>,
) {
    if let Some(Value::String(token)) = server.remove("bearer_token") {
        if !server.contains_key("bearer_token_env_var") {
            let var = env.fresh(&token);
            server.insert("bearer_token_env_var".into(), Value::String(var));
        }
    }
    if let Some(Value::String(var)) = server.get("bearer_token_env_var") {
        let var = var.clone();
        env.hide(&var);
    }
    headers_to_env(server, env);
    if let Err(why) = move_literal_env(server, env, inherited) {
        // A credential that cannot travel by environment is never written to disk instead.
        server.remove("env");
        server.insert("enabled".into(), Value::Boolean(false));
        env.warnings.push(format!(
            "MCP server `{name}` is turned off in Codex Desk sessions: {why}. Give its credential variables names of their own, or pass them with `env_vars`."
        ));
        return;
    }
    if let Some(Value::Array(names)) = server.get("env_vars") {
        let secret: Vec<String> = names
            .iter()
            .filter_map(|e| e.as_str().or_else(|| e.get("name").and_then(Value::as_str)))
            .filter(|n| looks_secret(n, ""))
            .map(str::to_string)
            .collect();
        for name in secret {
            env.hide(&name);
        }
    }
}

/// `env` gives a stdio server literal values; `env_vars` passes variables through from codex's
/// environment by name (it cannot rename). Credentials move; configuration stays in the file.
fn move_literal_env(
    server: &mut Table,
    env: &mut SecretEnv,
    inherited: &dyn Fn(&str) -> Option<String>,
) -> Result<(), String> {
    let Some(Value::Table(vars)) = server.get_mut("env") else {
        return Ok(());
    };
    let mut moved = Vec::new();
    for (key, value) in vars.iter() {
        let Some(text) = value.as_str() else { continue };
        if !looks_secret(key, text) {
            continue;
        }
        if env.steers_codex(key) {
            return Err(format!(
                "its credential {key} would also change how codex itself connects"
            ));
        }
        env.named(key, text, inherited)?;
        moved.push(key.clone());
    }
    for key in &moved {
        vars.remove(key);
    }
    if vars.is_empty() {
        server.remove("env");
    }
    if !moved.is_empty() {
        let list = server
            .entry("env_vars")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = list {
            for name in moved {
                if !list.iter().any(|v| v.as_str() == Some(name.as_str())) {
                    list.push(Value::String(name));
                }
            }
        }
    }
    Ok(())
}

/// `http_headers` (literal) → `env_http_headers` (header → variable); returns the variables.
fn headers_to_env(table: &mut Table, env: &mut SecretEnv) -> Vec<String> {
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
    let names: Vec<String> = match table.get("env_http_headers") {
        Some(Value::Table(mapped)) => mapped
            .values()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    for name in &names {
        env.hide(name);
    }
    names
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_told_by_name_or_by_a_password_in_a_url() {
        assert!(looks_secret("GITHUB_TOKEN", "x"));
        assert!(looks_secret("api_key", "x"));
        assert!(looks_secret("DATABASE_URL", "postgres://me:hunter2@db/app"));
        assert!(!looks_secret("DATABASE_URL", "postgres://db/app"));
        assert!(!looks_secret("LOG_LEVEL", "debug"));
        assert!(!looks_secret("OPENAI_BASE_URL", "http://localhost:1234/v1"));
    }
}
