//! The audit trail, and sessions and trails written to files the user chose (and read back).

use std::path::{Path, PathBuf};

use codex_desk_protocol::{
    AuditFormat, AuditPage, AuditQuery, SessionFormat, SessionInfo, SessionStatus,
};

use super::Engine;
use crate::error::{CoreError, Result};
use crate::export::{self, archive, blocking, markdown, Output};
use crate::files;
use crate::sessions::validate_workspace;
use crate::store::{now_ms, Order};

/// Stored items per page of the audit view (a file change of many files is one item).
const AUDIT_PAGE: usize = 200;
/// Items read at a time while exporting.
const EXPORT_PAGE: usize = 1_000;
/// The largest file imported (it is read whole, and stored in one transaction).
const LARGEST_IMPORT: u64 = 512 * 1024 * 1024;

impl Engine {
    /// Writes a stored item whole to a file in the session's folder, to read in a text editor
    /// (an output too long for the window: tens of megabytes freeze a web page); returns the
    /// file. Written again each time, so it is always the stored item.
    pub async fn item_file(&self, id: &str, turn_id: &str, item_id: &str) -> Result<PathBuf> {
        let stored = self
            .inner
            .store
            .whole_item_by_id(id, turn_id, item_id)
            .await?
            .ok_or_else(|| {
                CoreError::InvalidInput(
                    "That item is not stored: it may still be running, or its session was rolled back. Open the session again.".into(),
                )
            })?;
        let seq = stored.seq;
        let kind: String = stored
            .item
            .get("type")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("item")
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        let (text, extension) = markdown::item_file(&kind, &stored.item);
        let dir = self.folder(id).root().join("outputs");
        let path = dir.join(format!("{kind}-{seq}.{extension}"));
        blocking(move || {
            files::private_dir(&dir)?;
            files::write_private(&path, text.as_bytes())?;
            Ok(path)
        })
        .await
    }

    /// The newest commands and file changes matching `query`; `before` is the `next` of the
    /// page shown last.
    pub async fn audit(&self, query: AuditQuery, before: Option<String>) -> Result<AuditPage> {
        self.inner
            .store
            .audit(query, Order::NewestFirst, before, AUDIT_PAGE)
            .await
    }

    /// Writes every command and file change matching `query`, oldest first, to `path`;
    /// returns how many were written.
    pub async fn export_audit(
        &self,
        query: AuditQuery,
        format: AuditFormat,
        path: &Path,
    ) -> Result<u64> {
        let mut out = Output::create(path).await?;
        out.write(export::audit::header(format).into_bytes())
            .await?;
        let mut from = None;
        let mut written = 0;
        loop {
            let page = self
                .inner
                .store
                .audit(query.clone(), Order::OldestFirst, from, EXPORT_PAGE)
                .await?;
            let mut text = String::new();
            for entry in &page.entries {
                text.push_str(&export::audit::line(format, entry));
            }
            written += page.entries.len() as u64;
            out.write(text.into_bytes()).await?;
            match page.next {
                Some(next) => from = Some(next),
                None => break,
            }
        }
        out.finish().await?;
        tracing::info!(entries = written, path = %path.display(), "audit trail exported");
        Ok(written)
    }

