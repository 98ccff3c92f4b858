//! The rest of the user's codex home, carried into each session's own codex home at every codex
//! start so that edits apply to the next one:
//! - `AGENTS.md` / `AGENTS.override.md` (global instructions): copied;
//! - `rules/*.rules` (execpolicy): copied as `rules/user-<name>.rules` (codex skips symlinked
//!   rule files, and the session's own `default.rules` keeps what is approved in the session);
//! - `skills/<skill>/` and `agents/`: linked (copied where links are not possible), next to the
//!   system skills codex installs in the session itself;
//! - `.env`: read, and handed to codex in its environment (see `config`), never copied.
//!
//! Custom prompts (`prompts/*.md`) are expanded by the app when the user sends `/name`
//! (see `crate::prompts`).

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::files;
use crate::secrets::Secret;

const INSTRUCTION_FILES: &[&str] = &["AGENTS.md", "AGENTS.override.md"];
const RULE_PREFIX: &str = "user-";
/// What the last start linked or copied in (paths relative to the session's codex home), so the
/// next start removes exactly that, whether links or copies, and nothing the session made.
const MANIFEST: &str = ".codex-desk-carried";
/// Codex installs its bundled skills here in every codex home.
const SYSTEM_SKILLS: &str = ".system";

/// The user's own codex home (`$CODEX_HOME` or `~/.codex`); only ever read.
pub struct UserHome<'a> {
    root: &'a Path,
}

impl<'a> UserHome<'a> {
    pub fn new(root: &'a Path) -> Self {
        Self { root }
    }

    /// Brings the user's instructions, rules, skills and agent roles into `session_home`.
    /// What cannot be carried is returned as warnings; it does not stop the session.
    pub fn carry_into(&self, session_home: &Path) -> Result<Vec<String>> {
        let mut warnings = Vec::new();
        for name in INSTRUCTION_FILES {
            let from = self.root.join(name);
            let to = session_home.join(name);
            if from.is_file() {
                files::copy_private(&from, &to)?;
            } else if to.exists() {
                let _ = std::fs::remove_file(&to);
            }
        }
        self.carry_rules(session_home, &mut warnings)?;
        remove_carried(session_home);
        let mut carried = Vec::new();
        self.carry_skills(session_home, &mut carried, &mut warnings)?;
        let agents = self.root.join("agents");
        if agents.is_dir() && !session_home.join("agents").exists() {
            match link::link_dir(&agents, &session_home.join("agents")) {
                Ok(()) => carried.push("agents".to_string()),
                Err(e) => warnings.push(format!(
                    "Your codex agent roles could not be brought into the session ({e})."
                )),
            }
        }
        files::write_private(&session_home.join(MANIFEST), carried.join("\n").as_bytes())?;
        Ok(warnings)
    }

    fn carry_rules(&self, session_home: &Path, warnings: &mut Vec<String>) -> Result<()> {
        let dir = session_home.join("rules");
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().starts_with(RULE_PREFIX) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        let rules = rules_in(&self.root.join("rules"));
        if rules.is_empty() {
            return Ok(());
        }
        files::private_dir(&dir)?;
        for rule in rules {
            let Some(name) = rule.file_name() else {
                continue;
            };
            let to = dir.join(format!("{RULE_PREFIX}{}", name.to_string_lossy()));
            if let Err(e) = files::copy_private(&rule, &to) {
                warnings.push(format!("{e}"));
            }
        }
        Ok(())
    }

    fn carry_skills(
        &self,
        session_home: &Path,
        carried: &mut Vec<String>,
        warnings: &mut Vec<String>,
    ) -> Result<()> {
        let Ok(entries) = std::fs::read_dir(self.root.join("skills")) else {
            return Ok(());
        };
        let dir = session_home.join("skills");
        files::private_dir(&dir)?;
        for entry in entries.flatten() {
            let name = entry.file_name();
            if name == SYSTEM_SKILLS || !entry.path().is_dir() {
                continue;
            }
            let target = dir.join(&name);
            if target.exists() {
                continue; // a skill the session made itself
            }
            let name = name.to_string_lossy();
            match link::link_dir(&entry.path(), &target) {
                Ok(()) => carried.push(format!("skills/{name}")),
                Err(e) => warnings.push(format!(
                    "Your skill `{name}` could not be brought into the session ({e})."
                )),
            }
        }
        Ok(())
    }

    /// The variables of the user's codex `.env`, read as codex reads it (dotenvy, without
    /// `CODEX_*`). A line dotenvy cannot parse is skipped and reported in the log.
    pub fn dotenv(&self) -> Vec<(String, Secret)> {
        let Ok(entries) = dotenvy::from_path_iter(self.root.join(".env")) else {
            return Vec::new();
        };
        entries
            .filter_map(|entry| match entry {
                Ok((key, value)) => Some((key, Secret::new(value))),
                Err(e) => {
                    tracing::warn!(error = %e, "a line of your codex .env could not be read");
                    None
                }
            })
            .filter(|(k, _)| !k.to_ascii_uppercase().starts_with("CODEX_"))
            .collect()
    }
}

