//! Faults and bad input, designed behaviours: each test injects one and checks what the user
//! sees and that nothing is lost. The README's fault table lists them.

use std::sync::Arc;

#[cfg(target_os = "linux")]
use codex_desk_protocol::{SessionEvent, SessionStatus};
use codex_desk_test_support::{reply, ModelRequest, Reply};
use codex_desk_tests::{is_method, TestEnv};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_data_folder_under_the_temp_dir_still_runs_commands_and_patches() {
    let env = TestEnv::in_temp_dir(Arc::new(|req: &ModelRequest| -> Reply {
        match req.tool_output() {
            Some(out) if out.contains("from-tmp") => reply::apply_patch(
                "call_patch",
                "*** Begin Patch\n*** Add File: made-in-tmp.txt\n+patched\n*** End Patch",
            ),
            Some(_) => reply::text(&["done"]),
            None => reply::exec_command("call_cmd", "echo from-tmp > ran.txt && cat ran.txt", None),
        }
    }))
    .await;
    assert!(env.data_dir().starts_with(std::env::temp_dir()));
    let (engine, session, mut events) = env.start_session().await;
    engine.send_prompt(&session.id, "go").await.expect("send");
    assert_eq!(events.turn_completed().await["status"], "completed");
    let workspace = env.workspace();
    assert_eq!(
        std::fs::read_to_string(workspace.join("ran.txt"))
            .expect("the command ran")
            .trim(),
        "from-tmp"
    );
    assert_eq!(
        std::fs::read_to_string(workspace.join("made-in-tmp.txt")).expect("the patch applied"),
        "patched\n"
    );
    engine.shutdown();
}

/// A windowless Codex Desk in a child process, on `env`'s folders, reporting its stream.
struct App {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<(std::time::Instant, String)>,
    /// (when, characters so far) of the answer and of the command output.
    text: Vec<(std::time::Instant, usize)>,
    output: Vec<(std::time::Instant, usize)>,
    codex_pid: Option<u32>,
}

impl App {
    fn start(env: &TestEnv, prompt: &str) -> Self {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_headless"))
            .args([env.workspace().display().to_string(), prompt.to_string()])
            .env("CODEX_DESK_DATA_DIR", env.data_dir())
            .env("CODEX_HOME", env.user_codex_home())
            .env("CODEX_DESK_CODEX", codex_desk_tests::codex_binary())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("start the app");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if tx.send((std::time::Instant::now(), line)).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            lines,
            text: Vec::new(),
            output: Vec::new(),
            codex_pid: None,
        }
    }

    /// Reads the app's reports until `done` says enough.
    fn until(&mut self, what: &str, done: impl Fn(&Self) -> bool) {
        let deadline = std::time::Instant::now() + codex_desk_tests::WAIT;
        while !done(self) {
            let wait = deadline.saturating_duration_since(std::time::Instant::now());
            let (at, line) = self
                .lines
                .recv_timeout(wait)
                .unwrap_or_else(|_| panic!("timed out waiting for {what}"));
            let mut parts = line.split_whitespace();
            let (Some(key), Some(value)) = (parts.next(), parts.next()) else {
                continue;
            };
            match (key, value.parse::<usize>()) {
                ("TEXT", Ok(n)) => self.text.push((at, n)),
                ("OUTPUT", Ok(n)) => self.output.push((at, n)),
                ("PID", Ok(n)) => self.codex_pid = u32::try_from(n).ok(),
                _ => {}
            }
        }
    }

    /// SIGKILL: no clean-up of any kind runs. Returns when it happened.
    fn kill(&mut self) -> std::time::Instant {
        let at = std::time::Instant::now();
        self.child.kill().expect("kill -9");
        let _ = self.child.wait();
        at
    }
}

/// How much had arrived `before` the kill: what the store must hold at least.
fn seen_before(samples: &[(std::time::Instant, usize)], at: std::time::Instant) -> usize {
    samples
        .iter()
        .filter(|(when, _)| *when <= at)
        .map(|(_, n)| *n)
        .max()
        .unwrap_or(0)
}

