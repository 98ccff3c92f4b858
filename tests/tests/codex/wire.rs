//! The codex messages the core reads (`codex_desk_core::codex::wire`) fit the JSON schema the
//! pinned codex generates: each notification exists under its method name, every field the core
//! reads is there (required where the core requires it, never null where the core cannot take
//! null), and every value codex may send for a status or a kind is one the core knows. A codex
//! upgrade that changes any of that fails here instead of being stored as empty ids.

use std::collections::BTreeSet;
use std::path::Path;

use codex_desk_core::codex::wire::{self, method};
use codex_desk_tests::codex_binary;
use schemars::generate::SchemaSettings;
use schemars::JsonSchema;
use serde_json::Value;

/// A schema with the document its `$ref`s point into.
#[derive(Clone, Copy)]
struct At<'a> {
    root: &'a Value,
    schema: &'a Value,
}

impl<'a> At<'a> {
    fn to(self, schema: &'a Value) -> At<'a> {
        At { schema, ..self }
    }

    /// Follows `$ref`s (and a lone `allOf`).
    fn resolved(self) -> At<'a> {
        let mut at = self;
        for _ in 0..32 {
            if let Some(r) = at.schema.get("$ref").and_then(Value::as_str) {
                let pointer = r.trim_start_matches('#');
                at.schema = at
                    .root
                    .pointer(pointer)
                    .unwrap_or_else(|| panic!("unresolved {r}"));
            } else if let Some([only]) = at
                .schema
                .get("allOf")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
            {
                at.schema = only;
            } else {
                break;
            }
        }
        at
    }
}

/// One alternative of a schema, null aside.
#[derive(Clone)]
enum Kind<'a> {
    Any,
    Str(Option<BTreeSet<String>>),
    Integer,
    Number,
    Boolean,
    Array(At<'a>),
    Object(Obj<'a>),
}

/// An object's fields (those of a schema and of the alternative it is combined with).
#[derive(Clone)]
struct Obj<'a> {
    properties: Vec<(&'a str, At<'a>)>,
    required: BTreeSet<&'a str>,
}

impl<'a> Obj<'a> {
    fn of(at: At<'a>) -> Self {
        Obj {
            properties: properties(at),
            required: required(at),
        }
    }

    fn with(mut self, base: &Obj<'a>) -> Self {
        for (name, prop) in &base.properties {
            if !self.properties.iter().any(|(n, _)| n == name) {
                self.properties.push((name, *prop));
            }
        }
        self.required.extend(base.required.iter().copied());
        self
    }

    fn field(&self, name: &str) -> Option<At<'a>> {
        self.properties
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, at)| *at)
    }
}

impl Kind<'_> {
    fn name(&self) -> &'static str {
        match self {
            Kind::Any => "anything",
            Kind::Str(_) => "a string",
            Kind::Integer => "an integer",
            Kind::Number => "a number",
            Kind::Boolean => "a boolean",
            Kind::Array(_) => "a list",
            Kind::Object(_) => "an object",
        }
    }
}

