//! What the user answered when codex asked (approve a command, a change to files), kept for
//! the audit trail: codex's items say whether something ran, not who allowed it.

use codex_desk_protocol::ApprovalChoice;
use rusqlite::{params, Connection};

/// How a choice is written in the table.
pub(super) fn token(choice: ApprovalChoice) -> &'static str {
    match choice {
        ApprovalChoice::Approve => "approve",
        ApprovalChoice::ApproveForSession => "approveForSession",
        ApprovalChoice::AllowPrefix => "allowPrefix",
        ApprovalChoice::Decline => "decline",
        ApprovalChoice::CancelTurn => "cancelTurn",
        ApprovalChoice::AllowHost => "allowHost",
        ApprovalChoice::BlockHost => "blockHost",
    }
}

/// The choice a token stands for (`None` for one this version does not know).
pub(super) fn choice(token: &str) -> Option<ApprovalChoice> {
    Some(match token {
        "approve" => ApprovalChoice::Approve,
        "approveForSession" => ApprovalChoice::ApproveForSession,
        "allowPrefix" => ApprovalChoice::AllowPrefix,
        "decline" => ApprovalChoice::Decline,
        "cancelTurn" => ApprovalChoice::CancelTurn,
        "allowHost" => ApprovalChoice::AllowHost,
        "blockHost" => ApprovalChoice::BlockHost,
        _ => return None,
    })
}

pub(super) const MIGRATION_5: &str = "
CREATE TABLE decisions (
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    turn_id     TEXT NOT NULL,
    item_id     TEXT NOT NULL,
    choice      TEXT NOT NULL,
    decided_at  INTEGER NOT NULL,
    PRIMARY KEY (session_id, turn_id, item_id)
) WITHOUT ROWID;
";

/// Records (or replaces: the last answer for an item counts) the user's answer about an item.
pub(super) fn record(
    conn: &Connection,
    session_id: &str,
    turn_id: &str,
    item_id: &str,
    choice: &str,
    at: i64,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO decisions (session_id, turn_id, item_id, choice, decided_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(session_id, turn_id, item_id) DO UPDATE SET choice = excluded.choice,
                                                                 decided_at = excluded.decided_at",
    )?
    .execute(params![session_id, turn_id, item_id, choice, at])?;
    Ok(())
}

/// Every answer recorded in a session: (turn, item, choice).
pub(super) fn all(
    conn: &Connection,
    session_id: &str,
) -> crate::error::Result<Vec<(String, String, ApprovalChoice)>> {
    let mut stmt = conn
        .prepare_cached("SELECT turn_id, item_id, choice FROM decisions WHERE session_id = ?1")?;
    let rows = stmt.query_map([session_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (turn, item, token) = row?;
        if let Some(choice) = choice(&token) {
            out.push((turn, item, choice));
        }
    }
    Ok(out)
}
