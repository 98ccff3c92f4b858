//! How the webview draws, chosen before anything else starts (Linux only).
//!
//! WebKitGTK composites the page through OpenGL. Without a GPU (a VM, a remote desktop, a
//! headless server under Xvfb) that OpenGL is Mesa's software rasterizer, and compositing through
//! it costs the web process about three times the CPU of plain drawing: on the project's 2-core
//! machine a streamed answer's frames took 135–391 ms (95th percentile) composited and 46–64 ms
//! not, scrolling 70 ms and 18 ms. So where the machine has no GPU render node, compositing is
//! turned off. With a GPU, WebKit's default stays. The user's own `WEBKIT_DISABLE_COMPOSITING_MODE`
//! or `WEBKIT_FORCE_COMPOSITING_MODE` always wins.

/// Set once `choose` turned compositing off itself.
static SET_BY_APP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The variable `choose` set for the window (not the user), which other programs the app starts
/// should not inherit.
pub fn set_by_app() -> Option<&'static str> {
    SET_BY_APP
        .load(std::sync::atomic::Ordering::Relaxed)
        .then_some("WEBKIT_DISABLE_COMPOSITING_MODE")
}

/// What was decided, for the log once logging runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendering {
    /// WebKit's own choice (a GPU is there, or not Linux).
    Default,
    /// The user set WebKit's variables; left as they are.
    UserChoice,
    /// No GPU: compositing is off.
    NoCompositing,
}

/// Chooses how the webview draws. Call first thing, before any thread starts (it may set
/// an environment variable the web process inherits).
#[cfg(target_os = "linux")]
pub fn choose() -> Rendering {
    const OFF: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    const ON: &str = "WEBKIT_FORCE_COMPOSITING_MODE";
    if std::env::var_os(OFF).is_some() || std::env::var_os(ON).is_some() {
        return Rendering::UserChoice;
    }
    if has_render_node(std::path::Path::new("/dev/dri")) {
        return Rendering::Default;
    }
    // Single-threaded still: nothing reads the environment concurrently.
    std::env::set_var(OFF, "1");
    SET_BY_APP.store(true, std::sync::atomic::Ordering::Relaxed);
    Rendering::NoCompositing
}

#[cfg(not(target_os = "linux"))]
pub fn choose() -> Rendering {
    Rendering::Default
}

/// Whether `dri` (normally `/dev/dri`) holds a GPU render node (`renderD128`, ...) this user
/// may open: one without permission (not in the `render` group) is no GPU for WebKit either.
#[cfg(target_os = "linux")]
fn has_render_node(dri: &std::path::Path) -> bool {
    std::fs::read_dir(dri).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            e.file_name().to_string_lossy().starts_with("renderD")
                && std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open(e.path())
                    .is_ok()
        })
    })
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn a_render_node_means_a_gpu() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert!(!has_render_node(&dir.path().join("missing")));
        assert!(!has_render_node(dir.path()));
        std::fs::write(dir.path().join("card0"), "").expect("card0");
        assert!(
            !has_render_node(dir.path()),
            "a display-only card is no GPU to render with"
        );
        let node = dir.path().join("renderD128");
        std::fs::write(&node, "").expect("render node");
        assert!(has_render_node(dir.path()));
        // One this user cannot open (as root, permissions do not stop it: skipped then).
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&node, std::fs::Permissions::from_mode(0o000)).expect("chmod");
        if std::fs::OpenOptions::new().read(true).open(&node).is_err() {
            assert!(
                !has_render_node(dir.path()),
                "a node this user may not open"
            );
        }
    }
}
