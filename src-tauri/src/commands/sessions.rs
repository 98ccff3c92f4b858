//! Sessions: list, create, open, stream, prompt, stop.

use codex_desk_core::{CoreError, Engine};
use codex_desk_protocol::{
    AppState, ApprovalChoice, Attachment, ErrorPayload, EventBatch, GitState, ModelList,
    RolledBack, SearchQuery, SearchResults, SessionInfo, SessionOptions, StoredItem,
    TerminalThread, Transcript, TranscriptPage,
};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;

use super::{to_ui, CmdResult};
use crate::relay::channel_sink;

#[tauri::command]
pub async fn app_state(engine: State<'_, Engine>) -> CmdResult<AppState> {
    engine.app_state().await.map_err(to_ui)
}

/// `confirmed` accepts a folder that needs the user's yes (home, `~/.codex`).
#[tauri::command]
pub async fn create_session(
    engine: State<'_, Engine>,
    workspace: String,
    confirmed: Option<bool>,
) -> CmdResult<SessionInfo> {
    engine
        .create_session_confirmed(&workspace, confirmed.unwrap_or(false))
        .map_err(to_ui)
}

/// Points a session at its folder's new place.
#[tauri::command]
pub async fn relocate_session(
    engine: State<'_, Engine>,
    session_id: String,
    workspace: String,
    confirmed: Option<bool>,
) -> CmdResult<SessionInfo> {
    engine
        .relocate_session(&session_id, &workspace, confirmed.unwrap_or(false))
        .await
        .map_err(to_ui)
}

/// The stored transcript; `reload` says why the window asks again (a gap in the live stream).
#[tauri::command]
pub async fn open_session(
    engine: State<'_, Engine>,
    session_id: String,
    reload: Option<String>,
) -> CmdResult<Transcript> {
    if let Some(why) = reload {
        tracing::warn!(session = %session_id, %why, "the window reloads the transcript from the store");
    }
    engine.open_session(&session_id).await.map_err(to_ui)
}

/// The page of items before `before_seq`, as the user scrolls up.
#[tauri::command]
pub async fn older_items(
    engine: State<'_, Engine>,
    session_id: String,
    before_seq: i64,
) -> CmdResult<TranscriptPage> {
    engine
        .older_items(&session_id, before_seq)
        .await
        .map_err(to_ui)
}

/// The session opened at one of its items (a search result).
#[tauri::command]
pub async fn open_session_at(
    engine: State<'_, Engine>,
    session_id: String,
    seq: i64,
) -> CmdResult<Transcript> {
    engine
        .open_session_at(&session_id, seq)
        .await
        .map_err(to_ui)
}

/// The page of items after `after_seq`, as the user scrolls down from an item opened in the
/// middle.
#[tauri::command]
pub async fn newer_items(
    engine: State<'_, Engine>,
    session_id: String,
    after_seq: i64,
) -> CmdResult<TranscriptPage> {
    engine
        .newer_items(&session_id, after_seq)
        .await
        .map_err(to_ui)
}

/// Items of every session matching the query, best first.
#[tauri::command]
pub async fn search(engine: State<'_, Engine>, query: SearchQuery) -> CmdResult<SearchResults> {
    engine.search(query).await.map_err(to_ui)
}

/// One item whole ("Show all" on a card shown cut).
#[tauri::command]
pub async fn whole_item(
    engine: State<'_, Engine>,
    session_id: String,
    seq: i64,
) -> CmdResult<StoredItem> {
    engine.whole_item(&session_id, seq).await.map_err(to_ui)
}

/// Writes a stored item whole to a file and opens it in the user's text editor (an output
/// too long to show in the window).
#[tauri::command]
pub async fn open_item_file<R: Runtime>(
    app: AppHandle<R>,
    engine: State<'_, Engine>,
    session_id: String,
    turn_id: String,
    item_id: String,
) -> CmdResult<()> {
    let path = engine
        .item_file(&session_id, &turn_id, &item_id)
        .await
        .map_err(to_ui)?;
    let shown = path.display().to_string();
    app.opener()
        .open_path(&shown, None::<&str>)
        .map_err(|e| ErrorPayload {
            code: None,
            message: format!("{shown} was written, but could not be opened: {e}. Open it from the session's folder."),
            detail: None,
        })
}

