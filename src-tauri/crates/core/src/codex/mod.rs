//! Everything about talking to codex: finding it, spawning it, the JSON-RPC client, the live
//! session (one app-server and its thread), and answers to codex's own requests.

pub mod client;
pub mod discovery;
pub mod process;
pub mod requests;
pub mod session;
