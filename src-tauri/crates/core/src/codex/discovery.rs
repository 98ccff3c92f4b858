//! Finding the codex binary: an explicit setting, then `CODEX_DESK_CODEX`, then `PATH` and the
//! usual install places. An npm wrapper script is resolved to the native binary it would start
//! (spawning the Node wrapper costs ~44 MB per session), and the version is checked.

use std::path::{Path, PathBuf};
use std::process::Command;

use codex_desk_protocol::CodexInfo;

use crate::error::{CoreError, Result};

/// The oldest codex whose app-server protocol this app speaks.
pub const MIN_CODEX_VERSION: semver::Version = semver::Version::new(0, 169, 0);

/// Environment variable naming the codex binary to use.
pub const CODEX_PATH_ENV: &str = "CODEX_DESK_CODEX";

/// A usable native codex binary.
#[derive(Debug, Clone)]
pub struct CodexBinary {
    pub path: PathBuf,
    pub version: semver::Version,
}

impl CodexBinary {
    pub fn info(&self) -> CodexInfo {
        CodexInfo {
            path: self.path.display().to_string(),
            version: self.version.to_string(),
        }
    }
}

/// Finds a usable codex. `explicit` (the app setting) wins, then the environment variable;
/// either one failing is an error rather than a silent fall-back to another codex.
pub fn locate(explicit: Option<&Path>) -> Result<CodexBinary> {
    let chosen = explicit.map(Path::to_path_buf).or_else(from_env);
    if let Some(path) = chosen {
        return check(&path);
    }
    let candidates = candidates();
    let mut too_old = None;
    for candidate in &candidates {
        if !candidate.is_file() {
            continue;
        }
        match check(candidate) {
            Ok(found) => return Ok(found),
            Err(e @ CoreError::CodexTooOld { .. }) => {
                too_old.get_or_insert(e);
            }
            Err(e) => {
                tracing::debug!(path = %candidate.display(), error = %e, "codex candidate unusable")
            }
        }
    }
    Err(too_old.unwrap_or(CoreError::CodexNotFound {
        searched: candidates,
    }))
}