#[tauri::command]
pub async fn subscribe(
    engine: State<'_, Engine>,
    session_id: String,
    on_batch: Channel<EventBatch>,
) -> CmdResult<()> {
    engine
        .subscribe(&session_id, channel_sink(on_batch))
        .await
        .map_err(to_ui)
}

#[tauri::command]
pub async fn send_prompt(
    engine: State<'_, Engine>,
    session_id: String,
    text: String,
) -> CmdResult<()> {
    engine.send_prompt(&session_id, &text).await.map_err(to_ui)
}

/// Sends a message with images the user attached.
#[tauri::command]
pub async fn send_message(
    engine: State<'_, Engine>,
    session_id: String,
    text: String,
    images: Vec<String>,
) -> CmdResult<()> {
    engine
        .send_message(&session_id, &text, &images)
        .await
        .map_err(to_ui)
}

/// Keeps a pasted image for the next message: the image's bytes are the request's raw body, the
/// session and the image's name (URI-encoded) come as headers.
#[tauri::command]
pub async fn attach_image(
    engine: State<'_, Engine>,
    request: tauri::ipc::Request<'_>,
) -> CmdResult<Attachment> {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (Some(session_id), name) = (header("x-session-id"), header("x-name")) else {
        return Err(to_ui(CoreError::InvalidInput(
            "The image came without its session.".into(),
        )));
    };
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(to_ui(CoreError::InvalidInput(
            "The image came without its bytes.".into(),
        )));
    };
    let name = name.map(|n| percent_decode(&n)).unwrap_or_default();
    engine
        .attach_image(&session_id, &name, bytes.clone())
        .await
        .map_err(to_ui)
}

/// Keeps an image file the user picked for the next message.
#[tauri::command]
pub async fn attach_image_file(
    engine: State<'_, Engine>,
    session_id: String,
    path: String,
) -> CmdResult<Attachment> {
    engine
        .attach_image_file(&session_id, std::path::Path::new(&path))
        .await
        .map_err(to_ui)
}

/// `%XX` escapes decoded (what `encodeURIComponent` writes); anything malformed kept as is.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The git state of the session's folder, for the workspace panel.
#[tauri::command]
pub async fn git_state(
    engine: State<'_, Engine>,
    session_id: String,
    confirmed: bool,
) -> CmdResult<GitState> {
    engine
        .git_state(&session_id, confirmed)
        .await
        .map_err(to_ui)
}

#[tauri::command]
pub async fn interrupt(engine: State<'_, Engine>, session_id: String) -> CmdResult<()> {
    engine.interrupt(&session_id).await.map_err(to_ui)
}

/// Adds the user's text to the running turn.
#[tauri::command]
pub async fn steer(engine: State<'_, Engine>, session_id: String, text: String) -> CmdResult<()> {
    engine.steer(&session_id, &text).await.map_err(to_ui)
}

/// Queues a follow-up for when the running turn completes.
#[tauri::command]
pub async fn queue_prompt(
    engine: State<'_, Engine>,
    session_id: String,
    text: String,
) -> CmdResult<()> {
    engine.queue_prompt(&session_id, &text).await.map_err(to_ui)
}

/// Removes a queued follow-up.
#[tauri::command]
pub async fn unqueue(
    engine: State<'_, Engine>,
    session_id: String,
    queued_id: String,
) -> CmdResult<()> {
    engine.unqueue(&session_id, &queued_id).await.map_err(to_ui)
}

/// Sends a queued follow-up now (the queue waits after a turn that did not complete).
#[tauri::command]
pub async fn send_queued_now(
    engine: State<'_, Engine>,
    session_id: String,
    queued_id: String,
) -> CmdResult<()> {
    engine
        .send_queued_now(&session_id, &queued_id)
        .await
        .map_err(to_ui)
}

/// Archives a session or brings it back.
#[tauri::command]
pub async fn archive_session(
    engine: State<'_, Engine>,
    session_id: String,
    archived: bool,
) -> CmdResult<SessionInfo> {
    engine
        .archive_session(&session_id, archived)
        .await
        .map_err(to_ui)
}

/// Forks a session through a turn (the latest when none) into a new session.
#[tauri::command]
pub async fn fork_session(
    engine: State<'_, Engine>,
    session_id: String,
    through_turn: Option<String>,
) -> CmdResult<SessionInfo> {
    engine
        .fork_session(&session_id, through_turn.as_deref())
        .await
        .map_err(to_ui)
}

