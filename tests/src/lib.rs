//! Harness for integration tests: a private data folder, a user codex home pointing at a mock
//! model, a workspace, an engine over the real pinned codex, and a way to await events.

use std::path::{Path, PathBuf};
use std::time::Duration;

use codex_desk_core::codex::discovery;
use codex_desk_core::paths::AppPaths;
use codex_desk_core::{Engine, EngineConfig};
use codex_desk_protocol::{AccountState, EventBatch, SessionEvent, SessionInfo, SessionStatus};
use codex_desk_test_support::{write_codex_home, MockModel, ModelAuth, Script};
use serde_json::Value;
use tokio::sync::mpsc;

pub mod keychain;
pub mod scan;

/// A model that adds the file the user names (the whole prompt is its path) with apply_patch,
/// then answers "Patched.".
pub fn patches_the_named_file() -> Script {
    std::sync::Arc::new(|req: &codex_desk_test_support::ModelRequest| {
        if req.tool_output().is_some() {
            return codex_desk_test_support::reply::text(&["Patched."]);
        }
        let path = req.last_user_text();
        codex_desk_test_support::reply::apply_patch(
            "call_patch",
            &format!("*** Begin Patch\n*** Add File: {path}\n+from codex\n*** End Patch"),
        )
    })
}

/// How long any single wait may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(45);

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// A binary of the test-support crate (`mock-mcp`, `mock-model`), from the target folder this
/// test was built into (`cargo build -p codex-desk-test-support --bins` builds them).
pub fn support_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    // target/<profile>/deps/<test> → target/<profile>/<name>
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "{} is missing: run `cargo build -p codex-desk-test-support --bins` first",
        path.display()
    );
    path
}

/// The pinned codex from the project's node_modules, resolved from the npm wrapper to the
/// native binary by the app's own discovery code.
pub fn codex_binary() -> PathBuf {
    if let Some(explicit) = std::env::var_os(discovery::CODEX_PATH_ENV) {
        return PathBuf::from(explicit);
    }
    let wrapper = repo_root().join("node_modules/.bin/codex");
    discovery::resolve_native(&wrapper).unwrap_or_else(|| {
        panic!(
            "the pinned codex is not installed at {}: run `npm ci`",
            wrapper.display()
        )
    })
}

pub fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
}

/// A test's own folders, under `target/test-data/` (or the system temp dir, to prove the app
/// works there too).
pub struct TestEnv {
    pub root: tempfile::TempDir,
    pub mock: MockModel,
}

impl TestEnv {
    /// A user whose provider needs no sign-in.
    pub async fn new(script: Script) -> Self {
        Self::with_auth(script, ModelAuth::None).await
    }

    /// A user whose provider uses the signed-in account; the mock model answers 401 to anything
    /// but a token its issuer handed out or an API key it accepts.
    pub async fn needing_sign_in(script: Script) -> Self {
        let env = Self::with_auth(script, ModelAuth::OpenAi).await;
        env.mock.require_auth();
        env
    }

    /// Everything (data dir, user codex home, workspace) under the system temp dir.
    pub async fn in_temp_dir(script: Script) -> Self {
        Self::build(script, ModelAuth::None, std::env::temp_dir()).await
    }

    async fn with_auth(script: Script, auth: ModelAuth) -> Self {
        Self::build(script, auth, repo_root().join("target/test-data")).await
    }

    async fn build(script: Script, auth: ModelAuth, base: PathBuf) -> Self {
        init_tracing();
        std::fs::create_dir_all(&base).expect("create the test folder base");
        let root = tempfile::Builder::new()
            .prefix("it-")
            .tempdir_in(&base)
            .expect("test folder");
        let mock = MockModel::start(script).await.expect("start mock model");
        write_codex_home(&root.path().join("user-codex-home"), &mock.origin(), auth)
            .expect("user codex home");
        std::fs::create_dir_all(root.path().join("workspace")).expect("workspace");
        Self { root, mock }
    }

    pub fn workspace(&self) -> PathBuf {
        std::fs::canonicalize(self.root.path().join("workspace")).expect("workspace path")
    }

