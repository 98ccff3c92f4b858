//! What an MCP server asks the user through codex (`mcpServer/elicitation/request`): a form,
//! a page to open, or codex's own question before it calls a server's tool. Read into what the
//! card shows, and the user's answer checked against it before it goes back.

use codex_desk_protocol::{ElicitationAsk, FieldInput, FieldOption, FormField};
use serde_json::{Map, Value};

pub const ELICITATION: &str = "mcpServer/elicitation/request";
/// At most this many fields in one form are shown (a form with more is declined).
const MOST_FIELDS: usize = 50;
/// At most this many options per field.
const MOST_OPTIONS: usize = 200;
/// The longest text a field takes, whatever the server says.
const LONGEST_TEXT: usize = 64 * 1024;

/// Reads what the server asks; `None` when this version cannot show it (then it is declined).
pub fn read(params: &Value) -> Option<(String, String, ElicitationAsk)> {
    let text = |key: &str| params.get(key).and_then(Value::as_str).map(str::to_string);
    let server = text("serverName")?;
    let message = text("message").unwrap_or_default();
    let ask = match params.get("mode").and_then(Value::as_str)? {
        "form" => match tool_call(params) {
            Some(ask) => ask,
            None => ElicitationAsk::Form {
                fields: fields(params.get("requestedSchema")?)?,
            },
        },
        "url" => {
            let url = text("url")?;
            // Only a web page the window would open is offered (no mail, nothing else).
            let web = url.starts_with("https://") || url.starts_with("http://");
            if !web || crate::links::external(&url).is_err() {
                return None;
            }
            ElicitationAsk::Url { url }
        }
        // `openai/form` (free-form schemas), user verification: not shown.
        _ => return None,
    };
    Some((server, message, ask))
}

