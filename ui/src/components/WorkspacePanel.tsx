import { useEffect, useMemo, useState } from "react";
import type { GitChange } from "../generated/desk/GitChange";
import type { GitState } from "../generated/desk/GitState";
import { useController } from "../state/hooks";
import type { PatchChangeKind } from "../generated/codex/v2/PatchChangeKind";
import { changeKindLabel, diffStats, type DiffStats } from "../state/diffStats";
import type { SessionView } from "../state/sessionView";
import { DiffView } from "./cards/FileChangeCard";

const changeLetter: Record<GitChange, string> = {
  modified: "M",
  added: "A",
  deleted: "D",
  renamed: "R",
  copied: "C",
  typeChanged: "T",
  untracked: "?",
  conflicted: "!",
};
const changeWord: Record<GitChange, string> = {
  modified: "modified",
  added: "added",
  deleted: "deleted",
  renamed: "renamed",
  copied: "copied",
  typeChanged: "type changed",
  untracked: "not tracked",
  conflicted: "in conflict",
};

/** Sandboxed sessions whose git the user said to read (this run of the app). */
const gitAllowed = new Set<string>();

/** The most files listed (the newest changed): a long session's list stays short. */
const FILES_SHOWN = 50;

/** A file codex changed in this session (in what is loaded of it), with its lines counted. */
export interface SessionChange {
  path: string;
  kind: string;
  added: number;
  removed: number;
}

/** Lines counted per change: the list is derived again as the session's entries change (each
 * streamed update), and a change, once made, stays the same object. */
const countedChanges = new WeakMap<object, DiffStats>();
function counted(change: { diff: string; kind: PatchChangeKind }): DiffStats {
  let stats = countedChanges.get(change);
  if (!stats) {
    stats = diffStats(change.diff, change.kind);
    countedChanges.set(change, stats);
  }
  return stats;
}

/** The files codex changed in the loaded transcript, newest change first, one row per path. */
export function sessionChanges(view: SessionView): SessionChange[] {
  const byPath = new Map<string, SessionChange>();
  for (const id of view.order) {
    const entry = view.entries[id];
    if (entry?.kind !== "item" || entry.item.type !== "fileChange" || entry.item.status === "declined" || entry.item.status === "failed") continue;
    for (const change of entry.item.changes) {
      const stats = counted(change);
      const before = byPath.get(change.path);
      byPath.delete(change.path);
      byPath.set(change.path, {
        path: change.path,
        kind: changeKindLabel(change.kind),
        added: (before?.added ?? 0) + stats.added,
        removed: (before?.removed ?? 0) + stats.removed,
      });
    }
  }
  return [...byPath.values()].reverse();
}

/**
 * Beside the transcript: the folder's git state (read again when a turn ends, or on Refresh),
 * the files codex changed in this session, and the latest turn's diff.
 */
