//! The workspace's git state for the window's workspace panel: its branch, how far it is from
//! its upstream, and the files that differ from the last commit. Read with the user's own `git`
//! (`git status --porcelain=v2 --branch -z`), without taking git's locks (an agent committing
//! at that moment is never in the way), and never changing anything. Git runs outside codex's
//! sandbox: the engine asks the user first for a sandboxed session, and [`state`] refuses what
//! would make git run a program the repository names.

use std::path::Path;
use std::time::Duration;

use codex_desk_protocol::{GitChange, GitFile, GitState};

/// The most files listed: a workspace with thousands of untracked files still answers at once.
const MOST_FILES: usize = 500;
/// How long `git status` may take (a huge repository on a slow disk) before the panel says so.
const GIT_WAIT: Duration = Duration::from_secs(10);

/// The git state of `workspace`.
///
/// Git runs here outside codex's sandbox, on a repository the agent may have written: the
/// repository's own settings could make it run a program (a filter driver, an fsmonitor hook).
/// So the fsmonitor is off, submodules are not entered, and a repository whose own config
/// names a filter driver is not read at all (the user's and the system's config are theirs).
pub async fn state(workspace: &Path) -> GitState {
    let config = match run(workspace, &["config", "--list", "--show-scope", "-z"]).await {
        Ok(output) => output,
        Err(unavailable) => return unavailable,
    };
    if !config.status.success() {
        // Outside a repository the listing works (the user's own settings): it failing means
        // an old git (no --show-scope, 2.26+) or a broken config; git is not run further.
        let stderr = String::from_utf8_lossy(&config.stderr);
        let line = stderr
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no reason given");
        return GitState::Unavailable {
            reason: format!(
                "git could not list its settings ({}); git 2.26 or newer is needed",
                line.trim()
            ),
        };
    }
    if let Some(key) = program_in_repository_config(&config.stdout) {
        return GitState::Unavailable {
            reason: format!(
                "this repository's own settings run a program ({key}), which the app will not start outside codex's sandbox; look at its changes in a terminal"
            ),
        };
    }
    let status = [
        "-c",
        "core.fsmonitor=false",
        "status",
        "--porcelain=v2",
        "--branch",
        "-z",
        "--untracked-files=normal",
        "--ignore-submodules=all",
        "--no-renames",
        // Only the workspace's files, when it is a folder inside a larger repository.
        "--",
        ".",
    ];
    let output = match run(workspace, &status).await {
        Ok(output) => output,
        Err(unavailable) => return unavailable,
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

/// `git -C workspace <args>`, at most [`GIT_WAIT`], without git's optional locks.
async fn run(workspace: &Path, args: &[&str]) -> Result<std::process::Output, GitState> {
    let mut command = tokio::process::Command::new("git");
    command
        .arg("-C")
        .arg(workspace)
        .args(args)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_TERMINAL_PROMPT", "0")
        // A partial clone's missing objects are not fetched (that would run its transport).
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("LC_ALL", "C")
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    platform::no_window(&mut command);
    match tokio::time::timeout(GIT_WAIT, command.output()).await {
        Err(_) => Err(GitState::Unavailable {
            reason: format!("git took longer than {} seconds", GIT_WAIT.as_secs()),
        }),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => Err(GitState::Unavailable {
            reason: "git was not found; install git to see the folder's changes here".into(),
        }),
        Ok(Err(e)) => Err(GitState::Unavailable {
            reason: format!("git could not be run ({e})"),
        }),
        Ok(Ok(output)) => Ok(output),
    }
}

/// The first setting of the repository's own config (`git config --list --show-scope -z`)
/// that makes `git status` run a program: a filter driver.
fn program_in_repository_config(listed: &[u8]) -> Option<String> {
    let entries: Vec<&[u8]> = listed.split(|b| *b == 0).collect();
    entries.chunks(2).find_map(|pair| {
        let [scope, entry] = pair else { return None };
        let scope = String::from_utf8_lossy(scope);
        let entry = String::from_utf8_lossy(entry);
        let key = entry.split('\n').next().unwrap_or_default().to_lowercase();
        let own = scope == "local" || scope == "worktree";
        (own && key.starts_with("filter.")).then_some(key)
    })
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

    #[test]
    fn a_filter_in_the_repositorys_own_config_is_found_not_in_the_users() {
        let listed = b"global\0filter.lfs.clean\ngit-lfs clean -- %f\0local\0core.bare\nfalse\0local\0filter.x.clean\necho hi\0";
        assert_eq!(
            program_in_repository_config(listed).as_deref(),
            Some("filter.x.clean")
        );
        let users_only =
            b"global\0filter.lfs.clean\ngit-lfs clean -- %f\0local\0core.bare\nfalse\0";
        assert_eq!(program_in_repository_config(users_only), None);
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
        // What an agent could plant in the repository's config runs nothing here: the
        // fsmonitor is off, and a filter driver keeps git from being run at all.
        let ran = dir.path().join("ran");
        git(&[
            "config",
            "core.fsmonitor",
            &format!("touch {}", ran.display()),
        ]);
        assert!(matches!(
            state(dir.path()).await,
            GitState::Repository { .. }
        ));
        git(&[
            "config",
            "filter.evil.clean",
            &format!("touch {}", ran.display()),
        ]);
        std::fs::write(dir.path().join(".gitattributes"), "* filter=evil\n").expect("write");
        let GitState::Unavailable { reason } = state(dir.path()).await else {
            panic!("not read");
        };
        assert!(reason.contains("filter.evil.clean"), "{reason}");
        assert!(!ran.exists(), "nothing the repository named ran");
        let gone = dir.path().join("gone");
        assert!(matches!(
            state(&gone).await,
            GitState::Unavailable { .. } | GitState::NotARepository
        ));
    }
}
