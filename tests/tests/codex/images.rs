//! An image the user attaches reaches the model with their words; what is not an image is
//! refused and nothing is sent.

use std::sync::Arc;

use codex_desk_core::CoreError;
use codex_desk_test_support::{reply, ModelRequest, Reply};
use codex_desk_tests::TestEnv;

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attached_image_reaches_the_model_with_the_message() {
    let env = TestEnv::new(Arc::new(|_: &ModelRequest| -> Reply {
        reply::text(&["A single pixel."])
    }))
    .await;
    let (engine, session, mut events) = env.start_session().await;

    // Not an image, whatever its name: refused, nothing kept.
    let err = engine
        .attach_image(&session.id, "notes.png", b"just text".to_vec())
        .await
        .expect_err("not an image");
    assert!(matches!(err, CoreError::InvalidInput(_)), "{err:?}");
    assert!(err.to_string().contains("not an image"), "{err}");
    // A path that is not one of the session's attachments is not sent.
    let stray = env.workspace().join("elsewhere.png");
    std::fs::write(&stray, PNG).expect("write");
    let err = engine
        .send_message(&session.id, "look", &[stray.display().to_string()])
        .await
        .expect_err("not attached");
    assert!(err.to_string().contains("no longer attached"), "{err}");
    assert!(env.mock.requests().is_empty(), "nothing was sent");

    let attached = engine
        .attach_image(&session.id, "dot.png", PNG.to_vec())
        .await
        .expect("attach");
    assert_eq!(attached.name, "dot.png");
    engine
        .send_message(&session.id, "What is in this picture?", &[attached.path])
        .await
        .expect("send");
    assert_eq!(events.turn_completed().await["status"], "completed");
    let input = env.mock.requests().last().expect("request").body["input"].to_string();
    assert!(input.contains("What is in this picture?"), "{input}");
    assert!(input.contains("data:image/png;base64,"), "{input}");
    engine.shutdown();
}
