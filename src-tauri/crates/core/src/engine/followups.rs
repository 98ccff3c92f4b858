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
        prompts::check_length(text)?;
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

    /// Queues a follow-up to send when the running turn completes (at once when none runs,
    /// unless earlier follow-ups wait for the user).
    pub async fn queue_prompt(&self, id: &str, text: &str) -> Result<()> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(());
        }
        self.session(id).await?;
        prompts::check_length(text)?;
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
            if queue.is_empty() {
                lock(&self.inner.held).remove(id);
            }
            queue.len() != before
        };
        if removed {
            self.queue_changed(id).await;
        }
        Ok(())
    }

    /// Sends one queued follow-up now, and lets the rest follow as turns complete (after a turn
    /// that did not complete, the queue waits for this). On failure it goes back where it was.
    pub async fn send_queued_now(&self, id: &str, queued_id: &str) -> Result<()> {
        self.session(id).await?;
        let gate = self.send_gate(id);
        let _one_send_at_a_time = gate.lock().await;
        if self.turn_running(id) {
            return Err(CoreError::TurnRunning);
        }
        let taken = {
            let mut queues = lock(&self.inner.queues);
            let queue = queues.entry(id.to_string()).or_default();
            queue
                .iter()
                .position(|q| q.id == queued_id)
                .map(|at| (at, queue.remove(at)))
        };
        // Already sent or removed: nothing to do.
        let Some((at, next)) = taken else {
            return Ok(());
        };
        lock(&self.inner.held).remove(id);
        self.queue_changed(id).await;
        if let Err(e) = self.send_prompt_locked(id, &next.text, &[]).await {
            self.put_back(id, at, next).await;
            return Err(e);
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

    /// Whether session `id`'s follow-ups wait for the user.
    pub(super) fn queue_held(&self, id: &str) -> bool {
        lock(&self.inner.held).contains(id)
    }

    /// A turn ended without completing: what is queued waits for the user.
    pub(super) async fn hold_queue(&self, id: &str) {
        let waiting = lock(&self.inner.queues)
            .get(id)
            .is_some_and(|q| !q.is_empty());
        if waiting && lock(&self.inner.held).insert(id.to_string()) {
            self.queue_changed(id).await;
        }
    }

    /// Sends the first queued follow-up as a new turn, unless a turn runs or the queue waits
    /// for the user. Called when a turn completed and when a follow-up is queued while idle.
    pub(super) async fn send_next_queued(&self, id: &str) {
        let gate = self.send_gate(id);
        let _one_send_at_a_time = gate.lock().await;
        if self.turn_running(id) || self.queue_held(id) {
            return;
        }
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
        if let Err(e) = self.send_prompt_locked(id, &next.text, &[]).await {
            tracing::warn!(session = %id, error = %e, "a queued follow-up could not be sent");
            // Back in the queue before the window hears why: whoever reads the warning finds
            // the follow-up waiting.
            self.put_back(id, 0, next).await;
            // Nobody asked for this send: the window hears why it did not happen.
            self.emit(
                id,
                SessionEvent::SetupWarning {
                    message: format!(
                        "The next queued message was not sent: {e} It waits first in the queue: edit or remove it, or send it again."
                    ),
                },
            )
            .await;
        }
    }

    /// A follow-up that could not be sent goes back where it was, and the queue waits for the
    /// user. Not for a session deleted meanwhile.
    async fn put_back(&self, id: &str, at: usize, prompt: QueuedPrompt) {
        if self.inner.store.session(id).await.ok().flatten().is_none() {
            return;
        }
        {
            let mut queues = lock(&self.inner.queues);
            let queue = queues.entry(id.to_string()).or_default();
            queue.insert(at.min(queue.len()), prompt);
        }
        lock(&self.inner.held).insert(id.to_string());
        self.queue_changed(id).await;
    }

    fn turn_running(&self, id: &str) -> bool {
        lock(&self.inner.live)
            .get(id)
            .is_some_and(|live| live.is_busy())
    }

    /// Follow-ups queued before the app last closed come back, held: nothing goes by itself.
    pub(super) fn restore_queues(&self) {
        match self.inner.store.queues_blocking() {
            Ok(all) => {
                for (id, queued) in all {
                    lock(&self.inner.held).insert(id.clone());
                    lock(&self.inner.queues).insert(id, queued);
                }
            }
            Err(e) => tracing::warn!(error = %e, "queued follow-ups could not be read back"),
        }
    }

    async fn queue_changed(&self, id: &str) {
        // Read and written under the queue's lock: writes land in the order the queue changed.
        let queued = {
            let queues = lock(&self.inner.queues);
            let queued = queues.get(id).cloned().unwrap_or_default();
            self.inner.store.set_queue(id, &queued);
            queued
        };
        let held = self.queue_held(id);
        self.emit(id, SessionEvent::QueueChanged { queued, held })
            .await;
    }
}
