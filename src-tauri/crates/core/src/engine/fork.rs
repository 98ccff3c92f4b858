//! Forking a session: a new session on the same folder whose codex thread is a copy of this
//! one's up to a turn (the latest when none is named), with the transcript up to there. The two
//! then go their own ways; neither changes the other.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use codex_desk_protocol::{SessionInfo, SessionOptions, SessionStatus};
use serde_json::{json, Value};

use super::{lock, Engine};
use crate::codex::options;
use crate::error::{CoreError, Result};
use crate::export::blocking;
use crate::store::now_ms;

/// Items read from the store per page while copying a transcript.
const COPY_PAGE: usize = 2_000;
/// How long codex may take to copy a thread (it reads the whole history).
const COPY_TIMEOUT: Duration = Duration::from_secs(120);

impl Engine {
    /// Forks session `id` through turn `through` (inclusive; the latest when `None`) into a new
    /// session, which it returns. The folder is the same; codex's copy of the thread lives in
    /// the new session's own codex home.
    pub async fn fork_session(&self, id: &str, through: Option<&str>) -> Result<SessionInfo> {
        if let Some(problem) = self.inner.store.health().problem {
            return Err(CoreError::NotSaving(problem));
        }
        let source = self.session(id).await?;
        let turns = self.inner.store.all_turns(id).await?;
        let (Some(thread_id), false) = (source.thread_id.clone(), turns.is_empty()) else {
            return Err(CoreError::InvalidInput(
                "This session has no conversation yet: send a message before forking it.".into(),
            ));
        };
        let kept = match through {
            Some(turn) => {
                let Some(at) = turns.iter().position(|t| t.id == turn) else {
                    return Err(CoreError::InvalidInput(
                        "That turn is not in this session any more.".into(),
                    ));
                };
                turns[..=at].to_vec()
            }
            None => turns,
        };
        let Some(last_turn) = kept.last().map(|t| t.id.clone()) else {
            return Err(CoreError::InvalidInput(
                "This session has no conversation yet: send a message before forking it.".into(),
            ));
        };
        if kept.iter().any(|t| t.status == "inProgress") {
            return Err(CoreError::TurnRunning);
        }
        let options = self.options_of(id).await?;
        // What the fork's transcript holds, read before codex is asked (nothing to undo if the
        // store cannot be read). Codex keeps the turns' ids in its copy.
        let kept_ids: HashSet<String> = kept.iter().map(|t| t.id.clone()).collect();
        let mut items = Vec::new();
        let mut after = 0;
        loop {
            let page = self
                .inner
                .store
                .archived_items(id, after, COPY_PAGE)
                .await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            items.extend(page.into_iter().filter(|i| kept_ids.contains(&i.turn_id)));
        }
        let decisions: Vec<_> = self
            .inner
            .store
            .decisions(id)
            .await?
            .into_iter()
            .filter(|(turn, _, _)| kept_ids.contains(turn))
            .collect();

        // Codex copies the thread, in the source session's codex, which knows it.
        let forked = self
            .copy_thread(&source, &thread_id, &last_turn, &options)
            .await?;
        let thread = &forked["thread"];
        let (Some(new_thread), Some(rollout)) = (thread["id"].as_str(), thread["path"].as_str())
        else {
            return Err(CoreError::CodexGone(
                "it forked the thread but did not say where it keeps the copy".into(),
            ));
        };
        let rollout = PathBuf::from(rollout);

        let new_id = uuid::Uuid::new_v4().to_string();
        let now = now_ms();
        let info = SessionInfo {
            id: new_id.clone(),
            title: fork_title(&source.title),
            workspace: source.workspace.clone(),
            thread_id: Some(new_thread.to_string()),
            status: SessionStatus::Idle,
            last_error: None,
            created_at: now,
            updated_at: now,
            archived_at: None,
        };
        let folder = self.folder(&new_id);
        let made = async {
            folder.create(&new_id, &info.workspace, now)?;
            // The copy moves into the new session's codex home, where its codex resumes it.
            let (from, source_home, target_home) = (
                rollout.clone(),
                self.folder(id).codex_home(),
                folder.codex_home(),
            );
            blocking(move || move_rollout(&from, &source_home, &target_home)).await?;
            self.inner.store.import(info.clone(), kept, items).await
        }
        .await;
        if let Err(e) = made {
            // Nothing of the fork stays: not its folder, not codex's copy in the source.
            let root = folder.root().to_path_buf();
            let _ = blocking(move || {
                let _ = std::fs::remove_dir_all(&root);
                let _ = std::fs::remove_file(&rollout);
                Ok(())
            })
            .await;
            return Err(e);
        }
        // What the user answered about the items copied: the fork's cards and audit say it too.
        for (turn, item, choice) in decisions {
            self.inner
                .store
                .record_decision(&new_id, &turn, &item, choice);
        }
        if options != SessionOptions::default() {
            self.inner.store.set_session_options(&new_id, &options);
        }
        self.copy_env(id, &new_id, options.env.clone()).await;
        lock(&self.inner.options).insert(new_id.clone(), options);
        tracing::info!(session = %new_id, from = %id, thread = %new_thread, "session forked");
        Ok(info)
    }
}

