//! The `settings` table: small app-wide values (the last open session, ...).

use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::error::Result;

pub(super) const MIGRATION_1: &str = "
CREATE TABLE settings (
    key    TEXT PRIMARY KEY NOT NULL,
    value  TEXT NOT NULL
);
";

impl Store {
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn().execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = ?2",
            params![key, value],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_overwrite() {
        let store = Store::open_in_memory().expect("store");
        assert_eq!(store.setting("k").expect("get"), None);
        store.set_setting("k", "1").expect("set");
        store.set_setting("k", "2").expect("set");
        assert_eq!(store.setting("k").expect("get").as_deref(), Some("2"));
    }
}
