//! Two sessions at once: their events never mix.

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
