//! The user's account: sign-in, where its credentials live, and how sessions get them.
//!
//! One account process ([`host`]) owns the credentials, in the OS keychain through codex's own
//! keyring store, and is the only holder of the ChatGPT refresh token (two holders of one
//! refresh token sign each other out). Sessions get in-memory credentials from the app through
//! the protocol: `chatgptAuthTokens` (an access token) or `apiKey`, with codex's `ephemeral`
//! store, so nothing is written to a session folder. When a session's access token is refused,
//! codex asks the app (`account/chatgptAuthTokens/refresh`) and [`Account::renewed`] answers from
//! the account process, refreshing at most once however many sessions ask.

mod api_key;
pub mod host;
mod jwt;
mod login;
mod provider;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use codex_desk_protocol::{AccountAuth, AccountState};
use serde_json::{json, Value};

use self::host::{AccountHost, HostSpec};
use self::provider::ProviderCache;
use crate::codex::wire;
use crate::error::{CoreError, Result};
use crate::secrets::keychain::{self, KeychainError};
use crate::secrets::Secret;
use crate::store::Store;

pub use self::jwt::{claims, Claims};

/// The settings key under which the account's display (never a credential) is remembered.
const REMEMBERED: &str = "account_auth";

/// Credentials for one session's codex, in memory only.
#[derive(Debug, Clone)]
pub enum Credentials {
    ChatGpt {
        access_token: Secret,
        account_id: String,
        plan: Option<String>,
    },
    ApiKey(Secret),
}

impl Credentials {
    /// The token the model sees (to tell a stale one from a renewed one).
    pub fn token(&self) -> &Secret {
        match self {
            Credentials::ChatGpt { access_token, .. } => access_token,
            Credentials::ApiKey(key) => key,
        }
    }

    /// The `account/login/start` parameters that hand these to a codex.
    pub fn login_params(&self) -> Value {
        match self {
            Credentials::ChatGpt {
                access_token,
                account_id,
                plan,
            } => json!({
                "type": "chatgptAuthTokens",
                "accessToken": access_token.expose(),
                "chatgptAccountId": account_id,
                "chatgptPlanType": plan,
            }),
            Credentials::ApiKey(key) => json!({ "type": "apiKey", "apiKey": key.expose() }),
        }
    }

    /// The answer to codex's `account/chatgptAuthTokens/refresh`.
    pub fn refresh_answer(&self) -> Option<Value> {
        match self {
            Credentials::ChatGpt {
                access_token,
                account_id,
                plan,
            } => Some(json!({
                "accessToken": access_token.expose(),
                "chatgptAccountId": account_id,
                "chatgptPlanType": plan,
            })),
            Credentials::ApiKey(_) => None,
        }
    }
}

/// Finds the codex binary (the engine's search, shared).
pub type Locator = Arc<dyn Fn() -> Result<PathBuf> + Send + Sync>;
type Listener = Arc<dyn Fn(&AccountState) + Send + Sync>;

pub struct AccountConfig {
    /// The account process's codex home (inside the data folder).
    pub codex_home: PathBuf,
    pub user_codex_home: Option<PathBuf>,
    /// Extra environment for the account process (tests point sign-in at a mock issuer).
    pub extra_env: Vec<(String, String)>,
    pub locate: Locator,
}

#[derive(Clone)]
pub struct Account {
    inner: Arc<Inner>,
}

