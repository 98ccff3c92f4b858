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

/// Where the user's choice is kept (seconds; `0`: never).
const IDLE_RELEASE_KEY: &str = "idle_release_secs";
/// The longest idle time the window offers (a day).
const LONGEST_IDLE: Duration = Duration::from_secs(24 * 60 * 60);

impl Engine {
    /// How long a session's codex may sit idle: the user's choice, else the configured time.
    pub fn idle_release(&self) -> Option<Duration> {
        *lock(&self.inner.idle_release)
    }

    /// Sets how long a session's codex may sit idle before it is released (`None`: never);
    /// remembered, and applied to the processes running now.
    pub fn set_idle_release(&self, idle: Option<Duration>) -> crate::error::Result<()> {
        if let Some(idle) = idle {
            if idle < Duration::from_secs(60) || idle > LONGEST_IDLE {
                return Err(crate::error::CoreError::InvalidInput(
                    "Pick an idle time between a minute and a day, or never.".into(),
                ));
            }
        }
        let secs = idle.map(|d| d.as_secs()).unwrap_or(0);
        {
            // Both under the lock: two changes at once are saved in the order they apply.
            let mut current = lock(&self.inner.idle_release);
            *current = idle;
            self.inner
                .store
                .set_setting(IDLE_RELEASE_KEY, &secs.to_string());
        }
        tracing::info!(secs, "idle release changed");
        self.watch_idle();
        Ok(())
    }

    /// The user's stored choice, if any (at open).
    pub(super) fn stored_idle_release(store: &crate::store::Store) -> Option<Option<Duration>> {
        let secs: u64 = store
            .setting_blocking(IDLE_RELEASE_KEY)
            .ok()
            .flatten()?
            .trim()
            .parse()
            .ok()?;
        Some((secs > 0).then(|| Duration::from_secs(secs)))
    }

    /// Starts the task that releases idle codex processes, once, when the first one starts. It
    /// reads the idle time each round, so a change applies at once.
    pub(super) fn watch_idle(&self) {
        if self.idle_release().is_none() {
            return;
        }
        if self.inner.idle_watch_running.swap(true, Ordering::SeqCst) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.inner.idle_watch_running.store(false, Ordering::SeqCst);
            return;
        };
        let weak = Arc::downgrade(&self.inner);
        runtime.spawn(async move {
            loop {
                let Some(inner) = weak.upgrade() else { break };
                let engine = Engine { inner };
                let idle = engine.idle_release();
                // Often enough that a process goes within a quarter of the idle time of its
                // due moment.
                let every = idle
                    .map(|i| (i / 4).clamp(Duration::from_millis(100), Duration::from_secs(30)))
                    .unwrap_or(Duration::from_secs(30));
                if let Some(idle) = idle {
                    engine.release_idle(idle).await;
                }
                drop(engine);
                tokio::time::sleep(every).await;
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
            let gate = self.launch_gate(&id);
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::engine::{Engine, EngineConfig};

    #[tokio::test]
    async fn the_idle_time_chosen_is_kept_and_one_out_of_range_refused() {
        let data = tempfile::tempdir().expect("tempdir");
        let mut config = EngineConfig::for_test(data.path());
        config.idle_release = Some(Duration::from_secs(600));
        let engine = Engine::open(config.clone()).expect("engine");
        assert_eq!(
            engine.app_state().await.expect("state").idle_release_secs,
            Some(600)
        );
        engine
            .set_idle_release(Some(Duration::from_secs(1800)))
            .expect("30 minutes");
        for silly in [Duration::from_secs(5), Duration::from_secs(3 * 24 * 3600)] {
            assert!(engine.set_idle_release(Some(silly)).is_err());
        }
        assert_eq!(engine.idle_release(), Some(Duration::from_secs(1800)));
        engine.store().flush().await.expect("saved");
        engine.shutdown();
        drop(engine);

        let engine = Engine::open(config.clone()).expect("reopened");
        assert_eq!(engine.idle_release(), Some(Duration::from_secs(1800)));
        engine.set_idle_release(None).expect("never");
        engine.store().flush().await.expect("saved");
        engine.shutdown();
        drop(engine);
        let engine = Engine::open(config).expect("reopened");
        assert_eq!(
            engine.app_state().await.expect("state").idle_release_secs,
            None
        );
    }
}