    /// Writes a session to `path` as Markdown or JSON; returns how many items were written.
    pub async fn export_session(
        &self,
        id: &str,
        format: SessionFormat,
        path: &Path,
    ) -> Result<u64> {
        let session = self.session(id).await?;
        // What is stored now, and nothing written while the export runs (a running turn's next
        // items would come after turns already written).
        let last = self.inner.store.last_seq(id).await?;
        let turns = self.inner.store.all_turns(id).await?;
        let decisions: Vec<archive::ArchivedDecision> = self
            .inner
            .store
            .decisions(id)
            .await?
            .into_iter()
            .map(|(turn_id, item_id, choice)| archive::ArchivedDecision {
                turn_id,
                item_id,
                choice,
            })
            .collect();
        let now = now_ms();
        let mut out = Output::create(path).await?;
        let mut transcript = markdown::Transcript::new(turns.clone());
        out.write(
            match format {
                SessionFormat::Markdown => transcript.start(&session, now),
                SessionFormat::Json => archive::start(&session, &turns, &decisions, now),
            }
            .into_bytes(),
        )
        .await?;
        let mut after = 0;
        let mut written = 0u64;
        loop {
            let mut items = self
                .inner
                .store
                .archived_items(id, after, EXPORT_PAGE)
                .await?;
            items.retain(|i| i.seq <= last);
            let Some(newest) = items.last() else { break };
            after = newest.seq;
            let mut text = String::new();
            for item in &items {
                match format {
                    SessionFormat::Markdown => text.push_str(&transcript.item(item)),
                    SessionFormat::Json => text.push_str(&archive::item(written == 0, item)),
                }
                written += 1;
            }
            out.write(text.into_bytes()).await?;
        }
        out.write(
            match format {
                SessionFormat::Markdown => transcript.end(),
                SessionFormat::Json => archive::end().to_string(),
            }
            .into_bytes(),
        )
        .await?;
        out.finish().await?;
        tracing::info!(session = %id, items = written, ?format, path = %path.display(), "session exported");
        Ok(written)
    }

    /// Reads a JSON export and stores it as a new session with its own folder. Its transcript
    /// is all there; codex's thread is not (it lives with the exported session), so the next
    /// prompt starts a new thread in the same folder.
    pub async fn import_session(&self, path: &Path) -> Result<SessionInfo> {
        if let Some(problem) = self.inner.store.health().problem {
            return Err(CoreError::NotSaving(problem));
        }
        let file = path.to_path_buf();
        let archive = blocking(move || {
            let unreadable = |e| CoreError::io(format!("{} could not be read", file.display()), e);
            let size = std::fs::metadata(&file).map_err(unreadable)?.len();
            if size > LARGEST_IMPORT {
                return Err(CoreError::NotAnExport {
                    path: file.clone(),
                    reason: format!(
                        "it is {} MB, more than the {} MB this version imports",
                        size >> 20,
                        LARGEST_IMPORT >> 20
                    ),
                });
            }
            let bytes = std::fs::read(&file).map_err(unreadable)?;
            archive::read(&bytes).map_err(|reason| CoreError::NotAnExport {
                path: file.clone(),
                reason,
            })
        })
        .await?;
        let mut workspace = archive.session.workspace.clone();
        // A folder that is gone is fine (the session asks where it went); one the app would
        // refuse for a new session is refused here too.
        if !Path::new(&workspace).is_absolute() {
            return Err(CoreError::NotAnExport {
                path: path.to_path_buf(),
                reason: format!(
                    "its folder {workspace:?} is not a full path. Export the session again"
                ),
            });
        }
        if Path::new(&workspace).exists() {
            workspace = validate_workspace(&workspace, &self.guard(), false)?
                .display()
                .to_string();
        }
        let id = uuid::Uuid::new_v4().to_string();
        let info = SessionInfo {
            id: id.clone(),
            title: archive.session.title.clone(),
            workspace,
            thread_id: None,
            status: SessionStatus::Idle,
            last_error: None,
            created_at: archive.session.created_at,
            updated_at: now_ms(),
            archived_at: None,
        };
        self.folder(&id)
            .create(&id, &info.workspace, info.created_at)?;
        let items = archive.items.len();
        // A turn that ran when the session was exported did not go on here.
        let turns = archive
            .turns
            .into_iter()
            .map(|mut t| {
                if t.status == "inProgress" {
                    t.status = "interrupted".into();
                    t.error = Some("The session was exported while this turn ran.".into());
                    t.completed_at = Some(archive.exported_at);
                }
                t
            })
            .collect();
        if let Err(e) = self
            .inner
            .store
            .import(info.clone(), turns, archive.items)
            .await
        {
            let _ = std::fs::remove_dir_all(self.folder(&id).root());
            return Err(e);
        }
        // Its cards and audit trail say what the user answered, as in the original.
        for d in &archive.decisions {
            self.inner
                .store
                .record_decision(&id, &d.turn_id, &d.item_id, d.choice);
        }
        // A new session: it starts with the options any new one does.
        self.keep_options(&id, &self.options_for_new_session());
        tracing::info!(session = %id, items, from = %archive.session.id, "session imported");
        Ok(info)
    }
}

