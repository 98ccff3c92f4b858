//! A session's own environment variables: names in its options, values in the OS keychain
//! (never in SQLite, logs or the window). Codex gets them when it starts, and passes them to the
//! agent's commands; changing them starts a new codex between turns.

use codex_desk_protocol::{SessionEvent, SessionOptions};

use super::{lock, Engine};
use crate::error::{CoreError, Result};
use crate::export::blocking;
use crate::secrets::keychain;

/// At most this many variables per session.
const MOST_VARIABLES: usize = 50;
/// The longest value kept (Windows' credential store takes about 1,280 characters).
const LONGEST_VALUE: usize = if cfg!(windows) { 1_200 } else { 32 * 1024 };
/// Names the app sets, or that would change how codex itself or every program runs (besides
/// those codex reads: its model service, certificates, proxies, logging).
const RESERVED: &[&str] = &[
    "VIRTUAL_ENV",
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "DYLD_INSERT_LIBRARIES",
    "DYLD_LIBRARY_PATH",
    "SYSTEMROOT",
    "USERPROFILE",
    "APPDATA",
    "LOCALAPPDATA",
    "COMSPEC",
];

impl Engine {
    /// Sets environment variable `name` of session `id` to `value` (`None` removes it), between
    /// turns; returns the session's options (with the names it has now).
    pub async fn set_session_env(
        &self,
        id: &str,
        name: &str,
        value: Option<&str>,
    ) -> Result<SessionOptions> {
        self.session(id).await?;
        let name = name.trim();
        let valid = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && name.len() <= 128;
        if !valid {
            // Not echoed: a value pasted in the wrong box would land in the log.
            return Err(CoreError::InvalidInput(
                "That cannot be an environment variable's name: use letters, digits and _, not starting with a digit.".into(),
            ));
        }
        if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(name))
            || crate::sessions::steers_codex(name)
            || name.starts_with("CODEX_DESK")
        {
            return Err(CoreError::InvalidInput(format!(
                "{name} changes how codex itself or the system runs (its model service, certificates, proxies, paths); Codex Desk does not set it per session. Pick another name."
            )));
        }
        if let Some(value) = value {
            if value.len() > LONGEST_VALUE || value.contains('\0') {
                return Err(CoreError::InvalidInput(format!(
                    "The value of {name} must be text of at most {} KB.",
                    LONGEST_VALUE / 1024
                )));
            }
        }
        // A new environment means a new codex: no turn starts on the old one meanwhile.
        let gate = self.send_gate(id);
        let _no_send = gate.lock().await;
        let running = lock(&self.inner.live)
            .get(id)
            .is_some_and(|live| live.is_busy());
        if running {
            return Err(CoreError::InvalidInput(
                "The environment changes between turns: wait for this one to finish, or press Stop.".into(),
            ));
        }
        let before = self.options_of(id).await?;
        if value.is_some()
            && !before.env.iter().any(|n| n == name)
            && before.env.len() >= MOST_VARIABLES
        {
            return Err(CoreError::InvalidInput(format!(
                "A session takes at most {MOST_VARIABLES} variables: remove one first."
            )));
        }
        let (session, key, kept) = (id.to_string(), name.to_string(), value.map(str::to_string));
        let written = blocking(move || {
            keychain::set_session_env(&session, &key, kept.as_deref()).map_err(CoreError::Keychain)
        })
        .await;
        match written {
            Ok(()) => {}
            // A variable can always be taken off the session, even with the keychain out of
            // reach: its value, left there, is no longer given to codex.
            Err(e) if value.is_none() => {
                tracing::warn!(session = %id, variable = %name, error = %e, "a removed session variable stayed in the keychain");
            }
            Err(e) => return Err(e),
        }
        // The options as they are now (another change may have landed meanwhile).
        let mut options = self.options_of(id).await?;
        options.env.retain(|n| n != name);
        if value.is_some() {
            options.env.push(name.to_string());
        }
        self.keep_options(id, &options);
        self.release(id).await;
        tracing::info!(session = %id, variable = %name, set = value.is_some(), "session environment changed");
        self.options_changed(id, &options).await;
        Ok(options)
    }

    /// The variables session `id`'s codex starts with (a name whose value is gone from the
    /// keychain is left out, and the user told).
    pub(super) async fn env_values(
        &self,
        id: &str,
        options: &SessionOptions,
    ) -> Result<Vec<(String, String)>> {
        if options.env.is_empty() {
            return Ok(Vec::new());
        }
        let (session, names) = (id.to_string(), options.env.clone());
        let read = blocking(move || {
            names
                .into_iter()
                .map(|name| {
                    let value =
                        keychain::session_env(&session, &name).map_err(CoreError::Keychain)?;
                    Ok((name, value))
                })
                .collect::<Result<Vec<_>>>()
        })
        .await?;
        let missing: Vec<&str> = read
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|(n, _)| n.as_str())
            .collect();
        if !missing.is_empty() {
            self.emit(
                id,
                SessionEvent::SetupWarning {
                    message: format!(
                        "No value is kept for {} in this session: set it again in the session's environment.",
                        missing.join(", ")
                    ),
                },
            )
            .await;
        }
        Ok(read
            .into_iter()
            .filter_map(|(name, value)| value.map(|v| (name, v)))
            .collect())
    }

    /// Removes the values session `id` kept (it is being deleted); best effort.
    pub(super) async fn forget_env(&self, id: &str, names: Vec<String>) {
        let session = id.to_string();
        let _ = blocking(move || {
            for name in names {
                if let Err(e) = keychain::set_session_env(&session, &name, None) {
                    tracing::warn!(variable = %name, error = %e, "a session variable stayed in the keychain");
                }
            }
            Ok(())
        })
        .await;
    }

    /// Gives session `to` the values of session `from`'s variables (a fork); best effort: a
    /// missing one is announced when the fork starts.
    pub(super) async fn copy_env(&self, from: &str, to: &str, names: Vec<String>) {
        let (from, to) = (from.to_string(), to.to_string());
        let _ = blocking(move || {
            for name in names {
                if let Ok(Some(value)) = keychain::session_env(&from, &name) {
                    let _ = keychain::set_session_env(&to, &name, Some(&value));
                }
            }
            Ok(())
        })
        .await;
    }
}
