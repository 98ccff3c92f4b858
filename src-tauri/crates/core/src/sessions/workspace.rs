//! Which folders a session may work in. Codex may change anything in its workspace, so `/`,
//! system folders and Codex Desk's own data are refused, and the home folder and the user's codex
//! configuration folder are used only once the user confirms.

use std::path::{Path, PathBuf};

use crate::error::{CoreError, Result};

/// What the checks need to know about this machine's folders.
#[derive(Debug, Clone, Default)]
pub struct WorkspaceGuard {
    /// Codex Desk's data folder.
    pub data_dir: PathBuf,
    /// The user's codex home (`~/.codex`).
    pub user_codex_home: Option<PathBuf>,
    pub home: Option<PathBuf>,
}

/// Checks that `path` is a folder the user can work in and returns its canonical form;
/// `confirmed` says the user accepted a folder that needs it (home, `~/.codex`).
pub fn validate_workspace(path: &str, guard: &WorkspaceGuard, confirmed: bool) -> Result<PathBuf> {
    let trimmed = path.trim();
    let invalid = |reason: &str| CoreError::WorkspaceInvalid {
        path: PathBuf::from(trimmed),
        reason: reason.into(),
    };
    if trimmed.is_empty() {
        return Err(invalid(
            "no folder was given. Choose a folder or type its path.",
        ));
    }
    let expanded = match trimmed.strip_prefix("~/") {
        Some(rest) => dirs::home_dir()
            .map(|h| h.join(rest))
            .unwrap_or_else(|| PathBuf::from(trimmed)),
        None => PathBuf::from(trimmed),
    };
    if !expanded.is_absolute() {
        return Err(invalid(
            "the path is not absolute. Give the full path, e.g. /home/me/project.",
        ));
    }
    let meta = std::fs::metadata(&expanded).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => invalid("it does not exist."),
        std::io::ErrorKind::PermissionDenied => invalid("you do not have permission to open it."),
        _ => invalid(&e.to_string()),
    })?;
    if !meta.is_dir() {
        return Err(invalid("it is a file, not a folder."));
    }
    std::fs::read_dir(&expanded).map_err(|e| invalid(&format!("it cannot be read ({e}).")))?;
    let canonical = std::fs::canonicalize(&expanded).map_err(|e| invalid(&e.to_string()))?;
    guard.check(&canonical, confirmed)?;
    Ok(canonical)
}

impl WorkspaceGuard {
    fn check(&self, folder: &Path, confirmed: bool) -> Result<()> {
        let refuse = |reason: String| CoreError::WorkspaceInvalid {
            path: folder.to_path_buf(),
            reason,
        };
        if folder.parent().is_none() {
            return Err(refuse(
                "it is the root of the disk: codex could change anything on it. Choose your project's folder.".into(),
            ));
        }
        if platform::is_system(folder) {
            return Err(refuse(
                "it is a system folder: codex could change the system. Choose your project's folder.".into(),
            ));
        }
        let data = canonical(&self.data_dir);
        let home = self.home.as_deref().map(canonical);
        let holds_data = !data.as_os_str().is_empty()
            && (folder.starts_with(&data)
                || (data.starts_with(folder) && Some(folder) != home.as_deref()));
        if holds_data {
            return Err(refuse(format!(
                "it holds Codex Desk's own data ({}), which codex must not change. Choose your project's folder.",
                data.display()
            )));
        }
        if confirmed {
            return Ok(());
        }
        let codex_home = self.user_codex_home.as_deref().map(canonical);
        if codex_home.as_deref().is_some_and(|c| folder.starts_with(c)) {
            return Err(CoreError::WorkspaceNeedsConfirmation {
                path: folder.to_path_buf(),
                reason: "it is your codex configuration folder: codex would work on its own settings, instructions and rules.".into(),
            });
        }
        if self.home.as_deref().map(canonical).as_deref() == Some(folder) {
            return Err(CoreError::WorkspaceNeedsConfirmation {
                path: folder.to_path_buf(),
                reason: "it is your whole home folder: codex could change any of your files, settings and keys.".into(),
            });
        }
        Ok(())
    }
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(unix)]
mod platform {
    use std::path::Path;

