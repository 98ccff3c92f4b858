import { useState } from "react";

/** "Show details" for an error's technical detail, shown below on request. */
export function ShowDetails({ detail }: { detail: string | null | undefined }) {
  const [open, setOpen] = useState(false);
  if (!detail) return null;
  return (
    <>
      <button type="button" className="link-button" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? "Hide details" : "Show details"}
      </button>
      {open && <pre className="details">{detail}</pre>}
    </>
  );
}
