import { memo, useEffect, useMemo, useState } from "react";
import { shownSessionId, type AppView } from "../state/appState";
import { dotLabel, groupSessionsByWorkspace, sessionDot, type DotState } from "../state/sessionGroups";
import { shallowEqual, useAppSelector, useController } from "../state/hooks";
import { AccountArea } from "./AccountArea";
import { StatusDot } from "./StatusDot";
import { SWITCH_KEYS, withMod } from "./keys";

/** What the list shows: it re-renders when one of these changes, not on every streamed word. */
function listState(app: AppView) {
  const dots: Record<string, DotState> = {};
  for (const session of app.sessions) dots[session.id] = sessionDot(session, app.views[session.id]);
  const selectedId = shownSessionId(app);
  return { sessions: app.sessions, dots, selectedId, query: app.search.query, notifications: app.notifications, idle: app.idleReleaseSecs, unread: app.unread };
}

function sameListState(a: ReturnType<typeof listState>, b: ReturnType<typeof listState>): boolean {
  return (
    a.sessions === b.sessions &&
    a.selectedId === b.selectedId &&
    a.query === b.query &&
    a.notifications === b.notifications &&
    a.idle === b.idle &&
    a.unread === b.unread &&
    shallowEqual(a.dots, b.dots)
  );
}

/** The idle times offered (and the current one, when set otherwise), as [value, label]. */
function idleChoices(current: number | null): [string, string][] {
  const offered: [string, string][] = [
    ["300", "Idle: 5 min"],
    ["600", "Idle: 10 min"],
    ["1800", "Idle: 30 min"],
    ["3600", "Idle: 1 h"],
    ["14400", "Idle: 4 h"],
    ["never", "Idle: keep"],
  ];
  if (current !== null && !offered.some(([v]) => v === String(current))) {
    offered.unshift([String(current), `Idle: ${Math.round(current / 60)} min`]);
  }
  return offered;
}

export const Sidebar = memo(function Sidebar() {
  const app = useAppSelector(listState, sameListState);
  const controller = useController();
  const { query } = app;
  const groups = useMemo(() => groupSessionsByWorkspace(app.sessions.filter((s) => !s.archivedAt)), [app.sessions]);
  const archived = useMemo(() => app.sessions.filter((s) => s.archivedAt), [app.sessions]);
  const [showArchived, setShowArchived] = useState(false);
  // The open session is always in sight, archived or not.
  const archivedOpen = showArchived || archived.some((s) => s.id === app.selectedId);
  const waiting = Object.values(app.dots).filter((dot) => dot === "waiting").length;
  useEffect(() => controller.showWaiting(waiting), [controller, waiting]);

  return (
    <nav className="sidebar" aria-label="Sessions sidebar">
      <div className="sidebar-header">
        <span className="app-name">Codex Desk</span>
        {waiting > 0 && (
          <span className="badge" title={`${waiting} waiting for you`} aria-label={`${waiting} sessions waiting for you`}>
            {waiting}
          </span>
        )}
        <button
          type="button"
          className="icon-button"
          aria-label="New session"
          title={`New session (${withMod("N")})`}
          onClick={() => controller.showNewSession(true)}
        >
          <svg aria-hidden="true" width="14" height="14" viewBox="0 0 14 14">
            <path d="M7 1v12M1 7h12" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
          </svg>
        </button>
      </div>
      <input
        id="search-box"
        className="search"
        type="search"
        aria-label="Search sessions"
        placeholder={`Search all sessions (${withMod("K")})`}
        value={query.text}
        onChange={(e) => controller.search({ ...query, text: e.target.value })}
        onFocus={() => controller.showSearch(true)}
        onKeyDown={(e) => {
          if (e.key === "Escape") controller.search({ ...query, text: "" });
        }}
      />
      <ul className="session-groups" role="list" aria-label="Sessions" title={`${SWITCH_KEYS} move between sessions`}>
        {groups.map((group) => (
          <li key={group.workspace} className="session-group">
            <div className="group-label" title={group.workspace}>
              {group.label}
            </div>
            <ul role="list" aria-label={group.label}>
              {group.sessions.map((session) => {
                const dot = app.dots[session.id] ?? session.status;
                const selected = session.id === app.selectedId;
                const unread = app.unread[session.id] === true;
                return (
                  <li key={session.id}>
                    <button
                      type="button"
                      className={`session-entry${selected ? " selected" : ""}${unread ? " unread" : ""}`}
                      aria-current={selected ? "true" : undefined}
                      title={`${session.title} — ${dotLabel[dot]}${unread ? ", new since you looked" : ""}`}
                      onClick={() => void controller.select(session.id)}
                    >
                      <StatusDot state={dot} />
                      <span className="session-title">{session.title || "Untitled session"}</span>
                      {unread && <span className="unread-mark" aria-label="new since you looked" />}
                    </button>
                  </li>
                );
              })}
            </ul>
          </li>
        ))}
        {archived.length > 0 && (
          <li className="session-group archived-group">
            <button type="button" className="group-label quiet archived-toggle" aria-expanded={archivedOpen} onClick={() => setShowArchived((v) => !v)}>
              <span aria-hidden="true">{archivedOpen ? "▾" : "▸"}</span> Archived ({archived.length})
            </button>
            {archivedOpen && (
              <ul role="list" aria-label="Archived">
                {archived.map((session) => {
                  const selected = session.id === app.selectedId;
                  return (
                    <li key={session.id}>
                      <button
                        type="button"
                        className={`session-entry archived${selected ? " selected" : ""}`}
                        aria-current={selected ? "true" : undefined}
                        title={`${session.title} — archived`}
                        onClick={() => void controller.select(session.id)}
                      >
                        <span className="session-title">{session.title || "Untitled session"}</span>
                      </button>
                    </li>
                  );
                })}
              </ul>
            )}
          </li>
        )}
      </ul>
      <div className="sidebar-tools">
        <button
          type="button"
          className="quiet"
          title="Every command the agent ran and every file it changed, in all sessions"
          onClick={() => void controller.showAudit({ session: null, workspace: null, since: null, until: null })}
        >
          Audit trail
        </button>
        <button type="button" className="quiet" title="Import a session exported as JSON" onClick={() => void controller.importSession()}>
          Import…
        </button>
        <button
          type="button"
          className="quiet"
          aria-pressed={app.notifications}
          title={
            app.notifications
              ? "The system tells you when a turn ends, fails or waits for you while this window is in the background. Click to turn off."
              : "Notifications are off. Click to be told when a turn ends, fails or waits for you while this window is in the background."
          }
          onClick={() => void controller.setNotifications(!app.notifications)}
        >
          {app.notifications ? "Notify: on" : "Notify: off"}
        </button>
        <select
          className="quiet idle-choice"
          aria-label="Release an idle codex after"
          title="A session's codex process is stopped after this long without a turn or a question, to give its memory back; the next message starts it again on the same conversation."
          value={app.idle === null ? "never" : String(app.idle)}
          onChange={(e) => void controller.setIdleRelease(e.target.value === "never" ? null : Number(e.target.value))}
        >
          {idleChoices(app.idle).map(([secs, label]) => (
            <option key={secs} value={secs}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <AccountArea />
    </nav>
  );
});
