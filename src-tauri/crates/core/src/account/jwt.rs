//! The claims of a ChatGPT access token that a session's codex needs next to the token itself
//! (the workspace account id and the plan). Signatures are not checked: the token came from
//! codex, which got it from the issuer; the app only reads what it carries.

use base64::Engine as _;
use serde_json::Value;

/// What an access token says about its account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Claims {
    pub account_id: Option<String>,
    pub plan: Option<String>,
}

const AUTH_CLAIM: &str = "https://api.openai.com/auth";

/// Reads the claims of `token`; `None` when it is not a JWT.
pub fn claims(token: &str) -> Option<Claims> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let json: Value = serde_json::from_slice(&bytes).ok()?;
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    let auth = json.get(AUTH_CLAIM);
    Some(Claims {
        account_id: text(auth.and_then(|a| a.get("chatgpt_account_id"))),
        plan: text(auth.and_then(|a| a.get("chatgpt_plan_type"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_account_claims() {
        let payload = serde_json::json!({
            "https://api.openai.com/auth": {"chatgpt_account_id": "acct-9", "chatgpt_plan_type": "pro"},
            "https://api.openai.com/profile": {"email": "a@b.c"}
        });
        let token = format!(
            "e30.{}.sig",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload.to_string())
        );
        let c = claims(&token).expect("claims");
        assert_eq!(c.account_id.as_deref(), Some("acct-9"));
        assert_eq!(c.plan.as_deref(), Some("pro"));
        assert!(claims("sk-not-a-jwt").is_none());
    }
}
