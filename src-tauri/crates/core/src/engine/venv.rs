//! A session's own Python virtual environment: made when the user turns it on (again at
//! launch, with a word to the user, if it is missing), and first on the PATH of the agent's
//! commands (not of codex itself).

use codex_desk_protocol::{SessionEvent, SessionOptions};

use super::{lock, Engine};
use crate::error::{CoreError, Result};
use crate::sessions::venv::{self, Maker};

impl Engine {
    /// The codex settings (`-c`) session `id`'s Python environment gives its commands (none
    /// when it is off); the environment is made first if it is missing.
    pub(super) async fn venv_settings(
        &self,
        id: &str,
        options: &SessionOptions,
    ) -> Result<Vec<String>> {
        if !options.python_venv {
            return Ok(Vec::new());
        }
        let venv = self.folder(id).venv();
        if !venv.exists() {
            venv.make(&self.venv_makers().await).await?;
            self.emit(
                id,
                SessionEvent::SetupWarning {
                    message: "This session's Python environment was missing (a forked session, or its folder was removed), so a new, empty one was made: packages installed before are not in it.".into(),
                },
            )
            .await;
        }
        let path = match self
            .inner
            .config
            .codex_env
            .iter()
            .find(|(k, _)| k == "PATH")
        {
            Some((_, v)) => Some(v.into()),
            None => venv::login_path()
                .await
                .or_else(|| std::env::var_os("PATH")),
        };
        venv.command_settings(path)
    }

    /// Readies session `id` for options its codex takes at start (its Python environment is
    /// made now), between turns. The caller stores the options, then releases the codex.
    pub(super) async fn prepare_restart(&self, id: &str, options: &SessionOptions) -> Result<()> {
        let running = lock(&self.inner.live)
            .get(id)
            .is_some_and(|live| live.is_busy());
        if running {
            return Err(CoreError::InvalidInput(
                "The Python environment and web search change between turns: wait for this one to finish, or press Stop.".into(),
            ));
        }
        if options.python_venv {
            self.folder(id)
                .venv()
                .make(&self.venv_makers().await)
                .await?;
        }
        Ok(())
    }

    /// What can make an environment: the app's setting, else Python 3 or uv on the user's
    /// login PATH (a desktop app's own PATH can be minimal) or the app's.
    async fn venv_makers(&self) -> Vec<Maker> {
        let mut dirs: Vec<std::path::PathBuf> = Vec::new();
        for path in [venv::login_path().await, std::env::var_os("PATH")]
            .into_iter()
            .flatten()
        {
            dirs.extend(std::env::split_paths(&path));
        }
        let path = std::env::join_paths(dirs).ok();
        Maker::find(self.inner.config.python.as_deref(), path)
    }
}
