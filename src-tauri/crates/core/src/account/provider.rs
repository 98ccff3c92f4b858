//! The model provider the user's codex config selects, and whether it uses the signed-in account
//! (ChatGPT or an API key) or brings its own credentials.

use std::path::Path;

use codex_desk_protocol::ProviderInfo;
use toml::{Table, Value};

use crate::sessions::read_user_config;

const OPENAI_API: &str = "https://api.openai.com/v1";

/// The provider and where its API lives (for checking an API key).
#[derive(Debug, Clone)]
pub struct Provider {
    pub info: ProviderInfo,
    pub base_url: String,
}

/// The active provider from `<user codex home>/config.toml` (OpenAI when none is chosen or the
/// config cannot be read; the session reports a broken config itself).
pub fn active(user_codex_home: Option<&Path>) -> Provider {
    let table = user_codex_home
        .and_then(|h| read_user_config(h).ok().flatten())
        .unwrap_or_default();
    from_config(&table, std::env::var("OPENAI_BASE_URL").ok())
}

/// Where an OpenAI API key is checked: the provider itself when it takes the account's key,
/// else the OpenAI API (or `OPENAI_BASE_URL`), never a third party that does not.
pub fn key_check_url(provider: &Provider, openai_base_env: Option<String>) -> String {
    if provider.info.uses_account {
        return provider.base_url.clone();
    }
    openai_base_env
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| OPENAI_API.into())
}

/// The active provider, re-read only when the user's `config.toml` changed.
#[derive(Default)]
pub struct ProviderCache {
    cached: Option<(Option<std::time::SystemTime>, Provider)>,
}

impl ProviderCache {
    pub fn get(&mut self, user_codex_home: Option<&Path>) -> Provider {
        let modified = user_codex_home
            .and_then(|h| std::fs::metadata(h.join("config.toml")).ok())
            .and_then(|m| m.modified().ok());
        match &self.cached {
            Some((when, provider)) if *when == modified => provider.clone(),
            _ => {
                let provider = active(user_codex_home);
                self.cached = Some((modified, provider.clone()));
                provider
            }
        }
    }
}

fn from_config(table: &Table, openai_base_env: Option<String>) -> Provider {
    let id = table
        .get("model_provider")
        .and_then(Value::as_str)
        .unwrap_or("openai")
        .to_string();
    let custom = table
        .get("model_providers")
        .and_then(|p| p.get(&id))
        .and_then(Value::as_table);
    match (id.as_str(), custom) {
        (_, Some(p)) => {
            let text = |k: &str| p.get(k).and_then(Value::as_str).map(str::to_string);
            Provider {
                info: ProviderInfo {
                    name: text("name").unwrap_or_else(|| id.clone()),
                    uses_account: p.get("requires_openai_auth").and_then(Value::as_bool)
                        == Some(true),
                    id,
                },
                base_url: text("base_url").unwrap_or_else(|| OPENAI_API.into()),
            }
        }
        ("openai", None) => Provider {
            info: ProviderInfo {
                id,
                name: "OpenAI".into(),
                uses_account: true,
            },
            base_url: openai_base_env
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| OPENAI_API.into()),
        },
        // Built-in local providers (ollama, lmstudio, oss) need no account.
        _ => Provider {
            info: ProviderInfo {
                name: id.clone(),
                id,
                uses_account: false,
            },
            base_url: OPENAI_API.into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn providers_say_whether_they_use_the_account() {
        let default = from_config(&Table::new(), None);
        assert_eq!(default.info.id, "openai");
        assert!(default.info.uses_account);
        assert_eq!(default.base_url, OPENAI_API);

        let gateway: Table = r#"
model_provider = "gw"
[model_providers.gw]
name = "Gateway"
base_url = "https://gw.example/v1"
env_key = "GW_KEY"
"#
        .parse()
        .expect("toml");
        let p = from_config(&gateway, None);
        assert_eq!(p.info.name, "Gateway");
        assert!(!p.info.uses_account);

        let mock: Table = "model_provider = \"m\"\n[model_providers.m]\nbase_url = \"http://127.0.0.1:1/v1\"\nrequires_openai_auth = true\n"
            .parse()
            .expect("toml");
        let p = from_config(&mock, None);
        assert!(p.info.uses_account);
        assert_eq!(p.base_url, "http://127.0.0.1:1/v1");

        let env = from_config(&Table::new(), Some("https://proxy.example/v1".into()));
        assert_eq!(env.base_url, "https://proxy.example/v1");
    }

    #[test]
    fn an_api_key_is_only_shown_to_a_provider_that_takes_it() {
        let gateway: Table = "model_provider = \"gw\"\n[model_providers.gw]\nbase_url = \"https://gw.example/v1\"\nenv_key = \"GW\"\n"
            .parse()
            .expect("toml");
        let p = from_config(&gateway, None);
        assert_eq!(key_check_url(&p, None), OPENAI_API);
        let mock: Table = "model_provider = \"m\"\n[model_providers.m]\nbase_url = \"http://127.0.0.1:1/v1\"\nrequires_openai_auth = true\n"
            .parse()
            .expect("toml");
        assert_eq!(
            key_check_url(&from_config(&mock, None), None),
            "http://127.0.0.1:1/v1"
        );
    }
}
