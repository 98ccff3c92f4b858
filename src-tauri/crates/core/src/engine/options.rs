//! A session's options (model, effort, sandbox, approvals): remembered per session, changed
//! between turns (they apply from the next one), and the models to choose from.

use codex_desk_protocol::{ModelList, SandboxMode, SessionEvent, SessionOptions};

use super::{lock, Engine};
use crate::codex::options;
use crate::error::{CoreError, Result};
use crate::sessions::validate_workspace;

/// Where the model and effort the user last chose are kept (JSON `[model, effort]`).
const NEW_SESSION_MODEL_KEY: &str = "new_session_model";

impl Engine {
    /// Changes session `id`'s options; they apply from its next turn. The model and effort
    /// become what new sessions start with; a new session's sandbox and approvals come from
    /// the user's codex configuration, never from another session.
    pub async fn set_session_options(
        &self,
        id: &str,
        options: SessionOptions,
    ) -> Result<SessionOptions> {
        self.session(id).await?;
        let mut options = options::checked(options)?;
        // Each extra writable folder is held to what a workspace may be (not the system's, not
        // the app's data; home only as a workspace itself), and kept as its full path.
        // Only folders added now: one listed before that has since gone does not block other
        // changes (a turn leaves it out and says so; the user removes it when they like).
        let guard = self.guard();
        let previous = self.options_of(id).await?;
        let before = &previous.writable_folders;
        let mut folders = Vec::new();
        for folder in &options.writable_folders {
            if before.contains(folder) {
                folders.push(folder.clone());
                continue;
            }
            // Listed ones stay while read-only (for when the session writes again); adding one
            // then cannot work.
            if options.sandbox == SandboxMode::ReadOnly {
                return Err(CoreError::InvalidInput(
                    "Other writable folders need the workspace-write sandbox: read-only writes nowhere. Pick \"Workspace write\" first.".into(),
                ));
            }
            let checked = validate_workspace(folder, &guard, false).map_err(|e| {
                CoreError::InvalidInput(format!("{folder} cannot be made writable: {e}"))
            })?;
            folders.push(checked.display().to_string());
        }
        options.writable_folders = folders;
        // Variables change through set_session_env only (their values are in the keychain).
        options.env = previous.env.clone();
        // Options codex takes at its start mean a new codex: no turn may start on the old one
        // until the options are in place.
        let gate = self.send_gate(id);
        // (The Python environment is among them.)
        let restart = options::launch_settings(&options) != options::launch_settings(&previous);
        let _no_send = match restart {
            true => {
                let held = gate.lock().await;
                self.prepare_restart(id, &options).await?;
                Some(held)
            }
            false => None,
        };
        // Variables set meanwhile stay.
        options.env = self.options_of(id).await?.env;
        self.keep_options(id, &options);
        let model = (options.model.clone(), options.effort.clone());
        if let Ok(json) = serde_json::to_string(&model) {
            self.inner.store.set_setting(NEW_SESSION_MODEL_KEY, &json);
        }
        *lock(&self.inner.new_session_model) = Some(model);
        if restart {
            // After the options are in place: a codex started now reads the new ones.
            self.release(id).await;
        }
        tracing::info!(session = %id, ?options, "session options changed");
        self.options_changed(id, &options).await;
        Ok(options)
    }

    /// Stores session `id`'s options, for the next turn, this run and the next.
    pub(super) fn keep_options(&self, id: &str, options: &SessionOptions) {
        self.inner.store.set_session_options(id, options);
        lock(&self.inner.options).insert(id.to_string(), options.clone());
    }

    /// Tells the window session `id`'s options changed.
    pub(super) async fn options_changed(&self, id: &str, options: &SessionOptions) {
        self.emit(
            id,
            SessionEvent::OptionsChanged {
                options: options.clone(),
            },
        )
        .await;
    }

    /// The models the session's codex offers (starting codex if it is not running) and the one
    /// its thread uses now.
    pub async fn models(&self, id: &str) -> Result<ModelList> {
        let session = self.session(id).await?;
        let chosen = self.options_of(id).await?;
        let live = self.live_quietly(&session).await?;
        let models = options::list_models(live.client()).await?;
        let (model, effort) = live.model();
        Ok(ModelList {
            models,
            current: chosen.model.or(model),
            current_effort: chosen.effort.or(effort),
        })
    }

    /// Session `id`'s options: as last set in this run, else as stored.
    pub(super) async fn options_of(&self, id: &str) -> Result<SessionOptions> {
        if let Some(options) = lock(&self.inner.options).get(id).cloned() {
            return Ok(options);
        }
        let stored = self.inner.store.session_options(id).await?;
        Ok(lock(&self.inner.options)
            .entry(id.to_string())
            .or_insert(stored)
            .clone())
    }

    /// The options a new session starts with: the last chosen model and effort; the sandbox,
    /// approvals and network as the user's codex configuration sets them, else the defaults.
    pub(super) fn options_for_new_session(&self) -> SessionOptions {
        // A config codex could not read either is left to the session's start to report.
        let defaults = self
            .inner
            .config
            .user_codex_home
            .as_deref()
            .and_then(|home| crate::sessions::read_user_config(home).ok().flatten())
            .map(|config| options::user_defaults(&config))
            .unwrap_or_default();
        let mut cached = lock(&self.inner.new_session_model);
        if cached.is_none() {
            // Once per run, from the settings (a small read; sessions are created rarely).
            let stored = self
                .inner
                .store
                .setting_blocking(NEW_SESSION_MODEL_KEY)
                .ok()
                .flatten()
                .and_then(|json| serde_json::from_str(&json).ok());
            *cached = Some(stored.unwrap_or((None, None)));
        }
        let (model, effort) = cached.clone().unwrap_or((None, None));
        SessionOptions {
            model,
            effort,
            ..defaults
        }
    }
}
