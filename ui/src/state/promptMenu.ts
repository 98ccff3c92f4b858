// Which custom prompts the composer offers for what the user has typed so far.
import type { PromptInfo } from "../generated/desk/PromptInfo";

/** The prompts matching a `/name` being typed (nothing once arguments start), at most `limit`. */
export function matchingPrompts(text: string, prompts: readonly PromptInfo[], limit = 6): PromptInfo[] {
  const match = /^\/(?:prompts:)?([\w-]*)$/.exec(text);
  if (!match) return [];
  const typed = (match[1] ?? "").toLowerCase();
  return prompts.filter((p) => p.name.toLowerCase().startsWith(typed) && `/${p.name}` !== text).slice(0, limit);
}

/** Whether `text` already names a prompt exactly (Enter then sends, not completes). */
export function namesPrompt(text: string, prompts: readonly PromptInfo[]): boolean {
  const name = /^\/(?:prompts:)?([\w-]+)$/.exec(text)?.[1];
  return name !== undefined && prompts.some((p) => p.name === name);
}

/** The composer text after choosing `prompt`. */
export function completePrompt(prompt: PromptInfo): string {
  return `/${prompt.name} `;
}
