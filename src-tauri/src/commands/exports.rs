//! The audit trail, exports and import. The save and open dialogs are opened here, not by the
//! window, so the window never names a file the app writes or reads.

use std::path::PathBuf;

use codex_desk_core::export::utc;
use codex_desk_core::store::now_ms;
use codex_desk_core::Engine;
use codex_desk_protocol::{
    AuditFormat, AuditPage, AuditQuery, Exported, SessionFormat, SessionInfo,
};
use tauri::{AppHandle, Runtime, State, WebviewWindow};
use tauri_plugin_dialog::{DialogExt, FileDialogBuilder};

use super::{to_ui, CmdResult};

#[tauri::command]
pub async fn audit(
    engine: State<'_, Engine>,
    query: AuditQuery,
    before: Option<String>,
) -> CmdResult<AuditPage> {
    engine.audit(query, before).await.map_err(to_ui)
}

/// Asks where to save the audit trail, then writes it; `None` when the user cancels.
#[tauri::command]
pub async fn export_audit<R: Runtime>(
    app: AppHandle<R>,
    window: WebviewWindow<R>,
    engine: State<'_, Engine>,
    query: AuditQuery,
    format: AuditFormat,
) -> CmdResult<Option<Exported>> {
    let (name, ext) = match format {
        AuditFormat::Jsonl => ("JSON Lines", "jsonl"),
        AuditFormat::Csv => ("CSV", "csv"),
    };
    let day = &utc(now_ms())[..10];
    let dialog = app
        .dialog()
        .file()
        .set_parent(&window)
        .set_title("Export the audit trail")
        .set_file_name(format!("codex-audit-{day}.{ext}"))
        .add_filter(name, &[ext]);
    let Some(path) = save_path(dialog).await else {
        return Ok(None);
    };
    let count = engine
        .export_audit(query, format, &path)
        .await
        .map_err(to_ui)?;
    Ok(Some(Exported {
        path: path.display().to_string(),
        count,
    }))
}

/// Asks where to save the session, then writes it; `None` when the user cancels.
#[tauri::command]
pub async fn export_session<R: Runtime>(
    app: AppHandle<R>,
    window: WebviewWindow<R>,
    engine: State<'_, Engine>,
    session_id: String,
    format: SessionFormat,
) -> CmdResult<Option<Exported>> {
    let title = engine
        .store()
        .session(&session_id)
        .await
        .map_err(to_ui)?
        .map(|s| s.title)
        .unwrap_or_default();
    let (name, ext) = match format {
        SessionFormat::Markdown => ("Markdown", "md"),
        SessionFormat::Json => ("Codex Desk session (JSON)", "json"),
    };
    let dialog = app
        .dialog()
        .file()
        .set_parent(&window)
        .set_title("Export the session")
        .set_file_name(format!("{}.{ext}", file_name(&title)))
        .add_filter(name, &[ext]);
    let Some(path) = save_path(dialog).await else {
        return Ok(None);
    };
    let count = engine
        .export_session(&session_id, format, &path)
        .await
        .map_err(to_ui)?;
    Ok(Some(Exported {
        path: path.display().to_string(),
        count,
    }))
}

/// Asks for a session exported as JSON and imports it as a new session; `None` when the user
/// cancels.
#[tauri::command]
pub async fn import_session<R: Runtime>(
    app: AppHandle<R>,
    window: WebviewWindow<R>,
    engine: State<'_, Engine>,
) -> CmdResult<Option<SessionInfo>> {
    let dialog = app
        .dialog()
        .file()
        .set_parent(&window)
        .set_title("Import a session")
        .add_filter("Codex Desk session (JSON)", &["json"]);
    let (tx, rx) = tokio::sync::oneshot::channel();
    dialog.pick_file(move |path| {
        let _ = tx.send(path.and_then(|p| p.into_path().ok()));
    });
    let Some(path) = rx.await.ok().flatten() else {
        return Ok(None);
    };
    engine.import_session(&path).await.map(Some).map_err(to_ui)
}

async fn save_path<R: Runtime>(dialog: FileDialogBuilder<R>) -> Option<PathBuf> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    dialog.save_file(move |path| {
        let _ = tx.send(path.and_then(|p| p.into_path().ok()));
    });
    rx.await.ok().flatten()
}

/// A session title as a file name: no path separators or characters file systems refuse.
fn file_name(title: &str) -> String {
    let cleaned: String = title
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '-',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let trimmed = cleaned.trim().trim_matches('.').trim();
    if trimmed.is_empty() {
        "session".into()
    } else {
        trimmed.chars().take(80).collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn titles_become_safe_file_names() {
        assert_eq!(super::file_name("Fix a/b: \"now\""), "Fix a-b- -now-");
        assert_eq!(super::file_name(" ../.. "), "-");
        assert_eq!(super::file_name("\n"), "session");
    }
}
