//! Approval requests from codex, parked until the user answers: what is asked, which answers
//! codex offers, and the reply each answer becomes on the wire.

use std::collections::BTreeMap;
use std::sync::Mutex;

use codex_desk_protocol::{
    ApprovalChoice, ApprovalKind, ApprovalRequest, QuestionOption, UserQuestion,
};
use serde_json::{json, Value};

pub const COMMAND_APPROVAL: &str = "item/commandExecution/requestApproval";
pub const FILE_CHANGE_APPROVAL: &str = "item/fileChange/requestApproval";
pub const USER_INPUT: &str = "item/tool/requestUserInput";
/// At most this many questions in one request are shown (and answered).
const MOST_QUESTIONS: usize = 20;
/// At most this many options per question.
const MOST_OPTIONS: usize = 20;

/// One question waiting for the user, with the id codex gave it.
#[derive(Debug, Clone)]
pub struct Parked {
    pub id: Value,
    pub request: ApprovalRequest,
}

impl Parked {
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
        // Input for a terminal, a network rule, or more access than the command itself: the
        // card cannot show all that is asked yet, so it is declined by default (never approved
        // unseen).
        let set = |key: &str| params.get(key).is_some_and(|v| !v.is_null());
        if kind == ApprovalKind::Command
            && (text("kind").is_some_and(|k| k != "command")
                || text("command").is_none()
                || set("additionalPermissions")
                || set("networkApprovalContext"))
        {
            return None;
        }
        let allow_prefix: Option<Vec<String>> = params
            .get("proposedExecpolicyAmendment")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .filter(|p: &Vec<String>| !p.is_empty());
        let choices = match kind {
            ApprovalKind::FileChange => vec![
                ApprovalChoice::Approve,
                ApprovalChoice::ApproveForSession,
                ApprovalChoice::Decline,
                ApprovalChoice::CancelTurn,
            ],
            ApprovalKind::Command | ApprovalKind::Questions => {
                command_choices(params, allow_prefix.is_some())
            }
        };
        Some(Parked {
            request: ApprovalRequest {
                key: key_of(process, &id),
                kind,
                turn_id: text("turnId")?,
                item_id: text("itemId")?,
                command: text("command"),
                cwd: text("cwd"),
                reason: text("reason").filter(|r| !r.trim().is_empty()),
                grant_root: text("grantRoot"),
                allow_prefix,
                choices,
                questions: Vec::new(),
                asked_at: params
                    .get("startedAtMs")
                    .and_then(Value::as_i64)
                    .unwrap_or(now_ms),
            },
            id,
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
                asked_at: now_ms,
            },
            id,
        })
    }

    /// The reply to questions: the user's answers to those asked (each question's id to its
    /// answers; unknown ids and empty answers left out), none unless `choice` sends them.
    pub fn reply_with(
        &self,
        choice: ApprovalChoice,
        answers: &BTreeMap<String, Vec<String>>,
    ) -> Value {
        if self.request.kind != ApprovalKind::Questions {
            return self.reply(choice);
        }
        let mut given = serde_json::Map::new();
        if choice == ApprovalChoice::Approve {
            for question in &self.request.questions {
                let said: Vec<&String> = answers
                    .get(&question.id)
                    .into_iter()
                    .flatten()
                    .filter(|a| !a.trim().is_empty())
                    .collect();
                if !said.is_empty() {
                    given.insert(question.id.clone(), json!({ "answers": said }));
                }
            }
        }
        json!({ "answers": given })
    }

    /// The reply codex expects for `choice` (questions: none answered).
    pub fn reply(&self, choice: ApprovalChoice) -> Value {
        if self.request.kind == ApprovalKind::Questions {
            return json!({ "answers": {} });
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
        };
        json!({ "decision": decision })
    }
}

/// The answers codex offers for a command, in its order; Decline is always offered (codex
/// takes it even when it does not list it, and it is the safe answer).
fn command_choices(params: &Value, has_prefix: bool) -> Vec<ApprovalChoice> {
    let mut choices = Vec::new();
    match params.get("availableDecisions").and_then(Value::as_array) {
        Some(offered) => {
            for decision in offered {
                let choice = match decision {
                    Value::String(s) if s == "accept" => Some(ApprovalChoice::Approve),
                    Value::String(s) if s == "acceptForSession" => {
                        Some(ApprovalChoice::ApproveForSession)
                    }
                    Value::String(s) if s == "decline" => Some(ApprovalChoice::Decline),
                    Value::String(s) if s == "cancel" => Some(ApprovalChoice::CancelTurn),
                    Value::Object(o) if o.contains_key("acceptWithExecpolicyAmendment") => {
                        has_prefix.then_some(ApprovalChoice::AllowPrefix)
                    }
                    // A network rule, or an answer newer than this version: not offered.
                    _ => None,
                };
                if let Some(choice) = choice.filter(|c| !choices.contains(c)) {
                    choices.push(choice);
                }
            }
        }
        // Codex's own default: approve, the proposed rule when there is one, cancel.
        None => {
            choices.push(ApprovalChoice::Approve);
            if has_prefix {
                choices.push(ApprovalChoice::AllowPrefix);
            }
            choices.push(ApprovalChoice::CancelTurn);
        }
    }
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

    /// Takes the questions of a turn that ended.
    pub fn take_turn(&self, turn_id: &str) -> Vec<Parked> {
        let mut parked = self.lock();
        let keys: Vec<String> = parked
            .iter()
            .filter(|(_, p)| p.request.turn_id == turn_id)
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
        let network = json!({"kind": "command", "threadId": "t", "turnId": "turn", "itemId": "c",
            "startedAtMs": 1, "command": "curl x", "networkApprovalContext": {"host": "x", "protocol": "https"}});
        assert!(Parked::read("p", json!(5), COMMAND_APPROVAL, &network, 0).is_none());
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
}
