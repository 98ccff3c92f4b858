use super::*;

const USER_CONFIG: &str = r#"
model = "gpt-5"
model_provider = "gateway"
model_catalog_json = "catalog.json"
sqlite_home = "state"

[model_providers.gateway]
name = "Gateway"
base_url = "https://gateway.example/v1"
experimental_bearer_token = "sk-bearer-secret"
http_headers = { "X-Api-Key" = "header-secret", "X-Title" = "mine" }

[model_providers.keyed]
name = "Keyed"
base_url = "https://keyed.example/v1"
env_key = "KEYED_API_KEY"

[model_providers.both]
name = "Both"
base_url = "https://both.example/v1"
env_key = "UNSET_KEY"
experimental_bearer_token = "sk-both-bearer"

[mcp_servers.docs]
command = "docs-mcp"
env = { DOCS_TOKEN = "mcp-env-secret", PATH = "/opt/docs/bin", LOG_LEVEL = "debug" }
env_vars = ["AWS_PROFILE", "SENTRY_AUTH_TOKEN"]

[mcp_servers.modelling]
command = "model-mcp"
env = { OPENAI_BASE_URL = "http://localhost:1234/v1", OPENAI_API_KEY = "sk-mcp-openai-secret" }

[mcp_servers.remote]
url = "https://mcp.example/"
bearer_token = "mcp-bearer-secret"
http_headers = { "X-Team" = "mcp-header-secret" }

[shell_environment_policy]
exclude = ["MY_OWN_*"]

[otel.exporter.otlp-http]
endpoint = "https://otel.example"
headers = { "x-otel-key" = "otel-secret" }
"#;

const SECRETS: &[&str] = &[
    "sk-mcp-openai-secret",
    "sk-both-bearer",
    "sk-bearer-secret",
    "header-secret",
    "mcp-env-secret",
    "mcp-bearer-secret",
    "mcp-header-secret",
    "otel-secret",
    "dotenv-secret",
];

fn no_env(_: &str) -> Option<String> {
    None
}

fn build(
    home: &Path,
    overrides: Table,
    inherited: &dyn Fn(&str) -> Option<String>,
) -> SessionConfig {
    build_session_config(ConfigInputs {
        user_codex_home: Some(home),
        overrides: &SessionOverrides { table: overrides },
        dotenv: vec![
            ("DOTENV_KEY".into(), Secret::new("dotenv-secret")),
            ("JAVA_HOME".into(), Secret::new("/opt/jdk")),
        ],
        inherited,
    })
    .expect("build")
}

fn env_value<'a>(config: &'a SessionConfig, name: &str) -> Option<&'a str> {
    config
        .env
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.expose())
}

#[test]
fn secrets_move_to_the_environment_and_never_into_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("config.toml"), USER_CONFIG).expect("write");
    let mut overrides = Table::new();
    overrides.insert("model".into(), Value::String("o4".into()));
    let config = build(dir.path(), overrides, &no_env);
    for secret in SECRETS {
        assert!(
            !config.text.contains(secret),
            "{secret} leaked:\n{}",
            config.text
        );
    }
    let parsed: Table = config.text.parse().expect("valid toml");

    // The user's settings survive, the session's win, codex holds credentials in memory only.
    assert_eq!(parsed["model"].as_str(), Some("o4"));
    assert_eq!(
        parsed["cli_auth_credentials_store"].as_str(),
        Some("ephemeral")
    );
    let catalog = dir.path().join("catalog.json").display().to_string();
    assert_eq!(
        parsed["model_catalog_json"].as_str(),
        Some(catalog.as_str())
    );
    assert!(!parsed.contains_key("sqlite_home"));

    // Provider: the bearer becomes env_key, headers become env_http_headers.
    let gateway = &parsed["model_providers"]["gateway"];
    let bearer_var = gateway["env_key"].as_str().expect("env_key");
    assert_eq!(env_value(&config, bearer_var), Some("sk-bearer-secret"));
    let header_var = gateway["env_http_headers"]["X-Api-Key"]
        .as_str()
        .expect("header var");
    assert_eq!(env_value(&config, header_var), Some("header-secret"));
    assert!(gateway.get("http_headers").is_none());
    // Codex prefers the bearer over `env_key`; the moved bearer keeps that.
    let both = parsed["model_providers"]["both"]["env_key"]
        .as_str()
        .expect("env_key");
    assert_eq!(env_value(&config, both), Some("sk-both-bearer"));

    // MCP: literal env secrets pass by name; configuration stays literal; bearer and headers by
    // variable.
    let docs = &parsed["mcp_servers"]["docs"];
    let passed: Vec<&str> = docs["env_vars"]
        .as_array()
        .expect("env_vars")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(passed, ["AWS_PROFILE", "SENTRY_AUTH_TOKEN", "DOCS_TOKEN"]);
    assert_eq!(docs["env"]["PATH"].as_str(), Some("/opt/docs/bin"));
    assert_eq!(docs["env"]["LOG_LEVEL"].as_str(), Some("debug"));
    assert_eq!(env_value(&config, "DOCS_TOKEN"), Some("mcp-env-secret"));
    // A credential codex itself would read cannot be moved nor written: that server is off.
    let modelling = &parsed["mcp_servers"]["modelling"];
    assert_eq!(modelling["enabled"].as_bool(), Some(false));
    assert!(env_value(&config, "OPENAI_API_KEY").is_none());
    assert!(env_value(&config, "OPENAI_BASE_URL").is_none());
    assert!(
        config.warnings.iter().any(|w| w.contains("`modelling`")),
        "{:?}",
        config.warnings
    );
    let remote = &parsed["mcp_servers"]["remote"];
    let mcp_bearer = remote["bearer_token_env_var"].as_str().expect("bearer var");
    assert_eq!(env_value(&config, mcp_bearer), Some("mcp-bearer-secret"));
    assert!(remote.get("bearer_token").is_none());

    // The user's .env reaches codex.
    assert_eq!(env_value(&config, "DOTENV_KEY"), Some("dotenv-secret"));

    // Every credential variable is hidden from the agent's commands; the user's own rule stays.
    let exclude: Vec<&str> = parsed["shell_environment_policy"]["exclude"]
        .as_array()
        .expect("exclude")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for name in [
        "MY_OWN_*",
        "CODEX_DESK_SECRET_*",
        "KEYED_API_KEY",
        "DOCS_TOKEN",
        "DOTENV_KEY",
    ] {
        assert!(exclude.contains(&name), "{name} not excluded: {exclude:?}");
    }
    assert!(config.warnings.iter().any(|w| w.contains("OpenTelemetry")));
}

