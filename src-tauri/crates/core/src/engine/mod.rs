//! The engine: sessions in SQLite and on disk, a live codex per active session, and a relay
//! per subscribed UI. Everything the app does goes through here; it knows nothing of tauri.

mod attachments;
mod drafts;
mod env;
mod exports;
mod followups;
mod fork;
mod idle;
mod manage;
mod options;
mod pump;
mod rollback;
mod terminal;
mod usage;
mod venv;
mod watch;
mod workspace;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use codex_desk_protocol::{
    AppState, ApprovalChoice, ApprovalKind, ApprovalOutcome, ApprovalRequest, CodexInfo,
    Elicitation, ElicitationAsk, EventBatch, PromptInfo, QueuedPrompt, SandboxMode, SearchQuery,
    SearchResults, SessionEvent, SessionInfo, SessionOptions, SessionStatus, StoredItem,
    Transcript, TranscriptPage,
};

use crate::account::{self, Account, AccountConfig};
use crate::codex::approvals::Given;
use crate::codex::discovery::{self, CodexBinary};
use crate::codex::session::{Launch, LiveSession};
use crate::error::{CoreError, Result};
use crate::instance::{self, DataDirLock};
use crate::paths::{self, AppPaths};
use crate::relay::{spawn_relay, RelayConfig, RelayInput};
use crate::sessions::{validate_workspace, SessionFolder, SessionOverrides, WorkspaceGuard};
use crate::store::{now_ms, Store};
use crate::{files, prompts};

const LAST_SESSION_KEY: &str = "last_session_id";
/// The setting holding the codex binary the user chose.
const CODEX_PATH_KEY: &str = "codex_path";
/// "off" when the user turned OS notifications off (on by default).
const NOTIFICATIONS_KEY: &str = "notifications";
const DEFAULT_TITLE: &str = "New session";
/// Items per page of a transcript: a screenful many times over, a small fraction of a long session.
const PAGE_ITEMS: usize = 150;
/// How long moving a session waits for its running turn to stop.
const MOVE_WAIT: Duration = Duration::from_secs(3);

/// How the engine is set up; `from_env` is what the app uses.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub paths: AppPaths,
    /// Where the user's own codex configuration lives (read-only).
    pub user_codex_home: Option<PathBuf>,
    /// An explicit codex binary (app setting); otherwise it is searched for.
    pub codex_path: Option<PathBuf>,
    /// Settings applied on top of the user's codex configuration in every session.
    pub overrides: SessionOverrides,
    /// Extra `-c key=value` arguments for every codex process.
    pub codex_args: Vec<String>,
    /// Extra environment for every codex process (tests point sign-in at a mock issuer).
    pub codex_env: Vec<(String, String)>,
    pub relay: RelayConfig,
    /// A session's codex is released after this long unused (`None`: never); the next prompt
    /// resumes its thread.
    pub idle_release: Option<Duration>,
    /// The Python that makes sessions' virtual environments (`None`: uv, else python3, found
    /// on the PATH).
    pub python: Option<PathBuf>,
}

impl EngineConfig {
    /// A unit test's engine: its data under `data`, and not the user's own codex config (its
    /// sessions start as any new one does, whatever the machine's `~/.codex` says).
    #[cfg(test)]
    pub(crate) fn for_test(data: &std::path::Path) -> Self {
        Self {
            paths: AppPaths::at(data),
            user_codex_home: None,
            ..Self::from_env()
        }
    }

    pub fn from_env() -> Self {
        Self {
            paths: AppPaths::from_env(),
            user_codex_home: paths::user_codex_home(),
            codex_path: None,
            overrides: SessionOverrides::default(),
            codex_args: Vec::new(),
            codex_env: Vec::new(),
            relay: RelayConfig::default(),
            idle_release: idle::idle_release_from_env(),
            python: None,
        }
    }
}

