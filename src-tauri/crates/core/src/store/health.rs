//! Whether the database takes what the app writes: the user hears once when saving stops and
//! once when it recovers, never once per event.

use std::sync::{Arc, Mutex};

use codex_desk_protocol::StorageHealth;
use rusqlite::ErrorCode;

type Listener = Arc<dyn Fn(&StorageHealth) + Send + Sync>;

#[derive(Clone, Default)]
pub(super) struct Health {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    state: StorageHealth,
    listeners: Vec<Listener>,
}

impl Health {
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        f(&mut self.inner.lock().unwrap_or_else(|p| p.into_inner()))
    }

    pub fn state(&self) -> StorageHealth {
        self.with(|i| i.state.clone())
    }

    pub fn problem(&self) -> Option<String> {
        self.with(|i| i.state.problem.clone())
    }

    pub fn on_change(&self, listener: Listener) {
        self.with(|i| i.listeners.push(listener));
    }

    pub fn set_waiting(&self, waiting: usize) {
        self.with(|i| i.state.waiting = u32::try_from(waiting).unwrap_or(u32::MAX));
    }

    pub fn failing(&self, e: &rusqlite::Error, waiting: usize) {
        let message = explain(e);
        let changed = self.with(|i| {
            i.state.waiting = u32::try_from(waiting).unwrap_or(u32::MAX);
            let first = i.state.problem.is_none();
            i.state.problem = Some(message.clone());
            first.then(|| (i.state.clone(), i.listeners.clone()))
        });
        if let Some((state, listeners)) = changed {
            tracing::error!(error = %e, waiting, "the database stopped taking writes");
            for listener in listeners {
                listener(&state);
            }
        }
    }

    pub fn recovered(&self) {
        let changed = self.with(|i| {
            let was = i.state.problem.take().is_some();
            i.state.waiting = 0;
            was.then(|| (i.state.clone(), i.listeners.clone()))
        });
        if let Some((state, listeners)) = changed {
            tracing::info!("the database takes writes again; everything waiting was saved");
            for listener in listeners {
                listener(&state);
            }
        }
    }
}

fn explain(e: &rusqlite::Error) -> String {
    let (why, todo) = match e.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => ("the disk is full", "Free some space."),
        Some(ErrorCode::ReadOnly) => (
            "the disk or the database file is read-only",
            "Make the data folder writable again.",
        ),
        Some(ErrorCode::PermissionDenied) => (
            "it is not allowed to write the database file",
            "Check the permissions of the data folder.",
        ),
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
            return "Codex Desk cannot save to its database: the file was damaged while the app ran. What you see stays in the window, but changes from now on cannot be saved to that file. Quit and start Codex Desk again: it moves the damaged file aside (nothing is deleted) and starts a fresh one.".into();
        }
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => (
            "another program holds the database",
            "Close other programs using the data folder.",
        ),
        _ => ("the disk reported an error", "Check the disk."),
    };
    format!(
        "Codex Desk cannot save to its database: {why}. Nothing you see is lost: it is kept and saved as soon as the database takes it again. {todo}"
    )
}
