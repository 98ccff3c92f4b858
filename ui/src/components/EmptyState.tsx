import { useController } from "../state/hooks";

export function EmptyState({ hasSessions }: { hasSessions: boolean }) {
  const controller = useController();
  return (
    <section className="panel empty-state" aria-labelledby="empty-heading">
      <h1 id="empty-heading">{hasSessions ? "No session open" : "No session yet"}</h1>
      <p className="muted">
        A session is a conversation with codex about one folder on your computer. You write what you want done;
        codex reads the code, runs commands and edits files there, and you watch every step here.
      </p>
      {hasSessions && <p className="muted">Pick a session on the left, or start a new one.</p>}
      <button type="button" className="primary" onClick={() => controller.showNewSession(true)}>
        New session
      </button>
    </section>
  );
}
