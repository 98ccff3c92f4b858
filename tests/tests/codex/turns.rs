//! A turn's kinds of work: streamed text, a shell command, a file change, a model error.

use std::sync::Arc;

use codex_desk_protocol::{SessionEvent, SessionStatus};
use codex_desk_test_support::{reply, ModelRequest, Reply};
use codex_desk_tests::{is_status, Events, TestEnv};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_streams_as_deltas_and_the_turn_is_stored() {
    let env = TestEnv::new(Arc::new(|_: &ModelRequest| {
        reply::text(&["Hel", "lo ", "from ", "the ", "mock."])
    }))
    .await;
    let (engine, session, mut events) = env.start_session().await;

    engine
        .send_prompt(&session.id, "Say hello")
        .await
        .expect("send");
    let turn = events.turn_completed().await;
    assert_eq!(turn["status"], "completed");
    events.until("idle", is_status(SessionStatus::Idle)).await;

    assert!(events
        .seen
        .iter()
        .any(|e| matches!(e, SessionEvent::PromptAccepted { text } if text == "Say hello")));
    assert_eq!(
        events.deltas("item/agentMessage/delta"),
        "Hello from the mock."
    );
    let messages = events.completed_items("agentMessage");
    assert_eq!(
        messages.last().expect("agent message")["text"],
        "Hello from the mock."
    );
    let seqs: Vec<u64> = events.batches.iter().map(|(_, s)| *s).collect();
    assert_eq!(
        seqs,
        (1..=seqs.len() as u64).collect::<Vec<_>>(),
        "batches are numbered without gaps"
    );

    // What a restart would show: the session with its thread, the prompt and the answer.
    let transcript = engine.open_session(&session.id).await.expect("open");
    assert_eq!(transcript.session.status, SessionStatus::Idle);
    assert_eq!(transcript.session.title, "Say hello");
    assert!(transcript.session.thread_id.is_some());
    let kinds: Vec<_> = transcript
        .items
        .iter()
        .map(|i| i.item["type"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(kinds, ["userMessage", "agentMessage"]);
    assert_eq!(transcript.items[1].item["text"], "Hello from the mock.");
    assert_eq!(transcript.turns.len(), 1);
    assert_eq!(transcript.turns[0].status, "completed");

    // The session's own CODEX_HOME got a config built from the user's, and no credentials.
    let home = env
        .root
        .path()
        .join("data/sessions")
        .join(&session.id)
        .join("codex-home");
    let config = std::fs::read_to_string(home.join("config.toml")).expect("session config");
    assert!(config.contains(&env.mock.base_url()));
    assert!(!home.join("auth.json").exists());
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shell_command_runs_in_the_workspace_and_its_output_arrives() {
    let env_ws = Arc::new(std::sync::OnceLock::<String>::new());
    let ws = env_ws.clone();
    let env = TestEnv::new(Arc::new(move |req: &ModelRequest| -> Reply {
        match req.tool_output() {
            Some(_) => reply::text(&["The command ran."]),
            None => reply::exec_command(
                "call_1",
                "echo hello-from-codex > proof.txt && cat proof.txt && pwd",
                ws.get().map(String::as_str),
            ),
        }
    }))
    .await;
    let workspace = env.workspace();
    env_ws
        .set(workspace.display().to_string())
        .expect("set once");
    let engine = env.engine();
    let session = engine
        .create_session(&workspace.display().to_string())
        .expect("create");
    let mut events = Events::subscribe(&engine, &session.id).await;

    engine
        .send_prompt(&session.id, "Run the proof")
        .await
        .expect("send");
    assert_eq!(events.turn_completed().await["status"], "completed");

    let started: Vec<_> = events
        .notifications("item/started")
        .into_iter()
        .filter(|p| p["item"]["type"] == "commandExecution")
        .collect();
    assert_eq!(
        started.len(),
        1,
        "the command card appears when the command starts"
    );
    let command = events
        .completed_items("commandExecution")
        .pop()
        .expect("command item");
    assert_eq!(command["exitCode"], 0);
    assert_eq!(command["status"], "completed");
    assert_eq!(command["cwd"], workspace.display().to_string());
    let output = command["aggregatedOutput"].as_str().unwrap_or_default();
    assert!(output.contains("hello-from-codex"), "{output}");
    assert!(
        output.contains(&workspace.display().to_string()),
        "{output}"
    );
    assert_eq!(
        std::fs::read_to_string(workspace.join("proof.txt"))
            .expect("proof")
            .trim(),
        "hello-from-codex"
    );

    let stored = engine.open_session(&session.id).await.expect("open").items;
    assert!(stored
        .iter()
        .any(|i| i.item["type"] == "commandExecution" && i.item["exitCode"] == 0));
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_patch_creates_the_file_and_reports_the_change() {
    let env = TestEnv::new(Arc::new(|req: &ModelRequest| -> Reply {
        match req.tool_output() {
            Some(_) => reply::text(&["Created it."]),
            None => reply::apply_patch(
                "call_p",
                "*** Begin Patch\n*** Add File: notes/hello.txt\n+hi there\n*** End Patch",
            ),
        }
    }))
    .await;
    let (engine, session, mut events) = env.start_session().await;

    engine
        .send_prompt(&session.id, "Create the notes")
        .await
        .expect("send");
    assert_eq!(events.turn_completed().await["status"], "completed");

    let written =
        std::fs::read_to_string(env.workspace().join("notes/hello.txt")).expect("file created");
    assert_eq!(written, "hi there\n");
    let change = events
        .completed_items("fileChange")
        .pop()
        .expect("file change item");
    assert_eq!(change["status"], "completed");
    let changes = change["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1);
    assert!(
        changes[0]["path"]
            .as_str()
            .unwrap_or_default()
            .ends_with("notes/hello.txt"),
        "{change}"
    );
    assert_eq!(changes[0]["kind"]["type"], "add");
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_error_fails_the_turn_readably_and_the_session_keeps_working() {
    let env = TestEnv::new(Arc::new(|req: &ModelRequest| -> Reply {
        if req.last_user_text().contains("break") {
            reply::http_error(500, "the model exploded")
        } else {
            reply::text(&["Back on track."])
        }
    }))
    .await;
    let (engine, session, mut events) = env.start_session().await;

    engine
        .send_prompt(&session.id, "please break")
        .await
        .expect("send");
    let turn = events.turn_completed().await;
    assert_eq!(turn["status"], "failed");
    let failed = events
        .until("failed status", is_status(SessionStatus::Failed))
        .await;
    let SessionEvent::Status {
        message: Some(message),
        ..
    } = failed
    else {
        panic!("failed status has a message")
    };
    assert!(message.len() > 10, "a readable error: {message}");
    let errors = events.notifications("error");
    assert!(errors
        .iter()
        .any(|e| e["willRetry"] == false && e["error"]["message"].as_str().is_some()));
    let stored = engine.open_session(&session.id).await.expect("open");
    assert_eq!(stored.session.status, SessionStatus::Failed);
    assert_eq!(stored.turns[0].status, "failed");
    assert!(stored.turns[0].error.is_some());

    engine
        .send_prompt(&session.id, "try again")
        .await
        .expect("second prompt");
    assert_eq!(events.turn_completed().await["status"], "completed");
    assert_eq!(
        events
            .completed_items("agentMessage")
            .pop()
            .expect("answer")["text"],
        "Back on track."
    );
    assert_eq!(
        engine
            .open_session(&session.id)
            .await
            .expect("open")
            .session
            .status,
        SessionStatus::Idle
    );
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_longer_than_codex_takes_is_refused_before_anything_is_sent() {
    let env = TestEnv::new(Arc::new(|_: &ModelRequest| reply::text(&["Fine."]))).await;
    let (engine, session, mut events) = env.start_session().await;
    let long = "x".repeat(5 * 1024 * 1024);

    for refused in [
        engine.send_prompt(&session.id, &long).await,
        engine.queue_prompt(&session.id, &long).await,
    ] {
        let error = refused.expect_err("too long");
        assert!(
            error.to_string().starts_with(
                "This message has 5,242,880 characters; codex takes at most 1,048,576"
            ),
            "{error}"
        );
    }
    // Nothing of it was shown as sent, queued, stored or sent to the model.
    assert!(!events.methods().iter().any(|m| m == "promptAccepted"));
    let transcript = engine.open_session(&session.id).await.expect("open");
    assert!(transcript.items.is_empty());
    assert!(transcript.queued.is_empty());
    assert!(
        !transcript.session.title.starts_with("xxx"),
        "no title from it"
    );
    assert!(env.mock.requests().is_empty());

    // The session goes on with a message codex takes.
    events
        .completes(&engine, &session.id, "Say something")
        .await;
    events.until("idle", is_status(SessionStatus::Idle)).await;
    let transcript = engine.open_session(&session.id).await.expect("open");
    assert_eq!(transcript.items.len(), 2);
    assert_eq!(transcript.session.status, SessionStatus::Idle);
}

/// The agent's plan (codex's `update_plan`) reaches the window as it changes and is kept as it
/// last stood, in its place in the transcript, across a reopen and in the Markdown export.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agents_plan_is_kept_as_it_last_stood() {
    let env = TestEnv::new(Arc::new(|req: &ModelRequest| -> Reply {
        let plan = |first: &str, second: &str| {
            serde_json::json!({"explanation": "Two steps.", "plan": [
                {"step": "Read the parser", "status": first},
                {"step": "Fix the bug", "status": second}]})
        };
        let body = req.body.to_string();
        if body.contains("call_plan_2") {
            reply::text(&["Both done."])
        } else if body.contains("call_plan_1") {
            reply::tool_call(
                "call_plan_2",
                "update_plan",
                &plan("completed", "completed"),
            )
        } else {
            reply::tool_call(
                "call_plan_1",
                "update_plan",
                &plan("completed", "in_progress"),
            )
        }
    }))
    .await;
    let (engine, session, mut events) = env.start_session().await;
    events
        .completes(&engine, &session.id, "fix the parser")
        .await;
    let updates = events.notifications("turn/plan/updated");
    let outputs: Vec<_> = env
        .mock
        .requests()
        .iter()
        .filter_map(|r| r.tool_output())
        .collect();
    assert_eq!(updates.len(), 2, "{outputs:#?}");
    assert_eq!(updates[0]["plan"][1]["status"], "inProgress");

    let stored = engine.open_session(&session.id).await.expect("open").items;
    let plans: Vec<_> = stored
        .iter()
        .filter(|i| i.item["type"] == "deskPlan")
        .collect();
    assert_eq!(plans.len(), 1, "one plan per turn, replaced as it changes");
    let plan = &plans[0];
    assert_eq!(plan.item["explanation"], "Two steps.");
    assert_eq!(plan.item["plan"][1]["step"], "Fix the bug");
    assert_eq!(
        plan.item["plan"][1]["status"], "completed",
        "as it last stood"
    );
    let answer = stored
        .iter()
        .find(|i| i.item["type"] == "agentMessage")
        .expect("the answer");
    assert!(
        plan.seq < answer.seq,
        "where it was made, before the answer"
    );

    let file = env.root.path().join("plan.md");
    engine
        .export_session(
            &session.id,
            codex_desk_protocol::SessionFormat::Markdown,
            &file,
        )
        .await
        .expect("export");
    let markdown = std::fs::read_to_string(&file).expect("markdown");
    assert!(
        markdown.contains("- [x] Read the parser\n- [x] Fix the bug"),
        "{markdown}"
    );
    engine.shutdown();
}