struct Inner {
    config: AccountConfig,
    store: Store,
    host: tokio::sync::Mutex<Option<Arc<AccountHost>>>,
    state: Mutex<AccountState>,
    provider: Mutex<ProviderCache>,
    listeners: Mutex<Vec<Listener>>,
    /// One renewal at a time: a second session asking meanwhile gets the renewed token.
    renewal: tokio::sync::Mutex<()>,
    /// One sign-in start at a time (a double click starts one).
    login_start: tokio::sync::Mutex<()>,
    /// The sign-in in progress, by codex's login id.
    login_id: Mutex<Option<String>>,
    /// Increases whenever the credentials sessions should hold may have changed (signed in,
    /// out, another key): live sessions follow it.
    generation: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Account {
    /// The account as remembered from the last run (codex confirms it on [`Account::confirm`]).
    pub fn new(config: AccountConfig, store: Store) -> Self {
        let auth = store
            .setting_blocking(REMEMBERED)
            .ok()
            .flatten()
            .and_then(|json| serde_json::from_str::<AccountAuth>(&json).ok())
            .unwrap_or(AccountAuth::SignedOut);
        let mut providers = ProviderCache::default();
        let provider = providers.get(config.user_codex_home.as_deref()).info;
        let state = AccountState {
            auth,
            provider,
            login: None,
            error: None,
            confirmed: false,
            revision: 0,
        };
        Self {
            inner: Arc::new(Inner {
                config,
                store,
                host: tokio::sync::Mutex::new(None),
                state: Mutex::new(state),
                provider: Mutex::new(providers),
                listeners: Mutex::new(Vec::new()),
                renewal: tokio::sync::Mutex::new(()),
                login_start: tokio::sync::Mutex::new(()),
                login_id: Mutex::new(None),
                generation: AtomicU64::new(0),
            }),
        }
    }

    /// What the account area shows now (the provider follows edits of the user's config).
    pub fn state(&self) -> AccountState {
        let provider = self.provider().info;
        let mut state = lock(&self.inner.state);
        state.provider = provider;
        state.clone()
    }

    fn provider(&self) -> provider::Provider {
        lock(&self.inner.provider).get(self.inner.config.user_codex_home.as_deref())
    }

    /// Which credentials sessions should hold: compare with what a session was given.
    pub fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::SeqCst)
    }

    fn credentials_changed(&self) {
        self.inner.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Calls `listener` with every change of the account state.
    pub fn on_change(&self, listener: impl Fn(&AccountState) + Send + Sync + 'static) {
        lock(&self.inner.listeners).push(Arc::new(listener));
    }

    fn update(&self, change: impl FnOnce(&mut AccountState)) -> AccountState {
        let (state, auth_changed) = {
            let mut state = lock(&self.inner.state);
            let before = state.auth.clone();
            change(&mut state);
            state.revision += 1;
            (state.clone(), state.auth != before)
        };
        if auth_changed {
            if let Ok(json) = serde_json::to_string(&state.auth) {
                self.inner.store.set_setting(REMEMBERED, &json);
            }
        }
        let listeners = lock(&self.inner.listeners).clone();
        for listener in listeners {
            listener(&state);
        }
        state
    }

    fn fail(&self, error: &CoreError) {
        let payload = error.to_payload();
        self.update(|s| {
            s.login = None;
            s.error = Some(payload);
        });
    }

    /// Stops the account process so that the next call starts a fresh one (which reads the
    /// keychain again).
    async fn restart_host(&self) {
        if let Some(host) = self.inner.host.lock().await.take() {
            host.stop();
        }
    }

    /// The account process, started when first needed (and again if it died).
    async fn host(&self) -> Result<Arc<AccountHost>> {
        let mut slot = self.inner.host.lock().await;
        if let Some(host) = slot.as_ref().filter(|h| h.is_alive()) {
            return Ok(host.clone());
        }
        let locate = self.inner.config.locate.clone();
        let binary = tokio::task::spawn_blocking(move || locate())
            .await
            .map_err(|e| CoreError::io("The codex search failed", std::io::Error::other(e)))??;
        let host = Arc::new(
            AccountHost::start(HostSpec {
                binary: &binary,
                codex_home: &self.inner.config.codex_home,
                user_codex_home: self.inner.config.user_codex_home.as_deref(),
                extra_env: &self.inner.config.extra_env,
            })
            .await?,
        );
        *slot = Some(host.clone());
        Ok(host)
    }

    /// Asks codex who is signed in, and shows it.
    pub async fn confirm(&self) -> Result<AccountState> {
        let auth = self.read_account().await?;
        Ok(self.update(|s| {
            s.auth = auth;
            s.confirmed = true;
        }))
    }

    /// Who codex says is signed in.
    async fn read_account(&self) -> Result<AccountAuth> {
        let host = self.host().await?;
        let read = host.client().request("account/read", json!({})).await?;
        let read =
            wire::read::<wire::AccountRead>("the account/read answer", &read).ok_or_else(|| {
                CoreError::Login(
                    "codex described the account in a way this version of Codex Desk cannot read"
                        .into(),
                )
            })?;
        Ok(match read.account {
            Some(wire::Account::ChatGpt { email, plan_type }) => AccountAuth::ChatGpt {
                email,
                plan: plan_type,
            },
            Some(wire::Account::ApiKey {}) => AccountAuth::ApiKey,
            Some(wire::Account::AmazonBedrock {} | wire::Account::Gcp {}) | None => {
                AccountAuth::SignedOut
            }
        })
    }

    /// After a sign-in or a new key: codex says who is signed in first, then the account and the
    /// change of credentials are shown at once, so the sessions handed them see the new account
    /// (handed the change before, a session open while signed out stayed signed out).
    async fn signed_in(&self) -> Result<AccountState> {
        let auth = self.read_account().await;
        self.credentials_changed();
        let state = self.update(|s| {
            if let Ok(auth) = &auth {
                s.auth = auth.clone();
                s.confirmed = true;
            }
            s.login = None;
            s.error = None;
        });
        auth.map(|_| state)
    }

    /// The credentials a session's codex should get now; `None` when signed out.
    pub async fn credentials(&self) -> Result<Option<Credentials>> {
        let (auth, confirmed) = {
            let state = lock(&self.inner.state);
            (state.auth.clone(), state.confirmed)
        };
        // What the app remembers may be older than the keychain (a database started afresh):
        // ask codex once before handing a session nothing.
        if auth == AccountAuth::SignedOut && !confirmed && self.provider().info.uses_account {
            if let Err(e) = self.confirm().await {
                tracing::warn!(error = %e, "could not confirm the account; using what was remembered");
            }
        }
        if lock(&self.inner.state).auth == AccountAuth::SignedOut {
            return Ok(None);
        }
        self.read_credentials(false).await
    }

    /// `getAuthStatus` on the account process; `refresh` forces a token refresh first.
    async fn read_credentials(&self, refresh: bool) -> Result<Option<Credentials>> {
        let credentials = self.ask_credentials(refresh).await?;
        if credentials.is_some() || lock(&self.inner.state).auth == AccountAuth::SignedOut {
            return Ok(credentials);
        }
        // Codex has none. After a refresh it was refused (expired, revoked); otherwise codex may
        // not have been able to read the keychain when it started (locked then), so look.
        if !refresh {
            let home = self.inner.config.codex_home.clone();
            let stored = keychain_call(KEYCHAIN_WAIT, move || {
                keychain::has_codex_credentials(&home)
            })
            .await?;
            if stored {
                self.restart_host().await;
                if let Some(credentials) = self.ask_credentials(false).await? {
                    return Ok(Some(credentials));
                }
                return Err(CoreError::Keychain(KeychainError::Failed {
                    reason: "your sign-in is in the keychain, but codex could not read it".into(),
                }));
            }
        }
        self.credentials_changed();
        self.update(|s| {
            s.auth = AccountAuth::SignedOut;
            s.error = Some(
                CoreError::SignInRequired(
                    "Your sign-in has expired or was revoked. Sign in again.".into(),
                )
                .to_payload(),
            );
            s.confirmed = true;
        });
        Ok(None)
    }

    async fn ask_credentials(&self, refresh: bool) -> Result<Option<Credentials>> {
        let host = self.host().await?;
        let status = host
            .client()
            .request(
                "getAuthStatus",
                json!({ "includeToken": true, "refreshToken": refresh }),
            )
            .await?;
        let status = wire::read::<wire::AuthStatus>("the getAuthStatus answer", &status)
            .ok_or_else(|| {
                CoreError::Login(
                    "codex reported the sign-in in a way this version of Codex Desk cannot read"
                        .into(),
                )
            })?;
        let token = status.auth_token.filter(|t| !t.is_empty()).map(Secret::new);
        Ok(match (status.auth_method.as_deref(), token) {
            (Some("chatgpt"), Some(token)) => {
                let claims = claims(token.expose()).unwrap_or_default();
                let account_id = claims.account_id.ok_or_else(|| {
                    CoreError::SignInRequired(
                        "Your ChatGPT sign-in carries no workspace account. Sign in again.".into(),
                    )
                })?;
                Some(Credentials::ChatGpt {
                    access_token: token,
                    account_id,
                    plan: claims.plan,
                })
            }
            (Some("apikey"), Some(key)) => Some(Credentials::ApiKey(key)),
            _ => None,
        })
    }

    /// Fresh credentials for a session whose `stale` token the model refused. Refreshes through
    /// the account process only when nobody has since: concurrent and later callers holding the
    /// same stale token get the already renewed one.
    pub async fn renewed(&self, stale: Option<&Secret>) -> Result<Credentials> {
        let _one_at_a_time = self.inner.renewal.lock().await;
        let expired = || {
            CoreError::SignInRequired(
                "Your ChatGPT sign-in could not be renewed (it expired or was revoked). Sign in again."
                    .into(),
            )
        };
        let current = self.credentials().await?.ok_or_else(expired)?;
        if stale.is_none_or(|s| s != current.token()) {
            return Ok(current);
        }
        tracing::info!("the model refused the access token; refreshing it");
        let fresh = self.read_credentials(true).await?.ok_or_else(expired)?;
        if Some(fresh.token()) == stale {
            // Codex kept the old token: the refresh failed for now (offline, an outage). The
            // account stays; the next refusal tries again.
            let error = CoreError::SignInRequired(
                "Your ChatGPT sign-in could not be renewed just now. Check your connection and send your message again; if it keeps failing, sign in again.".into(),
            );
            self.update(|s| s.error = Some(error.to_payload()));
            return Err(error);
        }
        self.credentials_changed();
        Ok(fresh)
    }

    /// Checks `key` with the provider (unless `check` is false), then keeps it in the keychain.
    pub async fn save_api_key(&self, key: Secret, check: bool) -> Result<AccountState> {
        let key = Secret::new(key.expose().trim());
        if key.is_empty() {
            return Err(CoreError::InvalidInput(
                "Paste your API key into the field first.".into(),
            ));
        }
        let result = async {
            keychain_ready().await?;
            if check {
                let base = provider::key_check_url(
                    &self.provider(),
                    std::env::var("OPENAI_BASE_URL").ok(),
                );
                api_key::check(&base, &key).await?;
            }
            let host = self.host().await?;
            host.client()
                .request(
                    "account/login/start",
                    json!({ "type": "apiKey", "apiKey": key.expose() }),
                )
                .await?;
            self.signed_in().await
        }
        .await;
        result.inspect_err(|e| self.fail(e))
    }

    /// Signs out: codex revokes the tokens and deletes them from the keychain (a fresh account
    /// process tries again if the first could not); whatever is left in the keychain item, the
    /// app deletes. Sessions lose their credentials (the engine sees to it).
    pub async fn sign_out(&self) -> Result<AccountState> {
        // A sign-in still waiting on the browser ends first, quietly (not as a failure after).
        if let Err(e) = self.end_pending_sign_in().await {
            tracing::warn!(error = %e, "could not end the sign-in waiting on the browser");
        }
        let mut logged_out = self.logout().await;
        if let Err(e) = &logged_out {
            tracing::warn!(error = %e, "codex could not sign out; trying with a fresh account process");
            self.restart_host().await;
            logged_out = self.logout().await;
        }
        let home = self.inner.config.codex_home.clone();
        let removed = keychain_call(KEYCHAIN_WAIT, move || {
            keychain::delete_codex_credentials(&home)
        })
        .await;
        self.credentials_changed();
        match (logged_out, removed) {
            (Err(e), Err(_)) => {
                self.fail(&e);
                Err(e)
            }
            _ => Ok(self.update(|s| {
                s.auth = AccountAuth::SignedOut;
                s.login = None;
                s.error = None;
                s.confirmed = true;
            })),
        }
    }

    async fn logout(&self) -> Result<()> {
        let host = self.host().await?;
        host.client().request("account/logout", json!({})).await?;
        Ok(())
    }

    /// Stops the account process (app exit).
    pub fn shutdown(&self) {
        if let Ok(slot) = self.inner.host.try_lock() {
            if let Some(host) = slot.as_ref() {
                host.stop();
            }
        }
    }

    /// Clears a shown error (the user dismissed it).
    pub fn dismiss_error(&self) -> AccountState {
        self.update(|s| s.error = None)
    }
}