/// The user's own codex sessions (from their terminal), newest first.
#[tauri::command]
pub async fn terminal_threads(engine: State<'_, Engine>) -> CmdResult<Vec<TerminalThread>> {
    engine.terminal_threads().await.map_err(to_ui)
}

/// A session continuing the user's codex thread `thread_id` (a new one, or the one that does);
/// `confirmed` accepts a folder that needs the user's yes.
#[tauri::command]
pub async fn continue_terminal_thread(
    engine: State<'_, Engine>,
    thread_id: String,
    confirmed: bool,
) -> CmdResult<SessionInfo> {
    engine
        .continue_terminal_thread(&thread_id, confirmed)
        .await
        .map_err(to_ui)
}

/// Removes turn `from_turn` and every later turn from a session (codex forgets them too).
#[tauri::command]
pub async fn roll_back(
    engine: State<'_, Engine>,
    session_id: String,
    from_turn: String,
) -> CmdResult<RolledBack> {
    engine
        .roll_back(&session_id, &from_turn)
        .await
        .map_err(to_ui)
}

/// Changes a session's options (from its next turn).
#[tauri::command]
pub async fn set_session_options(
    engine: State<'_, Engine>,
    session_id: String,
    options: SessionOptions,
) -> CmdResult<SessionOptions> {
    engine
        .set_session_options(&session_id, options)
        .await
        .map_err(to_ui)
}

/// The models the session's codex offers, and the one it uses now.
#[tauri::command]
pub async fn list_models(engine: State<'_, Engine>, session_id: String) -> CmdResult<ModelList> {
    engine.models(&session_id).await.map_err(to_ui)
}

/// The user's answer to a question codex asked (approve a command, a change to files).
#[tauri::command]
pub async fn answer_approval(
    engine: State<'_, Engine>,
    session_id: String,
    key: String,
    choice: ApprovalChoice,
) -> CmdResult<()> {
    engine
        .answer_approval(&session_id, &key, choice)
        .await
        .map_err(to_ui)
}

/// Sends the user's answers to questions codex asked (each question's id to its answers).
#[tauri::command]
pub async fn answer_questions(
    engine: State<'_, Engine>,
    session_id: String,
    key: String,
    answers: std::collections::BTreeMap<String, Vec<String>>,
) -> CmdResult<()> {
    engine
        .answer_questions(&session_id, &key, &answers)
        .await
        .map_err(to_ui)
}

/// Sends the form an MCP server asked for, filled in (each field's name to its value).
#[tauri::command]
pub async fn answer_form(
    engine: State<'_, Engine>,
    session_id: String,
    key: String,
    content: serde_json::Map<String, serde_json::Value>,
) -> CmdResult<()> {
    engine
        .answer_form(&session_id, &key, &content)
        .await
        .map_err(to_ui)
}

/// Gives a session a name of the user's.
#[tauri::command]
pub async fn rename_session(
    engine: State<'_, Engine>,
    session_id: String,
    title: String,
) -> CmdResult<SessionInfo> {
    engine
        .rename_session(&session_id, &title)
        .await
        .map_err(to_ui)
}

/// Deletes a session (the window asked the user first); its workspace is never touched.
#[tauri::command]
pub async fn delete_session(engine: State<'_, Engine>, session_id: String) -> CmdResult<()> {
    engine.delete_session(&session_id).await.map_err(to_ui)
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn names_come_back_as_the_window_wrote_them() {
        assert_eq!(
            percent_decode("Screen%20Shot%20%C3%A9.png"),
            "Screen Shot é.png"
        );
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz.png"), "%zz.png");
    }
}

/// Deletes the copy of an image taken off the next message before it was sent.
#[tauri::command]
pub async fn discard_attachment(
    engine: State<'_, Engine>,
    session_id: String,
    path: String,
) -> CmdResult<()> {
    engine
        .discard_attachment(&session_id, &path)
        .await
        .map_err(to_ui)
}

/// Sets (or, with no value, removes) one of a session's environment variables; the value goes
/// to the OS keychain.
#[tauri::command]
pub async fn set_session_env(
    engine: State<'_, Engine>,
    session_id: String,
    name: String,
    value: Option<String>,
) -> CmdResult<SessionOptions> {
    engine
        .set_session_env(&session_id, &name, value.as_deref())
        .await
        .map_err(to_ui)
}
