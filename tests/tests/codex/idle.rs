//! A codex nobody uses is released, and the next prompt resumes the same thread in a new one.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use codex_desk_core::{Engine, EngineConfig};
use codex_desk_test_support::{reply, ModelRequest, Reply};
use codex_desk_tests::{Events, TestEnv, WAIT};

/// Waits (polling: nothing announces it) until `done` holds.
async fn until(what: &str, done: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_codex_is_released_and_the_next_prompt_resumes_its_thread() {
    let env = TestEnv::new(Arc::new(|req: &ModelRequest| -> Reply {
        if req.tool_output().is_some() {
            return reply::text(&["The command finished."]);
        }
        let last = req.last_user_text();
        if last.contains("work a while") {
            return reply::exec_command("call_sleep", "sleep 1.5", None);
        }
        reply::text(&["Answer to: ", &last])
    }))
    .await;
    let engine = Engine::open(EngineConfig {
        idle_release: Some(Duration::from_millis(400)),
        ..env.config()
    })
    .expect("open engine");
    let session = engine
        .create_session(&env.workspace().display().to_string())
        .expect("create session");
    let mut events = Events::subscribe(&engine, &session.id).await;

    // A turn that outlasts the idle time keeps its codex: only an idle one goes.
    engine
        .send_prompt(&session.id, "remember MANGO, then work a while")
        .await
        .expect("send");
    let first_pid = engine.codex_pid(&session.id).expect("codex runs");
    assert_eq!(events.turn_completed().await["status"], "completed");
    assert_eq!(engine.codex_pid(&session.id), Some(first_pid));
    let thread_id = engine
        .open_session(&session.id)
        .await
        .expect("open")
        .session
        .thread_id;

    // Idle: codex is released, its process gone.
    until("the idle codex to be released", || {
        engine.codex_pid(&session.id).is_none()
    })
    .await;
    let proc_dir = format!("/proc/{first_pid}");
    until("the released codex process to exit", || {
        !Path::new(&proc_dir).exists()
    })
    .await;

    // The next prompt starts a new codex on the same thread, with the whole conversation.
    engine
        .send_prompt(&session.id, "what did I ask you to remember?")
        .await
        .expect("send after release");
    assert_ne!(engine.codex_pid(&session.id), Some(first_pid));
    assert_eq!(events.turn_completed().await["status"], "completed");
    let reopened = engine.open_session(&session.id).await.expect("open");
    assert_eq!(reopened.session.thread_id, thread_id);
    let requests = env.mock.requests();
    let last = requests.last().expect("a request");
    assert!(
        last.body["input"].to_string().contains("MANGO"),
        "the resumed thread carries the first turn: {}",
        last.body["input"]
    );
    assert!(events
        .completed_items("agentMessage")
        .iter()
        .any(|i| i["text"] == "Answer to: what did I ask you to remember?"));
    engine.shutdown();
}
