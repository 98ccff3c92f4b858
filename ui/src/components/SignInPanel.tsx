import { useState, type FormEvent } from "react";
import type { AccountState } from "../generated/desk/AccountState";
import type { ErrorPayload } from "../generated/desk/ErrorPayload";
import { useAppView, useController } from "../state/hooks";
import { accountLabel } from "./AccountArea";
import { CopyButton } from "./CopyButton";

const keyErrors = new Set(["apiKeyRejected", "apiKeyUnchecked"]);

/** Sign in with ChatGPT (browser or device code) or an API key. */
export function SignInPanel() {
  const { account } = useAppView();
  const controller = useController();
  const [keyFormOpen, setKeyFormOpen] = useState(false);
  const [starting, setStarting] = useState(false);
  if (!account) return null;
  const start = (how: () => Promise<void>) => {
    setStarting(true);
    void how().finally(() => setStarting(false));
  };
  const error = account.error;
  const topError = error && !keyErrors.has(error.code ?? "") ? error : null;

  return (
    <section className="panel sign-in" aria-labelledby="sign-in-heading">
      <div className="panel-title">
        <h1 id="sign-in-heading">Sign in</h1>
        <button type="button" className="quiet" aria-label="Close sign-in" onClick={() => controller.showSignIn(false)}>
          Close
        </button>
      </div>
      <p className="muted">
        Codex Desk keeps your sign-in in your system keychain, never in a file. Sessions get it in memory while they run, and
        your terminal&apos;s Codex sign-in stays separate, so neither signs the other out.
      </p>
      {!account.provider.usesAccount && (
        <p className="muted small">
          Your Codex configuration uses <strong>{account.provider.name}</strong>, which brings its own key: sessions work
          without signing in. Sign in only for OpenAI models.
        </p>
      )}
      {account.auth.type !== "signedOut" && (
        <p>
          Signed in: <strong>{accountLabel(account)}</strong>. Signing in again replaces it.
        </p>
      )}
      {topError && <SignInError error={topError} />}
      {account.login ? (
        <Waiting account={account} />
      ) : (
        <div className="sign-in-choices">
          <button type="button" className="primary" disabled={starting} onClick={() => start(controller.signInWithChatGpt)}>
            Sign in with ChatGPT
          </button>
          <button type="button" aria-expanded={keyFormOpen} onClick={() => setKeyFormOpen(!keyFormOpen)}>
            Use an API key
          </button>
          <button type="button" className="link-button" disabled={starting} onClick={() => start(controller.signInWithDeviceCode)}>
            Sign in on another device (device code)
          </button>
        </div>
      )}
      {keyFormOpen && !account.login && <ApiKeyForm error={error && keyErrors.has(error.code ?? "") ? error : null} />}
    </section>
  );
}

function SignInError({ error }: { error: ErrorPayload }) {
  const controller = useController();
  const offerDeviceCode = error.code === "loginPortBusy" || error.code === "loginFailed";
  return (
    <div className="banner" role="alert">
      <span className="banner-message">{error.message}</span>
      <div className="banner-actions">
        {offerDeviceCode && (
          <button type="button" onClick={() => void controller.signInWithDeviceCode()}>
            Use a device code
          </button>
        )}
        <button type="button" className="quiet" onClick={() => void controller.dismissAccountError()}>
          Dismiss
        </button>
      </div>
      {error.detail && <pre className="details">{error.detail}</pre>}
    </div>
  );
}

function Waiting({ account }: { account: AccountState }) {
  const controller = useController();
  const login = account.login;
  if (!login) return null;
  if (login.type === "deviceCode") {
    return (
      <div className="sign-in-waiting" aria-live="polite">
        <p>
          On any device, open <strong className="mono">{login.verificationUrl}</strong> and enter this code:
        </p>
        <div className="device-code">
          <span className="mono code-big" data-testid="device-code">
            {login.userCode}
          </span>
          <CopyButton text={login.userCode} label="Copy code" />
        </div>
        <div className="row">
          <CopyButton text={login.verificationUrl} label="Copy address" />
          <span className="spinner" aria-hidden="true" /> <span className="muted">Waiting for you to approve…</span>
        </div>
        <button type="button" onClick={() => void controller.cancelSignIn()}>
          Cancel
        </button>
      </div>
    );
  }
  return (
    <div className="sign-in-waiting" aria-live="polite">
      <p>
        <span className="spinner" aria-hidden="true" /> <strong>Waiting for the browser…</strong> Finish signing in there; this
        window follows.
      </p>
      {login.openError && (
        <p className="inline-error" role="alert">
          The browser could not be opened ({login.openError}). Copy the link and open it yourself.
        </p>
      )}
      <p className="small muted">Closed the tab, or nothing opened?</p>
      <div className="row">
        <button type="button" onClick={() => void controller.reopenSignInPage()}>
          Open the page again
        </button>
        <CopyButton text={login.authUrl} label="Copy link" />
        <button type="button" className="link-button" onClick={() => void controller.signInWithDeviceCode()}>
          Use a device code instead
        </button>
      </div>
      <button type="button" onClick={() => void controller.cancelSignIn()}>
        Cancel
      </button>
    </div>
  );
}

function ApiKeyForm({ error }: { error: ErrorPayload | null }) {
  const controller = useController();
  const [key, setKey] = useState("");
  const [busy, setBusy] = useState(false);

  const save = async (check: boolean) => {
    setBusy(true);
    const failure = await controller.saveApiKey(key, check);
    setBusy(false);
    // The key never stays in the page once it is kept.
    if (!failure) setKey("");
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save(true);
  };

  return (
    <form className="api-key-form" onSubmit={submit}>
      <label htmlFor="api-key">API key</label>
      <div className="folder-row">
        <input
          id="api-key"
          type="password"
          aria-label="API key"
          autoComplete="off"
          spellCheck={false}
          placeholder="sk-…"
          value={key}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "api-key-error" : undefined}
          onChange={(e) => setKey(e.target.value)}
        />
        <button type="submit" className="primary" disabled={busy || key.trim() === ""}>
          {busy ? "Checking…" : "Save"}
        </button>
      </div>
      <p className="small muted">The key is checked with the provider, then kept in your system keychain.</p>
      {error && (
        <p id="api-key-error" className="inline-error" role="alert">
          {error.message}{" "}
          {error.code === "apiKeyUnchecked" && (
            <button type="button" className="link-button" disabled={busy} onClick={() => void save(false)}>
              Save without checking
            </button>
          )}
        </p>
      )}
    </form>
  );
}
