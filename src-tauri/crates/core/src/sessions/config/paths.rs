//! Paths in the user's `config.toml` mean what they mean in the user's own codex home: codex
//! resolves relative paths against the folder of the config file, so once the config lives in a
//! session folder they are made absolute here (and `~` expanded), key by key as codex types them.

use std::path::{Path, PathBuf};

use toml::{Table, Value};

/// One step of a key path: a key, any key of a table, any element of an array, or any depth.
#[derive(Clone, Copy)]
enum Step {
    Key(&'static str),
    AnyKey,
    AnyIndex,
    AnyDepth,
}

use Step::{AnyDepth, AnyIndex, AnyKey, Key};

/// Every path-typed key codex resolves against its config folder (codex 0.169).
const PATH_KEYS: &[&[Step]] = &[
    &[Key("model_instructions_file")],
    &[Key("model_catalog_json")],
    &[Key("experimental_compact_prompt_file")],
    &[Key("experimental_instructions_file")],
    &[Key("zsh_path")],
    &[Key("js_repl_node_path")],
    &[Key("js_repl_node_module_dirs"), AnyIndex],
    &[
        Key("sandbox_workspace_write"),
        Key("writable_roots"),
        AnyIndex,
    ],
    &[Key("agents"), AnyKey, Key("config_file")],
    &[Key("skills"), Key("config"), AnyIndex, Key("path")],
    &[Key("model_providers"), AnyKey, Key("auth"), Key("cwd")],
    &[Key("debug"), Key("config_lockfile"), Key("export_dir")],
    &[Key("debug"), Key("config_lockfile"), Key("load_path")],
    &[Key("otel"), AnyDepth, Key("tls"), Key("ca-certificate")],
    &[Key("otel"), AnyDepth, Key("tls"), Key("client-certificate")],
    &[Key("otel"), AnyDepth, Key("tls"), Key("client-private-key")],
    &[Key("profiles"), AnyKey, Key("model_instructions_file")],
    &[Key("profiles"), AnyKey, Key("model_catalog_json")],
    &[
        Key("profiles"),
        AnyKey,
        Key("experimental_compact_prompt_file"),
    ],
    &[
        Key("profiles"),
        AnyKey,
        Key("experimental_instructions_file"),
    ],
    &[Key("profiles"), AnyKey, Key("zsh_path")],
    &[Key("profiles"), AnyKey, Key("js_repl_node_path")],
];

/// Where codex keeps its own databases and logs: each session keeps its own, so these are not
/// carried over (they would mix the sessions' state into the user's).
pub const SESSION_OWNED_KEYS: &[&str] = &["sqlite_home", "log_dir"];

/// Makes every path-typed value in `table` absolute against `base` (the user's codex home).
pub fn absolutize(table: &mut Table, base: &Path) {
    for steps in PATH_KEYS {
        walk_table(table, steps, base);
    }
}

fn walk_table(table: &mut Table, steps: &[Step], base: &Path) {
    let Some((first, rest)) = steps.split_first() else {
        return;
    };
    match first {
        Key(key) => {
            if let Some(value) = table.get_mut(*key) {
                walk_value(value, rest, base);
            }
        }
        AnyKey => {
            for (_, value) in table.iter_mut() {
                walk_value(value, rest, base);
            }
        }
        AnyDepth => {
            // Zero levels here, or any deeper level.
            walk_table(table, rest, base);
            for (_, value) in table.iter_mut() {
                if let Value::Table(inner) = value {
                    walk_table(inner, steps, base);
                }
            }
        }
        AnyIndex => {}
    }
}

fn walk_value(value: &mut Value, steps: &[Step], base: &Path) {
    if steps.is_empty() {
        if let Value::String(s) = value {
            *s = resolve(s, base).display().to_string();
        }
        return;
    }
    match (value, steps[0]) {
        (Value::Table(table), _) => walk_table(table, steps, base),
        (Value::Array(items), AnyIndex) => {
            for item in items {
                walk_value(item, &steps[1..], base);
            }
        }
        _ => {}
    }
}

/// `~` and `~/x` from the home folder; relative paths from `base`; absolute ones unchanged.
pub fn resolve(raw: &str, base: &Path) -> PathBuf {
    let home = || dirs::home_dir().unwrap_or_else(|| base.to_path_buf());
    if raw == "~" {
        return home();
    }
    if let Some(rest) = raw.strip_prefix("~/") {
        return home().join(rest);
    }
    let path = Path::new(raw);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_resolve_against_the_user_home() {
        let mut table: Table = r#"
model_catalog_json = "catalog.json"
model_instructions_file = "/abs/instructions.md"
model = "gpt-5"
[sandbox_workspace_write]
writable_roots = ["cache", "/tmp/x"]
[profiles.fast]
model_catalog_json = "fast.json"
[[skills.config]]
path = "skills/mine/SKILL.md"
[otel.exporter.otlp-http.tls]
ca-certificate = "certs/ca.pem"
[mcp_servers.docs]
cwd = "stays-relative"
"#
        .parse()
        .expect("toml");
        absolutize(&mut table, Path::new("/home/u/.codex"));
        let get = |t: &Table, path: &[&str]| -> String {
            let mut v = &t[path[0]];
            for key in &path[1..] {
                v = &v[*key];
            }
            v.as_str().unwrap_or_default().to_string()
        };
        assert_eq!(
            get(&table, &["model_catalog_json"]),
            "/home/u/.codex/catalog.json"
        );
        assert_eq!(
            get(&table, &["model_instructions_file"]),
            "/abs/instructions.md"
        );
        assert_eq!(get(&table, &["model"]), "gpt-5");
        assert_eq!(
            table["sandbox_workspace_write"]["writable_roots"][0].as_str(),
            Some("/home/u/.codex/cache")
        );
        assert_eq!(
            table["sandbox_workspace_write"]["writable_roots"][1].as_str(),
            Some("/tmp/x")
        );
        assert_eq!(
            get(&table, &["profiles", "fast", "model_catalog_json"]),
            "/home/u/.codex/fast.json"
        );
        assert_eq!(
            table["skills"]["config"][0]["path"].as_str(),
            Some("/home/u/.codex/skills/mine/SKILL.md")
        );
        assert_eq!(
            get(
                &table,
                &["otel", "exporter", "otlp-http", "tls", "ca-certificate"]
            ),
            "/home/u/.codex/certs/ca.pem"
        );
        // Not a config-relative path in codex: left as the user wrote it.
        assert_eq!(
            get(&table, &["mcp_servers", "docs", "cwd"]),
            "stays-relative"
        );
    }

    #[test]
    fn tilde_means_home() {
        let home = dirs::home_dir().expect("home");
        assert_eq!(resolve("~/x.json", Path::new("/b")), home.join("x.json"));
        assert_eq!(
            resolve("y.json", Path::new("/b")),
            PathBuf::from("/b/y.json")
        );
    }
}