    /// The stand-in for the user's own `~/.codex`.
    pub fn user_codex_home(&self) -> PathBuf {
        self.root.path().join("user-codex-home")
    }

    pub fn data_dir(&self) -> PathBuf {
        self.root.path().join("data")
    }

    pub fn config(&self) -> EngineConfig {
        EngineConfig {
            paths: AppPaths::at(self.data_dir()),
            user_codex_home: Some(self.user_codex_home()),
            codex_path: Some(codex_binary()),
            codex_env: self.mock.issuer_env(),
            ..EngineConfig::from_env()
        }
    }

    pub fn engine(&self) -> Engine {
        Engine::open(self.config()).expect("open engine")
    }

    /// An engine with one new session on the workspace, already subscribed.
    pub async fn start_session(&self) -> (Engine, SessionInfo, Events) {
        let engine = self.engine();
        let session = engine
            .create_session(&self.workspace().display().to_string())
            .expect("create session");
        let events = Events::subscribe(&engine, &session.id).await;
        (engine, session, events)
    }
}

/// A subscriber's view of one session's live stream.
pub struct Events {
    rx: mpsc::UnboundedReceiver<EventBatch>,
    pub seen: Vec<SessionEvent>,
    pub batches: Vec<(String, u64)>,
}

impl Events {
    pub async fn subscribe(engine: &Engine, session_id: &str) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        engine
            .subscribe(session_id, move |batch| tx.send(batch).is_ok())
            .await
            .expect("subscribe");
        Self {
            rx,
            seen: Vec::new(),
            batches: Vec::new(),
        }
    }

    /// Receives batches until `found` sees what it looks for, keeping everything on the way.
    async fn wait<T>(&mut self, what: &str, found: impl Fn(&Self) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if let Some(value) = found(self) {
                return value;
            }
            let batch = tokio::time::timeout_at(deadline, self.rx.recv())
                .await
                .unwrap_or_else(|_| {
                    panic!("timed out waiting for {what}; saw {:#?}", self.methods())
                })
                .unwrap_or_else(|| panic!("stream ended waiting for {what}"));
            self.batches.push((batch.session_id.clone(), batch.seq));
            self.seen.extend(batch.events);
        }
    }

    /// Waits for an event matching `pred`.
    pub async fn until(
        &mut self,
        what: &str,
        pred: impl Fn(&SessionEvent) -> bool,
    ) -> SessionEvent {
        self.wait(what, |s| s.seen.iter().find(|e| pred(e)).cloned())
            .await
    }

    /// Waits until codex has started running a command.
    pub async fn command_started(&mut self) {
        self.until("the command to start", |e| {
            matches!(e, SessionEvent::Codex { notification }
                if notification["method"] == "item/started"
                    && notification["params"]["item"]["type"] == "commandExecution")
        })
        .await;
    }

    /// Sends `prompt` in session `id` and waits for its turn to complete.
    pub async fn completes(&mut self, engine: &Engine, id: &str, prompt: &str) {
        engine.send_prompt(id, prompt).await.expect("send");
        assert_eq!(
            self.turn_completed().await["status"],
            "completed",
            "the turn of {prompt:?}"
        );
    }

    /// Waits for the next `turn/completed` after those already seen, returning the turn.
    pub async fn turn_completed(&mut self) -> Value {
        let already = self.notifications("turn/completed").len();
        self.wait("turn/completed", |s| {
            s.notifications("turn/completed")
                .get(already)
                .map(|p| p["turn"].clone())
        })
        .await
    }

    pub fn notifications(&self, method: &str) -> Vec<Value> {
        self.seen
            .iter()
            .filter_map(|e| match e {
                SessionEvent::Codex { notification } if notification["method"] == method => {
                    Some(notification["params"].clone())
                }
                _ => None,
            })
            .collect()
    }

    /// Completed items of a kind, in order.
    pub fn completed_items(&self, kind: &str) -> Vec<Value> {
        self.notifications("item/completed")
            .into_iter()
            .map(|p| p["item"].clone())
            .filter(|i| i["type"] == kind)
            .collect()
    }

    /// All streamed text of a delta method, concatenated.
    pub fn deltas(&self, method: &str) -> String {
        self.notifications(method)
            .iter()
            .filter_map(|p| p["delta"].as_str())
            .collect()
    }

    pub fn methods(&self) -> Vec<String> {
        self.seen
            .iter()
            .map(|e| match e {
                SessionEvent::Codex { notification } => {
                    notification["method"].as_str().unwrap_or("?").to_string()
                }
                SessionEvent::Status {
                    status, message, ..
                } => format!("status:{status:?} {message:?}"),
                SessionEvent::PromptAccepted { .. } => "promptAccepted".into(),
                SessionEvent::PromptRefused { .. } => "promptRefused".into(),
                SessionEvent::TurnUsage { turn_id, usage } => {
                    format!("turnUsage: {turn_id} {}", usage.turn.total)
                }
                SessionEvent::AutoAnswered { method, .. } => format!("autoAnswered:{method}"),
                SessionEvent::SignInRequired { message, .. } => {
                    format!("signInRequired: {message}")
                }
                SessionEvent::SetupWarning { message } => format!("setupWarning: {message}"),
                SessionEvent::WorkspaceMissing { path } => format!("workspaceMissing: {path}"),
                SessionEvent::WorkspaceMoved { path } => format!("workspaceMoved: {path}"),
                SessionEvent::ApprovalRequested { request } => {
                    format!("approvalRequested: {}", request.key)
                }
                SessionEvent::ApprovalResolved { key, outcome } => {
                    format!("approvalResolved: {key} {outcome:?}")
                }
                SessionEvent::QueueChanged { queued, held } => {
                    format!("queueChanged: {} held={held}", queued.len())
                }
                SessionEvent::OptionsChanged { options } => format!("optionsChanged: {options:?}"),
            })
            .collect()
    }
}

