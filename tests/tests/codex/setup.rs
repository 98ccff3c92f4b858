//! The user's own codex setup, carried into sessions: instructions, custom prompts, skills, rules,
//! relative paths, providers and MCP servers with credentials; and no secret written anywhere
//! or shown to the agent's commands.

use std::path::Path;
use std::sync::Arc;

use codex_desk_test_support::{reply, ModelRequest, Reply};
use codex_desk_tests::scan::assert_secrets_nowhere;
use codex_desk_tests::TestEnv;
use serde_json::json;

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_users_instructions_prompts_skills_rules_and_catalog_take_effect() {
    let env = TestEnv::new(Arc::new(|req: &ModelRequest| -> Reply {
        if let Some(output) = req.tool_output() {
            return reply::text(&["Tool said: ", &output]);
        }
        if req.last_user_text().contains("touch") {
            return reply::exec_command("call_touch", "touch forbidden.txt", None);
        }
        reply::text(&["ok"])
    }))
    .await;
    let home = env.user_codex_home();
    write(
        &home.join("AGENTS.md"),
        "Always mention AGENTS-MARKER-41.\n",
    );
    write(
        &home.join("skills/release-notes/SKILL.md"),
        "---\nname: release-notes\ndescription: SKILL-MARKER-77 writes release notes\n---\nWrite notes.\n",
    );
    write(
        &home.join("prompts/review.md"),
        "---\ndescription: Review a file\nargument-hint: FILE=<path>\n---\nReview $FILE carefully (PROMPT-MARKER-93).\n",
    );
    write(
        &home.join("rules/default.rules"),
        "prefix_rule(pattern = [\"touch\", \"forbidden.txt\"], decision = \"forbidden\", justification = \"RULE-MARKER-12 leave that file alone\")\n",
    );
    let (engine, session, mut events) = env.start_session().await;
    let prompts = engine.prompts();
    assert_eq!(prompts.len(), 1);
    assert_eq!(prompts[0].name, "review");
    assert_eq!(prompts[0].argument_hint.as_deref(), Some("FILE=<path>"));

    engine
        .send_prompt(&session.id, "/review FILE=src/lib.rs")
        .await
        .expect("send");
    assert_eq!(events.turn_completed().await["status"], "completed");
    let first = env.mock.requests().remove(0);
    assert_eq!(
        first.last_user_text().trim(),
        "Review src/lib.rs carefully (PROMPT-MARKER-93)."
    );
    let all = first.all_text();
    assert!(
        all.contains("AGENTS-MARKER-41"),
        "AGENTS.md did not reach the model"
    );
    assert!(
        all.contains("SKILL-MARKER-77"),
        "the skill was not offered to the model"
    );
    assert!(
        all.contains("You are a mock."),
        "the relative model_catalog_json was not found"
    );

    // The user's execpolicy rule forbids the command; the workspace is untouched.
    engine
        .send_prompt(&session.id, "please touch it")
        .await
        .expect("send");
    assert_eq!(events.turn_completed().await["status"], "completed");
    assert!(!env.workspace().join("forbidden.txt").exists());
    let output = env
        .mock
        .requests()
        .iter()
        .rev()
        .find_map(ModelRequest::tool_output)
        .expect("the model saw the command's result");
    assert!(
        output.contains("RULE-MARKER-12") || output.contains("forbidden"),
        "{output}"
    );
    engine.shutdown();
}

