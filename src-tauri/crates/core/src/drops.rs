//! What was dropped on the window: a folder (a session's workspace) or an image (for the next
//! message). Named by a look at the disk only; an image's bytes are checked when it is attached.

use std::path::Path;

use codex_desk_protocol::{DroppedKind, DroppedPath};

/// At most this many dropped paths are looked at.
const MOST_DROPPED: usize = 50;

/// Each dropped path with what it is.
pub fn classify(paths: &[String]) -> Vec<DroppedPath> {
    paths
        .iter()
        .take(MOST_DROPPED)
        .map(|path| DroppedPath {
            path: path.clone(),
            kind: kind_of(Path::new(path)),
        })
        .collect()
}

fn kind_of(path: &Path) -> DroppedKind {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => DroppedKind::Folder,
        Ok(meta) if meta.is_file() && has_image_name(path) => DroppedKind::Image,
        _ => DroppedKind::Other,
    }
}

fn has_image_name(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["png", "jpg", "jpeg", "gif", "webp"]
            .iter()
            .any(|known| e.eq_ignore_ascii_case(known))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_images_and_the_rest() {
        let dir = tempfile::tempdir().expect("tmp");
        let image = dir.path().join("Shot.PNG");
        let text = dir.path().join("notes.txt");
        std::fs::write(&image, b"png").expect("image");
        std::fs::write(&text, b"text").expect("text");
        let paths: Vec<String> = [
            dir.path().to_path_buf(),
            image,
            text,
            dir.path().join("gone.png"),
        ]
        .iter()
        .map(|p| p.display().to_string())
        .collect();
        let kinds: Vec<DroppedKind> = classify(&paths).into_iter().map(|d| d.kind).collect();
        assert_eq!(
            kinds,
            [
                DroppedKind::Folder,
                DroppedKind::Image,
                DroppedKind::Other,
                DroppedKind::Other
            ]
        );
    }
}
