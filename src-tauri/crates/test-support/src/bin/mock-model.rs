//! `mock-model [--port N] [--codex-home DIR]`: runs the keyword-scripted mock Responses API on
//! 127.0.0.1, optionally writes a codex home pointing at it, prints `PORT=<port>` and serves
//! until killed. Used by the end-to-end test and to try the app offline.

use std::path::PathBuf;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let mut port = 0u16;
    let mut codex_home: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => port = args.next().and_then(|p| p.parse().ok()).unwrap_or(0),
            "--codex-home" => codex_home = args.next().map(PathBuf::from),
            other => {
                eprintln!("mock-model: unknown argument {other}");
                std::process::exit(2);
            }
        }
    }
    let mock = codex_desk_test_support::MockModel::start_on(
        port,
        codex_desk_test_support::scenarios::by_keyword(),
    )
    .await?;
    if let Some(dir) = codex_home {
        codex_desk_test_support::write_codex_home(&dir, &mock.base_url())?;
    }
    #[allow(clippy::print_stdout)]
    {
        println!("PORT={}", mock.port());
    }
    std::future::pending::<()>().await;
    Ok(())
}