/// The keychain works now, or a clear error saying what to do.
async fn keychain_ready() -> Result<()> {
    keychain_call(KEYCHAIN_WAIT, keychain::check).await
}

/// How long the keychain gets to answer (it may be showing the user an unlock prompt).
const KEYCHAIN_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// Runs `call` on the keychain off the async workers, at most `wait`: a keychain waiting on an
/// unlock prompt nobody sees (behind a window, or none can be shown) says so instead of
/// leaving the sign-in waiting forever.
async fn keychain_call<T: Send + 'static>(
    wait: std::time::Duration,
    call: impl FnOnce() -> std::result::Result<T, KeychainError> + Send + 'static,
) -> Result<T> {
    match tokio::time::timeout(wait, tokio::task::spawn_blocking(call)).await {
        Ok(joined) => joined
            .map_err(|e| CoreError::io("The keychain task failed", std::io::Error::other(e)))?
            .map_err(CoreError::Keychain),
        Err(_) => Err(CoreError::Keychain(KeychainError::Locked {
            reason: format!(
                "it did not answer within {} seconds; a window asking to unlock it may be waiting, perhaps behind another",
                wait.as_secs()
            ),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_keychain_that_does_not_answer_says_so_instead_of_waiting_forever() {
        let (release, held) = std::sync::mpsc::channel::<()>();
        let err = keychain_call(std::time::Duration::from_millis(50), move || {
            // An unlock prompt nobody answers (until the test ends).
            let _ = held.recv();
            Ok(())
        })
        .await
        .expect_err("no answer");
        assert!(
            matches!(&err, CoreError::Keychain(KeychainError::Locked { reason }) if reason.contains("did not answer")),
            "{err}"
        );
        assert!(err.to_string().contains("Unlock it"), "{err}");
        drop(release);
        assert!(keychain_call(std::time::Duration::from_secs(5), || Ok(7))
            .await
            .is_ok_and(|n| n == 7));
    }
}
