import type { Backend } from "./api";
import { createFakeBackend } from "./fake";
import { createTauriBackend } from "./tauri";

export type { Backend } from "./api";
export { toErrorPayload } from "./errors";

/** True inside the Tauri webview; false in a plain browser (`npm run dev`). */
function isTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

/** The Tauri backend inside the app, the in-memory demo backend in a plain browser. */
export function chooseBackend(): Backend {
  return isTauri() ? createTauriBackend() : createFakeBackend();
}
