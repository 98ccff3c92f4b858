//! Proof that secrets stay where they belong: nowhere on disk under the app's folders, on no
//! process's command line, and owner-only permissions on what the app writes.

use std::path::{Path, PathBuf};

/// Panics if any secret appears in any file under `dirs` (session folders, codex homes, logs,
/// the SQLite database and its WAL) or on the command line of any process.
pub fn assert_secrets_nowhere(secrets: &[&str], dirs: &[&Path]) {
    let mut files = Vec::new();
    for dir in dirs {
        collect_files(dir, &mut files);
    }
    assert!(!files.is_empty(), "nothing to scan under {dirs:?}");
    for file in &files {
        let Ok(bytes) = std::fs::read(file) else {
            continue;
        };
        for secret in secrets {
            assert!(
                !contains(&bytes, secret.as_bytes()),
                "a secret ({}…) is written in {}",
                &secret[..secret.len().min(6)],
                file.display()
            );
        }
    }
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        for secret in secrets {
            assert!(
                !contains(&cmdline, secret.as_bytes()),
                "a secret is on the command line of process {}: {}",
                entry.file_name().to_string_lossy(),
                String::from_utf8_lossy(&cmdline).replace('\0', " ")
            );
        }
    }
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => collect_files(&path, out),
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// The permission bits of `path`.
#[cfg(unix)]
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}
