//! The checked-in TypeScript of codex's protocol matches the pinned codex.

use std::path::Path;

use codex_desk_tests::{codex_binary, repo_root};

fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .expect("prefix")
                    .display()
                    .to_string();
                out.push((rel, std::fs::read_to_string(&path).expect("read")));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn codex_protocol_types_match_the_pinned_codex() {
    let out = tempfile::tempdir().expect("tempdir");
    let status = std::process::Command::new(codex_binary())
        .args(["app-server", "generate-ts", "--out"])
        .arg(out.path())
        .status()
        .expect("run codex generate-ts");
    assert!(status.success());
    let fresh = files(out.path());
    let checked_in = files(&repo_root().join("ui/src/generated/codex"));
    let fresh_names: Vec<_> = fresh.iter().map(|(n, _)| n).collect();
    let checked_names: Vec<_> = checked_in.iter().map(|(n, _)| n).collect();
    assert_eq!(fresh_names, checked_names, "run `npm run gen:types`");
    for ((name, a), (_, b)) in fresh.iter().zip(&checked_in) {
        assert!(
            a == b,
            "ui/src/generated/codex/{name} is stale: run `npm run gen:types`"
        );
    }
}