#[cfg(test)]
mod tests {
    use codex_desk_protocol::{ApprovalChoice, AuditApproval, AuditKind};
    use serde_json::{json, Value};

    use super::*;
    use crate::engine::EngineConfig;
    use crate::paths::AppPaths;
    use crate::store::NewItem;

    struct Setup {
        engine: Engine,
        data: tempfile::TempDir,
        workspace: tempfile::TempDir,
        out: tempfile::TempDir,
    }

    fn setup() -> Setup {
        let data = tempfile::tempdir().expect("tempdir");
        let config = EngineConfig::for_test(data.path());
        Setup {
            engine: Engine::open(config).expect("engine"),
            data,
            workspace: tempfile::tempdir().expect("workspace"),
            out: tempfile::tempdir().expect("out"),
        }
    }

    fn add(engine: &Engine, session: &str, turn: &str, id: &str, item: Value) {
        engine.store().upsert_item(NewItem {
            session_id: session.into(),
            turn_id: turn.into(),
            item_id: id.into(),
            kind: item["type"].as_str().unwrap_or_default().into(),
            json: item.to_string(),
        });
    }

    /// A session with two turns: a prompt, reasoning, a command with a long output, a declined
    /// command, a two-file change, an answer; the second turn failed before any item.
    async fn worked_session(s: &Setup, title: &str) -> SessionInfo {
        let engine = &s.engine;
        let info = engine
            .create_session(&s.workspace.path().display().to_string())
            .expect("create");
        let store = engine.store();
        store.set_title(&info.id, title);
        store.set_thread_id(&info.id, "thread-1");
        store.turn_started(&info.id, "t1");
        add(
            engine,
            &info.id,
            "t1",
            "u1",
            json!({"type": "userMessage", "id": "u1", "content": [{"type": "text", "text": "Run the tests, «vite» ✓"}]}),
        );
        add(
            engine,
            &info.id,
            "t1",
            "r1",
            json!({"type": "reasoning", "id": "r1", "summary": ["Checking"], "content": []}),
        );
        add(
            engine,
            &info.id,
            "t1",
            "c1",
            json!({"type": "commandExecution", "id": "c1", "command": "cargo test", "cwd": "/w", "status": "completed", "source": "agent", "exitCode": 0, "durationMs": 2100, "aggregatedOutput": "ok\n".repeat(40_000)}),
        );
        add(
            engine,
            &info.id,
            "t1",
            "c2",
            json!({"type": "commandExecution", "id": "c2", "command": "rm -rf /", "cwd": "/w", "status": "declined", "source": "agent", "exitCode": null, "durationMs": null, "aggregatedOutput": null}),
        );
        add(
            engine,
            &info.id,
            "t1",
            "f1",
            json!({"type": "fileChange", "id": "f1", "status": "completed", "changes": [
            {"path": "src/a.rs", "kind": {"type": "update", "move_path": null}, "diff": "-a\n+b\n"},
            {"path": "src/new.rs", "kind": {"type": "add"}, "diff": "+fn main() {}\n"}]}),
        );
        add(
            engine,
            &info.id,
            "t1",
            "a1",
            json!({"type": "agentMessage", "id": "a1", "text": "All green."}),
        );
        store.record_decision(&info.id, "t1", "c2", ApprovalChoice::Decline);
        store.turn_finished(&info.id, "t1", "completed", None);
        store.turn_started(&info.id, "t2");
        store.turn_finished(&info.id, "t2", "failed", Some("model refused"));
        store.flush().await.expect("saved");
        engine
            .store()
            .session(&info.id)
            .await
            .expect("read")
            .expect("session")
    }

