//! Approval requests from codex, parked until the user answers: what is asked, which answers
//! codex offers, and the reply each answer becomes on the wire.

use std::collections::BTreeMap;
use std::sync::Mutex;

use codex_desk_protocol::{
    ApprovalChoice, ApprovalKind, ApprovalRequest, Elicitation, ElicitationAsk, NetworkAsk,
    PermissionAsk, QuestionOption, UserQuestion,
};
use serde_json::{json, Value};

use super::elicitation::{self, ELICITATION};

pub const COMMAND_APPROVAL: &str = "item/commandExecution/requestApproval";
pub const FILE_CHANGE_APPROVAL: &str = "item/fileChange/requestApproval";
pub const USER_INPUT: &str = "item/tool/requestUserInput";
pub const PERMISSIONS: &str = "item/permissions/requestApproval";
/// At most this many paths of each kind in one request for access are shown (more: declined).
const MOST_PATHS: usize = 100;
/// At most this many questions in one request are shown (and answered).
const MOST_QUESTIONS: usize = 20;
/// At most this many options per question.
const MOST_OPTIONS: usize = 20;

/// One question waiting for the user, with the id codex gave it.
#[derive(Debug, Clone)]
pub struct Parked {
    pub id: Value,
    pub request: ApprovalRequest,
    /// For a request for access: the access asked, as codex sent it (granted whole).
    asked: Option<Value>,
    /// For a host codex's managed network asks about: the rules codex proposes for it
    /// (`{host, action}`), sent back unchanged when the user picks one (codex refuses a rule
    /// whose host differs from the one it asked about).
    host_rules: Vec<Value>,
}

