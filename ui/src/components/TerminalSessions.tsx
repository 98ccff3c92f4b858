import { useState, type FormEvent } from "react";
import type { ErrorPayload } from "../generated/desk/ErrorPayload";
import type { TerminalThread } from "../generated/desk/TerminalThread";
import { useController } from "../state/hooks";

/**
 * Codex sessions the user ran in a terminal (from their own codex home), to continue here: a
 * list read when asked for, or a session id pasted.
 */
export function TerminalSessions() {
  const controller = useController();
  const [threads, setThreads] = useState<TerminalThread[] | "loading" | null>(null);
  const [error, setError] = useState<{ threadId: string; error: ErrorPayload } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [pasted, setPasted] = useState("");

  const show = async () => {
    setThreads("loading");
    setError(null);
    const listed = await controller.terminalThreads();
    if (Array.isArray(listed)) setThreads(listed);
    else {
      setThreads(null);
      setError({ threadId: "", error: listed });
    }
  };

  const go = async (threadId: string, confirmed = false) => {
    setBusy(threadId);
    setError(null);
    const failed = await controller.continueTerminalThread(threadId, confirmed);
    setBusy(null);
    setError(failed && { threadId, error: failed });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (pasted.trim()) void go(pasted.trim());
  };

  return (
    <section className="terminal-sessions" aria-labelledby="terminal-sessions-heading">
      <h2 id="terminal-sessions-heading">Continue a session from your terminal</h2>
      <p className="muted small">Codex sessions you ran with the codex command go on here with their history; your own copy is left as it is.</p>
      {threads === null && (
        <button type="button" onClick={() => void show()}>
          Show my codex sessions
        </button>
      )}
      {threads === "loading" && (
        <p className="small muted" role="status">
          <span className="spinner" aria-hidden="true" /> Reading your codex sessions…
        </p>
      )}
      {Array.isArray(threads) &&
        (threads.length === 0 ? (
          <p className="small muted">No codex sessions were found in your codex home.</p>
        ) : (
          <ul className="terminal-list" aria-label="Your codex sessions">
            {threads.map((t) => (
              <li key={t.id}>
                <div className="terminal-thread">
                  <span className="terminal-title">{t.title || "Untitled session"}</span>
                  <span className="small muted path" title={t.folder}>
                    {t.folder} · {new Date(t.updatedAt).toLocaleString()}
                  </span>
                </div>
                <button type="button" className="small" disabled={busy !== null} onClick={() => void go(t.id)}>
                  {busy === t.id ? "Opening…" : t.sessionId ? "Open" : "Continue here"}
                </button>
              </li>
            ))}
          </ul>
        ))}
      <form className="folder-row" onSubmit={submit}>
        <input
          type="text"
          aria-label="Codex session id"
          placeholder="or paste a session id (codex resume lists them)"
          spellCheck={false}
          value={pasted}
          onChange={(e) => {
            setPasted(e.target.value);
            setError(null);
          }}
        />
        <button type="submit" disabled={busy !== null || pasted.trim() === ""}>
          Continue
        </button>
      </form>
      {error && (
        <p className="inline-error" role="alert">
          {error.error.message}{" "}
          {error.error.code === "workspaceNeedsConfirmation" && (
            <button type="button" className="link-button" disabled={busy !== null} onClick={() => void go(error.threadId, true)}>
              Use it anyway
            </button>
          )}
        </p>
      )}
    </section>
  );
}
