//! The app's log: stderr (for a terminal) and daily files, seven kept, in the log folder
//! (`CODEX_DESK_LOG` sets the level). Both pass a scrubber: the core never logs a credential
//! (`Secret`, redacted protocol lines), and anything that still looks like one is blanked.

use std::io::Write;
use std::path::Path;

use codex_desk_core::secrets::scrub;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer as _};

/// Keeps the file writer flushing until the app ends.
pub struct LogGuard {
    _file: Option<WorkerGuard>,
}

pub fn init(log_dir: &Path) -> LogGuard {
    let filter =
        || EnvFilter::try_from_env("CODEX_DESK_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(Scrubbing(std::io::stderr))
        .with_filter(filter());
    let file = std::fs::create_dir_all(log_dir)
        .ok()
        .and_then(|()| {
            Builder::new()
                .rotation(Rotation::DAILY)
                .filename_prefix("codex-desk")
                .filename_suffix("log")
                .max_log_files(7)
                .build(log_dir)
                .ok()
        })
        .map(tracing_appender::non_blocking);
    let (file_layer, guard) = match file {
        Some((writer, guard)) => (
            Some(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .with_writer(Scrubbing(writer))
                    .with_filter(filter()),
            ),
            Some(guard),
        ),
        None => (None, None),
    };
    let _ = tracing_subscriber::registry()
        .with(stderr)
        .with(file_layer)
        .try_init();
    LogGuard { _file: guard }
}

/// A writer that blanks credentials before they reach the log.
#[derive(Clone)]
struct Scrubbing<M>(M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Scrubbing<M> {
    type Writer = ScrubbingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        ScrubbingWriter(self.0.make_writer())
    }
}

struct ScrubbingWriter<W>(W);

impl<W: Write> Write for ScrubbingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(scrub(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}
