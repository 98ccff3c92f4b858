import { useId, useState } from "react";
import type { ApprovalMode } from "../generated/desk/ApprovalMode";
import type { ErrorPayload } from "../generated/desk/ErrorPayload";
import type { ModelList } from "../generated/desk/ModelList";
import type { SandboxMode } from "../generated/desk/SandboxMode";
import type { SessionOptions } from "../generated/desk/SessionOptions";
import type { WebSearch } from "../generated/desk/WebSearch";
import { useController } from "../state/hooks";
import { optionsWarning, withModel } from "../state/sessionOptions";

const SANDBOXES: { value: SandboxMode; label: string; title: string }[] = [
  { value: "readOnly", label: "Read only", title: "Codex reads files anywhere and writes nowhere." },
  { value: "workspaceWrite", label: "Workspace write", title: "Codex writes inside the workspace; everything else is read-only." },
  { value: "fullAccess", label: "Full access", title: "No sandbox: commands run with all your rights on this computer." },
];

const APPROVALS: { value: ApprovalMode; label: string; title: string }[] = [
  { value: "untrusted", label: "Ask before most commands", title: "Codex asks before any command not known to be safe." },
  { value: "onRequest", label: "Ask when needed", title: "Codex asks when it wants to go beyond the sandbox." },
  { value: "never", label: "Never ask", title: "Codex never asks; what the sandbox refuses fails." },
];

const WEB_SEARCH: { value: WebSearch | ""; label: string; title: string }[] = [
  { value: "", label: "Web search: as configured", title: "What your codex configuration says." },
  { value: "off", label: "Web search: off", title: "The model does not search the web." },
  { value: "cached", label: "Web search: cached", title: "Results from OpenAI's search cache; no live pages." },
  { value: "live", label: "Web search: live", title: "The model searches the live web." },
];

/**
 * A session's options above the message box: the model and its reasoning effort (the list comes
 * from codex when the user opens it), the sandbox, when codex asks, and network access. Changes
 * apply from the next turn; a combination that cannot work is explained here, before any turn.
 */
