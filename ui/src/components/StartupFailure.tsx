import type { ErrorPayload } from "../generated/desk/ErrorPayload";
import { useController } from "../state/hooks";
import { CopyButton } from "./CopyButton";

/** The whole window when Codex Desk could not start: what is wrong, where, what to do. */
export function StartupFailure({ error }: { error: ErrorPayload }) {
  const controller = useController();
  return (
    <main className="startup-failure" aria-labelledby="startup-heading">
      <section className="panel">
        <h1 id="startup-heading">Codex Desk could not start</h1>
        <p role="alert" data-testid="startup-error">
          {error.message}
        </p>
        <div className="row">
          <button type="button" className="primary" onClick={() => void controller.openDataFolder()}>
            Open the data folder
          </button>
          {error.detail && <CopyButton text={error.detail} label="Copy details" />}
        </div>
        {error.detail && (
          <details>
            <summary>Details</summary>
            <pre className="details">{error.detail}</pre>
          </details>
        )}
        <p className="small muted">Nothing was deleted. After fixing it, start Codex Desk again.</p>
      </section>
    </main>
  );
}
