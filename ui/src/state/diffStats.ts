// Counts added and removed lines of a unified diff (or of a whole new/deleted file).
import type { PatchChangeKind } from "../generated/codex/v2/PatchChangeKind";

export interface DiffStats {
  added: number;
  removed: number;
}

function isUnifiedDiff(diff: string): boolean {
  return /^(@@ |--- |\+\+\+ |diff --git )/m.test(diff);
}

export function diffStats(diff: string, kind?: PatchChangeKind): DiffStats {
  const lines = diff.split("\n");
  if (lines.at(-1) === "") lines.pop();
  // codex gives the whole content (not a unified diff) for added and deleted files.
  if (kind && kind.type !== "update" && !isUnifiedDiff(diff)) {
    return kind.type === "add" ? { added: lines.length, removed: 0 } : { added: 0, removed: lines.length };
  }
  let added = 0;
  let removed = 0;
  for (const line of lines) {
    if (line.startsWith("+++ ") || line.startsWith("--- ")) continue;
    if (line.startsWith("+")) added += 1;
    else if (line.startsWith("-")) removed += 1;
  }
  return { added, removed };
}

export function changeKindLabel(kind: PatchChangeKind): string {
  if (kind.type === "update") return kind.move_path ? `moved to ${kind.move_path}` : "modified";
  return kind.type === "add" ? "added" : "deleted";
}