#[test]
fn a_conflicting_mcp_secret_turns_the_server_off_rather_than_writing_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("config.toml"),
        r#"
[mcp_servers.a]
command = "a"
env = { SHARED_TOKEN = "one" }
[mcp_servers.b]
command = "b"
env = { SHARED_TOKEN = "two" }
"#,
    )
    .expect("write");
    let config = build(dir.path(), Table::new(), &no_env);
    assert!(!config.text.contains("\"two\""), "{}", config.text);
    let parsed: Table = config.text.parse().expect("toml");
    assert_eq!(parsed["mcp_servers"]["b"]["enabled"].as_bool(), Some(false));
    assert_eq!(env_value(&config, "SHARED_TOKEN"), Some("one"));
    assert!(
        config.warnings.iter().any(|w| w.contains("`b`")),
        "{:?}",
        config.warnings
    );

    // The same clash with the app's own environment, or with the user's codex .env.
    let inherited = |name: &str| (name == "SHARED_TOKEN").then(|| "zero".to_string());
    let config = build(dir.path(), Table::new(), &inherited);
    let parsed: Table = config.text.parse().expect("toml");
    assert_eq!(parsed["mcp_servers"]["a"]["enabled"].as_bool(), Some(false));
    let config = build_session_config(ConfigInputs {
        user_codex_home: Some(dir.path()),
        overrides: &SessionOverrides::default(),
        dotenv: vec![("SHARED_TOKEN".into(), Secret::new("from-dotenv"))],
        inherited: &no_env,
    })
    .expect("build");
    let parsed: Table = config.text.parse().expect("toml");
    assert_eq!(parsed["mcp_servers"]["a"]["enabled"].as_bool(), Some(false));
    assert_eq!(env_value(&config, "SHARED_TOKEN"), Some("from-dotenv"));
}

#[test]
fn missing_user_config_is_fine_broken_one_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = build(dir.path(), Table::new(), &no_env);
    assert!(config.text.starts_with("# Written by Codex Desk"));
    std::fs::write(dir.path().join("config.toml"), "model = ").expect("write");
    let err = build_session_config(ConfigInputs {
        user_codex_home: Some(dir.path()),
        overrides: &SessionOverrides::default(),
        dotenv: Vec::new(),
        inherited: &no_env,
    })
    .err()
    .expect("broken config is an error");
    assert!(err.to_string().contains("config.toml"), "{err}");
}

#[test]
fn the_plan_tool_is_on_unless_the_user_turned_it_off() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tools = |config: &SessionConfig| -> Table {
        let table: Table = toml::from_str(&config.text).expect("toml");
        table["tools"].as_table().cloned().unwrap_or_default()
    };
    let on = build(dir.path(), Table::new(), &no_env);
    assert_eq!(tools(&on)["update_plan"]["enabled"].as_bool(), Some(true));

    std::fs::write(
        dir.path().join("config.toml"),
        "[tools]\nweb_search = true\nupdate_plan = { enabled = false }\n",
    )
    .expect("write");
    let off = build(dir.path(), Table::new(), &no_env);
    let kept = tools(&off);
    assert_eq!(kept["update_plan"]["enabled"].as_bool(), Some(false));
    assert_eq!(kept["web_search"].as_bool(), Some(true), "the rest kept");
}
