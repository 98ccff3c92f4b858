//! Faults and bad input, designed behaviours: each test injects one and checks what the user
//! sees and that nothing is lost. The README's fault table lists them.

use std::sync::Arc;

use codex_desk_test_support::{reply, ModelRequest, Reply};
use codex_desk_tests::TestEnv;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_data_folder_under_the_temp_dir_still_runs_commands_and_patches() {
    let env = TestEnv::in_temp_dir(Arc::new(|req: &ModelRequest| -> Reply {
        match req.tool_output() {
            Some(out) if out.contains("from-tmp") => reply::apply_patch(
                "call_patch",
                "*** Begin Patch\n*** Add File: made-in-tmp.txt\n+patched\n*** End Patch",
            ),
            Some(_) => reply::text(&["done"]),
            None => reply::exec_command("call_cmd", "echo from-tmp > ran.txt && cat ran.txt", None),
        }
    }))
    .await;
    assert!(env.data_dir().starts_with(std::env::temp_dir()));
    let (engine, session, mut events) = env.start_session().await;
    engine.send_prompt(&session.id, "go").await.expect("send");
    assert_eq!(events.turn_completed().await["status"], "completed");
    let workspace = env.workspace();
    assert_eq!(
        std::fs::read_to_string(workspace.join("ran.txt"))
            .expect("the command ran")
            .trim(),
        "from-tmp"
    );
    assert_eq!(
        std::fs::read_to_string(workspace.join("made-in-tmp.txt")).expect("the patch applied"),
        "patched\n"
    );
    engine.shutdown();
}
