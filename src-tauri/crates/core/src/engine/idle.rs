//! A session's codex process is released when the user has not used it for a while (no turn, no
//! question waiting); the next prompt starts codex again and resumes the same thread
//! (`ensure_live`), so the user notices nothing but the memory it gave back.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use super::{lock, Engine};

/// How long a session's codex may sit idle before it is released, unless configured.
pub const DEFAULT_IDLE_RELEASE: Duration = Duration::from_secs(10 * 60);

/// The idle time from `CODEX_DESK_IDLE_RELEASE_SECS` (`0`: never release), else the default.
pub fn idle_release_from_env() -> Option<Duration> {
    match std::env::var("CODEX_DESK_IDLE_RELEASE_SECS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        Some(0) => None,
        Some(secs) => Some(Duration::from_secs(secs)),
        None => Some(DEFAULT_IDLE_RELEASE),
    }
}

impl Engine {
    /// Starts the task that releases idle codex processes, once, when the first one starts.
    pub(super) fn watch_idle(&self) {
        let Some(idle) = self.inner.config.idle_release else {
            return;
        };
        if self.inner.idle_watch_running.swap(true, Ordering::SeqCst) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.inner.idle_watch_running.store(false, Ordering::SeqCst);
            return;
        };
        let weak = Arc::downgrade(&self.inner);
        // Often enough that a process goes within a quarter of the idle time of its due moment.
        let every = (idle / 4).clamp(Duration::from_millis(100), Duration::from_secs(30));
        runtime.spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                let Some(inner) = weak.upgrade() else { break };
                Engine { inner }.release_idle(idle).await;
            }
        });
    }

    /// Releases every live codex idle for at least `idle`.
    async fn release_idle(&self, idle: Duration) {
        let candidates: Vec<String> = lock(&self.inner.live)
            .iter()
            .filter(|(_, live)| live.idle_for().is_some_and(|d| d >= idle))
            .map(|(id, _)| id.clone())
            .collect();
        for id in candidates {
            // Under the session's launch gate: a prompt that just found this codex has touched
            // it, and one that comes after finds it gone and starts a new one.
            let gate = lock(&self.inner.launching)
                .entry(id.clone())
                .or_default()
                .clone();
            let _guard = gate.lock().await;
            let released = {
                let mut live = lock(&self.inner.live);
                match live.get(&id) {
                    Some(session) if session.idle_for().is_some_and(|d| d >= idle) => {
                        live.remove(&id)
                    }
                    _ => None,
                }
            };
            if let Some(live) = released {
                tracing::info!(session = %id, pid = ?live.pid(), idle_secs = idle.as_secs(), "released an idle codex; the next prompt resumes its thread");
                live.close();
            }
        }
    }
}
