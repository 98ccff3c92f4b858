//! Sign-in flows, run by the account process: ChatGPT through the system browser (codex listens
//! on 127.0.0.1:1455 for the redirect) and device code (the user signs in on any device). The
//! app opens the URL, shows progress, and turns codex's outcome into words the user can act on.

use std::time::Duration;

use codex_desk_protocol::{AccountState, LoginProgress};
use serde_json::{json, Value};
use tokio::sync::broadcast;

use super::host::{AccountHost, HostEvent};
use super::{keychain_ready, lock, Account};
use crate::codex::wire;
use crate::error::{CoreError, Result};
use crate::secrets::keychain::KeychainError;

/// Codex gives up after 10 (browser) or 15 (device code) minutes; the app waits a little longer
/// so codex's own words reach the user.
const LOGIN_WAIT: Duration = Duration::from_secs(16 * 60);

/// Opens a URL in the system browser; `Err` says why it could not.
pub type Opener<'a> = &'a (dyn Fn(&str) -> std::result::Result<(), String> + Send + Sync);

impl Account {
    /// Starts a ChatGPT sign-in: asks codex for the authorization URL, opens it with `open`, and
    /// returns at once; the outcome arrives as a state change.
    pub async fn sign_in_chatgpt(&self, open: Opener<'_>) -> Result<AccountState> {
        let wire::LoginStarted::ChatGpt { login_id, auth_url } =
            self.start_login(json!({ "type": "chatgpt" })).await?
        else {
            return Err(CoreError::Login(
                "codex did not give a sign-in address".into(),
            ));
        };
        let open_error = open_url(open, &auth_url).err();
        if let Some(why) = &open_error {
            tracing::warn!(%why, "the browser could not be opened for sign-in");
        }
        self.set_progress(
            &login_id,
            LoginProgress::Browser {
                auth_url,
                open_error,
            },
        );
        Ok(self.state())
    }

    /// Starts a device-code sign-in: the code and the address to enter it at are shown; the
    /// outcome arrives as a state change.
    pub async fn sign_in_device_code(&self) -> Result<AccountState> {
        let wire::LoginStarted::DeviceCode {
            login_id,
            verification_url,
            user_code,
        } = self
            .start_login(json!({ "type": "chatgptDeviceCode" }))
            .await?
        else {
            return Err(CoreError::Login("codex did not give a device code".into()));
        };
        self.set_progress(
            &login_id,
            LoginProgress::DeviceCode {
                verification_url,
                user_code,
            },
        );
        Ok(self.state())
    }

    /// Opens the browser sign-in page again (the user closed the tab).
    pub fn reopen_sign_in_page(&self, open: Opener<'_>) -> Result<AccountState> {
        let url = match &self.state().login {
            Some(LoginProgress::Browser { auth_url, .. }) => auth_url.clone(),
            Some(LoginProgress::DeviceCode {
                verification_url, ..
            }) => verification_url.clone(),
            None => {
                return Err(CoreError::Login(
                    "No sign-in is waiting for the browser.".into(),
                ))
            }
        };
        let open_error = open_url(open, &url).err();
        Ok(self.update(|s| {
            if let Some(LoginProgress::Browser { open_error: e, .. }) = s.login.as_mut() {
                *e = open_error;
            }
        }))
    }

    /// Stops the sign-in in progress.
    pub async fn cancel_sign_in(&self) -> Result<AccountState> {
        self.end_pending_sign_in().await?;
        Ok(self.update(|s| {
            s.login = None;
            s.error = None;
        }))
    }

    /// Ends a sign-in still waiting on the browser; its waiting task then ends quietly.
    pub(super) async fn end_pending_sign_in(&self) -> Result<()> {
        let login_id = lock(&self.inner.login_id).take();
        if let Some(login_id) = login_id {
            let host = self.host().await?;
            cancel(&host, &login_id).await;
        }
        Ok(())
    }

    async fn start_login(&self, params: Value) -> Result<wire::LoginStarted> {
        let _one_at_a_time = self.inner.login_start.lock().await;
        let result = async {
            keychain_ready().await?;
            let host = self.host().await?;
            let earlier = lock(&self.inner.login_id).take();
            if let Some(earlier) = earlier {
                cancel(&host, &earlier).await;
            }
            let events = host.subscribe();
            let response = host
                .client()
                .request("account/login/start", params)
                .await
                .map_err(classify_start)?;
            let started =
                wire::read::<wire::LoginStarted>("the account/login/start answer", &response)
                    .ok_or_else(|| {
                        CoreError::Login(
                    "codex answered the sign-in in a way this version of Codex Desk cannot read"
                        .into(),
                )
                    })?;
            let login_id = started
                .login_id()
                .ok_or_else(|| CoreError::Login("codex did not name the sign-in".into()))?
                .to_string();
            *lock(&self.inner.login_id) = Some(login_id.clone());
            tokio::spawn(self.clone().wait_for(login_id, events));
            Ok(started)
        }
        .await;
        result.inspect_err(|e| self.fail(e))
    }

