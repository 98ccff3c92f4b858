//! A live session: one `codex app-server` process, its client, and the codex thread it serves.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::approvals::Approvals;
use super::client::{CodexClient, Incoming};
use super::options;
use super::process::{CodexProcess, ProcessControl, SpawnSpec};
use super::wire;
use crate::account::Credentials;
use crate::error::{CoreError, Result};
use crate::secrets::Secret;
use crate::sessions::{SessionFolder, SessionOverrides};
use codex_desk_protocol::SessionOptions;

const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(20);
const THREAD_TIMEOUT: Duration = Duration::from_secs(60);
/// How long codex gets to answer Stop before it is stopped itself.
const STOP_WAIT: Duration = Duration::from_secs(10);

pub struct Launch<'a> {
    pub binary: &'a Path,
    pub folder: &'a SessionFolder,
    pub workspace: &'a Path,
    /// The stored codex thread to resume, if any.
    pub thread_id: Option<&'a str>,
    pub user_codex_home: Option<&'a Path>,
    pub overrides: &'a SessionOverrides,
    pub codex_args: &'a [String],
    pub extra_env: &'a [(String, String)],
    /// What the session's codex signs in with (in memory only); `None` when signed out.
    pub credentials: Option<Credentials>,
    /// The account's credentials generation `credentials` belong to.
    pub credentials_generation: u64,
    /// The session's options (sandbox, approvals, model) the thread starts with.
    pub options: &'a SessionOptions,
}

/// What codex has told of the turn in progress.
#[derive(Default)]
struct TurnState {
    /// Its id, once codex named it (its answer to `turn/start`, or `turn/started`).
    id: Option<String>,
    /// Codex began it (`turn/started`): it can be interrupted.
    active: bool,
    /// Stop was pressed before it began: it is interrupted as it begins.
    stop_asked: bool,
}

pub struct LiveSession {
    pub thread_id: String,
    client: CodexClient,
    control: ProcessControl,
    /// The turn in progress, as far as codex has told.
    turn: Mutex<TurnState>,
    /// True from `turn/start` until `turn/completed`.
    busy: AtomicBool,
    /// Woken when a turn ends.
    turn_ended: tokio::sync::Notify,
    closing: AtomicBool,
    /// When the user last used this codex (launched, a turn ended, a prompt came).
    last_active: Mutex<Instant>,
    /// The user approved something "for this session": codex holds that grant in memory, so
    /// this process is not released when idle (a new one would ask again).
    holds_grants: AtomicBool,
    /// The token this codex was given, to tell a stale one from a renewed one.
    token: Mutex<Option<Secret>>,
    /// The account's credentials generation this codex holds.
    credentials_generation: AtomicU64,
    /// Credentials change only between turns, never while a turn starts: codex revokes a live
    /// thread's network permission when its account changes under it.
    credentials_gate: tokio::sync::Mutex<()>,
    /// What could not be carried over from the user's codex setup.
    pub setup_warnings: Vec<String>,
    /// Questions codex waits on the user for.
    pub approvals: Approvals,
    /// Names this codex process in the keys of its questions (its request ids restart at 0).
    pub process: String,
    /// The model and reasoning effort the thread runs with, as codex last said or was told.
    model: Mutex<(Option<String>, Option<String>)>,
}