/// The codex binary `CODEX_DESK_CODEX` names, when set.
pub fn from_env() -> Option<PathBuf> {
    std::env::var_os(CODEX_PATH_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Resolves `path` to a native binary (through an npm wrapper, which would cost a Node process
/// per session) and checks its version. Any other wrapper the user wrote (a shell script that
/// sets something up and runs codex) is used as it is: what works in a terminal works here.
pub fn check(path: &Path) -> Result<CodexBinary> {
    if !path.is_file() {
        return Err(CoreError::CodexUnusable {
            path: path.to_path_buf(),
            reason: "no such file".into(),
        });
    }
    let program = resolve_native(path)
        .unwrap_or_else(|| std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()));
    let version = supported(read_version(&program)?)?;
    Ok(CodexBinary {
        path: program,
        version,
    })
}

/// Passes versions this app can drive; older ones are an error saying what to do.
fn supported(version: semver::Version) -> Result<semver::Version> {
    if version < MIN_CODEX_VERSION {
        return Err(CoreError::CodexTooOld {
            found: version.to_string(),
            required: MIN_CODEX_VERSION.to_string(),
        });
    }
    Ok(version)
}

fn read_version(native: &Path) -> Result<semver::Version> {
    let unusable = |reason: String| CoreError::CodexUnusable {
        path: native.to_path_buf(),
        reason,
    };
    let out = run_bounded(native, VERSION_WAIT)
        .map_err(|e| unusable(format!("it could not be started ({e})")))?
        .ok_or_else(|| {
            unusable(format!(
                "`codex --version` did not answer within {} seconds (a wrapper script that waits for something?)",
                VERSION_WAIT.as_secs()
            ))
        })?;
    if !out.status.success() {
        return Err(unusable(format!(
            "`codex --version` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    parse_version(&String::from_utf8_lossy(&out.stdout)).ok_or_else(|| {
        unusable(format!(
            "unexpected `codex --version` output: {}",
            String::from_utf8_lossy(&out.stdout).trim()
        ))
    })
}

/// How long `codex --version` may take.
const VERSION_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Runs `program --version` with its output in files, not pipes, so something it leaves running
/// in the background cannot keep the app waiting; `None` when it does not end in `wait`.
fn run_bounded(
    program: &Path,
    wait: std::time::Duration,
) -> std::io::Result<Option<std::process::Output>> {
    let stdout = tempfile::tempfile()?;
    let stderr = tempfile::tempfile()?;
    let mut child = Command::new(program)
        .arg("--version")
        .stdin(std::process::Stdio::null())
        .stdout(stdout.try_clone()?)
        .stderr(stderr.try_clone()?)
        .spawn()?;
    let deadline = std::time::Instant::now() + wait;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if std::time::Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    let read = |mut file: std::fs::File| -> std::io::Result<Vec<u8>> {
        use std::io::{Read, Seek};
        let mut bytes = Vec::new();
        file.rewind()?;
        file.take(64 * 1024).read_to_end(&mut bytes)?;
        Ok(bytes)
    };
    Ok(Some(std::process::Output {
        status,
        stdout: read(stdout)?,
        stderr: read(stderr)?,
    }))
}

/// `codex-cli 0.169.0` → 0.169.0
pub fn parse_version(text: &str) -> Option<semver::Version> {
    text.split_whitespace()
        .rev()
        .find_map(|word| semver::Version::parse(word.trim_start_matches('v')).ok())
}

/// Follows links; a native executable is returned as it is, an npm wrapper (`codex.js`, a
/// `.cmd`/`.ps1` shim) is mapped to the vendor binary of its platform package.
pub fn resolve_native(path: &Path) -> Option<PathBuf> {
    let real = std::fs::canonicalize(path).ok()?;
    if is_native_executable(&real) {
        return Some(real);
    }
    package_dirs(path, &real)
        .into_iter()
        .flat_map(|pkg| vendor_candidates(&pkg))
        .find(|p| p.is_file())
}

fn is_native_executable(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    if std::io::Read::read_exact(&mut f, &mut magic).is_err() {
        return false;
    }
    matches!(
        magic,
        [0x7f, b'E', b'L', b'F']
            | [0xcf, 0xfa, 0xed, 0xfe]
            | [0xfe, 0xed, 0xfa, 0xcf]
            | [0xca, 0xfe, 0xba, 0xbe]
            | [b'M', b'Z', _, _]
    )
}

/// Folders that may be the `@openai/codex` npm package behind a wrapper.
fn package_dirs(link: &Path, real: &Path) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    // node_modules/@openai/codex/bin/codex.js
    if let Some(pkg) = real.parent().and_then(Path::parent) {
        dirs.push(pkg.to_path_buf());
    }
    // <prefix>/codex.cmd or <prefix>/bin/codex shims next to <prefix>/node_modules
    if let Some(dir) = link.parent() {
        dirs.push(dir.join("node_modules/@openai/codex"));
        if let Some(prefix) = dir.parent() {
            dirs.push(prefix.join("lib/node_modules/@openai/codex"));
            dirs.push(prefix.join("node_modules/@openai/codex"));
        }
    }
    dirs
}

fn vendor_candidates(pkg: &Path) -> Vec<PathBuf> {
    let Some((platform_pkg, triple)) = platform_package() else {
        return Vec::new();
    };
    let exe = if cfg!(windows) { "codex.exe" } else { "codex" };
    let mut out = vec![
        pkg.join("node_modules/@openai")
            .join(platform_pkg)
            .join("vendor")
            .join(triple)
            .join("bin")
            .join(exe),
        pkg.join("vendor").join(triple).join("bin").join(exe),
        pkg.join("vendor").join(triple).join("codex").join(exe),
    ];
    if let Some(scope) = pkg.parent() {
        out.insert(
            1,
            scope
                .join(platform_pkg)
                .join("vendor")
                .join(triple)
                .join("bin")
                .join(exe),
        );
    }
    out
}

/// The npm platform package and Rust target triple codex ships for this machine.
fn platform_package() -> Option<(&'static str, &'static str)> {
    let pair = match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => ("codex-linux-x64", "x86_64-unknown-linux-musl"),
        ("linux", "aarch64") => ("codex-linux-arm64", "aarch64-unknown-linux-musl"),
        ("macos", "x86_64") => ("codex-darwin-x64", "x86_64-apple-darwin"),
        ("macos", "aarch64") => ("codex-darwin-arm64", "aarch64-apple-darwin"),
        ("windows", "x86_64") => ("codex-win32-x64", "x86_64-pc-windows-msvc"),
        ("windows", "aarch64") => ("codex-win32-arm64", "aarch64-pc-windows-msvc"),
        _ => return None,
    };
    Some(pair)
}

/// Where codex is usually installed, in the order they are tried.
fn candidates() -> Vec<PathBuf> {
    let names: &[&str] = if cfg!(windows) {
        &["codex.exe", "codex.cmd", "codex"]
    } else {
        &["codex"]
    };
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(home) = dirs::home_dir() {
        for rel in [
            ".npm-global/bin",
            ".local/bin",
            ".volta/bin",
            ".bun/bin",
            "AppData/Roaming/npm",
        ] {
            dirs.push(home.join(rel));
        }
    }
    for abs in ["/opt/homebrew/bin", "/usr/local/bin", "/usr/bin"] {
        dirs.push(PathBuf::from(abs));
    }
    // In development the project's own pinned codex (npm workspaces put it at the root).
    if cfg!(debug_assertions) {
        dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../node_modules/.bin"));
    }
    if let Ok(cwd) = std::env::current_dir() {
        dirs.push(cwd.join("node_modules/.bin"));
    }
    let mut out = Vec::new();
    for dir in dirs {
        for name in names {
            let p = dir.join(name);
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codex_version_lines() {
        assert_eq!(
            parse_version("codex-cli 0.169.0\n"),
            Some(semver::Version::new(0, 169, 0))
        );
        assert_eq!(
            parse_version("codex v1.2.3"),
            Some(semver::Version::new(1, 2, 3))
        );
        assert_eq!(parse_version("garbage"), None);
    }

    #[test]
    fn explicit_missing_path_is_a_clear_error() {
        let err = locate(Some(Path::new("/nonexistent/codex"))).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/codex"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_wrapper_script_of_the_users_own_is_used_as_it_is() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let script = dir.path().join("codex");
        std::fs::write(
            &script,
            "#!/bin/sh\n# sets up a proxy, then runs codex\nexport HTTPS_PROXY=http://proxy:8080\necho \"codex-cli 0.169.0\"\n",
        )
        .expect("write");
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let found = check(&script).expect("a working wrapper is accepted");
        assert_eq!(found.path, std::fs::canonicalize(&script).expect("canon"));
        assert_eq!(found.version, semver::Version::new(0, 169, 0));
    }

    #[cfg(unix)]
    #[test]
    fn a_wrapper_that_leaves_something_running_or_hangs_never_keeps_the_app_waiting() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let script = dir.path().join("codex");
        let write = |body: &str| {
            std::fs::write(&script, body).expect("write");
            std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
                .expect("chmod");
        };
        // Starts a helper in the background (which keeps its stdout), then answers.
        write("#!/bin/sh\nsleep 30 &\necho \"codex-cli 0.169.0\"\n");
        let started = std::time::Instant::now();
        let found = check(&script).expect("accepted");
        assert_eq!(found.version, semver::Version::new(0, 169, 0));
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        // Never answers.
        write("#!/bin/sh\nexec sleep 30\n");
        let out = run_bounded(&script, std::time::Duration::from_millis(300)).expect("ran");
        assert!(out.is_none(), "it was given up on");
    }

    #[cfg(unix)]
    #[test]
    fn wrapper_script_resolves_to_vendor_binary() {
        let Some((platform_pkg, triple)) = platform_package() else {
            return;
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let scope = dir.path().join("node_modules/@openai");
        let wrapper = scope.join("codex/bin/codex.js");
        std::fs::create_dir_all(wrapper.parent().expect("parent")).expect("mkdir");
        std::fs::write(&wrapper, "#!/usr/bin/env node\n").expect("write");
        let native = scope
            .join(platform_pkg)
            .join("vendor")
            .join(triple)
            .join("bin/codex");
        std::fs::create_dir_all(native.parent().expect("parent")).expect("mkdir");
        std::fs::write(&native, b"\x7fELF....").expect("write");
        let bin_dir = dir.path().join("node_modules/.bin");
        std::fs::create_dir_all(&bin_dir).expect("mkdir");
        std::os::unix::fs::symlink("../@openai/codex/bin/codex.js", bin_dir.join("codex"))
            .expect("link");
        let resolved = resolve_native(&bin_dir.join("codex")).expect("resolved");
        assert_eq!(resolved, std::fs::canonicalize(native).expect("canon"));
    }

    #[cfg(unix)]
    #[test]
    fn too_old_codex_is_rejected_with_the_versions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let script = dir.path().join("codex");
        std::fs::write(&script, "#!/bin/sh\necho codex-cli 0.120.0\n").expect("write");
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let err = supported(read_version(&script).expect("runs")).unwrap_err();
        assert_eq!(
            err.code(),
            Some(codex_desk_protocol::ErrorCode::CodexTooOld)
        );
        assert_eq!(err.to_string(), "Codex 0.120.0 is too old: Codex Desk needs 0.169.0 or newer. Update it with `npm i -g @openai/codex@latest`.");
        assert!(supported(semver::Version::new(0, 170, 1)).is_ok());
    }
}
