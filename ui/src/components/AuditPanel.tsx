import { memo, useMemo } from "react";
import type { AuditEntry } from "../generated/desk/AuditEntry";
import type { SessionInfo } from "../generated/desk/SessionInfo";
import type { AppView, AuditView } from "../state/appState";
import { useAppSelector, useController } from "../state/hooks";
import { formatDuration } from "./format";

function auditState(app: AppView): { audit: AuditView; sessions: SessionInfo[] } {
  return { audit: app.audit, sessions: app.sessions };
}

function sameAuditState(a: ReturnType<typeof auditState>, b: ReturnType<typeof auditState>): boolean {
  return a.audit === b.audit && a.sessions === b.sessions;
}

export const APPROVAL_LABEL: Record<AuditEntry["approval"], string> = {
  policy: "By policy",
  user: "Run by you",
  approved: "Approved by you",
  approvedForSession: "Approved by you for the session",
  allowedPrefix: "Allowed by your rule",
  declined: "Declined",
};

/** What the entry's result column says. */
export function auditResult(entry: AuditEntry): string {
  if (entry.kind === "command") {
    if (entry.exitCode !== null) return `exit ${entry.exitCode}`;
    return entry.status;
  }
  return entry.status;
}

/** Every command the agent ran and every file it changed: one session, one folder, or all. */
export const AuditPanel = memo(function AuditPanel() {
  const { audit, sessions } = useAppSelector(auditState, sameAuditState);
  const controller = useController();
  const { query } = audit;
  const workspaces = useMemo(() => [...new Set(sessions.map((s) => s.workspace))].sort(), [sessions]);
  const scoped = query.session ? sessions.find((s) => s.id === query.session) : undefined;
  const scope = query.session ? `session:${query.session}` : query.workspace ? `folder:${query.workspace}` : "";
  const choose = (value: string) => {
    if (value.startsWith("session:")) void controller.showAudit({ ...query, session: value.slice(8), workspace: null });
    else if (value.startsWith("folder:")) void controller.showAudit({ ...query, session: null, workspace: value.slice(7) });
    else void controller.showAudit({ ...query, session: null, workspace: null });
  };

  return (
    <section className="search-panel audit-panel" aria-label="Audit trail">
      <header className="search-header">
        <h1 className="session-name">Audit trail</h1>
        <span className="small muted" role="status">
          {audit.busy && audit.entries.length === 0
            ? "Loading…"
            : `${audit.entries.length}${audit.next !== null ? "+" : ""} ${audit.entries.length === 1 ? "action" : "actions"}`}
        </span>
      </header>
      <div className="search-filters" role="group" aria-label="Audit filters">
        <select aria-label="Which sessions" value={scope} onChange={(e) => choose(e.target.value)}>
          <option value="">All sessions</option>
          {query.session && <option value={`session:${query.session}`}>Session: {scoped?.title || "Untitled session"}</option>}
          {workspaces.map((w) => (
            <option key={w} value={`folder:${w}`}>
              Folder: {w}
            </option>
          ))}
        </select>
        <span className="spacer" />
        <button type="button" onClick={() => void controller.exportAudit("csv")}>
          Export CSV…
        </button>
        <button type="button" onClick={() => void controller.exportAudit("jsonl")}>
          Export JSON Lines…
        </button>
      </div>
      <div className="search-results">
        {audit.error && (
          <p className="inline-error" role="alert">
            {audit.error.message}
          </p>
        )}
        {audit.entries.length > 0 && (
          <table className="audit-table" aria-label="Commands and file changes">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col">Result</th>
                <th scope="col">Approval</th>
                <th scope="col">Session</th>
              </tr>
            </thead>
            <tbody>
              {audit.entries.map((entry, index) => (
                <Row
                  key={`${entry.sessionId}:${entry.seq}:${entry.path ?? ""}:${index}`}
                  entry={entry}
                  onOpen={() => void controller.openAt(entry.sessionId, entry.seq)}
                />
              ))}
            </tbody>
          </table>
        )}
        {!audit.busy && !audit.error && audit.entries.length === 0 && (
          <p className="muted pad">No commands ran and no files changed here yet.</p>
        )}
        {audit.next !== null && (
          <button type="button" className="quiet load-more" disabled={audit.busy} onClick={() => void controller.loadMoreAudit()}>
            {audit.busy ? "Loading…" : "Show older"}
          </button>
        )}
      </div>
    </section>
  );
});

function Row({ entry, onOpen }: { entry: AuditEntry; onOpen: () => void }) {
  const failed = entry.status === "failed" || (entry.exitCode !== null && entry.exitCode !== 0);
  return (
    <tr data-kind={entry.kind} data-approval={entry.approval}>
      <td className="nowrap small muted">{new Date(entry.at).toLocaleString()}</td>
      <td className="audit-what">
        {entry.kind === "command" ? (
          <>
            <code className="audit-command">{entry.command}</code>
            {entry.cwd && <span className="small muted path"> in {entry.cwd}</span>}
          </>
        ) : (
          <details>
            <summary>
              <span className="small muted">{entry.change ?? "change"} </span>
              <code>{entry.path}</code>
              {entry.movePath && <span className="small muted"> → {entry.movePath}</span>}
            </summary>
            {entry.diff && <pre className="audit-diff">{entry.diff}</pre>}
          </details>
        )}
      </td>
      <td className={`nowrap small${failed ? " failed" : ""}`}>
        {auditResult(entry)}
        {entry.durationMs !== null && <span className="muted"> · {formatDuration(entry.durationMs)}</span>}
      </td>
      <td className={`nowrap small approval-${entry.approval}`}>{APPROVAL_LABEL[entry.approval]}</td>
      <td className="small">
        <button type="button" className="link-button" title={entry.workspace} onClick={onOpen}>
          {entry.sessionTitle || "Untitled session"}
        </button>
      </td>
    </tr>
  );
}