/// The alternatives a schema allows, and whether null is one.
fn kinds(at: At<'_>) -> (Vec<Kind<'_>>, bool) {
    let at = at.resolved();
    let schema = at.schema;
    if schema == &Value::Bool(true) {
        return (vec![Kind::Any], true);
    }
    let mut out = Vec::new();
    let mut nullable = false;
    for key in ["oneOf", "anyOf"] {
        if let Some(alts) = schema.get(key).and_then(Value::as_array) {
            // Fields beside the alternatives belong to each of them (a flattened union).
            let base = schema.get("properties").map(|_| Obj::of(at));
            for alt in alts {
                let (k, n) = kinds(at.to(alt));
                out.extend(k.into_iter().map(|k| match (k, &base) {
                    (Kind::Object(o), Some(base)) => Kind::Object(o.with(base)),
                    (k, _) => k,
                }));
                nullable |= n;
            }
            return (out, nullable);
        }
    }
    let strings = |v: &Value| -> Option<BTreeSet<String>> {
        v.as_array().map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
    };
    let enumerated = schema.get("enum").and_then(strings).or_else(|| {
        schema
            .get("const")
            .and_then(Value::as_str)
            .map(|c| BTreeSet::from([c.to_string()]))
    });
    if schema
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(Value::is_null))
    {
        nullable = true;
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ if enumerated.is_some() => vec!["string"],
        _ if schema.get("properties").is_some() => vec!["object"],
        _ => return (vec![Kind::Any], true),
    };
    for t in types {
        match t {
            "null" => nullable = true,
            "string" => out.push(Kind::Str(enumerated.clone())),
            "integer" => out.push(Kind::Integer),
            "number" => out.push(Kind::Number),
            "boolean" => out.push(Kind::Boolean),
            "array" => out.push(Kind::Array(
                at.to(schema.get("items").unwrap_or(&Value::Bool(true))),
            )),
            "object" => out.push(Kind::Object(Obj::of(at))),
            other => panic!("unknown schema type {other}"),
        }
    }
    (out, nullable)
}

fn properties<'a>(at: At<'a>) -> Vec<(&'a str, At<'a>)> {
    at.schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.iter().map(|(k, v)| (k.as_str(), at.to(v))).collect())
        .unwrap_or_default()
}

fn required<'a>(at: At<'a>) -> BTreeSet<&'a str> {
    at.schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The value of an object's `type` tag, when it has exactly one.
fn tag(object: &Obj<'_>) -> Option<String> {
    match kinds(object.field("type")?).0.as_slice() {
        [Kind::Str(Some(values))] if values.len() == 1 => values.iter().next().cloned(),
        _ => None,
    }
}

/// Everything codex may send under `theirs` that the core, reading it as `ours`, would refuse
/// or misread.
fn mismatches(ours: At<'_>, theirs: At<'_>, path: &str, out: &mut Vec<String>) {
    let (our_kinds, our_null) = kinds(ours);
    if our_kinds.iter().any(|k| matches!(k, Kind::Any)) {
        return;
    }
    let (their_kinds, their_null) = kinds(theirs);
    if their_null && !our_null {
        out.push(format!(
            "{path}: codex may send null; the app needs a value"
        ));
    }
    let our_objects: Vec<&Obj> = our_kinds
        .iter()
        .filter_map(|k| match k {
            Kind::Object(o) => Some(o),
            _ => None,
        })
        .collect();
    for theirs in &their_kinds {
        match theirs {
            Kind::Any => out.push(format!(
                "{path}: codex promises nothing here; the app reads {}",
                our_kinds[0].name()
            )),
            Kind::Str(their_values) => {
                let known = our_kinds.iter().find_map(|k| match k {
                    Kind::Str(values) => Some(values),
                    _ => None,
                });
                match (known, their_values) {
                    (None, _) => out.push(format!("{path}: codex may send a string")),
                    (Some(None), _) => {}
                    (Some(Some(_)), None) => out.push(format!(
                        "{path}: codex may send any string; the app knows a few"
                    )),
                    (Some(Some(ours)), Some(theirs)) => {
                        for value in theirs.difference(ours) {
                            out.push(format!(
                                "{path}: codex may send \"{value}\", which the app does not know"
                            ));
                        }
                    }
                }
            }
            Kind::Integer
                if our_kinds
                    .iter()
                    .any(|k| matches!(k, Kind::Integer | Kind::Number)) => {}
            Kind::Number if our_kinds.iter().any(|k| matches!(k, Kind::Number)) => {}
            Kind::Boolean if our_kinds.iter().any(|k| matches!(k, Kind::Boolean)) => {}
            Kind::Array(their_items) => match our_kinds.iter().find_map(|k| match k {
                Kind::Array(items) => Some(*items),
                _ => None,
            }) {
                Some(our_items) => mismatches(our_items, *their_items, &format!("{path}[]"), out),
                None => out.push(format!("{path}: codex may send a list")),
            },
            Kind::Object(their_object) => {
                // A tagged union on our side: the variant with codex's tag; else the one object.
                let ours = match tag(their_object) {
                    Some(t) if our_objects.len() > 1 => {
                        match our_objects.iter().find(|o| tag(o).as_deref() == Some(&t)) {
                            Some(o) => *o,
                            None => {
                                out.push(format!("{path}: codex may send type \"{t}\", which the app does not know"));
                                continue;
                            }
                        }
                    }
                    _ => match our_objects.as_slice() {
                        [only] => *only,
                        [] => {
                            out.push(format!("{path}: codex may send an object"));
                            continue;
                        }
                        _ => {
                            out.push(format!("{path}: codex sends an untagged object; the app expects one of several"));
                            continue;
                        }
                    },
                };
                for (name, our_prop) in &ours.properties {
                    let field = format!("{path}.{name}");
                    let Some(their_prop) = their_object.field(name) else {
                        out.push(format!("{field}: codex does not send it"));
                        continue;
                    };
                    if ours.required.contains(name) && !their_object.required.contains(name) {
                        out.push(format!(
                            "{field}: codex may leave it out; the app requires it"
                        ));
                    }
                    mismatches(*our_prop, their_prop, &field, out);
                }
            }
            other => out.push(format!(
                "{path}: codex may send {}; the app reads {}",
                other.name(),
                our_kinds[0].name()
            )),
        }
    }
}

