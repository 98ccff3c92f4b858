//! Rolling a session back: its last turns leave the conversation, in codex (the session moves
//! to a copy of its thread made without them) and in the transcript. Files the agent changed in
//! those turns stay as they are.

use codex_desk_protocol::{RolledBack, SessionStatus};

use super::{lock, Engine};
use crate::error::{CoreError, Result};

impl Engine {
    /// Removes the last `count` turns of session `id`.
    pub async fn roll_back_turns(&self, id: &str, count: usize) -> Result<RolledBack> {
        let turns = self.inner.store.all_turns(id).await?;
        if count == 0 || count > turns.len() {
            return Err(CoreError::InvalidInput(match turns.len() {
                0 => "This session has no turns to roll back.".into(),
                1 => format!("This session has 1 turn; it cannot roll back {count}."),
                n => format!("This session has {n} turns; roll back between 1 and {n}."),
            }));
        }
        let from = turns[turns.len() - count].id.clone();
        self.roll_back(id, &from).await
    }

    /// Removes turn `from` and every later turn of session `id`: codex forgets them and the
    /// transcript no longer shows them. What the user typed in `from` comes back, to edit and
    /// send again.
    pub async fn roll_back(&self, id: &str, from: &str) -> Result<RolledBack> {
        if let Some(problem) = self.inner.store.health().problem {
            return Err(CoreError::NotSaving(problem));
        }
        // No send may start a turn meanwhile.
        let gate = self.send_gate(id);
        let _no_send = gate.lock().await;
        let session = self.session(id).await?;
        let turns = self.inner.store.all_turns(id).await?;
        let Some(at) = turns.iter().position(|t| t.id == from) else {
            return Err(CoreError::InvalidInput(
                "That turn is not in this session any more.".into(),
            ));
        };
        let running = lock(&self.inner.live)
            .get(id)
            .is_some_and(|live| live.is_busy());
        if running || turns[at..].iter().any(|t| t.status == "inProgress") {
            return Err(CoreError::TurnRunning);
        }
        let removed: Vec<String> = turns[at..].iter().map(|t| t.id.clone()).collect();

        // The thread without those turns: a copy through the last turn kept, made by the
        // session's codex; nothing kept, no thread (the next prompt starts one).
        let thread = match (at.checked_sub(1).map(|i| &turns[i]), &session.thread_id) {
            (None, _) => None,
            (Some(_), None) => {
                return Err(CoreError::InvalidInput(
                    "Codex has no record of this conversation to roll back. Roll back from the first message to start afresh.".into(),
                ))
            }
            (Some(last_kept), Some(thread_id)) => {
                let settings = self.options_of(id).await?;
                let refused = |why: String| {
                    CoreError::InvalidInput(format!(
                        "Codex could not roll the conversation back ({why}); nothing was removed. Try again, or roll back from an earlier message."
                    ))
                };
                let copy = self
                    .copy_thread(&session, thread_id, &last_kept.id, &settings)
                    .await
                    .map_err(|e| match e {
                        CoreError::Rpc { message, .. } => refused(message),
                        CoreError::CodexGone(why) => refused(why),
                        other => other,
                    })?;
                let Some(new_thread) = copy["thread"]["id"].as_str() else {
                    return Err(refused(
                        "it copied the thread but did not say which it is".into(),
                    ));
                };
                Some(new_thread.to_string())
            }
        };
        let removed_turns = u32::try_from(removed.len()).unwrap_or(u32::MAX);
        let prompt = self
            .inner
            .store
            .roll_back(id, removed, thread.as_deref())
            .await?;

        // The codex that follows the old thread goes; the next prompt resumes the new one.
        self.release(id).await;
        // Follow-ups queued after the removed turns wait for the user to send them.
        self.hold_queue(id).await;
        self.set_status(id, SessionStatus::Idle, None, thread.as_deref())
            .await?;
        tracing::info!(session = %id, removed_turns, thread = ?thread, "session rolled back");
        Ok(RolledBack {
            session: self.session(id).await?,
            removed_turns,
            prompt,
        })
    }
}
