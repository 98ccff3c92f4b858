import type { AppView } from "../state/appState";
import { useBackendKind, useController } from "../state/hooks";
import { contextFill, formatTokens, tokenDetail } from "./format";
import { rateLimitsShown } from "../state/rateLimits";
import { accountLabel } from "./AccountArea";

export function StatusBar({ app }: { app: AppView }) {
  const backendKind = useBackendKind();
  const controller = useController();
  const id = app.selectedId;
  const view = id ? app.views[id] : undefined;
  const health = id ? app.health[id] : undefined;
  const usage = view?.usage;
  const limits = rateLimitsShown(view?.rateLimits ?? null);
  const contextUsed = usage ? contextFill(usage) : null;

  return (
    <footer className="statusbar" aria-label="Status">
      {app.codex ? (
        <span title={app.codex.path}>Codex {app.codex.version}</span>
      ) : app.codexError ? (
        <span className="bad">{app.codexError.message}</span>
      ) : (
        <span className="muted">Codex: checking…</span>
      )}
      {app.account && (
        <button
          type="button"
          className="link-button small"
          title="The account sessions use; click to sign in or change it"
          data-testid="status-account"
          onClick={() => controller.showSignIn(true)}
        >
          {accountLabel(app.account)}
        </button>
      )}
      {backendKind === "fake" && <span className="muted">Demo backend (no codex)</span>}
      <span className="spacer" />
      {health && health.missedBatches > 0 && (
        <span className="warn" title="Some live updates were lost; the transcript was read again from the store.">
          Missed {health.missedBatches} update{health.missedBatches === 1 ? "" : "s"}
        </span>
      )}
      <button type="button" className="link-button small" onClick={() => void controller.openLogsFolder()}>
        Logs
      </button>
      {limits.length > 0 && (
        <span title={limits.map((l) => l.title).join("\n")}>Limits {limits.map((l) => l.text).join(" · ")}</span>
      )}
      {usage && (
        <span title={`This session: ${tokenDetail(usage.session)}`}>
          Tokens {formatTokens(usage.session.total)}
          {contextUsed !== null && ` · context ${contextUsed}%`}
        </span>
      )}
    </footer>
  );
}