export function SessionOptionsBar({
  sessionId,
  options: stored,
  running,
  loaded,
}: {
  sessionId: string;
  options: SessionOptions;
  running: boolean;
  /** The stored options are known (until then the controls wait). */
  loaded: boolean;
}) {
  const controller = useController();
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [models, setModels] = useState<ModelList | "loading" | null>(null);
  const [choosing, setChoosing] = useState(false);
  const [folders, setFolders] = useState(false);
  const [variables, setVariables] = useState(false);
  /** The answer schema being edited (null: the editor is closed). */
  const [schema, setSchema] = useState<string | null>(null);
  // What the user set is shown at once, until the stored options catch up; each change builds
  // on what is shown, not on a stale copy.
  const [pending, setPending] = useState<{ over: SessionOptions; next: SessionOptions } | null>(null);
  const options = pending && pending.over === stored ? pending.next : stored;
  /** A change that gives codex more power, waiting for the user's yes. */
  const [confirming, setConfirming] = useState<SessionOptions | null>(null);
  const networkWhy = useId();
  // Making an environment takes seconds (pip is copied in).
  const makingVenv = pending !== null && pending.over === stored && pending.next.pythonVenv && !stored.pythonVenv;

  /** Resolves to whether the options were taken. */
  const save = async (next: SessionOptions) => {
    setPending({ over: stored, next });
    setConfirming(null);
    const failed = await controller.setSessionOptions(sessionId, next);
    setError(failed);
    // Only this change's: a newer one the user made meanwhile stays shown.
    if (failed) setPending((shown) => (shown?.next === next ? null : shown));
    return failed === null;
  };

  const change = async (patch: Partial<SessionOptions>) => {
    const next = { ...options, ...patch };
    // Writing without being asked is more power than reading without being asked.
    const unasked = (o: SessionOptions) => o.approvals === "never" && o.sandbox !== "readOnly";
    const riskier = (next.sandbox === "fullAccess" && options.sandbox !== "fullAccess") || (unasked(next) && !unasked(options));
    if (riskier) setConfirming(next);
    else await save(next);
  };

  const openModels = async () => {
    setChoosing((open) => !open);
    if (models !== null && models !== "loading") return;
    setModels("loading");
    const listed = await controller.listModels(sessionId);
    if ("models" in listed) {
      setModels(listed);
    } else {
      setModels(null);
      setError(listed);
    }
  };

  const list = models !== null && models !== "loading" ? models : null;
  const current = options.model ?? list?.current ?? null;
  const currentModel = list?.models.find((m) => m.id === current);
  const effort = options.effort ?? list?.currentEffort ?? null;
  const warning = optionsWarning(options);
  const modelLabel = `${currentModel?.name ?? current ?? "Codex's default model"}${effort && effort !== "none" ? ` · ${effort}` : ""}`;

  return (
    <fieldset className="session-options" aria-label="Session options" disabled={!loaded}>
      <div className="session-options-row">
        <button
          type="button"
          className="chip"
          aria-label={`Model: ${modelLabel}`}
          aria-expanded={choosing}
          title="The model and how hard it thinks (from the next turn)"
          onClick={() => void openModels()}
        >
          {modelLabel} ▾
        </button>
        <label className="option">
          <span className="visually-hidden">Sandbox</span>
          <select
            aria-label="Sandbox"
            value={options.sandbox}
            title={SANDBOXES.find((s) => s.value === options.sandbox)?.title}
            onChange={(e) => {
              const sandbox = e.target.value as SandboxMode;
              void change({ sandbox, network: sandbox === "workspaceWrite" ? options.network : false });
            }}
          >
            {SANDBOXES.map((s) => (
              <option key={s.value} value={s.value} title={s.title}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label className="option">
          <span className="visually-hidden">Approvals</span>
          <select
            aria-label="Approvals"
            value={options.approvals}
            title={APPROVALS.find((a) => a.value === options.approvals)?.title}
            onChange={(e) => void change({ approvals: e.target.value as ApprovalMode })}
          >
            {APPROVALS.map((a) => (
              <option key={a.value} value={a.value} title={a.title}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
        <label className="option">
          <input
            type="checkbox"
            aria-label="Network access"
            aria-describedby={networkWhy}
            checked={options.sandbox === "fullAccess" || options.network}
            disabled={options.sandbox !== "workspaceWrite"}
            onChange={(e) => void change({ network: e.target.checked })}
          />
          <span className="small">Network</span>
          <span id={networkWhy} className={options.sandbox === "workspaceWrite" ? "visually-hidden" : "small muted"}>
            {options.sandbox === "workspaceWrite"
              ? "Lets commands reach the network."
              : options.sandbox === "fullAccess"
                ? "(always, with full access)"
                : "(read only blocks it)"}
          </span>
        </label>
        {options.sandbox === "workspaceWrite" && (
          <button
            type="button"
            className="chip"
            aria-expanded={folders}
            title="Folders besides this one that codex may write"
            onClick={() => setFolders((open) => !open)}
          >
            {options.writableFolders.length === 0 ? "Other folders: none" : `Other folders: ${options.writableFolders.length}`} ▾
          </button>
        )}
        <select
          aria-label="Web search"
          title="Whether the model may look things up on the web (from the next turn; codex restarts between turns)"
          value={options.webSearch ?? ""}
          disabled={running}
          onChange={(e) => void change({ webSearch: e.target.value === "" ? null : (e.target.value as WebSearch) })}
        >
          {WEB_SEARCH.map((w) => (
            <option key={w.value} value={w.value} title={w.title}>
              {w.label}
            </option>
          ))}
        </select>
        <label
          className="option"
          title="A Python virtual environment of this session's own (in its folder), first on the PATH of codex's commands: pip installs go there, not into your system. Commands then run without your login profile, with its PATH."
        >
          <input
            type="checkbox"
            aria-label="Own Python environment"
            checked={options.pythonVenv}
            disabled={running || makingVenv}
            onChange={(e) => void change({ pythonVenv: e.target.checked })}
          />
          <span className="small">{makingVenv ? "Making the Python environment…" : "Python venv"}</span>
        </label>
        <button
          type="button"
          className="chip"
          aria-expanded={variables}
          title="Environment variables of this session's own (values kept in the system keychain), for codex and its commands"
          onClick={() => setVariables((open) => !open)}
        >
          {stored.env.length === 0 ? "Environment: none" : `Environment: ${stored.env.length}`} ▾
        </button>
        <button
          type="button"
          className="chip"
          aria-expanded={schema !== null}
          title="Make every answer JSON that follows a schema of yours (shown formatted)"
          onClick={() => setSchema((open) => (open === null ? options.outputSchema ?? "" : null))}
        >
          {options.outputSchema ? "Answers: JSON schema" : "Answers: free text"} ▾
        </button>
        {running && <span className="small muted">Changes apply from the next turn.</span>}
      </div>
      {variables && <EnvironmentEditor sessionId={sessionId} names={stored.env} running={running} onError={setError} />}
      {schema !== null && (
        <div className="session-options-row answer-schema">
          <textarea
            aria-label="Answer schema"
            className="schema-text"
            rows={5}
            spellCheck={false}
            placeholder={'A JSON Schema for every answer, e.g. {"type": "object", "properties": {"summary": {"type": "string"}}, "required": ["summary"], "additionalProperties": false}'}
            value={schema}
            onChange={(e) => setSchema(e.target.value)}
          />
          <div className="row">
            <button
              type="button"
              className="small"
              onClick={async () => {
                if (await save({ ...options, outputSchema: schema.trim() || null })) setSchema(null);
              }}
            >
              Use this schema
            </button>
            {options.outputSchema && (
              <button
                type="button"
                className="small quiet"
                onClick={async () => {
                  if (await save({ ...options, outputSchema: null })) setSchema(null);
                }}
              >
                Back to free text
              </button>
            )}
          </div>
        </div>
      )}
      {folders && options.sandbox === "workspaceWrite" && (
        <div className="session-options-row writable-folders">
          {options.writableFolders.map((folder) => (
            <span key={folder} className="attachment" title={folder}>
              <span className="attachment-name">{folder}</span>
              <button
                type="button"
                className="quiet small"
                aria-label={`Stop letting codex write ${folder}`}
                onClick={() => void change({ writableFolders: options.writableFolders.filter((f) => f !== folder) })}
              >
                ×
              </button>
            </span>
          ))}
          <button
            type="button"
            className="small"
            onClick={async () => {
              const picked = await controller.pickFolder();
              if (picked) await change({ writableFolders: [...options.writableFolders, picked] });
            }}
          >
            Add folder…
          </button>
        </div>
      )}
      {choosing && (
        <div className="session-options-row">
          <span className="small muted" aria-live="polite">
            {models === "loading" && (
              <>
                <span className="spinner" aria-hidden="true" /> Asking codex for its models…
              </>
            )}
          </span>
          {list && (
            <>
              <select
                aria-label="Model choice"
                value={current ?? ""}
                onChange={(e) => {
                  const picked = list.models.find((m) => m.id === e.target.value);
                  if (picked) void change(withModel(options, picked));
                }}
              >
                {current && !currentModel && <option value={current}>{current}</option>}
                {list.models.map((m) => (
                  <option key={m.id} value={m.id} title={m.description}>
                    {m.name}
                  </option>
                ))}
              </select>
              {currentModel && currentModel.efforts.length > 0 && (
                <select
                  aria-label="Reasoning effort"
                  value={effort ?? currentModel.defaultEffort ?? ""}
                  onChange={(e) => void change({ model: currentModel.id, effort: e.target.value })}
                >
                  {currentModel.efforts.map((e) => (
                    <option key={e.effort} value={e.effort} title={e.description}>
                      {e.effort}
                      {e.description ? ` — ${e.description}` : ""}
                    </option>
                  ))}
                </select>
              )}
            </>
          )}
        </div>
      )}
      {confirming && (
        <div className="options-confirm" role="alertdialog" aria-label="Give codex more power?">
          <p className="small">{optionsWarning(confirming) ?? "Codex will ask less before it acts."} Apply this to the session?</p>
          <div className="row">
            <button type="button" className="small danger" autoFocus onClick={() => void save(confirming)}>
              {confirming.sandbox === "fullAccess" && options.sandbox !== "fullAccess" ? "Give full access" : "Never ask"}
            </button>
            <button type="button" className="small" onClick={() => setConfirming(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      <p className="small options-warning" aria-live="polite">
        {warning}
      </p>
      {error && (
        <p className="small inline-error" role="alert">
          {error.message}
        </p>
      )}
    </fieldset>
  );
}

/**
 * A session's environment variables: the names it has (each removable) and a form for one more;
 * a value is typed unseen and goes to the system keychain, never back to the window.
 */
function EnvironmentEditor({
  sessionId,
  names,
  running,
  onError,
}: {
  sessionId: string;
  names: string[];
  running: boolean;
  onError: (error: ErrorPayload | null) => void;
}) {
  const controller = useController();
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const [busy, setBusy] = useState(false);
  const set = async (key: string, next: string | null) => {
    setBusy(true);
    const failed = await controller.setSessionEnv(sessionId, key, next);
    setBusy(false);
    onError(failed);
    if (!failed && next !== null) {
      setName("");
      setValue("");
    }
  };
  return (
    <div className="session-options-row environment" role="group" aria-label="Environment variables">
      {names.map((n) => (
        <span key={n} className="attachment" title={`${n} (its value is in the system keychain)`}>
          <span className="attachment-name">{n}</span>
          <button type="button" className="quiet small" aria-label={`Remove ${n}`} disabled={busy || running} onClick={() => void set(n, null)}>
            ×
          </button>
        </span>
      ))}
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void set(name.trim(), value);
        }}
      >
        <input aria-label="Variable name" placeholder="NAME" spellCheck={false} autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
        <input aria-label="Variable value" type="password" placeholder="value" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} />
        <button type="submit" className="small" disabled={busy || running || name.trim() === ""}>
          Set
        </button>
      </form>
      <span className="small muted">{running ? "Changes between turns." : "Codex starts again with them for the next turn."}</span>
    </div>
  );
}
