//! The real keychain in tests: gnome-keyring's Secret Service on a private D-Bus session that
//! `scripts/with-test-keychain.sh` starts (the test command runs every Rust test inside it).
//! Tests never touch the keychain of the person running them.

/// Set by `scripts/with-test-keychain.sh` once its private keychain is unlocked.
pub const MARKER: &str = "CODEX_DESK_TEST_KEYCHAIN";

/// Fails the test unless it runs against the private test keychain.
pub fn require_private_keychain() {
    assert_eq!(
        std::env::var(MARKER).as_deref(),
        Ok("1"),
        "this test stores secrets in the system keychain: run it through `npm test` or \
         `bash scripts/with-test-keychain.sh cargo test`, which give it a private, throw-away \
         keychain instead of yours"
    );
}

/// Runs this test binary again as a child, with `test` as the only test and `env` changed (for
/// a keychain that is absent). Returns the child's output; it must have passed.
pub fn run_child(test: &str, env: &[(&str, Option<&str>)]) -> String {
    let exe = std::env::current_exe().expect("test binary");
    let mut cmd = std::process::Command::new(exe);
    for (key, value) in env {
        match value {
            Some(v) => cmd.env(key, v),
            None => cmd.env_remove(key),
        };
    }
    finish_child(cmd, test)
}

/// Runs this test binary again as a child with `test` as the only test, inside a private
/// keychain of its own (for a test that locks it: the tests beside it keep theirs unlocked).
pub fn run_child_in_own_keychain(test: &str) -> String {
    let exe = std::env::current_exe().expect("test binary");
    let mut cmd = std::process::Command::new("bash");
    cmd.arg(crate::repo_root().join("scripts/with-test-keychain.sh"))
        .arg(exe);
    finish_child(cmd, test)
}

/// Adds the arguments that run only `test`, runs `cmd`, and checks the child test passed.
fn finish_child(mut cmd: std::process::Command, test: &str) -> String {
    let out = cmd
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env("CODEX_DESK_TEST_CHILD", test)
        .output()
        .expect("run the test binary");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "the child test failed:\n{text}");
    assert!(
        text.contains("1 passed"),
        "the child test did not run:\n{text}"
    );
    text
}

/// Locks the private keychain's collection, as the desktop does when the screen locks or after
/// a timeout (gnome-keyring's Secret Service `Lock`).
pub fn lock() {
    require_private_keychain();
    let out = std::process::Command::new("dbus-send")
        .args([
            "--session",
            "--dest=org.freedesktop.secrets",
            "--type=method_call",
            "--print-reply",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            "array:objpath:/org/freedesktop/secrets/collection/login",
        ])
        .output()
        .expect("dbus-send (package dbus-bin)");
    let reply = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && reply.contains("/org/freedesktop/secrets/collection/login"),
        "the keychain did not lock: {reply}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// True inside a child started by [`run_child`] for `test`.
pub fn is_child(test: &str) -> bool {
    std::env::var("CODEX_DESK_TEST_CHILD").as_deref() == Ok(test)
}
