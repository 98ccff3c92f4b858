//! Sign-in against the real codex, a mock OAuth issuer and the real keychain: ChatGPT through a
//! (scripted) browser, device code, API keys, sign-out, and the failures a user can meet.

use std::sync::Arc;

use codex_desk_core::secrets::{keychain, Secret};
use codex_desk_protocol::{AccountAuth, ErrorCode, LoginProgress, SessionEvent, SessionStatus};
use codex_desk_test_support::{reply, ModelRequest, Reply, ACCOUNT_ID, EMAIL};
use codex_desk_tests::keychain::require_private_keychain;
use codex_desk_tests::scan::assert_secrets_nowhere;
use codex_desk_tests::{
    is_method, is_status, scripted_browser, sign_in_port, AccountEvents, Events, TestEnv,
};

/// Answers with text; "show env" makes codex run `env`.
fn hello() -> codex_desk_test_support::Script {
    Arc::new(|req: &ModelRequest| -> Reply {
        if let Some(output) = req.tool_output() {
            return reply::text(&["Ran: ", &output[..output.len().min(40)]]);
        }
        if req.last_user_text().contains("show env") {
            return reply::exec_command("call_env", "env", None);
        }
        reply::text(&["Answered: ", &req.last_user_text()])
    })
}

/// Nothing of `secrets` on disk, on a command line, or in the environment of an agent command.
/// Waits for the session's sign-in card; returns what it says.
async fn sign_in_required(events: &mut Events) -> String {
    let event = events
        .until("sign in required", |e| {
            matches!(e, SessionEvent::SignInRequired { .. })
        })
        .await;
    match event {
        SessionEvent::SignInRequired { message, .. } => message,
        _ => unreachable!("until returned another event"),
    }
}

async fn assert_contained(
    env: &TestEnv,
    engine: &codex_desk_core::Engine,
    session: &str,
    events: &mut Events,
    secrets: &[&str],
) {
    engine.send_prompt(session, "show env").await.expect("send");
    assert_eq!(events.turn_completed().await["status"], "completed");
    let command = events
        .completed_items("commandExecution")
        .pop()
        .expect("env ran");
    let output = command["aggregatedOutput"].as_str().unwrap_or_default();
    assert!(output.contains("PATH="), "{output}");
    for secret in secrets {
        assert!(
            !output.contains(secret),
            "an agent command saw a credential"
        );
    }
    assert_secrets_nowhere(secrets, &[&env.data_dir()]);
}

