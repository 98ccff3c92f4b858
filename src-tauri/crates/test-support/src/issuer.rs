//! A mock of OpenAI's sign-in side, as codex talks to it: the OAuth issuer (`/oauth/authorize`,
//! `/oauth/token` for codes and refreshes, `/oauth/revoke`, device codes), the ChatGPT backend's
//! account check, and the API's key check (`GET /v1/models`). It issues unsigned JWTs with the
//! claims codex reads, and remembers what happened so tests can assert on it.

use std::collections::HashSet;
use std::sync::Mutex;

use base64::Engine as _;
use serde_json::{json, Value};

use crate::http::{percent_encode, Request, Response};

/// Who signs in.
pub const EMAIL: &str = "ada@example.com";
pub const PLAN: &str = "plus";
pub const ACCOUNT_ID: &str = "acct-mock-1";
pub const USER_ID: &str = "user-mock-1";

#[derive(Debug, Default)]
struct State {
    /// Counter behind every token and code, so each one is unique.
    issued: u64,
    codes: HashSet<String>,
    access_tokens: Vec<String>,
    refresh_tokens: Vec<String>,
    /// Access tokens the model accepts now.
    valid_access: HashSet<String>,
    /// The refresh token that works now.
    live_refresh: Option<String>,
    refreshes: u32,
    revoked: Vec<String>,
    deny_consent: bool,
    device_approved: bool,
    device_pending: bool,
    api_keys: HashSet<String>,
    key_checks: u32,
}

/// The issuer's state; part of [`crate::MockModel`].
#[derive(Debug, Default)]
pub struct Issuer {
    state: Mutex<State>,
}

impl Issuer {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The browser's consent page will say no (the user clicked "Cancel").
    pub fn deny_consent(&self, deny: bool) {
        self.state().deny_consent = deny;
    }

    /// Makes every access token issued so far invalid at the model (as when they expire).
    pub fn expire_access_tokens(&self) {
        self.state().valid_access.clear();
    }

    /// Makes the current refresh token stop working (revoked elsewhere).
    pub fn invalidate_refresh_token(&self) {
        self.state().live_refresh = None;
    }

    /// An API key the model and `/v1/models` accept.
    pub fn accept_api_key(&self, key: &str) {
        self.state().api_keys.insert(key.to_string());
    }

    pub fn refreshes(&self) -> u32 {
        self.state().refreshes
    }

    pub fn revoked(&self) -> Vec<String> {
        self.state().revoked.clone()
    }

    pub fn key_checks(&self) -> u32 {
        self.state().key_checks
    }

    /// Every access token issued, oldest first.
    pub fn access_tokens(&self) -> Vec<String> {
        self.state().access_tokens.clone()
    }

    /// Every refresh token issued, oldest first.
    pub fn refresh_tokens(&self) -> Vec<String> {
        self.state().refresh_tokens.clone()
    }

    /// Whether `token` (an access token or API key) may call the model now.
    pub fn authorizes(&self, token: &str) -> bool {
        let state = self.state();
        state.valid_access.contains(token) || state.api_keys.contains(token)
    }

    /// Routes the issuer's own paths; `None` for paths it does not serve.
    pub(crate) fn route(&self, req: &Request) -> Option<Response> {
        let response = match (req.method.as_str(), req.path.as_str()) {
            ("GET", "/oauth/authorize") => self.authorize(req),
            ("POST", "/oauth/token") => self.token(req),
            ("POST", "/oauth/revoke") => self.revoke(req),
            ("POST", "/api/accounts/deviceauth/usercode") => self.device_code(),
            ("POST", "/api/accounts/deviceauth/token") => self.device_poll(),
            ("GET", "/codex/device") => self.device_approve(),
            ("GET", p) if p.ends_with("/accounts/check") => accounts_check(),
            ("GET", "/v1/models") => self.models(req),
            _ => return None,
        };
        Some(response)
    }

    fn authorize(&self, req: &Request) -> Response {
        let redirect = req.query.get("redirect_uri").cloned().unwrap_or_default();
        let state_param = req.query.get("state").cloned().unwrap_or_default();
        let mut state = self.state();
        let query = if state.deny_consent {
            format!(
                "error=access_denied&error_description={}&state={}",
                percent_encode("The user declined to authorize Codex."),
                percent_encode(&state_param)
            )
        } else {
            state.issued += 1;
            let code = format!("code-{}", state.issued);
            state.codes.insert(code.clone());
            format!(
                "code={}&state={}",
                percent_encode(&code),
                percent_encode(&state_param)
            )
        };
        Response::Redirect {
            location: format!("{redirect}?{query}"),
        }
    }

