//! A scripted browser for sign-in tests: it loads a URL and follows redirects (the issuer's
//! authorize page redirects to codex's localhost callback, which redirects to its success page),
//! as a user's browser does when they click "Continue". Plain HTTP on loopback only.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The last page the browser landed on.
#[derive(Debug, Clone)]
pub struct Page {
    pub url: String,
    pub status: u16,
    pub body: String,
    /// Every URL visited, in order.
    pub visited: Vec<String>,
}

/// Loads `url`, following up to 10 redirects.
pub async fn open(url: &str) -> std::io::Result<Page> {
    let mut current = url.to_string();
    let mut visited = Vec::new();
    for _ in 0..10 {
        visited.push(current.clone());
        let (status, location, body) = get(&current).await?;
        match location {
            Some(next) if (300..400).contains(&status) => current = resolve(&current, &next),
            _ => {
                return Ok(Page {
                    url: current,
                    status,
                    body,
                    visited,
                })
            }
        }
    }
    Err(std::io::Error::other(format!(
        "too many redirects from {url}"
    )))
}

fn resolve(base: &str, location: &str) -> String {
    if location.starts_with("http://") || location.starts_with("https://") {
        return location.to_string();
    }
    let origin_end = base
        .find("://")
        .and_then(|i| base[i + 3..].find('/').map(|j| i + 3 + j))
        .unwrap_or(base.len());
    format!("{}{}", &base[..origin_end], location)
}

async fn get(url: &str) -> std::io::Result<(u16, Option<String>, String)> {
    let rest = url.strip_prefix("http://").ok_or_else(|| {
        std::io::Error::other(format!("the test browser only speaks http: {url}"))
    })?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    // Codex's callback URL says `localhost`; connect to IPv4 loopback as the login server binds it.
    let addr = host.replacen("localhost", "127.0.0.1", 1);
    let mut stream = tokio::time::timeout(Duration::from_secs(10), TcpStream::connect(&addr))
        .await
        .map_err(|_| std::io::Error::other(format!("connecting to {addr} timed out")))??;
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nUser-Agent: codex-desk-test-browser\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut raw))
        .await
        .map_err(|_| std::io::Error::other(format!("{url} did not answer")))??;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let location = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("location")
            .then(|| value.trim().to_string())
    });
    Ok((status, location, body.to_string()))
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn relative_redirects_keep_the_origin() {
        assert_eq!(
            resolve("http://localhost:1455/auth/callback?x=1", "/success?a=b"),
            "http://localhost:1455/success?a=b"
        );
        assert_eq!(resolve("http://a:1/x", "http://b:2/y"), "http://b:2/y");
    }
}