impl Engine {
    /// Has the session's codex copy thread `thread_id` through turn `through` (codex keeps the
    /// turns' ids); returns codex's answer (`thread.id`, `thread.path`).
    pub(super) async fn copy_thread(
        &self,
        session: &SessionInfo,
        thread_id: &str,
        through: &str,
        settings: &SessionOptions,
    ) -> Result<Value> {
        let live = self.live_quietly(session).await?;
        let mut params = json!({
            "threadId": thread_id,
            "lastTurnId": through,
            "cwd": session.workspace,
            "approvalPolicy": options::approval_policy(settings.approvals),
            "sandbox": options::sandbox_mode(settings.sandbox),
            // The history is ours already (and can be far too long for one message).
            "excludeTurns": true,
        });
        if let Some(model) = &settings.model {
            params["model"] = Value::String(model.clone());
        }
        live.client()
            .request_with_timeout("thread/fork", params, COPY_TIMEOUT)
            .await
    }
}

/// "Fork of <title>", once (a fork of a fork keeps one prefix).
fn fork_title(title: &str) -> String {
    let base = title.strip_prefix("Fork of ").unwrap_or(title);
    format!("Fork of {base}")
}

/// Gives the new session's codex home the forked thread: codex's file of the copy (moved from
/// the source session's home to the same place under the new one) and the files of the threads
/// it descends from (copied: codex reads a fork's history through them).
fn move_rollout(from: &Path, source_home: &Path, target_home: &Path) -> Result<()> {
    // Codex names files by the home's real path (no symlinks; `\\?\` on Windows).
    let real = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (from, source_home) = (&real(from), &real(source_home));
    let relative = from.strip_prefix(source_home).map_err(|_| {
        CoreError::CodexGone(format!(
            "it wrote the forked thread outside the session's folder ({})",
            from.display()
        ))
    })?;
    let mut files = Vec::new();
    rollouts(&source_home.join("sessions"), &mut files)
        .map_err(|e| CoreError::io("the session's codex threads could not be listed", e))?;
    for file in files {
        let Ok(rel) = file.strip_prefix(source_home) else {
            continue;
        };
        let to = target_home.join(rel);
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| CoreError::io(format!("{} could not be created", dir.display()), e))?;
        }
        std::fs::copy(&file, &to).map_err(|e| {
            CoreError::io(
                format!("the thread could not be copied to {}", to.display()),
                e,
            )
        })?;
    }
    if !target_home.join(relative).exists() {
        return Err(CoreError::CodexGone(format!(
            "the forked thread's file is not where it said ({})",
            from.display()
        )));
    }
    // The source keeps no trace of the fork on disk.
    let _ = std::fs::remove_file(from);
    Ok(())
}

/// Codex's thread files (`rollout-*.jsonl`) under `dir`, at any depth.
fn rollouts(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let kind = entry.file_type()?;
        let path = entry.path();
        if kind.is_dir() {
            rollouts(&path, out)?;
        } else if kind.is_file()
            && path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("rollout-") && n.ends_with(".jsonl"))
        {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::fork_title;

    #[test]
    fn a_fork_of_a_fork_says_so_once() {
        assert_eq!(fork_title("Fix the build"), "Fork of Fix the build");
        assert_eq!(fork_title("Fork of Fix the build"), "Fork of Fix the build");
    }
}