    fn query_session(id: &str) -> AuditQuery {
        AuditQuery {
            session: Some(id.into()),
            ..AuditQuery::default()
        }
    }

    #[tokio::test]
    async fn an_imported_session_starts_with_the_options_of_the_users_codex_config() {
        let s = setup();
        let original = worked_session(&s, "Fix the parser").await;
        let file = s.out.path().join("session.json");
        s.engine
            .export_session(&original.id, SessionFormat::Json, &file)
            .await
            .expect("export");
        // The same data folder, now with a user whose codex config reads only.
        let home = tempfile::tempdir().expect("home");
        std::fs::write(
            home.path().join("config.toml"),
            "sandbox_mode = \"read-only\"\n",
        )
        .expect("config");
        s.engine.shutdown();
        let mut config = EngineConfig::for_test(s.data.path());
        config.user_codex_home = Some(home.path().to_path_buf());
        let engine = Engine::open(config).expect("engine");
        let imported = engine.import_session(&file).await.expect("import");
        let opened = engine.open_session(&imported.id).await.expect("open");
        assert_eq!(
            opened.options.sandbox,
            codex_desk_protocol::SandboxMode::ReadOnly
        );
        engine.shutdown();
    }

    #[tokio::test]
    async fn json_export_then_import_round_trips_exactly() {
        let s = setup();
        let original = worked_session(&s, "Fix the parser").await;
        let first = s.out.path().join("session.json");
        let written = s
            .engine
            .export_session(&original.id, SessionFormat::Json, &first)
            .await
            .expect("export");
        assert_eq!(written, 6);

        let imported = s.engine.import_session(&first).await.expect("import");
        assert_ne!(imported.id, original.id);
        assert_eq!(imported.title, "Fix the parser");
        assert_eq!(imported.workspace, original.workspace);
        assert_eq!(
            imported.thread_id, None,
            "codex's thread stays with the original"
        );
        assert!(s
            .data
            .path()
            .join("sessions")
            .join(&imported.id)
            .join("codex-home")
            .is_dir());

        // Exported again, the copy holds exactly what the original held.
        let second = s.out.path().join("again.json");
        s.engine
            .export_session(&imported.id, SessionFormat::Json, &second)
            .await
            .expect("export again");
        let a = archive::read(&std::fs::read(&first).expect("read")).expect("archive");
        let b = archive::read(&std::fs::read(&second).expect("read")).expect("archive");
        assert_eq!(a.items, b.items);
        assert_eq!(a.turns, b.turns);
        assert_eq!(
            a.decisions,
            vec![archive::ArchivedDecision {
                turn_id: "t1".into(),
                item_id: "c2".into(),
                choice: ApprovalChoice::Decline,
            }],
            "what the user answered goes with the session"
        );
        assert_eq!(a.decisions, b.decisions);
        assert_eq!(
            a.items[2].item["aggregatedOutput"].as_str().map(str::len),
            Some(120_000)
        );
        assert_eq!(a.session.thread_id.as_deref(), Some("thread-1"));
        assert_eq!(b.session.title, a.session.title);
        assert_eq!(b.session.created_at, a.session.created_at);

        // And the window shows the same transcript.
        let shown = s.engine.open_session(&original.id).await.expect("open");
        let copy = s.engine.open_session(&imported.id).await.expect("open");
        assert_eq!(shown.items, copy.items);
        assert_eq!(shown.turns, copy.turns);
        // It is searchable like any session.
        let found = s
            .engine
            .search(codex_desk_protocol::SearchQuery {
                text: "vite".into(),
                ..Default::default()
            })
            .await
            .expect("search");
        assert_eq!(found.hits.len(), 2);
    }

