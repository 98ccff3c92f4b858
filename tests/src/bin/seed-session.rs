//! Writes a long stored session into a data folder, through the app's own store, as a day of
//! work leaves it: prompts, reasoning, commands with output, file changes and answers (~640 bytes
//! an item). For the long-session end-to-end test and the benchmarks.
//!
//! `seed-session <data dir> <workspace> <items> [title] [copies]` prints the session id (with
//! `copies`, that many sessions titled "<title> 1", "<title> 2"…, and the last one's id).

use std::path::PathBuf;

use codex_desk_core::paths::AppPaths;
use codex_desk_core::store::{NewItem, Store};
use codex_desk_protocol::{SessionInfo, SessionStatus};
use serde_json::json;

#[allow(clippy::print_stdout)]
fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(data_dir), Some(workspace), Some(count)) = (args.next(), args.next(), args.next())
    else {
        eprintln!("usage: seed-session <data dir> <workspace> <items> [title] [copies]");
        std::process::exit(2);
    };
    let Ok(count) = count.parse::<usize>() else {
        eprintln!("seed-session: <items> must be a number");
        std::process::exit(2);
    };
    let title = args.next().unwrap_or_else(|| format!("{count} items"));
    let copies = match args.next().map(|c| c.parse::<usize>()) {
        None => None,
        Some(Ok(copies)) if copies > 0 => Some(copies),
        Some(_) => {
            eprintln!("seed-session: [copies] must be a number above 0");
            std::process::exit(2);
        }
    };
    match seed(PathBuf::from(data_dir), &workspace, count, &title, copies) {
        Ok(id) => println!("{id}"),
        Err(e) => {
            eprintln!("seed-session: {e}");
            std::process::exit(1);
        }
    }
}

fn seed(
    data_dir: PathBuf,
    workspace: &str,
    count: usize,
    title: &str,
    copies: Option<usize>,
) -> codex_desk_core::Result<String> {
    // Never beside a running app (one still quitting may still write): the app's own lock.
    std::fs::create_dir_all(&data_dir).map_err(|e| {
        codex_desk_core::CoreError::io(format!("could not create {}", data_dir.display()), e)
    })?;
    let _only_writer = codex_desk_core::instance::DataDirLock::acquire(&data_dir)?;
    let paths = AppPaths::at(data_dir);
    let store = Store::open(&paths.database())?.store;
    let titles: Vec<String> = match copies {
        None => vec![title.to_string()],
        Some(n) => (1..=n).map(|k| format!("{title} {k}")).collect(),
    };
    let mut id = String::new();
    for title in &titles {
        id = seed_one(&store, workspace, count, title);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| codex_desk_core::CoreError::io("could not start a runtime", e))?;
    runtime.block_on(store.flush())?;
    // As the app would have done while idle: the items are searchable.
    runtime.block_on(store.finish_search_index())?;
    store.close();
    Ok(id)
}

/// One session of `count` items; its id.
fn seed_one(store: &Store, workspace: &str, count: usize, title: &str) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    let now = codex_desk_core::store::now_ms();
    store.insert_session(SessionInfo {
        id: id.clone(),
        title: title.into(),
        workspace: workspace.into(),
        thread_id: None,
        status: SessionStatus::Idle,
        last_error: None,
        created_at: now,
        updated_at: now,
        archived_at: None,
    });
    for (turn_id, n, kind, item) in items(count) {
        if n % 5 == 0 {
            store.turn_started(&id, &turn_id);
        }
        store.upsert_item(NewItem {
            session_id: id.clone(),
            turn_id: turn_id.clone(),
            item_id: item["id"].as_str().unwrap_or_default().to_string(),
            kind: kind.into(),
            json: item.to_string(),
        });
        if n % 5 == 4 || n + 1 == count {
            store.turn_finished(&id, &turn_id, "completed", None);
        }
    }
    id
}

/// `count` items in turns of five: prompt, reasoning, command, file change, answer. Item `n`
/// says its number ("item n"), so a test can tell which part of the session is on screen.
pub fn items(
    count: usize,
) -> impl Iterator<Item = (String, usize, &'static str, serde_json::Value)> {
    (0..count).map(|n| {
        let turn = format!("turn-{}", n / 5);
        let id = format!("item-{n}");
        let (kind, item) = match n % 5 {
            0 => ("userMessage", json!({"type": "userMessage", "id": id, "content": [{"type": "text", "text": format!("item {n}: check the parser for the failing case and fix what breaks, then run the tests again please"), "text_elements": []}]})),
            1 => ("reasoning", json!({"type": "reasoning", "id": id, "summary": [format!("item {n}: **Looking at the parser** I should read the tokenizer first, then the grammar rules that handle nested brackets, and check the failing test's input.")], "content": []})),
            2 => ("commandExecution", json!({"type": "commandExecution", "id": id, "command": "cargo test -p parser -- nested", "cwd": "/home/me/project", "processId": null, "source": "agent", "status": "completed", "commandActions": [], "aggregatedOutput": format!("item {n}\n   Compiling parser v0.1.0\n    Finished test profile in 2.31s\n     Running unittests src/lib.rs\nrunning 12 tests\ntest nested::deep ... ok\ntest nested::empty ... ok\ntest result: ok. 12 passed; 0 failed\n"), "exitCode": 0, "durationMs": 2400})),
            3 => ("fileChange", json!({"type": "fileChange", "id": id, "status": "completed", "changes": [{"path": format!("/home/me/project/src/parser_{n}.rs"), "kind": {"type": "update", "move_path": null}, "diff": "@@ -10,7 +10,7 @@\n fn parse(input: &str) {\n-    let depth = 0;\n+    let mut depth = 0;\n     for c in input.chars() {\n"}]})),
            _ => ("agentMessage", json!({"type": "agentMessage", "id": id, "text": format!("item {n}: I fixed the **nested bracket** case in `parse`: the depth counter was never incremented. The tests pass now:\n\n- `nested::deep`\n- `nested::empty`\n\nAnything else?"), "phase": null, "memoryCitation": null, "moderation": null, "delivery": null, "questions": null})),
        };
        (turn, n, kind, item)
    })
}
