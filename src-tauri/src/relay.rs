//! Core session events → a `tauri::ipc::Channel` of batches for the UI.

use codex_desk_protocol::EventBatch;
use tauri::ipc::Channel;

/// A relay sink writing to `channel`; it reports the subscriber gone when the webview is.
pub fn channel_sink(
    channel: Channel<EventBatch>,
) -> impl FnMut(EventBatch) -> bool + Send + 'static {
    move |batch| match channel.send(batch) {
        Ok(()) => true,
        Err(e) => {
            tracing::debug!(error = %e, "UI channel closed");
            false
        }
    }
}
