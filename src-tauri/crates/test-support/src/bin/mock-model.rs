//! `mock-model [--port N] [--codex-home DIR] [--require-sign-in]`: runs the keyword-scripted
//! mock of the OpenAI services on 127.0.0.1 (Responses API, OAuth issuer, account check),
//! optionally writes a codex home pointing at it, prints `PORT=<port>` and serves until killed.
//! With `--require-sign-in` the provider uses the signed-in account and the model answers 401
//! to anything but a token the mock issued (or an API key it accepts: `sk-mock-valid`).
//! Used by the end-to-end test and to try the app offline.

use std::path::PathBuf;

use codex_desk_test_support::{scenarios, write_codex_home, MockModel, ModelAuth};

/// The API key the mock accepts when sign-in is required.
const VALID_KEY: &str = "sk-mock-valid";

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let mut port = 0u16;
    let mut codex_home: Option<PathBuf> = None;
    let mut auth = ModelAuth::None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => port = args.next().and_then(|p| p.parse().ok()).unwrap_or(0),
            "--codex-home" => codex_home = args.next().map(PathBuf::from),
            "--require-sign-in" => auth = ModelAuth::OpenAi,
            other => {
                eprintln!("mock-model: unknown argument {other}");
                std::process::exit(2);
            }
        }
    }
    let mock = MockModel::start_on(port, scenarios::by_keyword()).await?;
    if auth == ModelAuth::OpenAi {
        mock.require_auth();
        mock.issuer().accept_api_key(VALID_KEY);
    }
    if let Some(dir) = codex_home {
        write_codex_home(&dir, &mock.origin(), auth)?;
    }
    #[allow(clippy::print_stdout)]
    {
        println!("PORT={}", mock.port());
    }
    std::future::pending::<()>().await;
    Ok(())
}
