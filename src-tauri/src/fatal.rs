//! When Codex Desk cannot open its window at all (no graphical display, no WebView2, a broken
//! WebKitGTK), the user still learns why and what to do: in the log file, on stderr, and in a
//! native message box where the system can show one. Bugs that panic are logged too.

use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;
use std::thread::ThreadId;

/// The thread running [`catching`]: a panic there is the caller's to report (the toolkit failing
/// to start). Panics on other threads are logged as usual.
static REPORTED_BY_CALLER: Mutex<Option<ThreadId>> = Mutex::new(None);

fn reported_by_caller() -> bool {
    let current = std::thread::current().id();
    *REPORTED_BY_CALLER.lock().unwrap_or_else(|p| p.into_inner()) == Some(current)
}

fn set_reported_by_caller(thread: Option<ThreadId>) {
    *REPORTED_BY_CALLER.lock().unwrap_or_else(|p| p.into_inner()) = thread;
}

/// Panics reach the log file (a double-clicked app has no terminal), then stderr as usual.
pub fn log_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if reported_by_caller() {
            return;
        }
        tracing::error!(panic = %info, "Codex Desk hit a bug");
        previous(info);
    }));
}

/// Runs `f`; a panic in it comes back as its words, for the caller to explain.
pub fn catching<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    set_reported_by_caller(Some(std::thread::current().id()));
    let outcome = catch_unwind(AssertUnwindSafe(f));
    set_reported_by_caller(None);
    outcome.map_err(|payload| panic_words(payload.as_ref()))
}

/// What to tell the user when the window could not be made; `cause` is the toolkit's words.
pub fn window_failed(cause: &str) -> String {
    let mut message = String::from("Codex Desk could not open its window. ");
    message.push_str(&platform::advice(cause));
    let _ = write!(
        message,
        "\n\nDetails: {cause}\nCodex Desk {} on {} {}",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    message
}

/// Tells the user, everywhere it can, that Codex Desk cannot go on (the log goes to stderr and
/// the log file).
pub fn tell(message: &str) {
    tracing::error!("{message}");
    platform::message_box("Codex Desk could not start", message);
}

/// The words of a panic payload.
fn panic_words(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "an unknown error".into())
}

#[cfg(all(unix, not(target_os = "macos")))]
mod platform {
    use std::process::Command;

    pub fn advice(cause: &str) -> String {
        let display = ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()));
        if !display {
            return "No graphical display was found (neither DISPLAY nor WAYLAND_DISPLAY is set). Start Codex Desk from your desktop session, or over SSH with X forwarding (ssh -X).".into();
        }
        if cause.contains("GTK") || cause.contains("gtk") {
            return "The display could not be used. Check that you can open other windows from this session (DISPLAY or WAYLAND_DISPLAY point at a running display).".into();
        }
        "Check that WebKitGTK 4.1 is installed (Debian/Ubuntu: sudo apt install libwebkit2gtk-4.1-0).".into()
    }

    /// zenity or kdialog, when there is a display to show them on.
    pub fn message_box(title: &str, message: &str) {
        if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
            return;
        }
        let tried = [
            (
                "zenity",
                vec![
                    "--error",
                    "--no-markup",
                    "--title",
                    title,
                    "--text",
                    message,
                ],
            ),
            ("kdialog", vec!["--title", title, "--error", message]),
        ];
        for (program, args) in tried {
            if Command::new(program).args(&args).status().is_ok() {
                return;
            }
        }
    }
}

#[cfg(target_os = "macos")]
mod platform {
    use std::process::Command;

    pub fn advice(_cause: &str) -> String {
        "Restart your Mac and try again; if it keeps happening, send the details below.".into()
    }

    /// An alert through osascript (AppleScript), the text passed as an argument, not as code.
    pub fn message_box(title: &str, message: &str) {
        let script = "on run argv\ndisplay alert (item 1 of argv) message (item 2 of argv) as critical\nend run";
        let _ = Command::new("osascript")
            .args(["-e", script, title, message])
            .status();
    }
}

#[cfg(windows)]
mod platform {
    use windows::core::HSTRING;
    use windows::Win32::UI::WindowsAndMessaging::{MessageBoxW, MB_ICONERROR, MB_OK};

    pub fn advice(cause: &str) -> String {
        if cause.to_ascii_lowercase().contains("webview2") {
            return "It needs the Microsoft Edge WebView2 Runtime: install it from https://developer.microsoft.com/microsoft-edge/webview2/ and start Codex Desk again.".into();
        }
        "Check that the Microsoft Edge WebView2 Runtime is installed (https://developer.microsoft.com/microsoft-edge/webview2/), then start Codex Desk again.".into()
    }

    pub fn message_box(title: &str, message: &str) {
        #[allow(unsafe_code)]
        // SAFETY: no owner window; both strings outlive the call.
        unsafe {
            MessageBoxW(
                None,
                &HSTRING::from(message),
                &HSTRING::from(title),
                MB_OK | MB_ICONERROR,
            );
        }
    }
}
