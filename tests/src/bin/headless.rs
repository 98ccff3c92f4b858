//! Codex Desk without a window, for tests that must kill the app itself. It opens the engine as
//! the app does (`CODEX_DESK_DATA_DIR`, `CODEX_HOME`, `CODEX_DESK_CODEX` from the environment),
//! starts a session on the workspace in `argv[1]`, sends `argv[2]`, and reports on stdout:
//! `SESSION <id>`, `PID <codex pid>`, then `TEXT <chars>` / `OUTPUT <chars>` as the answer and the
//! command output grow. It runs until killed.

use codex_desk_core::{Engine, EngineConfig};
use codex_desk_protocol::SessionEvent;

#[allow(clippy::print_stdout)]
fn say(line: &str) {
    println!("{line}");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(workspace), Some(prompt)) = (args.next(), args.next()) else {
        eprintln!("usage: headless <workspace> <prompt>");
        std::process::exit(2);
    };
    let engine = match Engine::open(EngineConfig::from_env()) {
        Ok(engine) => engine,
        Err(e) => {
            eprintln!("headless: {e}");
            std::process::exit(1);
        }
    };
    let session = match engine.create_session(&workspace) {
        Ok(session) => session,
        Err(e) => {
            eprintln!("headless: {e}");
            std::process::exit(1);
        }
    };
    say(&format!("SESSION {}", session.id));
    let (mut text, mut output) = (0usize, 0usize);
    let subscribed = engine
        .subscribe(&session.id, move |batch| {
            for event in batch.events {
                let SessionEvent::Codex { notification } = event else {
                    continue;
                };
                let delta = notification["params"]["delta"].as_str().map_or(0, str::len);
                match notification["method"].as_str() {
                    Some("item/agentMessage/delta") => {
                        text += delta;
                        say(&format!("TEXT {text}"));
                    }
                    Some("item/commandExecution/outputDelta") => {
                        output += delta;
                        say(&format!("OUTPUT {output}"));
                    }
                    _ => {}
                }
            }
            true
        })
        .await;
    if let Err(e) = subscribed {
        eprintln!("headless: {e}");
        std::process::exit(1);
    }
    if let Err(e) = engine.send_prompt(&session.id, &prompt).await {
        eprintln!("headless: {e}");
        std::process::exit(1);
    }
    if let Some(pid) = engine.codex_pid(&session.id) {
        say(&format!("PID {pid}"));
    }
    std::future::pending::<()>().await;
}
