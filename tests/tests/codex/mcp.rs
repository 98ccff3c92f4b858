//! What MCP servers and codex ask beyond commands: a server's form and page (MCP elicitation),
//! codex's question before it calls a server's tool, and codex's request for more access. Each
//! is a card the user answers; the answer reaches the server or codex as given.

use std::path::Path;
use std::sync::Arc;

use codex_desk_core::CoreError;
use codex_desk_protocol::{
    ApprovalChoice, ApprovalKind, ApprovalOutcome, ApprovalRequest, ElicitationAsk, FieldInput,
    PermissionAsk, SessionEvent, SessionOptions, WebSearch,
};
use codex_desk_test_support::{reply, ModelRequest, Reply};
use codex_desk_tests::{Events, TestEnv};
use serde_json::json;

/// "ask", "page" and "note" call the mock MCP server's tools; "access <path>" asks codex for
/// network access and writing `<path>`. After a tool, the model repeats what it said.
fn script() -> codex_desk_test_support::Script {
    Arc::new(|req: &ModelRequest| -> Reply {
        if let Some(output) = req.tool_output() {
            return reply::text(&["Tool said: ", &output]);
        }
        let prompt = req.last_user_text();
        let mcp = |tool: &str| {
            reply::namespaced_call(&format!("call_{tool}"), "mcp__desk", tool, &json!({}))
        };
        if let Some(path) = prompt.strip_prefix("access ") {
            return reply::tool_call(
                "call_access",
                "request_permissions",
                &json!({"reason": "It fetches the docs and saves them.",
                        "permissions": {"network": {"enabled": true}, "file_system": {"write": [path]}}}),
            );
        }
        match prompt.as_str() {
            "ask" => mcp("ask_user"),
            "page" => mcp("open_page"),
            "note" => mcp("write_note"),
            _ => reply::text(&["ok"]),
        }
    })
}

/// A test env whose user config has the mock MCP server as `desk` (codex decides when to ask
/// before its tools) and codex's `request_permissions` tool on.
async fn env() -> TestEnv {
    let env = TestEnv::new(script()).await;
    let home = env.user_codex_home();
    let server = codex_desk_tests::repo_root().join("target/debug/mock-mcp");
    assert!(
        server.is_file(),
        "build the mock MCP server first: {}",
        server.display()
    );
    let config = std::fs::read_to_string(home.join("config.toml")).expect("config");
    let config = config.replace(
        "[features]\n",
        "[features]\nrequest_permissions_tool = true\n",
    ) + &format!(
        "\n[mcp_servers.desk]\ncommand = {:?}\n",
        server.display().to_string()
    );
    std::fs::write(home.join("config.toml"), config).expect("write config");
    env
}

/// Waits for a card of `kind` not among those `handled` (then it is).
async fn asked(
    events: &mut Events,
    kind: ApprovalKind,
    handled: &mut Vec<String>,
) -> ApprovalRequest {
    let request = match events
        .until(&format!("a {kind:?} card"), |e| {
            matches!(e, SessionEvent::ApprovalRequested { request }
                if request.kind == kind && !handled.contains(&request.key))
        })
        .await
    {
        SessionEvent::ApprovalRequested { request } => request,
        _ => unreachable!("matched above"),
    };
    handled.push(request.key.clone());
    request
}

/// Sends `prompt`, answers the card of `kind` it brings with `choice`, and waits for the turn to
/// complete; the card as it was asked.
async fn answered(
    engine: &codex_desk_core::Engine,
    session: &str,
    events: &mut Events,
    handled: &mut Vec<String>,
    (prompt, kind, choice): (&str, ApprovalKind, ApprovalChoice),
) -> ApprovalRequest {
    engine.send_prompt(session, prompt).await.expect("send");
    let request = asked(events, kind, handled).await;
    engine
        .answer_approval(session, &request.key, choice)
        .await
        .expect("answered");
    assert_eq!(events.turn_completed().await["status"], "completed");
    request
}

