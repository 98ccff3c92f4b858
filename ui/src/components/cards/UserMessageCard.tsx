import { useState } from "react";
import type { ErrorPayload } from "../../generated/desk/ErrorPayload";
import { Card } from "./Card";

export function UserMessageCard({
  id,
  text,
  images = 0,
  onRollBack,
}: {
  id: string;
  text: string;
  images?: number;
  /**
   * Removes this message's turn and every later one (offered on stored messages while no turn
   * runs); resolves to the error to show, or null.
   */
  onRollBack?: () => Promise<ErrorPayload | null>;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const rollBack = async () => {
    if (!onRollBack) return;
    setBusy(true);
    const failed = await onRollBack();
    // On success this card is gone with its turn.
    setBusy(false);
    if (failed) setError(failed.message);
    setAsking(false);
  };
  return (
    <Card kind="userMessage" itemId={id} label="Your message">
      {text && <div className="user-text">{text}</div>}
      {images > 0 && <div className="user-images small muted">{images === 1 ? "1 image" : `${images} images`} attached</div>}
      {onRollBack && !asking && (
        <div className="card-actions">
          <button
            type="button"
            className="quiet small"
            title="Take this message and everything after it out of the conversation, and edit the message again"
            onClick={() => {
              setError(null);
              setAsking(true);
            }}
          >
            Roll back to here…
          </button>
        </div>
      )}
      {asking && onRollBack && (
        <div className="banner confirm-rollback" role="alertdialog" aria-label="Roll back the conversation?">
          <span className="banner-message small">
            This message and everything after it leave the conversation, and codex forgets them. Files codex changed stay as they are. Your message goes back into the message box to edit.
          </span>
          <button type="button" className="danger small" disabled={busy} onClick={() => void rollBack()}>
            {busy ? "Rolling back…" : "Roll back"}
          </button>
          <button type="button" className="quiet small" autoFocus disabled={busy} onClick={() => setAsking(false)}>
            Cancel
          </button>
        </div>
      )}
      {error && (
        <p className="inline-error small" role="alert">
          {error}
        </p>
      )}
    </Card>
  );
}
