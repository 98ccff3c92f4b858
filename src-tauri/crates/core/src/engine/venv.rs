//! A session's own Python virtual environment: made when the user turns it on (or at launch,
//! if it went missing), and put first on the PATH of the session's codex.

use codex_desk_protocol::SessionOptions;

use super::{lock, Engine};
use crate::error::{CoreError, Result};
use crate::sessions::venv::{self, Maker};

impl Engine {
    /// The environment session `id`'s codex gets beyond the app's own.
    pub(super) async fn session_env(
        &self,
        id: &str,
        options: &SessionOptions,
    ) -> Result<Vec<(String, String)>> {
        let mut env = self.inner.config.codex_env.clone();
        if !options.python_venv {
            return Ok(env);
        }
        let venv = self.folder(id).venv();
        if !venv.exists() {
            venv.make(&self.venv_maker()?).await?;
        }
        let path = match env.iter().find(|(k, _)| k == "PATH") {
            Some((_, v)) => Some(v.into()),
            None => venv::login_path()
                .await
                .or_else(|| std::env::var_os("PATH")),
        };
        env.retain(|(k, _)| k != "PATH" && k != "VIRTUAL_ENV");
        env.extend(venv.env(path)?);
        Ok(env)
    }

    /// Readies session `id` for options its codex takes at start (its own Python environment,
    /// made now; web search), between turns: its codex starts again for the next turn.
    pub(super) async fn restart_with(&self, id: &str, options: &SessionOptions) -> Result<()> {
        let running = lock(&self.inner.live)
            .get(id)
            .is_some_and(|live| live.is_busy());
        if running {
            return Err(CoreError::InvalidInput(
                "The Python environment and web search change between turns: wait for this one to finish, or press Stop.".into(),
            ));
        }
        if options.python_venv {
            let venv = self.folder(id).venv();
            if !venv.exists() {
                venv.make(&self.venv_maker()?).await?;
            }
        }
        self.release(id).await;
        Ok(())
    }

    fn venv_maker(&self) -> Result<Maker> {
        Maker::find(self.inner.config.python.as_deref(), std::env::var_os("PATH")).ok_or_else(
            || {
                CoreError::InvalidInput(
                    "No Python was found to make the session's environment: install Python 3 (with its venv module) or uv, then turn the option on again.".into(),
                )
            },
        )
    }
}