    fn token(&self, req: &Request) -> Response {
        // Codes are exchanged with a form body, refreshes with JSON.
        let fields = match req.json() {
            Some(Value::Object(map)) => map
                .into_iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string())))
                .collect(),
            _ => req.form(),
        };
        let grant = fields.get("grant_type").map(String::as_str).unwrap_or("");
        let mut state = self.state();
        match grant {
            "authorization_code" => {
                let code = fields.get("code").cloned().unwrap_or_default();
                if !state.codes.remove(&code) {
                    return Response::json(400, json!({"error": "invalid_grant"}));
                }
                Response::json(200, issue(&mut state))
            }
            "refresh_token" => {
                let given = fields.get("refresh_token").cloned().unwrap_or_default();
                if state.live_refresh.as_deref() != Some(given.as_str()) {
                    return Response::json(
                        401,
                        json!({"error": {"code": "refresh_token_invalidated", "message": "Your refresh token was revoked."}}),
                    );
                }
                state.refreshes += 1;
                Response::json(200, issue(&mut state))
            }
            _ => Response::json(400, json!({"error": "unsupported_grant_type"})),
        }
    }

    fn revoke(&self, req: &Request) -> Response {
        let token = req
            .json()
            .and_then(|v| v.get("token").and_then(Value::as_str).map(str::to_string))
            .unwrap_or_default();
        let mut state = self.state();
        if state.live_refresh.as_deref() == Some(token.as_str()) {
            state.live_refresh = None;
        }
        state.revoked.push(token);
        Response::json(200, json!({}))
    }

    fn device_code(&self) -> Response {
        let mut state = self.state();
        state.device_pending = true;
        state.device_approved = false;
        Response::json(
            200,
            json!({"device_auth_id": "dev-auth-1", "user_code": "MOCK-1234", "interval": "1"}),
        )
    }

    /// The user opened the verification page and approved.
    fn device_approve(&self) -> Response {
        self.state().device_approved = true;
        Response::Html {
            code: 200,
            body: "<!doctype html><title>Device approved</title><p>Device approved.</p>".into(),
        }
    }

    fn device_poll(&self) -> Response {
        let mut state = self.state();
        if !(state.device_pending && state.device_approved) {
            return Response::json(403, json!({"error": "authorization_pending"}));
        }
        state.device_pending = false;
        state.issued += 1;
        let code = format!("code-{}", state.issued);
        state.codes.insert(code.clone());
        Response::json(
            200,
            json!({"authorization_code": code, "code_challenge": "mock-challenge", "code_verifier": "mock-verifier"}),
        )
    }

    fn models(&self, req: &Request) -> Response {
        let mut state = self.state();
        state.key_checks += 1;
        let ok = req
            .bearer()
            .is_some_and(|t| state.api_keys.contains(t) || state.valid_access.contains(t));
        if ok {
            Response::json(
                200,
                json!({"object": "list", "data": [{"id": crate::MOCK_MODEL, "object": "model"}]}),
            )
        } else {
            unauthorized()
        }
    }
}

/// The model service's answer to a missing or wrong credential.
pub fn unauthorized() -> Response {
    Response::json(
        401,
        json!({"error": {"message": "Incorrect API key provided.", "type": "invalid_request_error", "code": "invalid_api_key"}}),
    )
}

fn accounts_check() -> Response {
    Response::json(
        200,
        json!({"accounts": [{"id": ACCOUNT_ID, "workspace_backend_origin": "https://chatgpt.com",
                             "account_routing_override": "NO_CONSTRAINT"}]}),
    )
}

/// A fresh id/access/refresh token set; the new access token is valid at the model.
fn issue(state: &mut State) -> Value {
    state.issued += 1;
    let n = state.issued;
    let exp = now_secs() + 3600;
    let auth = json!({"chatgpt_plan_type": PLAN, "chatgpt_user_id": USER_ID,
                      "chatgpt_account_id": ACCOUNT_ID, "user_id": USER_ID});
    let id_token = jwt(&json!({"email": EMAIL, "exp": exp, "https://api.openai.com/auth": auth}));
    let access = jwt(&json!({"exp": exp, "jti": format!("access-{n}"),
                            "https://api.openai.com/auth": auth,
                            "https://api.openai.com/profile": {"email": EMAIL}}));
    let refresh = format!("mock-refresh-token-{n}");
    state.access_tokens.push(access.clone());
    state.refresh_tokens.push(refresh.clone());
    state.valid_access.insert(access.clone());
    state.live_refresh = Some(refresh.clone());
    json!({"id_token": id_token, "access_token": access, "refresh_token": refresh,
           "token_type": "Bearer", "expires_in": 3600})
}

/// An unsigned JWT (codex reads claims, it does not check signatures).
pub fn jwt(claims: &Value) -> String {
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!(
        "{}.{}.mock-signature",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(claims)
    )
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
