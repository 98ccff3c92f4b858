//! The `sessions` table: one row per session.

use codex_desk_protocol::{SessionInfo, SessionStatus};
use rusqlite::{params, OptionalExtension, Row};

use super::{now_ms, Store};
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

const COLUMNS: &str = "id, title, workspace, thread_id, status, last_error, created_at, updated_at";

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
    })
}

impl Store {
    pub fn insert_session(&self, s: &SessionInfo) -> Result<()> {
        self.conn().execute(
            &format!("INSERT INTO sessions ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
            params![
                s.id,
                s.title,
                s.workspace,
                s.thread_id,
                s.status.as_str(),
                s.last_error,
                s.created_at,
                s.updated_at
            ],
        )?;
        Ok(())
    }

    /// All sessions, most recently active first.
    pub fn list_sessions(&self) -> Result<Vec<SessionInfo>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM sessions ORDER BY updated_at DESC, rowid DESC"
        ))?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn session(&self, id: &str) -> Result<Option<SessionInfo>> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM sessions WHERE id = ?1"),
                [id],
                from_row,
            )
            .optional()?)
    }

    pub fn set_session_status(
        &self,
        id: &str,
        status: SessionStatus,
        error: Option<&str>,
    ) -> Result<()> {
        self.conn().execute(
            "UPDATE sessions SET status = ?2, last_error = ?3, updated_at = ?4 WHERE id = ?1",
            params![id, status.as_str(), error, now_ms()],
        )?;
        Ok(())
    }

    pub fn set_thread_id(&self, id: &str, thread_id: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE sessions SET thread_id = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, thread_id, now_ms()],
        )?;
        Ok(())
    }

    pub fn set_title(&self, id: &str, title: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE sessions SET title = ?2 WHERE id = ?1",
            params![id, title],
        )?;
        Ok(())
    }

    /// After an unclean exit no codex process is alive: sessions that were starting or running
    /// are marked crashed (their turn was lost), so the UI does not show a spinner forever.
    pub fn mark_orphaned_sessions(&self) -> Result<usize> {
        Ok(self.conn().execute(
            "UPDATE sessions SET status = 'crashed',
                 last_error = 'Codex Desk closed while a turn was running. Send a message to continue.'
             WHERE status IN ('starting', 'running')",
            [],
        )?)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

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
        }
    }

    #[test]
    fn sessions_round_trip_newest_first() {
        let store = Store::open_in_memory().expect("store");
        store.insert_session(&sample("a", 1)).expect("insert a");
        store.insert_session(&sample("b", 2)).expect("insert b");
        let ids: Vec<_> = store
            .list_sessions()
            .expect("list")
            .into_iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(ids, ["b", "a"]);

        store.set_thread_id("a", "thr_1").expect("thread");
        store
            .set_session_status("a", SessionStatus::Failed, Some("model error"))
            .expect("status");
        let a = store.session("a").expect("get").expect("exists");
        assert_eq!(a.thread_id.as_deref(), Some("thr_1"));
        assert_eq!(a.status, SessionStatus::Failed);
        assert_eq!(a.last_error.as_deref(), Some("model error"));
        assert_eq!(
            store.list_sessions().expect("list")[0].id,
            "a",
            "touched session moves up"
        );
        assert!(store.session("zzz").expect("get").is_none());
    }

    #[test]
    fn orphaned_running_sessions_become_crashed() {
        let store = Store::open_in_memory().expect("store");
        store.insert_session(&sample("a", 1)).expect("insert");
        store.insert_session(&sample("b", 1)).expect("insert");
        store
            .set_session_status("a", SessionStatus::Running, None)
            .expect("status");
        assert_eq!(store.mark_orphaned_sessions().expect("mark"), 1);
        let a = store.session("a").expect("get").expect("exists");
        assert_eq!(a.status, SessionStatus::Crashed);
        assert!(a.last_error.is_some());
        assert_eq!(
            store.session("b").expect("get").expect("exists").status,
            SessionStatus::Idle
        );
    }
}
