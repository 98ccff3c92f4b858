// The account's usage limits as the status bar says them: "5h 40%", "week 12%", with when each
// window starts again.
import type { RateLimitWindow } from "../generated/codex/v2/RateLimitWindow";

export interface LimitShown {
  text: string;
  title: string;
}

/** A window's length as people say it: "5h", "week", "30 min". */
export function windowName(minutes: number | null): string {
  if (minutes === null) return "limit";
  if (minutes % (7 * 24 * 60) === 0) return minutes === 7 * 24 * 60 ? "week" : `${minutes / (7 * 24 * 60)} weeks`;
  if (minutes % (24 * 60) === 0) return minutes === 24 * 60 ? "day" : `${minutes / (24 * 60)} days`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes} min`;
}

export function rateLimitsShown(
  limits: { primary: RateLimitWindow | null; secondary: RateLimitWindow | null } | null,
  now: number = Date.now(),
): LimitShown[] {
  if (!limits) return [];
  return [limits.primary, limits.secondary].flatMap((w) => {
    if (!w) return [];
    const name = windowName(w.windowDurationMins);
    const used = `${Math.round(w.usedPercent)}%`;
    // resetsAt is in seconds since the epoch.
    const resets = w.resetsAt === null ? "" : `, starts again ${resetIn(w.resetsAt * 1000 - now)}`;
    return [{ text: `${name} ${used}`, title: `${used} of the ${name} usage limit used${resets}` }];
  });
}

function resetIn(ms: number): string {
  if (ms <= 0) return "now";
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `in ${hours} h`;
  return `in ${Math.round(hours / 24)} days`;
}
