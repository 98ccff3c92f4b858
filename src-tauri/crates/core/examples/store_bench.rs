//! Store benchmark: how fast items are appended (in the writer's batches) and how fast the
//! newest page and an older page of a very long session are read, and how fast search answers
//! over it.
//!
//! `npm run bench:store` (full: a 1,000,000-item session) or `-- --quick` (CI: 100,000 items,
//! fails only when ten times over budget).
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::time::{Duration, Instant};

use codex_desk_core::store::{NewItem, Store};
use codex_desk_protocol::{SearchQuery, SessionInfo, SessionStatus};

const APPEND_BUDGET_PER_S: f64 = 50_000.0;
const PAGE_BUDGET: Duration = Duration::from_millis(20);
const PAGE: usize = 150;
const SEARCH_BUDGET: Duration = Duration::from_millis(50);

/// A ~640-byte agent message, as a long session holds thousands of.
fn item(n: usize) -> String {
    serde_json::json!({
        "type": "agentMessage", "id": format!("item-{n}"),
        "text": format!("item {n}: {}", "I fixed the nested bracket case in `parse`; the tests pass now. ".repeat(8)),
        "phase": null, "memoryCitation": null, "moderation": null, "delivery": null, "questions": null,
    })
    .to_string()
}

fn session(id: &str) -> SessionInfo {
    SessionInfo {
        id: id.into(),
        title: id.into(),
        workspace: "/bench".into(),
        thread_id: None,
        status: SessionStatus::Idle,
        last_error: None,
        created_at: 0,
        updated_at: 0,
        archived_at: None,
    }
}

/// Appends `count` items to a new session; returns items per second.
async fn append(store: &Store, id: &str, count: usize) -> f64 {
    store.insert_session(session(id));
    let start = Instant::now();
    for n in 0..count {
        if n % 5 == 0 {
            store.turn_started(id, &format!("t{}", n / 5));
        }
        store.upsert_item(NewItem {
            session_id: id.into(),
            turn_id: format!("t{}", n / 5),
            item_id: format!("item-{n}"),
            kind: "agentMessage".into(),
            json: item(n),
        });
    }
    store.flush().await.unwrap();
    count as f64 / start.elapsed().as_secs_f64()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let dir = tempfile::tempdir().unwrap();
    let file = std::env::var_os("STORE_BENCH_DB")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().join("bench.sqlite3"));
    let store = Store::open(&file).unwrap().store;

    let appends: Vec<f64> = {
        let mut rates = Vec::new();
        for run in 0..3 {
            rates.push(append(&store, &format!("append-{run}"), 50_000).await);
        }
        rates
    };
    let append_rate = median(appends);

    let long = if quick { 100_000 } else { 1_000_000 };
    append(&store, "long", long).await;
    let mut newest = Vec::new();
    let mut older = Vec::new();
    for _ in 0..21 {
        let start = Instant::now();
        let (_, items, has_older) = store.page("long", None, PAGE).await.unwrap();
        newest.push(start.elapsed().as_secs_f64() * 1000.0);
        assert!(items.len() == PAGE && has_older);
        let start = Instant::now();
        let (_, items, _) = store
            .page("long", Some((long / 2) as i64), PAGE)
            .await
            .unwrap();
        older.push(start.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(items.len(), PAGE);
    }
    let (newest, older) = (median(newest), median(older));

    // Appends do not wait for the search index: it is built when the database thread idles.
    let start = Instant::now();
    store.finish_search_index().await.unwrap();
    let total = 150_000 + long;
    let index_rate = total as f64 / start.elapsed().as_secs_f64();

    // Search: a word in one item, a word in every item (only the newest matches are ranked), and
    // that word limited to a kind no item has (every match is looked at).
    let searches = [
        ("a word in one item", "7777", Vec::new(), 1),
        ("a word in every item", "bracket parse", Vec::new(), 1),
        (
            "that word, filtered to a kind none has",
            "bracket",
            vec!["commandExecution".to_string()],
            0,
        ),
    ];
    let mut search_rows = Vec::new();
    for (what, text, kinds, expect) in searches {
        let mut times = Vec::new();
        for _ in 0..11 {
            let query = SearchQuery {
                text: text.into(),
                kinds: kinds.clone(),
                ..SearchQuery::default()
            };
            let start = Instant::now();
            let results = store.search(query).await.unwrap();
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(results.hits.is_empty(), expect == 0, "{what}");
        }
        search_rows.push((what, median(times)));
    }

    println!("store bench ({})", if quick { "quick" } else { "full" });
    println!("| what | measured | budget |");
    println!("| --- | --- | --- |");
    println!("| append, batched (median of 3 × 50,000) | {append_rate:.0} items/s | ≥ {APPEND_BUDGET_PER_S:.0} items/s |");
    println!(
        "| newest page of a {long}-item session (median of 21) | {newest:.2} ms | ≤ {} ms |",
        PAGE_BUDGET.as_millis()
    );
    println!(
        "| a page from its middle (median of 21) | {older:.2} ms | ≤ {} ms |",
        PAGE_BUDGET.as_millis()
    );
    println!("| index for search, while idle ({total} items) | {index_rate:.0} items/s | — |");
    for (what, ms) in &search_rows {
        println!(
            "| search {what} (median of 11) | {ms:.2} ms | ≤ {} ms |",
            SEARCH_BUDGET.as_millis()
        );
    }

    let budget_ms = PAGE_BUDGET.as_secs_f64() * 1000.0;
    let search_budget_ms = SEARCH_BUDGET.as_secs_f64() * 1000.0;
    let gross = append_rate < APPEND_BUDGET_PER_S / 10.0
        || newest > budget_ms * 10.0
        || older > budget_ms * 10.0
        || search_rows
            .iter()
            .any(|(_, ms)| *ms > search_budget_ms * 10.0);
    if gross {
        eprintln!("store bench: more than ten times over budget");
        std::process::exit(1);
    }
}
