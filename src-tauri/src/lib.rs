//! The Tauri shell: plugins, state, commands and exit clean-up. All logic lives in
//! `codex-desk-core`; commands here only translate.

mod commands;
mod relay;

use codex_desk_core::{Engine, EngineConfig};
use tauri::{Emitter, Manager, RunEvent, Runtime};

/// The global event the UI follows for the account area.
const ACCOUNT_CHANGED: &str = "account-changed";

pub fn run() {
    init_tracing();
    let builder = tauri::Builder::default();
    if let Err(e) = run_app(builder) {
        tracing::error!(error = %e, "Codex Desk could not start");
        eprintln!("Codex Desk could not start: {e}");
        std::process::exit(1);
    }
}

fn run_app<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Result<()> {
    let app = builder
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .setup(|app| {
            let engine = Engine::open(EngineConfig::from_env())?;
            tracing::info!(data_dir = %engine.paths().data_dir().display(), "engine ready");
            let handle = app.handle().clone();
            engine.account().on_change(move |state| {
                if let Err(e) = handle.emit(ACCOUNT_CHANGED, state) {
                    tracing::debug!(error = %e, "could not tell the window about the account");
                }
            });
            app.manage(engine);
            Ok(())
        })
        .invoke_handler(commands::handler())
        .build(tauri::generate_context!())?;
    app.run(|handle, event| {
        if let RunEvent::Exit = event {
            if let Some(engine) = handle.try_state::<Engine>() {
                engine.shutdown();
            }
        }
    });
    Ok(())
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CODEX_DESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
