//! Writes the TypeScript for every shared type into one folder.

use std::path::Path;

use ts_rs::{Config, ExportError, TS};

use crate::{AppState, EventBatch, Transcript};

/// Exports the root types (and everything they use) into `dir`, with large integers as
/// `number` (they are milliseconds and counters, far below 2^53).
pub fn export_all(dir: &Path) -> Result<(), ExportError> {
    let cfg = Config::new().with_out_dir(dir).with_large_int("number");
    AppState::export_all(&cfg)?;
    Transcript::export_all(&cfg)?;
    EventBatch::export_all(&cfg)?;
    Ok(())
}