/// What the user gave besides their choice.
#[derive(Debug, Clone, Copy)]
pub enum Given<'a> {
    Nothing,
    /// Answers to codex's questions, by question id.
    Answers(&'a BTreeMap<String, Vec<String>>),
    /// An MCP server's form, filled in.
    Form(&'a serde_json::Map<String, Value>),
}

impl Parked {
    /// Reads any request codex sends that the user answers (`None`: not one this version
    /// shows).
    pub fn read_request(
        process: &str,
        id: Value,
        method: &str,
        params: &Value,
        now_ms: i64,
    ) -> Option<Parked> {
        let text = |key: &str| params.get(key).and_then(Value::as_str).map(str::to_string);
        let (kind, permissions, elicitation) = match method {
            ELICITATION => {
                let (server, message, ask) = elicitation::read(params)?;
                let elicitation = Elicitation {
                    server,
                    message,
                    ask,
                };
                (ApprovalKind::Elicitation, None, Some(Box::new(elicitation)))
            }
            PERMISSIONS => (
                ApprovalKind::Permissions,
                Some(read_permissions(params.get("permissions")?)?),
                None,
            ),
            _ => return Self::read(process, id, method, params, now_ms),
        };
        let choices = match (&permissions, elicitation.as_deref()) {
            (Some(_), _) => vec![
                ApprovalChoice::Approve,
                ApprovalChoice::ApproveForSession,
                ApprovalChoice::Decline,
            ],
            (
                None,
                Some(Elicitation {
                    ask: ElicitationAsk::ToolCall { .. },
                    ..
                }),
            ) => {
                // For the session where codex offers it. Not "always": codex would write that
                // into the session's copy of the config, which the next start rewrites.
                let persist = elicitation::persist_offered(params);
                let mut choices = vec![ApprovalChoice::Approve];
                if persist.iter().any(|p| p == "session") {
                    choices.push(ApprovalChoice::ApproveForSession);
                }
                choices.push(ApprovalChoice::Decline);
                choices
            }
            _ => vec![ApprovalChoice::Approve, ApprovalChoice::Decline],
        };
        Some(Parked {
            request: ApprovalRequest {
                key: key_of(process, &id),
                kind,
                // An MCP server may ask outside a turn: then the card waits at the end.
                turn_id: text("turnId").unwrap_or_default(),
                item_id: text("itemId").unwrap_or_default(),
                command: None,
                cwd: text("cwd"),
                reason: text("reason").filter(|r| !r.trim().is_empty()),
                grant_root: None,
                allow_prefix: None,
                choices,
                questions: Vec::new(),
                permissions,
                elicitation,
                network: None,
                asked_at: params
                    .get("startedAtMs")
                    .and_then(Value::as_i64)
                    .unwrap_or(now_ms),
            },
            id,
            asked: (kind == ApprovalKind::Permissions)
                .then(|| params.get("permissions").cloned())
                .flatten(),
            host_rules: Vec::new(),
        })
    }

    /// Reads an approval request codex sent (`None` when it is not one this version shows).
    /// `process` names the codex process that asked: its request ids start again at 0.
    pub fn read(
        process: &str,
        id: Value,
        method: &str,
        params: &Value,
        now_ms: i64,
    ) -> Option<Parked> {
        let text = |key: &str| params.get(key).and_then(Value::as_str).map(str::to_string);
        let kind = match method {
            COMMAND_APPROVAL => ApprovalKind::Command,
            FILE_CHANGE_APPROVAL => ApprovalKind::FileChange,
            USER_INPUT => return Self::read_questions(process, id, params, now_ms),
            _ => return None,
        };
        // A host to reach (codex's managed network asks before a connection): shown with the
        // command, when there is one.
        let network = params
            .get("networkApprovalContext")
            .filter(|v| !v.is_null())
            .and_then(|v| serde_json::from_value::<NetworkContext>(v.clone()).ok())
            .map(|c| {
                Box::new(NetworkAsk {
                    port: port_of(
                        text("command").as_deref(),
                        text("itemId").as_deref(),
                        &c.host,
                    ),
                    host: c.host,
                    protocol: c.protocol,
                })
            });
        // Input for a terminal, more access than the command itself, or a network ask this
        // version cannot read: the card cannot show all that is asked, so it is declined by
        // default (never approved unseen).
        let set = |key: &str| params.get(key).is_some_and(|v| !v.is_null());
        if kind == ApprovalKind::Command
            && (text("kind").is_some_and(|k| k != "command")
                || (text("command").is_none() && network.is_none())
                || set("additionalPermissions")
                || (set("networkApprovalContext") && network.is_none()))
        {
            return None;
        }
        let allow_prefix: Option<Vec<String>> = params
            .get("proposedExecpolicyAmendment")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .filter(|p: &Vec<String>| !p.is_empty());
        let host_rules = match &network {
            Some(ask) => host_rules(params, &ask.host),
            None => Vec::new(),
        };
        let choices = match kind {
            ApprovalKind::FileChange => vec![
                ApprovalChoice::Approve,
                ApprovalChoice::ApproveForSession,
                ApprovalChoice::Decline,
                ApprovalChoice::CancelTurn,
            ],
            _ if network.is_some() => network_choices(params, &host_rules),
            _ => command_choices(params, allow_prefix.is_some()),
        };
        // Codex names a host's connection as a command of its own ("network-access
        // https://host:443"): the card says where it connects instead.
        let command =
            text("command").filter(|c| network.is_none() || !c.starts_with(NETWORK_COMMAND));
        Some(Parked {
            request: ApprovalRequest {
                key: key_of(process, &id),
                kind,
                turn_id: text("turnId")?,
                item_id: text("itemId")?,
                command,
                cwd: text("cwd"),
                reason: text("reason").filter(|r| !r.trim().is_empty()),
                grant_root: text("grantRoot"),
                allow_prefix,
                choices,
                questions: Vec::new(),
                permissions: None,
                elicitation: None,
                network,
                asked_at: params
                    .get("startedAtMs")
                    .and_then(Value::as_i64)
                    .unwrap_or(now_ms),
            },
            id,
            asked: None,
            host_rules,
        })
    }

    /// Reads the questions of codex's `request_user_input` tool.
    fn read_questions(process: &str, id: Value, params: &Value, now_ms: i64) -> Option<Parked> {
        let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
        let questions: Vec<UserQuestion> = params
            .get("questions")?
            .as_array()?
            .iter()
            .take(MOST_QUESTIONS)
            .filter_map(|q| {
                Some(UserQuestion {
                    id: text(q, "id")?,
                    header: text(q, "header").unwrap_or_default(),
                    question: text(q, "question").unwrap_or_default(),
                    options: q
                        .get("options")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .take(MOST_OPTIONS)
                        .filter_map(|o| {
                            Some(QuestionOption {
                                label: text(o, "label")?,
                                description: text(o, "description").unwrap_or_default(),
                            })
                        })
                        .collect(),
                    other: q.get("isOther").and_then(Value::as_bool).unwrap_or(false),
                    secret: q.get("isSecret").and_then(Value::as_bool).unwrap_or(false),
                })
            })
            .collect();
        if questions.is_empty() {
            return None;
        }
        Some(Parked {
            request: ApprovalRequest {
                key: key_of(process, &id),
                kind: ApprovalKind::Questions,
                turn_id: text(params, "turnId")?,
                item_id: text(params, "itemId")?,
                command: None,
                cwd: None,
                reason: None,
                grant_root: None,
                allow_prefix: None,
                choices: vec![ApprovalChoice::Approve, ApprovalChoice::Decline],
                questions,
                permissions: None,
                elicitation: None,
                network: None,
                asked_at: now_ms,
            },
            id,
            asked: None,
            host_rules: Vec::new(),
        })
    }

    /// The reply to `choice`, with what the user gave: answers to questions (those asked, empty
    /// ones left out; none unless `choice` sends them), a form's content (checked by the caller).
    pub fn reply_with(&self, choice: ApprovalChoice, given: Given<'_>) -> Value {
        match (self.request.kind, given) {
            (ApprovalKind::Questions, Given::Answers(answers)) => {
                let mut said = serde_json::Map::new();
                if choice == ApprovalChoice::Approve {
                    for question in &self.request.questions {
                        let answered: Vec<&String> = answers
                            .get(&question.id)
                            .into_iter()
                            .flatten()
                            .filter(|a| !a.trim().is_empty())
                            .collect();
                        if !answered.is_empty() {
                            said.insert(question.id.clone(), json!({ "answers": answered }));
                        }
                    }
                }
                json!({ "answers": said })
            }
            (ApprovalKind::Elicitation, Given::Form(content))
                if choice == ApprovalChoice::Approve =>
            {
                json!({ "action": "accept", "content": content, "_meta": null })
            }
            _ => self.reply(choice),
        }
    }

    /// The reply codex expects for `choice` (questions: none answered).
    pub fn reply(&self, choice: ApprovalChoice) -> Value {
        match self.request.kind {
            ApprovalKind::Questions => return json!({ "answers": {} }),
            ApprovalKind::Permissions => return self.permissions_reply(choice),
            ApprovalKind::Elicitation => return self.elicitation_reply(choice),
            ApprovalKind::Command | ApprovalKind::FileChange => {}
        }
        let decision = match choice {
            ApprovalChoice::Approve => json!("accept"),
            ApprovalChoice::ApproveForSession => json!("acceptForSession"),
            ApprovalChoice::AllowPrefix => match &self.request.allow_prefix {
                Some(prefix) => json!({
                    "acceptWithExecpolicyAmendment": { "execpolicy_amendment": prefix }
                }),
                None => json!("accept"),
            },
            ApprovalChoice::Decline => json!("decline"),
            ApprovalChoice::CancelTurn => json!("cancel"),
            ApprovalChoice::AllowHost => self.host_rule("allow").unwrap_or_else(|| json!("accept")),
            ApprovalChoice::BlockHost => self.host_rule("deny").unwrap_or_else(|| json!("decline")),
        };
        json!({ "decision": decision })
    }
}

impl Parked {
    /// The decision that sets codex's proposed rule `action` (`allow`, `deny`) for the host.
    fn host_rule(&self, action: &str) -> Option<Value> {
        let rule = rule_for(&self.host_rules, action)?;
        Some(json!({ "applyNetworkPolicyAmendment": { "network_policy_amendment": rule } }))
    }

    /// Access granted is all that was asked (the card shows all of it), for the turn or the
    /// session; declined, none.
    fn permissions_reply(&self, choice: ApprovalChoice) -> Value {
        let asked = self.asked.clone().unwrap_or_else(|| json!({}));
        let (granted, scope) = match choice {
            ApprovalChoice::Approve => (asked, "turn"),
            ApprovalChoice::ApproveForSession => (asked, "session"),
            _ => (json!({}), "turn"),
        };
        json!({ "permissions": granted, "scope": scope })
    }

    /// A form sent empty (its content comes through [`Given::Form`]), a page opened, a tool
    /// call allowed (for the session: codex does not ask again); Stop and the like cancel.
    fn elicitation_reply(&self, choice: ApprovalChoice) -> Value {
        let page = matches!(
            self.request.elicitation.as_deref(),
            Some(Elicitation {
                ask: ElicitationAsk::Url { .. },
                ..
            })
        );
        match choice {
            // A page opened has no content; a form or tool call, an empty one.
            ApprovalChoice::Approve | ApprovalChoice::AllowPrefix => {
                let content = if page { Value::Null } else { json!({}) };
                json!({ "action": "accept", "content": content, "_meta": null })
            }
            ApprovalChoice::ApproveForSession => {
                json!({ "action": "accept", "content": {}, "_meta": { "persist": "session" } })
            }
            ApprovalChoice::Decline => {
                json!({ "action": "decline", "content": null, "_meta": null })
            }
            ApprovalChoice::CancelTurn => {
                json!({ "action": "cancel", "content": null, "_meta": null })
            }
            // Never offered for a server's question (see `take_for`).
            ApprovalChoice::AllowHost | ApprovalChoice::BlockHost => {
                json!({ "action": "decline", "content": null, "_meta": null })
            }
        }
    }
}

/// What codex asks in a request for access, as the card shows it: its paths (old-style lists
/// and newer entries alike; patterns and special places in words). `None` when there is too
/// much to show, or nothing: then it is declined.
fn read_permissions(asked: &Value) -> Option<PermissionAsk> {
    let mut ask = PermissionAsk {
        network: asked
            .pointer("/network/enabled")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        ..PermissionAsk::default()
    };
    fn add(list: &mut Vec<String>, place: String) {
        if !list.contains(&place) {
            list.push(place);
        }
    }
    for key in ["read", "write"] {
        for path in asked
            .pointer(&format!("/fileSystem/{key}"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let list = if key == "read" {
                &mut ask.read
            } else {
                &mut ask.write
            };
            add(list, path.as_str()?.to_string());
        }
    }
    for entry in asked
        .pointer("/fileSystem/entries")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let place = place_in_words(entry.get("path")?)?;
        match entry.get("access").and_then(Value::as_str)? {
            "read" => add(&mut ask.read, place),
            "write" => add(&mut ask.write, place),
            // Less access, not more: nothing to agree to.
            "deny" => {}
            _ => return None,
        }
    }
    if ask.read.len() + ask.write.len() > MOST_PATHS {
        return None;
    }
    (ask != PermissionAsk::default()).then_some(ask)
}

/// A file-system entry's path as the user reads it.
fn place_in_words(path: &Value) -> Option<String> {
    let text = |key: &str| path.get(key).and_then(Value::as_str).map(str::to_string);
    Some(match path.get("type").and_then(Value::as_str)? {
        "path" => text("path")?,
        "glob_pattern" => format!("files matching {}", text("pattern")?),
        "special" => {
            let special = path.get("value")?;
            let sub = special
                .get("subpath")
                .and_then(Value::as_str)
                .map(|s| format!(" ({s})"))
                .unwrap_or_default();
            match special.get("kind").and_then(Value::as_str)? {
                "root" => "the whole file system".into(),
                "minimal" => "the system files programs need".into(),
                "project_roots" => format!("the workspace{sub}"),
                "tmpdir" => "the temp folder".into(),
                "slash_tmp" => "/tmp".into(),
                _ => format!("{}{sub}", special.get("path").and_then(Value::as_str)?),
            }
        }
        _ => return None,
    })
}

/// The answers codex offers for a command, in its order; Decline is always offered (codex
/// takes it even when it does not list it, and it is the safe answer).
/// Codex's managed-network ask, as this version knows it: anything more is not shown half.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NetworkContext {
    host: String,
    protocol: String,
}

