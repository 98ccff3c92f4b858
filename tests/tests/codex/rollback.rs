//! Rolling back: the last turns leave codex's thread and the transcript; the user gets their
//! words back; what stays is untouched, after a restart too.

use std::sync::Arc;

use codex_desk_core::CoreError;
use codex_desk_test_support::{reply, ModelRequest, Reply};
use codex_desk_tests::{Events, TestEnv};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rolled_back_turns_are_gone_from_codex_and_the_transcript() {
    let env = TestEnv::new(Arc::new(|req: &ModelRequest| -> Reply {
        reply::text(&["Answer to: ", &req.last_user_text()])
    }))
    .await;
    let (engine, session, mut events) = env.start_session().await;
    let id = session.id.clone();
    assert!(matches!(
        engine.roll_back_turns(&id, 1).await,
        Err(CoreError::InvalidInput(_))
    ));
    for prompt in [
        "first: remember ALPHA",
        "second: remember BETA",
        "third: remember GAMMA",
    ] {
        events.completes(&engine, &id, prompt).await;
    }
    let before = engine.open_session(&id).await.expect("open");
    assert_eq!(before.turns.len(), 3);

    // Deeper than the thread, or a turn it does not have: refused, and nothing is lost.
    let deeper = engine.roll_back_turns(&id, 4).await;
    assert!(
        matches!(&deeper, Err(CoreError::InvalidInput(m)) if m.contains("3 turns")),
        "{deeper:?}"
    );
    assert!(matches!(
        engine.roll_back(&id, "no-such-turn").await,
        Err(CoreError::InvalidInput(_))
    ));
    assert_eq!(engine.open_session(&id).await.expect("open"), before);

    let rolled = engine.roll_back_turns(&id, 2).await.expect("roll back");
    assert_eq!(rolled.removed_turns, 2);
    assert_eq!(rolled.prompt.as_deref(), Some("second: remember BETA"));
    assert_ne!(rolled.session.thread_id, before.session.thread_id);
    let after = engine.open_session(&id).await.expect("open");
    assert_eq!(after.turns, before.turns[..1]);
    let shown: String = after.items.iter().map(|i| i.item.to_string()).collect();
    assert!(shown.contains("ALPHA"), "{shown}");
    assert!(
        !shown.contains("BETA") && !shown.contains("GAMMA"),
        "{shown}"
    );

    // Codex forgot them as well: the next question carries the first turn only.
    events
        .completes(&engine, &id, "fourth: what do you remember?")
        .await;
    let asked = env.mock.requests().last().expect("request").body["input"].to_string();
    assert!(asked.contains("ALPHA"), "{asked}");
    assert!(
        !asked.contains("BETA") && !asked.contains("GAMMA"),
        "{asked}"
    );
    engine.shutdown();

    // After a restart the session is where the rollback left it, on the shorter thread.
    let engine = env.engine();
    let reopened = engine.open_session(&id).await.expect("reopen");
    assert_eq!(reopened.turns.len(), 2);
    assert_eq!(reopened.session.thread_id, rolled.session.thread_id);
    let mut events = Events::subscribe(&engine, &id).await;
    events.completes(&engine, &id, "fifth: and now?").await;
    let asked = env.mock.requests().last().expect("request").body["input"].to_string();
    assert!(
        asked.contains("ALPHA") && asked.contains("what do you remember"),
        "{asked}"
    );
    assert!(!asked.contains("BETA"), "{asked}");

    // Everything rolled back: a new thread, with nothing of the old one.
    let first = reopened.turns[0].id.clone();
    let all = engine.roll_back(&id, &first).await.expect("roll back all");
    assert_eq!(all.removed_turns, 3);
    assert_eq!(all.prompt.as_deref(), Some("first: remember ALPHA"));
    assert_eq!(all.session.thread_id, None);
    assert!(engine
        .open_session(&id)
        .await
        .expect("open")
        .items
        .is_empty());
    events.completes(&engine, &id, "a fresh start").await;
    let asked = env.mock.requests().last().expect("request").body["input"].to_string();
    assert!(
        !asked.contains("ALPHA") && !asked.contains("what do you remember"),
        "{asked}"
    );
    engine.shutdown();
}
