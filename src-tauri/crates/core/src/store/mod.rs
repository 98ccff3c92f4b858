//! SQLite storage, off the async workers: one database thread owns the connection ([`writer`]).
//! Reads are async calls answered by that thread; writes are queued (callers never wait and
//! never lose one to a full disk), batched, and retried until they land. One module per table,
//! each with its migration; opening is in [`open`].

mod archive;
mod audit;
mod decisions;
mod health;
mod items;
mod open;
mod options;
pub mod plans;
pub mod questions;
mod queues;
mod rollback;
mod search;
pub(crate) mod sessions;
mod settings;
mod turns;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use codex_desk_protocol::{
    ApprovalChoice, ApprovalOutcome, ApprovalRequest, AuditPage, AuditQuery, QueuedPrompt,
    SearchQuery, SearchResults, SessionInfo, SessionOptions, SessionStatus, StorageHealth,
    StoredItem, TurnInfo, TurnUsage,
};
use rusqlite::Connection;
use tokio::sync::oneshot;

use self::health::Health;
use self::writer::Job;
use crate::error::{CoreError, Result};

pub use archive::ArchivedItem;
pub use audit::Order;
pub use items::NewItem;

/// Migrations in order; `PRAGMA user_version` holds how many have run. Only ever append. An
/// older app refuses a newer database with a message saying so (see `open`).
const MIGRATIONS: &[&str] = &[
    sessions::MIGRATION_1,
    turns::MIGRATION_1,
    items::MIGRATION_1,
    settings::MIGRATION_1,
    turns::MIGRATION_2,
    search::MIGRATION_3,
    search::MIGRATION_4,
    decisions::MIGRATION_5,
    options::MIGRATION_6,
    sessions::MIGRATION_7,
    queues::MIGRATION_8,
    search::MIGRATION_9,
    turns::MIGRATION_10,
    search::MIGRATION_11,
    turns::MIGRATION_12,
    audit::MIGRATION_13,
];

/// How long closing waits for the last writes.
const CLOSE_WAIT: Duration = Duration::from_secs(5);

/// One change to the database, with everything it needs (times are taken when it is queued).
#[derive(Clone)]
pub(crate) enum Write {
    InsertSession(SessionInfo),
    SessionStatus {
        id: String,
        status: SessionStatus,
        error: Option<String>,
        at: i64,
    },
    ThreadId {
        id: String,
        thread_id: String,
        at: i64,
    },
    Title {
        id: String,
        title: String,
    },
    Workspace {
        id: String,
        workspace: String,
        at: i64,
    },
    TurnStarted {
        session_id: String,
        turn_id: String,
        /// The codex process that runs it, when known.
        run: Option<String>,
        at: i64,
    },
    TurnFinished {
        session_id: String,
        turn_id: String,
        status: String,
        error: Option<String>,
        at: i64,
    },
    TurnUsage {
        session_id: String,
        turn_id: String,
        json: String,
        at: i64,
    },
    CloseOpenTurns {
        session_id: String,
        status: &'static str,
        error: String,
        at: i64,
    },
    Item {
        item: NewItem,
        at: i64,
    },
    Setting {
        key: String,
        value: String,
    },
    Decision {
        session_id: String,
        turn_id: String,
        item_id: String,
        choice: &'static str,
        at: i64,
    },
    Options {
        session_id: String,
        json: String,
    },
    Archived {
        id: String,
        at: Option<i64>,
    },
    QuestionEnded {
        session_id: String,
        request: Box<ApprovalRequest>,
        outcome: ApprovalOutcome,
    },
    Queue {
        session_id: String,
        json: Option<String>,
    },
}

