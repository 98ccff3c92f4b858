//! Stop and crash: interrupting a slow turn, and codex dying mid-turn.

use std::sync::Arc;
use std::time::{Duration, Instant};

use codex_desk_core::engine::Engine;
use codex_desk_protocol::{SessionEvent, SessionStatus};
use codex_desk_test_support::{reply, ModelRequest, Reply};
use codex_desk_tests::{is_method, is_status, Events, TestEnv};

fn slow_unless_quick() -> codex_desk_test_support::Script {
    Arc::new(|req: &ModelRequest| -> Reply {
        if req.last_user_text().contains("quick") {
            reply::text(&["Quick answer."])
        } else {
            reply::slow_text("tick ", 300, Duration::from_millis(100))
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_ends_a_slow_turn_within_a_second() {
    let env = TestEnv::new(slow_unless_quick()).await;
    let (engine, session, mut events) = env.start_session().await;

    engine
        .send_prompt(&session.id, "take your time")
        .await
        .expect("send");
    events
        .until("first delta", is_method("item/agentMessage/delta"))
        .await;
    let asked = Instant::now();
    engine.interrupt(&session.id).await.expect("interrupt");
    let turn = events.turn_completed().await;
    let took = asked.elapsed();
    assert_eq!(turn["status"], "interrupted");
    assert!(took < Duration::from_secs(1), "interrupt took {took:?}");
    then_the_next_turn_runs_whole(&engine, &session.id, &mut events).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_pressed_as_the_turn_starts_stops_it() {
    let env = TestEnv::new(slow_unless_quick()).await;
    let (engine, session, mut events) = env.start_session().await;
    // Stop as soon as the window hears the session runs: codex may not have named the turn
    // yet (its answer to turn/start is on the way).
    let sending = {
        let engine = engine.clone();
        let id = session.id.clone();
        tokio::spawn(async move { engine.send_prompt(&id, "take your time").await })
    };
    events
        .until("running", is_status(SessionStatus::Running))
        .await;
    engine.interrupt(&session.id).await.expect("interrupt");
    sending.await.expect("the send task").expect("send");
    let turn = events.turn_completed().await;
    assert_eq!(turn["status"], "interrupted", "{turn}");
    then_the_next_turn_runs_whole(&engine, &session.id, &mut events).await;
}

/// After a stopped turn: the session is idle, and the next prompt's turn completes.
async fn then_the_next_turn_runs_whole(engine: &Engine, id: &str, events: &mut Events) {
    events.until("idle", is_status(SessionStatus::Idle)).await;
    engine
        .send_prompt(id, "quick one")
        .await
        .expect("next turn");
    assert_eq!(events.turn_completed().await["status"], "completed");
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_codex_crash_mid_turn_is_reported_and_the_next_prompt_resumes_the_thread() {
    let env = TestEnv::new(slow_unless_quick()).await;
    let (engine, session, mut events) = env.start_session().await;

    engine
        .send_prompt(&session.id, "remember the word PINEAPPLE")
        .await
        .expect("send");
    events
        .until("first delta", is_method("item/agentMessage/delta"))
        .await;
    let pid = engine.codex_pid(&session.id).expect("codex runs");
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());

    let crashed = events
        .until("crashed status", is_status(SessionStatus::Crashed))
        .await;
    let SessionEvent::Status {
        message: Some(message),
        thread_id,
        ..
    } = crashed
    else {
        panic!("crash has a message")
    };
    assert!(
        message.contains("stopped unexpectedly") && message.contains("signal 9"),
        "{message}"
    );
    let stored = engine.open_session(&session.id).await.expect("open");
    assert_eq!(stored.session.status, SessionStatus::Crashed);
    assert!(stored
        .session
        .last_error
        .as_deref()
        .is_some_and(|e| e.contains("stopped unexpectedly")));
    assert!(
        stored
            .items
            .iter()
            .any(|i| i.item["type"] == "userMessage" && i.item.to_string().contains("PINEAPPLE")),
        "items completed before the crash are stored: {:?}",
        stored.items
    );
    assert_eq!(stored.turns.last().expect("turn").status, "failed");

    engine
        .send_prompt(&session.id, "quick: what was the word?")
        .await
        .expect("prompt after crash");
    assert_eq!(events.turn_completed().await["status"], "completed");
    let new_pid = engine.codex_pid(&session.id).expect("codex restarted");
    assert_ne!(new_pid, pid);
    let after = engine.open_session(&session.id).await.expect("open");
    assert_eq!(
        after.session.thread_id, thread_id,
        "the same codex thread continues"
    );
    let last = env.mock.requests().pop().expect("a model request");
    assert!(
        last.all_text().contains("PINEAPPLE"),
        "the resumed thread sent its history"
    );
    engine.shutdown();
}
