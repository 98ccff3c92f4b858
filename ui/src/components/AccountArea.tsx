import { useState } from "react";
import type { AccountState } from "../generated/desk/AccountState";
import { useAppView, useController } from "../state/hooks";

/** Who is signed in, in words. */
export function accountLabel(account: AccountState): string {
  const { auth, provider } = account;
  switch (auth.type) {
    case "chatGpt": {
      const plan = auth.plan ? ` · ${auth.plan.charAt(0).toUpperCase()}${auth.plan.slice(1)}` : "";
      return `${auth.email ?? "ChatGPT account"}${plan}`;
    }
    case "apiKey":
      return "API key";
    case "signedOut":
      return provider.usesAccount ? "Not signed in" : `${provider.name}: no sign-in needed`;
  }
}

/** The sidebar footer: the account, and the way to sign in or out. */
export function AccountArea() {
  const { account, signingIn } = useAppView();
  const controller = useController();
  const [confirming, setConfirming] = useState(false);
  if (!account) return null;
  const signedIn = account.auth.type !== "signedOut";
  const waiting = account.login !== null;

  return (
    <div className="account-area" role="group" aria-label="Account">
      <div className="account-who">
        <span className={`account-dot ${signedIn ? "on" : "off"}`} aria-hidden="true" />
        <span className="account-label" data-testid="account-label" title={account.confirmed ? undefined : "Checking with codex…"}>
          {waiting ? "Signing in…" : accountLabel(account)}
        </span>
      </div>
      {signedIn ? (
        confirming ? (
          <div className="account-actions">
            <span className="small">Sign out?</span>
            <button
              type="button"
              className="danger"
              onClick={() => {
                setConfirming(false);
                void controller.signOut();
              }}
            >
              Sign out
            </button>
            <button type="button" className="quiet" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </div>
        ) : (
          <div className="account-actions">
            <button type="button" className="quiet small-button" onClick={() => controller.showSignIn(true)}>
              Change…
            </button>
            <button type="button" className="quiet small-button" onClick={() => setConfirming(true)}>
              Sign out…
            </button>
          </div>
        )
      ) : (
        <button
          type="button"
          className={account.provider.usesAccount ? "primary small-button" : "quiet small-button"}
          aria-pressed={signingIn}
          onClick={() => controller.showSignIn(true)}
        >
          Sign in
        </button>
      )}
    </div>
  );
}