/// The most a kill may lose: about a second (checkpoints are 0.75 s apart).
const LOSS: std::time::Duration = std::time::Duration::from_millis(1500);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_app_mid_answer_loses_at_most_about_a_second_and_the_thread_goes_on() {
    let env = TestEnv::new(Arc::new(|req: &ModelRequest| -> Reply {
        if req.last_user_text().contains("continue") {
            return reply::text(&["Carrying on."]);
        }
        reply::slow_text("word ", 600, std::time::Duration::from_millis(15))
    }))
    .await;
    let mut app = App::start(&env, "write a long answer");
    app.until("two seconds of answer", |a| {
        a.text
            .first()
            .zip(a.text.last())
            .is_some_and(|(first, last)| last.0 - first.0 > std::time::Duration::from_secs(2))
    });
    let killed = app.kill();
    let must_have = seen_before(&app.text, killed - LOSS);
    assert!(
        must_have > 0,
        "the answer streamed long enough before the kill"
    );

    // Relaunch: the session says it was interrupted and what it was doing, the partial answer is
    // there (cut short), the turn is closed.
    let engine = env.engine();
    let state = engine.app_state().await.expect("state");
    let session = state.sessions.first().expect("the session").clone();
    assert_eq!(
        session.status,
        codex_desk_protocol::SessionStatus::Interrupted
    );
    assert!(
        session
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("write a long answer")),
        "{:?}",
        session.last_error
    );
    let transcript = engine.open_session(&session.id).await.expect("open");
    assert_eq!(
        transcript.turns.last().expect("a turn").status,
        "interrupted"
    );
    let answer = transcript
        .items
        .iter()
        .find(|i| i.item["type"] == "agentMessage")
        .expect("the partial answer was kept");
    assert_eq!(answer.item["deskDraft"], true);
    let text = answer.item["text"].as_str().unwrap_or_default();
    assert!(
        text.len() >= must_have,
        "kept {} characters, but {must_have} had arrived more than {LOSS:?} before the kill",
        text.len()
    );
    assert!(text.chars().all(|c| "word ".contains(c)));

    // The thread goes on.
    let mut events = codex_desk_tests::Events::subscribe(&engine, &session.id).await;
    engine
        .send_prompt(&session.id, "continue")
        .await
        .expect("send");
    assert_eq!(events.turn_completed().await["status"], "completed");
    assert!(env
        .mock
        .requests()
        .last()
        .expect("request")
        .all_text()
        .contains("write a long answer"));
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_app_mid_command_keeps_its_output_up_to_about_a_second() {
    let env = TestEnv::new(Arc::new(|req: &ModelRequest| -> Reply {
        match req.tool_output() {
            Some(_) => reply::text(&["done"]),
            None => reply::exec_command(
                "call_slow",
                "for i in $(seq 1 400); do echo line-$i; sleep 0.02; done",
                None,
            ),
        }
    }))
    .await;
    let mut app = App::start(&env, "run the slow loop");
    app.until("two seconds of output", |a| {
        a.output
            .first()
            .zip(a.output.last())
            .is_some_and(|(first, last)| last.0 - first.0 > std::time::Duration::from_secs(2))
    });
    let killed = app.kill();
    let must_have = seen_before(&app.output, killed - LOSS);
    assert!(must_have > 0);

    let engine = env.engine();
    let session = engine.app_state().await.expect("state").sessions[0].clone();
    assert_eq!(
        session.status,
        codex_desk_protocol::SessionStatus::Interrupted
    );
    let transcript = engine.open_session(&session.id).await.expect("open");
    let command = transcript
        .items
        .iter()
        .find(|i| i.item["type"] == "commandExecution")
        .expect("the running command's card was kept");
    assert_eq!(command.item["deskDraft"], true);
    let output = command.item["aggregatedOutput"]
        .as_str()
        .unwrap_or_default();
    // Codex streams a command's output from a little after it starts (what came first only
    // reaches `item/completed`), so the kept output is a run of consecutive lines, not all of them.
    let numbers: Vec<u32> = output
        .lines()
        .filter_map(|l| l.strip_prefix("line-")?.parse().ok())
        .collect();
    assert!(!numbers.is_empty(), "{output}");
    assert!(
        numbers.windows(2).all(|w| w[1] == w[0] + 1),
        "lines missing in the middle: {output}"
    );
    assert!(
        output.len() >= must_have,
        "kept {} bytes of output, but {must_have} had arrived more than {LOSS:?} before the kill",
        output.len()
    );
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quitting_during_a_turn_interrupts_and_records_it_and_leaves_no_codex() {
    let env = TestEnv::new(Arc::new(|_: &ModelRequest| -> Reply {
        reply::slow_text("tick ", 400, std::time::Duration::from_millis(20))
    }))
    .await;
    let (engine, session, mut events) = env.start_session().await;
    engine
        .send_prompt(&session.id, "keep talking")
        .await
        .expect("send");
    events
        .until("some of the answer", is_method("item/agentMessage/delta"))
        .await;
    let pid = engine.codex_pid(&session.id).expect("codex runs");

    let started = std::time::Instant::now();
    engine
        .shutdown_gracefully(std::time::Duration::from_secs(3))
        .await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "codex stopped the turn in time"
    );
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists(),
        "no codex is left"
    );

    let engine = env.engine();
    let reopened = engine.open_session(&session.id).await.expect("open");
    assert_eq!(
        reopened.session.status,
        codex_desk_protocol::SessionStatus::Interrupted
    );
    assert_eq!(reopened.turns.last().expect("turn").status, "interrupted");
    let answer = reopened
        .items
        .iter()
        .find(|i| i.item["type"] == "agentMessage")
        .expect("what was written so far is kept");
    assert!(answer.item["text"]
        .as_str()
        .unwrap_or_default()
        .starts_with("tick "));
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_app_on_the_same_data_folder_is_refused_and_touches_nothing() {
    let env = TestEnv::new(Arc::new(|_: &ModelRequest| -> Reply {
        reply::slow_text("tick ", 200, std::time::Duration::from_millis(20))
    }))
    .await;
    let (engine, session, mut events) = env.start_session().await;
    engine
        .send_prompt(&session.id, "keep talking")
        .await
        .expect("send");
    events
        .until("streaming", is_method("item/agentMessage/delta"))
        .await;

    let err = codex_desk_core::Engine::open(env.config())
        .err()
        .expect("the second app is refused");
    assert!(
        matches!(err, codex_desk_core::CoreError::AlreadyRunning { .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("already using the data folder"),
        "{err}"
    );

    // The first one goes on untouched: still running, then finishing normally.
    let live = engine.open_session(&session.id).await.expect("open");
    assert_eq!(
        live.session.status,
        codex_desk_protocol::SessionStatus::Running
    );
    assert_eq!(events.turn_completed().await["status"], "completed");
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codex_refusing_the_users_config_says_why_and_where_in_their_file() {
    let env = TestEnv::new(Arc::new(|_: &ModelRequest| -> Reply {
        reply::text(&["ok"])
    }))
    .await;
    let config = env.user_codex_home().join("config.toml");
    let text = std::fs::read_to_string(&config).expect("config");
    std::fs::write(&config, format!("approval_policy = \"untrusted\"\n{text}")).expect("write");
    let (engine, session, mut events) = env.start_session().await;
    let err = engine
        .send_prompt(&session.id, "hello")
        .await
        .expect_err("codex refuses to start");
    let message = err.to_string();
    assert!(
        message.contains("no longer supported"),
        "codex's own words: {message}"
    );
    assert!(!message.contains("<unknown>"), "no backtrace: {message}");
    assert!(
        message.contains(&format!("{}, line 1", config.display())),
        "the user's file and line: {message}"
    );
    events
        .until(
            "failed",
            codex_desk_tests::is_status(codex_desk_protocol::SessionStatus::Failed),
        )
        .await;
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_value_in_the_users_config_is_shown_against_their_file() {
    let env = TestEnv::new(Arc::new(|_: &ModelRequest| -> Reply {
        reply::text(&["ok"])
    }))
    .await;
    let config = env.user_codex_home().join("config.toml");
    let text = std::fs::read_to_string(&config).expect("config");
    let line = 2;
    std::fs::write(
        &config,
        format!("# mine\nhide_agent_reasoning = \"maybe\"\n{text}"),
    )
    .expect("write");
    let (engine, session, mut events) = env.start_session().await;
    // Codex will not start the thread over it: the user reads why, and where in their own file.
    let err = engine
        .send_prompt(&session.id, "hello")
        .await
        .expect_err("refused");
    let message = err.to_string();
    assert!(
        message.contains("invalid type"),
        "codex's own words: {message}"
    );
    assert!(
        message.contains(&format!("{}:{line}", config.display())),
        "the user's file and line {line}: {message}"
    );
    assert!(
        !message.contains("sessions/"),
        "not the generated copy: {message}"
    );
    events
        .until(
            "failed",
            codex_desk_tests::is_status(codex_desk_protocol::SessionStatus::Failed),
        )
        .await;
    engine.shutdown();
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_too_large_to_read_ends_the_session_cleanly_with_a_clear_error() {
    use std::os::unix::fs::PermissionsExt;
    // The real codex cannot be made to send a 100 MB line; a stand-in that does so on start-up
    // (after answering --version as codex 0.169.0) is the fault.
    let env = TestEnv::new(Arc::new(|_: &ModelRequest| -> Reply {
        reply::text(&["ok"])
    }))
    .await;
    let fake = env.root.path().join("fake-codex");
    std::fs::write(
        &fake,
        "#!/bin/sh\nif [ \"$1\" = \"--version\" ]; then echo 'codex-cli 0.169.0'; exit 0; fi\n\
         read -r _init\nhead -c 100000000 /dev/zero | tr '\\0' 'x'\nsleep 60\n",
    )
    .expect("write");
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let mut config = env.config();
    config.codex_path = Some(fake);
    let engine = codex_desk_core::Engine::open(config).expect("engine");
    let session = engine
        .create_session(&env.workspace().display().to_string())
        .expect("session");
    let started = std::time::Instant::now();
    let err = engine
        .send_prompt(&session.id, "hello")
        .await
        .expect_err("refused");
    let message = err.to_string();
    assert!(message.contains("larger than 64 MB"), "{message}");
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    let failed = engine
        .open_session(&session.id)
        .await
        .expect("open")
        .session;
    assert_eq!(failed.status, codex_desk_protocol::SessionStatus::Failed);
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workspace_moved_while_its_session_lives_is_noticed_and_followed() {
    let env = TestEnv::new(Arc::new(|req: &ModelRequest| -> Reply {
        match req.tool_output() {
            Some(out) => reply::text(&["Ran in: ", out.lines().last().unwrap_or_default()]),
            None if req.last_user_text().contains("where") => {
                reply::exec_command("call_pwd", "pwd", None)
            }
            None => reply::text(&["noted"]),
        }
    }))
    .await;
    let (engine, session, mut events) = env.start_session().await;
    engine
        .send_prompt(&session.id, "remember the number 7")
        .await
        .expect("send");
    assert_eq!(events.turn_completed().await["status"], "completed");

    // The user renames the project folder while the session is open.
    let old = env.workspace();
    let new = old.with_file_name("workspace-renamed");
    std::fs::rename(&old, &new).expect("rename");
    events
        .until("the workspace is gone", |e| {
            matches!(e, codex_desk_protocol::SessionEvent::WorkspaceMissing { path } if std::path::Path::new(path) == old)
        })
        .await;
    let err = engine
        .send_prompt(&session.id, "where are you?")
        .await
        .expect_err("folder gone");
    assert_eq!(
        err.code(),
        Some(codex_desk_protocol::ErrorCode::WorkspaceMissing),
        "{err}"
    );

    // Choose folder…: the session goes on in the new place, same thread.
    let moved = engine
        .relocate_session(&session.id, &new.display().to_string(), false)
        .await
        .expect("relocate");
    assert_eq!(
        std::path::Path::new(&moved.workspace),
        std::fs::canonicalize(&new).expect("canon")
    );
    engine
        .send_prompt(&session.id, "where are you?")
        .await
        .expect("send");
    assert_eq!(events.turn_completed().await["status"], "completed");
    let command = events
        .completed_items("commandExecution")
        .pop()
        .expect("pwd ran");
    assert!(
        command["aggregatedOutput"]
            .as_str()
            .unwrap_or_default()
            .contains("workspace-renamed"),
        "{command:#}"
    );
    let last = env
        .mock
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.tool_output().is_none())
        .expect("request");
    assert!(
        last.all_text().contains("remember the number 7"),
        "the thread continued"
    );
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moving_a_session_during_a_turn_stops_and_records_the_turn_and_it_goes_on() {
    let env = TestEnv::new(Arc::new(|req: &ModelRequest| -> Reply {
        if req.last_user_text().contains("continue") {
            return reply::text(&["Carrying on."]);
        }
        reply::slow_text("word ", 600, std::time::Duration::from_millis(15))
    }))
    .await;
    let (engine, session, mut events) = env.start_session().await;
    engine
        .send_prompt(&session.id, "write a long answer")
        .await
        .expect("send");
    events
        .until("the answer streams", is_method("item/agentMessage/delta"))
        .await;

    // The user points the session at another folder while codex is still answering.
    let new = env.workspace().with_file_name("elsewhere");
    std::fs::create_dir_all(&new).expect("folder");
    let moved = engine
        .relocate_session(&session.id, &new.display().to_string(), false)
        .await
        .expect("relocate");
    assert_ne!(moved.status, codex_desk_protocol::SessionStatus::Running);
    assert_eq!(events.turn_completed().await["status"], "interrupted");
    let transcript = engine.open_session(&session.id).await.expect("open");
    assert_ne!(
        transcript.session.status,
        codex_desk_protocol::SessionStatus::Running,
        "the window would wait forever"
    );
    let turn = transcript.turns.last().expect("the turn");
    assert_eq!(turn.status, "interrupted", "{turn:?}");
    assert!(
        transcript
            .items
            .iter()
            .any(|i| i.item["type"] == "agentMessage"
                && i.item["text"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("word"))),
        "what was written is kept"
    );

    // The session goes on, in the new folder, with the same thread.
    engine
        .send_prompt(&session.id, "continue")
        .await
        .expect("send");
    let done = events.turn_completed().await;
    assert_eq!(done["status"], "completed", "{done:#}");
    assert!(env
        .mock
        .requests()
        .last()
        .expect("request")
        .all_text()
        .contains("write a long answer"));
    engine.shutdown();
}

/// A codex that hangs (here: stopped with SIGSTOP) does not answer Stop; it is stopped itself,
/// the session says why, and the next message starts codex again and continues the thread.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_codex_that_does_not_answer_stop_is_stopped_itself() {
    let env = TestEnv::new(Arc::new(|req: &ModelRequest| -> Reply {
        if req.last_user_text().contains("slow") {
            reply::slow_text("tick ", 200, std::time::Duration::from_millis(100))
        } else {
            reply::text(&["Back again."])
        }
    }))
    .await;
    let (engine, session, mut events) = env.start_session().await;
    engine.send_prompt(&session.id, "slow").await.expect("send");
    events
        .until("the answer streams", is_method("item/agentMessage/delta"))
        .await;
    let pid = engine.codex_pid(&session.id).expect("codex runs");
    assert!(std::process::Command::new("kill")
        .args(["-STOP", &pid.to_string()])
        .status()
        .expect("kill -STOP")
        .success());
    engine
        .interrupt(&session.id)
        .await
        .expect("Stop ends it all the same");
    let status = events
        .until("the session says why", |e| {
            matches!(
                e,
                SessionEvent::Status {
                    status: SessionStatus::Crashed,
                    ..
                }
            )
        })
        .await;
    let SessionEvent::Status { message, .. } = status else {
        unreachable!()
    };
    let message = message.unwrap_or_default();
    assert!(message.contains("did not answer Stop"), "{message}");
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}/cmdline")).exists()
            || std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| c.is_empty()),
        "the hung codex is gone"
    );
    events
        .completes(&engine, &session.id, "are you there")
        .await;
    engine.shutdown();
}

/// Once the app quits, no codex starts any more (a queued follow-up or a message sent in that
/// moment would start one that outlives the quit); the message says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_codex_starts_while_the_app_quits() {
    let env = TestEnv::new(Arc::new(|req: &ModelRequest| -> Reply {
        if req.last_user_text().contains("slow") {
            reply::slow_text("tick ", 200, std::time::Duration::from_millis(100))
        } else {
            reply::text(&["Hello."])
        }
    }))
    .await;
    let (engine, running, mut events) = env.start_session().await;
    let idle = engine
        .create_session(&env.workspace().display().to_string())
        .expect("another session");
    engine.send_prompt(&running.id, "slow").await.expect("send");
    events
        .until("the answer streams", is_method("item/agentMessage/delta"))
        .await;
    // The quit begins (it waits for the running turn to stop) and a message comes meanwhile.
    let (_, sent) = tokio::join!(
        engine.shutdown_gracefully(std::time::Duration::from_secs(5)),
        engine.send_prompt(&idle.id, "hello")
    );
    let err = sent.expect_err("no codex starts");
    assert!(err.to_string().contains("closing"), "{err}");
    assert_eq!(engine.codex_pid(&idle.id), None);
}
