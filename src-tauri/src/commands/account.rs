//! The account: who is signed in, ChatGPT and device-code sign-in, API key, sign-out. Changes
//! also arrive as the `account-changed` event (see `lib.rs`).

use codex_desk_core::secrets::Secret;
use codex_desk_core::Engine;
use codex_desk_protocol::{AccountState, PromptInfo};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;

use super::{to_ui, CmdResult};

/// Opens a URL in the user's browser through the system opener (never a shell).
fn opener<R: Runtime>(app: AppHandle<R>) -> impl Fn(&str) -> Result<(), String> + Send + Sync {
    move |url| {
        app.opener()
            .open_url(url, None::<&str>)
            .map_err(|e| e.to_string())
    }
}

#[tauri::command]
pub async fn confirm_account(engine: State<'_, Engine>) -> CmdResult<AccountState> {
    engine.account().confirm().await.map_err(to_ui)
}

#[tauri::command]
pub async fn sign_in_chatgpt<R: Runtime>(
    app: AppHandle<R>,
    engine: State<'_, Engine>,
) -> CmdResult<AccountState> {
    let open = opener(app);
    engine.account().sign_in_chatgpt(&open).await.map_err(to_ui)
}

#[tauri::command]
pub async fn sign_in_device_code(engine: State<'_, Engine>) -> CmdResult<AccountState> {
    engine.account().sign_in_device_code().await.map_err(to_ui)
}

#[tauri::command]
pub async fn reopen_sign_in_page<R: Runtime>(
    app: AppHandle<R>,
    engine: State<'_, Engine>,
) -> CmdResult<AccountState> {
    let open = opener(app);
    engine.account().reopen_sign_in_page(&open).map_err(to_ui)
}

#[tauri::command]
pub async fn cancel_sign_in(engine: State<'_, Engine>) -> CmdResult<AccountState> {
    engine.account().cancel_sign_in().await.map_err(to_ui)
}

#[tauri::command]
pub async fn save_api_key(
    engine: State<'_, Engine>,
    key: String,
    check: bool,
) -> CmdResult<AccountState> {
    engine
        .account()
        .save_api_key(Secret::new(key), check)
        .await
        .map_err(to_ui)
}

#[tauri::command]
pub async fn sign_out(engine: State<'_, Engine>) -> CmdResult<AccountState> {
    engine.account().sign_out().await.map_err(to_ui)
}

#[tauri::command]
pub async fn dismiss_account_error(engine: State<'_, Engine>) -> CmdResult<AccountState> {
    Ok(engine.account().dismiss_error())
}

#[tauri::command]
pub async fn list_prompts(engine: State<'_, Engine>) -> CmdResult<Vec<PromptInfo>> {
    Ok(engine.prompts())
}
