import { useCallback, useEffect, useState } from "react";
import type { ErrorPayload } from "../generated/desk/ErrorPayload";
import type { SessionInfo } from "../generated/desk/SessionInfo";
import type { AppView } from "../state/appState";
import { useController } from "../state/hooks";
import { dotLabel, sessionDot } from "../state/sessionGroups";
import { emptySessionView, isTurnRunning } from "../state/sessionView";
import { Composer } from "./Composer";
import { SessionOptionsBar } from "./SessionOptionsBar";
import { StatusDot } from "./StatusDot";
import { Transcript } from "./Transcript";
import { WorkspaceGone } from "./WorkspaceGone";
import { ShowDetails } from "./ShowDetails";
import { WorkspacePanel } from "./WorkspacePanel";
import { withMod } from "./keys";

/** The selected session: header, transcript, composer. */
export function SessionPane({ app, session }: { app: AppView; session: SessionInfo }) {
  const view = app.views[session.id] ?? emptySessionView(session.id);
  const dot = sessionDot(session, app.views[session.id]);
  const actionError = app.actionErrors[session.id];

  const [panelOpen, togglePanel] = useWorkspacePanel();
  const running = isTurnRunning(view);

  return (
    <section className="session-pane" aria-label={session.title || "Session"}>
      <SessionHeader key={session.id} session={session} dot={dot} running={running} panelOpen={panelOpen} onTogglePanel={togglePanel} />
      <div className="session-body">
        <div className="session-main">
          {(view.workspaceMissing || actionError?.code === "workspaceMissing") && (
            <WorkspaceGone sessionId={session.id} path={view.workspaceMissing ?? session.workspace} />
          )}
          <Transcript key={`transcript-${session.id}-${view.focus?.serial ?? 0}`} view={view} />
          {actionError && <ActionError sessionId={session.id} error={actionError} />}
          <SessionOptionsBar key={`options-${session.id}`} sessionId={session.id} options={view.options} running={running} loaded={view.loaded} />
          <Composer key={`composer-${session.id}`} sessionId={session.id} running={running} queued={view.queued} queueHeld={view.queueHeld} />
        </div>
        {panelOpen && <WorkspacePanel key={`workspace-${session.id}`} view={view} running={running} />}
      </div>
    </section>
  );
}

/** What went wrong with the user's last action in the session, its detail on request, and a way to put it away. */
function ActionError({ sessionId, error }: { sessionId: string; error: ErrorPayload }) {
  const controller = useController();
  return (
    <div className="inline-error pad action-error" role="alert">
      <span>{error.message}</span>
      <button type="button" className="link-button" onClick={() => controller.dismissActionError(sessionId)}>
        Dismiss
      </button>
      <ShowDetails detail={error.detail} />
    </div>
  );
}

const PANEL_KEY = "codex-desk.workspacePanel";

/** Whether the workspace panel is open (kept across sessions and restarts); Ctrl+B toggles it. */
function useWorkspacePanel(): [boolean, () => void] {
  const [open, setOpen] = useState(() => {
    try {
      return localStorage.getItem(PANEL_KEY) === "open";
    } catch {
      return false;
    }
  });
  const toggle = useCallback(() => {
    setOpen((was) => {
      try {
        localStorage.setItem(PANEL_KEY, was ? "closed" : "open");
      } catch {
        // Not kept: it still toggles.
      }
      return !was;
    });
  }, []);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.shiftKey && !event.altKey && event.key.toLowerCase() === "b") {
        event.preventDefault();
        toggle();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [toggle]);
  return [open, toggle];
}