    #[tokio::test]
    async fn what_is_not_an_export_is_refused_and_nothing_is_added() {
        let s = setup();
        let original = worked_session(&s, "Original").await;
        let good = s.out.path().join("good.json");
        s.engine
            .export_session(&original.id, SessionFormat::Json, &good)
            .await
            .expect("export");
        let text = std::fs::read_to_string(&good).expect("read");
        let cases = [
            (
                "notes.json",
                "just some notes".to_string(),
                "not a JSON file written by Codex Desk",
            ),
            (
                "other.json",
                r#"{"name": "package"}"#.to_string(),
                "not a session exported by Codex Desk",
            ),
            (
                "newer.json",
                text.replace("\"version\":1,", "\"version\":7,"),
                "written by a newer Codex Desk",
            ),
            (
                "cut.json",
                text[..text.len() / 2].to_string(),
                "not a JSON file written by Codex Desk",
            ),
            (
                "relative.json",
                text.replace(&original.workspace, "relative/dir"),
                "is not a full path",
            ),
            (
                "orphan.json",
                text.replace("\"turnId\":\"t1\"", "\"turnId\":\"t9\""),
                "belongs to a turn the file does not have",
            ),
            (
                "twice.json",
                text.replace("\"itemId\":\"r1\"", "\"itemId\":\"u1\""),
                "is in it twice",
            ),
        ];
        for (name, content, expected) in cases {
            let path = s.out.path().join(name);
            std::fs::write(&path, content).expect("write");
            let err = s.engine.import_session(&path).await.expect_err(name);
            let message = err.to_string();
            assert!(message.contains(expected), "{name}: {message}");
            // Each says what to do.
            assert!(
                [
                    "Export → JSON",
                    "Update Codex Desk",
                    "Export the session again"
                ]
                .iter()
                .any(|todo| message.contains(todo)),
                "{message}"
            );
        }
        let missing = s
            .engine
            .import_session(&s.out.path().join("none.json"))
            .await;
        assert!(missing
            .expect_err("missing")
            .to_string()
            .contains("could not be read"));
        // Only the original session exists, and only its folder.
        assert_eq!(
            s.engine.store().list_sessions().await.expect("list").len(),
            1
        );
        let folders = std::fs::read_dir(s.data.path().join("sessions"))
            .expect("dir")
            .count();
        assert_eq!(folders, 1);
        // A folder that no longer exists is fine: the session asks where it went.
        let moved = s.out.path().join("moved.json");
        std::fs::write(&moved, text.replace(&original.workspace, "/no/longer/here"))
            .expect("write");
        let imported = s.engine.import_session(&moved).await.expect("import");
        assert_eq!(imported.workspace, "/no/longer/here");

        // Places the file invents never reach the store: items are numbered again, in order.
        let mut archive = archive::read(text.as_bytes()).expect("archive");
        archive.items[0].seq = i64::MAX;
        archive.items[1].seq = -5;
        let renumbered = s.out.path().join("renumbered.json");
        std::fs::write(&renumbered, serde_json::to_string(&archive).expect("json")).expect("write");
        let copy = s.engine.import_session(&renumbered).await.expect("import");
        let shown = s.engine.open_session(&copy.id).await.expect("open");
        let seqs: Vec<i64> = shown.items.iter().map(|i| i.seq).collect();
        assert_eq!(seqs, [1, 2, 3, 4, 5, 6]);
        assert_eq!(
            shown.items[0].item["id"], "r1",
            "the item at -5 comes first"
        );
        assert_eq!(
            shown.items[5].item["id"], "u1",
            "the item at i64::MAX comes last"
        );
    }