    fn set_progress(&self, login_id: &str, progress: LoginProgress) {
        if lock(&self.inner.login_id).as_deref() != Some(login_id) {
            return; // it already ended
        }
        self.update(|s| {
            s.login = Some(progress);
            s.error = None;
        });
    }

    /// Waits for codex to finish the sign-in `login_id` and shows the outcome.
    async fn wait_for(self, login_id: String, mut events: broadcast::Receiver<HostEvent>) {
        let outcome = tokio::time::timeout(LOGIN_WAIT, async {
            loop {
                match events.recv().await {
                    Ok(HostEvent::LoginCompleted {
                        login_id: id,
                        success,
                        error,
                    }) if id.as_deref().is_none_or(|id| id == login_id) => {
                        return (success, error);
                    }
                    Ok(HostEvent::Exited) | Err(broadcast::error::RecvError::Closed) => {
                        return (false, Some("the sign-in process stopped".into()));
                    }
                    _ => {}
                }
            }
        })
        .await
        .unwrap_or((false, Some("Login timed out".into())));
        // A sign-in the user cancelled, or that a newer one replaced, ends quietly.
        {
            let mut current = lock(&self.inner.login_id);
            if current.as_deref() != Some(login_id.as_str()) {
                return;
            }
            *current = None;
        }
        match outcome {
            (true, _) => {
                if let Err(e) = self.signed_in().await {
                    tracing::warn!(error = %e, "signed in, but codex could not say who");
                    self.fail(&e);
                }
                tracing::info!("signed in");
            }
            (false, error) => {
                let error = classify_completion(error.as_deref().unwrap_or("no reason given"));
                tracing::warn!(error = %error, "sign-in failed");
                self.fail(&error);
            }
        }
    }
}

async fn cancel(host: &AccountHost, login_id: &str) {
    let _ = host
        .client()
        .request("account/login/cancel", json!({ "loginId": login_id }))
        .await;
}

/// Hands `url` to the system browser; only web addresses, never through a shell.
fn open_url(open: Opener<'_>, url: &str) -> std::result::Result<(), String> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(format!("not a web address: {url}"));
    }
    open(url)
}

/// Errors of `account/login/start`.
fn classify_start(e: CoreError) -> CoreError {
    match e {
        CoreError::Rpc { message, .. } if message.contains("already in use") => {
            CoreError::LoginPortBusy { detail: message }
        }
        CoreError::Rpc { message, .. } => CoreError::Login(message),
        other => other,
    }
}

/// The words of codex's `account/login/completed {success: false, error}`.
fn classify_completion(error: &str) -> CoreError {
    let lower = error.to_lowercase();
    if lower.contains("could not be saved") {
        return CoreError::Keychain(KeychainError::Failed {
            reason: format!("codex signed in but could not store the tokens ({error})"),
        });
    }
    if lower.contains("timed out") {
        return CoreError::Login(
            "The sign-in timed out: the browser did not come back to Codex Desk in time. Start again; if the browser did not open, copy the sign-in link, or sign in with a device code.".into(),
        );
    }
    if lower.contains("access_denied") || lower.contains("declined") || lower.contains("denied") {
        let detail = error.rsplit(": ").next().unwrap_or(error);
        return CoreError::Login(format!(
            "The sign-in was declined in the browser ({detail}). Start again when you are ready."
        ));
    }
    if lower.contains("not enabled for your workspace") {
        return CoreError::Login(error.to_string());
    }
    let detail = error.trim_start_matches("Login server error: ");
    CoreError::Login(format!("The sign-in did not complete: {detail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codex_login_errors_become_actionable() {
        let busy = classify_start(CoreError::Rpc {
            method: "account/login/start".into(),
            code: -32603,
            message: "failed to start login server: Port 127.0.0.1:1457 is already in use".into(),
        });
        assert!(matches!(busy, CoreError::LoginPortBusy { .. }));
        assert!(busy.to_string().contains("1455"), "{busy}");

        let denied = classify_completion(
            "Login server error: Sign-in failed: The user declined to authorize Codex.",
        );
        assert!(denied.to_string().contains("declined"), "{denied}");
        let timed_out = classify_completion("Login timed out");
        assert!(timed_out.to_string().contains("device code"), "{timed_out}");
        let store =
            classify_completion("Sign-in completed but credentials could not be saved locally.");
        assert!(matches!(store, CoreError::Keychain(_)));
    }

    #[test]
    fn only_web_addresses_are_opened() {
        let opened = std::sync::Mutex::new(Vec::new());
        let open = |url: &str| -> std::result::Result<(), String> {
            opened.lock().expect("lock").push(url.to_string());
            Ok(())
        };
        assert!(open_url(&open, "file:///etc/passwd").is_err());
        assert!(open_url(&open, "https://auth.openai.com/x").is_ok());
        assert_eq!(opened.lock().expect("lock").len(), 1);
    }
}