impl LiveSession {
    /// Spawns codex, does the handshake and starts (or resumes) the thread.
    pub async fn launch(l: Launch<'_>) -> Result<(Self, mpsc::Receiver<Incoming>)> {
        let prepared = l.folder.prepare(l.user_codex_home, l.overrides)?;
        for warning in &prepared.warnings {
            tracing::warn!(%warning, "user setup");
        }
        let codex_home = l.folder.codex_home();
        let tmp_dir = l.folder.tmp_dir();
        let process = CodexProcess::spawn(SpawnSpec {
            binary: l.binary,
            codex_home: &codex_home,
            workspace: l.workspace,
            log_file: l.folder.codex_log(),
            config_overrides: l.codex_args,
            extra_env: l.extra_env,
            secret_env: &prepared.env,
            tmp_dir: &tmp_dir,
        })?;
        let (stdin, stdout, control) = process.into_parts();
        let (client, incoming) = CodexClient::start(stdin, stdout);
        let user_home = l.user_codex_home;
        let fault_client = client.clone();
        let explain = |e: CoreError| match (e, control.last_words()) {
            // Codex broke the connection itself (a message too large to read).
            (CoreError::CodexGone(_), _) if fault_client.fault().is_some() => {
                CoreError::CodexGone(fault_client.fault().unwrap_or_default())
            }
            // Codex's own words; when they name a setting, where the user wrote it.
            (CoreError::CodexGone(_), Some(words)) => {
                let location = user_home.and_then(|home| {
                    words
                        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .filter(|w| w.contains('_') || w.len() > 3)
                        .find_map(|w| crate::sessions::locate_setting::of_key(home, w))
                });
                CoreError::CodexRefused { words, location }
            }
            (CoreError::CodexGone(_), None) => {
                CoreError::CodexGone("it exited at start-up without a word".into())
            }
            // A thread codex will not start over the config: in the user's terms.
            (
                CoreError::Rpc {
                    method,
                    code,
                    message,
                },
                _,
            ) => CoreError::Rpc {
                method,
                code,
                message: crate::sessions::locate_setting::in_user_terms(
                    &message,
                    &l.folder.config_file(),
                    user_home,
                ),
            },
            (other, _) => other,
        };
        // The experimental API carries host-managed ChatGPT tokens (`chatgptAuthTokens`).
        let init = json!({
            "clientInfo": { "name": "codex_desk", "title": "Codex Desk", "version": env!("CARGO_PKG_VERSION") },
            "capabilities": { "experimentalApi": true, "requestAttestation": false },
        });
        client
            .request_with_timeout("initialize", init, HANDSHAKE_TIMEOUT)
            .await
            .map_err(explain)?;
        client
            .notify("initialized", json!({}))
            .await
            .map_err(explain)?;
        let token = match &l.credentials {
            Some(credentials) => {
                sign_in(&client, credentials).await.map_err(explain)?;
                Some(credentials.token().clone())
            }
            None => None,
        };

        let workspace = l.workspace.display().to_string();
        let mut params = json!({
            "cwd": workspace,
            "approvalPolicy": options::approval_policy(l.options.approvals),
            "sandbox": options::sandbox_mode(l.options.sandbox),
        });
        if let Some(model) = &l.options.model {
            params["model"] = Value::String(model.clone());
        }
        let response = match l.thread_id {
            Some(thread_id) => {
                params["threadId"] = Value::String(thread_id.to_string());
                // The transcript comes from our store: codex need not send the history back.
                params["excludeTurns"] = Value::Bool(true);
                client
                    .request_with_timeout("thread/resume", params, THREAD_TIMEOUT)
                    .await
            }
            None => {
                client
                    .request_with_timeout("thread/start", params, THREAD_TIMEOUT)
                    .await
            }
        }
        .map_err(explain)?;
        let opened = wire::read::<wire::ThreadOpened>("the thread/start answer", &response)
            .ok_or_else(|| {
                CoreError::CodexGone("it answered with a thread this app cannot read".into())
            })?;
        let thread_id = opened.thread.id;
        tracing::info!(%thread_id, resumed = l.thread_id.is_some(), pid = ?control.pid, "codex session live");
        let live = Self {
            thread_id,
            client,
            control,
            turn: Mutex::new(TurnState::default()),
            busy: AtomicBool::new(false),
            turn_ended: tokio::sync::Notify::new(),
            closing: AtomicBool::new(false),
            last_active: Mutex::new(Instant::now()),
            holds_grants: AtomicBool::new(false),
            token: Mutex::new(token),
            credentials_generation: AtomicU64::new(l.credentials_generation),
            credentials_gate: tokio::sync::Mutex::new(()),
            setup_warnings: prepared.warnings,
            approvals: Approvals::default(),
            process: uuid::Uuid::new_v4().simple().to_string()[..8].to_string(),
            model: Mutex::new((opened.model, opened.reasoning_effort)),
        };
        Ok((live, incoming))
    }

    pub fn client(&self) -> &CodexClient {
        &self.client
    }

