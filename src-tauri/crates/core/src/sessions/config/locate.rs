//! Codex reports problems against the config it reads, the session's generated copy. The user
//! fixes their own file: this finds the same setting there (by its table and key).

use std::path::{Path, PathBuf};

/// A place in the user's own config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserLocation {
    pub path: PathBuf,
    pub line: usize,
}

impl std::fmt::Display for UserLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}, line {}", self.path.display(), self.line)
    }
}

/// `message` (codex's words about the session's config) in terms of the user's own file: the
/// session config's `path:LINE:COL` becomes the user's `path:LINE` where the setting is found,
/// else just the user's path.
pub fn in_user_terms(message: &str, session_config: &Path, user_home: Option<&Path>) -> String {
    let Some(user_home) = user_home else {
        return message.to_string();
    };
    let session_path = session_config.display().to_string();
    let Some(start) = message.find(&session_path) else {
        return message.to_string();
    };
    let rest = &message[start + session_path.len()..];
    let digits = rest
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == ':')
        .last()
        .map_or(0, |(i, _)| i + 1);
    // Keep the `:` that ends the place (`...:6:24: invalid type`).
    let digits = if rest[..digits].ends_with(':') {
        digits - 1
    } else {
        digits
    };
    let line = rest[..digits]
        .trim_start_matches(':')
        .split(':')
        .next()
        .and_then(|l| l.parse::<usize>().ok());
    let located = line.and_then(|line| {
        let text = std::fs::read_to_string(session_config).ok()?;
        from_session_line(&text, line, user_home)
    });
    let place = match located {
        Some(at) => format!("{}:{}", at.path.display(), at.line),
        None => user_home.join("config.toml").display().to_string(),
    };
    format!("{}{place}{}", &message[..start], &rest[digits..])
}

/// Where the setting on `line` (1-based) of the session's config `session_text` is in the user's
/// `config.toml`; `None` when the setting is the app's own or cannot be found.
pub fn from_session_line(
    session_text: &str,
    line: usize,
    user_home: &Path,
) -> Option<UserLocation> {
    let index = line.checked_sub(1)?;
    let target = session_text.lines().nth(index)?;
    let key = key_of(target)?;
    let table = session_text
        .lines()
        .take(index)
        .filter(|l| l.trim_start().starts_with('['))
        .last()
        .map(header_of);
    locate(user_home, table.as_deref(), &key)
}

/// Where the setting `key` (a bare key, e.g. `approval_policy`) is in the user's `config.toml`.
pub fn of_key(user_home: &Path, key: &str) -> Option<UserLocation> {
    locate(user_home, None, key)
}

fn locate(user_home: &Path, table: Option<&str>, key: &str) -> Option<UserLocation> {
    let path = user_home.join("config.toml");
    let text = std::fs::read_to_string(&path).ok()?;
    find(&text, table, key).map(|line| UserLocation { path, line })
}

/// The 1-based line of `key` in `table` (`None`: anywhere, the root first).
fn find(text: &str, table: Option<&str>, key: &str) -> Option<usize> {
    let mut current: Option<String> = None;
    let mut anywhere = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('[') {
            current = Some(header_of(line));
            continue;
        }
        let Some(found) = key_of(line) else { continue };
        let dotted = match (&current, table) {
            (None, Some(t)) => found == format!("{t}.{key}"),
            _ => false,
        };
        if (found == key && current.as_deref() == table) || dotted {
            return Some(i + 1);
        }
        if found == key || found.ends_with(&format!(".{key}")) {
            anywhere.get_or_insert(i + 1);
        }
    }
    anywhere
}

/// The key of a `key = value` line, quotes and spaces removed.
fn key_of(line: &str) -> Option<String> {
    let line = line.trim();
    if line.starts_with('#') {
        return None;
    }
    let (key, _) = line.split_once('=')?;
    let key: String = key
        .trim()
        .chars()
        .filter(|c| *c != '"' && *c != '\'')
        .collect();
    (!key.is_empty() && !key.contains(' ')).then_some(key)
}

/// `[ model_providers."x" ]` → `model_providers.x`
fn header_of(line: &str) -> String {
    line.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '"' && *c != '\'')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codex_messages_name_the_users_file_and_line() {
        let user = tempfile::tempdir().expect("user");
        std::fs::write(
            user.path().join("config.toml"),
            "# mine\nhide_agent_reasoning = \"maybe\"\n",
        )
        .expect("write");
        let session = tempfile::tempdir().expect("session");
        let session_config = session.path().join("config.toml");
        std::fs::write(
            &session_config,
            "# generated\n\nhide_agent_reasoning = \"maybe\"\n",
        )
        .expect("write");
        let said = format!(
            "failed to load configuration: {}:3:24: invalid type",
            session_config.display()
        );
        let user_config = user.path().join("config.toml");
        assert_eq!(
            in_user_terms(&said, &session_config, Some(user.path())),
            format!(
                "failed to load configuration: {}:2: invalid type",
                user_config.display()
            )
        );
        assert_eq!(
            in_user_terms("unrelated", &session_config, Some(user.path())),
            "unrelated"
        );
    }

    #[test]
    fn a_setting_is_found_where_the_user_wrote_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("config.toml"),
            "# mine\nmodel = \"gpt-5\"\napproval_policy = \"untrusted\"\n\n[model_providers.\"x\"]\nname = \"X\"\nrequires_openai_auth = \"yes\"\n",
        )
        .expect("write");
        let session = "# Written by Codex Desk\n\nmodel = \"gpt-5\"\n\n[model_providers.x]\nname = \"X\"\nrequires_openai_auth = \"yes\"\n";
        let at = from_session_line(session, 7, dir.path()).expect("found");
        assert_eq!(at.line, 7);
        assert!(at.to_string().ends_with("config.toml, line 7"), "{at}");
        assert_eq!(
            of_key(dir.path(), "approval_policy").expect("found").line,
            3
        );
        assert!(of_key(dir.path(), "not_there").is_none());
        // A dotted key at the root is the same setting.
        std::fs::write(
            dir.path().join("config.toml"),
            "model_providers.x.requires_openai_auth = \"yes\"\n",
        )
        .expect("write");
        assert_eq!(
            from_session_line(session, 7, dir.path())
                .expect("found")
                .line,
            1
        );
    }
}
