// Small pure helpers on codex ThreadItems.
import type { ThreadItem } from "../generated/codex/v2/ThreadItem";

/** The text of a userMessage item (its text inputs joined). */
export function userMessageText(item: ThreadItem): string {
  if (item.type !== "userMessage") return "";
  return item.content
    .map((part) => (part.type === "text" ? part.text : ""))
    .filter((text) => text.length > 0)
    .join("\n");
}

export function emptyAgentMessage(id: string): ThreadItem {
  return { type: "agentMessage", id, text: "", moderation: null, phase: null, memoryCitation: null, delivery: null, questions: null };
}

export function emptyReasoning(id: string): ThreadItem {
  return { type: "reasoning", id, summary: [], content: [] };
}

/** Appends `delta` to `parts[index]`, growing the array as needed, without mutating it. */
export function appendAt(parts: string[], index: number, delta: string): string[] {
  const next = parts.slice();
  while (next.length <= index) next.push("");
  next[index] = next[index] + delta;
  return next;
}

/** Item id, present on every ThreadItem variant. */
export function itemId(item: ThreadItem): string {
  return (item as { id: string }).id;
}
