// Groups the session list by workspace folder for the sidebar.
import type { SessionInfo } from "../generated/desk/SessionInfo";
import type { SessionStatus } from "../generated/desk/SessionStatus";
import type { SessionView } from "./sessionView";

export interface SessionGroup {
  /** The full folder path (title attribute). */
  workspace: string;
  /** The folder's name (group label). */
  label: string;
  sessions: SessionInfo[];
}

/** The last path segment of a folder, for both / and \ separators. */
export function folderName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, "");
  const name = trimmed.split(/[\\/]/).pop();
  return name || path || "(no folder)";
}

const newestFirst = (a: SessionInfo, b: SessionInfo) => b.createdAt - a.createdAt || b.id.localeCompare(a.id);

/** Sessions grouped by workspace, newest first within a group, groups by their newest session. */
export function groupSessionsByWorkspace(sessions: readonly SessionInfo[], query = ""): SessionGroup[] {
  const needle = query.trim().toLowerCase();
  const groups = new Map<string, SessionInfo[]>();
  for (const session of [...sessions].sort(newestFirst)) {
    if (needle && !`${session.title} ${session.workspace}`.toLowerCase().includes(needle)) continue;
    const list = groups.get(session.workspace) ?? [];
    list.push(session);
    groups.set(session.workspace, list);
  }
  return [...groups.entries()].map(([workspace, list]) => ({ workspace, label: folderName(workspace), sessions: list }));
}

export type DotState = SessionStatus | "waiting";

/** The live status of a session: its stream when we have one, else the listed status. */
export function sessionDot(info: SessionInfo, view: SessionView | undefined): DotState {
  if (view?.waitingForUser || (view?.approvalsWaiting ?? 0) > 0) return "waiting";
  return view?.status ?? info.status;
}

export const dotLabel: Record<DotState, string> = {
  idle: "Idle",
  starting: "Starting",
  running: "Running",
  waiting: "Waiting for you",
  failed: "Failed",
  crashed: "Crashed",
  interrupted: "Interrupted",
};

/** The sessions in the order the list shows them (archived ones left out). */
export function listedOrder(sessions: readonly SessionInfo[]): SessionInfo[] {
  return groupSessionsByWorkspace(sessions.filter((s) => !s.archivedAt)).flatMap((g) => g.sessions);
}

/** The session `step` places from `current` in the list (wrapping around); the first when none is open. */
export function sessionAfter(sessions: readonly SessionInfo[], current: string | null, step: number): string | null {
  const order = listedOrder(sessions);
  if (order.length === 0) return null;
  const at = order.findIndex((s) => s.id === current);
  if (at < 0) return order[step > 0 ? 0 : order.length - 1].id;
  return order[(at + step + order.length * Math.abs(step)) % order.length].id;
}
