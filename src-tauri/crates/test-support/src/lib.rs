//! Test support: a mock of the OpenAI Responses API on 127.0.0.1 that scripts answers over SSE
//! (text, reasoning, shell calls, apply_patch, errors, slow streams), and a hermetic codex home
//! that points codex at it. Only what lies outside the machine (the model service) is mocked.

mod http;
pub mod reply;
pub mod scenarios;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::net::TcpListener;

pub use reply::Reply;

/// The model catalog codex needs for the mock's model slug (gives it the apply_patch tool).
pub const MODEL_CATALOG: &str = include_str!("../fixtures/model_catalog.json");

/// The slug the catalog describes.
pub const MOCK_MODEL: &str = "mock-model";

/// A request codex sent to the model.
#[derive(Debug, Clone)]
pub struct ModelRequest {
    pub body: Value,
}

impl ModelRequest {
    fn input(&self) -> &[Value] {
        self.body
            .get("input")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The text of the last user message.
    pub fn last_user_text(&self) -> String {
        self.input()
            .iter()
            .rev()
            .find(|i| i.get("role").and_then(Value::as_str) == Some("user"))
            .and_then(|i| i.get("content"))
            .and_then(Value::as_array)
            .map(|parts| {
                parts
                    .iter()
                    .filter_map(|p| p.get("text").and_then(Value::as_str))
                    .collect::<Vec<_>>()
                    .join("")
            })
            .unwrap_or_default()
    }

    /// The output of the tool call codex just ran, when this request follows one.
    pub fn tool_output(&self) -> Option<String> {
        let last = self.input().last()?;
        match last.get("type").and_then(Value::as_str)? {
            "function_call_output" | "custom_tool_call_output" => {
                Some(last.get("output").map(|o| {
                    o.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| o.to_string())
                })?)
            }
            _ => None,
        }
    }

    /// Every message text in the request, for asserting that history was sent.
    pub fn all_text(&self) -> String {
        self.body
            .get("input")
            .map(Value::to_string)
            .unwrap_or_default()
    }
}

/// Decides the reply to each request.
pub type Script = Arc<dyn Fn(&ModelRequest) -> Reply + Send + Sync>;

/// A running mock model server; stops when dropped.
pub struct MockModel {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<ModelRequest>>>,
    task: tokio::task::JoinHandle<()>,
}

impl MockModel {
    /// Listens on 127.0.0.1 on a free port.
    pub async fn start(script: Script) -> std::io::Result<Self> {
        Self::start_on(0, script).await
    }

    pub async fn start_on(port: u16, script: Script) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let requests = Arc::new(Mutex::new(Vec::new()));
        let task = tokio::spawn(http::serve(listener, script, requests.clone()));
        Ok(Self {
            addr,
            requests,
            task,
        })
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:PORT/v1`
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<ModelRequest> {
        self.requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl Drop for MockModel {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The `config.toml` that points codex at a mock on `base_url`: a custom provider with no
/// retries, the catalog for the mock slug, and nothing that reaches the network.
pub fn codex_config(base_url: &str) -> String {
    format!(
        r#"model_provider = "mock"
model = "{MOCK_MODEL}"
model_catalog_json = "model_catalog.json"

[model_providers.mock]
name = "mock"
base_url = "{base_url}"
wire_api = "responses"
request_max_retries = 0
stream_max_retries = 0

[features]
plugins = false

[analytics]
enabled = false
"#
    )
}

/// Writes a codex home (config + catalog) that talks to the mock. It stands in for the user's
/// own `~/.codex`; the app copies its config into each session. The catalog path is absolute so
/// it resolves from any session folder.
pub fn write_codex_home(dir: &Path, base_url: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let catalog = dir.join("model_catalog.json");
    std::fs::write(&catalog, MODEL_CATALOG)?;
    let config = codex_config(base_url).replace(
        "model_catalog_json = \"model_catalog.json\"",
        &format!(
            "model_catalog_json = {}",
            toml_string(&catalog.display().to_string())
        ),
    );
    std::fs::write(dir.join("config.toml"), config)
}

fn toml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}
