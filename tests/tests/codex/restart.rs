//! Closing and reopening the app, and a missing codex.

use std::sync::Arc;

use codex_desk_protocol::{ErrorCode, SessionEvent, SessionStatus};
use codex_desk_test_support::{reply, ModelRequest, Reply};
use codex_desk_tests::{Events, TestEnv};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_restart_the_transcript_is_there_and_the_thread_continues() {
    let env = TestEnv::new(Arc::new(|req: &ModelRequest| -> Reply {
        let n = req.body["input"].as_array().map(Vec::len).unwrap_or(0);
        reply::text(&["Answer with ", &n.to_string(), " inputs."])
    }))
    .await;
    let (session_id, thread_id) = {
        let (engine, session, mut events) = env.start_session().await;
        engine
            .send_prompt(&session.id, "first question about MANGO")
            .await
            .expect("send");
        assert_eq!(events.turn_completed().await["status"], "completed");
        // Each request to the mock model counts 120 tokens (100 in, 20 out): one for this turn.
        let counted = events.seen.iter().rev().find_map(|e| match e {
            SessionEvent::TurnUsage { usage, .. } => Some(*usage),
            _ => None,
        });
        let counted = counted.expect("the turn's tokens");
        assert_eq!(
            (counted.turn.total, counted.turn.input, counted.turn.output),
            (120, 100, 20)
        );
        assert_eq!(counted.session.total, 120);
        assert_eq!(counted.context_tokens, 120);
        let thread = engine
            .open_session(&session.id)
            .await
            .expect("open")
            .session
            .thread_id;
        engine.shutdown();
        (session.id, thread)
    };

    let engine = env.engine();
    let state = engine.app_state().await.expect("state");
    assert_eq!(state.last_session_id.as_deref(), Some(session_id.as_str()));
    assert!(state.codex.is_some(), "{:?}", state.codex_error);
    let listed = state
        .sessions
        .iter()
        .find(|s| s.id == session_id)
        .expect("listed");
    assert_eq!(listed.status, SessionStatus::Idle);
    let transcript = engine.open_session(&session_id).await.expect("open");
    assert_eq!(transcript.items.len(), 2);
    // The count is kept with the turn.
    assert_eq!(transcript.turns[0].usage.map(|u| u.turn.total), Some(120));
    assert!(transcript.items[0].item.to_string().contains("MANGO"));

    let mut events = Events::subscribe(&engine, &session_id).await;
    engine
        .send_prompt(&session_id, "second question")
        .await
        .expect("send after restart");
    assert_eq!(events.turn_completed().await["status"], "completed");
    assert_eq!(
        engine
            .open_session(&session_id)
            .await
            .expect("open")
            .session
            .thread_id,
        thread_id
    );
    let last = env.mock.requests().pop().expect("request");
    assert!(last.all_text().contains("MANGO"), "resumed with history");
    // The resumed codex's count: this turn's own, whether codex carried the thread's on or not.
    let turns = engine.open_session(&session_id).await.expect("open").turns;
    let usage = turns[1].usage.expect("the second turn's tokens");
    assert_eq!(usage.turn.total, 120, "{usage:?}");
    assert!(usage.session.total >= 120);
    assert_eq!(
        engine
            .open_session(&session_id)
            .await
            .expect("open")
            .items
            .len(),
        4
    );
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_codex_is_a_clear_error_and_loses_nothing() {
    let env = TestEnv::new(Arc::new(|_: &ModelRequest| reply::text(&["unused"]))).await;
    let mut config = env.config();
    config.codex_path = Some(env.root.path().join("no-such-codex"));
    let engine = codex_desk_core::Engine::open(config).expect("engine opens without codex");
    let state = engine.app_state().await.expect("state");
    let error = state.codex_error.expect("codex error shown");
    assert_eq!(error.code, Some(ErrorCode::CodexNotFound));
    assert!(error.message.contains("no-such-codex"), "{}", error.message);

    let session = engine
        .create_session(&env.workspace().display().to_string())
        .expect("create still works");
    let err = engine
        .send_prompt(&session.id, "hello")
        .await
        .expect_err("cannot run without codex");
    assert_eq!(err.code(), Some(ErrorCode::CodexNotFound));
    let stored = engine.open_session(&session.id).await.expect("open");
    assert_eq!(stored.session.status, SessionStatus::Failed);
    assert!(stored
        .session
        .last_error
        .is_some_and(|e| e.contains("could not be run")));
}
