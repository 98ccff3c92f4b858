//! Continuing a codex session the user ran in a terminal: listed from their codex home,
//! continued in a new session with its history, and the model sees the earlier turns.

use std::path::Path;
use std::sync::Arc;

use codex_desk_core::CoreError;
use codex_desk_test_support::{reply, ModelRequest, Reply};
use codex_desk_tests::{Events, TestEnv};

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("dir");
    for entry in std::fs::read_dir(from).expect("read").flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminal_session_is_listed_and_continued_with_its_history() {
    let env = TestEnv::new(Arc::new(|req: &ModelRequest| -> Reply {
        reply::text(&["Answer to: ", &req.last_user_text()])
    }))
    .await;
    // A thread codex wrote (here through a session of the app), then put where a terminal
    // codex keeps its threads; the app's own session goes.
    let (engine, session, mut events) = env.start_session().await;
    for prompt in ["first: remember ALPHA", "second: remember BETA"] {
        events.completes(&engine, &session.id, prompt).await;
    }
    let thread_id = engine
        .open_session(&session.id)
        .await
        .expect("open")
        .session
        .thread_id
        .expect("thread");
    engine.shutdown();
    copy_tree(
        &env.data_dir()
            .join("sessions")
            .join(&session.id)
            .join("codex-home/sessions"),
        &env.user_codex_home().join("sessions"),
    );
    let engine = env.engine();
    engine.delete_session(&session.id).await.expect("delete");
    let users_file = || {
        let mut files = Vec::new();
        let mut dirs = vec![env.user_codex_home().join("sessions")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).expect("read").flatten() {
                if entry.file_type().expect("type").is_dir() {
                    dirs.push(entry.path());
                } else {
                    files.push((entry.path(), std::fs::read(entry.path()).expect("file")));
                }
            }
        }
        files
    };
    let before = users_file();

    let listed = engine.terminal_threads().await.expect("list");
    let found = listed.iter().find(|t| t.id == thread_id).expect("listed");
    assert_eq!(found.title, "first: remember ALPHA");
    assert_eq!(
        Path::new(&found.folder).canonicalize().expect("folder"),
        env.workspace().canonicalize().expect("workspace")
    );
    assert_eq!(found.session_id, None);

    // Ids that are not there, or not ids: refused, nothing made.
    for bad in [
        "0199aaaa-0000-7000-8000-000000000000",
        "../../etc/passwd",
        "",
    ] {
        assert!(
            matches!(
                engine.continue_terminal_thread(bad, false).await,
                Err(CoreError::InvalidInput(_))
            ),
            "{bad}"
        );
    }
    assert!(engine.app_state().await.expect("state").sessions.is_empty());

    let continued = engine
        .continue_terminal_thread(&thread_id, false)
        .await
        .expect("continue");
    assert_eq!(continued.thread_id.as_deref(), Some(thread_id.as_str()));
    assert_eq!(continued.title, "first: remember ALPHA");
    let opened = engine.open_session(&continued.id).await.expect("open");
    assert_eq!(opened.turns.len(), 2);
    let shown: String = opened.items.iter().map(|i| i.item.to_string()).collect();
    assert!(
        shown.contains("remember ALPHA") && shown.contains("Answer to: second: remember BETA"),
        "{shown}"
    );
    // Listed as continued here; continuing again opens the same session.
    let again = engine.terminal_threads().await.expect("list");
    assert_eq!(
        again
            .iter()
            .find(|t| t.id == thread_id)
            .and_then(|t| t.session_id.clone()),
        Some(continued.id.clone())
    );
    assert_eq!(
        engine
            .continue_terminal_thread(&thread_id, false)
            .await
            .expect("again")
            .id,
        continued.id
    );

    // The conversation goes on where the terminal left it.
    let mut events = Events::subscribe(&engine, &continued.id).await;
    events
        .completes(&engine, &continued.id, "third: what do you remember?")
        .await;
    let asked = env.mock.requests().last().expect("request").body["input"].to_string();
    assert!(asked.contains("ALPHA") && asked.contains("BETA"), "{asked}");
    assert_eq!(
        users_file(),
        before,
        "the user's own thread file is untouched"
    );
    engine.shutdown();
}
