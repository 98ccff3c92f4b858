//! The workspace's git state for the window's workspace panel: its branch, how far it is from
//! its upstream, and the files that differ from the last commit. Read with the user's own `git`
//! (`git status --porcelain=v2 --branch -z`), without taking git's locks (an agent committing
//! at that moment is never in the way), and never changing anything.

use std::path::Path;
use std::time::Duration;

use codex_desk_protocol::{GitChange, GitFile, GitState};

/// The most files listed: a workspace with thousands of untracked files still answers at once.
const MOST_FILES: usize = 500;
/// How long `git status` may take (a huge repository on a slow disk) before the panel says so.
const GIT_WAIT: Duration = Duration::from_secs(10);

/// The git state of `workspace`.
pub async fn state(workspace: &Path) -> GitState {
    let mut command = tokio::process::Command::new("git");
    command
        .arg("-C")
        .arg(workspace)
        .args([
            "status",
            "--porcelain=v2",
            "--branch",
            "-z",
            "--untracked-files=normal",
        ])
        // Only the workspace's files, when it is a folder inside a larger repository.
        .args(["--", "."])
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("LC_ALL", "C")
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    platform::no_window(&mut command);
    let output = match tokio::time::timeout(GIT_WAIT, command.output()).await {
        Err(_) => {
            return GitState::Unavailable {
                reason: format!("git status took longer than {} seconds", GIT_WAIT.as_secs()),
            }
        }
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            return GitState::Unavailable {
                reason: "git was not found; install git to see the folder's changes here".into(),
            }
        }
        Ok(Err(e)) => {
            return GitState::Unavailable {
                reason: format!("git could not be run ({e})"),
            }
        }
        Ok(Ok(output)) => output,
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        if stderr.contains("not a git repository") {
            return GitState::NotARepository;
        }
        let line = stderr
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no reason given");
        return GitState::Unavailable {
            reason: format!("git status failed: {}", line.trim()),
        };
    }
    parse(&output.stdout)
}

/// Reads `git status --porcelain=v2 --branch -z`.
pub fn parse(out: &[u8]) -> GitState {
    let mut branch = None;
    let mut upstream = None;
    let (mut ahead, mut behind) = (0, 0);
    let mut files = Vec::new();
    let mut more = 0u32;
    let mut records = out
        .split(|b| *b == 0)
        .map(|r| String::from_utf8_lossy(r).into_owned());
    while let Some(record) = records.next() {
        if let Some(header) = record.strip_prefix("# ") {
            match header.split_once(' ') {
                Some(("branch.head", head)) if head != "(detached)" => {
                    branch = Some(head.to_string())
                }
                Some(("branch.upstream", name)) => upstream = Some(name.to_string()),
                Some(("branch.ab", counts)) => {
                    for count in counts.split(' ') {
                        if let Some(n) = count.strip_prefix('+') {
                            ahead = n.parse().unwrap_or(0);
                        } else if let Some(n) = count.strip_prefix('-') {
                            behind = n.parse().unwrap_or(0);
                        }
                    }
                }
                _ => {}
            }
            continue;
        }
        let file = match record.split_at_checked(2) {
            Some(("1 ", rest)) => changed(rest, 6).map(|(xy, path)| file(xy, path, None)),
            // A rename or copy: its origin comes as the next record.
            Some(("2 ", rest)) => changed(rest, 7).map(|(xy, path)| {
                let from = records.next();
                file(xy, path, from)
            }),
            Some(("u ", rest)) => changed(rest, 8).map(|(_, path)| GitFile {
                path,
                change: GitChange::Conflicted,
                staged: false,
                from: None,
            }),
            Some(("? ", path)) => Some(GitFile {
                path: path.to_string(),
                change: GitChange::Untracked,
                staged: false,
                from: None,
            }),
            _ => None,
        };
        if let Some(file) = file {
            if files.len() < MOST_FILES {
                files.push(file);
            } else {
                more += 1;
            }
        }
    }
    GitState::Repository {
        branch,
        upstream,
        ahead,
        behind,
        files,
        more,
    }
}

/// `XY <fields…> <path>` → (XY, path), `fields` fields between them (the path may hold spaces).
fn changed(rest: &str, fields: usize) -> Option<(String, String)> {
    let mut parts = rest.splitn(fields + 2, ' ');
    let xy = parts.next()?.to_string();
    let path = parts.nth(fields)?.to_string();
    Some((xy, path))
}