    #[tokio::test]
    async fn the_audit_trail_lists_every_command_and_changed_file() {
        let s = setup();
        let one = worked_session(&s, "One").await;
        let two = worked_session(&s, "Two").await;
        let page = s
            .engine
            .audit(query_session(&one.id), None)
            .await
            .expect("audit");
        assert_eq!(page.next, None);
        let what: Vec<(AuditKind, Option<&str>, Option<&str>, AuditApproval)> = page
            .entries
            .iter()
            .map(|e| (e.kind, e.command.as_deref(), e.path.as_deref(), e.approval))
            .collect();
        // Newest first; a change of two files is two entries.
        assert_eq!(
            what,
            [
                (
                    AuditKind::FileChange,
                    None,
                    Some("src/a.rs"),
                    AuditApproval::Policy
                ),
                (
                    AuditKind::FileChange,
                    None,
                    Some("src/new.rs"),
                    AuditApproval::Policy
                ),
                (
                    AuditKind::Command,
                    Some("rm -rf /"),
                    None,
                    AuditApproval::Declined
                ),
                (
                    AuditKind::Command,
                    Some("cargo test"),
                    None,
                    AuditApproval::Policy
                ),
            ]
        );
        assert_eq!(page.entries[3].exit_code, Some(0));
        assert_eq!(page.entries[3].duration_ms, Some(2100));
        assert_eq!(page.entries[3].session_title, "One");
        assert_eq!(page.entries[1].change.as_deref(), Some("add"));

        // Across sessions, and filtered by folder.
        let all = s
            .engine
            .audit(AuditQuery::default(), None)
            .await
            .expect("audit");
        assert_eq!(all.entries.len(), 8);
        assert_eq!(all.entries[0].session_id, two.id);
        let elsewhere = AuditQuery {
            workspace: Some("/elsewhere".into()),
            ..AuditQuery::default()
        };
        assert!(s
            .engine
            .audit(elsewhere, None)
            .await
            .expect("audit")
            .entries
            .is_empty());

        // Exports: oldest first, every entry.
        let csv = s.out.path().join("audit.csv");
        let n = s
            .engine
            .export_audit(AuditQuery::default(), AuditFormat::Csv, &csv)
            .await
            .expect("csv");
        assert_eq!(n, 8);
        let text = std::fs::read_to_string(&csv).expect("read");
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert!(lines[0].starts_with("time,session_id,session_title"));
        assert!(
            lines[1].contains(",command,completed,policy,cargo test,/w,0,2100,"),
            "{}",
            lines[1]
        );
        assert!(lines[2].contains(",command,declined,declined,rm -rf /,"));
        // The diff starts with "-": kept from running as a formula.
        assert!(lines[3].contains(",update,,\"'-a\n+b\n\""), "{}", lines[3]);
        let jsonl = s.out.path().join("audit.jsonl");
        s.engine
            .export_audit(query_session(&two.id), AuditFormat::Jsonl, &jsonl)
            .await
            .expect("jsonl");
        let entries: Vec<Value> = std::fs::read_to_string(&jsonl)
            .expect("read")
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect();
        assert_eq!(entries.len(), 4);
        assert_eq!(entries[0]["command"], "cargo test");
        assert_eq!(entries[3]["diff"], "+fn main() {}\n");
        assert!(entries.iter().all(|e| e["sessionId"] == two.id.as_str()));
    }

