//! The `sessions` table: one row per session.

use codex_desk_protocol::{SessionInfo, SessionStatus};
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::error::Result;

pub(super) const MIGRATION_1: &str = "
CREATE TABLE sessions (
    id          TEXT PRIMARY KEY NOT NULL,
    title       TEXT NOT NULL,
    workspace   TEXT NOT NULL,
    thread_id   TEXT,
    status      TEXT NOT NULL,
    last_error  TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX sessions_by_update ON sessions(updated_at DESC);
";

/// Archiving: a session the user put away (migration 7).
pub(super) const MIGRATION_7: &str = "ALTER TABLE sessions ADD COLUMN archived_at INTEGER;";

const COLUMNS: &str =
    "id, title, workspace, thread_id, status, last_error, created_at, updated_at, archived_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<SessionInfo> {
    Ok(SessionInfo {
        id: r.get(0)?,
        title: r.get(1)?,
        workspace: r.get(2)?,
        thread_id: r.get(3)?,
        status: SessionStatus::parse(&r.get::<_, String>(4)?),
        last_error: r.get(5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
        archived_at: r.get(8)?,
    })
}

pub(super) fn insert(conn: &Connection, s: &SessionInfo) -> rusqlite::Result<()> {
    conn.execute(
        &format!(
            "INSERT INTO sessions ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                  ON CONFLICT(id) DO NOTHING"
        ),
        params![
            s.id,
            s.title,
            s.workspace,
            s.thread_id,
            s.status.as_str(),
            s.last_error,
            s.created_at,
            s.updated_at,
            s.archived_at
        ],
    )?;
    Ok(())
}

/// All sessions, most recently active first.
pub(super) fn list(conn: &Connection) -> Result<Vec<SessionInfo>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM sessions ORDER BY updated_at DESC, rowid DESC"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn get(conn: &Connection, id: &str) -> Result<Option<SessionInfo>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM sessions WHERE id = ?1"),
            [id],
            from_row,
        )
        .optional()?)
}

/// Archives (`Some(at)`) or unarchives (`None`) a session.
pub(super) fn set_archived(conn: &Connection, id: &str, at: Option<i64>) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE sessions SET archived_at = ?2 WHERE id = ?1",
        params![id, at],
    )?;
    Ok(())
}

pub(super) fn set_status(
    conn: &Connection,
    id: &str,
    status: SessionStatus,
    error: Option<&str>,
    at: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE sessions SET status = ?2, last_error = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, status.as_str(), error, at],
    )?;
    Ok(())
}

pub(super) fn set_thread_id(
    conn: &Connection,
    id: &str,
    thread_id: &str,
    at: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE sessions SET thread_id = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, thread_id, at],
    )?;
    Ok(())
}

pub(super) fn set_workspace(
    conn: &Connection,
    id: &str,
    workspace: &str,
    at: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE sessions SET workspace = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, workspace, at],
    )?;
    Ok(())
}

pub(super) fn set_title(conn: &Connection, id: &str, title: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE sessions SET title = ?2 WHERE id = ?1",
        params![id, title],
    )?;
    Ok(())
}

/// After an unclean exit (the app quit, was killed or crashed while a turn ran), sessions that
/// were starting or running become interrupted, with what was happening; their open turns are
/// closed as interrupted. What codex had done, including what was still streaming (drafts), is
/// kept. Returns how many sessions.
pub(super) fn mark_orphaned(conn: &mut Connection, at: i64) -> rusqlite::Result<usize> {
    let tx = conn.transaction()?;
    let orphans: Vec<(String, String)> = {
        let mut stmt =
            tx.prepare("SELECT id, title FROM sessions WHERE status IN ('starting', 'running')")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (id, title) in &orphans {
        let message = format!(
            "Codex Desk closed while codex was working on \"{title}\". What it had done and written so far is kept. Send a message to continue."
        );
        tx.execute(
            "UPDATE sessions SET status = 'interrupted', last_error = ?2 WHERE id = ?1",
            params![id, message],
        )?;
    }
    // No turn runs before codex starts: every open one (of these sessions, or of a quit that
    // could not wait for it) was cut off.
    tx.execute(
        "UPDATE turns SET status = 'interrupted', completed_at = ?1,
             error = 'Codex Desk closed during this turn.'
         WHERE status = 'inProgress'",
        params![at],
    )?;
    tx.commit()?;
    Ok(orphans.len())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::store::Store;

    pub(crate) fn sample(id: &str, updated_at: i64) -> SessionInfo {
        SessionInfo {
            id: id.into(),
            title: format!("session {id}"),
            workspace: "/work/project".into(),
            thread_id: None,
            status: SessionStatus::Idle,
            last_error: None,
            created_at: updated_at,
            updated_at,
            archived_at: None,
        }
    }

    #[tokio::test]
    async fn sessions_round_trip_newest_first() {
        let store = Store::open_in_memory().expect("store");
        store.insert_session(sample("a", 1));
        store.insert_session(sample("b", 2));
        let ids: Vec<_> = store
            .list_sessions()
            .await
            .expect("list")
            .into_iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(ids, ["b", "a"]);

        store.set_thread_id("a", "thr_1");
        store.set_session_status("a", SessionStatus::Failed, Some("model error"));
        let a = store.session("a").await.expect("get").expect("exists");
        assert_eq!(a.thread_id.as_deref(), Some("thr_1"));
        assert_eq!(a.status, SessionStatus::Failed);
        assert_eq!(a.last_error.as_deref(), Some("model error"));
        assert_eq!(
            store.list_sessions().await.expect("list")[0].id,
            "a",
            "touched session moves up"
        );
        assert!(store.session("zzz").await.expect("get").is_none());
    }

    #[tokio::test]
    async fn orphaned_running_sessions_become_interrupted_on_the_next_open() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("db.sqlite3");
        let store = Store::open(&path).expect("store").store;
        store.insert_session(sample("a", 1));
        store.insert_session(sample("b", 1));
        store.set_session_status("a", SessionStatus::Running, None);
        store.turn_started("a", "t1");
        // A quit that could not wait for its turn: the session says interrupted, the turn is open.
        store.set_session_status("b", SessionStatus::Interrupted, Some("closed"));
        store.turn_started("b", "t2");
        store.close();
        let opened = Store::open(&path).expect("reopen");
        assert_eq!(opened.orphaned, 1);
        let a = opened
            .store
            .session("a")
            .await
            .expect("get")
            .expect("exists");
        assert_eq!(a.status, SessionStatus::Interrupted);
        let why = a.last_error.unwrap_or_default();
        assert!(why.contains("session a"), "{why}");
        let turns = opened.store.list_turns("a").await.expect("turns");
        assert_eq!(turns[0].status, "interrupted");
        assert!(turns[0].completed_at.is_some());
        let b = opened
            .store
            .session("b")
            .await
            .expect("get")
            .expect("exists");
        assert_eq!(b.status, SessionStatus::Interrupted);
        let turns = opened.store.list_turns("b").await.expect("turns");
        assert_eq!(turns[0].status, "interrupted", "no turn is left open");
    }
}