fn file(xy: String, path: String, from: Option<String>) -> GitFile {
    let mut codes = xy.chars();
    let (staged, worktree) = (codes.next().unwrap_or('.'), codes.next().unwrap_or('.'));
    let code = if worktree != '.' { worktree } else { staged };
    let change = match code {
        'A' => GitChange::Added,
        'D' => GitChange::Deleted,
        'R' => GitChange::Renamed,
        'C' => GitChange::Copied,
        'T' => GitChange::TypeChanged,
        _ => GitChange::Modified,
    };
    GitFile {
        path,
        change,
        staged: staged != '.',
        from,
    }
}

#[cfg(windows)]
mod platform {
    /// No console window flashes up for `git`.
    pub fn no_window(command: &mut tokio::process::Command) {
        const CREATE_NO_WINDOW: u32 = 0x0800_0000;
        command.creation_flags(CREATE_NO_WINDOW);
    }
}

#[cfg(not(windows))]
mod platform {
    pub fn no_window(_command: &mut tokio::process::Command) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn porcelain_reads_as_branch_distance_and_files() {
        let out = [
            "# branch.oid 1234",
            "# branch.head main",
            "# branch.upstream origin/main",
            "# branch.ab +2 -1",
            "1 .M N... 100644 100644 100644 aaa bbb src/lib.rs",
            "1 A. N... 000000 100644 100644 000 ccc with space.txt",
            "2 R. N... 100644 100644 100644 ddd eee R100 new name.rs",
            "old name.rs",
            "u UU N... 100644 100644 100644 100644 f1 f2 f3 clash.rs",
            "? notes/todo.md",
            "",
        ]
        .join("\0");
        let GitState::Repository {
            branch,
            upstream,
            ahead,
            behind,
            files,
            more,
        } = parse(out.as_bytes())
        else {
            panic!("a repository");
        };
        assert_eq!(branch.as_deref(), Some("main"));
        assert_eq!(upstream.as_deref(), Some("origin/main"));
        assert_eq!((ahead, behind, more), (2, 1, 0));
        let seen: Vec<_> = files
            .iter()
            .map(|f| (f.path.as_str(), f.change, f.staged, f.from.as_deref()))
            .collect();
        assert_eq!(
            seen,
            [
                ("src/lib.rs", GitChange::Modified, false, None),
                ("with space.txt", GitChange::Added, true, None),
                ("new name.rs", GitChange::Renamed, true, Some("old name.rs")),
                ("clash.rs", GitChange::Conflicted, false, None),
                ("notes/todo.md", GitChange::Untracked, false, None),
            ]
        );
    }

    #[test]
    fn a_detached_head_has_no_branch_and_a_long_list_is_cut() {
        let mut out = String::from("# branch.head (detached)\0");
        for i in 0..(MOST_FILES + 3) {
            out.push_str(&format!("? file{i}\0"));
        }
        let GitState::Repository {
            branch,
            files,
            more,
            ..
        } = parse(out.as_bytes())
        else {
            panic!("a repository");
        };
        assert_eq!(branch, None);
        assert_eq!((files.len(), more), (MOST_FILES, 3));
    }

    #[tokio::test]
    async fn a_real_repository_a_plain_folder_and_a_missing_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(state(dir.path()).await, GitState::NotARepository);
        let git = |args: &[&str]| {
            let ok = std::process::Command::new("git")
                .arg("-C")
                .arg(dir.path())
                .args(args)
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "git {args:?}");
        };
        git(&["init", "-q", "-b", "work"]);
        std::fs::write(dir.path().join("a.txt"), "one\n").expect("write");
        let GitState::Repository { branch, files, .. } = state(dir.path()).await else {
            panic!("a repository");
        };
        assert_eq!(branch.as_deref(), Some("work"));
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].path, "a.txt");
        assert_eq!(files[0].change, GitChange::Untracked);
        // A workspace inside the repository sees its own files only.
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).expect("sub");
        std::fs::write(sub.join("b.txt"), "two\n").expect("write");
        let GitState::Repository { files, .. } = state(&sub).await else {
            panic!("a repository");
        };
        let paths: Vec<_> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            ["sub/"],
            "an untracked folder is one entry, as git shows it"
        );
        let gone = dir.path().join("gone");
        assert!(matches!(
            state(&gone).await,
            GitState::Unavailable { .. } | GitState::NotARepository
        ));
    }
}
