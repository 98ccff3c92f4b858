//! Renaming and deleting sessions.

use codex_desk_protocol::SessionInfo;

use super::{lock, Engine, LAST_SESSION_KEY};
use crate::error::{CoreError, Result};
use crate::export::blocking;

/// The longest name a session takes.
const LONGEST_TITLE: usize = 200;
/// How long a deleted session's codex gets to be gone before its folder is removed.
const CODEX_EXIT_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

impl Engine {
    /// Gives a session a name of the user's (it is no longer named after its first prompt).
    pub async fn rename_session(&self, id: &str, title: &str) -> Result<SessionInfo> {
        self.session(id).await?;
        let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
        if title.is_empty() {
            return Err(CoreError::InvalidInput(
                "A session needs a name: type one, or press Esc to keep the old one.".into(),
            ));
        }
        let title: String = title.chars().take(LONGEST_TITLE).collect();
        self.inner.store.set_title(id, &title);
        tracing::info!(session = %id, "session renamed");
        self.session(id).await
    }

    /// Deletes a session: its rows (transcript, turns, search index) and its folder in the
    /// app's data (codex home, logs). The workspace is never touched. A running turn must be
    /// stopped first.
    pub async fn delete_session(&self, id: &str) -> Result<()> {
        self.session(id).await?;
        // Not while a message is being sent or a codex starts for it: that codex would run
        // for a session that is gone.
        let sending = self.send_gate(id);
        let _no_send = sending.lock().await;
        let launching = self.launch_gate(id);
        let _no_launch = launching.lock().await;
        let live = lock(&self.inner.live).get(id).cloned();
        if let Some(live) = live {
            if live.is_busy() {
                return Err(CoreError::TurnRunning);
            }
            lock(&self.inner.live).remove(id);
            self.close_live(id, &live).await;
            // Gone before its folder is: a codex still ending may hold files in it.
            let _ = live.control().exited(CODEX_EXIT_WAIT).await;
        }
        let variables = self.options_of(id).await.map(|o| o.env).unwrap_or_default();
        lock(&self.inner.relays).remove(id);
        lock(&self.inner.queues).remove(id);
        lock(&self.inner.held).remove(id);
        lock(&self.inner.options).remove(id);
        lock(&self.inner.sending).remove(id);
        lock(&self.inner.launching).remove(id);
        self.inner.store.delete_session(id).await?;
        self.forget_env(id, variables).await;
        if self.inner.store.setting(LAST_SESSION_KEY).await?.as_deref() == Some(id) {
            self.inner.store.set_setting(LAST_SESSION_KEY, "");
        }
        let root = self.folder(id).root().to_path_buf();
        blocking(move || {
            match std::fs::remove_dir_all(&root) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(CoreError::io(
                format!(
                    "The session was deleted, but its folder {} could not be removed; delete it by hand",
                    root.display()
                ),
                e,
            )),
            }
        })
        .await?;
        tracing::info!(session = %id, "session deleted");
        Ok(())
    }

    /// Archives a session (out of the list, its codex process released; nothing is deleted)
    /// or brings it back. A running turn must be stopped first.
    pub async fn archive_session(&self, id: &str, archived: bool) -> Result<SessionInfo> {
        self.session(id).await?;
        // Not while a message is being sent: its turn would run in a session out of sight.
        let gate = self.send_gate(id);
        let _no_send = gate.lock().await;
        if archived {
            let live = lock(&self.inner.live).get(id).cloned();
            if let Some(live) = live {
                if live.is_busy() {
                    return Err(CoreError::TurnRunning);
                }
                self.forget_live(id, &live);
                self.close_live(id, &live).await;
            }
        }
        self.inner.store.set_archived(id, archived);
        tracing::info!(session = %id, archived, "session archived");
        self.session(id).await
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::engine::{Engine, EngineConfig};
    use crate::store::NewItem;

    #[tokio::test]
    async fn a_session_is_renamed_and_deleted_and_its_workspace_is_left_alone() {
        let data = tempfile::tempdir().expect("tempdir");
        let workspace = tempfile::tempdir().expect("workspace");
        std::fs::write(workspace.path().join("keep.txt"), "mine").expect("write");
        let config = EngineConfig::for_test(data.path());
        let engine = Engine::open(config).expect("engine");
        let folder = workspace.path().display().to_string();
        let doomed = engine.create_session(&folder).expect("create");
        let other = engine.create_session(&folder).expect("create");
        for id in [&doomed.id, &other.id] {
            engine.store().turn_started(id, "t1");
            engine.store().upsert_item(NewItem {
                session_id: id.clone(),
                turn_id: "t1".into(),
                item_id: "a1".into(),
                kind: "agentMessage".into(),
                json: json!({"type": "agentMessage", "id": "a1", "text": "zebra crossing"})
                    .to_string(),
            });
        }
        engine.open_session(&doomed.id).await.expect("open");

        let renamed = engine
            .rename_session(&doomed.id, "  Parser\nwork  ")
            .await
            .expect("rename");
        assert_eq!(renamed.title, "Parser work");
        let err = engine
            .rename_session(&doomed.id, " \n ")
            .await
            .expect_err("empty");
        assert!(err.to_string().contains("needs a name"), "{err}");

        engine.delete_session(&doomed.id).await.expect("delete");
        let sessions = engine.store().list_sessions().await.expect("list");
        assert_eq!(
            sessions.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
            [other.id.as_str()]
        );
        assert!(!data.path().join("sessions").join(&doomed.id).exists());
        assert!(data.path().join("sessions").join(&other.id).exists());
        assert_eq!(
            std::fs::read_to_string(workspace.path().join("keep.txt")).expect("kept"),
            "mine"
        );
        // Its transcript is gone from search, the other's is not; it is no longer the last one.
        let hits = engine
            .search(codex_desk_protocol::SearchQuery {
                text: "zebra".into(),
                ..Default::default()
            })
            .await
            .expect("search");
        assert_eq!(
            hits.hits
                .iter()
                .map(|h| h.session_id.as_str())
                .collect::<Vec<_>>(),
            [other.id.as_str()]
        );
        assert_eq!(
            engine.app_state().await.expect("state").last_session_id,
            None
        );

        // Archived: still there, marked; back again.
        let archived = engine
            .archive_session(&other.id, true)
            .await
            .expect("archive");
        assert!(archived.archived_at.is_some());
        let listed = engine.store().list_sessions().await.expect("list");
        assert!(listed[0].archived_at.is_some());
        let back = engine
            .archive_session(&other.id, false)
            .await
            .expect("unarchive");
        assert_eq!(back.archived_at, None);
        let again = engine.delete_session(&doomed.id).await.expect_err("gone");
        assert!(again.to_string().contains("No session"), "{again}");
    }
}