fn our_schema<T: JsonSchema>() -> Value {
    let schema = SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<T>();
    schema.as_value().clone()
}

struct Codex {
    dir: tempfile::TempDir,
    notifications: Value,
}

impl Codex {
    fn schema() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        // The experimental API too: the app turns it on (host-managed ChatGPT tokens).
        let status = std::process::Command::new(codex_binary())
            .args([
                "app-server",
                "generate-json-schema",
                "--experimental",
                "--out",
            ])
            .arg(dir.path())
            .status()
            .expect("run codex generate-json-schema");
        assert!(status.success());
        let notifications = read(&dir.path().join("ServerNotification.json"));
        Codex { dir, notifications }
    }

    /// Checks `T` against the params of the notification `method`.
    fn notification<T: JsonSchema>(&self, method: &str, out: &mut Vec<String>) {
        let root = &self.notifications;
        let variants = root["oneOf"]
            .as_array()
            .expect("ServerNotification is a oneOf");
        let variant = variants.iter().find(|v| {
            let m = &v["properties"]["method"];
            m["enum"]
                .as_array()
                .is_some_and(|e| e.iter().any(|x| x == method))
                || m["const"] == method
        });
        let Some(variant) = variant else {
            out.push(format!("{method}: codex sends no such notification"));
            return;
        };
        let ours = our_schema::<T>();
        let theirs = At {
            root,
            schema: &variant["properties"]["params"],
        };
        mismatches(
            At {
                root: &ours,
                schema: &ours,
            },
            theirs,
            method,
            out,
        );
    }

    /// Checks `T` against one of codex's schema files (answers to requests).
    fn answer<T: JsonSchema>(&self, file: &str, out: &mut Vec<String>) {
        let theirs = read(&self.dir.path().join(file));
        let ours = our_schema::<T>();
        mismatches(
            At {
                root: &ours,
                schema: &ours,
            },
            At {
                root: &theirs,
                schema: &theirs,
            },
            file,
            out,
        );
    }
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("schema JSON")
}