export function WorkspacePanel({ view, running }: { view: SessionView; running: boolean }) {
  const controller = useController();
  const { sessionId } = view;
  // The user said to read git in this sandboxed session (kept while the app runs).
  const [confirmed, setConfirmed] = useState(() => gitAllowed.has(sessionId));
  const allow = () => {
    gitAllowed.add(sessionId);
    setConfirmed(true);
    setReading(true);
  };
  const [git, setGit] = useState<GitState | null>(null);
  const [reading, setReading] = useState(false);
  // Refresh asks for another reading.
  const [asked, setAsked] = useState(0);
  const refresh = () => {
    setReading(true);
    setAsked((n) => n + 1);
  };
  // On opening, on Refresh, and each time a turn starts or ends (codex may have changed files).
  useEffect(() => {
    let current = true;
    void controller.gitState(sessionId, confirmed).then((state) => {
      if (!current) return;
      setGit(state);
      setReading(false);
    });
    return () => {
      current = false;
    };
  }, [running, controller, sessionId, asked, confirmed]);
  const changes = useMemo(() => sessionChanges(view), [view.order, view.entries]); // eslint-disable-line react-hooks/exhaustive-deps
  const diff = view.turnDiff?.diff.trim() ? view.turnDiff : null;

  return (
    <aside className="workspace-panel" aria-label="Workspace">
      <section aria-labelledby="ws-git">
        <div className="ws-head">
          <h2 id="ws-git">Git</h2>
          <button type="button" className="quiet small-button" onClick={refresh} disabled={reading} title="Read the folder's git state again">
            {reading ? "Reading…" : "Refresh"}
          </button>
        </div>
        <GitSummary git={git} onAllow={allow} />
      </section>
      <section aria-labelledby="ws-changes">
        <h2 id="ws-changes">Changed by codex here</h2>
        {changes.length === 0 ? (
          <p className="small muted">No file changes in this session{view.hasOlder ? " (in what is loaded)" : ""}.</p>
        ) : (
          <ul className="ws-files" aria-label="Files codex changed">
            {changes.slice(0, FILES_SHOWN).map((c) => (
              <li key={c.path} title={`${c.path}: ${c.kind}`}>
                <span className="path">{c.path}</span>{" "}
                <span className="plus" aria-label={`${c.added} lines added`}>
                  +{c.added}
                </span>{" "}
                <span className="minus" aria-label={`${c.removed} lines removed`}>
                  −{c.removed}
                </span>
              </li>
            ))}
            {changes.length > FILES_SHOWN && <li className="muted small">and {changes.length - FILES_SHOWN} more</li>}
          </ul>
        )}
      </section>
      {diff && (
        <section aria-labelledby="ws-diff">
          <h2 id="ws-diff">{view.activeTurnId === diff.turnId ? "This turn's diff" : "The last turn's diff"}</h2>
          <details>
            <summary className="small">Show the diff ({diff.diff.split("\n").length} lines)</summary>
            <DiffView diff={diff.diff} />
          </details>
        </section>
      )}
    </aside>
  );
}

function GitSummary({ git, onAllow }: { git: GitState | null; onAllow: () => void }) {
  if (git === null) return <p className="small muted">Reading…</p>;
  if (git.type === "notAsked") {
    return (
      <div className="small">
        <p className="muted">
          Codex works here in its sandbox, but git would run outside it, with this repository&apos;s own settings, which codex
          may have written (they can name programs for git to run). Read it if you trust this repository.
        </p>
        <button type="button" className="small-button" onClick={onAllow}>
          Read git state
        </button>
      </div>
    );
  }
  if (git.type === "notARepository") return <p className="small muted">This folder is not a git repository.</p>;
  if (git.type === "unavailable") return <p className="small muted">Git could not tell: {git.reason}</p>;
  const hidden = git.more + Math.max(0, git.files.length - FILES_SHOWN);
  const distance = [git.ahead > 0 ? `${git.ahead} ahead` : null, git.behind > 0 ? `${git.behind} behind` : null].filter(Boolean).join(", ");
  return (
    <>
      <p className="small" data-testid="git-branch">
        <strong>{git.branch ?? "detached HEAD"}</strong>
        {git.upstream && (
          <span className="muted">
            {" "}
            · {git.upstream}
            {distance ? ` (${distance})` : " (up to date)"}
          </span>
        )}
      </p>
      {git.files.length === 0 ? (
        <p className="small muted">No changes since the last commit.</p>
      ) : (
        <ul className="ws-files" aria-label="Files changed since the last commit">
          {git.files.slice(0, FILES_SHOWN).map((f) => (
            <li key={`${f.path}-${f.change}`} title={`${f.path}: ${changeWord[f.change]}${f.staged ? ", staged" : ""}${f.from ? `, from ${f.from}` : ""}`}>
              <span className={`git-letter git-${f.change}`} aria-label={changeWord[f.change]}>
                {changeLetter[f.change]}
              </span>{" "}
              <span className="path">{f.path}</span>
              {f.staged && <span className="muted small"> staged</span>}
            </li>
          ))}
          {hidden > 0 && <li className="muted small">and {hidden} more</li>}
        </ul>
      )}
    </>
  );
}
