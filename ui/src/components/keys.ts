// Shortcut names as the user's keyboard labels them: ⌘ on a Mac, Ctrl elsewhere.
const MAC = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

/** `key` with the platform's command modifier: "⌘N" or "Ctrl+N". */
export function withMod(key: string): string {
  return MAC ? `⌘${key}` : `Ctrl+${key}`;
}

/** How to move between sessions from the keyboard. */
export const SWITCH_KEYS = `Alt+↑/↓ or ${withMod("1")}…9`;
