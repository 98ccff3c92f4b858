//! The `settings` table: small app-wide values (the last open session, the account's display).

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

pub(super) const MIGRATION_1: &str = "
CREATE TABLE settings (
    key    TEXT PRIMARY KEY NOT NULL,
    value  TEXT NOT NULL
);
";

pub(super) fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

pub(super) fn set(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = ?2",
        params![key, value],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::store::Store;

    #[tokio::test]
    async fn settings_overwrite() {
        let store = Store::open_in_memory().expect("store");
        assert_eq!(store.setting("k").await.expect("get"), None);
        store.set_setting("k", "1");
        store.set_setting("k", "2");
        assert_eq!(store.setting("k").await.expect("get").as_deref(), Some("2"));
        assert_eq!(
            store.setting_blocking("k").expect("get").as_deref(),
            Some("2")
        );
    }
}
