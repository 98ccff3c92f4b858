//! The account area: who is signed in, sign-in in progress, and the user's model provider.
//! Nothing here is a secret: tokens and keys never cross into the UI.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ErrorPayload;

/// How codex is signed in, as the account area shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum AccountAuth {
    SignedOut,
    /// Signed in with a ChatGPT account.
    #[serde(rename_all = "camelCase")]
    ChatGpt {
        email: Option<String>,
        /// "plus", "pro", "team", ... as codex reports it.
        plan: Option<String>,
    },
    /// An OpenAI API key, kept in the OS keychain.
    ApiKey,
}

/// A sign-in that waits for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum LoginProgress {
    /// The system browser was asked to open `auth_url`; codex waits for its redirect.
    #[serde(rename_all = "camelCase")]
    Browser {
        auth_url: String,
        /// Why the browser could not be opened, when it could not (the user copies the link).
        open_error: Option<String>,
    },
    /// The user signs in on another device: open `verification_url` and enter `user_code`.
    #[serde(rename_all = "camelCase")]
    DeviceCode {
        verification_url: String,
        user_code: String,
    },
}

/// The model provider sessions use, from the user's codex configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProviderInfo {
    /// The provider's id in the config (`openai` unless the user chose another).
    pub id: String,
    /// Its display name.
    pub name: String,
    /// Whether it uses the signed-in account (ChatGPT or API key); false when it brings its own
    /// key (`env_key`, headers) and works without signing in.
    pub uses_account: bool,
}

/// Everything the account area shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountState {
    pub auth: AccountAuth,
    pub provider: ProviderInfo,
    pub login: Option<LoginProgress>,
    /// Why the last sign-in, key check or sign-out failed, with what to do.
    pub error: Option<ErrorPayload>,
    /// False while `auth` is what the app remembered from its last run and codex has not
    /// confirmed it yet.
    pub confirmed: bool,
    /// Increases with every change, so the UI can drop a state older than one it has.
    pub revision: u64,
}

/// A custom prompt from the user's `$CODEX_HOME/prompts/`, offered as `/name` in the composer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PromptInfo {
    pub name: String,
    pub description: Option<String>,
    /// How to give its arguments, e.g. `FILE=<path> [FOCUS=<area>]`.
    pub argument_hint: Option<String>,
}
