// Which custom prompts the composer offers for what the user has typed so far.
import type { PromptInfo } from "../generated/desk/PromptInfo";

/** The prompts matching a `/name` being typed (nothing once arguments start), at most `limit`. */
export function matchingPrompts(text: string, prompts: readonly PromptInfo[], limit = 6): PromptInfo[] {
  const match = /^\/(?:prompts:)?([\w-]*)$/.exec(text);
  if (!match) return [];
  const typed = (match[1] ?? "").toLowerCase();
  return prompts.filter((p) => p.name.toLowerCase().startsWith(typed) && `/${p.name}` !== text).slice(0, limit);
}

/** The composer text after choosing `prompt`. */
export function completePrompt(prompt: PromptInfo): string {
  return `/${prompt.name} `;
}
