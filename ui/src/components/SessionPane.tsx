import type { SessionInfo } from "../generated/desk/SessionInfo";
import type { AppView } from "../state/appState";
import { useController } from "../state/hooks";
import { dotLabel, sessionDot } from "../state/sessionGroups";
import { emptySessionView, isTurnRunning } from "../state/sessionView";
import { Composer } from "./Composer";
import { StatusDot } from "./StatusDot";
import { Transcript } from "./Transcript";
import { WorkspaceGone } from "./WorkspaceGone";

/** The selected session: header, transcript, composer. */
export function SessionPane({ app, session }: { app: AppView; session: SessionInfo }) {
  const view = app.views[session.id] ?? emptySessionView(session.id);
  const dot = sessionDot(session, app.views[session.id]);
  const actionError = app.actionErrors[session.id];
  const controller = useController();

  return (
    <section className="session-pane" aria-label={session.title || "Session"}>
      <header className="session-header">
        <div className="session-heading">
          <h1 className="session-name">{session.title || "Untitled session"}</h1>
          <span className="small muted path" title={session.workspace}>
            {session.workspace}
          </span>
        </div>
        <span className="session-status">
          <StatusDot state={dot} />
          <span data-testid="session-status">{dotLabel[dot]}</span>
        </span>
        <div className="session-actions">
          <button
            type="button"
            className="quiet"
            title="Every command this session ran and every file it changed"
            onClick={() => void controller.showAudit({ session: session.id, workspace: null, since: null, until: null })}
          >
            Audit
          </button>
          <ExportMenu sessionId={session.id} />
        </div>
      </header>
      {(view.workspaceMissing || actionError?.code === "workspaceMissing") && (
        <WorkspaceGone sessionId={session.id} path={view.workspaceMissing ?? session.workspace} />
      )}
      <Transcript key={`transcript-${session.id}-${view.focus?.serial ?? 0}`} view={view} />
      {actionError && (
        <p className="inline-error pad" role="alert">
          {actionError.message}
        </p>
      )}
      <Composer key={`composer-${session.id}`} sessionId={session.id} running={isTurnRunning(view)} />
    </section>
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
        if (e.key === "Escape") close(e.currentTarget);
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
