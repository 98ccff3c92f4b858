//! Sessions at once (two, then ten over two folders): their events never mix.

use std::sync::Arc;

use codex_desk_test_support::{reply, ModelRequest, Reply};
use codex_desk_tests::{Events, TestEnv};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_sessions_run_at_once_and_their_events_never_mix() {
    let env = TestEnv::new(Arc::new(|req: &ModelRequest| -> Reply {
        let marker = req.last_user_text();
        let chunks: Vec<String> = (0..30).map(|i| format!("{marker}-{i} ")).collect();
        let refs: Vec<&str> = chunks.iter().map(String::as_str).collect();
        reply::text(&refs)
    }))
    .await;
    let engine = env.engine();
    let ws = env.workspace().display().to_string();
    let a = engine.create_session(&ws).expect("a");
    let b = engine.create_session(&ws).expect("b");
    let mut ea = Events::subscribe(&engine, &a.id).await;
    let mut eb = Events::subscribe(&engine, &b.id).await;

    let (ra, rb) = tokio::join!(
        engine.send_prompt(&a.id, "ALPHA"),
        engine.send_prompt(&b.id, "BRAVO")
    );
    ra.expect("send a");
    rb.expect("send b");
    let (ta, tb) = tokio::join!(ea.turn_completed(), eb.turn_completed());
    assert_eq!(ta["status"], "completed");
    assert_eq!(tb["status"], "completed");

    let text_a = ea.deltas("item/agentMessage/delta");
    let text_b = eb.deltas("item/agentMessage/delta");
    assert!(
        text_a.contains("ALPHA-29") && !text_a.contains("BRAVO"),
        "{text_a}"
    );
    assert!(
        text_b.contains("BRAVO-29") && !text_b.contains("ALPHA"),
        "{text_b}"
    );
    assert!(ea.batches.iter().all(|(sid, _)| *sid == a.id));
    assert!(eb.batches.iter().all(|(sid, _)| *sid == b.id));

    let (sa, sb) = (
        engine.open_session(&a.id).await.expect("a"),
        engine.open_session(&b.id).await.expect("b"),
    );
    assert_ne!(sa.session.thread_id, sb.session.thread_id);
    assert!(sa
        .items
        .iter()
        .all(|i| !i.item.to_string().contains("BRAVO")));
    assert!(sb
        .items
        .iter()
        .all(|i| !i.item.to_string().contains("ALPHA")));
    assert_ne!(
        engine.codex_pid(&a.id),
        engine.codex_pid(&b.id),
        "one codex process per session"
    );
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_sessions_over_two_folders_stream_at_once_and_stay_apart() {
    const NAMES: [&str; 10] = [
        "ALPHA", "BRAVO", "CHARLIE", "DELTA", "ECHO", "FOXTROT", "GOLF", "HOTEL", "INDIA", "JULIET",
    ];
    let env = TestEnv::new(Arc::new(|req: &ModelRequest| -> Reply {
        let marker = req.last_user_text();
        let chunks: Vec<String> = (0..40).map(|i| format!("{marker}-{i} ")).collect();
        let refs: Vec<&str> = chunks.iter().map(String::as_str).collect();
        reply::text(&refs)
    }))
    .await;
    let engine = env.engine();
    let second = env.workspace().join("second-project");
    std::fs::create_dir_all(&second).expect("second folder");
    let folders = [
        env.workspace().display().to_string(),
        second.display().to_string(),
    ];
    let mut sessions = Vec::new();
    for (n, name) in NAMES.iter().enumerate() {
        let session = engine.create_session(&folders[n % 2]).expect("session");
        let events = Events::subscribe(&engine, &session.id).await;
        sessions.push((*name, session, events));
    }

    // All ten at once.
    let sends: Vec<_> = sessions
        .iter()
        .map(|(name, session, _)| {
            let (engine, id, name) = (engine.clone(), session.id.clone(), name.to_string());
            tokio::spawn(async move { engine.send_prompt(&id, &name).await })
        })
        .collect();
    for send in sends {
        send.await.expect("task").expect("send");
    }
    let mut pids = std::collections::HashSet::new();
    for (name, session, events) in &mut sessions {
        assert_eq!(
            events.turn_completed().await["status"],
            "completed",
            "{name}"
        );
        let streamed = events.deltas("item/agentMessage/delta");
        let whole: String = (0..40).map(|i| format!("{name}-{i} ")).collect();
        assert_eq!(
            streamed, whole,
            "{name} heard only its own answer, whole and in order"
        );
        assert!(events.batches.iter().all(|(sid, _)| *sid == session.id));
        let stored = engine.open_session(&session.id).await.expect("open");
        let answer = stored
            .items
            .iter()
            .find(|i| i.item["type"] == "agentMessage")
            .expect("answer");
        assert_eq!(
            answer.item["text"].as_str().map(str::trim),
            Some(whole.trim())
        );
        for other in NAMES.iter().filter(|o| *o != name) {
            assert!(
                stored
                    .items
                    .iter()
                    .all(|i| !i.item.to_string().contains(other)),
                "{name} stored {other}'s words"
            );
        }
        pids.insert(engine.codex_pid(&session.id).expect("codex runs"));
    }
    assert_eq!(pids.len(), NAMES.len(), "one codex process per session");
    engine.shutdown();
}