    /// The token this codex holds now.
    pub fn token(&self) -> Option<Secret> {
        self.token.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Remembers a token handed over in answer to codex's own refresh request.
    pub fn token_renewed(&self, token: Secret) {
        *self.token.lock().unwrap_or_else(|p| p.into_inner()) = Some(token);
    }

    pub fn credentials_generation(&self) -> u64 {
        self.credentials_generation.load(Ordering::SeqCst)
    }

    pub fn set_credentials_generation(&self, generation: u64) {
        self.credentials_generation
            .store(generation, Ordering::SeqCst);
    }

    /// Gives this codex the credentials of `generation` (signed in), or takes them away (signed
    /// out); does nothing while a turn runs (the next prompt catches up) or if it has them.
    pub async fn apply_credentials(
        &self,
        credentials: Option<&Credentials>,
        generation: u64,
    ) -> Result<()> {
        let _between_turns = self.credentials_gate.lock().await;
        if self.is_busy() || self.credentials_generation() == generation {
            return Ok(());
        }
        match credentials {
            Some(credentials) => sign_in(&self.client, credentials).await?,
            None => {
                self.client.request("account/logout", json!({})).await?;
            }
        }
        *self.token.lock().unwrap_or_else(|p| p.into_inner()) =
            credentials.map(|c| c.token().clone());
        self.set_credentials_generation(generation);
        Ok(())
    }

    pub fn control(&self) -> &ProcessControl {
        &self.control
    }

    pub fn pid(&self) -> Option<u32> {
        self.control.pid
    }

    pub fn is_busy(&self) -> bool {
        self.busy.load(Ordering::SeqCst)
    }

    /// The model and reasoning effort the thread runs with.
    pub fn model(&self) -> (Option<String>, Option<String>) {
        self.model.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Marks a turn as begun, before it is asked of codex: from here Stop reaches it (as soon
    /// as codex names it), and no other turn starts.
    pub fn reserve_turn(&self) -> Result<()> {
        let mut turn = self.turn_state();
        if self.busy.swap(true, Ordering::SeqCst) {
            return Err(CoreError::TurnRunning);
        }
        *turn = TurnState::default();
        Ok(())
    }

    /// A turn reserved ([`Self::reserve_turn`]) that codex did not start.
    pub fn turn_not_started(&self) {
        let mut turn = self.turn_state();
        *turn = TurnState::default();
        self.busy.store(false, Ordering::SeqCst);
    }

    fn turn_state(&self) -> std::sync::MutexGuard<'_, TurnState> {
        self.turn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Codex started turn `turn_id` (`turn/started`): from now on it can be stopped. True when
    /// Stop was pressed before: the caller stops it now.
    pub fn turn_began(&self, turn_id: &str) -> bool {
        let mut turn = self.turn_state();
        if !self.is_busy() {
            return false;
        }
        turn.id = Some(turn_id.to_string());
        turn.active = true;
        std::mem::take(&mut turn.stop_asked)
    }

    /// Starts the turn reserved with [`Self::reserve_turn`], with the user's text under the
    /// session's options; returns codex's turn id.
    pub async fn start_turn(
        &self,
        text: &str,
        images: &[std::path::PathBuf],
        options: &SessionOptions,
    ) -> Result<String> {
        let _no_account_change = self.credentials_gate.lock().await;
        let mut input = Vec::new();
        if !text.is_empty() {
            input.push(json!({ "type": "text", "text": text, "text_elements": [] }));
        }
        for image in images {
            input.push(json!({ "type": "localImage", "path": image }));
        }
        let mut params = json!({
            "threadId": self.thread_id,
            "input": input,
            "approvalPolicy": options::approval_policy(options.approvals),
            "sandboxPolicy": options::sandbox_policy(options),
        });
        // Only what the user chose: otherwise the thread keeps what codex's configuration says.
        if let Some(model) = &options.model {
            params["model"] = Value::String(model.clone());
        }
        if let Some(effort) = &options.effort {
            params["effort"] = Value::String(effort.clone());
        }
        if let Some(schema) = &options.output_schema {
            match options::output_schema(schema) {
                Ok(schema) => params["outputSchema"] = schema,
                Err(e) => {
                    self.turn_not_started();
                    return Err(e);
                }
            }
        }
        {
            let mut current = self.model.lock().unwrap_or_else(|p| p.into_inner());
            if options.model.is_some() {
                current.0.clone_from(&options.model);
            }
            if options.effort.is_some() {
                current.1.clone_from(&options.effort);
            }
        }
        match self.client.request("turn/start", params).await {
            Ok(response) => {
                let Some(started) =
                    wire::read::<wire::TurnStarted>("the turn/start answer", &response)
                else {
                    self.turn_not_started();
                    return Err(CoreError::CodexGone(
                        "it started a turn this app cannot read".into(),
                    ));
                };
                let turn_id = started.turn.id;
                {
                    // Unless it ended already (a quick turn), or codex named it as it began.
                    let mut turn = self.turn_state();
                    if self.is_busy() && turn.id.is_none() {
                        turn.id = Some(turn_id.clone());
                    }
                }
                Ok(turn_id)
            }
            Err(e) => {
                self.turn_not_started();
                Err(e)
            }
        }
    }

    /// Adds the user's text to the running turn (codex reads it at its next step).
    pub async fn steer(&self, text: &str) -> Result<()> {
        let Some(turn_id) = self.running_turn().filter(|_| self.is_busy()) else {
            return Err(CoreError::NothingToSteer);
        };
        let params = json!({
            "threadId": self.thread_id,
            "expectedTurnId": turn_id,
            "input": [{ "type": "text", "text": text, "text_elements": [] }],
        });
        match self.client.request("turn/steer", params).await {
            Ok(_) => Ok(()),
            // The turn ended meanwhile (or cannot take input): send it as a new message.
            Err(CoreError::Rpc { .. }) => Err(CoreError::NothingToSteer),
            Err(e) => Err(e),
        }
    }

    /// The id of the turn running now, if any.
    pub fn running_turn(&self) -> Option<String> {
        self.turn_state().id.clone()
    }

    /// Answers every question codex waits on with "cancel" (the turn ends); returns them
    /// (answered, or gone with codex: either way no longer asked).
    pub async fn cancel_approvals(&self) -> Vec<codex_desk_protocol::ApprovalRequest> {
        let mut stopped = Vec::new();
        for parked in self.approvals.drain() {
            let reply = parked.reply(codex_desk_protocol::ApprovalChoice::CancelTurn);
            let _ = self.client.respond(parked.id, reply).await;
            stopped.push(parked.request);
        }
        stopped
    }

    /// Stops the running turn (`turn/completed`, interrupted, follows). The engine answers
    /// what codex asks first (and records it); one asked after that ends with the turn.
    /// A turn codex is still starting (no `turn/started` yet: codex would answer that no
    /// turn runs) stops as soon as it has begun (see [`Self::turn_began`]).
    pub async fn interrupt(&self) -> Result<()> {
        let turn_id = {
            let mut turn = self.turn_state();
            if !self.is_busy() {
                return Ok(());
            }
            match (&turn.id, turn.active) {
                (Some(turn_id), true) => turn_id.clone(),
                _ => {
                    turn.stop_asked = true;
                    return Ok(());
                }
            }
        };
        self.interrupt_turn(&turn_id).await
    }

    /// Asks codex to stop turn `turn_id` (it has begun).
    pub async fn interrupt_turn(&self, turn_id: &str) -> Result<()> {
        let asked = self
            .client
            .request_with_timeout(
                "turn/interrupt",
                json!({ "threadId": self.thread_id, "turnId": turn_id }),
                STOP_WAIT,
            )
            .await;
        match asked {
            Ok(_) => Ok(()),
            // Codex does not answer Stop (hung): it is stopped itself, with what it started.
            // Its end is recorded with this reason, and the next message starts it again.
            Err(CoreError::Timeout { secs, .. }) => {
                tracing::warn!(thread = %self.thread_id, "codex did not answer Stop; stopping codex");
                self.client
                    .mark_fault(format!("it did not answer Stop within {secs} seconds"));
                self.control.kill();
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    pub fn turn_finished(&self) {
        {
            // One step under the lock: a Stop in between would wait for a turn to begin.
            let mut turn = self.turn_state();
            *turn = TurnState::default();
            self.busy.store(false, Ordering::SeqCst);
        }
        self.touch();
        self.turn_ended.notify_waiters();
    }

    /// Waits until no turn runs.
    pub async fn until_idle(&self) {
        loop {
            let ended = self.turn_ended.notified();
            if !self.is_busy() {
                return;
            }
            ended.await;
        }
    }

    /// Notes that the user is using this codex now (it is not idle).
    pub fn touch(&self) {
        *self.last_active.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
    }

    /// Keeps this codex past the idle time: it holds what the user approved for the session.
    pub fn keep_grants(&self) {
        self.holds_grants.store(true, Ordering::SeqCst);
    }

    /// Whether the user approved something for the session in this codex (it holds that).
    pub fn holds_grants(&self) -> bool {
        self.holds_grants.load(Ordering::SeqCst)
    }

    /// How long this codex has had nothing to do: no turn, no question waiting for the user.
    /// `None` while it works or waits, or holds grants the user gave for the session.
    pub fn idle_for(&self) -> Option<Duration> {
        if self.is_busy()
            || self.holds_grants.load(Ordering::SeqCst)
            || !self.approvals.pending().is_empty()
        {
            return None;
        }
        Some(
            self.last_active
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .elapsed(),
        )
    }

    /// Stops codex on purpose (app exit, session closed): its end is not a crash.
    pub fn close(&self) {
        self.closing.store(true, Ordering::SeqCst);
        self.control.kill();
    }

    pub fn is_closing(&self) -> bool {
        self.closing.load(Ordering::SeqCst)
    }
}

/// Hands `credentials` to a codex whose store is `ephemeral`: nothing reaches its disk.
async fn sign_in(client: &CodexClient, credentials: &Credentials) -> Result<()> {
    client
        .request_with_timeout(
            "account/login/start",
            credentials.login_params(),
            HANDSHAKE_TIMEOUT,
        )
        .await?;
    Ok(())
}
