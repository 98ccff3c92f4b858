//! The audit trail, read from the stored items: every command the agent ran and every file it
//! changed, with the session it belongs to.

use std::collections::HashMap;

use codex_desk_protocol::{
    ApprovalChoice, AuditApproval, AuditEntry, AuditKind, AuditPage, AuditQuery,
};
use rusqlite::{params, Connection, Row};
use serde_json::Value;

use crate::error::Result;

/// Which way a page is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// The window: newest first, `next` goes back in time.
    NewestFirst,
    /// Exports: oldest first, `next` goes forward.
    OldestFirst,
}

/// A command or diff longer than this is cut in the window's pages (exports hold it whole).
const LONGEST_SHOWN: usize = 64 * 1024;

/// Audit entries are read from these kinds of items (the partial index `items_audit` is on
/// exactly these: a query names them the same way to use it).
const AUDITED: &str = "i.kind IN ('commandExecution', 'fileChange')";

/// Actions across sessions come in the order they happened (an imported session's old
/// commands among the old ones, not first), by the time each was stored and then its rowid.
pub(super) const MIGRATION_13: &str = "
CREATE INDEX items_audit ON items(created_at) WHERE kind IN ('commandExecution', 'fileChange');
";

/// Up to `limit` items' entries after the cursor `from` (`None`: from the start in `order`).
/// The cursor (opaque to the window) is the item's `seq` when one session is asked for, its
/// time and rowid (`<at>:<rowid>`) across sessions.
pub(super) fn page(
    conn: &Connection,
    query: &AuditQuery,
    order: Order,
    from: Option<&str>,
    limit: usize,
) -> Result<AuditPage> {
    // One session: its own index, in its order (an `OR` would keep SQLite from using it).
    let in_session = if query.session.is_some() {
        "i.session_id = ?1"
    } else {
        "?1 IS NULL"
    };
    let (key, cmp, dir) = match (query.session.is_some(), order) {
        // The seq alone decides (`?6` is not read), and the session's index serves it.
        (true, Order::NewestFirst) => ("i.seq", "<", "i.seq DESC"),
        (true, Order::OldestFirst) => ("i.seq", ">", "i.seq ASC"),
        (false, Order::NewestFirst) => (
            "(i.created_at, i.rowid)",
            "<",
            "i.created_at DESC, i.rowid DESC",
        ),
        (false, Order::OldestFirst) => (
            "(i.created_at, i.rowid)",
            ">",
            "i.created_at ASC, i.rowid ASC",
        ),
    };
    let bound = if query.session.is_some() {
        format!("{key} {cmp} ?5")
    } else {
        format!("{key} {cmp} (?5, ?6)")
    };
    let start = match from {
        Some(cursor) => parse_cursor(cursor)?,
        None => match order {
            Order::NewestFirst => (i64::MAX, i64::MAX),
            Order::OldestFirst => (i64::MIN, i64::MIN),
        },
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT i.rowid, i.session_id, s.title, s.workspace, i.turn_id, i.seq, i.kind, i.json,
                i.created_at, d.choice, t.codex_run
         FROM items i JOIN sessions s ON s.id = i.session_id
              LEFT JOIN decisions d
                ON d.session_id = i.session_id AND d.turn_id = i.turn_id AND d.item_id = i.item_id
              LEFT JOIN turns t ON t.session_id = i.session_id AND t.id = i.turn_id
         WHERE {AUDITED}
           AND {in_session}
           AND (?2 IS NULL OR s.workspace = ?2)
           AND (?3 IS NULL OR i.created_at >= ?3)
           AND (?4 IS NULL OR i.created_at < ?4)
           AND {bound}
         ORDER BY {dir}
         LIMIT ?7"
    ))?;
    let fetch = i64::try_from(limit).unwrap_or(i64::MAX - 1) + 1;
    let mut rows = stmt.query(params![
        query.session,
        query.workspace,
        query.since,
        query.until,
        start.0,
        start.1,
        fetch
    ])?;
    let mut entries = Vec::new();
    let mut last = None;
    let mut more = false;
    let mut taken = 0;
    let mut grants = Grants::default();
    while let Some(row) = rows.next()? {
        if taken == limit {
            more = true;
            break;
        }
        taken += 1;
        last = Some(if query.session.is_some() {
            row.get::<_, i64>(5)?.to_string()
        } else {
            format!("{}:{}", row.get::<_, i64>(8)?, row.get::<_, i64>(0)?)
        });
        let mut found = entries_of(conn, row, &mut grants)?;
        if order == Order::NewestFirst {
            for entry in &mut found {
                cut(&mut entry.command);
                cut(&mut entry.diff);
            }
        }
        entries.extend(found);
    }
    Ok(AuditPage {
        entries,
        next: if more { last } else { None },
    })
}

/// Where a page ended, from its cursor: `<seq>`, or `<at>:<rowid>`.
fn parse_cursor(cursor: &str) -> Result<(i64, i64)> {
    let number = |s: &str| s.trim().parse::<i64>().ok();
    let parsed = match cursor.split_once(':') {
        Some((at, rowid)) => number(at).zip(number(rowid)),
        None => number(cursor).map(|seq| (seq, 0)),
    };
    parsed.ok_or_else(|| {
        crate::error::CoreError::InvalidInput(format!(
            "The audit trail cannot go on from “{cursor}”: open it again."
        ))
    })
}

/// A very long text cut to its start, saying how much more the export holds.
fn cut(text: &mut Option<String>) {
    let Some(t) = text else { return };
    if t.len() <= LONGEST_SHOWN {
        return;
    }
    let mut end = LONGEST_SHOWN;
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    let more = (t.len() - end) / 1024;
    t.truncate(end);
    t.push_str(&format!(
        "\n… {more} KB more: export the trail for all of it"
    ));
}