/// The port in a network ask's item id (`network#https#pypi.org#443`).
/// How codex names a host's connection as a command: `network-access https://host:443`.
const NETWORK_COMMAND: &str = "network-access ";

/// The port a network ask is about: from codex's command for it (`network-access
/// https://host:443`), else from its item id (`network#[env#]proto#host#port[#id]`: the part
/// after the host).
fn port_of(command: Option<&str>, item_id: Option<&str>, host: &str) -> Option<u16> {
    let from_command = command
        .and_then(|c| c.strip_prefix(NETWORK_COMMAND))
        .and_then(|target| target.rsplit_once(':'))
        .and_then(|(_, port)| port.trim().parse().ok());
    from_command.or_else(|| {
        let mut parts = item_id?.strip_prefix("network#")?.split('#');
        parts.find(|p| p.eq_ignore_ascii_case(host))?;
        parts.next()?.parse().ok()
    })
}

/// The rules codex proposes for `host` (allow, deny), as it sent them; none for another host.
fn host_rules(params: &Value, host: &str) -> Vec<Value> {
    let mut rules: Vec<Value> = Vec::new();
    let proposed = params
        .get("proposedNetworkPolicyAmendments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    for rule in proposed {
        let Some(action @ ("allow" | "deny")) = rule.get("action").and_then(Value::as_str) else {
            continue;
        };
        let for_host = rule
            .get("host")
            .and_then(Value::as_str)
            .is_some_and(|h| h.eq_ignore_ascii_case(host));
        if for_host && rule_for(&rules, action).is_none() {
            rules.push(rule.clone());
        }
    }
    rules
}

