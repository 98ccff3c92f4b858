//! Test support: a mock of the OpenAI services codex talks to, on 127.0.0.1. The Responses API
//! scripts answers over SSE (text, reasoning, shell calls, apply_patch, errors, slow streams);
//! the sign-in side ([`issuer`]) plays the OAuth issuer, the ChatGPT account check and the API
//! key check. A hermetic codex home points codex at it, and [`browser`] follows the sign-in
//! redirects as a browser would. Only what lies outside the machine is mocked.

pub mod browser;
pub mod http;
pub mod issuer;
pub mod reply;
pub mod scenarios;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::net::TcpListener;

pub use issuer::Issuer;
pub use reply::Reply;

/// The mock sign-in claims and helpers, for assertions.
pub use issuer::{ACCOUNT_ID, EMAIL, PLAN};

/// The model catalog codex needs for the mock's model slug (gives it the apply_patch tool).
pub const MODEL_CATALOG: &str = include_str!("../fixtures/model_catalog.json");

/// The slug the catalog describes, codex's default in the mock's configuration.
pub const MOCK_MODEL: &str = "mock-model";

/// A second model of the catalog, with reasoning efforts (low, high) to choose from.
pub const DEEP_MODEL: &str = "mock-model-deep";

/// A request codex sent to the model.
#[derive(Debug, Clone)]
pub struct ModelRequest {
    pub body: Value,
    /// The bearer token it carried.
    pub bearer: Option<String>,
    /// Every header, names in lower case.
    pub headers: std::collections::HashMap<String, String>,
    /// The `chatgpt-account-id` header (ChatGPT sign-in).
    pub account_id: Option<String>,
    /// Whether the mock let it through (false: it was answered 401).
    pub authorized: bool,
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

    /// The base instructions codex sent (they come from the model catalog).
    pub fn instructions(&self) -> String {
        self.body
            .get("instructions")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
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

/// A running mock of the OpenAI services; stops when dropped.
pub struct MockModel {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

struct Shared {
    script: Script,
    requests: Mutex<Vec<ModelRequest>>,
    issuer: Issuer,
    /// The model answers 401 unless the request carries a token the issuer authorizes.
    auth_required: AtomicBool,
}

impl Shared {
    fn route(&self, req: &http::Request) -> http::Response {
        if let Some(response) = self.issuer.route(req) {
            return response;
        }
        if req.method != "POST" || !req.path.ends_with("/responses") {
            return http::Response::not_found(&req.path);
        }
        let body: Value = match serde_json::from_slice(&req.body) {
            Ok(v) => v,
            Err(e) => {
                return http::Response::json(
                    400,
                    serde_json::json!({"error": {"message": format!("bad json: {e}")}}),
                )
            }
        };
        let bearer = req.bearer().map(str::to_string);
        let authorized = !self.auth_required.load(Ordering::SeqCst)
            || bearer.as_deref().is_some_and(|t| self.issuer.authorizes(t));
        let request = ModelRequest {
            body,
            bearer,
            headers: req.headers.clone(),
            account_id: req.header("chatgpt-account-id").map(str::to_string),
            authorized,
        };
        self.requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(request.clone());
        if !authorized {
            return issuer::unauthorized();
        }
        match (self.script)(&request) {
            Reply::Status { code, body } => http::Response::json(code, body),
            Reply::Sse { events, delay } => http::Response::Sse { events, delay },
        }
    }
}

impl MockModel {
    /// Listens on 127.0.0.1 on a free port.
    pub async fn start(script: Script) -> std::io::Result<Self> {
        Self::start_on(0, script).await
    }

    pub async fn start_on(port: u16, script: Script) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            script,
            requests: Mutex::new(Vec::new()),
            issuer: Issuer::default(),
            auth_required: AtomicBool::new(false),
        });
        let routed = shared.clone();
        let router: http::Router = Arc::new(move |req: &http::Request| routed.route(req));
        let task = tokio::spawn(http::serve(listener, router));
        Ok(Self { addr, shared, task })
    }

    /// From now on the model answers 401 to requests without a valid access token or API key.
    pub fn require_auth(&self) {
        self.shared.auth_required.store(true, Ordering::SeqCst);
    }

    /// The sign-in side of the mock.
    pub fn issuer(&self) -> &Issuer {
        &self.shared.issuer
    }

    /// `http://127.0.0.1:PORT` (the issuer's base).
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The environment codex needs to sign in against this mock instead of OpenAI.
    pub fn issuer_env(&self) -> Vec<(String, String)> {
        let origin = self.origin();
        vec![
            ("CODEX_APP_SERVER_LOGIN_ISSUER".into(), origin.clone()),
            (
                "CODEX_REFRESH_TOKEN_URL_OVERRIDE".into(),
                format!("{origin}/oauth/token"),
            ),
            (
                "CODEX_REVOKE_TOKEN_URL_OVERRIDE".into(),
                format!("{origin}/oauth/revoke"),
            ),
        ]
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:PORT/v1`
    pub fn base_url(&self) -> String {
        format!("{}/v1", self.origin())
    }

    /// Every model request received so far.
    pub fn requests(&self) -> Vec<ModelRequest> {
        self.shared
            .requests
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

/// How the user's stand-in codex config reaches the mock model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelAuth {
    /// The provider sends no credential (the mock does not ask for one).
    None,
    /// The provider uses the signed-in account (`requires_openai_auth`): a ChatGPT access token
    /// or an API key, as codex holds it.
    OpenAi,
}

/// The `config.toml` that points codex at a mock on `origin` (`http://127.0.0.1:PORT`): a custom
/// provider with no retries, the catalog for the mock slug (a path relative to the codex home,
/// as users write it), the ChatGPT backend for the account check, and nothing that reaches the
/// network.
pub fn codex_config(origin: &str, auth: ModelAuth) -> String {
    let requires_openai_auth = auth == ModelAuth::OpenAi;
    format!(
        r#"model_provider = "mock"
model = "{MOCK_MODEL}"
model_catalog_json = "model_catalog.json"
chatgpt_base_url = "{origin}/backend-api"

[model_providers.mock]
name = "mock"
base_url = "{origin}/v1"
wire_api = "responses"
requires_openai_auth = {requires_openai_auth}
request_max_retries = 0
stream_max_retries = 0

[features]
plugins = false
apps = false

[analytics]
enabled = false
"#
    )
}

/// Writes a codex home (config + catalog) that talks to the mock at `origin`. It stands in for
/// the user's own `~/.codex`; the app carries it into each session.
pub fn write_codex_home(dir: &Path, origin: &str, auth: ModelAuth) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("model_catalog.json"), MODEL_CATALOG)?;
    std::fs::write(dir.join("config.toml"), codex_config(origin, auth))
}