#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    config: EngineConfig,
    store: Store,
    /// This process owns the data folder while it holds this.
    lock: Mutex<Option<DataDirLock>>,
    /// What opening found that the user should know.
    notices: Vec<String>,
    account: Account,
    codex: Mutex<Option<CodexBinary>>,
    live: Mutex<HashMap<String, Arc<LiveSession>>>,
    /// One lock per session so two sends cannot both start a turn.
    sending: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Sessions whose queued follow-ups wait for the user (the last turn did not complete).
    held: Mutex<std::collections::HashSet<String>>,
    /// One lock per session so two prompts cannot start two codex processes.
    launching: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    relays: Mutex<HashMap<String, RelayInput>>,
    /// Follow-ups queued while a turn runs, per session.
    queues: Mutex<HashMap<String, Vec<QueuedPrompt>>>,
    /// The task following each live codex, to let it finish writing at exit.
    pumps: Mutex<Vec<tokio::task::JoinHandle<()>>>,
    /// Notices workspaces that disappear; what it finds arrives on `gone` (taken once, by the
    /// task that tells the sessions).
    workspaces: watch::WorkspaceWatch,
    gone: Mutex<Option<tokio::sync::mpsc::UnboundedReceiver<PathBuf>>>,
    /// Tells the hand-off worker that the account's credentials changed (their generation).
    handoff: tokio::sync::watch::Sender<u64>,
    handoff_running: AtomicBool,
    /// The app is quitting: no codex starts any more (one started now would outlive the quit).
    quitting: AtomicBool,
    idle_watch_running: AtomicBool,
    /// How long a session's codex may sit idle (the user's choice, else the configured time).
    idle_release: Mutex<Option<Duration>>,
    /// One terminal session is continued at a time (two clicks make one session).
    importing: tokio::sync::Mutex<()>,
    /// Each session's options as the user last set them: what the next turn uses even while
    /// the database cannot save (the store then still answers with the old ones).
    options: Mutex<HashMap<String, SessionOptions>>,
    /// The model and effort the user last chose: new sessions start with them.
    new_session_model: Mutex<Option<(Option<String>, Option<String>)>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Engine {
    /// Opens the database (creating the private data folder) and recovers from an unclean exit.
    pub fn open(config: EngineConfig) -> Result<Self> {
        let data_dir = config.paths.data_dir();
        if data_dir.exists() && !data_dir.is_dir() {
            return Err(CoreError::DataDir {
                path: data_dir.to_path_buf(),
                reason: "it is a file, not a folder".into(),
            });
        }
        files::private_dir(data_dir).map_err(|e| CoreError::DataDir {
            path: data_dir.to_path_buf(),
            reason: e.to_string(),
        })?;
        let lock = DataDirLock::acquire(data_dir)?;
        // After a clean quit nothing of ours runs; after a kill, codex or its commands may.
        if lock.previous_run_was_unclean() {
            let reaped = instance::reap_leftovers(data_dir);
            if reaped > 0 {
                tracing::warn!(reaped, "stopped processes a previous run left behind");
            }
        }
        let opened = Store::open(&config.paths.database())?;
        if opened.orphaned > 0 {
            tracing::warn!(
                orphans = opened.orphaned,
                "sessions were running when Codex Desk last exited"
            );
        }
        let (store, notices) = (opened.store, opened.notices);
        let idle_release = Engine::stored_idle_release(&store).unwrap_or(config.idle_release);
        let (workspaces, gone) = watch::WorkspaceWatch::new();
        let inner = Arc::new_cyclic(|weak: &Weak<Inner>| {
            let locator = weak.clone();
            let account = Account::new(
                AccountConfig {
                    codex_home: account::host::codex_home_in(config.paths.data_dir()),
                    user_codex_home: config.user_codex_home.clone(),
                    extra_env: config.codex_env.clone(),
                    locate: Arc::new(move || {
                        let inner = locator.upgrade().ok_or_else(|| {
                            CoreError::CodexGone("Codex Desk is shutting down".into())
                        })?;
                        Ok(Engine { inner }.codex_blocking()?.path)
                    }),
                },
                store.clone(),
            );
            Inner {
                config,
                store,
                lock: Mutex::new(Some(lock)),
                notices,
                account,
                codex: Mutex::new(None),
                live: Mutex::new(HashMap::new()),
                launching: Mutex::new(HashMap::new()),
                sending: Mutex::new(HashMap::new()),
                held: Mutex::new(std::collections::HashSet::new()),
                relays: Mutex::new(HashMap::new()),
                queues: Mutex::new(HashMap::new()),
                pumps: Mutex::new(Vec::new()),
                workspaces,
                gone: Mutex::new(Some(gone)),
                handoff: tokio::sync::watch::channel(0).0,
                handoff_running: AtomicBool::new(false),
                quitting: AtomicBool::new(false),
                idle_watch_running: AtomicBool::new(false),
                importing: tokio::sync::Mutex::new(()),
                idle_release: Mutex::new(idle_release),
                new_session_model: Mutex::new(None),
                options: Mutex::new(HashMap::new()),
            }
        });
        let engine = Self { inner };
        engine.restore_queues();
        engine.follow_account();
        Ok(engine)
    }

    /// When the user signs in, out, or changes key or account, live sessions get the new
    /// credentials, in order, from one worker.
    fn follow_account(&self) {
        let weak = Arc::downgrade(&self.inner);
        let last = Mutex::new(self.inner.account.generation());
        self.inner.account.on_change(move |_| {
            let Some(inner) = weak.upgrade() else { return };
            let generation = inner.account.generation();
            let changed = std::mem::replace(&mut *lock(&last), generation) != generation;
            if changed {
                Engine { inner }.signal_handoff();
            }
        });
    }

    fn signal_handoff(&self) {
        self.inner
            .handoff
            .send_replace(self.inner.account.generation());
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if self.inner.handoff_running.swap(true, Ordering::SeqCst) {
            return;
        }
        let weak = Arc::downgrade(&self.inner);
        let mut changes = self.inner.handoff.subscribe();
        changes.mark_changed();
        runtime.spawn(async move {
            while changes.changed().await.is_ok() {
                let Some(inner) = weak.upgrade() else { break };
                Engine { inner }.hand_credentials_to_sessions().await;
            }
        });
    }

    /// Gives every idle live session whose credentials are older than the account's the current
    /// ones (a session with a running turn catches up at its next prompt).
    async fn hand_credentials_to_sessions(self) {
        let generation = self.inner.account.generation();
        let behind: Vec<(String, Arc<LiveSession>)> = lock(&self.inner.live)
            .iter()
            .filter(|(_, l)| l.credentials_generation() != generation && !l.is_busy())
            .map(|(id, l)| (id.clone(), l.clone()))
            .collect();
        for (id, session) in behind {
            self.catch_up(&id, &session).await;
        }
    }

    /// Brings `session` to the account's current credentials, if it is behind.
    async fn catch_up(&self, id: &str, session: &LiveSession) {
        let generation = self.inner.account.generation();
        if session.credentials_generation() == generation {
            return;
        }
        let credentials = match self.inner.account.credentials().await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "could not read the account's credentials");
                return;
            }
        };
        if let Err(e) = session
            .apply_credentials(credentials.as_ref(), generation)
            .await
        {
            tracing::warn!(session = %id, error = %e, "could not hand the session its credentials");
        }
    }

    /// Points a session at its folder's new place (it was moved or renamed). Its codex, if it
    /// runs, stops; the next prompt resumes the thread in the new folder.
    pub async fn relocate_session(
        &self,
        id: &str,
        workspace: &str,
        confirmed: bool,
    ) -> Result<SessionInfo> {
        let mut session = self.session(id).await?;
        let workspace = validate_workspace(workspace, &self.guard(), confirmed)?;
        let old = PathBuf::from(&session.workspace);
        session.workspace = workspace.display().to_string();
        self.inner.store.set_workspace(id, &session.workspace);
        self.inner.workspaces.unwatch(&old);
        let live = lock(&self.inner.live).remove(id);
        if let Some(live) = live {
            // A turn still running in the old folder is stopped and recorded before codex goes.
            if live.is_busy() {
                self.stop_questions(id, &live).await;
                let _ = live.interrupt().await;
                let _ = tokio::time::timeout(MOVE_WAIT, live.until_idle()).await;
            }
            let cut_off = live.is_busy();
            live.close();
            if cut_off {
                self.inner
                    .store
                    .interrupt_open_turns(id, "The session's folder moved during this turn.");
                self.set_status(
                    id,
                    SessionStatus::Interrupted,
                    Some("The folder moved while codex was working; what it had done is kept. Send a message to continue in the new place."),
                    None,
                )
                .await?;
            }
        }
        // As the turn left it (idle once codex stopped it, or interrupted).
        let session = self.session(id).await?;
        tracing::info!(session = %id, workspace = %session.workspace, "session moved to another folder");
        self.emit(
            id,
            SessionEvent::WorkspaceMoved {
                path: session.workspace.clone(),
            },
        )
        .await;
        Ok(session)
    }

    /// Tells sessions whose folder the watch saw disappear.
    fn follow_workspaces(&self) {
        let Some(mut gone) = lock(&self.inner.gone).take() else {
            return;
        };
        let weak = Arc::downgrade(&self.inner);
        tokio::spawn(async move {
            while let Some(path) = gone.recv().await {
                let Some(inner) = weak.upgrade() else { break };
                let engine = Engine { inner };
                engine.inner.workspaces.unwatch(&path);
                let Ok(sessions) = engine.inner.store.list_sessions().await else {
                    continue;
                };
                for session in sessions.iter().filter(|s| Path::new(&s.workspace) == path) {
                    tracing::warn!(session = %session.id, folder = %path.display(), "the workspace is gone");
                    engine
                        .emit(
                            &session.id,
                            SessionEvent::WorkspaceMissing {
                                path: session.workspace.clone(),
                            },
                        )
                        .await;
                }
            }
        });
    }

    /// The user's account: sign-in, API key, sign-out.
    pub fn account(&self) -> &Account {
        &self.inner.account
    }

    /// The custom prompts in the user's codex home.
    pub fn prompts(&self) -> Vec<PromptInfo> {
        self.inner
            .config
            .user_codex_home
            .as_deref()
            .map(prompts::list)
            .unwrap_or_default()
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn paths(&self) -> &AppPaths {
        &self.inner.config.paths
    }

    /// The codex binary, searched for once and remembered; a failed search is retried next
    /// time (the user may have installed codex meanwhile). The search runs `codex --version`,
    /// so it runs off the async workers.
    pub async fn codex(&self) -> Result<CodexBinary> {
        if let Some(found) = lock(&self.inner.codex).clone() {
            return Ok(found);
        }
        let engine = self.clone();
        tokio::task::spawn_blocking(move || engine.codex_blocking())
            .await
            .map_err(|e| CoreError::io("The codex search failed", std::io::Error::other(e)))?
    }

    fn codex_blocking(&self) -> Result<CodexBinary> {
        if let Some(found) = lock(&self.inner.codex).clone() {
            return Ok(found);
        }
        // The app's configuration (tests), else `CODEX_DESK_CODEX`, else the codex the user
        // chose in the window, else the search.
        let configured = self.inner.config.codex_path.clone();
        let found = match configured {
            Some(path) => discovery::locate(Some(&path))?,
            None if discovery::from_env().is_some() => discovery::locate(None)?,
            None => match self.chosen_codex() {
                Some(chosen) => discovery::check(&chosen).or_else(|e| {
                    // Gone or broken since (a reinstall, another Node version): look for one,
                    // and when there is none, say what is wrong with the one chosen.
                    tracing::warn!(path = %chosen.display(), error = %e, "the codex chosen cannot be used; looking for another");
                    discovery::locate(None).map_err(|_| e)
                })?,
                None => discovery::locate(None)?,
            },
        };
        *lock(&self.inner.codex) = Some(found.clone());
        Ok(found)
    }

    /// The codex binary the user chose in the window, if any.
    fn chosen_codex(&self) -> Option<PathBuf> {
        self.inner
            .store
            .setting_blocking(CODEX_PATH_KEY)
            .ok()
            .flatten()
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
    }

    /// Uses the codex at `path` from now on (the user chose it: codex was not found, or they
    /// want another), once it proves usable; kept across restarts. Sessions running keep the
    /// codex they have until they start again.
    pub async fn choose_codex(&self, path: &str) -> Result<CodexInfo> {
        if let Some(set) = discovery::from_env() {
            return Err(CoreError::InvalidInput(format!(
                "CODEX_DESK_CODEX is set (to {}), and it decides which codex runs: change or unset it, then start Codex Desk again.",
                set.display()
            )));
        }
        let path = PathBuf::from(path.trim());
        let checked = path.clone();
        let found = tokio::task::spawn_blocking(move || discovery::check(&checked))
            .await
            .map_err(|e| CoreError::io("The codex check failed", std::io::Error::other(e)))??;
        self.inner
            .store
            .set_setting(CODEX_PATH_KEY, &path.display().to_string());
        *lock(&self.inner.codex) = Some(found.clone());
        tracing::info!(path = %found.path.display(), version = %found.version, "codex chosen");
        Ok(found.info())
    }

    pub async fn app_state(&self) -> Result<AppState> {
        let (codex, codex_error) = match self.codex().await {
            Ok(found) => (Some(found.info()), None),
            Err(e) => (None, Some(e.to_payload())),
        };
        Ok(AppState {
            sessions: self.inner.store.list_sessions().await?,
            codex,
            codex_error,
            last_session_id: self
                .inner
                .store
                .setting(LAST_SESSION_KEY)
                .await?
                .filter(|id| !id.is_empty()),
            account: self.inner.account.state(),
            storage: self.inner.store.health(),
            notices: self.inner.notices.clone(),
            notifications: self
                .inner
                .store
                .setting(NOTIFICATIONS_KEY)
                .await?
                .as_deref()
                != Some("off"),
            idle_release_secs: self.idle_release().map(|d| d.as_secs()),
        })
    }

    /// Turns OS notifications (a turn ended, failed, or waits for the user while the window is
    /// in the background) on or off; remembered.
    pub fn set_notifications(&self, on: bool) {
        self.inner
            .store
            .set_setting(NOTIFICATIONS_KEY, if on { "on" } else { "off" });
    }

    /// What workspaces may be: not the system's, not the app's own data; home and `~/.codex`
    /// only once the user confirms.
    fn guard(&self) -> WorkspaceGuard {
        WorkspaceGuard {
            data_dir: self.inner.config.paths.data_dir().to_path_buf(),
            user_codex_home: self.inner.config.user_codex_home.clone(),
            home: dirs::home_dir(),
        }
    }

    /// Creates a session bound to `workspace` (validated) with its own folder.
    pub fn create_session(&self, workspace: &str) -> Result<SessionInfo> {
        self.create_session_confirmed(workspace, false)
    }

    /// As [`Engine::create_session`]; `confirmed` accepts a folder that needs the user's yes.
    pub fn create_session_confirmed(
        &self,
        workspace: &str,
        confirmed: bool,
    ) -> Result<SessionInfo> {
        let workspace = validate_workspace(workspace, &self.guard(), confirmed)?;
        // Its row would wait in memory, unreadable until saving works: the window could not
        // open it, and a quit would lose it.
        if let Some(problem) = self.inner.store.health().problem {
            return Err(CoreError::NotSaving(problem));
        }
        let id = uuid::Uuid::new_v4().to_string();
        let now = now_ms();
        let info = SessionInfo {
            id: id.clone(),
            title: DEFAULT_TITLE.into(),
            workspace: workspace.display().to_string(),
            thread_id: None,
            status: SessionStatus::Idle,
            last_error: None,
            created_at: now,
            updated_at: now,
            archived_at: None,
        };
        self.folder(&id).create(&id, &info.workspace, now)?;
        self.inner.store.insert_session(info.clone());
        let options = self.options_for_new_session();
        if options != SessionOptions::default() {
            self.inner.store.set_session_options(&id, &options);
        }
        lock(&self.inner.options).insert(id.clone(), options);
        tracing::info!(session = %id, workspace = %info.workspace, "session created");
        Ok(info)
    }

    /// The newest page of the stored transcript, straight from SQLite (never waiting on
    /// codex); remembers the session as the one the user has open.
    pub async fn open_session(&self, id: &str) -> Result<Transcript> {
        let session = self.session(id).await?;
        self.inner.store.set_setting(LAST_SESSION_KEY, id);
        let (turns, items, has_older) = self.inner.store.page(id, None, PAGE_ITEMS).await?;
        Ok(Transcript {
            session,
            turns,
            items,
            has_older,
            has_newer: false,
            approvals: self.pending_approvals(id),
            queued: self.queued(id),
            queue_held: self.queue_held(id),
            options: self.options_of(id).await?,
        })
    }

    /// The session opened at one of its items (a search result): the items around `seq`.
    pub async fn open_session_at(&self, id: &str, seq: i64) -> Result<Transcript> {
        let session = self.session(id).await?;
        self.inner.store.set_setting(LAST_SESSION_KEY, id);
        let (turns, items, has_older, has_newer) =
            self.inner.store.page_around(id, seq, PAGE_ITEMS).await?;
        Ok(Transcript {
            session,
            turns,
            items,
            has_older,
            has_newer,
            approvals: self.pending_approvals(id),
            queued: self.queued(id),
            queue_held: self.queue_held(id),
            options: self.options_of(id).await?,
        })
    }

    /// The page of items after `after_seq` (scrolling down from an item opened in the middle).
    pub async fn newer_items(&self, id: &str, after_seq: i64) -> Result<TranscriptPage> {
        self.session(id).await?;
        let (turns, items, has_newer) = self
            .inner
            .store
            .page_after(id, after_seq, PAGE_ITEMS)
            .await?;
        Ok(TranscriptPage {
            session_id: id.to_string(),
            turns,
            items,
            has_older: false,
            has_newer,
        })
    }

    /// Items of every session matching the query, best first, with highlighted snippets.
    pub async fn search(&self, query: SearchQuery) -> Result<SearchResults> {
        self.inner.store.search(query).await
    }

    /// The page of items before `before_seq` (as the user scrolls up).
    pub async fn older_items(&self, id: &str, before_seq: i64) -> Result<TranscriptPage> {
        self.session(id).await?;
        let (turns, items, has_older) = self
            .inner
            .store
            .page(id, Some(before_seq), PAGE_ITEMS)
            .await?;
        Ok(TranscriptPage {
            session_id: id.to_string(),
            turns,
            items,
            has_older,
            has_newer: false,
        })
    }

    /// One stored item whole, for "Show all" on one shown cut.
    pub async fn whole_item(&self, id: &str, seq: i64) -> Result<StoredItem> {
        self.inner
            .store
            .whole_item(id, seq)
            .await?
            .ok_or(CoreError::ItemNotFound(seq))
    }

    /// Sends the session's live events to `sink` (replacing an earlier subscriber). `sink`
    /// returns false when the receiver is gone.
    pub async fn subscribe<F>(&self, id: &str, sink: F) -> Result<()>
    where
        F: FnMut(EventBatch) -> bool + Send + 'static,
    {
        self.session(id).await?;
        let input = spawn_relay(id.to_string(), self.inner.config.relay.clone(), sink);
        lock(&self.inner.relays).insert(id.to_string(), input);
        Ok(())
    }

    /// Starts a turn with `text`, starting codex (and resuming the thread) first if needed.
    /// Returns once codex has accepted the turn; the rest arrives as events.
    pub async fn send_prompt(&self, id: &str, text: &str) -> Result<()> {
        self.send_message(id, text, &[]).await
    }

    /// [`Engine::send_prompt`] with images the user attached ([`Engine::attach_image`]).
    pub async fn send_message(&self, id: &str, text: &str, images: &[String]) -> Result<()> {
        let gate = self.send_gate(id);
        let _one_send_at_a_time = gate.lock().await;
        self.send_prompt_locked(id, text, images).await
    }

    /// One send per session at a time: a second waits, then finds the turn running before
    /// anything of it is shown.
    fn send_gate(&self, id: &str) -> Arc<tokio::sync::Mutex<()>> {
        gate(&self.inner.sending, id)
    }

    /// [`Engine::send_prompt`] for a caller holding the session's send gate.
    async fn send_prompt_locked(&self, id: &str, text: &str, images: &[String]) -> Result<()> {
        let text = text.trim();
        if text.is_empty() && images.is_empty() {
            return Ok(());
        }
        let images = self.checked_attachments(id, images)?;
        let session = self.session(id).await?;
        if !Path::new(&session.workspace).exists() {
            return Err(CoreError::WorkspaceMissing {
                path: PathBuf::from(&session.workspace),
            });
        }
        if session.archived_at.is_some() {
            // Writing in an archived session brings it back.
            self.inner.store.set_archived(id, false);
        }
        // `/name args` runs the user's custom prompt of that name.
        let expanded = prompts::expand(text, self.inner.config.user_codex_home.as_deref())?;
        let text = expanded.as_deref().map(str::trim).unwrap_or(text);
        prompts::check_length(text)?;
        let live = self.ensure_live(&session).await?;
        if live.is_busy() {
            return Err(CoreError::TurnRunning);
        }
        self.catch_up(id, &live).await;
        self.emit(
            id,
            SessionEvent::PromptAccepted {
                text: text.to_string(),
            },
        )
        .await;
        let mut options = self.options_of(id).await?;
        // An extra writable folder that is gone is left out of this turn, and the user told.
        let (present, gone): (Vec<String>, Vec<String>) = options
            .writable_folders
            .iter()
            .cloned()
            .partition(|f| Path::new(f).is_dir());
        if !gone.is_empty() {
            options.writable_folders = present;
            self.emit(
                id,
                SessionEvent::SetupWarning {
                    message: format!(
                        "Not writable this turn, as the folder is gone: {}. Remove it from the session's other folders, or put it back.",
                        gone.join(", ")
                    ),
                },
            )
            .await;
        }
        let venv = self.folder(id).venv();
        if options.python_venv && options.sandbox == SandboxMode::WorkspaceWrite && venv.exists() {
            // `pip install` writes into the session's environment.
            options
                .writable_folders
                .push(venv.dir().display().to_string());
        }
        // Reserved before the window hears it runs: a Stop from then on reaches the turn.
        live.reserve_turn()?;
        if let Err(e) = self
            .set_status(id, SessionStatus::Running, None, Some(&live.thread_id))
            .await
        {
            live.turn_not_started();
            return Err(e);
        }
        match live.start_turn(text, &images, &options).await {
            Ok(turn_id) => {
                self.inner
                    .store
                    .turn_started_in_run(id, &turn_id, &live.process);
                // Named after its first message codex took.
                if session.title == DEFAULT_TITLE && !text.is_empty() {
                    self.inner.store.set_title(id, &title_from(text));
                }
                Ok(())
            }
            Err(e) => {
                if !matches!(e, CoreError::TurnRunning) {
                    // The message shown as sent is not in the session: it goes back to the
                    // user, with why.
                    self.emit(
                        id,
                        SessionEvent::PromptRefused {
                            text: text.to_string(),
                        },
                    )
                    .await;
                    // Codex answered and lives on: no turn ran, nothing failed but this message.
                    let (status, message) = match e {
                        CoreError::Rpc { .. } => (SessionStatus::Idle, None),
                        _ => (SessionStatus::Failed, Some(e.to_string())),
                    };
                    self.set_status(id, status, message.as_deref(), Some(&live.thread_id))
                        .await?;
                }
                Err(e)
            }
        }
    }

    /// Interrupts the running turn, if any.
    pub async fn interrupt(&self, id: &str) -> Result<()> {
        self.session(id).await?;
        let live = lock(&self.inner.live).get(id).cloned();
        match live {
            Some(live) => {
                // The questions first: the window hears they ended even if the stop fails.
                self.stop_questions(id, &live).await;
                live.interrupt().await
            }
            None => Ok(()),
        }
    }

    /// Answers every question `live` waits on with "cancel" and tells the window (Stop, or its
    /// codex going).
    async fn stop_questions(&self, id: &str, live: &LiveSession) {
        let stopped = live.cancel_approvals().await;
        self.approvals_ended(id, stopped, ApprovalOutcome::Stopped)
            .await;
    }

    /// Tells the window that questions ended without the user's answer (`outcome`: stopped, or
    /// withdrawn by codex or by its exit).
    async fn approvals_ended(
        &self,
        id: &str,
        asked: impl IntoIterator<Item = ApprovalRequest>,
        outcome: ApprovalOutcome,
    ) {
        for request in asked {
            tracing::info!(session = %id, key = %request.key, ?outcome, "a question ended without an answer");
            self.inner.store.question_ended(id, &request, outcome);
            self.emit(
                id,
                SessionEvent::ApprovalResolved {
                    key: request.key,
                    outcome,
                },
            )
            .await;
        }
    }

    /// Answers the question `key` codex waits on in session `id`.
    pub async fn answer_approval(&self, id: &str, key: &str, choice: ApprovalChoice) -> Result<()> {
        self.answer(id, key, choice, Given::Nothing).await
    }

    /// Sends the form an MCP server asked for (`key` in session `id`), filled in: checked
    /// against its fields first (a wrong or missing answer is refused with what to fix, and the
    /// form stays asked). Like answers to questions, the content goes to codex only.
    pub async fn answer_form(
        &self,
        id: &str,
        key: &str,
        content: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<()> {
        self.answer(id, key, ApprovalChoice::Approve, Given::Form(content))
            .await
    }

    /// Sends the user's answers to the questions `key` codex asked in session `id` (each
    /// question's id to what the user picked or typed). The answers go to codex only: the app
    /// keeps that they were answered, not what (an answer may be secret).
    pub async fn answer_questions(
        &self,
        id: &str,
        key: &str,
        answers: &std::collections::BTreeMap<String, Vec<String>>,
    ) -> Result<()> {
        self.answer(id, key, ApprovalChoice::Approve, Given::Answers(answers))
            .await
    }

    /// Answers question `key` with `choice`; `given` what the user said besides (answers to
    /// questions, a form's content).
    async fn answer(
        &self,
        id: &str,
        key: &str,
        choice: ApprovalChoice,
        given: Given<'_>,
    ) -> Result<()> {
        self.session(id).await?;
        let live = lock(&self.inner.live).get(id).cloned();
        let parked = live.as_ref().and_then(|live| {
            live.approvals
                .take_for(key, choice)
                .map(|p| (live.clone(), p))
        });
        let Some((live, parked)) = parked else {
            return Err(CoreError::NotAsked);
        };
        let form = match parked.request.elicitation.as_deref() {
            Some(Elicitation {
                ask: ElicitationAsk::Form { fields },
                ..
            }) => Some(fields),
            _ => None,
        };
        let checked;
        let given = match (given, form) {
            // Answers are for questions, content for forms: a command or file change is not
            // approved this way.
            (Given::Answers(_), _) if parked.request.kind != ApprovalKind::Questions => {
                live.approvals.park(parked);
                return Err(CoreError::NotAsked);
            }
            (Given::Form(_), None) => {
                live.approvals.park(parked);
                return Err(CoreError::NotAsked);
            }
            (Given::Form(content), Some(fields)) => {
                match crate::codex::elicitation::check_form(fields, content) {
                    Ok(content) => {
                        checked = content;
                        Given::Form(&checked)
                    }
                    Err(why) => {
                        live.approvals.park(parked);
                        return Err(CoreError::InvalidInput(why));
                    }
                }
            }
            // A form is sent only with its content.
            (Given::Nothing, Some(fields))
                if choice == ApprovalChoice::Approve && !fields.is_empty() =>
            {
                live.approvals.park(parked);
                return Err(CoreError::InvalidInput(
                    "Fill in the form and send it, or decline.".into(),
                ));
            }
            (given, _) => given,
        };
        if let Err(e) = live
            .client()
            .respond(parked.id.clone(), parked.reply_with(choice, given))
            .await
        {
            // Codex is gone: nothing waits on the answer any more.
            self.approvals_ended(id, [parked.request.clone()], ApprovalOutcome::Withdrawn)
                .await;
            return Err(e);
        }
        if choice == ApprovalChoice::ApproveForSession {
            // Codex keeps that grant in memory: this process stays while the session is open.
            live.keep_grants();
        }
        // Kept with the item it was about (an MCP server's form is about none, nor is a host
        // codex's managed network asks about: no stored item has its id).
        if !parked.request.item_id.is_empty() && parked.request.network.is_none() {
            self.inner.store.record_decision(
                id,
                &parked.request.turn_id,
                &parked.request.item_id,
                choice,
            );
        }
        tracing::info!(session = %id, %key, ?choice, kind = ?parked.request.kind, "the user answered a question");
        self.inner
            .store
            .question_ended(id, &parked.request, ApprovalOutcome::User(choice));
        self.emit(
            id,
            SessionEvent::ApprovalResolved {
                key: key.to_string(),
                outcome: ApprovalOutcome::User(choice),
            },
        )
        .await;
        Ok(())
    }

    /// The questions the session's codex waits on now.
    fn pending_approvals(&self, id: &str) -> Vec<ApprovalRequest> {
        lock(&self.inner.live)
            .get(id)
            .map(|live| live.approvals.pending())
            .unwrap_or_default()
    }

    /// The pid of the session's codex process, if it runs.
    pub fn codex_pid(&self, id: &str) -> Option<u32> {
        lock(&self.inner.live).get(id).and_then(|l| l.pid())
    }

    /// Quits cleanly (app exit): running turns are interrupted and recorded as such (waiting at
    /// most `wait`), what was still streaming is written, codex processes end, the database
    /// saves what it holds.
    pub async fn shutdown_gracefully(&self, wait: Duration) {
        self.inner.quitting.store(true, Ordering::SeqCst);
        if let Some(lock) = lock(&self.inner.lock).as_mut() {
            lock.mark_quitting();
        }
        let live: Vec<(String, Arc<LiveSession>)> = lock(&self.inner.live)
            .iter()
            .map(|(id, l)| (id.clone(), l.clone()))
            .collect();
        // Every question answered (and the window told), in a turn or not.
        for (id, session) in &live {
            self.stop_questions(id, session).await;
        }
        let running: Vec<(String, Arc<LiveSession>)> =
            live.into_iter().filter(|(_, l)| l.is_busy()).collect();
        let interrupted = async {
            for (_, session) in &running {
                let _ = session.interrupt().await;
            }
            for (_, session) in &running {
                session.until_idle().await;
            }
        };
        if tokio::time::timeout(wait, interrupted).await.is_err() {
            tracing::warn!("a turn did not stop in time at exit; it is recorded as interrupted");
        }
        for (id, _) in &running {
            self.inner.store.set_session_status(
                id,
                SessionStatus::Interrupted,
                Some("Codex Desk was closed during this turn; what codex had done is kept. Send a message to continue."),
            );
            self.inner
                .store
                .interrupt_open_turns(id, "Codex Desk closed during this turn.");
        }
        for (_, live) in lock(&self.inner.live).drain() {
            live.close();
        }
        // The pumps write what was still streaming once their codex is gone.
        let pumps: Vec<_> = lock(&self.inner.pumps).drain(..).collect();
        let _ = tokio::time::timeout(wait, async {
            for pump in pumps {
                let _ = pump.await;
            }
        })
        .await;
        self.shutdown();
    }

    /// Stops every codex process at once (app exit without waiting).
    pub fn shutdown(&self) {
        self.inner.quitting.store(true, Ordering::SeqCst);
        for (_, live) in lock(&self.inner.live).drain() {
            live.close();
        }
        self.inner.account.shutdown();
        lock(&self.inner.relays).clear();
        self.inner.store.close();
        lock(&self.inner.lock).take();
    }

    /// Calls `listener` when saving to the database stops and when it recovers.
    pub fn on_storage(
        &self,
        listener: impl Fn(&codex_desk_protocol::StorageHealth) + Send + Sync + 'static,
    ) {
        self.inner.store.on_health(listener);
    }

    async fn session(&self, id: &str) -> Result<SessionInfo> {
        self.inner
            .store
            .session(id)
            .await?
            .ok_or_else(|| CoreError::SessionNotFound(id.to_string()))
    }

    fn folder(&self, id: &str) -> SessionFolder {
        SessionFolder::new(self.inner.config.paths.session_dir(id))
    }

    /// The session's codex, started if need be for something other than a turn (listing
    /// models, forking): the session then reads as it did, idle or failed, not "starting"
    /// (and a crash it had is over: codex runs again).
    async fn live_quietly(&self, session: &SessionInfo) -> Result<Arc<LiveSession>> {
        let live = self.ensure_live(session).await?;
        let now = self.session(&session.id).await?;
        if now.status == SessionStatus::Starting {
            let (status, message) = match session.status {
                SessionStatus::Failed => (SessionStatus::Failed, session.last_error.as_deref()),
                _ => (SessionStatus::Idle, None),
            };
            self.set_status(&session.id, status, message, Some(&live.thread_id))
                .await?;
        }
        Ok(live)
    }

    async fn ensure_live(&self, session: &SessionInfo) -> Result<Arc<LiveSession>> {
        let gate = self.launch_gate(&session.id);
        let _guard = gate.lock().await;
        if let Some(live) = lock(&self.inner.live).get(&session.id).cloned() {
            live.touch();
            return Ok(live);
        }
        if self.inner.quitting.load(Ordering::SeqCst) {
            return Err(CoreError::Closing);
        }
        // Read again under the gate: a rollback or a move may have changed the thread or the
        // folder while this waited.
        let session = &self.session(&session.id).await?;
        let id = session.id.as_str();
        self.set_status(
            id,
            SessionStatus::Starting,
            None,
            session.thread_id.as_deref(),
        )
        .await?;
        let launched = self.launch(session).await;
        let (live, incoming) = match launched {
            Ok(ok) => ok,
            Err(e) => {
                self.set_status(
                    id,
                    SessionStatus::Failed,
                    Some(&e.to_string()),
                    session.thread_id.as_deref(),
                )
                .await?;
                return Err(e);
            }
        };
        let live = Arc::new(live);
        // The app began to quit while codex started: it goes at once, not after the quit.
        // Checked under the lock the quit empties the list with: one inserted is closed by it.
        let quitting = {
            let mut map = lock(&self.inner.live);
            let quitting = self.inner.quitting.load(Ordering::SeqCst);
            if !quitting {
                map.insert(session.id.clone(), live.clone());
            }
            quitting
        };
        if quitting {
            live.close();
            return Err(CoreError::Closing);
        }
        if session.thread_id.as_deref() != Some(live.thread_id.as_str()) {
            self.inner.store.set_thread_id(id, &live.thread_id);
        }
        // Signed in or out while codex started: it catches up now.
        if live.credentials_generation() != self.inner.account.generation() {
            self.signal_handoff();
        }
        for message in &live.setup_warnings {
            self.emit(
                id,
                SessionEvent::SetupWarning {
                    message: message.clone(),
                },
            )
            .await;
        }
        let pump = tokio::spawn(pump::run(
            self.clone(),
            session.id.clone(),
            live.clone(),
            incoming,
        ));
        {
            let mut pumps = lock(&self.inner.pumps);
            pumps.retain(|p| !p.is_finished());
            pumps.push(pump);
        }
        self.watch_idle();
        Ok(live)
    }

    async fn launch(
        &self,
        session: &SessionInfo,
    ) -> Result<(
        LiveSession,
        tokio::sync::mpsc::Receiver<crate::codex::client::Incoming>,
    )> {
        let codex = self.codex().await?;
        // The session's folder was accepted when it was chosen; now it may be gone.
        if !Path::new(&session.workspace).exists() {
            return Err(CoreError::WorkspaceMissing {
                path: PathBuf::from(&session.workspace),
            });
        }
        let workspace = validate_workspace(&session.workspace, &self.guard(), true)?;
        self.follow_workspaces();
        self.inner.workspaces.watch(&workspace);
        let folder = self.folder(&session.id);
        let config = &self.inner.config;
        let credentials_generation = self.inner.account.generation();
        let credentials = self.inner.account.credentials().await?;
        let options = self.options_of(&session.id).await?;
        let mut codex_args = config.codex_args.clone();
        codex_args.extend(crate::codex::options::launch_settings(&options));
        codex_args.extend(self.venv_settings(&session.id, &options).await?);
        let mut env = config.codex_env.clone();
        env.extend(self.env_values(&session.id, &options).await?);
        LiveSession::launch(Launch {
            binary: &codex.path,
            folder: &folder,
            workspace: &workspace,
            thread_id: session.thread_id.as_deref(),
            user_codex_home: config.user_codex_home.as_deref(),
            overrides: &config.overrides,
            codex_args: &codex_args,
            extra_env: &env,
            credentials,
            credentials_generation,
            options: &options,
        })
        .await
    }

    /// Stores the status and tells the subscriber.
    async fn set_status(
        &self,
        id: &str,
        status: SessionStatus,
        message: Option<&str>,
        thread_id: Option<&str>,
    ) -> Result<()> {
        self.inner.store.set_session_status(id, status, message);
        self.emit_status(id, status, message, thread_id).await;
        Ok(())
    }

    /// Tells the window the session's status (stored already).
    async fn emit_status(
        &self,
        id: &str,
        status: SessionStatus,
        message: Option<&str>,
        thread_id: Option<&str>,
    ) {
        self.emit(
            id,
            SessionEvent::Status {
                status,
                message: message.map(str::to_string),
                thread_id: thread_id.map(str::to_string),
            },
        )
        .await;
    }

    /// Sends an event to the session's subscriber, if there is one.
    async fn emit(&self, id: &str, event: SessionEvent) {
        self.emit_read_at(id, event, crate::relay::unix_ms()).await;
    }

    /// Sends `event` to the window, as of `at_ms` (Unix ms: when what it tells was read from
    /// codex).
    async fn emit_read_at(&self, id: &str, event: SessionEvent, at_ms: i64) {
        let relay = lock(&self.inner.relays).get(id).cloned();
        if let Some(relay) = relay {
            if !relay.send_at(event, at_ms).await {
                let mut relays = lock(&self.inner.relays);
                if relays.get(id).is_some_and(RelayInput::is_closed) {
                    relays.remove(id);
                }
            }
        }
    }

    /// Stops the session's codex, if it runs (between turns): the next prompt starts one that
    /// resumes the thread.
    async fn release(&self, id: &str) {
        let gate = self.launch_gate(id);
        let _no_launch = gate.lock().await;
        let live = lock(&self.inner.live).remove(id);
        if let Some(live) = live {
            self.close_live(id, &live).await;
            if live.holds_grants() {
                // Codex keeps those in memory only: the user hears they are gone.
                self.emit(
                    id,
                    SessionEvent::SetupWarning {
                        message: "Codex restarted for this change, so what you approved for this session no longer holds: codex will ask again.".into(),
                    },
                )
                .await;
            }
        }
    }

    /// Stops a session's codex, answering first what it still asks (an MCP server's form can
    /// wait outside any turn): no question goes unanswered because its codex went.
    async fn close_live(&self, id: &str, live: &LiveSession) {
        self.stop_questions(id, live).await;
        live.close();
    }

    /// Held while a codex starts or goes for session `id`: one at a time.
    fn launch_gate(&self, id: &str) -> Arc<tokio::sync::Mutex<()>> {
        gate(&self.inner.launching, id)
    }

    fn forget_live(&self, id: &str, live: &Arc<LiveSession>) {
        let mut map = lock(&self.inner.live);
        if map
            .get(id)
            .is_some_and(|current| Arc::ptr_eq(current, live))
        {
            map.remove(id);
        }
    }
}

/// Session `id`'s gate among `gates` (made on first use).
fn gate(
    gates: &Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    id: &str,
) -> Arc<tokio::sync::Mutex<()>> {
    lock(gates).entry(id.to_string()).or_default().clone()
}

/// A sidebar title from the first prompt: its first line, at most 60 characters.
fn title_from(text: &str) -> String {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(DEFAULT_TITLE)
        .trim();
    if line.chars().count() <= 60 {
        return line.to_string();
    }
    let cut: String = line.chars().take(59).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_come_from_the_first_line() {
        assert_eq!(title_from("\n  Fix the build\nmore"), "Fix the build");
        let long = "x".repeat(80);
        let t = title_from(&long);
        assert_eq!(t.chars().count(), 60);
        assert!(t.ends_with('…'));
    }

    #[tokio::test]
    async fn sessions_are_created_listed_and_opened_without_codex() {
        let data = tempfile::tempdir().expect("tempdir");
        let workspace = tempfile::tempdir().expect("workspace");
        let config = EngineConfig::for_test(data.path());
        let engine = Engine::open(config).expect("engine");
        let info = engine
            .create_session(&workspace.path().display().to_string())
            .expect("create");
        assert!(data
            .path()
            .join("sessions")
            .join(&info.id)
            .join("codex-home")
            .is_dir());
        let transcript = engine.open_session(&info.id).await.expect("open");
        assert_eq!(transcript.session.id, info.id);
        assert!(transcript.items.is_empty());
        let state = engine.app_state().await.expect("state");
        assert_eq!(state.sessions.len(), 1);
        assert_eq!(state.last_session_id.as_deref(), Some(info.id.as_str()));
        let err = engine.open_session("missing").await.unwrap_err();
        assert_eq!(
            err.code(),
            Some(codex_desk_protocol::ErrorCode::SessionNotFound)
        );
        let err = engine.create_session("/definitely/not/here").unwrap_err();
        assert_eq!(
            err.code(),
            Some(codex_desk_protocol::ErrorCode::WorkspaceInvalid)
        );
    }

    #[tokio::test]
    async fn no_new_session_starts_while_saving_fails_and_one_does_once_it_works() {
        let data = tempfile::tempdir().expect("tempdir");
        let workspace = tempfile::tempdir().expect("workspace");
        let config = EngineConfig::for_test(data.path());
        let engine = Engine::open(config).expect("engine");
        let folder = workspace.path().display().to_string();
        let first = engine.create_session(&folder).expect("create");
        let store = engine.store();
        store.flush().await.expect("saved");

        // The disk fills up: a write waits, the user is told, and a new session is refused.
        store.limit_size_for_tests(1).await.expect("limit");
        store.set_title(&first.id, &"a long title ".repeat(2_000));
        assert!(store.flush().await.is_err());
        let err = engine.create_session(&folder).expect_err("not saving");
        let text = err.to_string();
        assert!(
            text.contains("cannot start while saving does not work"),
            "{text}"
        );
        assert!(text.contains("disk is full"), "{text}");
        assert_eq!(engine.app_state().await.expect("state").sessions.len(), 1);

        // Space again: the waiting write lands, and sessions start again.
        store
            .limit_size_for_tests(1_000_000)
            .await
            .expect("unlimit");
        store.flush().await.expect("saved");
        let second = engine.create_session(&folder).expect("create");
        let opened = engine.open_session(&second.id).await.expect("open");
        assert_eq!(opened.session.id, second.id);
        engine.shutdown();
    }
}