impl Write {
    fn apply(&self, conn: &Connection) -> rusqlite::Result<()> {
        match self {
            Write::InsertSession(s) => sessions::insert(conn, s),
            Write::SessionStatus {
                id,
                status,
                error,
                at,
            } => sessions::set_status(conn, id, *status, error.as_deref(), *at),
            Write::ThreadId { id, thread_id, at } => {
                sessions::set_thread_id(conn, id, thread_id, *at)
            }
            Write::Title { id, title } => sessions::set_title(conn, id, title),
            Write::Workspace { id, workspace, at } => {
                sessions::set_workspace(conn, id, workspace, *at)
            }
            Write::TurnStarted {
                session_id,
                turn_id,
                run,
                at,
            } => turns::started(conn, session_id, turn_id, run.as_deref(), *at),
            Write::TurnFinished {
                session_id,
                turn_id,
                status,
                error,
                at,
            } => turns::finished(conn, session_id, turn_id, status, error.as_deref(), *at),
            Write::TurnUsage {
                session_id,
                turn_id,
                json,
                at,
            } => turns::set_usage(conn, session_id, turn_id, json, *at),
            Write::CloseOpenTurns {
                session_id,
                status,
                error,
                at,
            } => turns::close_open(conn, session_id, status, error, *at),
            Write::Item { item, at } => items::upsert(conn, item, *at),
            Write::Setting { key, value } => settings::set(conn, key, value),
            Write::Decision {
                session_id,
                turn_id,
                item_id,
                choice,
                at,
            } => decisions::record(conn, session_id, turn_id, item_id, choice, *at),
            Write::Options { session_id, json } => options::set(conn, session_id, json),
            Write::Archived { id, at } => sessions::set_archived(conn, id, *at),
            Write::Queue { session_id, json } => queues::set(conn, session_id, json.as_deref()),
            Write::QuestionEnded {
                session_id,
                request,
                outcome,
            } => questions::settle(conn, session_id, request, outcome),
        }
    }

    /// What kind of change it is, for logs (never its content).
    fn kind(&self) -> &'static str {
        match self {
            Write::InsertSession(_) => "insert session",
            Write::SessionStatus { .. } => "session status",
            Write::ThreadId { .. } => "thread id",
            Write::Title { .. } => "title",
            Write::Workspace { .. } => "workspace",
            Write::TurnStarted { .. } => "turn started",
            Write::TurnFinished { .. } => "turn finished",
            Write::TurnUsage { .. } => "turn usage",
            Write::CloseOpenTurns { .. } => "close open turns",
            Write::Item { .. } => "item",
            Write::Setting { .. } => "setting",
            Write::Decision { .. } => "decision",
            Write::Options { .. } => "session options",
            Write::Archived { .. } => "archived",
            Write::Queue { .. } => "queue",
            Write::QuestionEnded { .. } => "question ended",
        }
    }
}

impl std::fmt::Debug for Write {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.kind())
    }
}

/// The app's database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    jobs: Arc<std::sync::mpsc::Sender<Job>>,
    health: Health,
    /// The database file, for messages.
    path: Arc<PathBuf>,
}

/// A store just opened, with what opening found.
pub struct OpenedStore {
    pub store: Store,
    /// What to tell the user (a damaged database moved aside).
    pub notices: Vec<String>,
    /// Sessions that were running when the app last exited.
    pub orphaned: usize,
}

impl Store {
    /// Opens (creating or migrating) the database at `path` and starts its thread.
    pub fn open(path: &Path) -> Result<OpenedStore> {
        let mut opened = open::open_file(path)?;
        let orphaned = sessions::mark_orphaned(&mut opened.conn, now_ms())?;
        Ok(OpenedStore {
            store: Self::start(opened.conn, path.to_path_buf()),
            notices: opened.notices,
            orphaned,
        })
    }

    /// A private in-memory database, for tests.
    pub fn open_in_memory() -> Result<Self> {
        let mut conn = Connection::open_in_memory()?;
        open::configure(&mut conn)?;
        Ok(Self::start(conn, PathBuf::from(":memory:")))
    }

    fn start(conn: Connection, path: PathBuf) -> Self {
        let (jobs, rx) = std::sync::mpsc::channel();
        let health = Health::default();
        let thread_health = health.clone();
        let spawned = std::thread::Builder::new()
            .name("codex-desk-db".into())
            .spawn(move || writer::run(conn, rx, thread_health));
        if let Err(e) = spawned {
            tracing::error!(error = %e, "the database thread could not start");
        }
        Self {
            jobs: Arc::new(jobs),
            health,
            path: Arc::new(path),
        }
    }

