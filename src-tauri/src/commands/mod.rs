//! Tauri commands, one file per domain. Each parses, calls the core, maps the error.

mod sessions;

use codex_desk_core::CoreError;
use codex_desk_protocol::ErrorPayload;

pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static
{
    tauri::generate_handler![
        sessions::app_state,
        sessions::create_session,
        sessions::open_session,
        sessions::subscribe,
        sessions::send_prompt,
        sessions::interrupt,
    ]
}

/// The error every command returns: what the UI shows.
type CmdResult<T> = Result<T, ErrorPayload>;

fn to_ui(e: CoreError) -> ErrorPayload {
    tracing::warn!(error = %e, "command failed");
    e.to_payload()
}
