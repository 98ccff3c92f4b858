// Test helper: recorded codex app-server stdout (src/state/__fixtures__/*.jsonl) as SessionEvents.
// Only notifications are kept (a `method` and no `id`); replies and server requests are dropped.
import type { ServerNotification } from "../generated/codex/ServerNotification";
import type { SessionEvent } from "../generated/desk/SessionEvent";

const raw = import.meta.glob<string>("./__fixtures__/*.jsonl", { query: "?raw", import: "default", eager: true });

export type FixtureName = "text" | "command" | "patch" | "error" | "interrupt";

export function fixtureNotifications(name: FixtureName): ServerNotification[] {
  const text = raw[`./__fixtures__/${name}.jsonl`];
  if (text === undefined) throw new Error(`fixture ${name}.jsonl is missing`);
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((message) => "method" in message && !("id" in message))
    .map((message) => message as unknown as ServerNotification);
}

export function fixtureEvents(name: FixtureName): SessionEvent[] {
  return fixtureNotifications(name).map((notification) => ({ type: "codex", notification }));
}