const PROVIDER_BEARER: &str = "provider-bearer-S1x9";
const PROVIDER_HEADER: &str = "header-S2x9";
const MCP_ENV: &str = "mcp-env-S3x9";
const DOTENV: &str = "dotenv-S4x9";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_in_the_users_config_work_but_stay_off_disk_and_out_of_commands() {
    let env = TestEnv::new(Arc::new(|req: &ModelRequest| -> Reply {
        match req.tool_output() {
            None => reply::namespaced_call(
                "call_mcp",
                "mcp__docs",
                "env_fingerprint",
                &json!({"name": "DOCS_TOKEN"}),
            ),
            Some(out) if out.contains("sha256") || out.contains("not set") => {
                reply::exec_command("call_env", "env", None)
            }
            Some(_) => reply::text(&["checked"]),
        }
    }))
    .await;
    // The user's provider takes a bearer token and a header from config.toml, their MCP server
    // a token in `env`, and their codex .env one more secret.
    env.mock.require_auth();
    env.mock.issuer().accept_api_key(PROVIDER_BEARER);
    let home = env.user_codex_home();
    let mock_mcp = codex_desk_tests::repo_root().join("target/debug/mock-mcp");
    assert!(
        mock_mcp.is_file(),
        "build the mock MCP server first: {}",
        mock_mcp.display()
    );
    let config = std::fs::read_to_string(home.join("config.toml")).expect("config");
    let config = config.replace(
        "[model_providers.mock]\n",
        &format!(
            "[model_providers.mock]\nexperimental_bearer_token = \"{PROVIDER_BEARER}\"\nhttp_headers = {{ \"X-Desk-Check\" = \"{PROVIDER_HEADER}\" }}\n"
        ),
    ) + &format!(
        "\n[mcp_servers.docs]\ncommand = {:?}\ndefault_tools_approval_mode = \"approve\"\nenv = {{ DOCS_TOKEN = \"{MCP_ENV}\" }}\n",
        mock_mcp.display().to_string()
    );
    write(&home.join("config.toml"), &config);
    write(&home.join(".env"), &format!("DOTENV_TOKEN={DOTENV}\n"));

    let (engine, session, mut events) = env.start_session().await;
    engine
        .send_prompt(&session.id, "check")
        .await
        .expect("send");
    let turn = events.turn_completed().await;
    assert_eq!(turn["status"], "completed", "{turn:#}");

    // The provider got its bearer and header from codex's environment.
    let requests = env.mock.requests();
    assert!(
        requests.iter().all(|r| r.authorized),
        "a request lacked the bearer"
    );
    assert!(requests
        .iter()
        .all(|r| r.headers.get("x-desk-check").map(String::as_str) == Some(PROVIDER_HEADER)));

    // The MCP server got its token.
    let mcp = events
        .completed_items("mcpToolCall")
        .pop()
        .expect("the MCP tool ran");
    let expected = format!("DOCS_TOKEN sha256={}", sha256_hex(MCP_ENV));
    assert!(mcp.to_string().contains(&expected), "{mcp:#}");

    // The agent's own command saw none of it.
    let command = events
        .completed_items("commandExecution")
        .pop()
        .expect("env ran");
    let output = command["aggregatedOutput"].as_str().unwrap_or_default();
    assert!(
        output.contains("PATH="),
        "env printed nothing useful: {output}"
    );
    for hidden in [
        PROVIDER_BEARER,
        PROVIDER_HEADER,
        MCP_ENV,
        DOTENV,
        "CODEX_DESK_SECRET",
        "DOCS_TOKEN",
        "DOTENV_TOKEN",
    ] {
        assert!(
            !output.contains(hidden),
            "the agent's command saw {hidden}:\n{output}"
        );
    }

    // Nothing on disk, nothing on a command line; what the app wrote is owner-only.
    let data = env.data_dir();
    assert_secrets_nowhere(
        &[PROVIDER_BEARER, PROVIDER_HEADER, MCP_ENV, DOTENV],
        &[&data],
    );
    #[cfg(unix)]
    assert_owner_only(&data, &session.id);
    engine.shutdown();
}

