//! The parts of codex's app-server protocol the core reads, typed. Everything else codex sends
//! goes to the window and the store as it came. Each type here is checked against the JSON schema
//! the pinned codex generates (`tests/tests/codex/wire.rs`): a field codex renamed, made optional
//! or stopped sending, or a status it added, fails that test instead of being read as empty.
//!
//! Fields are only what the core needs; codex's other fields are ignored, never refused.

use serde::Deserialize;
use serde_json::Value;

#[cfg(feature = "wire-schema")]
use schemars::JsonSchema;

/// The notifications the core reads, by their method names.
pub mod method {
    pub const ITEM_STARTED: &str = "item/started";
    pub const ITEM_COMPLETED: &str = "item/completed";
    pub const TURN_STARTED: &str = "turn/started";
    pub const TURN_COMPLETED: &str = "turn/completed";
    pub const TOKEN_USAGE_UPDATED: &str = "thread/tokenUsage/updated";
    pub const TURN_PLAN_UPDATED: &str = "turn/plan/updated";
    pub const ERROR: &str = "error";
    pub const SERVER_REQUEST_RESOLVED: &str = "serverRequest/resolved";
    pub const AGENT_MESSAGE_DELTA: &str = "item/agentMessage/delta";
    pub const COMMAND_OUTPUT_DELTA: &str = "item/commandExecution/outputDelta";
    pub const REASONING_SUMMARY_DELTA: &str = "item/reasoning/summaryTextDelta";
    pub const REASONING_TEXT_DELTA: &str = "item/reasoning/textDelta";
    pub const CONFIG_WARNING: &str = "configWarning";
    pub const WARNING: &str = "warning";
    pub const LOGIN_COMPLETED: &str = "account/login/completed";
}

/// Reads a codex message as `T`; `None` (and a log line naming `what`) when it does not fit.
pub fn read<'a, T: Deserialize<'a>>(what: &str, value: &'a Value) -> Option<T> {
    match T::deserialize(value) {
        Ok(v) => Some(v),
        Err(e) => {
            tracing::error!(what, error = %e, "codex sent something this app cannot read");
            None
        }
    }
}

/// `thread/start` and `thread/resume` answers.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub struct ThreadOpened {
    pub thread: Thread,
    /// The model the thread runs with.
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default, rename = "reasoningEffort")]
    pub reasoning_effort: Option<String>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub struct Thread {
    pub id: String,
}

/// The `turn/start` answer, and the `turn/started` notification.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub struct TurnStarted {
    pub turn: TurnRef,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub struct TurnRef {
    pub id: String,
}

/// `item/started` and `item/completed`: which item of which turn (the item itself is stored as
/// codex sent it).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub struct ItemEvent {
    pub turn_id: String,
    pub item: ItemHead,
}

/// Every thread item has an id and a type.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub struct ItemHead {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
}

/// The agent's plan for a turn, whole, each time it changes (`turn/plan/updated`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub struct TurnPlanUpdated {
    pub turn_id: String,
    pub explanation: Option<String>,
    pub plan: Vec<PlanStep>,
}

#[derive(Debug, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub struct PlanStep {
    pub step: String,
    pub status: PlanStepStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub enum PlanStepStatus {
    Pending,
    InProgress,
    Completed,
}

/// `thread/tokenUsage/updated`: the thread's tokens so far, after a request of `turn_id`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub struct TokenUsageUpdated {
    pub turn_id: String,
    pub token_usage: ThreadTokenUsage,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub struct ThreadTokenUsage {
    /// Every request of the thread so far.
    pub total: TokenBreakdown,
    /// The last request alone (its input is what the context holds).
    pub last: TokenBreakdown,
    pub model_context_window: Option<i64>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub struct TokenBreakdown {
    pub total_tokens: i64,
    pub input_tokens: i64,
    pub cached_input_tokens: i64,
    pub output_tokens: i64,
    pub reasoning_output_tokens: i64,
}

/// `turn/completed`.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub struct TurnCompleted {
    pub turn: TurnOutcome,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub struct TurnOutcome {
    pub id: String,
    pub status: TurnStatus,
    pub error: Option<TurnError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub enum TurnStatus {
    Completed,
    Interrupted,
    Failed,
    InProgress,
}

impl TurnStatus {
    /// The name codex gives it (and the store keeps).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Completed => "completed",
            Self::Interrupted => "interrupted",
            Self::Failed => "failed",
            Self::InProgress => "inProgress",
        }
    }
}

/// A turn's error, in `turn/completed` and the `error` notification.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub struct TurnError {
    pub message: String,
    /// Codex's classification (a name, or an object with an HTTP status), read loosely.
    #[serde(default)]
    pub codex_error_info: Option<Value>,
}

/// The `error` notification.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub struct ErrorEvent {
    pub error: TurnError,
    pub will_retry: bool,
    pub turn_id: String,
}

/// Text appended to an item: `item/agentMessage/delta`, `item/commandExecution/outputDelta`.
/// Borrowed: these come by the thousand.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub struct Delta<'a> {
    pub item_id: &'a str,
    pub delta: &'a str,
}

/// `item/reasoning/summaryTextDelta`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub struct SummaryDelta<'a> {
    pub item_id: &'a str,
    pub delta: &'a str,
    pub summary_index: u64,
}

/// `item/reasoning/textDelta`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub struct ContentDelta<'a> {
    pub item_id: &'a str,
    pub delta: &'a str,
    pub content_index: u64,
}

/// `configWarning`.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub struct ConfigWarning {
    pub summary: String,
    pub details: Option<String>,
}

/// `warning`.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub struct Warning {
    pub message: String,
}

/// The `account/read` answer.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub struct AccountRead {
    pub account: Option<Account>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type")]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub enum Account {
    #[serde(rename = "apiKey")]
    ApiKey {},
    #[serde(rename = "chatgpt", rename_all = "camelCase")]
    ChatGpt {
        email: Option<String>,
        plan_type: Option<String>,
    },
    #[serde(rename = "amazonBedrock")]
    AmazonBedrock {},
    #[serde(rename = "gcp")]
    Gcp {},
}

/// The `getAuthStatus` answer. Codex's JSON schema leaves this request out (only its TypeScript
/// has it), so the account tests against the real codex are its check.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub struct AuthStatus {
    pub auth_method: Option<String>,
    pub auth_token: Option<String>,
}

/// The `account/login/start` answer.
#[derive(Debug, Deserialize)]
#[serde(tag = "type")]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub enum LoginStarted {
    #[serde(rename = "chatgpt", rename_all = "camelCase")]
    ChatGpt { login_id: String, auth_url: String },
    #[serde(rename = "chatgptDeviceCode", rename_all = "camelCase")]
    DeviceCode {
        login_id: String,
        verification_url: String,
        user_code: String,
    },
    #[serde(rename = "apiKey")]
    ApiKey {},
    #[serde(rename = "chatgptAuthTokens")]
    ChatGptAuthTokens {},
    #[serde(rename = "amazonBedrock")]
    AmazonBedrock {},
}

impl LoginStarted {
    /// The id codex gives a sign-in it waits for.
    pub fn login_id(&self) -> Option<&str> {
        match self {
            Self::ChatGpt { login_id, .. } | Self::DeviceCode { login_id, .. } => Some(login_id),
            Self::ApiKey {} | Self::ChatGptAuthTokens {} | Self::AmazonBedrock {} => None,
        }
    }
}

/// `account/login/completed`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wire-schema", derive(JsonSchema))]
pub struct LoginCompleted {
    pub login_id: Option<String>,
    pub success: bool,
    pub error: Option<String>,
}
