//! Writes the TypeScript for every shared type into one folder.

use std::path::Path;

use ts_rs::{Config, ExportError, TS};

use crate::{
    AccountState, AppState, Attachment, AuditFormat, AuditPage, AuditQuery, DroppedPath,
    EventBatch, Exported, GitState, ModelList, PromptInfo, RolledBack, SearchQuery, SearchResults,
    SessionFormat, TerminalThread, Transcript, TranscriptPage,
};

/// Exports the root types (and everything they use) into `dir`, with large integers as
/// `number` (they are milliseconds and counters, far below 2^53).
pub fn export_all(dir: &Path) -> Result<(), ExportError> {
    let cfg = Config::new().with_out_dir(dir).with_large_int("number");
    AppState::export_all(&cfg)?;
    Transcript::export_all(&cfg)?;
    TranscriptPage::export_all(&cfg)?;
    EventBatch::export_all(&cfg)?;
    AccountState::export_all(&cfg)?;
    PromptInfo::export_all(&cfg)?;
    SearchQuery::export_all(&cfg)?;
    SearchResults::export_all(&cfg)?;
    AuditQuery::export_all(&cfg)?;
    AuditPage::export_all(&cfg)?;
    ModelList::export_all(&cfg)?;
    Attachment::export_all(&cfg)?;
    AuditFormat::export_all(&cfg)?;
    SessionFormat::export_all(&cfg)?;
    Exported::export_all(&cfg)?;
    RolledBack::export_all(&cfg)?;
    TerminalThread::export_all(&cfg)?;
    DroppedPath::export_all(&cfg)?;
    GitState::export_all(&cfg)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn read_all(dir: &Path) -> Vec<(String, String)> {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .expect("read dir")
            .flatten()
            .map(|e| {
                let name = e.file_name().to_string_lossy().to_string();
                (name, std::fs::read_to_string(e.path()).expect("read file"))
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn checked_in_typescript_matches_the_rust_types() {
        let fresh = tempfile::tempdir().expect("tempdir");
        super::export_all(fresh.path()).expect("export");
        let checked_in =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../ui/src/generated/desk");
        assert!(
            read_all(fresh.path()) == read_all(&checked_in),
            "ui/src/generated/desk is stale: run `npm run gen:types`"
        );
    }
}