/// The rule among `rules` that does `action` (`allow`, `deny`).
fn rule_for<'a>(rules: &'a [Value], action: &str) -> Option<&'a Value> {
    rules
        .iter()
        .find(|r| r.get("action").and_then(Value::as_str) == Some(action))
}

/// The answers codex lists in `availableDecisions` that `choice_of` knows, in its order, each
/// once (`None`: codex lists none, and its default applies).
fn offered(
    params: &Value,
    choice_of: impl Fn(&Value) -> Option<ApprovalChoice>,
) -> Option<Vec<ApprovalChoice>> {
    let listed = params.get("availableDecisions").and_then(Value::as_array)?;
    let mut choices = Vec::new();
    for choice in listed.iter().filter_map(choice_of) {
        if !choices.contains(&choice) {
            choices.push(choice);
        }
    }
    Some(choices)
}

/// The answers to a host codex's managed network asks about: once, for the session, from now
/// on, or not (once, or from now on). Codex's "cancel" is left out: for a host it refuses the
/// connection like Decline and does not end the turn (Stop does).
fn network_choices(params: &Value, rules: &[Value]) -> Vec<ApprovalChoice> {
    let has = |action: &str| rule_for(rules, action).is_some();
    let listed = offered(params, |decision| match decision {
        Value::String(s) if s == "accept" => Some(ApprovalChoice::Approve),
        Value::String(s) if s == "acceptForSession" => Some(ApprovalChoice::ApproveForSession),
        // Blocking comes after Decline, below, offered or not.
        Value::Object(o) => o
            .get("applyNetworkPolicyAmendment")
            .and_then(|a| a.pointer("/network_policy_amendment/action"))
            .filter(|action| action.as_str() == Some("allow") && has("allow"))
            .map(|_| ApprovalChoice::AllowHost),
        _ => None,
    });
    // Without a list, codex's own default.
    let mut choices = listed.unwrap_or_else(|| {
        let mut choices = vec![ApprovalChoice::Approve, ApprovalChoice::ApproveForSession];
        if has("allow") {
            choices.push(ApprovalChoice::AllowHost);
        }
        choices
    });
    // Refusing is always possible; blocking from now on where codex proposes it (its terminal
    // offers it too, though its list leaves it out).
    choices.push(ApprovalChoice::Decline);
    if has("deny") {
        choices.push(ApprovalChoice::BlockHost);
    }
    choices
}

