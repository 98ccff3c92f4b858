import type { TokenCounts } from "../generated/desk/TokenCounts";
import type { TurnUsage } from "../generated/desk/TurnUsage";
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(2)}M`;
}

/**
 * The longest text a card shows whole (characters): tens of megabytes in one element freeze the
 * window, so longer ones open in the user's text editor instead.
 */
export const LONGEST_IN_WINDOW = 4 * 1024 * 1024;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** The longest answer checked for being JSON (formatting is for answers a person reads). */
const LONGEST_JSON_ANSWER = 1_000_000;

/**
 * A whole answer that is a JSON object or array, indented to read (null: it is not). Only the
 * layout changes: JSON that reading would alter (numbers past 2^53, `1.0`, repeated keys, keys
 * JavaScript reorders) is shown as written.
 */
export function prettyJson(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed.length > LONGEST_JSON_ANSWER) return null;
  const [first, last] = [trimmed.at(0), trimmed.at(-1)];
  if (!((first === "{" && last === "}") || (first === "[" && last === "]"))) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return null;
  }
  return JSON.stringify(parsed) === withoutLayout(trimmed) ? JSON.stringify(parsed, null, 2) : trimmed;
}

/** JSON text without the whitespace between its tokens (strings kept as written). */
function withoutLayout(json: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i] as string;
    if (inString) {
      out += c;
      if (c === "\\") out += json[++i] ?? "";
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c !== " " && c !== "\n" && c !== "\r" && c !== "\t") {
      out += c;
    }
  }
  return out;
}

/** How full the model's context was, in percent; null when codex does not know its window. */
export function contextFill(usage: TurnUsage): number | null {
  return usage.contextWindow ? Math.round((usage.contextTokens / usage.contextWindow) * 100) : null;
}

/** Counts by kind, in words: "input 12.3k (8.0k cached), output 1.2k (400 reasoning)". */
export function tokenDetail(counts: TokenCounts): string {
  return `input ${formatTokens(counts.input)} (${formatTokens(counts.cachedInput)} cached), output ${formatTokens(counts.output)} (${formatTokens(counts.reasoningOutput)} reasoning)`;
}
