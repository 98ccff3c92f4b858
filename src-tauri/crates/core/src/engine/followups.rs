//! What the user adds while a turn runs: steering (sent into the running turn now) and queued
//! follow-ups (each sent as a new turn once the one before completes).

use codex_desk_protocol::{QueuedPrompt, SessionEvent};

use super::{lock, Engine};
use crate::error::{CoreError, Result};
use crate::prompts;

/// At most this many follow-ups wait per session.
const MOST_QUEUED: usize = 50;

impl Engine {
    /// Adds the user's text to the running turn: codex reads it at its next step.
    pub async fn steer(&self, id: &str, text: &str) -> Result<()> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(());
        }
        self.session(id).await?;
        let expanded = prompts::expand(text, self.inner.config.user_codex_home.as_deref())?;
        let text = expanded.as_deref().map(str::trim).unwrap_or(text);
        let live = lock(&self.inner.live).get(id).cloned();
        let Some(live) = live else {
            return Err(CoreError::NothingToSteer);
        };
        live.steer(text).await?;
        tracing::info!(session = %id, "the user steered the running turn");
        self.emit(
            id,
            SessionEvent::PromptAccepted {
                text: text.to_string(),
            },
        )
        .await;
        Ok(())
    }

    /// Queues a follow-up to send when the running turn completes (at once when none runs).
    pub async fn queue_prompt(&self, id: &str, text: &str) -> Result<()> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(());
        }
        self.session(id).await?;
        {
            let mut queues = lock(&self.inner.queues);
            let queue = queues.entry(id.to_string()).or_default();
            if queue.len() >= MOST_QUEUED {
                return Err(CoreError::InvalidInput(format!(
                    "{MOST_QUEUED} follow-ups already wait in this session. Remove one, or wait for the turn to end."
                )));
            }
            queue.push(QueuedPrompt {
                id: uuid::Uuid::new_v4().to_string(),
                text: text.to_string(),
            });
        }
        self.queue_changed(id).await;
        if !self.turn_running(id) {
            self.send_next_queued(id).await;
        }
        Ok(())
    }

    /// Removes a queued follow-up (it is not sent).
    pub async fn unqueue(&self, id: &str, queued_id: &str) -> Result<()> {
        self.session(id).await?;
        let removed = {
            let mut queues = lock(&self.inner.queues);
            let queue = queues.entry(id.to_string()).or_default();
            let before = queue.len();
            queue.retain(|q| q.id != queued_id);
            queue.len() != before
        };
        if removed {
            self.queue_changed(id).await;
        }
        Ok(())
    }

    /// The follow-ups waiting in session `id`, in order.
    pub(super) fn queued(&self, id: &str) -> Vec<QueuedPrompt> {
        lock(&self.inner.queues)
            .get(id)
            .cloned()
            .unwrap_or_default()
    }

    /// Sends the first queued follow-up as a new turn. Called when a turn completed; a failed
    /// or stopped turn leaves the queue for the user to send or clear.
    pub(super) async fn send_next_queued(&self, id: &str) {
        let next = {
            let mut queues = lock(&self.inner.queues);
            match queues.get_mut(id) {
                Some(queue) if !queue.is_empty() => Some(queue.remove(0)),
                _ => None,
            }
        };
        let Some(next) = next else { return };
        self.queue_changed(id).await;
        tracing::info!(session = %id, "sending a queued follow-up");
        if let Err(e) = self.send_prompt(id, &next.text).await {
            tracing::warn!(session = %id, error = %e, "a queued follow-up could not be sent");
            // Back at the front, as the user left it; the session's status says what failed.
            lock(&self.inner.queues)
                .entry(id.to_string())
                .or_default()
                .insert(0, next);
            self.queue_changed(id).await;
        }
    }

    fn turn_running(&self, id: &str) -> bool {
        lock(&self.inner.live)
            .get(id)
            .is_some_and(|live| live.is_busy())
    }

    async fn queue_changed(&self, id: &str) {
        let queued = self.queued(id);
        self.emit(id, SessionEvent::QueueChanged { queued }).await;
    }
}
