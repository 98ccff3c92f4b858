//! Links from model output leave the window only for the system browser, after the user clicked
//! them, and only if they are plain web or mail addresses.

use crate::error::{CoreError, Result};

/// `url` if it may be handed to the system browser: `http`, `https` or `mailto`, nothing that
/// could run a program or reach a file.
pub fn external(url: &str) -> Result<&str> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let scheme_ok = ["http://", "https://", "mailto:"]
        .iter()
        .any(|p| lower.starts_with(p));
    if !scheme_ok || url.chars().any(char::is_control) || url.len() > 8192 || !plain_mail(&lower) {
        return Err(CoreError::InvalidInput(format!(
            "Codex Desk opens only web and mail links; this one was not opened: {}",
            url.chars().take(200).collect::<String>()
        )));
    }
    Ok(url)
}

/// A mail link may name addresses, a subject and a body; nothing a mail program could act on
/// beyond writing a message (`attach=`, `cc` to hidden addresses are not the user's choice).
fn plain_mail(lower: &str) -> bool {
    let Some(rest) = lower.strip_prefix("mailto:") else {
        return true;
    };
    let Some((_, query)) = rest.split_once('?') else {
        return true;
    };
    query.split('&').all(|pair| {
        let key = pair.split_once('=').map_or(pair, |(k, _)| k);
        matches!(key, "subject" | "body")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_mail_links_leave_the_window() {
        assert!(external("https://example.com/a?b=c").is_ok());
        assert!(external("mailto:a@b.c").is_ok());
        assert!(external("mailto:a@b.c?subject=Hi&body=There").is_ok());
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "smb://host/share",
            "vscode://x",
            "https://example.com/\nmore",
            "data:text/html,hi",
            "mailto:a@b.c?attach=/home/me/.ssh/id_rsa",
            "mailto:a@b.c?subject=x&Attachment=~/.ssh/id_rsa",
            "mailto:a@b.c?bcc=someone@else.example",
        ] {
            assert!(external(bad).is_err(), "{bad}");
        }
    }
}
