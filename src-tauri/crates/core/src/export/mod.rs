//! Files the user exports: a session as Markdown (to read) or JSON (to import again), and the
//! audit trail as JSON Lines or CSV. Files are written beside their target and moved into
//! place when complete, so a failed export never leaves half a file under the chosen name.

pub mod archive;
pub mod audit;
pub mod markdown;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{CoreError, Result};

/// A file being written off the async workers; it appears under its name only on
/// [`Output::finish`], and is removed if dropped before.
pub struct Output {
    file: Option<std::io::BufWriter<tempfile::NamedTempFile>>,
    path: PathBuf,
}

impl Output {
    pub async fn create(path: &Path) -> Result<Self> {
        let target = path.to_path_buf();
        let dir = target
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let file = blocking(move || {
            tempfile::Builder::new()
                .prefix(".codex-desk-export-")
                .tempfile_in(&dir)
                .map_err(|e| cannot_write(&dir, e))
        })
        .await?;
        Ok(Self {
            file: Some(std::io::BufWriter::with_capacity(1 << 16, file)),
            path: target,
        })
    }

    pub async fn write(&mut self, bytes: Vec<u8>) -> Result<()> {
        let mut file = self.file.take().ok_or_else(|| closed(&self.path))?;
        let path = self.path.clone();
        let file = blocking(move || {
            file.write_all(&bytes).map_err(|e| cannot_write(&path, e))?;
            Ok(file)
        })
        .await?;
        self.file = Some(file);
        Ok(())
    }

    /// Moves the complete file into place (replacing a file of that name the user chose to
    /// overwrite).
    pub async fn finish(mut self) -> Result<()> {
        let file = self.file.take().ok_or_else(|| closed(&self.path))?;
        let path = self.path.clone();
        blocking(move || {
            let file = file
                .into_inner()
                .map_err(|e| cannot_write(&path, e.into_error()))?;
            file.as_file()
                .sync_all()
                .map_err(|e| cannot_write(&path, e))?;
            file.persist(&path)
                .map_err(|e| cannot_write(&path, e.error))?;
            Ok(())
        })
        .await
    }
}

fn cannot_write(path: &Path, e: std::io::Error) -> CoreError {
    CoreError::io(
        format!(
            "{} could not be written; choose a folder you can write to, with free space",
            path.display()
        ),
        e,
    )
}

fn closed(path: &Path) -> CoreError {
    CoreError::io(
        format!("{} was already closed", path.display()),
        std::io::Error::other("export closed"),
    )
}

/// Runs file work on tokio's blocking threads.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        CoreError::io(
            "a file task stopped unexpectedly",
            std::io::Error::other(e.to_string()),
        )
    })?
}

/// Unix milliseconds as UTC, `2026-11-23T10:04:05Z`.
pub fn utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_utc_iso_8601() {
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(utc(1_795_428_245_999), "2026-11-23T10:04:05Z");
        assert_eq!(utc(-1_000), "1969-12-31T23:59:59Z");
    }

    #[tokio::test]
    async fn a_failed_export_leaves_no_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.md");
        let mut out = Output::create(&path).await.expect("create");
        out.write(b"half".to_vec()).await.expect("write");
        drop(out);
        assert_eq!(std::fs::read_dir(dir.path()).expect("read").count(), 0);

        let mut out = Output::create(&path).await.expect("create");
        out.write(b"whole".to_vec()).await.expect("write");
        out.finish().await.expect("finish");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "whole");
        assert_eq!(std::fs::read_dir(dir.path()).expect("read").count(), 1);
    }

    #[tokio::test]
    async fn a_folder_that_cannot_be_written_says_so() {
        let err = Output::create(Path::new("/proc/no-such/out.md"))
            .await
            .err()
            .expect("error");
        assert!(err.to_string().contains("could not be written"), "{err}");
    }
}
