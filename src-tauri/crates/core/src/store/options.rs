//! Each session's options (model, effort, sandbox, approvals), as JSON: a session without a row
//! has the defaults. A value written by a newer version that this one cannot read counts as the
//! defaults too, and is kept until the user changes the options.

use codex_desk_protocol::SessionOptions;
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

pub(super) const MIGRATION_6: &str = "
CREATE TABLE session_options (
    session_id  TEXT PRIMARY KEY NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    options     TEXT NOT NULL
) WITHOUT ROWID;
";

pub(super) fn get(conn: &Connection, session_id: &str) -> Result<SessionOptions> {
    let json: Option<String> = conn
        .prepare_cached("SELECT options FROM session_options WHERE session_id = ?1")?
        .query_row([session_id], |r| r.get(0))
        .optional()?;
    Ok(json
        .and_then(|j| match serde_json::from_str(&j) {
            Ok(options) => Some(options),
            Err(e) => {
                tracing::warn!(session = %session_id, error = %e, "unreadable session options; using the defaults");
                None
            }
        })
        .unwrap_or_default())
}

pub(super) fn set(conn: &Connection, session_id: &str, options: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO session_options (session_id, options) VALUES (?1, ?2)
         ON CONFLICT(session_id) DO UPDATE SET options = excluded.options",
    )?
    .execute(params![session_id, options])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use codex_desk_protocol::{ApprovalMode, SandboxMode, SessionOptions};

    use crate::store::sessions::tests::sample;
    use crate::store::Store;

    #[tokio::test]
    async fn options_are_kept_per_session_and_default_when_unset() {
        let store = Store::open_in_memory().expect("store");
        store.insert_session(sample("a", 1));
        store.insert_session(sample("b", 2));
        let options = SessionOptions {
            model: Some("gpt-test".into()),
            effort: Some("high".into()),
            sandbox: SandboxMode::ReadOnly,
            approvals: ApprovalMode::Never,
            network: false,
            writable_folders: vec!["/srv/shared".into()],
            python_venv: true,
            output_schema: Some(r#"{"type": "object"}"#.into()),
            web_search: Some(codex_desk_protocol::WebSearch::Live),
            env: vec!["X_TOKEN".into()],
        };
        store.set_session_options("a", &options);
        assert_eq!(store.session_options("a").await.expect("a"), options);
        assert_eq!(
            store.session_options("b").await.expect("b"),
            SessionOptions::default()
        );
        store.delete_session("a").await.expect("delete");
        assert_eq!(
            store.session_options("a").await.expect("gone"),
            SessionOptions::default()
        );
    }
}
