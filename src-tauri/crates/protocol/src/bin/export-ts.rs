//! `export-ts <dir>`: writes the shared types as TypeScript into `<dir>`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: export-ts <output dir>");
        return ExitCode::from(2);
    };
    match codex_desk_protocol::export_all(&dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("export-ts: {e}");
            ExitCode::FAILURE
        }
    }
}