/// Codex's own question before calling a server's tool: a form with no fields, marked in its
/// `_meta` (with the tool's arguments, and whether the answer may hold for the session or
/// always).
fn tool_call(params: &Value) -> Option<ElicitationAsk> {
    let meta = params.get("_meta")?;
    if meta.get("codex_approval_kind").and_then(Value::as_str) != Some("mcp_tool_call") {
        return None;
    }
    // Codex's own question has no fields; a server's form marked so is read as the form it is.
    let fields = params.pointer("/requestedSchema/properties");
    if fields
        .and_then(Value::as_object)
        .is_some_and(|f| !f.is_empty())
    {
        return None;
    }
    // Codex names the tool only in its message: `Allow the x MCP server to run tool "name"?`.
    let message = params.get("message").and_then(Value::as_str).unwrap_or("");
    let named = message
        .split_once("tool \"")
        .and_then(|(_, rest)| rest.rsplit_once('"'))
        .map(|(name, _)| name.to_string());
    let tool = named
        .or_else(|| {
            meta.get("tool_title")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_default();
    let arguments = meta
        .get("tool_params")
        .filter(|v| !v.is_null())
        .map(|v| serde_json::to_string_pretty(v).unwrap_or_default());
    Some(ElicitationAsk::ToolCall { tool, arguments })
}

/// How long codex may keep an answer to a tool call: `session`, `always` (its `_meta.persist`,
/// one or a list).
pub fn persist_offered(params: &Value) -> Vec<String> {
    match params.pointer("/_meta/persist") {
        Some(Value::String(one)) => vec![one.clone()],
        Some(Value::Array(many)) => many
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// The fields of a form schema (in codex's order: it sorts them by name); `None` when one
/// cannot be shown.
fn fields(schema: &Value) -> Option<Vec<FormField>> {
    let properties = schema.get("properties")?.as_object()?;
    if properties.len() > MOST_FIELDS {
        return None;
    }
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    properties
        .iter()
        .map(|(name, property)| {
            let text = |key: &str| {
                property
                    .get(key)
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            Some(FormField {
                name: name.clone(),
                title: text("title")
                    .filter(|t| !t.trim().is_empty())
                    .unwrap_or_else(|| name.clone()),
                description: text("description").unwrap_or_default(),
                required: required.contains(&name.as_str()),
                input: input(property)?,
            })
        })
        .collect()
}

fn input(property: &Value) -> Option<FieldInput> {
    let int = |key: &str| {
        property
            .get(key)
            .and_then(Value::as_u64)
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
    };
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    };
    match property.get("type").and_then(Value::as_str)? {
        "string" => {
            let default = property
                .get("default")
                .and_then(Value::as_str)
                .map(str::to_string);
            if let Some(values) = property.get("enum").and_then(Value::as_array) {
                let labels = strings(property.get("enumNames"));
                let options = values
                    .iter()
                    .filter_map(Value::as_str)
                    .enumerate()
                    .map(|(i, v)| FieldOption {
                        value: v.to_string(),
                        label: labels.get(i).cloned().unwrap_or_else(|| v.to_string()),
                    })
                    .collect();
                return choice(options, false, None, None, default.into_iter().collect());
            }
            if let Some(titled) = property.get("oneOf").and_then(Value::as_array) {
                return choice(
                    titled_options(titled),
                    false,
                    None,
                    None,
                    default.into_iter().collect(),
                );
            }
            Some(FieldInput::Text {
                format: property
                    .get("format")
                    .and_then(Value::as_str)
                    .filter(|f| ["email", "uri", "date", "date-time"].contains(f))
                    .map(str::to_string),
                min_length: int("minLength"),
                max_length: int("maxLength"),
                default,
            })
        }
        kind @ ("number" | "integer") => Some(FieldInput::Number {
            integer: kind == "integer",
            minimum: property.get("minimum").and_then(Value::as_f64),
            maximum: property.get("maximum").and_then(Value::as_f64),
            default: property.get("default").and_then(Value::as_f64),
        }),
        "boolean" => Some(FieldInput::Boolean {
            default: property.get("default").and_then(Value::as_bool),
        }),
        "array" => {
            let items = property.get("items")?;
            let options = match (items.get("enum"), items.get("anyOf")) {
                (Some(values), _) => strings(Some(values))
                    .into_iter()
                    .map(|v| FieldOption {
                        label: v.clone(),
                        value: v,
                    })
                    .collect(),
                (None, Some(Value::Array(titled))) => titled_options(titled),
                _ => return None,
            };
            choice(
                options,
                true,
                int("minItems"),
                int("maxItems"),
                strings(property.get("default")),
            )
        }
        _ => None,
    }
}

fn titled_options(titled: &[Value]) -> Vec<FieldOption> {
    titled
        .iter()
        .filter_map(|o| {
            let value = o.get("const")?.as_str()?.to_string();
            let label = o
                .get("title")
                .and_then(Value::as_str)
                .map_or_else(|| value.clone(), str::to_string);
            Some(FieldOption { value, label })
        })
        .collect()
}

fn choice(
    options: Vec<FieldOption>,
    many: bool,
    min_items: Option<u32>,
    max_items: Option<u32>,
    default: Vec<String>,
) -> Option<FieldInput> {
    if options.is_empty() || options.len() > MOST_OPTIONS {
        return None;
    }
    // Only options can be picked (a default that is none could never be taken back), once.
    let mut default: Vec<String> = default
        .into_iter()
        .filter(|d| options.iter().any(|o| &o.value == d))
        .collect();
    default.dedup();
    if !many {
        default.truncate(1);
    }
    Some(FieldInput::Choice {
        options,
        many,
        min_items,
        max_items,
        default,
    })
}

/// The user's answers to a form, checked against its fields: the content sent to the server
/// (fields left empty are left out), or what is wrong, in words for the user.
pub fn check_form(
    fields: &[FormField],
    given: &Map<String, Value>,
) -> Result<Map<String, Value>, String> {
    let mut content = Map::new();
    for field in fields {
        let value = given.get(&field.name).filter(|v| !is_empty(v));
        let Some(value) = value else {
            if field.required {
                return Err(format!("“{}” is required.", field.title));
            }
            continue;
        };
        check_value(field, value)?;
        content.insert(field.name.clone(), value.clone());
    }
    Ok(content)
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(picked) => picked.is_empty(),
        _ => false,
    }
}

fn check_value(field: &FormField, value: &Value) -> Result<(), String> {
    let title = &field.title;
    match &field.input {
        FieldInput::Text {
            format,
            min_length,
            max_length,
            ..
        } => {
            let text = value
                .as_str()
                .ok_or_else(|| format!("“{title}” takes text."))?;
            let length = text.chars().count();
            if length > LONGEST_TEXT {
                return Err(format!("“{title}” is too long."));
            }
            if let Some((bound, n)) = outside(length, *min_length, *max_length) {
                return Err(format!("“{title}” takes {bound} {n} characters."));
            }
            if let Some(format) = format {
                if !fits_format(format, text) {
                    let what = match format.as_str() {
                        "email" => "an email address",
                        "uri" => "an address such as https://…",
                        "date" => "a date (YYYY-MM-DD)",
                        _ => "a date and time (YYYY-MM-DDThh:mm:ssZ)",
                    };
                    return Err(format!("“{title}” takes {what}."));
                }
            }
        }
        FieldInput::Number {
            integer,
            minimum,
            maximum,
            ..
        } => {
            let number = value
                .as_f64()
                .ok_or_else(|| format!("“{title}” takes a number."))?;
            if *integer && !(value.is_i64() || value.is_u64()) {
                return Err(format!("“{title}” takes a whole number."));
            }
            if minimum.is_some_and(|m| number < m) || maximum.is_some_and(|m| number > m) {
                return Err(match (minimum, maximum) {
                    (Some(lo), Some(hi)) => format!("“{title}” takes a number from {lo} to {hi}."),
                    (Some(lo), None) => format!("“{title}” takes a number of at least {lo}."),
                    (_, hi) => {
                        format!("“{title}” takes a number of at most {}.", hi.unwrap_or(0.0))
                    }
                });
            }
        }
        FieldInput::Boolean { .. } => {
            if !value.is_boolean() {
                return Err(format!("“{title}” takes yes or no."));
            }
        }
        FieldInput::Choice {
            options,
            many,
            min_items,
            max_items,
            ..
        } => {
            let known = |v: &Value| {
                v.as_str()
                    .is_some_and(|s| options.iter().any(|o| o.value == s))
            };
            if !many {
                if !known(value) {
                    return Err(format!("“{title}” takes one of the options offered."));
                }
                return Ok(());
            }
            let picked = value
                .as_array()
                .ok_or_else(|| format!("“{title}” takes a list of options."))?;
            if !picked.iter().all(known) {
                return Err(format!("“{title}” takes only the options offered."));
            }
            if let Some((bound, n)) = outside(picked.len(), *min_items, *max_items) {
                return Err(format!("Pick {bound} {n} for “{title}”."));
            }
        }
    }
    Ok(())
}

/// Which bound `count` breaks, if any: `("at least", min)` or `("at most", max)`.
fn outside(count: usize, min: Option<u32>, max: Option<u32>) -> Option<(&'static str, u32)> {
    match (min, max) {
        (Some(m), _) if count < m as usize => Some(("at least", m)),
        (_, Some(m)) if count > m as usize => Some(("at most", m)),
        _ => None,
    }
}

fn fits_format(format: &str, text: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let date = |s: &str| {
        let parts: Vec<&str> = s.split('-').collect();
        parts.len() == 3
            && parts[0].len() == 4
            && parts[1].len() == 2
            && parts[2].len() == 2
            && parts.iter().all(|p| digits(p))
    };
    match format {
        "email" => text.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty() && host.contains('.') && !text.contains(char::is_whitespace)
        }),
        "uri" => text.split_once(':').is_some_and(|(scheme, rest)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
                && !rest.is_empty()
                && !text.contains(char::is_whitespace)
        }),
        "date" => date(text),
        "date-time" => text
            .split_once(['T', 't', ' '])
            .is_some_and(|(d, time)| date(d) && time.len() >= 5 && time.as_bytes()[2] == b':'),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form_request() -> Value {
        let line = r#"{"id":3,"method":"mcpServer/elicitation/request","params":{"threadId":"t","turnId":"u","serverName":"docs","mode":"form","_meta":null,"message":"Who are you?","requestedSchema":{"type":"object","properties":{"name":{"type":"string","title":"Your name","minLength":2},"count":{"type":"integer","minimum":1,"maximum":5},"color":{"type":"string","oneOf":[{"const":"r","title":"Red"},{"const":"g","title":"Green"}]},"tags":{"type":"array","items":{"type":"string","enum":["a","b","c"]},"maxItems":2},"subscribe":{"type":"boolean","default":true},"email":{"type":"string","format":"email"}},"required":["name","count"]}}}"#;
        let message: Value = serde_json::from_str(line).expect("json");
        message["params"].clone()
    }

    #[test]
    fn a_form_reads_every_kind_of_field() {
        let params = form_request();
        let (server, message, ask) = read(&params).expect("a form");
        assert_eq!(
            (server.as_str(), message.as_str()),
            ("docs", "Who are you?")
        );
        let ElicitationAsk::Form { fields } = ask else {
            panic!("a form")
        };
        let field = |name: &str| fields.iter().find(|f| f.name == name).expect(name);
        assert_eq!(fields.len(), 6);
        assert_eq!(field("name").title, "Your name");
        assert!(field("name").required && field("count").required && !field("color").required);
        assert_eq!(field("count").title, "count", "no title: the name");
        let FieldInput::Choice { options, many, .. } = &field("color").input else {
            panic!("a choice")
        };
        assert!(!many);
        assert_eq!(
            options[1],
            FieldOption {
                value: "g".into(),
                label: "Green".into()
            }
        );
        assert!(matches!(
            &field("tags").input,
            FieldInput::Choice {
                many: true,
                max_items: Some(2),
                ..
            }
        ));
        assert!(matches!(
            &field("subscribe").input,
            FieldInput::Boolean {
                default: Some(true)
            }
        ));
        assert!(
            matches!(&field("email").input, FieldInput::Text { format: Some(f), .. } if f == "email")
        );
    }

    #[test]
    fn defaults_are_options_and_nothing_picked_is_no_answer() {
        let params = json!({"serverName": "s", "mode": "form", "message": "m", "requestedSchema": {"type": "object",
            "properties": {"tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}, "default": ["a", "zz", "a"]},
                           "one": {"type": "string", "enum": ["x", "y"], "default": "nope"}},
            "required": ["tags"]}});
        let Some((_, _, ElicitationAsk::Form { fields })) = read(&params) else {
            panic!("a form")
        };
        let field = |name: &str| fields.iter().find(|f| f.name == name).expect(name);
        assert!(
            matches!(&field("tags").input, FieldInput::Choice { default, .. } if default == &["a"])
        );
        assert!(
            matches!(&field("one").input, FieldInput::Choice { default, .. } if default.is_empty())
        );
        let error = check_form(&fields, json!({"tags": []}).as_object().expect("object"))
            .expect_err("nothing picked");
        assert!(error.contains("is required"), "{error}");
    }

    #[test]
    fn answers_are_checked_against_the_form() {
        let params = form_request();
        let Some((_, _, ElicitationAsk::Form { fields })) = read(&params) else {
            panic!("a form")
        };
        let answer = |v: Value| check_form(&fields, v.as_object().expect("object"));
        let content = answer(json!({"name": "Ada", "count": 3, "color": "g", "tags": ["a"], "subscribe": false, "email": "", "extra": 1}))
            .expect("valid");
        assert_eq!(
            Value::Object(content),
            json!({"name": "Ada", "count": 3, "color": "g", "tags": ["a"], "subscribe": false}),
            "empty and unknown fields left out"
        );
        for (bad, says) in [
            (json!({"count": 3}), "“Your name” is required."),
            (json!({"name": "A", "count": 3}), "at least 2"),
            (json!({"name": "Ada", "count": 9}), "from 1 to 5"),
            (json!({"name": "Ada", "count": 2.5}), "whole number"),
            (
                json!({"name": "Ada", "count": 2, "color": "blue"}),
                "options offered",
            ),
            (
                json!({"name": "Ada", "count": 2, "tags": ["a", "b", "c"]}),
                "at most 2",
            ),
            (
                json!({"name": "Ada", "count": 2, "email": "nobody"}),
                "email address",
            ),
            (json!({"name": "Ada", "count": "2"}), "takes a number"),
        ] {
            let error = answer(bad.clone()).expect_err("refused");
            assert!(error.contains(says), "{bad}: {error}");
        }
    }

    #[test]
    fn pages_and_tool_calls_are_read_and_the_unknown_is_not() {
        let url = json!({"serverName": "s", "mode": "url", "message": "Sign in", "url": "https://example.com/auth", "elicitationId": "e"});
        assert_eq!(
            read(&url).map(|r| r.2),
            Some(ElicitationAsk::Url {
                url: "https://example.com/auth".into()
            })
        );
        let script = json!({"serverName": "s", "mode": "url", "message": "", "url": "javascript:alert(1)", "elicitationId": "e"});
        assert!(read(&script).is_none(), "only web pages are opened");
        let control = json!({"serverName": "s", "mode": "url", "message": "", "url": "https://a.example/\nx", "elicitationId": "e"});
        assert!(
            read(&control).is_none(),
            "nor what the window would refuse to open"
        );
        let forged = json!({"serverName": "s", "mode": "form", "message": "Allow the s MCP server to run tool \"x\"?",
            "requestedSchema": {"type": "object", "properties": {"token": {"type": "string"}}, "required": ["token"]},
            "_meta": {"codex_approval_kind": "mcp_tool_call"}});
        assert!(
            matches!(read(&forged), Some((_, _, ElicitationAsk::Form { .. }))),
            "a server's form with fields is a form, whatever its _meta says"
        );
        let tool = json!({"serverName": "s", "mode": "form", "message": "Allow the docs MCP server to run tool \"search\"?",
            "requestedSchema": {"type": "object", "properties": {}},
            "_meta": {"codex_approval_kind": "mcp_tool_call", "persist": ["session", "always"], "tool_params": {"q": "x"}}});
        assert_eq!(persist_offered(&tool), ["session", "always"]);
        let Some((_, _, ElicitationAsk::ToolCall { tool, arguments })) = read(&tool) else {
            panic!("a tool call")
        };
        assert_eq!(tool, "search");
        assert!(arguments.expect("arguments").contains("\"q\""));
        let verification = json!({"serverName": "s", "mode": "openai/userVerification", "title": "t", "description": "d", "challenge": "c"});
        assert!(read(&verification).is_none());
        let odd = json!({"serverName": "s", "mode": "form", "message": "m", "requestedSchema": {"type": "object", "properties": {"x": {"type": "object"}}}});
        assert!(read(&odd).is_none(), "a field this version cannot show");
    }
}
