//! Approvals: codex asks before running a command outside the sandbox, the user answers, and
//! no question is ever left open (Stop answers it).

use std::path::Path;
use std::sync::Arc;

use codex_desk_core::CoreError;
use codex_desk_protocol::{
    ApprovalChoice, ApprovalKind, ApprovalOutcome, ApprovalRequest, AuditApproval, AuditQuery,
    SessionEvent,
};
use codex_desk_test_support::{reply, ModelRequest, Reply};
use codex_desk_tests::{patches_the_named_file, Events, TestEnv};

/// "touch <path>" asks to run outside the sandbox; after the command, a short answer.
fn escalating() -> codex_desk_test_support::Script {
    Arc::new(|req: &ModelRequest| -> Reply {
        if let Some(output) = req.tool_output() {
            return reply::text(&["Done: ", &output]);
        }
        let prompt = req.last_user_text();
        reply::exec_command_escalated("call_touch", &prompt, "It writes outside the workspace.")
    })
}

/// Waits for the question about a command containing `needle`.
async fn asked(events: &mut Events, needle: &str) -> ApprovalRequest {
    let found = events
        .until(&format!("a question about {needle}"), |e| {
            matches!(e, SessionEvent::ApprovalRequested { request }
                if request.command.as_deref().is_some_and(|c| c.contains(needle)))
        })
        .await;
    match found {
        SessionEvent::ApprovalRequested { request } => request,
        _ => unreachable!("matched above"),
    }
}

async fn resolved(events: &mut Events, key: &str) -> ApprovalOutcome {
    let key = key.to_string();
    match events
        .until(
            "the question resolved",
            |e| matches!(e, SessionEvent::ApprovalResolved { key: k, .. } if *k == key),
        )
        .await
    {
        SessionEvent::ApprovalResolved { outcome, .. } => outcome,
        _ => unreachable!("matched above"),
    }
}