    #[tokio::test]
    async fn a_command_run_again_after_approval_for_the_session_says_so() {
        let s = setup();
        let info = s
            .engine
            .create_session(&s.workspace.path().display().to_string())
            .expect("create");
        let command = |id: &str, line: &str, cwd: &str, source: &str| {
            json!({"type": "commandExecution", "id": id, "command": line, "cwd": cwd,
                   "status": "completed", "source": source, "exitCode": 0, "durationMs": 5,
                   "aggregatedOutput": ""})
        };
        s.engine
            .store()
            .turn_started_in_run(&info.id, "t1", "codex-1");
        let run = [
            ("c0", "npm install", "/w", "agent"),
            ("c1", "npm install", "/w", "agent"),
            ("c2", "npm install", "/w", "agent"),
            ("c3", "npm test", "/w", "agent"),
            // Elsewhere codex's grant does not hold; the user's own command is the user's.
            ("c4", "npm install", "/w/sub", "agent"),
            ("c5", "npm install", "/w", "userShell"),
        ];
        for (id, line, cwd, source) in run {
            add(
                &s.engine,
                &info.id,
                "t1",
                id,
                command(id, line, cwd, source),
            );
            if id == "c1" {
                s.engine.store().record_decision(
                    &info.id,
                    "t1",
                    "c1",
                    ApprovalChoice::ApproveForSession,
                );
            }
        }
        let page = s
            .engine
            .audit(query_session(&info.id), None)
            .await
            .expect("audit");
        let how: Vec<(Option<&str>, AuditApproval)> = page
            .entries
            .iter()
            .map(|e| (e.cwd.as_deref(), e.approval))
            .collect();
        // Newest first: the user's own, the same in another folder, another command, the same
        // one again, the approval, and the same one before it (allowed by the policy then).
        assert_eq!(
            how,
            [
                (Some("/w"), AuditApproval::User),
                (Some("/w/sub"), AuditApproval::Policy),
                (Some("/w"), AuditApproval::Policy),
                (Some("/w"), AuditApproval::ApprovedForSession),
                (Some("/w"), AuditApproval::ApprovedForSession),
                (Some("/w"), AuditApproval::Policy),
            ]
        );
        assert_eq!(page.entries[2].command.as_deref(), Some("npm test"));

        // Codex restarted (a resume): it forgot the approval, so the same command unasked ran
        // by the policy.
        s.engine
            .store()
            .turn_started_in_run(&info.id, "t2", "codex-2");
        add(
            &s.engine,
            &info.id,
            "t2",
            "c6",
            command("c6", "npm install", "/w", "agent"),
        );
        let page = s
            .engine
            .audit(query_session(&info.id), None)
            .await
            .expect("audit");
        assert_eq!(page.entries[0].approval, AuditApproval::Policy);
        assert_eq!(page.entries[4].approval, AuditApproval::ApprovedForSession);
    }

    #[tokio::test]
    async fn across_sessions_an_imported_sessions_old_actions_come_in_their_time() {
        let s = setup();
        let original = worked_session(&s, "Done last year").await;
        let file = s.out.path().join("old.json");
        s.engine
            .export_session(&original.id, SessionFormat::Json, &file)
            .await
            .expect("export");
        s.engine.delete_session(&original.id).await.expect("delete");
        let recent = worked_session(&s, "Done today").await;
        // Its actions happened long ago (a year before, as its file says), though stored now.
        let mut text = std::fs::read_to_string(&file).expect("read");
        let mut at = 0;
        while let Some(found) = text[at..].find("\"createdAt\":") {
            let start = at + found + "\"createdAt\":".len();
            let end = start
                + text[start..]
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(0);
            text.replace_range(start..end, "1000");
            at = start;
        }
        std::fs::write(&file, text).expect("write");
        let old = s.engine.import_session(&file).await.expect("import");
        let newest_first: Vec<String> = s
            .engine
            .audit(AuditQuery::default(), None)
            .await
            .expect("audit")
            .entries
            .into_iter()
            .map(|e| e.session_id)
            .collect();
        assert_eq!(newest_first.len(), 8);
        assert!(newest_first[..4].iter().all(|id| *id == recent.id));
        assert!(newest_first[4..].iter().all(|id| *id == old.id));
        let oldest_first = s.out.path().join("all.jsonl");
        s.engine
            .export_audit(AuditQuery::default(), AuditFormat::Jsonl, &oldest_first)
            .await
            .expect("export");
        let lines = std::fs::read_to_string(&oldest_first).expect("read");
        let first: Value =
            serde_json::from_str(lines.lines().next().expect("a line")).expect("json");
        assert_eq!(first["sessionId"], old.id.as_str());
        assert_eq!(first["at"], 1000);
    }