#[cfg(unix)]
fn assert_owner_only(data: &Path, session: &str) {
    use codex_desk_tests::scan::mode;
    let data = data.to_path_buf();
    let folder = data.join("sessions").join(session);
    for dir in [
        data.clone(),
        data.join("sessions"),
        folder.clone(),
        folder.join("codex-home"),
        folder.join("logs"),
    ] {
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
    }
    for file in [
        data.join("codex-desk.sqlite3"),
        folder.join("session.json"),
        folder.join("codex-home/config.toml"),
        folder.join("logs/codex-stderr.log"),
    ] {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
}

fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every command the window can call is declared and allowed: one missing from the build's
/// list or the window's capability is refused at run time ("… not allowed").
#[test]
fn every_command_of_the_window_is_declared_and_allowed() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../src-tauri");
    let read = |path: &str| std::fs::read_to_string(root.join(path)).expect(path);
    let (handlers, build, capability) = (
        read("src/commands/mod.rs"),
        read("build.rs"),
        read("capabilities/default.json"),
    );
    let start = handlers
        .find("generate_handler![")
        .expect("the handler list");
    let listed = &handlers[start
        ..handlers[start..]
            .find(']')
            .map_or(handlers.len(), |e| start + e)];
    let commands: Vec<&str> = listed
        .lines()
        .filter_map(|l| l.trim().strip_suffix(','))
        .filter_map(|l| l.split_once("::").map(|(_, name)| name))
        .collect();
    assert!(commands.len() > 30, "{commands:?}");
    for command in commands {
        assert!(
            build.contains(&format!("\"{command}\"")),
            "{command} is not in build.rs"
        );
        let permission = format!("\"allow-{}\"", command.replace('_', "-"));
        assert!(
            capability.contains(&permission),
            "{command} is not allowed in capabilities/default.json"
        );
    }
}

/// Codex not found (or another wanted): the user chooses the binary; a file that is not a
/// usable codex is refused with why, and the one chosen is kept across restarts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_codex_the_user_chooses_is_checked_and_kept() {
    let env =
        codex_desk_tests::TestEnv::new(codex_desk_test_support::scenarios::by_keyword()).await;
    let config = || codex_desk_core::engine::EngineConfig {
        codex_path: None,
        ..env.config()
    };
    let engine = codex_desk_core::Engine::open(config()).expect("open");
    let missing = env.root.path().join("no-codex-here");
    let err = engine
        .choose_codex(&missing.display().to_string())
        .await
        .expect_err("not a codex");
    assert!(err.to_string().contains("no such file"), "{err}");
    let not_codex = env.root.path().join("not-codex.sh");
    std::fs::write(&not_codex, "#!/bin/sh\necho hello\n").expect("write");
    assert!(engine
        .choose_codex(&not_codex.display().to_string())
        .await
        .is_err());

    let real = codex_desk_tests::codex_binary();
    let chosen = engine
        .choose_codex(&real.display().to_string())
        .await
        .expect("a usable codex");
    assert!(chosen.version.starts_with("0."), "{chosen:?}");
    engine.shutdown();

    let again = codex_desk_core::Engine::open(config()).expect("open again");
    let state = again.app_state().await.expect("state");
    assert_eq!(state.codex.map(|c| c.path), Some(chosen.path), "kept");
    again.shutdown();

    // A choice that stopped working (a reinstall moved codex) is not held on to: codex is
    // looked for again.
    #[cfg(unix)]
    {
        let link = env.root.path().join("codex-link");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        let engine = codex_desk_core::Engine::open(config()).expect("open");
        engine
            .choose_codex(&link.display().to_string())
            .await
            .expect("through a link");
        engine.shutdown();
        std::fs::remove_file(&link).expect("remove");
        let after = codex_desk_core::Engine::open(config()).expect("open after");
        let state = after.app_state().await.expect("state");
        let stuck = state
            .codex_error
            .as_ref()
            .is_some_and(|e| e.message.contains("codex-link"));
        assert!(!stuck, "{:?}", state.codex_error);
        after.shutdown();
    }
}

/// The workspace panel's git runs outside codex's sandbox, so for a sandboxed session it runs
/// only when the user says so; with full access it adds nothing and runs at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn git_runs_for_a_sandboxed_session_only_when_the_user_says_so() {
    use codex_desk_protocol::{ApprovalMode, GitState, SandboxMode, SessionOptions};
    let env =
        codex_desk_tests::TestEnv::new(codex_desk_test_support::scenarios::by_keyword()).await;
    let engine = env.engine();
    let session = engine
        .create_session(&env.workspace().display().to_string())
        .expect("session");
    assert_eq!(
        engine.git_state(&session.id, false).await.expect("state"),
        GitState::NotAsked
    );
    assert_ne!(
        engine.git_state(&session.id, true).await.expect("state"),
        GitState::NotAsked,
        "read when the user says so"
    );
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
    assert_ne!(
        engine.git_state(&session.id, false).await.expect("state"),
        GitState::NotAsked,
        "with full access at once"
    );
    engine.shutdown();
}
