//! Session events → batches for the UI. Deltas of one item are merged and flushed every
//! [`RelayConfig::flush_every`] or at [`RelayConfig::max_batch_bytes`]; lifecycle events flush
//! at once and are never dropped. The input queue is bounded: when it is full a delta is
//! dropped (and the next batch says so), a lifecycle event waits for room.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use codex_desk_protocol::{EventBatch, SessionEvent};
use serde_json::Value;
use tokio::sync::mpsc;
use tokio::time::Instant;

#[derive(Debug, Clone)]
pub struct RelayConfig {
    pub flush_every: Duration,
    pub max_batch_bytes: usize,
    pub queue_capacity: usize,
}

impl Default for RelayConfig {
    fn default() -> Self {
        Self {
            flush_every: Duration::from_millis(16),
            max_batch_bytes: 6 * 1024,
            queue_capacity: 4096,
        }
    }
}

/// The sending side of a relay. Cheap to clone.
#[derive(Clone)]
pub struct RelayInput {
    tx: mpsc::Sender<(SessionEvent, i64)>,
    dropped: Arc<AtomicBool>,
}

impl RelayInput {
    /// Sends an event: deltas are shed when the queue is full, anything else waits for room.
    /// Returns false once the relay has stopped (its subscriber went away).
    pub async fn send(&self, event: SessionEvent) -> bool {
        self.send_at(event, unix_ms()).await
    }

    /// [`Self::send`] for an event of `at` (Unix ms), such as when codex's line was read.
    pub async fn send_at(&self, event: SessionEvent, at: i64) -> bool {
        if is_delta(&event) {
            match self.tx.try_send((event, at)) {
                Ok(()) => true,
                Err(mpsc::error::TrySendError::Full(_)) => {
                    self.dropped.store(true, Ordering::Relaxed);
                    true
                }
                Err(mpsc::error::TrySendError::Closed(_)) => false,
            }
        } else {
            self.tx.send((event, at)).await.is_ok()
        }
    }

    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }
}

/// Starts a relay task for one session. `sink` receives each batch and returns false when the
/// subscriber is gone, which stops the relay.
pub fn spawn_relay<F>(session_id: String, config: RelayConfig, sink: F) -> RelayInput
where
    F: FnMut(EventBatch) -> bool + Send + 'static,
{
    let (tx, rx) = mpsc::channel(config.queue_capacity);
    let dropped = Arc::new(AtomicBool::new(false));
    tokio::spawn(run(session_id, config, rx, dropped.clone(), sink));
    RelayInput { tx, dropped }
}

async fn run<F>(
    session_id: String,
    config: RelayConfig,
    mut rx: mpsc::Receiver<(SessionEvent, i64)>,
    dropped: Arc<AtomicBool>,
    mut sink: F,
) where
    F: FnMut(EventBatch) -> bool,
{
    let mut batcher = Batcher::new(session_id, config.max_batch_bytes);
    let mut deadline: Option<Instant> = None;
    loop {
        let event = match deadline {
            None => rx.recv().await,
            Some(at) => tokio::select! {
                event = rx.recv() => event,
                _ = tokio::time::sleep_until(at) => {
                    deadline = None;
                    if !flush(&mut batcher, &dropped, &mut sink) { return; }
                    continue;
                }
            },
        };
        let Some((event, at)) = event else {
            flush(&mut batcher, &dropped, &mut sink);
            return;
        };
        match batcher.push_at(event, at) {
            Push::Buffered => {
                deadline.get_or_insert_with(|| Instant::now() + config.flush_every);
            }
            Push::FlushNow => {
                deadline = None;
                if !flush(&mut batcher, &dropped, &mut sink) {
                    return;
                }
            }
        }
    }
}

fn flush<F: FnMut(EventBatch) -> bool>(
    batcher: &mut Batcher,
    dropped: &AtomicBool,
    sink: &mut F,
) -> bool {
    match batcher.take(dropped.swap(false, Ordering::Relaxed)) {
        Some(batch) => sink(batch),
        None => true,
    }
}

enum Push {
    Buffered,
    FlushNow,
}

/// Accumulates events into the next batch, merging consecutive deltas of the same item.
pub struct Batcher {
    session_id: String,
    max_bytes: usize,
    events: Vec<SessionEvent>,
    delta_bytes: usize,
    seq: u64,
    /// When the newest pending event was sent (Unix ms).
    newest_at_ms: i64,
}

impl Batcher {
    pub fn new(session_id: String, max_bytes: usize) -> Self {
        Self {
            session_id,
            max_bytes,
            events: Vec::new(),
            delta_bytes: 0,
            seq: 0,
            newest_at_ms: 0,
        }
    }

    /// Adds `event`, sent at `at_ms` (Unix ms).
    fn push_at(&mut self, event: SessionEvent, at_ms: i64) -> Push {
        self.newest_at_ms = self.newest_at_ms.max(at_ms);
        self.push(event)
    }

    fn push(&mut self, event: SessionEvent) -> Push {
        if let Some(delta) = delta_text(&event) {
            self.delta_bytes += delta.len();
            if !self.merge_into_last(&event) {
                self.events.push(event);
            }
            if self.delta_bytes >= self.max_bytes {
                Push::FlushNow
            } else {
                Push::Buffered
            }
        } else {
            self.events.push(event);
            Push::FlushNow
        }
    }

    fn merge_into_last(&mut self, event: &SessionEvent) -> bool {
        let (
            Some(SessionEvent::Codex { notification: last }),
            SessionEvent::Codex { notification: next },
        ) = (self.events.last_mut(), event)
        else {
            return false;
        };
        if last.get("method") != next.get("method")
            || !same_target(&last["params"], &next["params"])
        {
            return false;
        }
        let (Some(Value::String(acc)), Some(add)) = (
            last.pointer_mut("/params/delta"),
            next.pointer("/params/delta").and_then(Value::as_str),
        ) else {
            return false;
        };
        acc.push_str(add);
        true
    }

