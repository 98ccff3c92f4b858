//! Everything about talking to codex: finding it, spawning it, the JSON-RPC client, the live
//! session (one app-server and its thread), answers to codex's own requests, and the typed parts
//! of codex's messages the core reads.

pub mod approvals;
pub mod client;
pub mod discovery;
pub mod elicitation;
pub mod options;
pub mod process;
pub mod requests;
pub mod rollouts;
pub mod session;
pub mod wire;
