//! A session's options: the model and its reasoning effort, what the sandbox lets codex do, and
//! when codex asks the user first. Remembered per session; they apply from the next turn.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What codex's commands may touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SandboxMode {
    /// Read files anywhere, write nowhere.
    ReadOnly,
    /// Write inside the workspace (and temp folders); everything else is read-only.
    #[default]
    WorkspaceWrite,
    /// No sandbox: commands run with the user's full rights.
    FullAccess,
}

/// When codex asks the user before acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ApprovalMode {
    /// Before any command that is not known to be safe.
    Untrusted,
    /// When codex wants to go beyond the sandbox.
    #[default]
    OnRequest,
    /// Never: what the sandbox refuses fails.
    Never,
}

/// What codex's model may look up on the web.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum WebSearch {
    /// No web search.
    Off,
    /// Search results from OpenAI's cache (no live pages).
    Cached,
    /// Live web search.
    Live,
}

/// A session's options. `None` model or effort: what the user's codex configuration says.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct SessionOptions {
    pub model: Option<String>,
    pub effort: Option<String>,
    pub sandbox: SandboxMode,
    pub approvals: ApprovalMode,
    /// Network access for commands in the workspace-write sandbox (full access always has it,
    /// read-only never).
    pub network: bool,
    /// Folders besides the workspace that the workspace-write sandbox lets codex write.
    pub writable_folders: Vec<String>,
    /// The session has its own Python virtual environment (in its folder), first on the PATH
    /// of codex's commands.
    pub python_venv: bool,
    /// A JSON Schema (an object schema, as JSON text) every final answer must follow: answers
    /// come as JSON, shown formatted.
    pub output_schema: Option<String>,
    /// Web search for the model (`None`: as the user's codex configuration says).
    pub web_search: Option<WebSearch>,
    /// Names of the session's own environment variables (their values are in the OS keychain,
    /// never here); codex and the agent's commands get them.
    pub env: Vec<String>,
}

/// A reasoning effort a model supports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EffortChoice {
    pub effort: String,
    pub description: String,
}

/// A model the session's codex offers (`model/list`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ModelChoice {
    /// The slug codex is given.
    pub id: String,
    pub name: String,
    pub description: String,
    pub efforts: Vec<EffortChoice>,
    pub default_effort: Option<String>,
}

/// The models to choose from, and what the session's thread uses now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ModelList {
    pub models: Vec<ModelChoice>,
    /// The model the thread runs with (from the options, else from the user's configuration).
    pub current: Option<String>,
    pub current_effort: Option<String>,
}