/// Removes what the manifest says the last start linked or copied in.
fn remove_carried(session_home: &Path) {
    let Ok(list) = std::fs::read_to_string(session_home.join(MANIFEST)) else {
        return;
    };
    for relative in list.lines().filter(|l| !l.is_empty() && !l.contains("..")) {
        link::remove(&session_home.join(relative));
    }
}

fn rules_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut rules: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "rules"))
        .collect();
    rules.sort();
    rules
}

/// Links to the user's folders: symlinks on Unix; a copy on Windows, where symlinks need
/// privileges users rarely have.
mod link {
    use std::path::Path;

    /// Removes a link (never what it points at) or a copied folder.
    pub fn remove(path: &Path) {
        let Ok(meta) = std::fs::symlink_metadata(path) else {
            return;
        };
        let removed = if meta.file_type().is_symlink() || meta.is_file() {
            std::fs::remove_file(path).or_else(|_| std::fs::remove_dir(path))
        } else {
            std::fs::remove_dir_all(path)
        };
        if let Err(e) = removed {
            tracing::warn!(path = %path.display(), error = %e, "could not remove an earlier copy");
        }
    }

    /// Makes `target` show the folder `source`.
    pub fn link_dir(source: &Path, target: &Path) -> std::io::Result<()> {
        platform::link_dir(source, target)
    }

    #[cfg(unix)]
    mod platform {
        use std::path::Path;

        pub fn link_dir(source: &Path, target: &Path) -> std::io::Result<()> {
            std::os::unix::fs::symlink(source, target)
        }
    }

    #[cfg(windows)]
    mod platform {
        use std::path::Path;

        pub fn link_dir(source: &Path, target: &Path) -> std::io::Result<()> {
            if std::os::windows::fs::symlink_dir(source, target).is_ok() {
                return Ok(());
            }
            copy_dir(source, target)
        }

        fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
            std::fs::create_dir_all(to)?;
            for entry in std::fs::read_dir(from)? {
                let entry = entry?;
                let dest = to.join(entry.file_name());
                if entry.file_type()?.is_dir() {
                    copy_dir(&entry.path(), &dest)?;
                } else {
                    std::fs::copy(entry.path(), dest)?;
                }
            }
            Ok(())
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn instructions_rules_and_skills_reach_the_session_and_follow_edits() {
        let user = tempfile::tempdir().expect("user");
        let session = tempfile::tempdir().expect("session");
        std::fs::write(user.path().join("AGENTS.md"), "marker-123").expect("agents");
        std::fs::create_dir_all(user.path().join("rules")).expect("rules");
        std::fs::write(
            user.path().join("rules/default.rules"),
            "prefix_rule(pattern=[\"rm\"], decision=\"forbidden\")",
        )
        .expect("rule");
        std::fs::create_dir_all(user.path().join("skills/deploy")).expect("skill");
        std::fs::write(
            user.path().join("skills/deploy/SKILL.md"),
            "---\nname: deploy\n---",
        )
        .expect("skill md");
        std::fs::create_dir_all(user.path().join("skills/.system/x")).expect("system");
        std::fs::create_dir_all(session.path().join("skills/.system")).expect("session system");

        let home = UserHome::new(user.path());
        assert!(home.carry_into(session.path()).expect("carry").is_empty());
        assert_eq!(
            std::fs::read_to_string(session.path().join("AGENTS.md")).expect("read"),
            "marker-123"
        );
        assert!(session.path().join("rules/user-default.rules").is_file());
        let rule = std::fs::symlink_metadata(session.path().join("rules/user-default.rules"));
        assert!(
            !rule.expect("rule").file_type().is_symlink(),
            "rules are real files"
        );
        assert!(session.path().join("skills/deploy/SKILL.md").is_file());
        assert!(
            !session.path().join("skills/.system/x").exists(),
            "the user's system skills are not mixed in"
        );

        // The user removes things: the next start follows.
        std::fs::remove_file(user.path().join("AGENTS.md")).expect("rm");
        std::fs::remove_dir_all(user.path().join("skills/deploy")).expect("rm");
        std::fs::remove_file(user.path().join("rules/default.rules")).expect("rm");
        home.carry_into(session.path()).expect("carry again");
        assert!(!session.path().join("AGENTS.md").exists());
        assert!(!session.path().join("skills/deploy").exists());
        assert!(!session.path().join("rules/user-default.rules").exists());
        assert!(session.path().join("skills/.system").is_dir());
        // The user's own folders were never touched by the clean-up.
        assert!(user.path().join("skills").is_dir());
    }

    #[test]
    fn the_codex_dotenv_reads_as_codex_reads_it() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(
            dir.path().join(".env"),
            "# comment\nexport A=1\nB=\"two words\"\nC='single # kept'\nCODEX_HOME=/x\n",
        )
        .expect("env");
        let vars = UserHome::new(dir.path()).dotenv();
        let get = |k: &str| {
            vars.iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.expose().to_string())
        };
        assert_eq!(get("A").as_deref(), Some("1"));
        assert_eq!(get("B").as_deref(), Some("two words"));
        assert_eq!(get("C").as_deref(), Some("single # kept"));
        assert!(get("CODEX_HOME").is_none());
    }
}
