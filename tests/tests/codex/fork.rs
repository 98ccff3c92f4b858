//! Forking: a new session whose thread is this one's up to a turn; the two go their own ways.

use std::sync::Arc;

use codex_desk_core::CoreError;
use codex_desk_test_support::{reply, ModelRequest, Reply};
use codex_desk_tests::{Events, TestEnv};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fork_from_an_earlier_turn_knows_only_what_came_before_it() {
    let env = TestEnv::new(Arc::new(|req: &ModelRequest| -> Reply {
        reply::text(&["Answer to: ", &req.last_user_text()])
    }))
    .await;
    let (engine, source, mut events) = env.start_session().await;
    // Nothing to fork before the first message.
    assert!(matches!(
        engine.fork_session(&source.id, None).await,
        Err(CoreError::InvalidInput(_))
    ));
    for prompt in ["first: remember ALPHA", "second: remember BETA"] {
        events.completes(&engine, &source.id, prompt).await;
    }
    let opened = engine.open_session(&source.id).await.expect("open");
    assert_eq!(opened.turns.len(), 2);
    let first_turn = opened.turns[0].id.clone();

    let fork = engine
        .fork_session(&source.id, Some(&first_turn))
        .await
        .expect("fork");
    assert_eq!(fork.title, "Fork of first: remember ALPHA");
    assert_eq!(fork.workspace, source.workspace);
    assert_ne!(fork.thread_id, opened.session.thread_id);
    // Its transcript: the first turn only.
    let forked = engine.open_session(&fork.id).await.expect("open fork");
    assert_eq!(forked.turns.len(), 1);
    // Codex keeps the turns' ids in its copy: a fork of the fork can name them.
    assert_eq!(forked.turns[0].id, first_turn);
    let texts: Vec<String> = forked.items.iter().map(|i| i.item.to_string()).collect();
    assert!(texts.iter().any(|t| t.contains("ALPHA")), "{texts:#?}");
    assert!(!texts.iter().any(|t| t.contains("BETA")), "{texts:#?}");

    // The fork's codex has the first turn and not the second.
    let mut fork_events = Events::subscribe(&engine, &fork.id).await;
    fork_events
        .completes(&engine, &fork.id, "fork: what do you remember?")
        .await;
    let asked = env.mock.requests().last().expect("request").body["input"].to_string();
    assert!(asked.contains("ALPHA"), "{asked}");
    assert!(!asked.contains("BETA"), "{asked}");
    let after = engine.open_session(&fork.id).await.expect("open fork");
    assert_eq!(
        after.session.thread_id, fork.thread_id,
        "the fork's own thread resumed"
    );

    // The original goes on with both turns, and nothing of the fork.
    events
        .completes(&engine, &source.id, "source: and you?")
        .await;
    let asked = env.mock.requests().last().expect("request").body["input"].to_string();
    assert!(asked.contains("ALPHA") && asked.contains("BETA"), "{asked}");
    assert!(!asked.contains("what do you remember"), "{asked}");

    // A fork of the latest carries every turn.
    let whole = engine
        .fork_session(&source.id, None)
        .await
        .expect("fork latest");
    assert_eq!(
        engine
            .open_session(&whole.id)
            .await
            .expect("open")
            .turns
            .len(),
        3
    );
    engine.shutdown();
}
