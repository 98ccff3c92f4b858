//! Questions codex asks the user during a turn (approve a command, a change to files, more
//! access, a form from an MCP server) and the answers the user gives.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What codex asks to be allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ApprovalKind {
    /// Run a command with more access than the sandbox gives.
    Command,
    /// Change files the sandbox does not let it write.
    FileChange,
    /// Answer questions ([`ApprovalRequest::questions`]); Approve sends the answers, Decline
    /// none.
    Questions,
    /// More access for the rest of the turn or the session ([`ApprovalRequest::permissions`]).
    Permissions,
    /// An MCP server asks for something ([`ApprovalRequest::elicitation`]): a form to fill in,
    /// a page to open, or codex asks to use one of its tools.
    Elicitation,
}

/// A host a command wants to reach, when codex's managed network asks first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NetworkAsk {
    pub host: String,
    /// How it would connect, as codex names it (`https`, `http`, `socks5Tcp`, ...).
    pub protocol: String,
    /// The port, when codex names it (in the request's command or item id).
    pub port: Option<u16>,
}

/// The access codex asks for beyond the sandbox's.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PermissionAsk {
    /// Network access for its commands.
    pub network: bool,
    /// Folders or files to read.
    pub read: Vec<String>,
    /// Folders or files to write.
    pub write: Vec<String>,
}

/// What an MCP server asks of the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Elicitation {
    /// The server, as named in the user's codex config.
    pub server: String,
    /// Its words.
    pub message: String,
    /// What it asks for.
    pub ask: ElicitationAsk,
}

/// The kinds of [`Elicitation`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "type"
)]
pub enum ElicitationAsk {
    /// A form: Approve sends what is filled in (checked against the fields), Decline nothing.
    Form { fields: Vec<FormField> },
    /// A page to open in the browser: Approve opens it and tells the server.
    Url { url: String },
    /// Codex asks to call one of the server's tools.
    ToolCall {
        tool: String,
        /// The arguments, as JSON text, when codex shows them.
        arguments: Option<String>,
    },
}

/// One field of an MCP server's form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FormField {
    /// The key the answer goes under.
    pub name: String,
    /// Its label (the name when the server gives none).
    pub title: String,
    pub description: String,
    pub required: bool,
    pub input: FieldInput,
}

/// What a [`FormField`] takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "type"
)]
pub enum FieldInput {
    /// Text; `format` is `email`, `uri`, `date` or `date-time` when the server says so.
    Text {
        format: Option<String>,
        min_length: Option<u32>,
        max_length: Option<u32>,
        default: Option<String>,
    },
    /// A number (a whole one when `integer`).
    Number {
        integer: bool,
        minimum: Option<f64>,
        maximum: Option<f64>,
        default: Option<f64>,
    },
    /// Yes or no.
    Boolean { default: Option<bool> },
    /// One of the options (`many`: any number of them, between `min_items` and `max_items`).
    Choice {
        options: Vec<FieldOption>,
        many: bool,
        min_items: Option<u32>,
        max_items: Option<u32>,
        default: Vec<String>,
    },
}

/// An option of a [`FieldInput::Choice`]: the value sent, and its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FieldOption {
    pub value: String,
    pub label: String,
}

/// One question codex asks the user (its `request_user_input` tool).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserQuestion {
    /// Names the answer.
    pub id: String,
    /// A short heading.
    pub header: String,
    pub question: String,
    /// Answers to pick from (none: the answer is typed).
    pub options: Vec<QuestionOption>,
    /// A typed answer is taken besides the options.
    pub other: bool,
    /// The answer is secret: typed unseen, never stored by the app.
    pub secret: bool,
}

/// An answer offered for a [`UserQuestion`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct QuestionOption {
    pub label: String,
    pub description: String,
}

/// An answer the user can give, as the buttons name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ApprovalChoice {
    /// Allow it this once.
    Approve,
    /// Allow it, and the same again, for the rest of the session.
    ApproveForSession,
    /// Allow it, and from now on every command starting as codex proposes
    /// ([`ApprovalRequest::allow_prefix`]), in this and later sessions.
    AllowPrefix,
    /// Refuse it; the turn goes on without it.
    Decline,
    /// Refuse it and end the turn.
    CancelTurn,
    /// A host codex's managed network asks about ([`ApprovalRequest::network`]): allow it, and
    /// the host from now on (a rule kept in the session's codex home, through restarts).
    AllowHost,
    /// A host: refuse it, and the host from now on (a rule, like [`Self::AllowHost`]).
    BlockHost,
}

/// A question codex is waiting on, until the user answers or codex withdraws it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalRequest {
    /// Names the question within its session (codex's request id, as text).
    pub key: String,
    pub kind: ApprovalKind,
    pub turn_id: String,
    /// The command or file change item it is about.
    pub item_id: String,
    /// The command, for a command.
    pub command: Option<String>,
    /// The folder it would run in, for a command.
    pub cwd: Option<String>,
    /// Why codex asks, in its words.
    pub reason: Option<String>,
    /// For a file change: the folder codex asks to write in for the rest of the session.
    pub grant_root: Option<String>,
    /// The command prefix codex proposes to allow from now on ([`ApprovalChoice::AllowPrefix`]).
    pub allow_prefix: Option<Vec<String>>,
    /// The answers offered, in the order to show them.
    pub choices: Vec<ApprovalChoice>,
    /// The questions, for [`ApprovalKind::Questions`].
    #[serde(default)]
    pub questions: Vec<UserQuestion>,
    /// The access asked for, for [`ApprovalKind::Permissions`].
    #[serde(default)]
    pub permissions: Option<PermissionAsk>,
    /// What an MCP server asks, for [`ApprovalKind::Elicitation`].
    #[serde(default)]
    pub elicitation: Option<Box<Elicitation>>,
    /// For a command: the host it wants to reach, when that is what codex asks about.
    #[serde(default)]
    pub network: Option<Box<NetworkAsk>>,
    /// When codex asked (Unix milliseconds).
    pub asked_at: i64,
}

/// How a question ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "by", content = "choice")]
pub enum ApprovalOutcome {
    /// The user answered.
    User(ApprovalChoice),
    /// Stop was pressed, or the session was closed, while it waited: the turn was cancelled.
    Stopped,
    /// Codex withdrew it (the turn ended) or exited.
    Withdrawn,
}