    #[tokio::test]
    async fn a_long_trail_comes_in_pages_and_exports_whole() {
        let s = setup();
        let info = s
            .engine
            .create_session(&s.workspace.path().display().to_string())
            .expect("create");
        for n in 0..(AUDIT_PAGE * 2 + 5) {
            add(
                &s.engine,
                &info.id,
                "t",
                &format!("c{n}"),
                json!({"type": "commandExecution", "id": format!("c{n}"), "command": format!("echo {n}"), "cwd": "/w", "status": "completed", "source": "agent"}),
            );
            add(
                &s.engine,
                &info.id,
                "t",
                &format!("m{n}"),
                json!({"type": "agentMessage", "id": format!("m{n}"), "text": "ok"}),
            );
        }
        for query in [query_session(&info.id), AuditQuery::default()] {
            let mut seen = Vec::new();
            let mut before = None;
            loop {
                let page = s.engine.audit(query.clone(), before).await.expect("audit");
                seen.extend(page.entries.into_iter().filter_map(|e| e.command));
                match page.next {
                    Some(next) => before = Some(next),
                    None => break,
                }
            }
            let expected: Vec<String> = (0..AUDIT_PAGE * 2 + 5)
                .rev()
                .map(|n| format!("echo {n}"))
                .collect();
            assert_eq!(seen, expected);
        }
        let path = s.out.path().join("all.jsonl");
        let n = s
            .engine
            .export_audit(query_session(&info.id), AuditFormat::Jsonl, &path)
            .await
            .expect("export");
        assert_eq!(n as usize, AUDIT_PAGE * 2 + 5);
    }

    #[tokio::test]
    async fn a_50_mb_output_is_stored_whole_shown_cut_and_written_whole_to_a_file() {
        let s = setup();
        let info = s
            .engine
            .create_session(&s.workspace.path().display().to_string())
            .expect("create");
        s.engine.store().turn_started(&info.id, "t1");
        let output: String = (0..1_250_000)
            .map(|i| format!("line {i:07} of the build log...........\n"))
            .collect();
        assert!(output.len() >= 50_000_000);
        add(
            &s.engine,
            &info.id,
            "t1",
            "c1",
            json!({"type": "commandExecution", "id": "c1", "command": "make  all", "cwd": "/w", "status": "completed", "source": "agent", "exitCode": 2, "durationMs": 9000, "aggregatedOutput": output}),
        );
        // The window gets its start and end.
        let transcript = s.engine.open_session(&info.id).await.expect("open");
        let shown = &transcript.items[0].item;
        let cut = shown["aggregatedOutput"].as_str().expect("output");
        assert!(cut.len() < 100_000);
        assert!(cut.starts_with("line 0000000 "));
        assert!(cut.ends_with("line 1249999 of the build log...........\n"));
        assert!(shown["deskTruncated"].as_u64() > Some(50_000_000));

        // The file has all of it, under the command; written again, it is the same file.
        let seq = transcript.items[0].seq;
        let path = s
            .engine
            .item_file(&info.id, "t1", "c1")
            .await
            .expect("file");
        assert_eq!(
            path,
            AppPaths::at(s.data.path())
                .session_dir(&info.id)
                .join("outputs")
                .join(format!("commandExecution-{seq}.txt"))
        );
        let written = std::fs::read_to_string(&path).expect("read");
        assert_eq!(written, format!("$ make all\n# in /w, exit 2\n\n{output}"));
        assert_eq!(
            s.engine
                .item_file(&info.id, "t1", "c1")
                .await
                .expect("again"),
            path
        );
        assert!(matches!(
            s.engine.item_file(&info.id, "t1", "c2").await,
            Err(CoreError::InvalidInput(_))
        ));
    }

    #[tokio::test]
    async fn markdown_export_is_the_readable_transcript() {
        let s = setup();
        let info = worked_session(&s, "Fix the parser").await;
        let path = s.out.path().join("session.md");
        s.engine
            .export_session(&info.id, SessionFormat::Markdown, &path)
            .await
            .expect("export");
        let md = std::fs::read_to_string(&path).expect("read");
        assert!(md.starts_with("# Fix the parser\n"));
        assert!(md.contains("### You\n\nRun the tests, «vite» ✓\n"));
        assert!(md.contains("$ cargo test"));
        assert!(md.contains("`src/new.rs` (add)"));
        assert!(md.contains("## Turn 2 · "));
        assert!(md.contains("> **Error:** model refused"));
        let err = s
            .engine
            .export_session("missing", SessionFormat::Markdown, &path)
            .await
            .expect_err("no session");
        assert!(err.to_string().contains("No session"));
    }
}
