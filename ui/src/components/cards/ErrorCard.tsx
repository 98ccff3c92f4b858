import { useController } from "../../state/hooks";
import { ShowDetails } from "../ShowDetails";
import type { ErrorEntry } from "../../state/sessionView";
import { Card } from "./Card";

const advice: Record<string, string> = {
  usageLimitExceeded: "You reached your usage limit. Wait for it to reset or check your plan.",
  rateLimitExceeded: "Too many requests right now. Wait a moment, then send your message again.",
  unauthorized: "Codex is not signed in or the sign-in expired. Sign in again, then retry.",
  contextWindowExceeded: "The conversation is too long for the model. Start a new session to continue.",
  serverOverloaded: "The service is busy. Try again in a minute.",
  internalServerError: "The model service failed. Send your message again to retry.",
  responseTooManyFailedAttempts: "Codex gave up after several attempts. Check your connection and send again.",
};

export function ErrorCard({ entry }: { entry: ErrorEntry }) {
  const controller = useController();
  const signIn = entry.action === "signIn";
  const hint = signIn
    ? "After signing in, send your message again."
    : ((entry.codexErrorInfo && advice[entry.codexErrorInfo]) ?? "You can send your message again.");
  return (
    <Card kind="error" itemId={entry.id} label={signIn ? "Sign-in needed" : "Error"}>
      <p className="error-message">{entry.message}</p>
      <p className="small muted">{hint}</p>
      {signIn && (
        <button type="button" className="primary" onClick={() => controller.showSignIn(true)}>
          Sign in
        </button>
      )}
      <ShowDetails detail={entry.details} />
    </Card>
  );
}
