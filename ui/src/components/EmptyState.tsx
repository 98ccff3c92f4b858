import { useAppView, useController } from "../state/hooks";

export function EmptyState({ hasSessions }: { hasSessions: boolean }) {
  const controller = useController();
  const { account } = useAppView();
  // Signed out with a provider that needs an account: that comes first, or the first message fails.
  const signInFirst = account !== null && account.auth.type === "signedOut" && account.provider.usesAccount;
  return (
    <section className="panel empty-state" aria-labelledby="empty-heading">
      <h1 id="empty-heading">{hasSessions ? "No session open" : "No session yet"}</h1>
      <p className="muted">
        A session is a conversation with codex about one folder on your computer. You write what you want done;
        codex reads the code, runs commands and edits files there, and you watch every step here.
      </p>
      {signInFirst && (
        <div className="empty-sign-in" role="note" aria-label="Not signed in">
          <p>
            <strong>Sign in first.</strong> Codex needs your ChatGPT account or an OpenAI API key to answer. Your sign-in
            stays in your system keychain.
          </p>
          <button type="button" className="primary" onClick={() => controller.showSignIn(true)}>
            Sign in…
          </button>
        </div>
      )}
      {hasSessions && <p className="muted">Pick a session on the left, or start a new one.</p>}
      <button type="button" className={signInFirst ? undefined : "primary"} onClick={() => controller.showNewSession(true)}>
        New session
      </button>
    </section>
  );
}
