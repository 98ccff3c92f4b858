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
        self.carry_skills(session_home, &mut warnings)?;
        let agents = self.root.join("agents");
        let target = session_home.join("agents");
        if agents.is_dir() {
            if let Err(e) = link::replace_with_link(&agents, &target) {
                warnings.push(format!(
                    "Your codex agent roles could not be linked into the session ({e})."
                ));
            }
        } else if link::is_link(&target) {
            let _ = std::fs::remove_file(&target);
        }
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

    fn carry_skills(&self, session_home: &Path, warnings: &mut Vec<String>) -> Result<()> {
        let dir = session_home.join("skills");
        // Links from an earlier start go: the user may have removed or renamed a skill.
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                if entry.file_name() != SYSTEM_SKILLS && link::is_link(&entry.path()) {
                    let _ = link::remove(&entry.path());
                }
            }
        }
        let Ok(entries) = std::fs::read_dir(self.root.join("skills")) else {
            return Ok(());
        };
        files::private_dir(&dir)?;
        for entry in entries.flatten() {
            let name = entry.file_name();
            if name == SYSTEM_SKILLS || !entry.path().is_dir() {
                continue;
            }
            let target = dir.join(&name);
            if target.exists() && !link::is_link(&target) {
                continue; // a skill the session made itself
            }
            if let Err(e) = link::replace_with_link(&entry.path(), &target) {
                warnings.push(format!(
                    "Your skill `{}` could not be linked into the session ({e}).",
                    name.to_string_lossy()
                ));
            }
        }
        Ok(())
    }

    /// The variables of the user's codex `.env`, as codex would load them (without `CODEX_*`).
    pub fn dotenv(&self) -> Vec<(String, Secret)> {
        match std::fs::read_to_string(self.root.join(".env")) {
            Ok(text) => parse_dotenv(&text)
                .into_iter()
                .filter(|(k, _)| !k.to_ascii_uppercase().starts_with("CODEX_"))
                .collect(),
            Err(_) => Vec::new(),
        }
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

/// `KEY=value` lines; `export`, comments, single and double quotes as dotenv files use them.
pub fn parse_dotenv(text: &str) -> Vec<(String, Secret)> {
    let mut vars = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, raw)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let raw = raw.trim();
        let value = if let Some(inner) = raw.strip_prefix('"').and_then(|r| r.rsplit_once('"')) {
            inner.0.replace("\\n", "\n").replace("\\\"", "\"")
        } else if let Some(inner) = raw.strip_prefix('\'').and_then(|r| r.rsplit_once('\'')) {
            inner.0.to_string()
        } else {
            raw.split(" #").next().unwrap_or("").trim().to_string()
        };
        vars.push((key.to_string(), Secret::new(value)));
    }
    vars
}

/// Links to the user's folders: symlinks on Unix; a copy on Windows, where symlinks need
/// privileges users rarely have.
mod link {
    use std::path::Path;

    pub fn is_link(path: &Path) -> bool {
        std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
    }

    pub fn remove(path: &Path) -> std::io::Result<()> {
        std::fs::remove_file(path).or_else(|_| std::fs::remove_dir(path))
    }

    /// Makes `target` point at `source`, replacing an earlier link.
    pub fn replace_with_link(source: &Path, target: &Path) -> std::io::Result<()> {
        if is_link(target) {
            remove(target)?;
        }
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
            if target.exists() {
                std::fs::remove_dir_all(target)?;
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
        assert!(!link::is_link(
            &session.path().join("rules/user-default.rules")
        ));
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
    }

    #[test]
    fn dotenv_files_parse_like_dotenv() {
        let vars = parse_dotenv(
            "# comment\nexport A=1\nB=\"two words\" \nC='single # kept'\nD=plain # comment\nCODEX_X=skip\nbad line\n",
        );
        let get = |k: &str| {
            vars.iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.expose().to_string())
        };
        assert_eq!(get("A").as_deref(), Some("1"));
        assert_eq!(get("B").as_deref(), Some("two words"));
        assert_eq!(get("C").as_deref(), Some("single # kept"));
        assert_eq!(get("D").as_deref(), Some("plain"));
        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(dir.path().join(".env"), "CODEX_HOME=/x\nKEY=v\n").expect("env");
        let names: Vec<_> = UserHome::new(dir.path())
            .dotenv()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(names, ["KEY"]);
    }
}