/// Matches a status event.
pub fn is_status(status: SessionStatus) -> impl Fn(&SessionEvent) -> bool {
    move |e| matches!(e, SessionEvent::Status { status: s, .. } if *s == status)
}

/// Matches a codex notification by method.
pub fn is_method(method: &'static str) -> impl Fn(&SessionEvent) -> bool {
    move |e| matches!(e, SessionEvent::Codex { notification } if notification["method"] == method)
}

/// Every account state the engine reports, in order.
pub struct AccountEvents {
    rx: mpsc::UnboundedReceiver<AccountState>,
    pub seen: Vec<AccountState>,
}

impl AccountEvents {
    pub fn follow(engine: &Engine) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        engine.account().on_change(move |state| {
            let _ = tx.send(state.clone());
        });
        Self {
            rx,
            seen: Vec::new(),
        }
    }

    /// Waits for a state matching `pred` (checking the engine's current state first).
    pub async fn until(
        &mut self,
        engine: &Engine,
        what: &str,
        pred: impl Fn(&AccountState) -> bool,
    ) -> AccountState {
        let now = engine.account().state();
        if pred(&now) {
            return now;
        }
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let state = tokio::time::timeout_at(deadline, self.rx.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for {what}; saw {:#?}", self.seen))
                .unwrap_or_else(|| panic!("account events ended waiting for {what}"));
            self.seen.push(state.clone());
            if pred(&state) {
                return state;
            }
        }
    }
}

/// One sign-in at a time: codex's browser sign-in listens on the fixed port 1455.
pub async fn sign_in_port() -> tokio::sync::MutexGuard<'static, ()> {
    static PORT: std::sync::LazyLock<tokio::sync::Mutex<()>> =
        std::sync::LazyLock::new(|| tokio::sync::Mutex::new(()));
    PORT.lock().await
}

/// A system-browser stand-in: opens the URL with the scripted browser in the background and
/// reports where it landed.
pub fn scripted_browser() -> (
    impl Fn(&str) -> Result<(), String> + Send + Sync,
    mpsc::UnboundedReceiver<std::io::Result<codex_desk_test_support::browser::Page>>,
) {
    let (tx, rx) = mpsc::unbounded_channel();
    let open = move |url: &str| {
        let url = url.to_string();
        let tx = tx.clone();
        tokio::spawn(async move {
            let _ = tx.send(codex_desk_test_support::browser::open(&url).await);
        });
        Ok(())
    };
    (open, rx)
}