fn command_choices(params: &Value, has_prefix: bool) -> Vec<ApprovalChoice> {
    let listed = offered(params, |decision| match decision {
        Value::String(s) if s == "accept" => Some(ApprovalChoice::Approve),
        Value::String(s) if s == "acceptForSession" => Some(ApprovalChoice::ApproveForSession),
        Value::String(s) if s == "decline" => Some(ApprovalChoice::Decline),
        Value::String(s) if s == "cancel" => Some(ApprovalChoice::CancelTurn),
        Value::Object(o) if o.contains_key("acceptWithExecpolicyAmendment") => {
            has_prefix.then_some(ApprovalChoice::AllowPrefix)
        }
        // A network rule, or an answer newer than this version: not offered.
        _ => None,
    });
    // Without a list, codex's own default: approve, the proposed rule when there is one, cancel.
    let mut choices = listed.unwrap_or_else(|| {
        let mut choices = vec![ApprovalChoice::Approve];
        if has_prefix {
            choices.push(ApprovalChoice::AllowPrefix);
        }
        choices.push(ApprovalChoice::CancelTurn);
        choices
    });
    if !choices.contains(&ApprovalChoice::Decline) {
        let at = choices
            .iter()
            .position(|c| *c == ApprovalChoice::CancelTurn)
            .unwrap_or(choices.len());
        choices.insert(at, ApprovalChoice::Decline);
    }
    choices
}

/// The key the window knows a request by: the codex process that asked, and its request id
/// (a number or a string).
pub fn key_of(process: &str, id: &Value) -> String {
    match id {
        Value::String(s) => format!("{process}:{s}"),
        other => format!("{process}:{other}"),
    }
}

/// The questions of one live session, by key.
#[derive(Default)]
pub struct Approvals {
    parked: Mutex<BTreeMap<String, Parked>>,
}

impl Approvals {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Parked>> {
        self.parked.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn park(&self, parked: Parked) {
        self.lock().insert(parked.request.key.clone(), parked);
    }

    /// Takes the question `key` to answer it; `None` when it is no longer asked.
    pub fn take(&self, key: &str) -> Option<Parked> {
        self.lock().remove(key)
    }

    /// Takes the question `key` if `choice` is among its answers; `None` otherwise (then it
    /// stays asked, when it was).
    pub fn take_for(&self, key: &str, choice: ApprovalChoice) -> Option<Parked> {
        let mut parked = self.lock();
        if !parked.get(key)?.request.choices.contains(&choice) {
            return None;
        }
        parked.remove(key)
    }

    /// Takes the questions of a turn that ended (codex drops them itself). An MCP server's is
    /// not the turn's: codex only notes which turn ran when it asked, and keeps waiting.
    pub fn take_turn(&self, turn_id: &str) -> Vec<Parked> {
        let mut parked = self.lock();
        let keys: Vec<String> = parked
            .iter()
            .filter(|(_, p)| {
                p.request.turn_id == turn_id && p.request.kind != ApprovalKind::Elicitation
            })
            .map(|(k, _)| k.clone())
            .collect();
        keys.iter().filter_map(|k| parked.remove(k)).collect()
    }

    /// Takes every question (Stop, exit).
    pub fn drain(&self) -> Vec<Parked> {
        std::mem::take(&mut *self.lock()).into_values().collect()
    }