    /// The system's own folders (themselves; projects may live below some, e.g. /opt/app).
    const SYSTEM: &[&str] = &[
        "/bin",
        "/boot",
        "/dev",
        "/etc",
        "/lib",
        "/lib32",
        "/lib64",
        "/libx32",
        "/opt",
        "/proc",
        "/run",
        "/sbin",
        "/srv",
        "/sys",
        "/usr",
        "/usr/bin",
        "/usr/lib",
        "/usr/local",
        "/var",
        "/home",
        "/Users",
        "/System",
        "/Library",
        "/Applications",
        "/Volumes",
        "/private",
    ];
    /// Virtual file systems: nothing below them is a project.
    const VIRTUAL: &[&str] = &["/proc", "/sys", "/dev", "/run"];

    pub fn is_system(folder: &Path) -> bool {
        SYSTEM.iter().any(|s| folder == Path::new(s))
            || VIRTUAL.iter().any(|v| folder.starts_with(v))
    }
}

#[cfg(windows)]
mod platform {
    use std::path::Path;

    pub fn is_system(folder: &Path) -> bool {
        let text = folder.to_string_lossy().to_ascii_lowercase();
        let text = text.trim_start_matches(r"\\?\").trim_end_matches('\\');
        let system = [
            "windows",
            "program files",
            "program files (x86)",
            "programdata",
            "users",
        ];
        text.split_once(":\\").is_some_and(|(_, rest)| {
            rest.is_empty() || system.contains(&rest) || rest.starts_with("windows\\")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(root: &Path) -> WorkspaceGuard {
        WorkspaceGuard {
            data_dir: root.join("data"),
            user_codex_home: Some(root.join("home/.codex")),
            home: Some(root.join("home")),
        }
    }

    #[test]
    fn workspace_validation_explains_the_problem() {
        let dir = tempfile::tempdir().expect("tempdir");
        let g = guard(dir.path());
        let ok = validate_workspace(
            &dir.path().display().to_string(),
            &WorkspaceGuard::default(),
            false,
        )
        .expect("valid");
        assert!(ok.is_absolute());

        let missing = validate_workspace(&dir.path().join("nope").display().to_string(), &g, false)
            .unwrap_err();
        assert!(missing.to_string().contains("does not exist"), "{missing}");

        let file = dir.path().join("f.txt");
        std::fs::write(&file, "x").expect("write");
        let not_dir = validate_workspace(&file.display().to_string(), &g, false).unwrap_err();
        assert!(not_dir.to_string().contains("not a folder"), "{not_dir}");

        assert!(validate_workspace("relative/path", &g, false)
            .unwrap_err()
            .to_string()
            .contains("not absolute"));
        assert!(validate_workspace("  ", &g, false)
            .unwrap_err()
            .to_string()
            .contains("no folder"));
    }

    #[test]
    fn dangerous_folders_are_refused_and_personal_ones_need_a_yes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let g = guard(dir.path());
        for folder in [
            "data",
            "data/sessions",
            "home/.codex",
            "home",
            "home/project",
        ] {
            std::fs::create_dir_all(dir.path().join(folder)).expect("mkdir");
        }
        let path = |f: &str| dir.path().join(f).display().to_string();

        #[cfg(unix)]
        for system in ["/", "/etc", "/usr", "/proc", "/proc/self"] {
            let err = validate_workspace(system, &g, true).unwrap_err();
            assert!(
                matches!(err, CoreError::WorkspaceInvalid { .. }),
                "{system}: {err}"
            );
        }
        for own in ["data", "data/sessions"] {
            let err = validate_workspace(&path(own), &g, true).unwrap_err();
            assert!(err.to_string().contains("Codex Desk's own data"), "{err}");
        }
        for (personal, why) in [
            ("home/.codex", "configuration folder"),
            ("home", "home folder"),
        ] {
            let err = validate_workspace(&path(personal), &g, false).unwrap_err();
            assert!(
                matches!(err, CoreError::WorkspaceNeedsConfirmation { .. }),
                "{err}"
            );
            assert!(err.to_string().contains(why), "{err}");
            validate_workspace(&path(personal), &g, true).expect("accepted once confirmed");
        }
        validate_workspace(&path("home/project"), &g, false).expect("a project is fine");
    }
}