    /// The pending events as the next batch, if any.
    pub fn take(&mut self, dropped_deltas: bool) -> Option<EventBatch> {
        if self.events.is_empty() && !dropped_deltas {
            return None;
        }
        self.seq += 1;
        self.delta_bytes = 0;
        Some(EventBatch {
            session_id: self.session_id.clone(),
            seq: self.seq,
            events: std::mem::take(&mut self.events),
            dropped_deltas,
            sent_at_ms: std::mem::take(&mut self.newest_at_ms),
        })
    }
}

/// Now, in Unix milliseconds.
pub fn unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Two delta params address the same stream when everything but the delta text is equal.
fn same_target(a: &Value, b: &Value) -> bool {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return false;
    };
    a.len() == b.len() && a.iter().all(|(k, v)| k == "delta" || b.get(k) == Some(v))
}

fn is_delta(event: &SessionEvent) -> bool {
    delta_text(event).is_some()
}

/// The text of a streaming delta notification (`item/agentMessage/delta`,
/// `item/commandExecution/outputDelta`, `item/reasoning/summaryTextDelta`, ...).
fn delta_text(event: &SessionEvent) -> Option<&str> {
    let SessionEvent::Codex { notification } = event else {
        return None;
    };
    let method = notification.get("method")?.as_str()?;
    if !(method.starts_with("item/") && (method.ends_with("/delta") || method.ends_with("Delta"))) {
        return None;
    }
    notification.pointer("/params/delta")?.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn delta(item: &str, text: &str) -> SessionEvent {
        SessionEvent::Codex {
            notification: json!({"method": "item/agentMessage/delta",
                "params": {"threadId": "t", "turnId": "u", "itemId": item, "delta": text}}),
        }
    }

    fn completed(item: &str) -> SessionEvent {
        SessionEvent::Codex {
            notification: json!({"method": "item/completed", "params": {"item": {"id": item}}}),
        }
    }

    #[tokio::test]
    async fn deltas_merge_per_item_and_lifecycle_flushes_in_order() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let config = RelayConfig {
            flush_every: Duration::from_secs(60),
            ..RelayConfig::default()
        };
        let input = spawn_relay("s".into(), config, move |b| tx.send(b).is_ok());
        for (item, text) in [("a", "Hel"), ("a", "lo"), ("b", "x"), ("b", "y")] {
            assert!(input.send(delta(item, text)).await);
        }
        assert!(input.send(completed("a")).await);
        let batch = rx.recv().await.expect("batch");
        assert_eq!(batch.seq, 1);
        assert!(!batch.dropped_deltas);
        let texts: Vec<_> = batch
            .events
            .iter()
            .map(|e| match e {
                SessionEvent::Codex { notification } => notification
                    .pointer("/params/delta")
                    .and_then(Value::as_str)
                    .unwrap_or("completed")
                    .to_string(),
                _ => String::new(),
            })
            .collect();
        assert_eq!(texts, ["Hello", "xy", "completed"]);
    }

    #[tokio::test]
    async fn deltas_flush_on_timer_and_size() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let config = RelayConfig {
            flush_every: Duration::from_millis(10),
            max_batch_bytes: 8,
            ..RelayConfig::default()
        };
        let input = spawn_relay("s".into(), config, move |b| tx.send(b).is_ok());
        let before = unix_ms();
        input.send(delta("a", "123456789")).await;
        let by_size = rx.recv().await.expect("size flush");
        assert_eq!(by_size.seq, 1);
        input.send(delta("a", "1")).await;
        let sent = unix_ms();
        let by_timer = rx.recv().await.expect("timer flush");
        assert_eq!(by_timer.seq, 2);
        assert_eq!(by_timer.events.len(), 1);
        // Each batch says when its newest event was sent, not when it was flushed.
        assert!(by_size.sent_at_ms >= before && by_size.sent_at_ms <= by_timer.sent_at_ms);
        assert!(by_timer.sent_at_ms <= sent);
    }

    #[tokio::test]
    async fn full_queue_drops_only_deltas_and_says_so() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let (gate_tx, gate_rx) = std::sync::mpsc::channel::<()>();
        let config = RelayConfig {
            flush_every: Duration::from_millis(1),
            max_batch_bytes: 1,
            queue_capacity: 2,
        };
        // The sink blocks until released, so the queue fills up behind it.
        let input = spawn_relay("s".into(), config, move |b| {
            let _ = gate_rx.recv();
            tx.send(b).is_ok()
        });
        for i in 0..50 {
            input.send(delta("a", &i.to_string())).await;
        }
        let lifecycle = tokio::spawn({
            let input = input.clone();
            async move { input.send(completed("a")).await }
        });
        for _ in 0..100 {
            let _ = gate_tx.send(());
        }
        assert!(lifecycle.await.expect("join"));
        drop(input);
        let mut batches = Vec::new();
        while let Some(b) = rx.recv().await {
            batches.push(b);
            if batches
                .iter()
                .any(|b: &EventBatch| b.events.iter().any(|e| !is_delta(e)))
            {
                break;
            }
        }
        assert!(
            batches.iter().any(|b| b.dropped_deltas),
            "a batch reports the shed deltas"
        );
        let seqs: Vec<_> = batches.iter().map(|b| b.seq).collect();
        assert_eq!(
            seqs,
            (1..=seqs.len() as u64).collect::<Vec<_>>(),
            "no gaps in seq"
        );
        assert!(
            batches
                .last()
                .expect("last")
                .events
                .iter()
                .any(|e| !is_delta(e)),
            "lifecycle event delivered"
        );
    }
}