fn signed_in_as_chatgpt(state: &codex_desk_protocol::AccountState) -> bool {
    matches!(&state.auth, AccountAuth::ChatGpt { email: Some(e), .. } if e == EMAIL)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chatgpt_sign_in_serves_every_session_and_one_refresh_renews_them_all() {
    require_private_keychain();
    let _port = sign_in_port().await;
    let env = TestEnv::needing_sign_in(hello()).await;
    let engine = env.engine();
    let mut account = AccountEvents::follow(&engine);
    let account_home = env.data_dir().join("account/codex-home");

    // Sign in: codex gives the authorization URL, the "browser" follows it to codex's callback.
    let (open, mut browser) = scripted_browser();
    let state = engine
        .account()
        .sign_in_chatgpt(&open)
        .await
        .expect("sign-in starts");
    assert!(
        matches!(state.login, Some(LoginProgress::Browser { .. })),
        "{state:?}"
    );
    let page = browser
        .recv()
        .await
        .expect("browser ran")
        .expect("browser loaded");
    assert_eq!(page.status, 200, "{page:?}");
    let state = account
        .until(&engine, "signed in", signed_in_as_chatgpt)
        .await;
    assert!(
        state.confirmed && state.login.is_none() && state.error.is_none(),
        "{state:?}"
    );
    assert!(
        keychain::has_codex_credentials(&account_home).expect("keychain readable"),
        "the tokens are in the keychain"
    );

    // Two sessions run on the account: the model sees its access token and workspace.
    let first_token = env.mock.issuer().access_tokens()[0].clone();
    let workspace = env.workspace().display().to_string();
    let a = engine.create_session(&workspace).expect("session a");
    let b = engine.create_session(&workspace).expect("session b");
    let mut events_a = Events::subscribe(&engine, &a.id).await;
    let mut events_b = Events::subscribe(&engine, &b.id).await;
    engine
        .send_prompt(&a.id, "first in a")
        .await
        .expect("send a");
    engine
        .send_prompt(&b.id, "first in b")
        .await
        .expect("send b");
    assert_eq!(events_a.turn_completed().await["status"], "completed");
    assert_eq!(events_b.turn_completed().await["status"], "completed");
    for request in env.mock.requests() {
        assert!(
            request.authorized,
            "a request went unauthorized: {:?}",
            request.bearer
        );
        assert_eq!(request.bearer.as_deref(), Some(first_token.as_str()));
        assert_eq!(request.account_id.as_deref(), Some(ACCOUNT_ID));
    }

    // The token expires: both sessions are refused at once, and one refresh serves both.
    env.mock.issuer().expire_access_tokens();
    let (sent_a, sent_b) = tokio::join!(
        engine.send_prompt(&a.id, "second in a"),
        engine.send_prompt(&b.id, "second in b")
    );
    sent_a.expect("send a");
    sent_b.expect("send b");
    assert_eq!(events_a.turn_completed().await["status"], "completed");
    assert_eq!(events_b.turn_completed().await["status"], "completed");
    assert_eq!(
        env.mock.issuer().refreshes(),
        1,
        "exactly one refresh for both sessions"
    );
    let second_token = env.mock.issuer().access_tokens()[1].clone();
    let answered: Vec<_> = env
        .mock
        .requests()
        .into_iter()
        .filter(|r| r.authorized && r.last_user_text().starts_with("second"))
        .collect();
    assert_eq!(answered.len(), 2, "both second prompts reached the model");
    assert!(answered
        .iter()
        .all(|r| r.bearer.as_deref() == Some(second_token.as_str())));
    assert!(events_a
        .seen
        .iter()
        .chain(&events_b.seen)
        .all(|e| !matches!(e, SessionEvent::SignInRequired { .. })));

    // Sign out: the issuer saw the refresh token revoked, the keychain item is gone, and the
    // sessions lose their credentials (the next turn asks to sign in).
    let state = engine.account().sign_out().await.expect("sign out");
    assert_eq!(state.auth, AccountAuth::SignedOut);
    let live_refresh = env.mock.issuer().refresh_tokens()[1].clone();
    assert!(
        env.mock.issuer().revoked().contains(&live_refresh),
        "revoked: {:?}",
        env.mock.issuer().revoked()
    );
    assert!(!keychain::has_codex_credentials(&account_home).expect("keychain readable"));
    engine
        .send_prompt(&b.id, "after sign-out")
        .await
        .expect("send");
    sign_in_required(&mut events_b).await;
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_without_credentials_says_to_sign_in() {
    require_private_keychain();
    let env = TestEnv::needing_sign_in(hello()).await;
    let (engine, session, mut events) = env.start_session().await;
    engine
        .send_prompt(&session.id, "hello")
        .await
        .expect("send");
    let message = sign_in_required(&mut events).await;
    assert!(message.contains("Sign in"), "{message}");
    events
        .until("failed", is_status(SessionStatus::Failed))
        .await;
    events
        .until("the refused turn's end", is_method("turn/completed"))
        .await;

    // Signing in then serves the session already open: its next message goes through.
    env.mock.issuer().accept_api_key("sk-now-signed-in");
    engine
        .account()
        .save_api_key(Secret::new("sk-now-signed-in"), true)
        .await
        .expect("key");
    engine
        .send_prompt(&session.id, "hello again")
        .await
        .expect("send");
    let turn = events.turn_completed().await;
    assert_eq!(turn["status"], "completed", "{turn:#}");
    let last = env.mock.requests().pop().expect("a model request");
    assert_eq!(last.bearer.as_deref(), Some("sk-now-signed-in"));
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_sign_in_port_is_explained_with_a_way_forward() {
    require_private_keychain();
    let _port = sign_in_port().await;
    let env = TestEnv::needing_sign_in(hello()).await;
    let _a = hold_port(1455);
    let _b = hold_port(1457);
    let engine = env.engine();
    let (open, _browser) = scripted_browser();
    let err = engine
        .account()
        .sign_in_chatgpt(&open)
        .await
        .expect_err("ports are busy");
    assert_eq!(err.code(), Some(ErrorCode::LoginPortBusy), "{err}");
    assert!(err.to_string().contains("device code"), "{err}");
    let state = engine.account().state();
    assert_eq!(state.auth, AccountAuth::SignedOut);
    assert_eq!(
        state.error.and_then(|e| e.code),
        Some(ErrorCode::LoginPortBusy)
    );
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_code_sign_in_shows_the_code_and_completes() {
    require_private_keychain();
    let env = TestEnv::needing_sign_in(hello()).await;
    let engine = env.engine();
    let mut account = AccountEvents::follow(&engine);
    let state = engine
        .account()
        .sign_in_device_code()
        .await
        .expect("device code");
    let Some(LoginProgress::DeviceCode {
        verification_url,
        user_code,
    }) = state.login
    else {
        panic!("no device code shown: {state:?}");
    };
    assert_eq!(user_code, "MOCK-1234");
    assert_eq!(
        verification_url,
        format!("{}/codex/device", env.mock.origin())
    );
    // The user opens the page on another device and approves; codex notices by polling.
    let page = codex_desk_test_support::browser::open(&verification_url)
        .await
        .expect("verification page");
    assert_eq!(page.status, 200);
    account
        .until(&engine, "signed in", signed_in_as_chatgpt)
        .await;

    let session = engine
        .create_session(&env.workspace().display().to_string())
        .expect("session");
    let mut events = Events::subscribe(&engine, &session.id).await;
    engine
        .send_prompt(&session.id, "via device")
        .await
        .expect("send");
    assert_eq!(events.turn_completed().await["status"], "completed");
    assert!(env.mock.requests().iter().all(|r| r.authorized));

    // The refresh token stops working elsewhere: the refused session asks to sign in, and the
    // account area says the sign-in ended.
    env.mock.issuer().invalidate_refresh_token();
    env.mock.issuer().expire_access_tokens();
    engine
        .send_prompt(&session.id, "after revocation")
        .await
        .expect("send");
    let message = sign_in_required(&mut events).await;
    assert!(message.contains("Sign in again"), "{message}");
    let state = account
        .until(&engine, "signed out", |s| s.auth == AccountAuth::SignedOut)
        .await;
    assert_eq!(
        state.error.and_then(|e| e.code),
        Some(ErrorCode::SignInRequired)
    );
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_api_key_is_refused_and_a_right_one_kept_for_every_session() {
    require_private_keychain();
    let env = TestEnv::needing_sign_in(hello()).await;
    env.mock.issuer().accept_api_key("sk-right-key");
    let engine = env.engine();
    let account_home = env.data_dir().join("account/codex-home");

    let err = engine
        .account()
        .save_api_key(Secret::new("sk-wrong-key"), true)
        .await
        .expect_err("wrong key");
    assert_eq!(err.code(), Some(ErrorCode::ApiKeyRejected), "{err}");
    assert!(err.to_string().contains("refused"), "{err}");
    assert_eq!(engine.account().state().auth, AccountAuth::SignedOut);
    assert!(!keychain::has_codex_credentials(&account_home).expect("keychain"));

    let state = engine
        .account()
        .save_api_key(Secret::new("  sk-right-key\n"), true)
        .await
        .expect("right key");
    assert_eq!(state.auth, AccountAuth::ApiKey);
    assert!(state.error.is_none());
    assert_eq!(
        env.mock.issuer().key_checks(),
        2,
        "both keys were checked with the provider"
    );
    assert!(keychain::has_codex_credentials(&account_home).expect("keychain"));

    let session = engine
        .create_session(&env.workspace().display().to_string())
        .expect("session");
    let mut events = Events::subscribe(&engine, &session.id).await;
    engine
        .send_prompt(&session.id, "with a key")
        .await
        .expect("send");
    assert_eq!(events.turn_completed().await["status"], "completed");
    let last = env.mock.requests().pop().expect("a model request");
    assert_eq!(last.bearer.as_deref(), Some("sk-right-key"));
    assert_contained(
        &env,
        &engine,
        &session.id,
        &mut events,
        &["sk-right-key", "sk-wrong-key"],
    )
    .await;

    // A new key replaces the old one in the session that is running, at once.
    env.mock.issuer().accept_api_key("sk-second-key");
    engine
        .account()
        .save_api_key(Secret::new("sk-second-key"), true)
        .await
        .expect("second key");
    engine
        .send_prompt(&session.id, "with the new key")
        .await
        .expect("send");
    assert_eq!(events.turn_completed().await["status"], "completed");
    let last = env.mock.requests().pop().expect("a model request");
    assert_eq!(last.bearer.as_deref(), Some("sk-second-key"));

    // A restart remembers the account without asking codex, then codex confirms it.
    engine.shutdown();
    let engine = env.engine();
    assert_eq!(engine.account().state().auth, AccountAuth::ApiKey);
    assert!(!engine.account().state().confirmed);
    assert_eq!(
        engine.account().confirm().await.expect("confirm").auth,
        AccountAuth::ApiKey
    );
    engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_consent_is_reported_and_nothing_is_stored() {
    require_private_keychain();
    let _port = sign_in_port().await;
    let env = TestEnv::needing_sign_in(hello()).await;
    env.mock.issuer().deny_consent(true);
    let engine = env.engine();
    let mut account = AccountEvents::follow(&engine);
    let (open, mut browser) = scripted_browser();
    engine
        .account()
        .sign_in_chatgpt(&open)
        .await
        .expect("sign-in starts");
    let _ = browser.recv().await;
    let state = account
        .until(&engine, "a sign-in error", |s| s.error.is_some())
        .await;
    let error = state.error.expect("error");
    assert_eq!(error.code, Some(ErrorCode::LoginFailed));
    assert!(error.message.contains("declined"), "{}", error.message);
    assert!(state.login.is_none());
    assert_eq!(state.auth, AccountAuth::SignedOut);
    assert!(
        !keychain::has_codex_credentials(&env.data_dir().join("account/codex-home"))
            .expect("keychain")
    );
    engine.shutdown();
}

const NO_KEYCHAIN_CHILD: &str = "account::without_a_keychain_sign_in_says_what_to_do";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_keychain_sign_in_says_what_to_do() {
    if !codex_desk_tests::keychain::is_child(NO_KEYCHAIN_CHILD) {
        // Run again with no desktop bus at all: the keychain is absent.
        let out = codex_desk_tests::keychain::run_child(
            NO_KEYCHAIN_CHILD,
            &[(
                "DBUS_SESSION_BUS_ADDRESS",
                Some("unix:path=/nonexistent/bus"),
            )],
        );
        assert!(out.contains("keychain-absent-checked"), "{out}");
        return;
    }
    let env = TestEnv::needing_sign_in(hello()).await;
    let engine = env.engine();
    let (open, _browser) = scripted_browser();
    let err = engine
        .account()
        .sign_in_chatgpt(&open)
        .await
        .expect_err("no keychain");
    assert_eq!(err.code(), Some(ErrorCode::KeychainUnavailable), "{err}");
    let text = err.to_string();
    assert!(text.contains("keychain is not available"), "{text}");
    assert!(
        text.contains("gnome-keyring") || text.contains("KWallet"),
        "{text}"
    );
    let err = engine
        .account()
        .save_api_key(Secret::new("sk-any"), false)
        .await
        .expect_err("no keychain");
    assert_eq!(err.code(), Some(ErrorCode::KeychainUnavailable), "{err}");
    assert_eq!(engine.account().state().auth, AccountAuth::SignedOut);
    engine.shutdown();
    eprintln!("keychain-absent-checked");
}

const LOCKED_KEYCHAIN_CHILD: &str =
    "account::a_locked_keychain_says_to_unlock_it_and_the_account_stays";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_keychain_says_to_unlock_it_and_the_account_stays() {
    if !codex_desk_tests::keychain::is_child(LOCKED_KEYCHAIN_CHILD) {
        // In a keychain of its own: locking it must not disturb the tests running beside it.
        let out = codex_desk_tests::keychain::run_child_in_own_keychain(LOCKED_KEYCHAIN_CHILD);
        assert!(out.contains("keychain-locked-checked"), "{out}");
        return;
    }
    require_private_keychain();
    let env = TestEnv::needing_sign_in(hello()).await;
    env.mock.issuer().accept_api_key("sk-first-key");
    env.mock.issuer().accept_api_key("sk-second-key");
    let engine = env.engine();
    engine
        .account()
        .save_api_key(Secret::new("sk-first-key"), true)
        .await
        .expect("an unlocked keychain keeps the key");

    codex_desk_tests::keychain::lock();
    let err = engine
        .account()
        .save_api_key(Secret::new("sk-second-key"), true)
        .await
        .expect_err("a locked keychain");
    assert_eq!(err.code(), Some(ErrorCode::KeychainUnavailable), "{err}");
    let text = err.to_string();
    assert!(text.contains("locked") && text.contains("Unlock"), "{text}");
    let state = engine.account().state();
    assert_eq!(
        state.auth,
        AccountAuth::ApiKey,
        "the account stays as it was"
    );
    assert_eq!(
        state.error.as_ref().map(|e| e.message.as_str()),
        Some(text.as_str()),
        "the account area says it too"
    );

    let (open, _browser) = scripted_browser();
    let err = engine
        .account()
        .sign_in_chatgpt(&open)
        .await
        .expect_err("a locked keychain");
    assert_eq!(err.code(), Some(ErrorCode::KeychainUnavailable), "{err}");
    assert!(err.to_string().contains("Unlock"), "{err}");
    assert!(engine.account().state().login.is_none(), "no sign-in waits");
    engine.shutdown();
    eprintln!("keychain-locked-checked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_tab_can_be_reopened_and_a_sign_in_cancelled() {
    require_private_keychain();
    let _port = sign_in_port().await;
    let env = TestEnv::needing_sign_in(hello()).await;
    let engine = env.engine();
    let mut account = AccountEvents::follow(&engine);

    // The user starts, then cancels: nothing stays waiting, nothing is reported as failed.
    let nowhere = |_: &str| -> Result<(), String> { Ok(()) };
    engine
        .account()
        .sign_in_chatgpt(&nowhere)
        .await
        .expect("start");
    let state = engine.account().cancel_sign_in().await.expect("cancel");
    assert!(state.login.is_none() && state.error.is_none(), "{state:?}");

    // The browser opens, but the user closes the tab; "Open the page again" brings it back.
    let state = engine
        .account()
        .sign_in_chatgpt(&nowhere)
        .await
        .expect("start again");
    assert!(matches!(state.login, Some(LoginProgress::Browser { .. })));
    let (open, mut browser) = scripted_browser();
    engine.account().reopen_sign_in_page(&open).expect("reopen");
    assert_eq!(
        browser
            .recv()
            .await
            .expect("opened")
            .expect("loaded")
            .status,
        200
    );
    let state = account
        .until(&engine, "signed in", signed_in_as_chatgpt)
        .await;
    assert!(state.error.is_none(), "{state:?}");

    // Signing out while another sign-in waits on the browser ends that one too: the page
    // finished later does not sign the app in again.
    let state = engine
        .account()
        .sign_in_chatgpt(&nowhere)
        .await
        .expect("start while signed in");
    let Some(LoginProgress::Browser { auth_url, .. }) = state.login else {
        panic!("{state:?}");
    };
    let state = engine.account().sign_out().await.expect("sign out");
    assert_eq!(state.auth, AccountAuth::SignedOut);
    let (open, mut browser) = scripted_browser();
    open(&auth_url).expect("open");
    let page = browser.recv().await.expect("the page's end");
    assert!(
        page.as_ref().map_or(true, |p| p.status != 200),
        "the sign-in page still finished: {:?}",
        page.map(|p| p.status)
    );
    let state = engine.account().confirm().await.expect("confirm");
    assert_eq!(state.auth, AccountAuth::SignedOut, "{state:?}");
    assert!(state.login.is_none() && state.error.is_none(), "{state:?}");

    // A browser that cannot be opened leaves the link to copy.
    let failing = |_: &str| -> Result<(), String> { Err("no browser installed".into()) };
    let state = engine
        .account()
        .sign_in_chatgpt(&failing)
        .await
        .expect("start");
    let Some(LoginProgress::Browser {
        open_error,
        auth_url,
    }) = state.login
    else {
        panic!("{state:?}");
    };
    assert_eq!(open_error.as_deref(), Some("no browser installed"));
    assert!(auth_url.contains("/oauth/authorize"));
    engine.account().cancel_sign_in().await.expect("cancel");
    engine.shutdown();
}

/// Takes `port` on loopback, waiting (bounded) for a codex another test just killed to let go.
fn hold_port(port: u16) -> std::net::TcpListener {
    let deadline = std::time::Instant::now() + codex_desk_tests::WAIT;
    loop {
        match std::net::TcpListener::bind(("127.0.0.1", port)) {
            Ok(listener) => return listener,
            Err(e) if std::time::Instant::now() < deadline => {
                tracing::debug!(port, error = %e, "port still taken");
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(e) => panic!("port {port} stays taken: {e}"),
        }
    }
}
