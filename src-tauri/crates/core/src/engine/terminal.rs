//! Continuing a codex session the user ran in a terminal: their threads are listed from their
//! own codex home (read, never written), and one is copied into a new session's codex home,
//! resumed there, and its history stored as the session's transcript.

use std::path::PathBuf;
use std::time::Duration;

use codex_desk_protocol::{SessionInfo, TerminalThread, TurnInfo};
use serde_json::{json, Value};

use super::{title_from, Engine};
use crate::codex::rollouts::{self, Rollout};
use crate::error::{CoreError, Result};
use crate::export::blocking;
use crate::store::ArchivedItem;

/// How long codex may take to read a long thread.
const READ_TIMEOUT: Duration = Duration::from_secs(120);
/// A terminal session whose first prompt was not found is called this.
const UNTITLED: &str = "Terminal session";

impl Engine {
    /// The user's own codex sessions (newest first), each with the session here that continues
    /// it, if any.
    pub async fn terminal_threads(&self) -> Result<Vec<TerminalThread>> {
        let home = self.user_home()?;
        let found = blocking(move || Ok(rollouts::list(&home))).await?;
        let sessions = self.inner.store.list_sessions().await?;
        Ok(found
            .into_iter()
            .map(|r| TerminalThread {
                session_id: sessions
                    .iter()
                    .find(|s| s.thread_id.as_deref() == Some(r.thread_id.as_str()))
                    .map(|s| s.id.clone()),
                id: r.thread_id,
                title: r.first_prompt,
                folder: r.cwd,
                updated_at: r.updated_at,
            })
            .collect())
    }

    /// A new session that continues the user's codex thread `thread_id` (as `codex resume`
    /// would), with its history as the transcript; the session that already does, if one does.
    pub async fn continue_terminal_thread(&self, thread_id: &str) -> Result<SessionInfo> {
        let thread_id = thread_id.trim();
        if thread_id.is_empty()
            || thread_id.len() > 100
            || !thread_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(CoreError::InvalidInput(
                "That is not a codex session id: it looks like 019a2b3c-… (codex resume lists them).".into(),
            ));
        }
        let sessions = self.inner.store.list_sessions().await?;
        if let Some(existing) = sessions
            .into_iter()
            .find(|s| s.thread_id.as_deref() == Some(thread_id))
        {
            return Ok(existing);
        }
        let home = self.user_home()?;
        let (wanted, look_in) = (thread_id.to_string(), home.clone());
        let Some(rollout) = blocking(move || Ok(rollouts::find(&look_in, &wanted))).await? else {
            return Err(CoreError::InvalidInput(format!(
                "There is no codex session {thread_id} in {}. Check the id, or pick one from the list.",
                home.join("sessions").display()
            )));
        };
        if !std::path::Path::new(&rollout.cwd).is_dir() {
            return Err(CoreError::InvalidInput(format!(
                "That session worked in {}, which is gone. Put the folder back to continue it.",
                rollout.cwd
            )));
        }
        let session = self.create_session(&rollout.cwd)?;
        match self.take_over(&session, &rollout, &home).await {
            Ok(session) => Ok(session),
            Err(e) => {
                // Nothing of the attempt stays; the user's own files were only read.
                let _ = self.delete_session(&session.id).await;
                Err(CoreError::InvalidInput(format!(
                    "Codex could not continue that session: {e}"
                )))
            }
        }
    }

    /// Gives `session` the thread of `rollout`: a copy of codex's file in its codex home, the
    /// thread id, a title, and the history codex reads back from it.
    async fn take_over(
        &self,
        session: &SessionInfo,
        rollout: &Rollout,
        home: &std::path::Path,
    ) -> Result<SessionInfo> {
        let relative = rollout
            .path
            .strip_prefix(home)
            .map_err(|_| {
                CoreError::InvalidInput(format!(
                    "{} is outside {}",
                    rollout.path.display(),
                    home.display()
                ))
            })?
            .to_path_buf();
        let (from, to) = (
            rollout.path.clone(),
            self.folder(&session.id).codex_home().join(relative),
        );
        blocking(move || {
            if let Some(dir) = to.parent() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    CoreError::io(format!("{} could not be created", dir.display()), e)
                })?;
            }
            std::fs::copy(&from, &to)
                .map_err(|e| CoreError::io(format!("{} could not be copied", from.display()), e))?;
            Ok(())
        })
        .await?;
        let id = session.id.as_str();
        self.inner.store.set_thread_id(id, &rollout.thread_id);
        let title = match rollout.first_prompt.as_str() {
            "" => UNTITLED.to_string(),
            prompt => title_from(prompt),
        };
        self.inner.store.set_title(id, &title);

        let session = self.session(id).await?;
        let live = self.live_quietly(&session).await?;
        let read = live
            .client()
            .request_with_timeout(
                "thread/read",
                json!({ "threadId": rollout.thread_id, "includeTurns": true }),
                READ_TIMEOUT,
            )
            .await?;
        let (turns, items) = history(&read["thread"]["turns"]);
        tracing::info!(session = %id, thread = %rollout.thread_id, turns = turns.len(), items = items.len(), "terminal session continued");
        self.inner.store.add_history(id, turns, items).await?;
        self.session(id).await
    }

    fn user_home(&self) -> Result<PathBuf> {
        self.inner.config.user_codex_home.clone().ok_or_else(|| {
            CoreError::InvalidInput(
                "Your codex home was not found (~/.codex, or CODEX_HOME): there are no terminal sessions to continue.".into(),
            )
        })
    }
}

/// Codex's turns (`thread/read`) as stored turns and items, in order.
fn history(turns: &Value) -> (Vec<TurnInfo>, Vec<ArchivedItem>) {
    let (mut stored, mut items) = (Vec::new(), Vec::new());
    for turn in turns.as_array().into_iter().flatten() {
        let Some(id) = turn["id"].as_str() else {
            continue;
        };
        let seconds = |key: &str| turn[key].as_i64().map(|s| s.saturating_mul(1000));
        let started_at = seconds("startedAt").unwrap_or(0);
        let status = match turn["status"].as_str() {
            // Running in the terminal when it was copied: this copy does not run it.
            Some("inProgress") | None => "interrupted",
            Some(other) => other,
        };
        stored.push(TurnInfo {
            id: id.to_string(),
            status: status.to_string(),
            error: turn["error"]["message"].as_str().map(str::to_string),
            started_at,
            completed_at: seconds("completedAt"),
        });
        for item in turn["items"].as_array().into_iter().flatten() {
            let (Some(item_id), Some(kind)) = (item["id"].as_str(), item["type"].as_str()) else {
                continue;
            };
            items.push(ArchivedItem {
                turn_id: id.to_string(),
                item_id: item_id.to_string(),
                seq: i64::try_from(items.len()).unwrap_or(i64::MAX) + 1,
                kind: kind.to_string(),
                created_at: started_at,
                item: item.clone(),
            });
        }
    }
    (stored, items)
}
