// Test helper: small builders for codex notifications and stored transcripts.
import type { ServerNotification } from "../generated/codex/ServerNotification";
import type { ThreadItem } from "../generated/codex/v2/ThreadItem";
import type { Turn } from "../generated/codex/v2/Turn";
import type { AccountState } from "../generated/desk/AccountState";
import type { SessionEvent } from "../generated/desk/SessionEvent";
import type { SessionInfo } from "../generated/desk/SessionInfo";

export const codex = (notification: ServerNotification): SessionEvent => ({ type: "codex", notification });

const ids = { threadId: "thread-1" };

export function turn(id: string, status: Turn["status"], error: Turn["error"] = null): Turn {
  return { id, rootTurnId: null, items: [], itemsView: "notLoaded", status, error, startedAt: null, completedAt: null, durationMs: null };
}

export const turnStarted = (turnId: string) => codex({ method: "turn/started", params: { ...ids, turn: turn(turnId, "inProgress") } });
export const turnCompleted = (turnId: string, status: Turn["status"] = "completed") =>
  codex({ method: "turn/completed", params: { ...ids, turn: turn(turnId, status) } });
export const itemStarted = (turnId: string, item: ThreadItem) =>
  codex({ method: "item/started", params: { ...ids, turnId, item, startedAtMs: 0 } });
export const itemCompleted = (turnId: string, item: ThreadItem) =>
  codex({ method: "item/completed", params: { ...ids, turnId, item, completedAtMs: 0 } });
export const agentDelta = (turnId: string, itemId: string, delta: string) =>
  codex({ method: "item/agentMessage/delta", params: { ...ids, turnId, itemId, delta } });

export function agentMessage(id: string, text: string): ThreadItem {
  return { type: "agentMessage", id, text, moderation: null, phase: null, memoryCitation: null, delivery: null, questions: null };
}

export function userMessage(id: string, text: string): ThreadItem {
  return { type: "userMessage", id, clientId: null, content: [{ type: "text", text, text_elements: [] }] };
}

export function sessionInfo(overrides: Partial<SessionInfo> = {}): SessionInfo {
  return {
    id: "s1",
    title: "Session",
    workspace: "/home/me/project",
    threadId: null,
    status: "idle",
    lastError: null,
    createdAt: 1,
    updatedAt: 1,
    ...overrides,
  };
}

export function accountState(overrides: Partial<AccountState> = {}): AccountState {
  return {
    auth: { type: "signedOut" },
    provider: { id: "openai", name: "OpenAI", usesAccount: true },
    login: null,
    error: null,
    confirmed: true,
    revision: 1,
    ...overrides,
  };
}
