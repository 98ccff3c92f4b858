import { useState, type FormEvent } from "react";
import type { ErrorPayload } from "../generated/desk/ErrorPayload";
import { useAppView, useController } from "../state/hooks";
import { TerminalSessions } from "./TerminalSessions";

export function NewSessionPanel() {
  const controller = useController();
  const app = useAppView();
  const [workspace, setWorkspace] = useState(app.droppedFolder?.path ?? "");
  const [error, setError] = useState<ErrorPayload | null>(null);
  // A folder dropped on the window while the panel is open fills it in (and a question about
  // the folder before it no longer stands).
  const [dropSeen, setDropSeen] = useState(app.droppedFolder?.serial ?? 0);
  if (app.droppedFolder && app.droppedFolder.serial !== dropSeen) {
    setDropSeen(app.droppedFolder.serial);
    setWorkspace(app.droppedFolder.path);
    setError(null);
  }
  const [busy, setBusy] = useState(false);

  const choose = async () => {
    const picked = await controller.pickFolder();
    if (picked) {
      setWorkspace(picked);
      setError(null);
    }
  };

  const create = async (confirmed: boolean) => {
    setBusy(true);
    const failure = await controller.createSession(workspace, confirmed);
    setBusy(false);
    setError(failure);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void create(false);
  };

  return (
    <section className="panel new-session" aria-labelledby="new-session-heading">
      <h1 id="new-session-heading">New session</h1>
      <p className="muted">Pick the folder codex should work in. It can read and change files there.</p>
      <form onSubmit={submit}>
        <div className="folder-row">
          <input
            type="text"
            aria-label="Workspace folder"
            placeholder="/path/to/your/project"
            value={workspace}
            spellCheck={false}
            autoFocus
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "workspace-error" : undefined}
            onChange={(e) => {
              setWorkspace(e.target.value);
              setError(null);
            }}
          />
          <button type="button" aria-label="Choose folder" onClick={() => void choose()}>
            Choose folder…
          </button>
        </div>
        {error && (
          <p id="workspace-error" className="inline-error" role="alert">
            {error.message}{" "}
            {error.code === "workspaceNeedsConfirmation" && (
              <button type="button" className="link-button" disabled={busy} onClick={() => void create(true)}>
                Use it anyway
              </button>
            )}
          </p>
        )}
        <div className="form-actions">
          {app.sessions.length > 0 && (
            <button type="button" className="quiet" onClick={() => controller.showNewSession(false)}>
              Cancel
            </button>
          )}
          <button type="submit" className="primary" disabled={busy || workspace.trim() === ""}>
            Create session
          </button>
        </div>
      </form>
      <TerminalSessions />
    </section>
  );
}
