//! Custom prompts: Markdown files in the user's `$CODEX_HOME/prompts/`, sent as `/name args` (or
//! `/prompts:name args`). Codex's app-server does not expand them, so the app does, with the
//! rules codex's terminal UI used: named placeholders (`$FILE`) take `KEY=value` arguments;
//! otherwise `$1`..`$9` take positional ones and `$ARGUMENTS` all of them; `$$` is a dollar.
//! A front matter (`description:`, `argument-hint:`) describes the prompt and is not sent.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use codex_desk_protocol::PromptInfo;

use crate::error::{CoreError, Result};

/// The prompts in `<user codex home>/prompts`, sorted by name.
pub fn list(user_codex_home: &Path) -> Vec<PromptInfo> {
    let Ok(entries) = std::fs::read_dir(user_codex_home.join("prompts")) else {
        return Vec::new();
    };
    let mut prompts: Vec<PromptInfo> = entries
        .flatten()
        .filter_map(|e| {
            let path = e.path();
            let name = prompt_name(&path)?;
            let text = std::fs::read_to_string(&path).ok()?;
            let (meta, _) = front_matter(&text);
            Some(PromptInfo {
                name,
                description: meta.get("description").cloned(),
                argument_hint: meta.get("argument-hint").cloned(),
            })
        })
        .collect();
    prompts.sort_by(|a, b| a.name.cmp(&b.name));
    prompts
}

fn prompt_name(path: &Path) -> Option<String> {
    if !path.is_file() || path.extension()? != "md" {
        return None;
    }
    let stem = path.file_stem()?.to_str()?;
    valid_name(stem).then(|| stem.to_string())
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Expands `text` when it invokes a custom prompt; `Ok(None)` when it does not.
pub fn expand(text: &str, user_codex_home: Option<&Path>) -> Result<Option<String>> {
    let Some(rest) = text.trim_start().strip_prefix('/') else {
        return Ok(None);
    };
    let (head, args) = match rest.find(char::is_whitespace) {
        Some(i) => (&rest[..i], rest[i..].trim()),
        None => (rest, ""),
    };
    let (explicit, name) = match head.strip_prefix("prompts:") {
        Some(name) => (true, name),
        None => (false, head),
    };
    if !valid_name(name) {
        return Ok(None);
    }
    let path = user_codex_home.map(|h| h.join("prompts").join(format!("{name}.md")));
    let Some(path) = path.filter(|p| p.is_file()) else {
        if explicit {
            return Err(CoreError::Prompt(format!(
                "There is no custom prompt named `{name}`. Prompts are the .md files in {}.",
                prompts_dir_label(user_codex_home)
            )));
        }
        return Ok(None);
    };
    let body = std::fs::read_to_string(&path).map_err(|e| {
        CoreError::Prompt(format!(
            "The prompt {} could not be read: {e}",
            path.display()
        ))
    })?;
    let (_, body) = front_matter(&body);
    fill(name, body, args).map(Some)
}

/// The longest message codex takes: its `turn/start` and `turn/steer` refuse more text than
/// this (counted in characters, as codex counts them).
pub const LONGEST_MESSAGE_CHARS: usize = 1_048_576;

/// Refuses a message codex would refuse, before anything of it is sent or shown as sent.
pub fn check_length(text: &str) -> Result<()> {
    // Bytes bound characters from above: most messages need no count.
    if text.len() <= LONGEST_MESSAGE_CHARS {
        return Ok(());
    }
    let chars = text.chars().count();
    if chars <= LONGEST_MESSAGE_CHARS {
        return Ok(());
    }
    Err(CoreError::InvalidInput(format!(
        "This message has {} characters; codex takes at most {} in one message. Shorten it, or save the text as a file in the workspace and ask codex to read that file.",
        grouped(chars),
        grouped(LONGEST_MESSAGE_CHARS)
    )))
}

/// `1048576` as `1,048,576`.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn prompts_dir_label(home: Option<&Path>) -> String {
    home.map(|h| h.join("prompts"))
        .unwrap_or_else(|| PathBuf::from("~/.codex/prompts"))
        .display()
        .to_string()
}

/// Fills the placeholders of `body` from `args`.
fn fill(name: &str, body: &str, args: &str) -> Result<String> {
    let words = split_args(args);
    let named = named_placeholders(body);
    if named.is_empty() {
        return Ok(substitute(body, |key| match key {
            "ARGUMENTS" => Some(words.join(" ")),
            digit if digit.len() == 1 && digit.as_bytes()[0].is_ascii_digit() => {
                let i = (digit.as_bytes()[0] - b'0') as usize;
                Some(words.get(i.wrapping_sub(1)).cloned().unwrap_or_default())
            }
            _ => None,
        }));
    }
    let mut values = BTreeMap::new();
    for word in &words {
        match word.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                values.insert(k.to_string(), v.to_string());
            }
            _ => {
                return Err(CoreError::Prompt(format!(
                    "`/{name}` takes named arguments like {}; `{word}` is not one.",
                    example(&named)
                )))
            }
        }
    }
    let missing: Vec<&str> = named
        .iter()
        .filter(|k| !values.contains_key(*k))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(CoreError::Prompt(format!(
            "`/{name}` needs {}: add {} after the prompt name.",
            missing.join(", "),
            example(&named)
        )));
    }
    Ok(substitute(body, |key| match key {
        "ARGUMENTS" => Some(words.join(" ")),
        _ => values.get(key).cloned(),
    }))
}