#[test]
fn what_the_core_reads_from_codex_fits_the_pinned_codex_schema() {
    let codex = Codex::schema();
    let mut out = Vec::new();
    codex.notification::<wire::ItemEvent>(method::ITEM_STARTED, &mut out);
    codex.notification::<wire::ItemEvent>(method::ITEM_COMPLETED, &mut out);
    codex.notification::<wire::TurnStarted>(method::TURN_STARTED, &mut out);
    codex.notification::<wire::TurnCompleted>(method::TURN_COMPLETED, &mut out);
    codex.notification::<wire::TokenUsageUpdated>(method::TOKEN_USAGE_UPDATED, &mut out);
    codex.notification::<wire::TurnPlanUpdated>(method::TURN_PLAN_UPDATED, &mut out);
    codex.notification::<wire::ErrorEvent>(method::ERROR, &mut out);
    codex.notification::<wire::Delta>(method::AGENT_MESSAGE_DELTA, &mut out);
    codex.notification::<wire::Delta>(method::COMMAND_OUTPUT_DELTA, &mut out);
    codex.notification::<wire::SummaryDelta>(method::REASONING_SUMMARY_DELTA, &mut out);
    codex.notification::<wire::ContentDelta>(method::REASONING_TEXT_DELTA, &mut out);
    codex.notification::<wire::ConfigWarning>(method::CONFIG_WARNING, &mut out);
    codex.notification::<wire::Warning>(method::WARNING, &mut out);
    codex.notification::<wire::LoginCompleted>(method::LOGIN_COMPLETED, &mut out);
    codex.answer::<wire::ThreadOpened>("v2/ThreadStartResponse.json", &mut out);
    codex.answer::<wire::ThreadOpened>("v2/ThreadResumeResponse.json", &mut out);
    codex.answer::<wire::TurnStarted>("v2/TurnStartResponse.json", &mut out);
    codex.answer::<wire::AccountRead>("v2/GetAccountResponse.json", &mut out);
    codex.answer::<wire::LoginStarted>("v2/LoginAccountResponse.json", &mut out);
    assert!(
        out.is_empty(),
        "the core no longer fits codex's protocol:\n{}",
        out.join("\n")
    );
}

/// The checker itself finds what it must: a renamed field, a new status, a field made optional,
/// a null, a kind of answer the app does not know, and a notification that does not exist.
#[test]
fn the_protocol_check_finds_drift() {
    #[derive(JsonSchema)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Drifted {
        item_id: String,
        no_such_field: String,
    }
    #[derive(JsonSchema)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    enum FewStatuses {
        Completed,
    }
    #[derive(JsonSchema)]
    #[allow(dead_code)]
    struct Turn {
        status: FewStatuses,
        error: wire::TurnError,
    }
    #[derive(JsonSchema)]
    #[allow(dead_code)]
    struct Completed {
        turn: Turn,
    }
    #[derive(JsonSchema)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct NeedsLoginId {
        login_id: String,
    }
    #[derive(JsonSchema)]
    #[serde(tag = "type")]
    #[allow(dead_code)]
    enum FewLogins {
        #[serde(rename = "chatgpt", rename_all = "camelCase")]
        ChatGpt { login_id: String, auth_url: String },
        #[serde(rename = "apiKey")]
        ApiKey {},
    }
    let codex = Codex::schema();
    let mut out = Vec::new();
    codex.answer::<FewLogins>("v2/LoginAccountResponse.json", &mut out);
    codex.notification::<Drifted>(method::AGENT_MESSAGE_DELTA, &mut out);
    codex.notification::<Completed>(method::TURN_COMPLETED, &mut out);
    codex.notification::<NeedsLoginId>(method::LOGIN_COMPLETED, &mut out);
    codex.notification::<wire::Warning>("item/noSuchThing", &mut out);
    let text = out.join("\n");
    for expected in [
        "item/agentMessage/delta.noSuchField: codex does not send it",
        "turn/completed.turn.status: codex may send \"failed\", which the app does not know",
        "turn/completed.turn.error: codex may send null; the app needs a value",
        "account/login/completed.loginId: codex may leave it out; the app requires it",
        "item/noSuchThing: codex sends no such notification",
        "v2/LoginAccountResponse.json: codex may send type \"chatgptDeviceCode\", which the app does not know",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}
