import { useState } from "react";
import type { ErrorPayload } from "../generated/desk/ErrorPayload";

/** A clear, persistent notice when codex cannot be used, with what to do. */
export function CodexBanner({ error, title }: { error: ErrorPayload; title: string }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="banner" role="alert">
      <strong>{title}</strong>
      <span className="banner-message">{error.message}</span>
      {error.detail && (
        <>
          <button type="button" className="link-button" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? "Hide details" : "Show details"}
          </button>
          {open && <pre className="details">{error.detail}</pre>}
        </>
      )}
    </div>
  );
}
