//! Secrets: a type that cannot reach a log, an IPC reply or a file by accident, redaction of
//! JSON that may carry one, and the OS keychain (see [`keychain`]).

pub mod keychain;
mod platform;

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

use serde_json::Value;
use zeroize::Zeroize;

/// A token, key or header value. It prints as `<redacted>`, has no `Display` and no
/// `Serialize`, and is wiped from memory when dropped. [`Secret::expose`] is the one way out,
/// for the places that hand it to codex.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// JSON keys whose values are credentials in codex's protocol and in OAuth payloads.
const SECRET_KEYS: &[&str] = &[
    "accessToken",
    "apiKey",
    "authToken",
    "refreshToken",
    "idToken",
    "access_token",
    "refresh_token",
    "id_token",
    "api_key",
    "OPENAI_API_KEY",
    "secretAccessKey",
    "sessionToken",
    "authorization",
    "Authorization",
    // What the user answered codex's questions, or filled in an MCP server's form (some are
    // secret).
    "answers",
    "content",
];

/// A copy of `value` with every credential-bearing field replaced by `"<redacted>"`, for logs.
pub fn redacted(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if SECRET_KEYS.contains(&k.as_str()) && !v.is_null() {
                        Value::String("<redacted>".into())
                    } else {
                        redacted(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redacted).collect()),
        other => other.clone(),
    }
}

static PATTERNS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        // JSON Web Tokens (ChatGPT access and id tokens)
        (r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*", "<redacted-jwt>"),
        // OpenAI-style keys
        (r"\bsk-[A-Za-z0-9_-]{12,}", "sk-<redacted>"),
        (r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{12,}", "Bearer <redacted>"),
        (
            r#"(?i)\b((?:api[_-]?key|access[_-]?token|refresh[_-]?token|id[_-]?token|secret|password)["']?\s*[:=]\s*["']?)[^\s"',}]{8,}"#,
            "${1}<redacted>",
        ),
    ]
    .into_iter()
    .filter_map(|(pattern, with)| Regex::new(pattern).ok().map(|r| (r, with)))
    .collect()
});

/// `text` with anything shaped like a credential blanked (JWTs, `sk-` keys, bearer tokens,
/// `token=`/`password:` values): the last line of defence for log files.
pub fn scrub(text: &str) -> String {
    let mut out = text.to_string();
    for (pattern, with) in PATTERNS.iter() {
        if pattern.is_match(&out) {
            out = pattern.replace_all(&out, *with).into_owned();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_print() {
        let s = Secret::new("sk-live-123");
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some(Secret(<redacted>))");
        assert_eq!(s.expose(), "sk-live-123");
    }

    #[test]
    fn scrubbing_blanks_credentials_and_keeps_the_rest() {
        let line = r#"turn failed: Authorization: Bearer abcdefghijklmnop12345 key sk-proj-ABCDEFGHIJKLMNOP token eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig {"refresh_token":"rt-secret-value-123"} password=hunter2hunter2 session=abc"#;
        let out = scrub(line);
        for secret in [
            "abcdefghijklmnop12345",
            "sk-proj-ABCDEFGHIJKLMNOP",
            "eyJzdWIiOiIxMjM0NTY3ODkwIn0",
            "rt-secret-value-123",
            "hunter2hunter2",
        ] {
            assert!(!out.contains(secret), "{secret} in {out}");
        }
        assert!(
            out.contains("turn failed") && out.contains("session=abc"),
            "{out}"
        );
    }

    #[test]
    fn redaction_reaches_nested_credentials() {
        let v = serde_json::json!({
            "method": "account/login/start",
            "params": {"type": "apiKey", "apiKey": "sk-live-123", "list": [{"accessToken": "t"}]},
            "result": {"authToken": null}
        });
        let text = redacted(&v).to_string();
        assert!(
            !text.contains("sk-live-123") && !text.contains("\"t\""),
            "{text}"
        );
        assert!(text.contains("account/login/start"));
        assert!(text.contains("\"authToken\":null"));
    }
}