/** The session's name (renamable), folder, status and actions; deleting asks first. */
function SessionHeader({
  session,
  dot,
  running,
  panelOpen,
  onTogglePanel,
}: {
  session: SessionInfo;
  dot: ReturnType<typeof sessionDot>;
  running: boolean;
  panelOpen: boolean;
  onTogglePanel: () => void;
}) {
  const controller = useController();
  const [naming, setNaming] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [forking, setForking] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const rename = async () => {
    if (naming === null) return;
    const failed = await controller.renameSession(session.id, naming);
    setError(failed);
    if (!failed) setNaming(null);
  };
  const remove = async () => {
    const failed = await controller.deleteSession(session.id);
    if (failed) setError(failed);
  };
  return (
    <>
      <header className="session-header">
        <div className="session-heading">
          {naming === null ? (
            <h1 className="session-name" title="Double-click to rename" onDoubleClick={() => setNaming(session.title)}>
              {session.title || "Untitled session"}
            </h1>
          ) : (
            <input
              className="session-name-input"
              aria-label="Session name"
              value={naming}
              autoFocus
              maxLength={200}
              onChange={(e) => setNaming(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter") void rename();
                if (e.key === "Escape") {
                  e.preventDefault();
                  setNaming(null);
                  setError(null);
                }
              }}
              onBlur={() => void rename()}
            />
          )}
          <span className="small muted path" title={session.workspace}>
            {session.workspace}
          </span>
        </div>
        <span className="session-status">
          <StatusDot state={dot} />
          <span data-testid="session-status" role="status">{dotLabel[dot]}</span>
        </span>
        <div className="session-actions">
          <button type="button" className="quiet" onClick={() => setNaming(session.title)}>
            Rename
          </button>
          <button
            type="button"
            className="quiet"
            title="Every command this session ran and every file it changed"
            onClick={() => void controller.showAudit({ session: session.id, workspace: null, since: null, until: null })}
          >
            Audit
          </button>
          <button
            type="button"
            className="quiet"
            title="A new session with this conversation so far, in the same folder; the two go their own ways"
            disabled={running || forking || !session.threadId}
            onClick={async () => {
              setForking(true);
              await controller.forkSession(session.id);
              setForking(false);
            }}
          >
            Fork
          </button>
          <button
            type="button"
            className="quiet"
            title={session.archivedAt ? "Back in the session list" : "Out of the session list (nothing is deleted; a message brings it back)"}
            onClick={async () => setError(await controller.archiveSession(session.id, !session.archivedAt))}
          >
            {session.archivedAt ? "Unarchive" : "Archive"}
          </button>
          <ExportMenu sessionId={session.id} />
          <button
            type="button"
            className="quiet"
            aria-pressed={panelOpen}
            title={`The folder's git state, the files codex changed and the turn's diff (${withMod("B")})`}
            onClick={onTogglePanel}
          >
            Workspace
          </button>
          <button type="button" className="quiet" onClick={() => setDeleting(true)}>
            Delete…
          </button>
        </div>
      </header>
      {deleting && (
        <div className="banner confirm-delete" role="alertdialog" aria-label="Delete this session?">
          <span className="banner-message">
            {running
              ? "A turn is running: press Stop first, then delete the session."
              : `Delete “${session.title || "Untitled session"}”? Its transcript and its folder in Codex Desk's data are removed for good. Your folder ${session.workspace} is not touched.`}
          </span>
          <button type="button" className="danger" disabled={running} onClick={() => void remove()}>
            Delete session
          </button>
          <button type="button" className="quiet" autoFocus onClick={() => setDeleting(false)}>
            Cancel
          </button>
        </div>
      )}
      {error && (
        <p className="inline-error pad" role="alert">
          {error.message}
        </p>
      )}
    </>
  );
}

/** Export as Markdown or JSON; the app asks where to save. */
function ExportMenu({ sessionId }: { sessionId: string }) {
  const controller = useController();
  const close = (details: HTMLDetailsElement | null) => {
    if (!details) return;
    details.removeAttribute("open");
    details.querySelector("summary")?.focus();
  };
  const run = (event: React.MouseEvent<HTMLButtonElement>, format: "markdown" | "json") => {
    close(event.currentTarget.closest("details"));
    void controller.exportSession(sessionId, format);
  };
  return (
    <details
      className="menu"
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          close(e.currentTarget);
        }
      }}
    >
      <summary>Export</summary>
      <div className="menu-items">
        <button type="button" onClick={(e) => run(e, "markdown")}>
          As Markdown (to read)…
        </button>
        <button type="button" onClick={(e) => run(e, "json")}>
          As JSON (to import)…
        </button>
      </div>
    </details>
  );
}
