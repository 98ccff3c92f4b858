import type { SessionInfo } from "../generated/desk/SessionInfo";
import type { AppView } from "../state/appState";
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
