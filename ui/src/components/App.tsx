import { useEffect } from "react";
import { useAppView, useController } from "../state/hooks";
import { listedOrder, sessionAfter } from "../state/sessionGroups";
import { CodexBanner } from "./CodexBanner";
import { EmptyState } from "./EmptyState";
import { NewSessionPanel } from "./NewSessionPanel";
import { AuditPanel } from "./AuditPanel";
import { SearchPanel } from "./SearchPanel";
import { SignInPanel } from "./SignInPanel";
import { StartupFailure } from "./StartupFailure";
import { SessionPane } from "./SessionPane";
import { Sidebar } from "./Sidebar";
import { StatusBar } from "./StatusBar";

export function App() {
  const app = useAppView();
  const controller = useController();

  useEffect(() => {
    void controller.load();
  }, [controller]);

  // Files dropped on the window: a folder starts a session there, images go with a message.
  useEffect(() => controller.watchDrops(), [controller]);

  // Ctrl/Cmd+N: new session; Ctrl/Cmd+K or +F: search; Ctrl/Cmd+L: the message box;
  // Alt+↑/↓: the session above or below in the list; Ctrl/Cmd+1…9: the list's first nine.
  const sessions = app.sessions;
  const shown = app.selectedId;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      // Not while typing: there Alt+arrows move the caret.
      const typing = event.target instanceof Element && event.target.closest("input, textarea, select, [contenteditable]") !== null;
      if (event.altKey && !typing && !event.ctrlKey && !event.metaKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
        const next = sessionAfter(sessions, shown, event.key === "ArrowUp" ? -1 : 1);
        if (next) {
          event.preventDefault();
          void controller.select(next);
        }
        return;
      }
      if (!(event.ctrlKey || event.metaKey) || event.shiftKey || event.altKey) return;
      const key = event.key.toLowerCase();
      if (key === "n") {
        event.preventDefault();
        controller.showNewSession(true);
      } else if (key === "k" || key === "f") {
        event.preventDefault();
        document.getElementById("search-box")?.focus();
      } else if (key === "l") {
        event.preventDefault();
        document.querySelector<HTMLTextAreaElement>('textarea[aria-label="Message"]')?.focus();
      } else if (/^[1-9]$/.test(key)) {
        const target = listedOrder(sessions)[Number(key) - 1];
        if (target) {
          event.preventDefault();
          void controller.select(target.id);
        }
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [controller, sessions, shown]);

  if (app.startupError) return <StartupFailure error={app.startupError} />;

  const selected = app.sessions.find((s) => s.id === app.selectedId);
  let content;
  if (app.loading) content = <p className="muted pad">Loading…</p>;
  else if (app.signingIn) content = <SignInPanel />;
  else if (app.search.shown) content = <SearchPanel />;
  else if (app.audit.shown) content = <AuditPanel />;
  else if (app.creating) content = <NewSessionPanel />;
  else if (selected) content = <SessionPane app={app} session={selected} />;
  else content = <EmptyState hasSessions={app.sessions.length > 0} />;

  return (
    <div className="app">
      <Sidebar />
      <main className="main">
        {app.codexError && <CodexBanner error={app.codexError} title="Codex cannot be used." canChoose />}
        {app.loadError && <CodexBanner error={app.loadError} title="Codex Desk could not start." />}
        {app.storage.problem && (
          <div className="banner" role="alert" data-testid="storage-problem">
            <strong>Not saved yet.</strong>
            <span className="banner-message">{app.storage.problem}</span>
          </div>
        )}
        {app.notices.map((notice, index) => (
          <div className="banner notice-banner" role="status" key={`${index}:${notice}`}>
            <span className="banner-message">{notice}</span>
            <button type="button" className="quiet" onClick={() => controller.dismissNotice(index)}>
              Dismiss
            </button>
          </div>
        ))}
        {content}
        <StatusBar app={app} />
        {app.dropHover && (
          <div className="drop-overlay" role="status">
            <p>Drop a folder to start a session there, or images to send with your next message.</p>
          </div>
        )}
      </main>
    </div>
  );
}