    fn send(&self, job: Job) -> bool {
        self.jobs.send(job).is_ok()
    }

    fn gone(&self) -> CoreError {
        CoreError::Database {
            path: self.path.to_path_buf(),
            reason: "the database thread has stopped; restart Codex Desk".into(),
        }
    }

    /// Runs `work` on the database thread, after every write queued before it.
    async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (tx, rx) = oneshot::channel();
        let job = Job::Run(Box::new(move |conn| {
            let _ = tx.send(work(conn));
        }));
        if !self.send(job) {
            return Err(self.gone());
        }
        rx.await.map_err(|_| self.gone())?
    }

    /// As [`Store::read`], blocking the calling thread (start-up, outside the async runtime).
    fn read_blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (tx, rx) = std::sync::mpsc::channel();
        let job = Job::Run(Box::new(move |conn| {
            let _ = tx.send(work(conn));
        }));
        if !self.send(job) {
            return Err(self.gone());
        }
        rx.recv().map_err(|_| self.gone())?
    }

    fn write(&self, write: Write) {
        if !self.send(Job::Write(write.clone())) {
            tracing::error!(
                write = write.kind(),
                "the database thread has stopped; a change was not saved"
            );
        }
    }

    /// Waits until everything queued so far is saved; `Err` says why it is not (it stays queued).
    pub async fn flush(&self) -> Result<()> {
        let (tx, rx) = oneshot::channel();
        let job = Job::Flush(Box::new(move |result| {
            let _ = tx.send(result);
        }));
        if !self.send(job) {
            return Err(self.gone());
        }
        rx.await
            .map_err(|_| self.gone())?
            .map_err(|reason| CoreError::Database {
                path: Default::default(),
                reason,
            })
    }

    /// Saves what it can and stops the database thread (app exit), waiting at most 5 s.
    pub fn close(&self) {
        let (tx, rx) = std::sync::mpsc::channel();
        if self.send(Job::Close(tx)) {
            let _ = rx.recv_timeout(CLOSE_WAIT);
        }
    }

    /// Whether the database takes what the app writes.
    pub fn health(&self) -> StorageHealth {
        self.health.state()
    }

    /// Calls `listener` when saving stops and when it recovers.
    pub fn on_health(&self, listener: impl Fn(&StorageHealth) + Send + Sync + 'static) {
        self.health.on_change(Arc::new(listener));
    }

    /// Fault injection for tests and benchmarks: SQLite's own size limit
    /// (`PRAGMA max_page_count`), which makes writes fail exactly as on a full disk.
    pub async fn limit_size_for_tests(&self, pages: u64) -> Result<()> {
        self.read(move |conn| {
            conn.pragma_update(None, "max_page_count", pages)?;
            Ok(())
        })
        .await
    }

    // Reads.

    pub async fn list_sessions(&self) -> Result<Vec<SessionInfo>> {
        self.read(sessions::list).await
    }

    pub async fn session(&self, id: &str) -> Result<Option<SessionInfo>> {
        let id = id.to_string();
        self.read(move |c| sessions::get(c, &id)).await
    }

    #[cfg(test)]
    pub async fn list_turns(&self, session_id: &str) -> Result<Vec<TurnInfo>> {
        let id = session_id.to_string();
        self.read(move |c| turns::list(c, &id)).await
    }

    #[cfg(test)]
    pub async fn list_items(&self, session_id: &str) -> Result<Vec<StoredItem>> {
        let id = session_id.to_string();
        self.read(move |c| items::list(c, &id)).await
    }

    /// Up to `limit` items before `before` (the newest when `None`) with their turns, and
    /// whether older items exist.
    pub async fn page(
        &self,
        session_id: &str,
        before: Option<i64>,
        limit: usize,
    ) -> Result<(Vec<TurnInfo>, Vec<StoredItem>, bool)> {
        let id = session_id.to_string();
        self.read(move |c| {
            let (items, has_older) = items::page(c, &id, before, limit)?;
            let turns = turns::for_page(c, &id, &items, before.is_none())?;
            Ok((turns, items, has_older))
        })
        .await
    }

    /// Up to `limit` items after `after` with their turns (for the last page, every later turn
    /// too), and whether newer items exist.
    pub async fn page_after(
        &self,
        session_id: &str,
        after: i64,
        limit: usize,
    ) -> Result<(Vec<TurnInfo>, Vec<StoredItem>, bool)> {
        let id = session_id.to_string();
        self.read(move |c| {
            let (items, has_newer) = items::page_after(c, &id, after, limit)?;
            let turns = turns::for_page(c, &id, &items, !has_newer)?;
            Ok((turns, items, has_newer))
        })
        .await
    }

    /// The items around `seq` (half before, half from it on) with their turns, and whether
    /// older and newer items exist.
    pub async fn page_around(
        &self,
        session_id: &str,
        seq: i64,
        limit: usize,
    ) -> Result<(Vec<TurnInfo>, Vec<StoredItem>, bool, bool)> {
        let id = session_id.to_string();
        self.read(move |c| {
            let (mut items, has_older) = items::page(c, &id, Some(seq), limit / 2)?;
            let (newer, has_newer) = items::page_after(c, &id, seq - 1, limit - limit / 2)?;
            items.extend(newer);
            let turns = turns::for_page(c, &id, &items, !has_newer)?;
            Ok((turns, items, has_older, has_newer))
        })
        .await
    }

    /// Items of every session matching `query`, best first.
    pub async fn search(&self, query: SearchQuery) -> Result<SearchResults> {
        self.read(move |c| search::search(c, &query)).await
    }

    /// Up to `limit` stored items' audit entries after the cursor `from`, in `order`.
    pub async fn audit(
        &self,
        query: AuditQuery,
        order: Order,
        from: Option<String>,
        limit: usize,
    ) -> Result<AuditPage> {
        self.read(move |c| audit::page(c, &query, order, from.as_deref(), limit))
            .await
    }

    /// Deletes a session's rows: its turns, items and search index go with it.
    pub async fn delete_session(&self, id: &str) -> Result<()> {
        let id = id.to_string();
        self.read(move |c| {
            let tx = c.unchecked_transaction()?;
            tx.execute("DELETE FROM items WHERE session_id = ?1", [&id])?;
            tx.execute("DELETE FROM decisions WHERE session_id = ?1", [&id])?;
            tx.execute("DELETE FROM turns WHERE session_id = ?1", [&id])?;
            tx.execute("DELETE FROM sessions WHERE id = ?1", [&id])?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    /// Removes a session's last `turns` (items, answers, search entries) and points it at
    /// `thread_id`, at once; returns what the user typed in the first of them.
    pub async fn roll_back(
        &self,
        session_id: &str,
        turns: Vec<String>,
        thread_id: Option<&str>,
    ) -> Result<Option<String>> {
        let (id, thread) = (session_id.to_string(), thread_id.map(str::to_string));
        let at = now_ms();
        self.read(move |c| rollback::remove_turns(c, &id, &turns, thread.as_deref(), at))
            .await
    }

    /// The `seq` of a session's newest item (0 when it has none).
    pub async fn last_seq(&self, session_id: &str) -> Result<i64> {
        let id = session_id.to_string();
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT COALESCE(MAX(seq), 0) FROM items WHERE session_id = ?1",
                [id],
                |r| r.get(0),
            )?)
        })
        .await
    }

    /// Every turn of a session, in order (an export).
    pub async fn all_turns(&self, session_id: &str) -> Result<Vec<TurnInfo>> {
        let id = session_id.to_string();
        self.read(move |c| archive::turns(c, &id)).await
    }

    /// Up to `limit` items after `after`, whole, with everything their rows hold (an export).
    pub async fn archived_items(
        &self,
        session_id: &str,
        after: i64,
        limit: usize,
    ) -> Result<Vec<ArchivedItem>> {
        let id = session_id.to_string();
        self.read(move |c| archive::items(c, &id, after, limit))
            .await
    }

    /// Stores an exported session as a new one, all of it or nothing.
    pub async fn import(
        &self,
        session: SessionInfo,
        turns: Vec<TurnInfo>,
        items: Vec<ArchivedItem>,
    ) -> Result<()> {
        self.read(move |c| archive::insert(c, &session, &turns, &items))
            .await
    }

    /// Gives a stored session a codex thread (`thread_id`), a title and the thread's history
    /// (read from codex), all of it or nothing.
    pub async fn add_history(
        &self,
        session_id: &str,
        thread_id: &str,
        title: &str,
        turns: Vec<TurnInfo>,
        items: Vec<ArchivedItem>,
    ) -> Result<()> {
        let (id, thread, title) = (
            session_id.to_string(),
            thread_id.to_string(),
            title.to_string(),
        );
        self.read(move |c| archive::add(c, &id, (&thread, &title), &turns, &items))
            .await
    }

    /// Indexes every item still waiting for search now (benchmarks, test data).
    pub async fn finish_search_index(&self) -> Result<()> {
        self.read(|c| {
            while search::index_pending(c, 1_000)? {}
            Ok(())
        })
        .await
    }

    /// One item whole, with nothing cut.
    pub async fn whole_item(&self, session_id: &str, seq: i64) -> Result<Option<StoredItem>> {
        let id = session_id.to_string();
        self.read(move |c| items::whole(c, &id, seq)).await
    }

    pub async fn whole_item_by_id(
        &self,
        session_id: &str,
        turn_id: &str,
        item_id: &str,
    ) -> Result<Option<StoredItem>> {
        let (id, turn, item) = (
            session_id.to_string(),
            turn_id.to_string(),
            item_id.to_string(),
        );
        self.read(move |c| items::whole_by_id(c, &id, &turn, &item))
            .await
    }

    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        let key = key.to_string();
        self.read(move |c| settings::get(c, &key)).await
    }

    pub fn setting_blocking(&self, key: &str) -> Result<Option<String>> {
        let key = key.to_string();
        self.read_blocking(move |c| settings::get(c, &key))
    }

    // Writes: queued in order, never blocking, kept until they land.

    pub fn insert_session(&self, session: SessionInfo) {
        self.write(Write::InsertSession(session));
    }

    pub fn set_session_status(&self, id: &str, status: SessionStatus, error: Option<&str>) {
        self.write(Write::SessionStatus {
            id: id.into(),
            status,
            error: error.map(str::to_string),
            at: now_ms(),
        });
    }

    pub fn set_thread_id(&self, id: &str, thread_id: &str) {
        self.write(Write::ThreadId {
            id: id.into(),
            thread_id: thread_id.into(),
            at: now_ms(),
        });
    }

    /// Keeps a session's queued follow-ups (none: forgets them).
    pub fn set_queue(&self, id: &str, queued: &[QueuedPrompt]) {
        let json = if queued.is_empty() {
            None
        } else {
            match serde_json::to_string(queued) {
                Ok(json) => Some(json),
                Err(e) => {
                    tracing::error!(error = %e, "could not write the queue");
                    return;
                }
            }
        };
        self.write(Write::Queue {
            session_id: id.into(),
            json,
        });
    }

    /// Every session's queued follow-ups, as kept (read once, when the app opens).
    pub fn queues_blocking(&self) -> Result<Vec<(String, Vec<QueuedPrompt>)>> {
        self.read_blocking(queues::all)
    }

    /// Archives a session (now) or brings it back.
    pub fn set_archived(&self, id: &str, archived: bool) {
        self.write(Write::Archived {
            id: id.into(),
            at: archived.then(now_ms),
        });
    }

    pub fn set_title(&self, id: &str, title: &str) {
        self.write(Write::Title {
            id: id.into(),
            title: title.into(),
        });
    }

    pub fn set_workspace(&self, id: &str, workspace: &str) {
        self.write(Write::Workspace {
            id: id.into(),
            workspace: workspace.into(),
            at: now_ms(),
        });
    }

    /// A turn started by a codex process not known (seeded sessions, tests).
    pub fn turn_started(&self, session_id: &str, turn_id: &str) {
        self.write_turn_started(session_id, turn_id, None);
    }

    /// A turn started by the codex process `run` (what codex holds in memory, like approvals
    /// for the session, holds within one run).
    pub fn turn_started_in_run(&self, session_id: &str, turn_id: &str, run: &str) {
        self.write_turn_started(session_id, turn_id, Some(run));
    }

    fn write_turn_started(&self, session_id: &str, turn_id: &str, run: Option<&str>) {
        self.write(Write::TurnStarted {
            session_id: session_id.into(),
            turn_id: turn_id.into(),
            run: run.map(str::to_string),
            at: now_ms(),
        });
    }

    pub fn turn_finished(
        &self,
        session_id: &str,
        turn_id: &str,
        status: &str,
        error: Option<&str>,
    ) {
        self.write(Write::TurnFinished {
            session_id: session_id.into(),
            turn_id: turn_id.into(),
            status: status.into(),
            error: error.map(str::to_string),
            at: now_ms(),
        });
    }

    /// What a turn used so far (codex's latest count).
    pub fn set_turn_usage(&self, session_id: &str, turn_id: &str, usage: &TurnUsage) {
        let Ok(json) = serde_json::to_string(usage) else {
            return;
        };
        self.write(Write::TurnUsage {
            session_id: session_id.into(),
            turn_id: turn_id.into(),
            json,
            at: now_ms(),
        });
    }

    /// Marks every unfinished turn of a session as failed with `error` (after a crash).
    pub fn fail_open_turns(&self, session_id: &str, error: &str) {
        self.write(Write::CloseOpenTurns {
            session_id: session_id.into(),
            status: "failed",
            error: error.into(),
            at: now_ms(),
        });
    }

    /// Marks every unfinished turn of a session as interrupted (cut off by a quit or a move).
    pub fn interrupt_open_turns(&self, session_id: &str, why: &str) {
        self.write(Write::CloseOpenTurns {
            session_id: session_id.into(),
            status: "interrupted",
            error: why.into(),
            at: now_ms(),
        });
    }

    pub fn upsert_item(&self, item: NewItem) {
        self.write(Write::Item { item, at: now_ms() });
    }

    /// Keeps the agent's plan for a turn, as it stands now, where it was first made.
    pub fn plan_updated(&self, session_id: &str, plan: &crate::codex::wire::TurnPlanUpdated) {
        self.upsert_item(plans::item(session_id, plan));
    }

    /// Keeps a question codex asked in the transcript, where it was asked.
    pub fn question_asked(&self, session_id: &str, request: &ApprovalRequest) {
        self.upsert_item(questions::asked(session_id, request));
    }

    /// Records how a question kept with [`Self::question_asked`] ended.
    pub fn question_ended(
        &self,
        session_id: &str,
        request: &ApprovalRequest,
        outcome: ApprovalOutcome,
    ) {
        self.write(Write::QuestionEnded {
            session_id: session_id.into(),
            request: Box::new(request.clone()),
            outcome,
        });
    }

    /// Every answer the user gave in a session: (turn, item, choice).
    pub async fn decisions(
        &self,
        session_id: &str,
    ) -> Result<Vec<(String, String, ApprovalChoice)>> {
        let id = session_id.to_string();
        self.read(move |c| decisions::all(c, &id)).await
    }

    /// Keeps what the user answered about an item, for the audit trail.
    pub fn record_decision(
        &self,
        session_id: &str,
        turn_id: &str,
        item_id: &str,
        choice: ApprovalChoice,
    ) {
        self.write(Write::Decision {
            session_id: session_id.into(),
            turn_id: turn_id.into(),
            item_id: item_id.into(),
            choice: decisions::token(choice),
            at: now_ms(),
        });
    }

    /// The session's options (the defaults when none were set).
    pub async fn session_options(&self, id: &str) -> Result<SessionOptions> {
        let id = id.to_string();
        self.read(move |c| options::get(c, &id)).await
    }

    pub fn set_session_options(&self, id: &str, options: &SessionOptions) {
        match serde_json::to_string(options) {
            Ok(json) => self.write(Write::Options {
                session_id: id.into(),
                json,
            }),
            Err(e) => tracing::error!(error = %e, "could not write the session options"),
        }
    }

    pub fn set_setting(&self, key: &str, value: &str) {
        self.write(Write::Setting {
            key: key.into(),
            value: value.into(),
        });
    }
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;
