//! The Tauri shell: plugins, state, commands and exit clean-up. All logic lives in
//! `codex-desk-core`; commands here only translate.

mod commands;
mod fatal;
mod logging;
mod relay;

use std::path::PathBuf;
use std::time::Duration;

use codex_desk_core::{CoreError, Engine, EngineConfig};
use codex_desk_protocol::{ErrorCode, ErrorPayload};
use tauri::{Emitter, Manager, RunEvent, Runtime};

/// The global events the UI follows: the account area, and whether saving works.
const ACCOUNT_CHANGED: &str = "account-changed";
const STORAGE_CHANGED: &str = "storage-changed";

/// How long quitting waits for running turns to stop and be recorded.
const QUIT_WAIT: Duration = Duration::from_secs(3);

/// How start-up went; always managed, so the window can say why it cannot work.
pub struct Startup {
    pub problem: Option<ErrorPayload>,
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
}

pub fn run() {
    // Before any thread starts: it may set a variable the web process inherits.
    let rendering = codex_desk_core::rendering::choose();
    let log = logging::init(&codex_desk_core::paths::AppPaths::from_env().app_log_dir());
    tracing::info!(?rendering, "how the webview draws");
    fatal::log_panics();
    let builder = tauri::Builder::default();
    // The toolkit panics when it cannot start (no display); that is the user's to know, not a
    // backtrace's.
    let cause = match fatal::catching(|| build(builder)) {
        Ok(Ok(app)) => {
            run_app(app);
            drop(log);
            return;
        }
        Ok(Err(e)) => e.to_string(),
        Err(panic) => panic,
    };
    fatal::tell(&fatal::window_failed(&cause));
    // `exit` runs no destructors: the log's writer thread gets to write the reason first.
    drop(log);
    std::process::exit(1);
}

fn build<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Result<tauri::App<R>> {
    let mut context = tauri::generate_context!();
    // One window per data folder: another data folder is another instance.
    if let Some(tag) = codex_desk_core::paths::AppPaths::from_env().instance_tag() {
        let identifier = &mut context.config_mut().identifier;
        identifier.push('.');
        identifier.push_str(&tag);
    }
    builder
        // First: a second launch on the same data folder only brings this window forward.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(navigation_guard())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .setup(|app| {
            let config = EngineConfig::from_env();
            let data_dir = config.paths.data_dir().to_path_buf();
            let log_dir = config.paths.app_log_dir();
            match Engine::open(config) {
                Ok(engine) => {
                    tracing::info!(data_dir = %data_dir.display(), "engine ready");
                    follow(app.handle(), &engine);
                    signals::quit_on_termination(app.handle().clone());
                    app.manage(engine);
                    app.manage(Startup {
                        problem: None,
                        data_dir,
                        log_dir,
                    });
                }
                Err(e) => {
                    // The window still opens: it says what is wrong, where, and what to do.
                    tracing::error!(error = %e, data_dir = %data_dir.display(), "Codex Desk could not start");
                    app.manage(Startup {
                        problem: Some(startup_problem(&e, &data_dir)),
                        data_dir,
                        log_dir,
                    });
                }
            }
            Ok(())
        })
        .invoke_handler(commands::handler())
        .build(context)
}

fn run_app<R: Runtime>(app: tauri::App<R>) {
    app.run(|handle, event| {
        if let RunEvent::Exit = event {
            // A launch while this one quits starts afresh (and waits for the data folder)
            // instead of handing its arguments to a window that is going away.
            tauri_plugin_single_instance::destroy(handle);
            if let Some(engine) = handle.try_state::<Engine>() {
                tauri::async_runtime::block_on(engine.shutdown_gracefully(QUIT_WAIT));
            }
        }
    });
}

/// The window stays on the app: any navigation elsewhere (a link, a form, a script the renderer
/// missed) is refused. Links reach the system browser only through `open_link`.
fn navigation_guard<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri::plugin::Builder::new("navigation-guard")
        .on_navigation(|_webview, url| {
            let app = matches!(url.scheme(), "tauri" | "asset")
                || (matches!(url.scheme(), "http" | "https")
                    && url.host_str() == Some("tauri.localhost"))
                || (cfg!(debug_assertions)
                    && url.scheme() == "http"
                    && url.host_str() == Some("localhost")
                    && url.port() == Some(1420));
            if !app {
                tracing::warn!(url = %url, "refused to navigate the window away from the app");
            }
            app
        })
        .build()
}

/// The core's changes the window hears about as global events.
fn follow<R: Runtime>(app: &tauri::AppHandle<R>, engine: &Engine) {
    let handle = app.clone();
    engine.account().on_change(move |state| {
        if let Err(e) = handle.emit(ACCOUNT_CHANGED, state) {
            tracing::debug!(error = %e, "could not tell the window about the account");
        }
    });
    let handle = app.clone();
    engine.on_storage(move |health| {
        if let Err(e) = handle.emit(STORAGE_CHANGED, health) {
            tracing::debug!(error = %e, "could not tell the window about storage");
        }
    });
}

fn startup_problem(e: &CoreError, data_dir: &std::path::Path) -> ErrorPayload {
    let mut detail = format!("{e}\n\nData folder: {}", data_dir.display());
    if let Some(more) = e.to_payload().detail {
        detail.push_str(&format!("\n{more}"));
    }
    detail.push_str(&format!(
        "\nCodex Desk {} on {} {}",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    ));
    ErrorPayload {
        code: Some(ErrorCode::StartupFailed),
        message: e.to_string(),
        detail: Some(detail),
    }
}

/// A termination signal quits like closing the window: turns are interrupted and recorded.
#[cfg(unix)]
mod signals {
    use tauri::{AppHandle, Runtime};
    use tokio::signal::unix::{signal, SignalKind};

    pub fn quit_on_termination<R: Runtime>(app: AppHandle<R>) {
        tauri::async_runtime::spawn(async move {
            let (Ok(mut term), Ok(mut int), Ok(mut hup)) = (
                signal(SignalKind::terminate()),
                signal(SignalKind::interrupt()),
                signal(SignalKind::hangup()),
            ) else {
                tracing::warn!(
                    "termination signals cannot be caught; quitting by signal skips the clean exit"
                );
                return;
            };
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
                _ = hup.recv() => {}
            }
            tracing::info!("termination signal: quitting cleanly");
            app.exit(0);
        });
    }
}

#[cfg(not(unix))]
mod signals {
    /// Windows sends no signals to a windowed app: closing it goes through the exit event.
    pub fn quit_on_termination<R: tauri::Runtime>(_app: tauri::AppHandle<R>) {}
}
