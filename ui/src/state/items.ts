// Small pure helpers on codex ThreadItems.
import type { StoredItem } from "../generated/desk/StoredItem";
import type { ThreadItem } from "../generated/codex/v2/ThreadItem";
import type { TurnPlanStep } from "../generated/codex/v2/TurnPlanStep";

/** The kind of item a turn's plan is kept as (see the core's `store::plans`). */
export const PLAN = "deskPlan";

/** The agent's plan for a turn (its checklist), as codex last sent it. */
export interface PlanItem {
  type: typeof PLAN;
  id: string;
  explanation: string | null;
  plan: TurnPlanStep[];
}

/** The item id of turn `turnId`'s plan (the store's too). */
export function planItemId(turnId: string): string {
  return `plan-${turnId}`;
}

/** The plan `item` holds, when it is one (a stored one read leniently: it may be damaged). */
export function planOf(item: ThreadItem): PlanItem | null {
  const plan = item as unknown as Partial<PlanItem>;
  if (plan.type !== PLAN || typeof plan.id !== "string") return null;
  const steps = Array.isArray(plan.plan) ? plan.plan.filter((s) => s && typeof s.step === "string") : [];
  return { type: PLAN, id: plan.id, explanation: typeof plan.explanation === "string" ? plan.explanation : null, plan: steps };
}

/** How many images the user attached to a message. */
export function userMessageImages(item: ThreadItem): number {
  if (item.type !== "userMessage") return 0;
  return item.content.filter((part) => part.type === "localImage" || part.type === "image").length;
}

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

/** The kind of card for an item this version cannot show. */
export const UNREADABLE = "deskUnreadable";

const isString = (v: unknown) => typeof v === "string";
const isOptionalString = (v: unknown) => v === undefined || v === null || typeof v === "string";

/** What each known kind needs to be shown; anything else about it may be missing. */
const readable: Record<string, (item: Record<string, unknown>) => boolean> = {
  userMessage: (i) => Array.isArray(i.content) && i.content.every((p) => typeof p === "object" && p !== null),
  agentMessage: (i) => isString(i.text),
  reasoning: (i) => Array.isArray(i.summary) && i.summary.every(isString) && Array.isArray(i.content) && i.content.every(isString),
  commandExecution: (i) => isString(i.command) && isOptionalString(i.aggregatedOutput) && isOptionalString(i.cwd),
  fileChange: (i) =>
    Array.isArray(i.changes) &&
    i.changes.every((c) => typeof c === "object" && c !== null && isString((c as { path?: unknown }).path) && isString((c as { diff?: unknown }).diff)),
  plan: (i) => isString(i.text),
};

/**
 * A stored item as the cards can show it. A row written by a newer Codex Desk (a kind or a
 * shape this version does not know) or damaged on disk becomes an "unreadable" item naming what
 * it was, so one odd row never takes the transcript down with it.
 */
export function readableStored(stored: StoredItem): StoredItem {
  const raw = stored.item as unknown;
  const object = typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
  const type = object && isString(object.type) ? (object.type as string) : null;
  const id = object && isString(object.id) ? (object.id as string) : null;
  const check = type === null ? undefined : readable[type];
  // Kinds without a check of their own are shown by the generic card, which reads only strings.
  if (object && type !== null && id !== null && (check === undefined || check(object))) return stored;
  const unreadable = { type: UNREADABLE, id: id ?? `unreadable-${stored.seq}`, kind: type ?? "unknown" };
  return { ...stored, item: unreadable as unknown as ThreadItem };
}