fn touch(path: &Path) -> String {
    format!("touch {}", path.display())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approve_runs_the_command_decline_and_stop_do_not() {
    let env = TestEnv::new(escalating()).await;
    // Outside the workspace and every writable root of the sandbox.
    let outside = env.root.path().join("outside");
    std::fs::create_dir_all(&outside).expect("outside folder");
    let (engine, session, mut events) = env.start_session().await;

    // Approve: the command runs, once the user said so.
    let approved = outside.join("approved.txt");
    engine
        .send_prompt(&session.id, &touch(&approved))
        .await
        .expect("send");
    let request = asked(&mut events, "approved.txt").await;
    assert_eq!(request.kind, ApprovalKind::Command);
    assert_eq!(
        request.reason.as_deref(),
        Some("It writes outside the workspace.")
    );
    assert!(request.choices.contains(&ApprovalChoice::Approve));
    assert!(request.choices.contains(&ApprovalChoice::Decline));
    assert!(!approved.exists(), "nothing runs before the answer");
    // A window opening the session now sees the question too.
    let open = engine.open_session(&session.id).await.expect("open");
    assert_eq!(open.approvals, vec![request.clone()]);
    // Answers are for questions: a command is never approved that way, and stays asked.
    assert!(matches!(
        engine
            .answer_questions(&session.id, &request.key, &Default::default())
            .await,
        Err(CoreError::NotAsked)
    ));
    assert!(!approved.exists());
    assert_eq!(
        engine
            .open_session(&session.id)
            .await
            .expect("open")
            .approvals,
        vec![request.clone()]
    );

    engine
        .answer_approval(&session.id, &request.key, ApprovalChoice::Approve)
        .await
        .expect("approve");
    assert_eq!(
        resolved(&mut events, &request.key).await,
        ApprovalOutcome::User(ApprovalChoice::Approve)
    );
    assert_eq!(events.turn_completed().await["status"], "completed");
    assert!(
        approved.exists(),
        "the approved command ran: {:#?} {:#?}",
        events.methods(),
        events.notifications("item/completed")
    );
    assert!(matches!(
        engine
            .answer_approval(&session.id, &request.key, ApprovalChoice::Approve)
            .await,
        Err(CoreError::NotAsked)
    ));

    // Decline: the turn goes on without the command.
    let declined = outside.join("declined.txt");
    engine
        .send_prompt(&session.id, &touch(&declined))
        .await
        .expect("send");
    let request = asked(&mut events, "declined.txt").await;
    engine
        .answer_approval(&session.id, &request.key, ApprovalChoice::Decline)
        .await
        .expect("decline");
    assert_eq!(events.turn_completed().await["status"], "completed");
    assert!(!declined.exists(), "a declined command never runs");
    let command = events
        .completed_items("commandExecution")
        .into_iter()
        .find(|c| {
            c["command"]
                .as_str()
                .is_some_and(|c| c.contains("declined.txt"))
        })
        .expect("the declined command's item");
    assert_eq!(command["status"], "declined");

    // The audit trail says who allowed what.
    let audit = engine
        .audit(
            AuditQuery {
                session: Some(session.id.clone()),
                ..AuditQuery::default()
            },
            None,
        )
        .await
        .expect("audit");
    let approval_of = |file: &str| {
        audit
            .entries
            .iter()
            .find(|e| e.command.as_deref().is_some_and(|c| c.contains(file)))
            .map(|e| e.approval)
    };
    assert_eq!(approval_of("approved.txt"), Some(AuditApproval::Approved));
    assert_eq!(approval_of("declined.txt"), Some(AuditApproval::Declined));

    // Stop while codex waits: the question is answered (the turn is cancelled), never left open.
    let stopped = outside.join("stopped.txt");
    engine
        .send_prompt(&session.id, &touch(&stopped))
        .await
        .expect("send");
    let request = asked(&mut events, "stopped.txt").await;
    engine.interrupt(&session.id).await.expect("stop");
    assert_eq!(
        resolved(&mut events, &request.key).await,
        ApprovalOutcome::Stopped
    );
    assert_eq!(events.turn_completed().await["status"], "interrupted");
    assert!(!stopped.exists());
    let open = engine.open_session(&session.id).await.expect("open");
    assert!(open.approvals.is_empty(), "nothing left waiting");
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_outside_the_workspace_waits_for_the_user() {
    let env = TestEnv::new(patches_the_named_file()).await;
    let outside = env.root.path().join("outside");
    std::fs::create_dir_all(&outside).expect("outside folder");
    let (engine, session, mut events) = env.start_session().await;

    let declined = outside.join("declined.txt");
    engine
        .send_prompt(&session.id, &declined.display().to_string())
        .await
        .expect("send");
    let request = match events
        .until("a file change question", |e| {
            matches!(e, SessionEvent::ApprovalRequested { request } if request.kind == ApprovalKind::FileChange)
        })
        .await
    {
        SessionEvent::ApprovalRequested { request } => request,
        _ => unreachable!("matched above"),
    };
    assert_eq!(
        request.choices,
        vec![
            ApprovalChoice::Approve,
            ApprovalChoice::ApproveForSession,
            ApprovalChoice::Decline,
            ApprovalChoice::CancelTurn
        ]
    );
    // The change itself is on the item codex started before asking: the card above it.
    let started = events.notifications("item/started");
    assert!(
        started
            .iter()
            .any(|p| p["item"]["id"] == request.item_id.as_str()
                && p["item"]["type"] == "fileChange"),
        "{started:#?}"
    );
    engine
        .answer_approval(&session.id, &request.key, ApprovalChoice::Decline)
        .await
        .expect("decline");
    assert_eq!(events.turn_completed().await["status"], "completed");
    assert!(!declined.exists(), "a declined change is not written");

    let approved = outside.join("approved.txt");
    engine
        .send_prompt(&session.id, &approved.display().to_string())
        .await
        .expect("send");
    let key = request.key.clone();
    let request = match events
        .until(
            "a second file change question",
            |e| matches!(e, SessionEvent::ApprovalRequested { request } if request.key != key),
        )
        .await
    {
        SessionEvent::ApprovalRequested { request } => request,
        _ => unreachable!("matched above"),
    };
    engine
        .answer_approval(&session.id, &request.key, ApprovalChoice::Approve)
        .await
        .expect("approve");
    assert_eq!(events.turn_completed().await["status"], "completed");
    assert_eq!(
        std::fs::read_to_string(&approved).expect("the approved change is written"),
        "from codex\n"
    );
    engine.shutdown();
}

/// The model asks the user questions (codex's request_user_input tool, on in the user's config).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn questions_from_codex_wait_for_the_users_answers() {
    let env = TestEnv::new(Arc::new(|req: &ModelRequest| -> Reply {
        if req.tool_output().is_some() {
            return reply::text(&["Thanks."]);
        }
        reply::tool_call(
            "call_ask",
            "request_user_input",
            &serde_json::json!({"questions": [
                {"id": "db", "header": "Database", "question": "Which database?", "options": [
                    {"label": "Postgres (Recommended)", "description": "Runs everywhere"},
                    {"label": "SQLite", "description": "One file"}]},
                {"id": "name", "header": "Name", "question": "What should the service be called?",
                 "isOther": true, "options": [{"label": "api", "description": "The usual"}]}
            ]}),
        )
    }))
    .await;
    let engine = codex_desk_core::Engine::open(codex_desk_core::EngineConfig {
        codex_args: vec!["features.default_mode_request_user_input=true".into()],
        ..env.config()
    })
    .expect("engine");
    let session = engine
        .create_session(&env.workspace().display().to_string())
        .expect("session");
    let mut events = Events::subscribe(&engine, &session.id).await;

    engine
        .send_prompt(&session.id, "set it up")
        .await
        .expect("send");
    let asked = match events
        .until("the questions", |e| {
            matches!(e, SessionEvent::ApprovalRequested { request } if request.kind == ApprovalKind::Questions)
        })
        .await
    {
        SessionEvent::ApprovalRequested { request } => request,
        _ => unreachable!(),
    };
    assert_eq!(asked.questions.len(), 2);
    assert_eq!(asked.questions[0].question, "Which database?");
    assert_eq!(asked.questions[0].options[1].label, "SQLite");
    assert_eq!(asked.questions[1].options[0].label, "api");
    assert_eq!(
        asked.choices,
        vec![ApprovalChoice::Approve, ApprovalChoice::Decline]
    );

    // Answers to questions not asked, and blank ones, are left out.
    let answers = [
        ("db".to_string(), vec!["SQLite".to_string()]),
        ("name".to_string(), vec!["ledger".to_string()]),
        ("unasked".to_string(), vec!["x".to_string()]),
    ]
    .into_iter()
    .collect();
    engine
        .answer_questions(&session.id, &asked.key, &answers)
        .await
        .expect("answered");
    assert_eq!(events.turn_completed().await["status"], "completed");
    let said: serde_json::Value = serde_json::from_str(
        &env.mock
            .requests()
            .last()
            .and_then(|r| r.tool_output())
            .expect("the tool's output"),
    )
    .expect("JSON");
    assert_eq!(
        said,
        serde_json::json!({"answers": {"db": {"answers": ["SQLite"]}, "name": {"answers": ["ledger"]}}})
    );
    // A question answered once is not asked any more.
    assert!(matches!(
        engine
            .answer_questions(&session.id, &asked.key, &answers)
            .await,
        Err(CoreError::NotAsked)
    ));

    // Declined: codex hears no answers, and the turn goes on.
    engine
        .send_prompt(&session.id, "again")
        .await
        .expect("send");
    let first = asked.key.clone();
    let again = match events
        .until("the second questions", |e| {
            matches!(e, SessionEvent::ApprovalRequested { request } if request.kind == ApprovalKind::Questions && request.key != first)
        })
        .await
    {
        SessionEvent::ApprovalRequested { request } => request,
        _ => unreachable!(),
    };
    engine
        .answer_approval(&session.id, &again.key, ApprovalChoice::Decline)
        .await
        .expect("declined");
    assert_eq!(events.turn_completed().await["status"], "completed");
    let said = env.mock.requests().last().and_then(|r| r.tool_output());
    assert_eq!(said.as_deref(), Some(r#"{"answers":{}}"#));
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_always_allowed_command_is_not_asked_again_and_a_kill_or_quit_answers_what_waits() {
    let env = TestEnv::new(escalating()).await;
    let outside = env.root.path().join("outside");
    std::fs::create_dir_all(&outside).expect("outside folder");
    let (engine, session, mut events) = env.start_session().await;

    // Always allowed (codex's offer for a command: its prefix from now on): the same command
    // runs again without a question.
    let file = outside.join("again.txt");
    engine
        .send_prompt(&session.id, &touch(&file))
        .await
        .expect("send");
    let request = asked(&mut events, "again.txt").await;
    assert!(
        request.choices.contains(&ApprovalChoice::AllowPrefix),
        "{request:#?}"
    );
    engine
        .answer_approval(&session.id, &request.key, ApprovalChoice::AllowPrefix)
        .await
        .expect("always allow");
    assert_eq!(events.turn_completed().await["status"], "completed");
    assert!(file.exists());
    std::fs::remove_file(&file).expect("remove");
    let asked_before = events
        .seen
        .iter()
        .filter(|e| matches!(e, SessionEvent::ApprovalRequested { .. }))
        .count();
    events.completes(&engine, &session.id, &touch(&file)).await;
    assert!(file.exists(), "it ran again");
    assert_eq!(
        events
            .seen
            .iter()
            .filter(|e| matches!(e, SessionEvent::ApprovalRequested { .. }))
            .count(),
        asked_before,
        "without asking"
    );

    // Codex killed while it asks: the question is withdrawn, not left waiting.
    let killed = outside.join("killed.txt");
    engine
        .send_prompt(&session.id, &touch(&killed))
        .await
        .expect("send");
    let request = asked(&mut events, "killed.txt").await;
    let pid = engine.codex_pid(&session.id).expect("codex runs");
    assert!(std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("kill")
        .success());
    assert_eq!(
        resolved(&mut events, &request.key).await,
        ApprovalOutcome::Withdrawn
    );
    let open = engine.open_session(&session.id).await.expect("open");
    assert!(open.approvals.is_empty(), "nothing left waiting");
    assert!(!killed.exists());

    // Quitting while codex asks: the question is answered (the turn stopped), codex is gone,
    // and the next start shows nothing waiting.
    let quit = outside.join("quit.txt");
    engine
        .send_prompt(&session.id, &touch(&quit))
        .await
        .expect("send");
    let request = asked(&mut events, "quit.txt").await;
    let pid = engine.codex_pid(&session.id).expect("codex runs");
    engine
        .shutdown_gracefully(std::time::Duration::from_secs(3))
        .await;
    assert_eq!(
        resolved(&mut events, &request.key).await,
        ApprovalOutcome::Stopped
    );
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists(),
        "no codex is left"
    );
    assert!(!quit.exists());
    let engine = env.engine();
    let reopened = engine.open_session(&session.id).await.expect("open");
    assert!(reopened.approvals.is_empty());
    assert_eq!(reopened.turns.last().expect("turn").status, "interrupted");
    // Every question asked is still in the transcript, where it was asked, with how it ended.
    let kept: Vec<(String, serde_json::Value)> = reopened
        .items
        .iter()
        .filter(|i| i.item["type"] == "deskQuestion")
        .map(|i| {
            (
                i.item["request"]["command"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                i.item["outcome"].clone(),
            )
        })
        .collect();
    let ended = |name: &str| {
        kept.iter()
            .find(|(command, _)| command.contains(name))
            .map(|(_, outcome)| outcome.clone())
            .unwrap_or_else(|| panic!("no question about {name} kept: {kept:#?}"))
    };
    assert_eq!(
        ended("again.txt"),
        serde_json::json!({"by": "user", "choice": "allowPrefix"})
    );
    assert_eq!(ended("killed.txt"), serde_json::json!({"by": "withdrawn"}));
    assert_eq!(ended("quit.txt"), serde_json::json!({"by": "stopped"}));
    engine.shutdown();
}
