//! The app itself: why it could not start, and its data folder.

use std::path::Path;

use codex_desk_core::Engine;
use codex_desk_protocol::{CodexInfo, ErrorPayload};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;

use super::{to_ui, CmdResult};
use crate::Startup;

/// Why Codex Desk could not start, if it could not (the window then shows only this).
#[tauri::command]
pub async fn startup_problem(startup: State<'_, Startup>) -> CmdResult<Option<ErrorPayload>> {
    Ok(startup.problem.clone())
}

/// Opens a link from the transcript in the system browser (web and mail links only).
#[tauri::command]
pub async fn open_link<R: Runtime>(app: AppHandle<R>, url: String) -> CmdResult<()> {
    let url = codex_desk_core::links::external(&url).map_err(to_ui)?;
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|e| ErrorPayload {
            code: None,
            message: format!(
                "Your browser could not be opened for {url}. Copy the link (right-click it) and open it yourself."
            ),
            detail: Some(e.to_string()),
        })
}

/// Uses the codex binary at `path` from now on (codex was not found, or the user wants another).
#[tauri::command]
pub async fn choose_codex(engine: State<'_, Engine>, path: String) -> CmdResult<CodexInfo> {
    engine.choose_codex(&path).await.map_err(to_ui)
}

/// Opens the log folder in the system file manager.
#[tauri::command]
pub async fn open_logs_folder<R: Runtime>(
    app: AppHandle<R>,
    startup: State<'_, Startup>,
) -> CmdResult<()> {
    open_folder(&app, "log", &startup.log_dir)
}

/// Opens the data folder in the system file manager.
#[tauri::command]
pub async fn open_data_folder<R: Runtime>(
    app: AppHandle<R>,
    startup: State<'_, Startup>,
) -> CmdResult<()> {
    open_folder(&app, "data", &startup.data_dir)
}

fn open_folder<R: Runtime>(app: &AppHandle<R>, what: &str, dir: &Path) -> CmdResult<()> {
    let dir = dir.display().to_string();
    app.opener()
        .open_path(&dir, None::<&str>)
        .map_err(|e| ErrorPayload {
            code: None,
            message: format!(
                "The {what} folder could not be shown in your file manager. It is {dir}."
            ),
            detail: Some(e.to_string()),
        })
}

/// Asks the OS to show a notification (the window decides when: it is in the background and
/// the user wants them).
#[tauri::command]
pub async fn notify<R: Runtime>(app: AppHandle<R>, title: String, body: String) -> CmdResult<()> {
    use tauri_plugin_notification::NotificationExt;
    let clip = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    app.notification()
        .builder()
        .title(clip(&title, 120))
        .body(clip(&body, 400))
        .show()
        .map_err(|e| {
            tracing::warn!(error = %e, "the OS did not take a notification");
            ErrorPayload {
                code: None,
                message: format!("The system did not show the notification: {e}"),
                detail: None,
            }
        })
}

/// Turns OS notifications on or off (remembered).
#[tauri::command]
pub async fn set_notifications(
    engine: State<'_, codex_desk_core::Engine>,
    on: bool,
) -> CmdResult<()> {
    engine.set_notifications(on);
    Ok(())
}

/// Sets how long a session's codex may sit idle before it is released (`None`: never).
#[tauri::command]
pub async fn set_idle_release(
    engine: State<'_, codex_desk_core::Engine>,
    secs: Option<u64>,
) -> CmdResult<()> {
    engine
        .set_idle_release(secs.map(std::time::Duration::from_secs))
        .map_err(to_ui)
}

/// What each path dropped on the window is (a folder, an image, something else).
#[tauri::command]
pub async fn classify_dropped(
    paths: Vec<String>,
) -> CmdResult<Vec<codex_desk_protocol::DroppedPath>> {
    tauri::async_runtime::spawn_blocking(move || codex_desk_core::drops::classify(&paths))
        .await
        .map_err(|e| ErrorPayload {
            code: None,
            message: format!("The dropped files could not be looked at: {e}"),
            detail: None,
        })
}
