// Timings for the window bench, in the real webview: off (one property read) unless the bench
// sets `window.__deskPerf` to an array, which then collects what happened when.

export interface PerfNote {
  /** performance.now() when it happened. */
  at: number;
  what: "batch" | "publish" | "published" | "commit";
  /** batch: its events; publish: listeners; commit: entries on screen. */
  n: number;
}

/** Notes `what` in the bench's log, when one is collecting. */
export function perfNote(what: PerfNote["what"], n = 0): void {
  const log = (globalThis as { __deskPerf?: PerfNote[] }).__deskPerf;
  if (Array.isArray(log)) log.push({ at: performance.now(), what, n });
}