    /// What is asked now, oldest first.
    pub fn pending(&self) -> Vec<codex_desk_protocol::ApprovalRequest> {
        let mut pending: Vec<_> = self.lock().values().map(|p| p.request.clone()).collect();
        pending.sort_by_key(|r| r.asked_at);
        pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_request_offers_codexs_answers_and_decline() {
        let params = json!({
            "kind": "command", "threadId": "t", "turnId": "turn", "itemId": "call_1",
            "startedAtMs": 5, "environmentId": "local", "reason": "Needs to write outside",
            "command": "/bin/bash -lc 'touch /x'", "cwd": "/w",
            "proposedExecpolicyAmendment": ["touch", "/x"],
            "availableDecisions": ["accept", {"acceptWithExecpolicyAmendment": {"execpolicy_amendment": ["touch", "/x"]}}, "cancel",
                {"applyNetworkPolicyAmendment": {"network_policy_amendment": {"host": "h", "action": "allow"}}}]
        });
        let parked =
            Parked::read("p", json!(0), COMMAND_APPROVAL, &params, 9).expect("an approval");
        assert_eq!(parked.request.key, "p:0");
        assert_eq!(
            parked.request.choices,
            vec![
                ApprovalChoice::Approve,
                ApprovalChoice::AllowPrefix,
                ApprovalChoice::Decline,
                ApprovalChoice::CancelTurn
            ]
        );
        assert_eq!(parked.request.asked_at, 5);
        assert_eq!(
            parked.reply(ApprovalChoice::Approve),
            json!({"decision": "accept"})
        );
        assert_eq!(
            parked.reply(ApprovalChoice::AllowPrefix),
            json!({"decision": {"acceptWithExecpolicyAmendment": {"execpolicy_amendment": ["touch", "/x"]}}})
        );
        assert_eq!(
            parked.reply(ApprovalChoice::CancelTurn),
            json!({"decision": "cancel"})
        );
    }

    #[test]
    fn a_file_change_offers_all_four_and_other_requests_are_not_parked() {
        let params = json!({"threadId": "t", "turnId": "turn", "itemId": "p", "startedAtMs": 1, "reason": null, "grantRoot": null});
        let parked =
            Parked::read("p", json!("r-1"), FILE_CHANGE_APPROVAL, &params, 0).expect("an approval");
        assert_eq!(parked.request.key, "p:r-1");
        assert_eq!(parked.request.choices.len(), 4);
        assert_eq!(
            parked.reply(ApprovalChoice::ApproveForSession),
            json!({"decision": "acceptForSession"})
        );
        let stdin = json!({"kind": "writeStdin", "threadId": "t", "turnId": "turn", "itemId": "c", "startedAtMs": 1});
        assert!(Parked::read("p", json!(1), COMMAND_APPROVAL, &stdin, 0).is_none());
        assert!(Parked::read("p", json!(2), "item/tool/requestUserInput", &params, 0).is_none());
        // More access than the command shows: never parked, so never approved unseen.
        let wider = json!({"kind": "command", "threadId": "t", "turnId": "turn", "itemId": "c",
            "startedAtMs": 1, "command": "ls", "additionalPermissions": {"network": {"enabled": true}, "fileSystem": null}});
        assert!(Parked::read("p", json!(4), COMMAND_APPROVAL, &wider, 0).is_none());
        // A host to reach (codex's managed network), as an older codex asks: no command, the
        // host and port in the item id.
        let network = json!({"kind": "command", "threadId": "t", "turnId": "turn",
            "itemId": "network#https#pypi.org#443", "startedAtMs": 1, "command": null, "cwd": null,
            "reason": "pypi.org is not in the allowed_domains",
            "networkApprovalContext": {"host": "pypi.org", "protocol": "https"}});
        let parked =
            Parked::read("p", json!(5), COMMAND_APPROVAL, &network, 0).expect("a network card");
        assert_eq!(
            parked.request.network,
            Some(Box::new(NetworkAsk {
                host: "pypi.org".into(),
                protocol: "https".into(),
                port: Some(443)
            }))
        );
        // No rule proposed: once, for the session, or not. Codex's "cancel" would only refuse.
        assert_eq!(
            parked.request.choices,
            vec![
                ApprovalChoice::Approve,
                ApprovalChoice::ApproveForSession,
                ApprovalChoice::Decline,
            ]
        );
        assert_eq!(
            parked.reply(ApprovalChoice::ApproveForSession),
            json!({"decision": "acceptForSession"})
        );
        assert_eq!(
            parked.reply(ApprovalChoice::Decline),
            json!({"decision": "decline"})
        );
        // A network ask this version cannot read whole is not shown half: not parked.
        for context in [
            json!({"hostname": "x"}),
            json!({"host": "x", "protocol": "https", "scheme": "new"}),
        ] {
            let unreadable = json!({"kind": "command", "threadId": "t", "turnId": "turn",
                "itemId": "network#https#x#443", "startedAtMs": 1, "networkApprovalContext": context});
            assert!(Parked::read("p", json!(7), COMMAND_APPROVAL, &unreadable, 0).is_none());
        }
        // No list from codex: its default, with the proposed rule.
        let plain = json!({"kind": "command", "threadId": "t", "turnId": "turn", "itemId": "c",
            "startedAtMs": 1, "command": "touch /x", "proposedExecpolicyAmendment": ["touch"]});
        let parked = Parked::read("p", json!(6), COMMAND_APPROVAL, &plain, 0).expect("an approval");
        assert_eq!(
            parked.request.choices,
            vec![
                ApprovalChoice::Approve,
                ApprovalChoice::AllowPrefix,
                ApprovalChoice::Decline,
                ApprovalChoice::CancelTurn
            ]
        );
        let no_turn = json!({"threadId": "t", "itemId": "p"});
        assert!(Parked::read("p", json!(3), FILE_CHANGE_APPROVAL, &no_turn, 0).is_none());
    }

    #[test]
    fn a_host_is_allowed_or_blocked_from_now_on_with_the_rule_codex_proposed() {
        // As codex 0.169 asks: its own command for the connection, an item id with the
        // environment and a unique suffix, both rules proposed, its list without the deny.
        let ask = json!({"kind": "command", "threadId": "t", "turnId": "turn",
            "itemId": "network#local#https#pypi.org#443#9f0c", "startedAtMs": 1,
            "environmentId": "local", "command": "network-access https://pypi.org:443",
            "cwd": "/w", "reason": "pypi.org is not in the allowed_domains",
            "networkApprovalContext": {"host": "pypi.org", "protocol": "https"},
            "proposedNetworkPolicyAmendments": [
                {"host": "pypi.org", "action": "allow"}, {"host": "pypi.org", "action": "deny"},
                {"host": "evil.example", "action": "allow"}],
            "availableDecisions": ["accept", "acceptForSession",
                {"applyNetworkPolicyAmendment": {"network_policy_amendment": {"host": "pypi.org", "action": "allow"}}},
                "cancel"]});
        let parked = Parked::read("p", json!(1), COMMAND_APPROVAL, &ask, 0).expect("a card");
        let network = parked.request.network.as_deref().expect("a host");
        assert_eq!(
            (network.host.as_str(), network.port),
            ("pypi.org", Some(443))
        );
        assert_eq!(
            parked.request.command, None,
            "the card names the host instead"
        );
        assert_eq!(
            parked.request.choices,
            vec![
                ApprovalChoice::Approve,
                ApprovalChoice::ApproveForSession,
                ApprovalChoice::AllowHost,
                ApprovalChoice::Decline,
                ApprovalChoice::BlockHost,
            ]
        );
        assert_eq!(
            parked.reply(ApprovalChoice::AllowHost),
            json!({"decision": {"applyNetworkPolicyAmendment": {"network_policy_amendment": {"host": "pypi.org", "action": "allow"}}}})
        );
        assert_eq!(
            parked.reply(ApprovalChoice::BlockHost),
            json!({"decision": {"applyNetworkPolicyAmendment": {"network_policy_amendment": {"host": "pypi.org", "action": "deny"}}}})
        );
        // The port from the item id when the command does not name it.
        assert_eq!(
            port_of(
                None,
                Some("network#local#socks5-tcp#db.internal#5432#x"),
                "db.internal"
            ),
            Some(5432)
        );
        assert_eq!(
            port_of(None, Some("network#https#pypi.org#443"), "pypi.org"),
            Some(443)
        );
        assert_eq!(port_of(None, Some("call_1"), "pypi.org"), None);
        // Without codex's list: its default, with the rules it proposes.
        let mut bare = ask.clone();
        bare["availableDecisions"] = Value::Null;
        let parked = Parked::read("p", json!(2), COMMAND_APPROVAL, &bare, 0).expect("a card");
        assert_eq!(parked.request.choices.len(), 5);
        // A rule for another host is never offered: codex would refuse it, and the connection.
        let elsewhere = json!({"kind": "command", "threadId": "t", "turnId": "turn",
            "itemId": "network#local#https#pypi.org#443#1", "startedAtMs": 1,
            "networkApprovalContext": {"host": "pypi.org", "protocol": "https"},
            "proposedNetworkPolicyAmendments": [{"host": "evil.example", "action": "allow"}],
            "availableDecisions": ["accept",
                {"applyNetworkPolicyAmendment": {"network_policy_amendment": {"host": "evil.example", "action": "allow"}}}]});
        let parked = Parked::read("p", json!(3), COMMAND_APPROVAL, &elsewhere, 0).expect("a card");
        assert_eq!(
            parked.request.choices,
            vec![ApprovalChoice::Approve, ApprovalChoice::Decline]
        );
        // A command's card never offers a host rule.
        let command = json!({"kind": "command", "threadId": "t", "turnId": "turn", "itemId": "c",
            "startedAtMs": 1, "command": "curl pypi.org",
            "availableDecisions": ["accept",
                {"applyNetworkPolicyAmendment": {"network_policy_amendment": {"host": "pypi.org", "action": "allow"}}}]});
        let parked = Parked::read("p", json!(4), COMMAND_APPROVAL, &command, 0).expect("a card");
        assert!(!parked.request.choices.contains(&ApprovalChoice::AllowHost));
    }

    #[test]
    fn parked_questions_are_taken_once_and_drained_oldest_first() {
        let approvals = Approvals::default();
        for (id, at) in [(1, 20), (2, 10)] {
            let params =
                json!({"threadId": "t", "turnId": "turn", "itemId": "p", "startedAtMs": at});
            approvals.park(
                Parked::read("p", json!(id), FILE_CHANGE_APPROVAL, &params, 0).expect("read"),
            );
        }
        let keys: Vec<_> = approvals.pending().into_iter().map(|r| r.key).collect();
        assert_eq!(keys, vec!["p:2", "p:1"]);
        assert!(approvals
            .take_for("p:2", ApprovalChoice::AllowPrefix)
            .is_none());
        assert!(approvals.take_for("p:2", ApprovalChoice::Approve).is_some());
        assert!(approvals.take("p:2").is_none());
        assert_eq!(approvals.drain().len(), 1);
        assert!(approvals.pending().is_empty());
    }

    #[test]
    fn a_request_for_access_is_granted_whole_for_the_turn_or_session_or_not_at_all() {
        let params = json!({"threadId": "t", "turnId": "turn", "itemId": "call_p", "cwd": "/w",
            "startedAtMs": 4, "reason": "Fetch the docs",
            "permissions": {"network": {"enabled": true}, "fileSystem": {"read": null, "write": ["/data/out"]}}});
        let parked =
            Parked::read_request("p", json!(7), PERMISSIONS, &params, 0).expect("an approval");
        assert_eq!(parked.request.kind, ApprovalKind::Permissions);
        assert_eq!(
            parked.request.permissions,
            Some(PermissionAsk {
                network: true,
                read: vec![],
                write: vec!["/data/out".into()]
            })
        );
        assert_eq!(parked.request.reason.as_deref(), Some("Fetch the docs"));
        let grant = json!({"network": {"enabled": true}, "fileSystem": {"read": null, "write": ["/data/out"]}});
        assert_eq!(
            parked.reply(ApprovalChoice::Approve),
            json!({"permissions": grant, "scope": "turn"})
        );
        assert_eq!(
            parked.reply(ApprovalChoice::ApproveForSession),
            json!({"permissions": grant, "scope": "session"})
        );
        for refused in [ApprovalChoice::Decline, ApprovalChoice::CancelTurn] {
            assert_eq!(
                parked.reply(refused),
                json!({"permissions": {}, "scope": "turn"})
            );
        }
        // What the card could not show is never granted unseen: not parked (declined).
        let entries = json!({"turnId": "turn", "itemId": "c", "permissions": {"network": null,
            "fileSystem": {"read": null, "write": null, "entries": [{"path": {"type": "special"}, "access": "write"}]}}});
        assert!(Parked::read_request("p", json!(8), PERMISSIONS, &entries, 0).is_none());
        let newer = json!({"turnId": "turn", "itemId": "c", "permissions": {"network": null,
            "fileSystem": {"read": null, "write": null, "entries": [
                {"path": {"type": "path", "path": "/srv/a"}, "access": "read"},
                {"path": {"type": "special", "value": {"kind": "root"}}, "access": "write"},
                {"path": {"type": "glob_pattern", "pattern": "**/.env"}, "access": "deny"}]}}});
        let parked = Parked::read_request("p", json!(10), PERMISSIONS, &newer, 0).expect("shown");
        assert_eq!(
            parked.request.permissions,
            Some(PermissionAsk {
                network: false,
                read: vec!["/srv/a".into()],
                write: vec!["the whole file system".into()]
            })
        );
        assert_eq!(
            parked.reply(ApprovalChoice::Approve)["permissions"],
            newer["permissions"],
            "granted as asked"
        );
        let nothing = json!({"turnId": "turn", "itemId": "c", "permissions": {"network": null, "fileSystem": null}});
        assert!(Parked::read_request("p", json!(9), PERMISSIONS, &nothing, 0).is_none());
    }

    #[test]
    fn an_mcp_form_is_answered_with_its_content_and_a_tool_call_for_the_session() {
        let params = json!({"threadId": "t", "turnId": null, "serverName": "docs", "mode": "form",
            "message": "Your name?", "_meta": null,
            "requestedSchema": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}});
        let parked =
            Parked::read_request("p", json!("e1"), ELICITATION, &params, 0).expect("a form");
        assert_eq!(parked.request.kind, ApprovalKind::Elicitation);
        assert_eq!(parked.request.turn_id, "", "asked outside a turn");
        assert_eq!(
            parked.request.choices,
            vec![ApprovalChoice::Approve, ApprovalChoice::Decline]
        );
        let content = json!({"name": "Ada"});
        assert_eq!(
            parked.reply_with(
                ApprovalChoice::Approve,
                Given::Form(content.as_object().expect("object"))
            ),
            json!({"action": "accept", "content": {"name": "Ada"}, "_meta": null})
        );
        assert_eq!(parked.reply(ApprovalChoice::Decline)["action"], "decline");
        assert_eq!(
            parked.reply(ApprovalChoice::CancelTurn)["action"],
            "cancel",
            "Stop"
        );
        let tool = json!({"threadId": "t", "turnId": "turn", "serverName": "docs", "mode": "form",
            "message": "Allow the docs MCP server to run tool \"search\"?",
            "requestedSchema": {"type": "object", "properties": {}},
            "_meta": {"codex_approval_kind": "mcp_tool_call", "persist": ["session", "always"]}});
        let parked =
            Parked::read_request("p", json!(2), ELICITATION, &tool, 0).expect("a tool call");
        assert_eq!(
            parked.request.choices,
            vec![
                ApprovalChoice::Approve,
                ApprovalChoice::ApproveForSession,
                ApprovalChoice::Decline
            ],
            "never always: the session's config is rewritten at each start"
        );
        assert_eq!(
            parked.reply(ApprovalChoice::ApproveForSession),
            json!({"action": "accept", "content": {}, "_meta": {"persist": "session"}})
        );
        assert_eq!(
            parked.reply(ApprovalChoice::Approve),
            json!({"action": "accept", "content": {}, "_meta": null})
        );
    }
}
