use std::sync::Mutex;

use super::sessions::tests::sample;
use super::*;

#[tokio::test]
async fn migrations_run_once_and_reopen_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db.sqlite3");
    Store::open(&path).expect("first open").store.close();
    let store = Store::open(&path).expect("second open").store;
    let (version, mode) = store
        .read(|c| {
            let v: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0))?;
            let m: String = c.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
            Ok((v, m))
        })
        .await
        .expect("pragmas");
    assert_eq!(version, MIGRATIONS.len() as i64);
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn a_full_disk_keeps_every_write_tells_once_and_saves_all_on_recovery() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db.sqlite3");
    let store = Store::open(&path).expect("open").store;
    let heard: std::sync::Arc<Mutex<Vec<StorageHealth>>> = Default::default();
    let log = heard.clone();
    store.on_health(move |h| log.lock().expect("lock").push(h.clone()));
    store.insert_session(sample("s", 1));
    store.flush().await.expect("saved");

    // The database may not grow any more: exactly what a full disk does to SQLite.
    let pages: u64 = store
        .read(|c| Ok(c.pragma_query_value(None, "page_count", |r| r.get::<_, i64>(0))?))
        .await
        .expect("page count")
        .try_into()
        .expect("positive");
    store.limit_size_for_tests(pages).await.expect("limit");
    let big = "x".repeat(64 * 1024);
    for n in 0..50 {
        store.upsert_item(NewItem {
            session_id: "s".into(),
            turn_id: "t".into(),
            item_id: format!("i{n}"),
            kind: "agentMessage".into(),
            json: serde_json::json!({"type": "agentMessage", "id": format!("i{n}"), "text": big})
                .to_string(),
        });
    }
    let err = store.flush().await.expect_err("the disk is full");
    assert!(err.to_string().contains("disk is full"), "{err}");
    assert_eq!(store.health().waiting, 50, "every write is kept");
    // Reading still works meanwhile.
    assert!(store.session("s").await.expect("read").is_some());

    // Space comes back: everything lands, in order, and the user hears it once.
    store
        .limit_size_for_tests(1_000_000)
        .await
        .expect("unlimit");
    store.flush().await.expect("saved after recovery");
    let items = store.list_items("s").await.expect("items");
    assert_eq!(items.len(), 50);
    assert!(items.windows(2).all(|w| w[0].seq < w[1].seq));
    let heard = heard.lock().expect("lock");
    assert_eq!(
        heard.len(),
        2,
        "told once when it stopped, once when it recovered: {heard:?}"
    );
    assert!(heard[0]
        .problem
        .as_deref()
        .is_some_and(|p| p.contains("Free some space")));
    assert_eq!(heard[1], StorageHealth::default());
}

#[tokio::test]
async fn writes_survive_close_and_reopen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db.sqlite3");
    let store = Store::open(&path).expect("open").store;
    store.insert_session(sample("s", 1));
    store.set_title("s", "kept");
    store.close();
    let store = Store::open(&path).expect("reopen").store;
    assert_eq!(
        store.session("s").await.expect("read").expect("row").title,
        "kept"
    );
}
