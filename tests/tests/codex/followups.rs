//! While a turn runs: steering reaches the model in the same turn; queued follow-ups go, in
//! order, as the next turns; a removed one never goes.

use std::sync::Arc;

use codex_desk_core::CoreError;
use codex_desk_protocol::SessionEvent;
use codex_desk_test_support::{reply, ModelRequest, Reply};
use codex_desk_tests::TestEnv;

/// A first prompt runs a 2-second command; steered text is answered "Heard …" in that turn;
/// any other prompt is answered "Answer to: …".
fn working() -> codex_desk_test_support::Script {
    Arc::new(|req: &ModelRequest| -> Reply {
        let last = req.last_user_text();
        if last.contains("STEER") {
            return reply::text(&["Heard ", &last]);
        }
        if req.tool_output().is_some() {
            return reply::text(&["The command finished."]);
        }
        if last.contains("start working") {
            return reply::exec_command("call_sleep", "sleep 2", None);
        }
        reply::text(&["Answer to: ", &last])
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn steering_joins_the_running_turn_and_queued_prompts_follow_it() {
    let env = TestEnv::new(working()).await;
    let (engine, session, mut events) = env.start_session().await;

    // Nothing runs: there is nothing to steer.
    assert!(matches!(
        engine.steer(&session.id, "STEER too early").await,
        Err(CoreError::NothingToSteer)
    ));

    engine
        .send_prompt(&session.id, "start working")
        .await
        .expect("send");
    events.command_started().await;
    engine
        .steer(&session.id, "STEER: also mention bananas")
        .await
        .expect("steer");
    engine
        .queue_prompt(&session.id, "first follow-up")
        .await
        .expect("queue");
    engine
        .queue_prompt(&session.id, "dropped follow-up")
        .await
        .expect("queue");
    let queued = engine.open_session(&session.id).await.expect("open").queued;
    assert_eq!(
        queued.iter().map(|q| q.text.as_str()).collect::<Vec<_>>(),
        vec!["first follow-up", "dropped follow-up"]
    );
    engine
        .unqueue(&session.id, &queued[1].id)
        .await
        .expect("unqueue");

    // The steered text reached the model within the first turn.
    let first = events.turn_completed().await;
    assert_eq!(first["status"], "completed");
    let answers: Vec<_> = events
        .notifications("item/completed")
        .into_iter()
        .filter(|p| p["item"]["type"] == "agentMessage")
        .collect();
    assert!(
        answers.iter().any(|p| p["turnId"] == first["id"]
            && p["item"]["text"]
                .as_str()
                .is_some_and(|t| t.contains("Heard STEER: also mention bananas"))),
        "{answers:#?}"
    );

    // Codex records the steered text as the user's words in that turn, so the window shows it
    // there, once.
    let steered: Vec<_> = events
        .notifications("item/completed")
        .into_iter()
        .filter(|p| p["item"]["type"] == "userMessage" && p["turnId"] == first["id"])
        .map(|p| p["item"]["content"].to_string())
        .collect();
    assert!(
        steered
            .iter()
            .any(|c| c.contains("STEER: also mention bananas")),
        "{steered:#?}"
    );

    // The queued follow-up went by itself as the next turn; the removed one never did.
    let second = events.turn_completed().await;
    assert_ne!(second["id"], first["id"]);
    let answers: Vec<String> = events
        .completed_items("agentMessage")
        .iter()
        .filter_map(|i| i["text"].as_str().map(str::to_string))
        .collect();
    assert!(
        answers.iter().any(|t| t == "Answer to: first follow-up"),
        "{answers:#?}"
    );
    assert!(
        !answers.iter().any(|t| t.contains("dropped")),
        "{answers:#?}"
    );
    events
        .until(
            "the queue to empty",
            |e| matches!(e, SessionEvent::QueueChanged { queued, .. } if queued.is_empty()),
        )
        .await;
    assert!(engine
        .open_session(&session.id)
        .await
        .expect("open")
        .queued
        .is_empty());
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_turn_leaves_the_queue_to_the_user() {
    let env = TestEnv::new(working()).await;
    let (engine, session, mut events) = env.start_session().await;
    engine
        .send_prompt(&session.id, "start working")
        .await
        .expect("send");
    events.command_started().await;
    engine
        .queue_prompt(&session.id, "after the stop")
        .await
        .expect("queue");
    engine.interrupt(&session.id).await.expect("stop");
    let stopped = events.turn_completed().await;
    assert_eq!(stopped["status"], "interrupted");

    // Nothing was sent by itself: the follow-up waits, and the user sends it when they choose.
    let opened = engine.open_session(&session.id).await.expect("open");
    assert!(opened.queue_held);
    assert_eq!(
        opened
            .queued
            .iter()
            .map(|q| q.text.as_str())
            .collect::<Vec<_>>(),
        vec!["after the stop"]
    );
    let sent = |text: &str| {
        env.mock
            .requests()
            .iter()
            .filter(|r| r.last_user_text().contains(text))
            .count()
    };
    assert_eq!(sent("after the stop"), 0);
    // Queuing more while the queue waits adds to it; nothing goes.
    engine
        .queue_prompt(&session.id, "one more")
        .await
        .expect("queue");
    let waiting = engine.open_session(&session.id).await.expect("open").queued;
    assert_eq!(waiting.len(), 2);
    assert_eq!(sent("after the stop") + sent("one more"), 0);

    // Send now: that one goes, and the rest follow as turns complete.
    engine
        .send_queued_now(&session.id, &waiting[0].id)
        .await
        .expect("send now");
    let next = events.turn_completed().await;
    assert_eq!(next["status"], "completed");
    let last = events.turn_completed().await;
    assert_ne!(last["id"], next["id"]);
    let answers: Vec<String> = events
        .completed_items("agentMessage")
        .iter()
        .filter_map(|i| i["text"].as_str().map(str::to_string))
        .collect();
    let first = answers
        .iter()
        .position(|t| t == "Answer to: after the stop");
    let second = answers.iter().position(|t| t == "Answer to: one more");
    assert!(
        matches!((first, second), (Some(a), Some(b)) if a < b),
        "{answers:#?}"
    );
    assert_eq!((sent("after the stop"), sent("one more")), (1, 1));
    let opened = engine.open_session(&session.id).await.expect("open");
    assert!(opened.queued.is_empty() && !opened.queue_held);
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_follow_up_that_cannot_be_sent_says_why_and_waits_first_in_the_queue() {
    let env = TestEnv::new(working()).await;
    let (engine, session, mut events) = env.start_session().await;
    engine
        .send_prompt(&session.id, "start working")
        .await
        .expect("send");
    events.command_started().await;
    // A custom prompt that does not exist: found out only when it is sent.
    engine
        .queue_prompt(&session.id, "/prompts:no-such-prompt")
        .await
        .expect("queue");
    assert_eq!(events.turn_completed().await["status"], "completed");
    let warning = events
        .until("why it was not sent", |e| {
            matches!(e, SessionEvent::SetupWarning { message } if message.contains("no-such-prompt"))
        })
        .await;
    let SessionEvent::SetupWarning { message } = warning else {
        unreachable!("matched above")
    };
    assert!(
        message.starts_with("The next queued message was not sent: There is no custom prompt named `no-such-prompt`."),
        "{message}"
    );
    let opened = engine.open_session(&session.id).await.expect("open");
    assert!(opened.queue_held);
    assert_eq!(opened.queued[0].text, "/prompts:no-such-prompt");
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_follow_ups_come_back_after_a_quit_and_wait_for_the_user() {
    let env = TestEnv::new(working()).await;
    let session_id = {
        let (engine, session, mut events) = env.start_session().await;
        engine
            .send_prompt(&session.id, "start working")
            .await
            .expect("send");
        events.command_started().await;
        engine
            .queue_prompt(&session.id, "kept across the quit")
            .await
            .expect("queue");
        engine
            .shutdown_gracefully(std::time::Duration::from_secs(5))
            .await;
        session.id
    };

    let engine = env.engine();
    let opened = engine.open_session(&session_id).await.expect("open");
    assert!(
        opened.queue_held,
        "a queue from before the quit waits for the user"
    );
    assert_eq!(
        opened
            .queued
            .iter()
            .map(|q| q.text.as_str())
            .collect::<Vec<_>>(),
        vec!["kept across the quit"]
    );
    let mut events = codex_desk_tests::Events::subscribe(&engine, &session_id).await;
    engine
        .send_queued_now(&session_id, &opened.queued[0].id)
        .await
        .expect("send now");
    assert_eq!(events.turn_completed().await["status"], "completed");
    assert!(events
        .completed_items("agentMessage")
        .iter()
        .any(|i| i["text"] == "Answer to: kept across the quit"));
    let reopened = engine.open_session(&session_id).await.expect("open");
    assert!(reopened.queued.is_empty() && !reopened.queue_held);
    engine.shutdown();
}
