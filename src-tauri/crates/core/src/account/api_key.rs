//! Checks an API key with the provider before it is kept: `GET {base}/models` with the key as
//! bearer, the cheapest call every OpenAI-compatible API answers. 401/403 mean a wrong key;
//! anything else that is not a success means it could not be checked (offline, proxy, outage),
//! and the user may keep it unchecked.

use std::time::Duration;

use crate::error::{CoreError, Result};
use crate::secrets::Secret;

const TIMEOUT: Duration = Duration::from_secs(15);

/// Asks `base_url` (e.g. `https://api.openai.com/v1`) whether `key` is good.
pub async fn check(base_url: &str, key: &Secret) -> Result<()> {
    let url = format!("{}/models", base_url.trim_end_matches('/'));
    let host = host_of(base_url);
    let unchecked = |reason: String| CoreError::ApiKeyUnchecked {
        host: host.clone(),
        reason,
    };
    let client = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .build()
        .map_err(|e| unchecked(e.to_string()))?;
    let response = client
        .get(&url)
        .bearer_auth(key.expose())
        .send()
        .await
        .map_err(|e| unchecked(describe(&e)))?;
    let status = response.status();
    match status.as_u16() {
        200..=299 => Ok(()),
        401 | 403 => Err(CoreError::ApiKeyRejected {
            host,
            status: status.as_u16(),
        }),
        code => Err(unchecked(format!("it answered HTTP {code}"))),
    }
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "it did not answer within 15 s".into()
    } else if e.is_connect() {
        "it could not be reached (offline, or a proxy or firewall in the way)".into()
    } else {
        // reqwest's message can include the URL but never the bearer.
        e.to_string()
    }
}

fn host_of(base_url: &str) -> String {
    let rest = base_url
        .split_once("://")
        .map(|(_, r)| r)
        .unwrap_or(base_url);
    rest.split('/').next().unwrap_or(rest).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_unreachable_provider_leaves_the_key_unchecked_not_rejected() {
        // A port nobody listens on: the check cannot say whether the key is good.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let err = check(&format!("http://127.0.0.1:{port}/v1"), &Secret::new("sk-x"))
            .await
            .expect_err("unreachable");
        assert!(matches!(err, CoreError::ApiKeyUnchecked { .. }), "{err}");
        assert!(err.to_string().contains("without checking"), "{err}");
    }

    #[test]
    fn hosts_are_named_without_paths() {
        assert_eq!(host_of("https://api.openai.com/v1"), "api.openai.com");
        assert_eq!(host_of("http://127.0.0.1:9/v1/"), "127.0.0.1:9");
    }
}