/// What the model heard back from the tool in the last request.
fn tool_said(env: &TestEnv) -> String {
    env.mock
        .requests()
        .last()
        .and_then(ModelRequest::tool_output)
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_mcp_servers_form_is_filled_in_checked_and_reaches_the_server() {
    let env = env().await;
    let (engine, session, mut events) = env.start_session().await;
    let mut handled = Vec::new();

    engine.send_prompt(&session.id, "ask").await.expect("send");
    let request = asked(&mut events, ApprovalKind::Elicitation, &mut handled).await;
    let elicitation = request.elicitation.clone().expect("what the server asks");
    assert_eq!(elicitation.server, "desk");
    assert_eq!(elicitation.message, "Where should the report go?");
    let ElicitationAsk::Form { fields } = &elicitation.ask else {
        panic!("a form: {elicitation:?}")
    };
    let field = |name: &str| fields.iter().find(|f| f.name == name).expect(name);
    assert_eq!(fields.len(), 4);
    assert!(field("recipient").required && field("copies").required && !field("format").required);
    assert!(
        matches!(&field("format").input, FieldInput::Choice { options, many: false, .. } if options[1].label == "Markdown")
    );
    assert!(matches!(
        &field("urgent").input,
        FieldInput::Boolean {
            default: Some(false)
        }
    ));
    assert_eq!(
        engine
            .open_session(&session.id)
            .await
            .expect("open")
            .approvals
            .len(),
        1
    );

    // A wrong answer is refused with what to fix, and the form stays asked.
    let wrong = json!({"recipient": "ada@example.com", "copies": 9});
    match engine
        .answer_form(
            &session.id,
            &request.key,
            wrong.as_object().expect("object"),
        )
        .await
    {
        Err(CoreError::InvalidInput(why)) => assert!(why.contains("from 1 to 5"), "{why}"),
        other => panic!("a wrong answer must be refused: {other:?}"),
    }
    // Only the form's fields go to the server.
    let right = json!({"recipient": "ada@example.com", "copies": 2, "format": "md", "urgent": true, "extra": "x"});
    engine
        .answer_form(
            &session.id,
            &request.key,
            right.as_object().expect("object"),
        )
        .await
        .expect("sent");
    assert_eq!(events.turn_completed().await["status"], "completed");
    // The tool's words come back as JSON text: read without its escapes.
    let said = tool_said(&env).replace('\\', "");
    assert!(said.contains("elicitation: accept"), "{said}");
    for part in [
        r#""recipient":"ada@example.com""#,
        r#""copies":2"#,
        r#""format":"md""#,
        r#""urgent":true"#,
    ] {
        assert!(said.contains(part), "{part} in {said}");
    }
    assert!(!said.contains("extra"), "only the form's fields: {said}");

    // Declined: the server hears so, with nothing filled in.
    let form = ("ask", ApprovalKind::Elicitation, ApprovalChoice::Decline);
    answered(&engine, &session.id, &mut events, &mut handled, form).await;
    assert!(
        tool_said(&env).contains("elicitation: decline"),
        "{}",
        tool_said(&env)
    );

    // Stop while the form waits: it is answered (cancel), never left open.
    engine.send_prompt(&session.id, "ask").await.expect("send");
    let request = asked(&mut events, ApprovalKind::Elicitation, &mut handled).await;
    engine.interrupt(&session.id).await.expect("stop");
    let key = request.key.clone();
    let ended = events
        .until(
            "the form answered by Stop",
            |e| matches!(e, SessionEvent::ApprovalResolved { key: k, .. } if *k == key),
        )
        .await;
    assert!(matches!(
        ended,
        SessionEvent::ApprovalResolved {
            outcome: ApprovalOutcome::Stopped,
            ..
        }
    ));
    events.turn_completed().await;
    assert!(engine
        .open_session(&session.id)
        .await
        .expect("open")
        .approvals
        .is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_to_open_and_a_tool_call_approved_for_the_session() {
    let env = env().await;
    let (engine, session, mut events) = env.start_session().await;
    let mut handled = Vec::new();

    // A page: Approve (the window opens it) tells the server it was accepted.
    let page = ("page", ApprovalKind::Elicitation, ApprovalChoice::Approve);
    let request = answered(&engine, &session.id, &mut events, &mut handled, page).await;
    assert_eq!(
        request.elicitation.as_ref().map(|e| e.ask.clone()),
        Some(ElicitationAsk::Url {
            url: "https://docs.example.com/connect?session=42".into()
        })
    );
    assert!(
        tool_said(&env).contains("elicitation: accept"),
        "{}",
        tool_said(&env)
    );

    // Codex asks before a tool that may write; declined, the tool does not run.
    let note = |choice| ("note", ApprovalKind::Elicitation, choice);
    let request = answered(
        &engine,
        &session.id,
        &mut events,
        &mut handled,
        note(ApprovalChoice::Decline),
    )
    .await;
    match request.elicitation.as_ref().map(|e| &e.ask) {
        Some(ElicitationAsk::ToolCall { tool, .. }) => assert_eq!(tool, "write_note"),
        other => panic!("a tool call: {other:?}"),
    }
    assert_eq!(
        request.choices,
        [
            ApprovalChoice::Approve,
            ApprovalChoice::ApproveForSession,
            ApprovalChoice::Decline
        ]
    );
    assert!(
        !tool_said(&env).contains("note written"),
        "{}",
        tool_said(&env)
    );

    // For the session: it runs, and the next call is not asked about.
    let for_session = note(ApprovalChoice::ApproveForSession);
    answered(&engine, &session.id, &mut events, &mut handled, for_session).await;
    assert!(
        tool_said(&env).contains("note written"),
        "{}",
        tool_said(&env)
    );
    engine.send_prompt(&session.id, "note").await.expect("send");
    assert_eq!(events.turn_completed().await["status"], "completed");
    assert!(
        tool_said(&env).contains("note written"),
        "{}",
        tool_said(&env)
    );
    let cards = events
        .seen
        .iter()
        .filter(|e| matches!(e, SessionEvent::ApprovalRequested { .. }))
        .count();
    assert_eq!(cards, 3, "the page, then the tool twice; not a third time");

    // A change that restarts codex (web search) drops what codex held for the session, and
    // the user is told it will ask again.
    let options = engine
        .open_session(&session.id)
        .await
        .expect("open")
        .options;
    engine
        .set_session_options(
            &session.id,
            SessionOptions {
                web_search: Some(WebSearch::Off),
                ..options
            },
        )
        .await
        .expect("options");
    events
        .until("told the approvals are gone", |e| {
            matches!(e, SessionEvent::SetupWarning { message } if message.contains("no longer holds"))
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_for_more_access_is_shown_whole_and_granted_or_not() {
    let env = env().await;
    let (engine, session, mut events) = env.start_session().await;
    let mut handled = Vec::new();
    let out = env.root.path().join("docs-out");
    let prompt = format!("access {}", out.display());

    let access = |choice| (prompt.as_str(), ApprovalKind::Permissions, choice);
    let request = answered(
        &engine,
        &session.id,
        &mut events,
        &mut handled,
        access(ApprovalChoice::Approve),
    )
    .await;
    assert_eq!(
        request.permissions,
        Some(PermissionAsk {
            network: true,
            read: vec![],
            write: vec![out.display().to_string()]
        })
    );
    assert_eq!(
        request.reason.as_deref(),
        Some("It fetches the docs and saves them.")
    );
    let said = tool_said(&env);
    assert!(said.contains(r#""scope":"turn""#), "{said}");
    assert!(
        said.contains(&out.display().to_string()) && said.contains("network"),
        "{said}"
    );

    answered(
        &engine,
        &session.id,
        &mut events,
        &mut handled,
        access(ApprovalChoice::Decline),
    )
    .await;
    let said = tool_said(&env);
    assert!(
        !said.contains(&out.display().to_string()),
        "nothing granted: {said}"
    );
    assert!(!Path::new(&out).exists());
}
