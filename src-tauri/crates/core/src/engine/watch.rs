//! Notices a workspace that disappears (moved, renamed, deleted) while its session lives, so the
//! session can say so and offer to point it at the folder's new place, instead of codex failing
//! with "No such file or directory" in a command card.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use notify::{EventKind, RecursiveMode, Watcher};
use tokio::sync::mpsc;

pub struct WorkspaceWatch {
    watcher: Mutex<Option<notify::RecommendedWatcher>>,
    watched: Mutex<HashSet<PathBuf>>,
    gone: mpsc::UnboundedSender<PathBuf>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl WorkspaceWatch {
    /// The watch, and where it reports folders that are gone.
    pub fn new() -> (Self, mpsc::UnboundedReceiver<PathBuf>) {
        let (gone, rx) = mpsc::unbounded_channel();
        (
            Self {
                watcher: Mutex::new(None),
                watched: Mutex::new(HashSet::new()),
                gone,
            },
            rx,
        )
    }

    /// Starts watching `folder` (once).
    pub fn watch(&self, folder: &Path) {
        if !lock(&self.watched).insert(folder.to_path_buf()) {
            return;
        }
        let mut slot = lock(&self.watcher);
        if slot.is_none() {
            let gone = self.gone.clone();
            let made = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                let Ok(event) = event else { return };
                let moved_or_removed = matches!(
                    event.kind,
                    EventKind::Remove(_) | EventKind::Modify(notify::event::ModifyKind::Name(_))
                );
                if moved_or_removed {
                    for path in event.paths {
                        if !path.exists() {
                            let _ = gone.send(path);
                        }
                    }
                }
            });
            match made {
                Ok(watcher) => *slot = Some(watcher),
                Err(e) => {
                    tracing::warn!(error = %e, "workspaces cannot be watched; a moved folder shows when codex next starts");
                    return;
                }
            }
        }
        if let Some(watcher) = slot.as_mut() {
            if let Err(e) = watcher.watch(folder, RecursiveMode::NonRecursive) {
                tracing::warn!(folder = %folder.display(), error = %e, "could not watch the workspace");
            }
        }
    }

    /// Stops watching `folder` (it is gone, or no session uses it).
    pub fn unwatch(&self, folder: &Path) {
        if lock(&self.watched).remove(folder) {
            if let Some(watcher) = lock(&self.watcher).as_mut() {
                let _ = watcher.unwatch(folder);
            }
        }
    }
}
