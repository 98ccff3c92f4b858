import { memo, useMemo } from "react";
import type { AppView, SearchView } from "../state/appState";
import { useAppSelector, useController } from "../state/hooks";
import type { SearchHit } from "../generated/desk/SearchHit";
import type { SessionInfo } from "../generated/desk/SessionInfo";

/** The kinds a search can be limited to, as the user knows them. */
export const SEARCH_KINDS: { kind: string; label: string }[] = [
  { kind: "userMessage", label: "Prompts" },
  { kind: "agentMessage", label: "Answers" },
  { kind: "reasoning", label: "Reasoning" },
  { kind: "commandExecution", label: "Commands" },
  { kind: "fileChange", label: "File changes" },
  { kind: "deskPlan", label: "Plans" },
];

const PERIODS: { label: string; days: number | null }[] = [
  { label: "Any time", days: null },
  { label: "Today", days: 1 },
  { label: "Last 7 days", days: 7 },
  { label: "Last 30 days", days: 30 },
];

const kindLabel = (kind: string) => SEARCH_KINDS.find((k) => k.kind === kind)?.label.replace(/s$/, "") ?? kind;

function searchState(app: AppView): { search: SearchView; sessions: SessionInfo[] } {
  return { search: app.search, sessions: app.sessions };
}

function sameSearchState(a: ReturnType<typeof searchState>, b: ReturnType<typeof searchState>): boolean {
  return a.search === b.search && a.sessions === b.sessions;
}

/** Search results across every session, with filters; a result opens its session at the item. */
export const SearchPanel = memo(function SearchPanel() {
  const { search, sessions } = useAppSelector(searchState, sameSearchState);
  const controller = useController();
  const { query, results } = search;
  const byId = useMemo(() => new Map(sessions.map((s) => [s.id, s])), [sessions]);
  const workspaces = useMemo(() => [...new Set(sessions.map((s) => s.workspace))].sort(), [sessions]);
  const toggleKind = (kind: string) =>
    controller.search({
      ...query,
      kinds: query.kinds.includes(kind) ? query.kinds.filter((k) => k !== kind) : [...query.kinds, kind],
    });
  const titled = (results?.sessions ?? []).map((id) => byId.get(id)).filter((s): s is SessionInfo => s !== undefined);

  return (
    <section className="search-panel" aria-label="Search">
      <header className="search-header">
        <h1 className="session-name">Search</h1>
        <span className="small muted" role="status">
          {search.busy
            ? "Searching…"
            : results
              ? `${results.hits.length}${results.more ? "+" : ""} ${results.hits.length === 1 ? "match" : "matches"}`
              : ""}
        </span>
      </header>
      <div className="search-filters" role="group" aria-label="Search filters">
        <select
          aria-label="Folder"
          value={query.workspace ?? ""}
          onChange={(e) => controller.search({ ...query, workspace: e.target.value || null })}
        >
          <option value="">All folders</option>
          {workspaces.map((w) => (
            <option key={w} value={w}>
              {w}
            </option>
          ))}
        </select>
        <select
          aria-label="When"
          value={String(search.days ?? "")}
          onChange={(e) => controller.search(query, e.target.value ? Number(e.target.value) : null)}
        >
          {PERIODS.map((p) => (
            <option key={p.label} value={p.days ?? ""}>
              {p.label}
            </option>
          ))}
        </select>
        {SEARCH_KINDS.map(({ kind, label }) => (
          <button
            key={kind}
            type="button"
            className={`chip${query.kinds.includes(kind) ? " on" : ""}`}
            aria-pressed={query.kinds.includes(kind)}
            onClick={() => toggleKind(kind)}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="search-results">
        {search.error && (
          <p className="inline-error" role="alert">
            {search.error.message}
          </p>
        )}
        {titled.length > 0 && (
          <ul className="search-sessions" role="list" aria-label="Matching sessions">
            {titled.map((s) => (
              <li key={s.id}>
                <button type="button" className="search-hit" onClick={() => void controller.select(s.id)}>
                  <span className="search-hit-meta small muted">Session · {s.workspace}</span>
                  <span className="search-hit-title">{s.title || "Untitled session"}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        {results && results.hits.length > 0 && (
          <ul role="list" aria-label="Search results">
            {results.hits.map((hit) => (
              <li key={`${hit.sessionId}:${hit.seq}`}>
                <Hit hit={hit} session={byId.get(hit.sessionId)} onOpen={() => void controller.openAt(hit.sessionId, hit.seq)} />
              </li>
            ))}
          </ul>
        )}
        {results && !search.busy && results.hits.length === 0 && titled.length === 0 && !search.error && (
          <p className="muted pad">Nothing matches “{results.text}”. Fewer words or other filters may find it.</p>
        )}
        {results?.more && <p className="small muted pad">More items match than are shown: add a word to narrow it down.</p>}
      </div>
    </section>
  );
});

function Hit({ hit, session, onOpen }: { hit: SearchHit; session: SessionInfo | undefined; onOpen: () => void }) {
  return (
    <button type="button" className="search-hit" data-kind={hit.kind} onClick={onOpen}>
      <span className="search-hit-meta small muted">
        {kindLabel(hit.kind)} · {session?.title || "Untitled session"} · {new Date(hit.at).toLocaleString()}
      </span>
      <span className="search-snippet">
        {hit.snippet.map((part, i) => (part.hit ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
      </span>
    </button>
  );
}
