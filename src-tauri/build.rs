/// The app's own commands, each with a permission (`allow-<name>`) the capability grants: the
/// window may call these and nothing else of ours.
const COMMANDS: &[&str] = &[
    "startup_problem",
    "open_data_folder",
    "open_link",
    "open_logs_folder",
    "app_state",
    "create_session",
    "relocate_session",
    "rename_session",
    "delete_session",
    "open_session",
    "older_items",
    "whole_item",
    "open_session_at",
    "newer_items",
    "search",
    "audit",
    "export_audit",
    "export_session",
    "import_session",
    "subscribe",
    "send_prompt",
    "interrupt",
    "answer_approval",
    "steer",
    "queue_prompt",
    "unqueue",
    "send_queued_now",
    "set_session_options",
    "list_models",
    "notify",
    "fork_session",
    "roll_back",
    "answer_questions",
    "discard_attachment",
    "terminal_threads",
    "continue_terminal_thread",
    "archive_session",
    "send_message",
    "attach_image",
    "attach_image_file",
    "set_notifications",
    "set_idle_release",
    "classify_dropped",
    "confirm_account",
    "sign_in_chatgpt",
    "sign_in_device_code",
    "reopen_sign_in_page",
    "cancel_sign_in",
    "save_api_key",
    "sign_out",
    "dismiss_account_error",
    "list_prompts",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {e:#}");
    }
}
