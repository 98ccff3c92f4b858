//! The account process: one `codex app-server` whose codex home (`<data dir>/account/codex-home`)
//! keeps the account's credentials in the OS keychain (`cli_auth_credentials_store = "keyring"`).
//! It runs the sign-in flows, owns the ChatGPT refresh token, and is the only process that ever
//! refreshes it. It never starts a thread, so no model or MCP server is reached from it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;
use tokio::sync::{broadcast, mpsc};
use toml::Table;

use crate::codex::client::{CodexClient, Incoming};
use crate::codex::process::{CodexProcess, ProcessControl, SpawnSpec};
use crate::codex::requests::METHOD_NOT_FOUND;
use crate::codex::wire;
use crate::error::{CoreError, Result};
use crate::files;
use crate::sessions::read_user_config;

const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(20);

/// Keys of the user's config that shape sign-in, carried into the account process's config.
const SIGN_IN_KEYS: &[&str] = &[
    "chatgpt_base_url",
    "forced_login_method",
    "forced_chatgpt_workspace_id",
    "analytics",
    "features",
];

/// What the account process tells about sign-ins.
#[derive(Debug, Clone)]
pub enum HostEvent {
    LoginCompleted {
        login_id: Option<String>,
        success: bool,
        error: Option<String>,
    },
    AccountUpdated,
    Exited,
}

pub struct HostSpec<'a> {
    pub binary: &'a Path,
    pub codex_home: &'a Path,
    pub user_codex_home: Option<&'a Path>,
    pub extra_env: &'a [(String, String)],
}

pub struct AccountHost {
    client: CodexClient,
    control: ProcessControl,
    events: broadcast::Sender<HostEvent>,
}

impl AccountHost {
    pub async fn start(spec: HostSpec<'_>) -> Result<Self> {
        files::private_dir(spec.codex_home)?;
        write_config(spec.codex_home, spec.user_codex_home)?;
        let logs = spec
            .codex_home
            .parent()
            .map(|p| p.join("logs"))
            .unwrap_or_else(|| spec.codex_home.join("logs"));
        files::private_dir(&logs)?;
        let tmp_dir = logs.with_file_name("tmp");
        files::private_dir(&tmp_dir)?;
        let process = CodexProcess::spawn(SpawnSpec {
            binary: spec.binary,
            codex_home: spec.codex_home,
            workspace: spec.codex_home,
            log_file: logs.join("codex-stderr.log"),
            config_overrides: &[],
            extra_env: spec.extra_env,
            secret_env: &[],
            tmp_dir: &tmp_dir,
        })?;
        let (stdin, stdout, control) = process.into_parts();
        let (client, incoming) = CodexClient::start(stdin, stdout);
        let init = json!({
            "clientInfo": { "name": "codex_desk", "title": "Codex Desk", "version": env!("CARGO_PKG_VERSION") },
        });
        client
            .request_with_timeout("initialize", init, HANDSHAKE_TIMEOUT)
            .await
            .map_err(|e| match e {
                CoreError::CodexGone(_) => CoreError::CodexGone(format!(
                    "the sign-in process exited at start-up: {}",
                    control.last_words().unwrap_or_else(|| "no output".into())
                )),
                other => other,
            })?;
        client.notify("initialized", json!({})).await?;
        let (events, _) = broadcast::channel(64);
        tokio::spawn(pump(client.clone(), incoming, events.clone()));
        tracing::info!(pid = ?control.pid, "account process ready");
        Ok(Self {
            client,
            control,
            events,
        })
    }

    pub fn client(&self) -> &CodexClient {
        &self.client
    }

    /// Events from now on (subscribe before starting what they answer).
    pub fn subscribe(&self) -> broadcast::Receiver<HostEvent> {
        self.events.subscribe()
    }

    pub fn is_alive(&self) -> bool {
        !self.client.is_closed()
    }

    pub fn stop(&self) {
        self.control.kill();
    }
}

/// The account process's config: what shapes sign-in in the user's config, the keychain as
/// credential store, and the OpenAI provider (so codex reports the account whatever provider
/// the sessions use).
fn write_config(codex_home: &Path, user_codex_home: Option<&Path>) -> Result<()> {
    let mut table = Table::new();
    if let Some(user) = user_codex_home.map(read_user_config).transpose()?.flatten() {
        for key in SIGN_IN_KEYS {
            if let Some(value) = user.get(*key) {
                table.insert((*key).to_string(), value.clone());
            }
        }
    }
    table.insert(
        "cli_auth_credentials_store".into(),
        toml::Value::String("keyring".into()),
    );
    table.insert(
        "model_provider".into(),
        toml::Value::String("openai".into()),
    );
    let body = toml::to_string(&table).map_err(|e| {
        CoreError::io(
            "Could not write the sign-in configuration",
            std::io::Error::other(e),
        )
    })?;
    let text = format!(
        "# Written by Codex Desk: the process that signs in and keeps the account's tokens in the\n\
         # system keychain. Rewritten at every start.\n\n{body}"
    );
    files::write_private(&codex_home.join("config.toml"), text.as_bytes())
}

async fn pump(
    client: CodexClient,
    mut incoming: mpsc::Receiver<Incoming>,
    events: broadcast::Sender<HostEvent>,
) {
    while let Some(message) = incoming.recv().await {
        match message {
            Incoming::Notification { method, params, .. } => {
                let event = match method.as_str() {
                    wire::method::LOGIN_COMPLETED => {
                        let Some(done) = wire::read::<wire::LoginCompleted>(&method, &params)
                        else {
                            continue;
                        };
                        HostEvent::LoginCompleted {
                            login_id: done.login_id,
                            success: done.success,
                            error: done.error,
                        }
                    }
                    "account/updated" => HostEvent::AccountUpdated,
                    _ => continue,
                };
                let _ = events.send(event);
            }
            Incoming::Request { id, method, .. } => {
                let _ = client
                    .respond_error(
                        id,
                        METHOD_NOT_FOUND,
                        &format!("Codex Desk does not answer `{method}` here"),
                    )
                    .await;
            }
        }
    }
    let _ = events.send(HostEvent::Exited);
}

/// Where the account process keeps its codex home under the data folder.
pub fn codex_home_in(data_dir: &Path) -> PathBuf {
    data_dir.join("account").join("codex-home")
}