fn example(named: &[String]) -> String {
    named
        .iter()
        .map(|k| format!("{k}=…"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `$NAME` placeholders (upper case, not `$ARGUMENTS`), in order of first use.
fn named_placeholders(body: &str) -> Vec<String> {
    let mut found = Vec::new();
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            if bytes.get(i + 1) == Some(&b'$') {
                i += 2;
                continue;
            }
            let key = placeholder_at(body, i + 1);
            let named = key.starts_with(|c: char| c.is_ascii_uppercase());
            if named && key != "ARGUMENTS" && !found.iter().any(|k| k == key) {
                found.push(key.to_string());
            }
            i += 1 + key.len();
            continue;
        }
        i += 1;
    }
    found
}

/// The placeholder name starting at byte `start`: a digit, or `[A-Z][A-Z0-9_]*`.
fn placeholder_at(body: &str, start: usize) -> &str {
    let rest = &body[start.min(body.len())..];
    let mut chars = rest.char_indices();
    match chars.next() {
        Some((_, c)) if c.is_ascii_digit() && c != '0' => &rest[..1],
        Some((_, c)) if c.is_ascii_uppercase() => {
            let end = chars
                .find(|(_, c)| !(c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_'))
                .map(|(i, _)| i)
                .unwrap_or(rest.len());
            &rest[..end]
        }
        _ => "",
    }
}

fn substitute(body: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let c = body[i..].chars().next().unwrap_or_default();
        if c == '$' {
            if body[i + 1..].starts_with('$') {
                out.push('$');
                i += 2;
                continue;
            }
            let key = placeholder_at(body, i + 1);
            if let Some(v) = (!key.is_empty()).then(|| value(key)).flatten() {
                out.push_str(&v);
                i += 1 + key.len();
                continue;
            }
        }
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Splits arguments like a shell: spaces separate, quotes group, backslash escapes.
fn split_args(args: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = args.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => word.extend(chars.next()),
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '\\') => {
                word.extend(chars.next());
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// Splits a `---` front matter off `text`: its `key: value` lines, and the body.
fn front_matter(text: &str) -> (BTreeMap<String, String>, &str) {
    let mut meta = BTreeMap::new();
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return (meta, text);
    };
    let Some(end) = rest.find("\n---") else {
        return (meta, text);
    };
    for line in rest[..end].lines() {
        if let Some((k, v)) = line.split_once(':') {
            let v = v.trim().trim_matches('"').trim_matches('\'');
            meta.insert(k.trim().to_string(), v.to_string());
        }
    }
    let body = &rest[end + 4..];
    let body = body
        .strip_prefix("\r\n")
        .or_else(|| body.strip_prefix('\n'))
        .unwrap_or(body);
    (meta, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home_with(name: &str, body: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("prompts")).expect("prompts");
        std::fs::write(dir.path().join("prompts").join(format!("{name}.md")), body).expect("write");
        dir
    }

    #[test]
    fn a_message_longer_than_codex_takes_is_refused_with_its_length() {
        assert!(check_length(&"a".repeat(LONGEST_MESSAGE_CHARS)).is_ok());
        // Three bytes a character: over the limit in bytes, within it in characters.
        assert!(check_length(&"€".repeat(LONGEST_MESSAGE_CHARS / 2)).is_ok());
        let error = check_length(&"a".repeat(5_000_000)).expect_err("too long");
        assert_eq!(
            error.to_string(),
            "This message has 5,000,000 characters; codex takes at most 1,048,576 in one message. Shorten it, or save the text as a file in the workspace and ask codex to read that file."
        );
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
    }

    #[test]
    fn positional_and_all_arguments() {
        let home = home_with("fix", "---\ndescription: Fix an issue\nargument-hint: <id> [why]\n---\nFix issue $1 because $2. All: $ARGUMENTS. Cost: $$5\n");
        let out = expand("/fix 42 \"it crashes\"", Some(home.path()))
            .expect("ok")
            .expect("expanded");
        assert_eq!(
            out,
            "Fix issue 42 because it crashes. All: 42 it crashes. Cost: $5\n"
        );
        let same = expand("/prompts:fix 42 x", Some(home.path()))
            .expect("ok")
            .expect("expanded");
        assert!(same.starts_with("Fix issue 42 because x."));
        let listed = list(home.path());
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].description.as_deref(), Some("Fix an issue"));
        assert_eq!(listed[0].argument_hint.as_deref(), Some("<id> [why]"));
    }

    #[test]
    fn named_arguments_are_required() {
        let home = home_with("review", "Review $FILE with focus on $FOCUS.");
        let out = expand(
            "/review FILE=src/a.rs FOCUS=\"error handling\"",
            Some(home.path()),
        )
        .expect("ok")
        .expect("expanded");
        assert_eq!(out, "Review src/a.rs with focus on error handling.");
        let err = expand("/review FILE=a.rs", Some(home.path())).unwrap_err();
        assert!(err.to_string().contains("FOCUS"), "{err}");
    }

    #[test]
    fn other_slashes_are_plain_text() {
        let home = home_with("fix", "x");
        assert!(expand("/usr/bin/env is broken", Some(home.path()))
            .expect("ok")
            .is_none());
        assert!(expand("/unknown thing", Some(home.path()))
            .expect("ok")
            .is_none());
        assert!(expand("hello /fix", Some(home.path()))
            .expect("ok")
            .is_none());
        assert!(expand("/prompts:nope", Some(home.path())).is_err());
    }
}
