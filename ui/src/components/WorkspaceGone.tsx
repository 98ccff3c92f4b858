import { useState } from "react";
import type { ErrorPayload } from "../generated/desk/ErrorPayload";
import { useController } from "../state/hooks";

/** The session's folder is gone: say so, and let the user point the session at its new place. */
export function WorkspaceGone({ sessionId, path }: { sessionId: string; path: string }) {
  const controller = useController();
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [picked, setPicked] = useState<string | null>(null);

  const relocate = async (folder: string, confirmed: boolean) => {
    const failure = await controller.relocateSession(sessionId, folder, confirmed);
    setError(failure);
    setPicked(failure?.code === "workspaceNeedsConfirmation" ? folder : null);
  };

  const choose = async () => {
    const folder = await controller.pickFolder();
    if (folder) await relocate(folder, false);
  };

  return (
    <div className="banner" role="alert" data-testid="workspace-gone">
      <span className="banner-message">
        The folder <strong className="mono">{path}</strong> is gone: it was moved, renamed or deleted. Choose where it is
        now, and the session goes on there.
      </span>
      <div className="banner-actions">
        <button type="button" className="primary" onClick={() => void choose()}>
          Choose folder…
        </button>
        {picked && (
          <button type="button" onClick={() => void relocate(picked, true)}>
            Use it anyway
          </button>
        )}
      </div>
      {error && <p className="inline-error">{error.message}</p>}
    </div>
  );
}
