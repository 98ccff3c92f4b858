import { useState } from "react";
import type { ErrorPayload } from "../generated/desk/ErrorPayload";
import { useController } from "../state/hooks";
import { ShowDetails } from "./ShowDetails";

/** A clear, persistent notice when codex cannot be used, with what to do. With `canChoose`,
 * the user can point at the codex program or look for it again (after installing it). */
export function CodexBanner({ error, title, canChoose = false }: { error: ErrorPayload; title: string; canChoose?: boolean }) {
  const controller = useController();
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<ErrorPayload | null>(null);
  const act = (action: () => Promise<ErrorPayload | null | void>) => {
    setBusy(true);
    void action().then((problem) => {
      setRefused(problem ?? null);
      setBusy(false);
    });
  };
  return (
    <div className="banner" role="alert">
      <strong>{title}</strong>
      <span className="banner-message">{error.message}</span>
      {canChoose && (
        <>
          <button type="button" disabled={busy} onClick={() => act(() => controller.chooseCodex())}>
            Choose codex…
          </button>
          <button type="button" className="quiet" disabled={busy} onClick={() => act(() => controller.lookForCodex())}>
            Look again
          </button>
        </>
      )}
      <ShowDetails detail={error.detail} />
      {refused && (
        <span className="banner-message" role="status">
          That one cannot be used: {refused.message}
        </span>
      )}
    </div>
  );
}
