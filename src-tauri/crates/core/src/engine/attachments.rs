//! Images the user attaches to a message: checked to be images, copied into the session's
//! folder (the original may move or change before the turn), and sent to codex as local images.

use std::path::{Path, PathBuf};

use codex_desk_protocol::Attachment;

use super::Engine;
use crate::error::{CoreError, Result};
use crate::export::blocking;
use crate::files;

/// The largest image accepted (the model service refuses far smaller ones anyway).
pub const LARGEST_IMAGE: u64 = 20 * 1024 * 1024;
/// At most this many images go with one message.
const MOST_IMAGES: usize = 10;

impl Engine {
    /// Keeps `bytes` (pasted or dropped, named `name`) as an image for session `id`'s next
    /// message.
    pub async fn attach_image(&self, id: &str, name: &str, bytes: Vec<u8>) -> Result<Attachment> {
        self.session(id).await?;
        let dir = self.folder(id).attachments_dir();
        let name = clean_name(name);
        blocking(move || keep(&dir, &name, &bytes)).await
    }

    /// As [`Engine::attach_image`], from a file the user picked.
    pub async fn attach_image_file(&self, id: &str, path: &Path) -> Result<Attachment> {
        self.session(id).await?;
        let dir = self.folder(id).attachments_dir();
        let path = path.to_path_buf();
        blocking(move || {
            use std::io::Read;
            let unreadable = |e| CoreError::io(format!("{} could not be read", path.display()), e);
            let file = std::fs::File::open(&path).map_err(unreadable)?;
            // A regular file, read no further than the largest image (not a pipe or a device,
            // which could block or never end).
            let meta = file.metadata().map_err(unreadable)?;
            if !meta.is_file() {
                return Err(CoreError::InvalidInput(format!(
                    "{} is not a file: attach an image file.",
                    path.display()
                )));
            }
            if meta.len() > LARGEST_IMAGE {
                return Err(too_big(meta.len()));
            }
            let mut bytes = Vec::new();
            file.take(LARGEST_IMAGE + 1)
                .read_to_end(&mut bytes)
                .map_err(unreadable)?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "image".into());
            keep(&dir, &clean_name(&name), &bytes)
        })
        .await
    }

    /// The attachments of a message, each one of this session's kept images.
    /// Deletes the copy of an image the user took off their next message before sending it.
    /// Only a file this app wrote in the session's attachments folder is removed; anything else
    /// is left alone.
    pub async fn discard_attachment(&self, id: &str, path: &str) -> Result<()> {
        self.session(id).await?;
        let dir = self.folder(id).attachments_dir();
        let path = PathBuf::from(path);
        blocking(move || {
            let ours = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file());
            if path.parent() != Some(dir.as_path()) || !ours {
                return Ok(());
            }
            match std::fs::remove_file(&path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(CoreError::io(
                    format!("{} could not be removed", path.display()),
                    e,
                )),
            }
        })
        .await
    }

    pub(super) fn checked_attachments(&self, id: &str, images: &[String]) -> Result<Vec<PathBuf>> {
        if images.len() > MOST_IMAGES {
            return Err(CoreError::InvalidInput(format!(
                "At most {MOST_IMAGES} images go with one message: remove some."
            )));
        }
        let dir = self.folder(id).attachments_dir();
        images
            .iter()
            .map(|image| {
                let path = PathBuf::from(image);
                // One of the files this app wrote there (not a link planted in its place).
                let ours = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file());
                if path.parent() != Some(dir.as_path()) || !ours {
                    return Err(CoreError::InvalidInput(format!(
                        "The image {} is no longer attached: attach it again.",
                        path.file_name()
                            .map(|n| n.to_string_lossy())
                            .unwrap_or_default()
                    )));
                }
                Ok(path)
            })
            .collect()
    }
}

fn too_big(size: u64) -> CoreError {
    CoreError::InvalidInput(format!(
        "That image is {} MB; images up to {} MB can be attached.",
        size.div_ceil(1 << 20),
        LARGEST_IMAGE >> 20
    ))
}

/// The kind of image `bytes` hold, by their first bytes (the name may lie).
fn image_kind(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, ..] => Some("png"),
        [0xff, 0xd8, 0xff, ..] => Some("jpg"),
        [b'G', b'I', b'F', b'8', ..] => Some("gif"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("webp"),
        _ => None,
    }
}

/// A name fit to show: one line, no path, at most 120 characters.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let line: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    if line.trim().is_empty() {
        "image".into()
    } else {
        line.trim().to_string()
    }
}

fn keep(dir: &Path, name: &str, bytes: &[u8]) -> Result<Attachment> {
    let size = bytes.len() as u64;
    if size > LARGEST_IMAGE {
        return Err(too_big(size));
    }
    let Some(kind) = image_kind(bytes) else {
        return Err(CoreError::InvalidInput(format!(
            "{name} is not an image codex can read: attach a PNG, JPEG, GIF or WebP."
        )));
    };
    files::private_dir(dir)?;
    let path = dir.join(format!("{}.{kind}", uuid::Uuid::new_v4().simple()));
    files::write_private(&path, bytes)?;
    Ok(Attachment {
        path: path.display().to_string(),
        name: name.to_string(),
        bytes: size,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_images_are_kept_whatever_their_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let png = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0];
        let kept = keep(dir.path(), "shot.png", &png).expect("png");
        assert!(kept.path.ends_with(".png"));
        assert_eq!(std::fs::read(&kept.path).expect("read"), png);
        let err = keep(dir.path(), "notes.png", b"hello").expect_err("text");
        assert!(err.to_string().contains("not an image"), "{err}");
        assert_eq!(clean_name("/home/me/Pictures/a\nb.png"), "ab.png");
        assert_eq!(clean_name(""), "image");
    }

    #[tokio::test]
    async fn an_image_taken_off_the_message_is_deleted_and_nothing_else_is() {
        let data = tempfile::tempdir().expect("tempdir");
        let workspace = tempfile::tempdir().expect("workspace");
        let config = crate::engine::EngineConfig::for_test(data.path());
        let engine = Engine::open(config).expect("engine");
        let session = engine
            .create_session(&workspace.path().display().to_string())
            .expect("session");
        let png = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0];
        let kept = engine
            .attach_image(&session.id, "shot.png", png.to_vec())
            .await
            .expect("attached");
        let mine = workspace.path().join("mine.png");
        std::fs::write(&mine, png).expect("mine");

        engine
            .discard_attachment(&session.id, &mine.display().to_string())
            .await
            .expect("not ours: left alone");
        assert!(
            mine.exists(),
            "a file outside the attachments folder is never touched"
        );
        engine
            .discard_attachment(&session.id, &kept.path)
            .await
            .expect("discarded");
        assert!(!Path::new(&kept.path).exists());
        engine.shutdown();
    }
}