/// How the user allowed an item, from their recorded answer (`None`: they refused it).
fn user_approval(token: &str) -> Option<AuditApproval> {
    match super::decisions::choice(token)? {
        ApprovalChoice::Approve => Some(AuditApproval::Approved),
        ApprovalChoice::ApproveForSession => Some(AuditApproval::ApprovedForSession),
        ApprovalChoice::AllowPrefix => Some(AuditApproval::AllowedPrefix),
        // A host is not an item: not recorded against one (kept here should that change).
        ApprovalChoice::AllowHost => Some(AuditApproval::Approved),
        ApprovalChoice::Decline | ApprovalChoice::CancelTurn | ApprovalChoice::BlockHost => None,
    }
}

/// Commands the user approved for the session, per session, read once a page: the same codex
/// then runs the same command in the same folder again without asking. Codex does not say why
/// it did not ask; this is the one reason the store can tell from the policy's.
#[derive(Default)]
struct Grants(HashMap<String, Vec<Grant>>);

struct Grant {
    seq: i64,
    command: Option<String>,
    cwd: Option<String>,
    /// The codex process it was given to (codex keeps it in memory: a restart forgets it).
    run: Option<String>,
}

/// A command as the audit reads it, to match against approvals for the session.
struct Ran<'a> {
    session: &'a str,
    seq: i64,
    command: Option<&'a str>,
    cwd: Option<&'a str>,
    run: Option<&'a str>,
}

impl Grants {
    /// Whether the command `ran` follows such an approval of the same codex process (either's
    /// process unknown, stored before that was kept: the session's).
    fn cover(&mut self, conn: &Connection, ran: &Ran<'_>) -> rusqlite::Result<bool> {
        if !self.0.contains_key(ran.session) {
            let mut stmt = conn.prepare_cached(
                "SELECT i.seq, json_extract(i.json, '$.command'), json_extract(i.json, '$.cwd'),
                        t.codex_run
                 FROM decisions d JOIN items i
                   ON i.session_id = d.session_id AND i.turn_id = d.turn_id
                  AND i.item_id = d.item_id
                 LEFT JOIN turns t ON t.session_id = i.session_id AND t.id = i.turn_id
                 WHERE d.session_id = ?1 AND d.choice = 'approveForSession'
                   AND i.kind = 'commandExecution'",
            )?;
            let found = stmt
                .query_map([ran.session], |r| {
                    Ok(Grant {
                        seq: r.get(0)?,
                        command: r.get(1)?,
                        cwd: r.get(2)?,
                        run: r.get(3)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            self.0.insert(ran.session.to_string(), found);
        }
        Ok(self.0.get(ran.session).is_some_and(|grants| {
            grants.iter().any(|g| {
                g.seq < ran.seq
                    && g.command.is_some()
                    && g.command.as_deref() == ran.command
                    && g.cwd.as_deref() == ran.cwd
                    && match (g.run.as_deref(), ran.run) {
                        (Some(given), Some(ran)) => given == ran,
                        _ => true,
                    }
            })
        }))
    }
}

/// The entries one stored item makes: one for a command, one per file for a file change.
fn entries_of(
    conn: &Connection,
    row: &Row<'_>,
    grants: &mut Grants,
) -> rusqlite::Result<Vec<AuditEntry>> {
    let kind: String = row.get(6)?;
    let json: String = row.get(7)?;
    // A row this app wrote is valid JSON; a damaged one still shows that something ran.
    let item: Value = serde_json::from_str(&json).unwrap_or(Value::Null);
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    let status = text(&item, "status").unwrap_or_else(|| "unknown".into());
    let decided: Option<String> = row.get(9)?;
    let session: String = row.get(1)?;
    let seq: i64 = row.get(5)?;
    let approval = if status == "declined" {
        AuditApproval::Declined
    } else if let Some(by_user) = decided.as_deref().and_then(user_approval) {
        by_user
    } else if item.get("source").and_then(Value::as_str) == Some("userShell") {
        AuditApproval::User
    } else if kind == "commandExecution"
        && grants.cover(
            conn,
            &Ran {
                session: &session,
                seq,
                command: item.get("command").and_then(Value::as_str),
                cwd: item.get("cwd").and_then(Value::as_str),
                run: row.get::<_, Option<String>>(10)?.as_deref(),
            },
        )?
    {
        AuditApproval::ApprovedForSession
    } else {
        AuditApproval::Policy
    };
    let entry = AuditEntry {
        at: row.get(8)?,
        session_id: row.get(1)?,
        session_title: row.get(2)?,
        workspace: row.get(3)?,
        turn_id: row.get(4)?,
        seq: row.get(5)?,
        kind: AuditKind::Command,
        status,
        approval,
        command: None,
        cwd: None,
        exit_code: None,
        duration_ms: None,
        path: None,
        change: None,
        move_path: None,
        diff: None,
    };
    Ok(match kind.as_str() {
        "commandExecution" => vec![AuditEntry {
            command: Some(text(&item, "command").unwrap_or_default()),
            cwd: text(&item, "cwd"),
            exit_code: item.get("exitCode").and_then(Value::as_i64),
            duration_ms: item.get("durationMs").and_then(Value::as_i64),
            ..entry
        }],
        _ => item
            .get("changes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|change| AuditEntry {
                kind: AuditKind::FileChange,
                path: Some(text(change, "path").unwrap_or_default()),
                change: change
                    .pointer("/kind/type")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                move_path: change
                    .pointer("/kind/move_path")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                diff: text(change, "diff"),
                ..entry.clone()
            })
            .collect(),
    })
}
