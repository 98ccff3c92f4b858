//! Files the app writes are the user's alone: folders 0700 and files 0600 on Unix (Windows
//! profile folders are private already). Writes are atomic (temp file, then rename), so a crash
//! never leaves half a config.

use std::io::Write;
use std::path::Path;

use crate::error::{CoreError, Result};

/// Creates `dir` and the parents it lacks, every one of them private, and makes `dir` itself
/// private if it existed (parents that existed are left as they are: they are the user's).
pub fn private_dir(dir: &Path) -> Result<()> {
    let mut missing = Vec::new();
    let mut next = Some(dir);
    while let Some(d) = next.filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        missing.push(d);
        next = d.parent();
    }
    for d in missing.iter().rev() {
        match std::fs::create_dir(d) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                return Err(CoreError::io(
                    format!("Could not create the folder {}", d.display()),
                    e,
                ))
            }
        }
        restrict(d)?;
    }
    restrict(dir)
}

fn restrict(dir: &Path) -> Result<()> {
    platform::restrict_dir(dir)
        .map_err(|e| CoreError::io(format!("Could not make {} private", dir.display()), e))
}

/// Writes `bytes` to `path` atomically with owner-only permissions.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let fail = |e| CoreError::io(format!("Could not write {}", path.display()), e);
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .map_err(fail)?;
    // tempfile creates the file 0600 on Unix.
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Copies `from` to `to` with owner-only permissions (atomically).
pub fn copy_private(from: &Path, to: &Path) -> Result<()> {
    let bytes = std::fs::read(from)
        .map_err(|e| CoreError::io(format!("Could not read {}", from.display()), e))?;
    write_private(to, &bytes)
}

/// Makes an existing file owner-only (the database, logs).
pub fn restrict_file(path: &Path) -> Result<()> {
    platform::restrict_file(path)
        .map_err(|e| CoreError::io(format!("Could not make {} private", path.display()), e))
}

/// Opens `path` for appending, creating it owner-only.
pub fn open_private_append(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    platform::owner_only(&mut options);
    let file = options.open(path)?;
    platform::restrict_file(path)?;
    Ok(file)
}

#[cfg(unix)]
mod platform {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    use std::path::Path;

    pub fn restrict_dir(dir: &Path) -> std::io::Result<()> {
        set_mode(dir, 0o700)
    }

    pub fn restrict_file(path: &Path) -> std::io::Result<()> {
        set_mode(path, 0o600)
    }

    pub fn owner_only(options: &mut std::fs::OpenOptions) {
        options.mode(0o600);
    }

    fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
        let current = std::fs::metadata(path)?.permissions().mode() & 0o777;
        if current != mode {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
        }
        Ok(())
    }
}

#[cfg(not(unix))]
mod platform {
    use std::path::Path;

    // The user's profile folders (%APPDATA%) are readable by the user and administrators only.
    pub fn restrict_dir(_dir: &Path) -> std::io::Result<()> {
        Ok(())
    }

    pub fn restrict_file(_path: &Path) -> std::io::Result<()> {
        Ok(())
    }

    pub fn owner_only(_options: &mut std::fs::OpenOptions) {}
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).expect("meta").permissions().mode() & 0o777
    }

    #[test]
    fn folders_and_files_are_owner_only() {
        let root = tempfile::tempdir().expect("tempdir");
        let dir = root.path().join("a/b");
        private_dir(&dir).expect("dir");
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(
            mode(&root.path().join("a")),
            0o700,
            "created parents are private too"
        );
        let file = dir.join("c.toml");
        write_private(&file, b"x = 1").expect("write");
        assert_eq!(mode(&file), 0o600);
        assert_eq!(std::fs::read_to_string(&file).expect("read"), "x = 1");
        write_private(&file, b"x = 2").expect("overwrite");
        assert_eq!(std::fs::read_to_string(&file).expect("read"), "x = 2");
        let log = dir.join("log.txt");
        drop(open_private_append(&log).expect("log"));
        assert_eq!(mode(&log), 0o600);
        // Nothing else was left behind.
        let names: Vec<_> = std::fs::read_dir(&dir)
            .expect("ls")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }
}
