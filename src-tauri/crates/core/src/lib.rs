//! Codex Desk's core: everything but the window. Runs headless in tests.

pub mod account;
pub mod codex;
pub mod drops;
pub mod engine;
pub mod error;
pub mod export;
pub mod files;
pub mod git;
pub mod instance;
pub mod links;
pub mod paths;
pub mod prompts;
pub mod relay;
pub mod rendering;
pub mod secrets;
pub mod sessions;
pub mod store;

pub use engine::{Engine, EngineConfig};
pub use error::{CoreError, Result};
