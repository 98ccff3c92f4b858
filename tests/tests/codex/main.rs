//! The core against the real `codex app-server` (the pinned npm package) and a mock model.

mod account;
mod approvals;
mod concurrency;
mod control;
mod faults;
mod followups;
mod fork;
mod generated;
mod idle;
mod images;
mod mcp;
mod options;
mod restart;
mod rollback;
mod setup;
mod terminal;
mod turns;
mod venv;
mod wire;
