//! A session's options reach codex: the model and reasoning effort the user picked are what the
//! model service is asked for, and the sandbox and approval policy decide what codex may do.

use std::sync::Arc;

use codex_desk_core::CoreError;
use codex_desk_protocol::{ApprovalMode, SandboxMode, SessionEvent, SessionOptions, WebSearch};
use codex_desk_test_support::{reply, ModelRequest, Reply, DEEP_MODEL, MOCK_MODEL};
use codex_desk_tests::{patches_the_named_file, TestEnv};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chosen_model_and_effort_reach_the_model_service_and_are_remembered() {
    let env = TestEnv::new(Arc::new(|req: &ModelRequest| -> Reply {
        reply::text(&["Answer to: ", &req.last_user_text()])
    }))
    .await;
    let (engine, session, mut events) = env.start_session().await;

    // Codex's models, and the one its configuration picks.
    let list = engine.models(&session.id).await.expect("models");
    let ids: Vec<_> = list.models.iter().map(|m| m.id.as_str()).collect();
    assert!(
        ids.contains(&MOCK_MODEL) && ids.contains(&DEEP_MODEL),
        "{ids:?}"
    );
    assert_eq!(list.current.as_deref(), Some(MOCK_MODEL));
    let deep = list
        .models
        .iter()
        .find(|m| m.id == DEEP_MODEL)
        .expect("deep model");
    assert_eq!(
        deep.efforts
            .iter()
            .map(|e| e.effort.as_str())
            .collect::<Vec<_>>(),
        vec!["low", "high"]
    );

    events.completes(&engine, &session.id, "first").await;
    let first = env.mock.requests().last().expect("request").body.clone();
    assert_eq!(first["model"], MOCK_MODEL);

    // Between turns the user picks the deep model, thinking hard: the next turn asks for it.
    let chosen = SessionOptions {
        model: Some(DEEP_MODEL.into()),
        effort: Some("high".into()),
        ..SessionOptions::default()
    };
    let saved = engine
        .set_session_options(&session.id, chosen.clone())
        .await
        .expect("options");
    assert_eq!(saved, chosen);
    events
        .until(
            "the window to hear of it",
            |e| matches!(e, SessionEvent::OptionsChanged { options } if *options == chosen),
        )
        .await;
    events.completes(&engine, &session.id, "second").await;
    let second = env.mock.requests().last().expect("request").body.clone();
    assert_eq!(second["model"], DEEP_MODEL);
    assert_eq!(second["reasoning"]["effort"], "high", "{second:#}");
    let list = engine.models(&session.id).await.expect("models");
    assert_eq!(list.current.as_deref(), Some(DEEP_MODEL));
    assert_eq!(list.current_effort.as_deref(), Some("high"));

    // Back to a model that does not reason: its effort ("none", as codex lists it) ends the
    // high effort, which codex would otherwise keep for later turns.
    let plain = list
        .models
        .iter()
        .find(|m| m.id == MOCK_MODEL)
        .expect("plain model");
    assert_eq!(plain.default_effort.as_deref(), Some("none"));
    engine
        .set_session_options(
            &session.id,
            SessionOptions {
                model: Some(MOCK_MODEL.into()),
                effort: plain.default_effort.clone(),
                ..SessionOptions::default()
            },
        )
        .await
        .expect("options");
    events.completes(&engine, &session.id, "third").await;
    let third = env.mock.requests().last().expect("request").body.clone();
    assert_eq!(third["model"], MOCK_MODEL);
    assert_ne!(third["reasoning"]["effort"], "high", "{third:#}");
    engine
        .set_session_options(&session.id, chosen.clone())
        .await
        .expect("options again");
    engine.shutdown();

    // Remembered: after a restart the session has them, and a new session starts with the
    // model and effort (its sandbox and approvals are the safe defaults).
    let engine = env.engine();
    let reopened = engine.open_session(&session.id).await.expect("open");
    assert_eq!(reopened.options, chosen);
    let fresh = engine
        .create_session(&env.workspace().display().to_string())
        .expect("new session");
    let fresh = engine.open_session(&fresh.id).await.expect("open new");
    assert_eq!(fresh.options, chosen);
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_and_approval_policy_decide_what_codex_may_do() {
    let env = TestEnv::new(patches_the_named_file()).await;
    let (engine, session, mut events) = env.start_session().await;

    // Read-only, never ask: not even the workspace can be written, and nobody is asked.
    engine
        .set_session_options(
            &session.id,
            SessionOptions {
                sandbox: SandboxMode::ReadOnly,
                approvals: ApprovalMode::Never,
                ..SessionOptions::default()
            },
        )
        .await
        .expect("read-only");
    let inside = env.workspace().join("inside.txt");
    events
        .completes(&engine, &session.id, &inside.display().to_string())
        .await;
    assert!(!inside.exists(), "a read-only sandbox writes nothing");

    // Full access, never ask: even outside the workspace, without a question.
    engine
        .set_session_options(
            &session.id,
            SessionOptions {
                sandbox: SandboxMode::FullAccess,
                approvals: ApprovalMode::Never,
                ..SessionOptions::default()
            },
        )
        .await
        .expect("full access");
    let outside_dir = env.root.path().join("outside");
    std::fs::create_dir_all(&outside_dir).expect("outside folder");
    let outside = outside_dir.join("outside.txt");
    events
        .completes(&engine, &session.id, &outside.display().to_string())
        .await;
    assert_eq!(
        std::fs::read_to_string(&outside).expect("written with full access"),
        "from codex\n"
    );
    assert!(
        !events
            .seen
            .iter()
            .any(|e| matches!(e, SessionEvent::ApprovalRequested { .. })),
        "never asks"
    );
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_combination_is_explained_and_changes_nothing() {
    let env = TestEnv::new(Arc::new(|_: &ModelRequest| -> Reply {
        reply::text(&["ok"])
    }))
    .await;
    let engine = env.engine();
    let session = engine
        .create_session(&env.workspace().display().to_string())
        .expect("create");
    let err = engine
        .set_session_options(
            &session.id,
            SessionOptions {
                sandbox: SandboxMode::ReadOnly,
                network: true,
                ..SessionOptions::default()
            },
        )
        .await
        .expect_err("refused");
    assert!(matches!(err, CoreError::InvalidInput(_)), "{err:?}");
    assert!(err.to_string().contains("Network access needs"), "{err}");
    let opened = engine.open_session(&session.id).await.expect("open");
    assert_eq!(opened.options, SessionOptions::default());
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_session_starts_with_the_sandbox_and_approvals_of_the_users_codex_config() {
    let env = TestEnv::new(Arc::new(|_: &ModelRequest| -> Reply {
        reply::text(&["ok"])
    }))
    .await;
    // The user's own settings, before their tables.
    let config = env.user_codex_home().join("config.toml");
    let theirs = std::fs::read_to_string(&config).expect("config");
    std::fs::write(
        &config,
        format!("sandbox_mode = \"read-only\"\napproval_policy = \"untrusted\"\n{theirs}"),
    )
    .expect("write");
    let engine = env.engine();
    let workspace = env.workspace().display().to_string();
    let first = engine.create_session(&workspace).expect("create");
    let opened = engine.open_session(&first.id).await.expect("open");
    assert_eq!(
        (opened.options.sandbox, opened.options.approvals),
        (SandboxMode::ReadOnly, ApprovalMode::Untrusted)
    );
    // Adding another writable folder while read-only cannot work: said before any turn.
    let other = env.root.path().join("other");
    std::fs::create_dir_all(&other).expect("other folder");
    let other = std::fs::canonicalize(&other)
        .expect("path")
        .display()
        .to_string();
    let err = engine
        .set_session_options(
            &first.id,
            SessionOptions {
                writable_folders: vec![other.clone()],
                ..opened.options.clone()
            },
        )
        .await
        .expect_err("refused");
    assert!(
        err.to_string()
            .starts_with("Other writable folders need the workspace-write sandbox"),
        "{err}"
    );
    // Listed while writing, a folder stays listed through read-only, for when it writes again.
    let writing = SessionOptions {
        sandbox: SandboxMode::WorkspaceWrite,
        writable_folders: vec![other.clone()],
        ..opened.options.clone()
    };
    engine
        .set_session_options(&first.id, writing.clone())
        .await
        .expect("a folder while writing");
    let reading = engine
        .set_session_options(
            &first.id,
            SessionOptions {
                sandbox: SandboxMode::ReadOnly,
                ..writing
            },
        )
        .await
        .expect("read-only again");
    assert_eq!(reading.writable_folders, [other]);
    // Another session's choices never become a new session's.
    engine
        .set_session_options(
            &first.id,
            SessionOptions {
                sandbox: SandboxMode::FullAccess,
                approvals: ApprovalMode::Never,
                ..opened.options
            },
        )
        .await
        .expect("full access");
    let second = engine.create_session(&workspace).expect("create");
    let opened = engine.open_session(&second.id).await.expect("open");
    assert_eq!(
        (opened.options.sandbox, opened.options.approvals),
        (SandboxMode::ReadOnly, ApprovalMode::Untrusted)
    );
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_extra_writable_folder_can_be_written_without_asking() {
    let env = TestEnv::new(patches_the_named_file()).await;
    let (engine, session, mut events) = env.start_session().await;
    let extra = env.root.path().join("shared-lib");
    std::fs::create_dir_all(&extra).expect("extra folder");
    let never_ask = SessionOptions {
        approvals: ApprovalMode::Never,
        ..SessionOptions::default()
    };

    // Without it, outside the workspace and never asking: not written.
    engine
        .set_session_options(&session.id, never_ask.clone())
        .await
        .expect("options");
    let before = extra.join("before.txt");
    events
        .completes(&engine, &session.id, &before.display().to_string())
        .await;
    assert!(!before.exists(), "outside the sandbox");

    // With it: written, still without a question.
    let saved = engine
        .set_session_options(
            &session.id,
            SessionOptions {
                writable_folders: vec![extra.display().to_string()],
                ..never_ask.clone()
            },
        )
        .await
        .expect("options");
    assert_eq!(saved.writable_folders.len(), 1);
    let after = extra.join("after.txt");
    events
        .completes(&engine, &session.id, &after.display().to_string())
        .await;
    assert_eq!(
        std::fs::read_to_string(&after).expect("written in the extra folder"),
        "from codex\n"
    );

    // The folder goes away: other options can still change, and the next turn runs without it
    // and says so.
    std::fs::remove_dir_all(&extra).expect("remove the extra folder");
    engine
        .set_session_options(
            &session.id,
            SessionOptions {
                writable_folders: vec![extra.display().to_string()],
                network: true,
                ..never_ask.clone()
            },
        )
        .await
        .expect("a gone folder listed before does not block a change");
    events
        .completes(
            &engine,
            &session.id,
            &extra.join("gone.txt").display().to_string(),
        )
        .await;
    assert!(
        events.seen.iter().any(|e| matches!(e,
            codex_desk_protocol::SessionEvent::SetupWarning { message } if message.contains("the folder is gone"))),
        "the user is told"
    );

    // A folder that does not exist, or the system's, is refused with the reason.
    for bad in ["/nonexistent/folder", "/etc"] {
        let err = engine
            .set_session_options(
                &session.id,
                SessionOptions {
                    writable_folders: vec![bad.into()],
                    ..never_ask.clone()
                },
            )
            .await
            .expect_err("refused");
        assert!(err.to_string().contains("cannot be made writable"), "{err}");
    }
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_schema_reaches_the_model_and_a_bad_one_is_refused_up_front() {
    let env = TestEnv::new(Arc::new(|req: &ModelRequest| -> Reply {
        if req.body["text"]["format"]["type"] == "json_schema" {
            reply::text(&["{\"answer\": ", "\"42\", \"sure\": true}"])
        } else {
            reply::text(&["Free text."])
        }
    }))
    .await;
    let (engine, session, mut events) = env.start_session().await;
    let schema = r#"{"type": "object", "properties": {"answer": {"type": "string"}, "sure": {"type": "boolean"}}, "required": ["answer", "sure"], "additionalProperties": false}"#;
    let structured = SessionOptions {
        output_schema: Some(schema.into()),
        ..SessionOptions::default()
    };
    engine
        .set_session_options(&session.id, structured.clone())
        .await
        .expect("schema taken");
    events
        .completes(&engine, &session.id, "what is the answer?")
        .await;
    let asked = env.mock.requests().last().expect("request").body.clone();
    let format = &asked["text"]["format"];
    assert_eq!(format["type"], "json_schema", "{asked}");
    assert_eq!(
        format["schema"]["properties"],
        serde_json::from_str::<serde_json::Value>(schema).expect("schema")["properties"],
        "{format}"
    );
    let answer = engine
        .open_session(&session.id)
        .await
        .expect("open")
        .items
        .into_iter()
        .rev()
        .find(|i| i.item["type"] == "agentMessage")
        .expect("answer");
    let json: serde_json::Value =
        serde_json::from_str(answer.item["text"].as_str().unwrap_or_default()).expect("JSON");
    assert_eq!(json, serde_json::json!({"answer": "42", "sure": true}));

    // Not JSON, or not an object schema: refused, the schema in place stays.
    for bad in ["{\"type\": ", r#"{"type": "array"}"#] {
        let refused = engine
            .set_session_options(
                &session.id,
                SessionOptions {
                    output_schema: Some(bad.into()),
                    ..SessionOptions::default()
                },
            )
            .await;
        assert!(matches!(refused, Err(CoreError::InvalidInput(_))), "{bad}");
    }
    assert_eq!(
        engine
            .open_session(&session.id)
            .await
            .expect("open")
            .options,
        structured
    );

    // Removed: free text again.
    engine
        .set_session_options(&session.id, SessionOptions::default())
        .await
        .expect("removed");
    events.completes(&engine, &session.id, "and now?").await;
    let asked = env.mock.requests().last().expect("request").body.clone();
    assert_ne!(asked["text"]["format"]["type"], "json_schema", "{asked}");
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_search_is_offered_to_the_model_as_the_user_chose() {
    let env = TestEnv::new(Arc::new(|req: &ModelRequest| -> Reply {
        reply::text(&["Answer to: ", &req.last_user_text()])
    }))
    .await;
    let (engine, session, mut events) = env.start_session().await;
    let searches = |body: &serde_json::Value| -> Vec<serde_json::Value> {
        body["tools"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| {
                t["type"]
                    .as_str()
                    .is_some_and(|k| k.starts_with("web_search"))
            })
            .cloned()
            .collect()
    };
    for (mode, offered) in [
        (Some(WebSearch::Live), true),
        (Some(WebSearch::Off), false),
        (Some(WebSearch::Cached), true),
    ] {
        engine
            .set_session_options(
                &session.id,
                SessionOptions {
                    web_search: mode,
                    ..SessionOptions::default()
                },
            )
            .await
            .expect("options");
        events
            .completes(&engine, &session.id, &format!("search {mode:?}"))
            .await;
        let asked = env.mock.requests().last().expect("request").body.clone();
        let tools = searches(&asked);
        assert_eq!(!tools.is_empty(), offered, "{mode:?}: {}", asked["tools"]);
        if mode == Some(WebSearch::Live) {
            assert_ne!(tools[0]["external_web_access"], false, "{tools:?}");
        }
        if mode == Some(WebSearch::Cached) {
            assert_eq!(tools[0]["external_web_access"], false, "{tools:?}");
        }
    }
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sessions_own_variables_reach_its_commands_and_their_values_stay_in_the_keychain() {
    const VALUE: &str = "desk-env-value-7f3a";
    let env = TestEnv::new(Arc::new(|req: &ModelRequest| -> Reply {
        match req.tool_output() {
            Some(out) => reply::text(&["Seen: ", &out]),
            // Its length and first word only: the output is stored like any other.
            None => reply::exec_command(
                "call_env",
                "echo \"len=${#DESK_TEST_TOKEN} head=${DESK_TEST_TOKEN%%-*}\"",
                None,
            ),
        }
    }))
    .await;
    let (engine, session, mut events) = env.start_session().await;
    let id = session.id.clone();
    let ask = |n: usize| format!("check {n}");

    // Not names, or names the app sets itself: refused, nothing kept.
    for bad in [
        "1ABC",
        "MY-VAR",
        "PATH",
        "",
        "OPENAI_BASE_URL",
        "https_proxy",
        "RUST_LOG",
        "CODEX_HOME",
    ] {
        assert!(
            matches!(
                engine.set_session_env(&id, bad, Some("x")).await,
                Err(CoreError::InvalidInput(_))
            ),
            "{bad}"
        );
    }
    let options = engine
        .set_session_env(&id, "DESK_TEST_TOKEN", Some(VALUE))
        .await
        .expect("set");
    assert_eq!(options.env, vec!["DESK_TEST_TOKEN".to_string()]);
    // Other option changes keep the variables.
    let changed = engine
        .set_session_options(
            &id,
            SessionOptions {
                network: true,
                ..SessionOptions::default()
            },
        )
        .await
        .expect("options");
    assert_eq!(changed.env, vec!["DESK_TEST_TOKEN".to_string()]);

    events.completes(&engine, &id, &ask(1)).await;
    let seen = env
        .mock
        .requests()
        .last()
        .and_then(|r| r.tool_output())
        .unwrap_or_default();
    assert!(
        seen.contains(&format!("len={} head=desk", VALUE.len())),
        "the command sees the variable: {seen}"
    );

    // The value is in no file under the app's data (database, logs, codex home) and on no
    // process's command line.
    engine.store().flush().await.expect("saved");
    codex_desk_tests::scan::assert_secrets_nowhere(&[VALUE], &[&env.data_dir()]);

    // Removed: the next command no longer sees it.
    let options = engine
        .set_session_env(&id, "DESK_TEST_TOKEN", None)
        .await
        .expect("removed");
    assert!(options.env.is_empty());
    events.completes(&engine, &id, &ask(2)).await;
    let seen = env
        .mock
        .requests()
        .last()
        .and_then(|r| r.tool_output())
        .unwrap_or_default();
    assert!(seen.contains("len=0 head="), "{seen}");
    engine.shutdown();
}
