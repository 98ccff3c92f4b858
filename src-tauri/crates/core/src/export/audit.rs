//! The audit trail as JSON Lines (one object per action, lossless) and CSV (for a
//! spreadsheet).

use codex_desk_protocol::{AuditApproval, AuditEntry, AuditFormat, AuditKind};

/// The first line of the file, if the format has one.
pub fn header(format: AuditFormat) -> String {
    match format {
        AuditFormat::Jsonl => String::new(),
        AuditFormat::Csv => format!("{}\r\n", COLUMNS.join(",")),
    }
}

const COLUMNS: [&str; 17] = [
    "time",
    "session_id",
    "session_title",
    "workspace",
    "turn_id",
    "seq",
    "kind",
    "status",
    "approval",
    "command",
    "cwd",
    "exit_code",
    "duration_ms",
    "path",
    "change",
    "move_path",
    "diff",
];

/// One action as a line of the file.
pub fn line(format: AuditFormat, entry: &AuditEntry) -> String {
    match format {
        AuditFormat::Jsonl => {
            let mut value = serde_json::to_value(entry).unwrap_or_default();
            if let Some(object) = value.as_object_mut() {
                object.insert("time".into(), super::utc(entry.at).into());
            }
            format!("{value}\n")
        }
        AuditFormat::Csv => {
            let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
            let text = |t: &Option<String>| t.clone().unwrap_or_default();
            let fields = [
                super::utc(entry.at),
                entry.session_id.clone(),
                entry.session_title.clone(),
                entry.workspace.clone(),
                entry.turn_id.clone(),
                entry.seq.to_string(),
                kind(entry.kind).into(),
                entry.status.clone(),
                approval(entry.approval).into(),
                text(&entry.command),
                text(&entry.cwd),
                number(entry.exit_code),
                number(entry.duration_ms),
                text(&entry.path),
                text(&entry.change),
                text(&entry.move_path),
                text(&entry.diff),
            ];
            // Numbers and times as they are; only text a person or the agent wrote is defused.
            const NUMBERS: [usize; 4] = [0, 5, 11, 12];
            let cells: Vec<String> = fields
                .iter()
                .enumerate()
                .map(|(i, f)| cell(f, !NUMBERS.contains(&i)))
                .collect();
            format!("{}\r\n", cells.join(","))
        }
    }
}

pub fn kind(kind: AuditKind) -> &'static str {
    match kind {
        AuditKind::Command => "command",
        AuditKind::FileChange => "fileChange",
    }
}

pub fn approval(approval: AuditApproval) -> &'static str {
    match approval {
        AuditApproval::Policy => "policy",
        AuditApproval::User => "user",
        AuditApproval::Approved => "approved",
        AuditApproval::ApprovedForSession => "approvedForSession",
        AuditApproval::AllowedPrefix => "allowedPrefix",
        AuditApproval::Declined => "declined",
    }
}

/// A CSV cell (RFC 4180). A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a
/// tab or a carriage return first: a command or a diff can start so) is prefixed with `'`, as
/// OWASP advises; the JSON Lines export keeps every value as it was.
fn cell(value: &str, text: bool) -> String {
    let formula = text && value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let value = if formula {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(cmd: &str) -> AuditEntry {
        AuditEntry {
            at: 1_795_428_245_000,
            session_id: "s1".into(),
            session_title: "Fix, \"quoted\"".into(),
            workspace: "/w".into(),
            turn_id: "t1".into(),
            seq: 3,
            kind: AuditKind::Command,
            status: "completed".into(),
            approval: AuditApproval::Policy,
            command: Some(cmd.into()),
            cwd: Some("/w".into()),
            exit_code: Some(0),
            duration_ms: Some(12),
            path: None,
            change: None,
            move_path: None,
            diff: None,
        }
    }

    #[test]
    fn csv_quotes_what_needs_it_and_defuses_formulas() {
        assert_eq!(
            header(AuditFormat::Csv),
            "time,session_id,session_title,workspace,turn_id,seq,kind,status,approval,command,cwd,exit_code,duration_ms,path,change,move_path,diff\r\n"
        );
        assert_eq!(
            line(AuditFormat::Csv, &command("ls -la\necho done")),
            "2026-11-23T10:04:05Z,s1,\"Fix, \"\"quoted\"\"\",/w,t1,3,command,completed,policy,\"ls -la\necho done\",/w,0,12,,,,\r\n"
        );
        let formula = line(AuditFormat::Csv, &command("=HYPERLINK(\"x\")"));
        assert!(
            formula.contains(",\"'=HYPERLINK(\"\"x\"\")\","),
            "{formula}"
        );
        // A negative exit code stays a number.
        let mut killed = command("sleep 9");
        killed.exit_code = Some(-1);
        assert!(line(AuditFormat::Csv, &killed).contains(",/w,-1,12,"));
    }

    #[test]
    fn json_lines_keep_every_value_and_add_the_time() {
        let text = line(AuditFormat::Jsonl, &command("=1+1"));
        assert!(text.ends_with('\n') && !text.trim_end().contains('\n'));
        let value: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(value["command"], "=1+1");
        assert_eq!(value["time"], "2026-11-23T10:04:05Z");
        assert_eq!(value["approval"], "policy");
        assert_eq!(value["exitCode"], 0);
        assert_eq!(header(AuditFormat::Jsonl), "");
    }
}
