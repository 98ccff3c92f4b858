//! A session's own Python environment: made in its folder when the user turns it on, first on
//! the PATH of the agent's commands (which may install into it), gone from the PATH when turned
//! off; no Python to make one is a clear message, and nothing changes.

use std::sync::Arc;

use codex_desk_core::engine::Engine;
use codex_desk_core::CoreError;
use codex_desk_protocol::{SessionEvent, SessionOptions};
use codex_desk_test_support::{reply, ModelRequest, Reply};
use codex_desk_tests::{Events, TestEnv};

/// Each prompt has codex run `python`, which says which environment it is and writes a file
/// into it (as `pip install` would); then the model repeats what it printed.
const PYTHON: &str = "python3 -c \"import sys; print('PREFIX=' + sys.prefix, flush=True); import pip; print('PIP=' + pip.__file__, flush=True); open(sys.prefix + '/written-by-agent.txt', 'w').write('ok')\"";

fn python_model() -> codex_desk_test_support::Script {
    Arc::new(|req: &ModelRequest| -> Reply {
        match req.tool_output() {
            Some(out) => reply::text(&["Python said: ", &out]),
            None => reply::exec_command("call_python", PYTHON, None),
        }
    })
}

/// Sends `prompt` (the model has python run) and returns what python printed.
async fn python_says(
    env: &TestEnv,
    engine: &Engine,
    id: &str,
    events: &mut Events,
    prompt: &str,
) -> String {
    events.completes(engine, id, prompt).await;
    env.mock
        .requests()
        .last()
        .expect("request")
        .tool_output()
        .unwrap_or_default()
}

async fn venv_on(engine: &Engine, id: &str, on: bool) -> Result<SessionOptions, CoreError> {
    engine
        .set_session_options(
            id,
            SessionOptions {
                python_venv: on,
                ..SessionOptions::default()
            },
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agents_python_is_the_sessions_own_environment_while_it_is_on() {
    let env = TestEnv::new(python_model()).await;
    let (engine, session, mut events) = env.start_session().await;
    let id = session.id.clone();
    let venv = env.data_dir().join("sessions").join(&id).join("venv");

    // Started before: the codex running now has no environment yet; the next turn's has.
    let before = python_says(&env, &engine, &id, &mut events, "which python?").await;
    assert!(!before.contains(&venv.display().to_string()), "{before}");

    assert!(venv_on(&engine, &id, true).await.expect("on").python_venv);
    assert!(
        venv.join("bin/python").exists(),
        "made in the session's folder"
    );
    let said = python_says(&env, &engine, &id, &mut events, "which python now?").await;
    assert!(
        said.contains(&format!("PREFIX={}", venv.display())),
        "the venv's python ran: {said}"
    );
    assert!(
        said.contains(&format!("PIP={}", venv.display())),
        "pip installs into the venv: {said}"
    );
    // Only the agent's commands have it: codex itself (which runs git and MCP servers outside
    // the sandbox) keeps its own PATH, without the folder the agent can write.
    #[cfg(target_os = "linux")]
    {
        let pid = engine.codex_pid(&id).expect("codex runs");
        let environ = std::fs::read(format!("/proc/{pid}/environ")).expect("environ");
        let environ = String::from_utf8_lossy(&environ);
        assert!(!environ.contains(&venv.display().to_string()), "{environ}");
    }
    assert_eq!(
        std::fs::read_to_string(venv.join("written-by-agent.txt")).expect("written in the venv"),
        "ok",
        "the sandbox lets commands install into the environment"
    );

    // A fork has the option but not the packages: it gets a new, empty environment of its own,
    // and is told so.
    let fork = engine.fork_session(&id, None).await.expect("fork");
    let mut fork_events = Events::subscribe(&engine, &fork.id).await;
    let said = python_says(
        &env,
        &engine,
        &fork.id,
        &mut fork_events,
        "which python in the fork?",
    )
    .await;
    let fork_venv = env.data_dir().join("sessions").join(&fork.id).join("venv");
    assert!(
        said.contains(&format!("PREFIX={}", fork_venv.display())),
        "{said}"
    );
    assert!(
        fork_events.seen.iter().any(|e| matches!(e, SessionEvent::SetupWarning { message } if message.contains("new, empty one"))),
        "{:?}",
        fork_events.seen
    );

    // Off: the next command runs the system's python again; the environment stays for later.
    assert!(!venv_on(&engine, &id, false).await.expect("off").python_venv);
    let said = python_says(&env, &engine, &id, &mut events, "and now?").await;
    assert!(said.contains("PREFIX="), "{said}");
    assert!(!said.contains(&venv.display().to_string()), "{said}");
    assert!(venv.join("bin/python").exists());
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_python_to_make_it_the_user_is_told_and_nothing_changes() {
    let env = TestEnv::new(python_model()).await;
    let engine = Engine::open(codex_desk_core::engine::EngineConfig {
        python: Some("/no/such/python3".into()),
        ..env.config()
    })
    .expect("engine");
    let session = engine
        .create_session(&env.workspace().display().to_string())
        .expect("session");
    let refused = venv_on(&engine, &session.id, true)
        .await
        .expect_err("no python");
    assert!(
        refused
            .to_string()
            .contains("/no/such/python3 did not start"),
        "{refused}"
    );
    assert!(
        !engine
            .open_session(&session.id)
            .await
            .expect("open")
            .options
            .python_venv
    );
    assert!(!env
        .data_dir()
        .join("sessions")
        .join(&session.id)
        .join("venv")
        .exists());
    engine.shutdown();
}
