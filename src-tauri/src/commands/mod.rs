//! Tauri commands, one file per domain. Each parses, calls the core, maps the error.

mod account;
mod app;
mod exports;
mod sessions;

use codex_desk_core::CoreError;
use codex_desk_protocol::ErrorPayload;

pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static
{
    tauri::generate_handler![
        app::startup_problem,
        app::open_data_folder,
        app::open_link,
        app::choose_codex,
        app::open_logs_folder,
        sessions::app_state,
        sessions::create_session,
        sessions::relocate_session,
        sessions::rename_session,
        sessions::delete_session,
        sessions::open_session,
        sessions::older_items,
        sessions::whole_item,
        sessions::open_item_file,
        sessions::open_session_at,
        sessions::newer_items,
        sessions::search,
        exports::audit,
        exports::export_audit,
        exports::export_session,
        exports::import_session,
        sessions::subscribe,
        sessions::send_prompt,
        sessions::interrupt,
        sessions::git_state,
        sessions::answer_approval,
        sessions::steer,
        sessions::queue_prompt,
        sessions::unqueue,
        sessions::send_queued_now,
        sessions::set_session_options,
        sessions::list_models,
        app::notify,
        sessions::fork_session,
        sessions::roll_back,
        sessions::answer_questions,
        sessions::answer_form,
        sessions::discard_attachment,
        sessions::set_session_env,
        sessions::terminal_threads,
        sessions::continue_terminal_thread,
        sessions::archive_session,
        sessions::send_message,
        sessions::attach_image,
        sessions::attach_image_file,
        app::set_notifications,
        app::set_idle_release,
        app::classify_dropped,
        account::confirm_account,
        account::sign_in_chatgpt,
        account::sign_in_device_code,
        account::reopen_sign_in_page,
        account::cancel_sign_in,
        account::save_api_key,
        account::sign_out,
        account::dismiss_account_error,
        account::list_prompts,
    ]
}

/// The error every command returns: what the UI shows.
type CmdResult<T> = Result<T, ErrorPayload>;

fn to_ui(e: CoreError) -> ErrorPayload {
    tracing::warn!(error = %e, "command failed");
    e.to_payload()
}
