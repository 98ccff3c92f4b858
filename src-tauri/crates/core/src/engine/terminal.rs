//! Continuing a codex session the user ran in a terminal: their threads are listed from their
//! own codex home (read, never written), and one is copied into a new session's codex home,
//! loaded there, and its history stored as the session's transcript with its thread id in one
//! write; the next prompt resumes it.

use std::path::PathBuf;
use std::time::Duration;

use codex_desk_protocol::{SessionInfo, TerminalThread, TurnInfo};
use serde_json::{json, Value};

use super::drafts::DRAFT_MARKER;
use super::{title_from, Engine};
use crate::codex::rollouts::{self, Rollout};
use crate::error::{CoreError, Result};
use crate::export::blocking;
use crate::store::ArchivedItem;

/// How long codex may take to load a long thread.
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
    /// `confirmed` accepts a folder that needs the user's yes (their home folder).
    pub async fn continue_terminal_thread(
        &self,
        thread_id: &str,
        confirmed: bool,
    ) -> Result<SessionInfo> {
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
        // One at a time: a second click on the same session finds the first one's.
        let _one_at_a_time = self.inner.importing.lock().await;
        let sessions = self.inner.store.list_sessions().await?;
        if let Some(existing) = sessions.into_iter().find(|s| {
            s.thread_id
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case(thread_id))
        }) {
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
        let session = self.create_session_confirmed(&rollout.cwd, confirmed)?;
        // No prompt starts a turn in it until its thread is in place.
        let gate = self.send_gate(&session.id);
        let _no_send = gate.lock().await;
        let taken = self.take_over(&session, &rollout, &home).await;
        // Its codex followed a thread of its own while it read the history: the next prompt
        // starts one that resumes the terminal's.
        self.release(&session.id).await;
        match taken {
            Ok(()) => self.session(&session.id).await,
            Err(e) => {
                // Nothing of the attempt stays; the user's own files were only read.
                if let Err(cleanup) = self.delete_session(&session.id).await {
                    tracing::warn!(session = %session.id, error = %cleanup, "a session that could not continue a terminal thread was not removed");
                }
                Err(e)
            }
        }
    }

    /// Gives `session` the thread of `rollout`: a copy of codex's file in its codex home, then
    /// (in one write, so a session is never left half made) the thread id, a title and the
    /// history codex reads back from the copy.
    async fn take_over(
        &self,
        session: &SessionInfo,
        rollout: &Rollout,
        home: &std::path::Path,
    ) -> Result<()> {
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
        let live = self.live_quietly(session).await?;
        // Resumed beside the codex's own thread (only a loaded thread gives its turns).
        let read = live
            .client()
            .request_with_timeout(
                "thread/resume",
                json!({ "threadId": rollout.thread_id, "cwd": rollout.cwd }),
                READ_TIMEOUT,
            )
            .await?;
        let (turns, items) = history(&read["thread"]["turns"]).ok_or_else(|| {
            CoreError::InvalidInput(
                "Codex read that session but did not give its history; continue it from the terminal with codex resume instead.".into(),
            )
        })?;
        let title = match rollout.first_prompt.as_str() {
            "" => UNTITLED.to_string(),
            prompt => title_from(prompt),
        };
        tracing::info!(session = %session.id, thread = %rollout.thread_id, turns = turns.len(), items = items.len(), "terminal session continued");
        self.inner
            .store
            .add_history(&session.id, &rollout.thread_id, &title, turns, items)
            .await
    }

    fn user_home(&self) -> Result<PathBuf> {
        self.inner.config.user_codex_home.clone().ok_or_else(|| {
            CoreError::InvalidInput(
                "Your codex home was not found (~/.codex, or CODEX_HOME): there are no terminal sessions to continue.".into(),
            )
        })
    }
}

/// Codex's turns (`thread/resume`) as stored turns and items, in order; `None` when codex gave
/// no turns, or only part of a turn's items.
fn history(turns: &Value) -> Option<(Vec<TurnInfo>, Vec<ArchivedItem>)> {
    let (mut stored, mut items) = (Vec::new(), Vec::new());
    for turn in turns.as_array()? {
        if turn["itemsView"].as_str().is_some_and(|v| v != "full") {
            return None;
        }
        let Some(id) = turn["id"].as_str() else {
            continue;
        };
        let seconds = |key: &str| turn[key].as_i64().map(|s| s.saturating_mul(1000));
        let started_at = seconds("startedAt").unwrap_or(0);
        let (status, unfinished) = match turn["status"].as_str() {
            // Running in the terminal when it was copied: this copy does not run it.
            Some("inProgress") | None => ("interrupted", true),
            Some(other) => (other, false),
        };
        stored.push(TurnInfo {
            id: id.to_string(),
            status: status.to_string(),
            error: turn["error"]["message"].as_str().map(str::to_string),
            started_at,
            completed_at: seconds("completedAt"),
            usage: None,
            codex_run: None,
        });
        for item in turn["items"].as_array().into_iter().flatten() {
            let (Some(item_id), Some(kind)) = (item["id"].as_str(), item["type"].as_str()) else {
                continue;
            };
            let mut item = item.clone();
            if unfinished && item["status"] == "inProgress" {
                // Shown as cut short, not as running forever.
                item[DRAFT_MARKER] = Value::Bool(true);
            }
            items.push(ArchivedItem {
                turn_id: id.to_string(),
                item_id: item_id.to_string(),
                seq: i64::try_from(items.len()).unwrap_or(i64::MAX) + 1,
                kind: kind.to_string(),
                created_at: started_at,
                item,
            });
        }
    }
    Some((stored, items))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{history, DRAFT_MARKER};

    #[test]
    fn a_turn_still_running_in_the_terminal_is_stored_interrupted_with_its_work_cut_short() {
        let turns = json!([
            {"id": "t1", "status": "completed", "itemsView": "full", "startedAt": 10, "completedAt": 12,
             "items": [{"type": "userMessage", "id": "u1"}, {"type": "agentMessage", "id": "a1", "text": "done"}]},
            {"id": "t2", "status": "inProgress", "itemsView": "full", "startedAt": 20, "completedAt": null,
             "items": [{"type": "commandExecution", "id": "c1", "status": "inProgress"}]}
        ]);
        let (stored, items) = history(&turns).expect("history");
        assert_eq!(
            stored.iter().map(|t| t.status.as_str()).collect::<Vec<_>>(),
            ["completed", "interrupted"]
        );
        assert_eq!(stored[0].started_at, 10_000);
        assert_eq!(
            items.iter().map(|i| i.seq).collect::<Vec<_>>(),
            [1, 2, 3],
            "in order"
        );
        assert_eq!(items[2].item[DRAFT_MARKER], true);
        assert!(items[1].item.get(DRAFT_MARKER).is_none());
        // Only part of a turn's items, or no turns at all: not taken.
        assert!(history(
            &json!([{"id": "t", "status": "completed", "itemsView": "summary", "items": []}])
        )
        .is_none());
        assert!(history(&json!(null)).is_none());
    }
}
