// A scripted demo turn for the fake backend (plain-browser `npm run dev`). It is NOT a
// recording; it only exercises every card kind so the UI can be looked at without codex.
import type { ServerNotification } from "../generated/codex/ServerNotification";
import type { ThreadItem } from "../generated/codex/v2/ThreadItem";
import type { Turn } from "../generated/codex/v2/Turn";
import type { SessionEvent } from "../generated/desk/SessionEvent";

export interface DemoStep {
  delayMs: number;
  events: SessionEvent[];
}

const codex = (notification: ServerNotification): SessionEvent => ({ type: "codex", notification });

export function demoTurnObject(id: string, status: Turn["status"], error: Turn["error"] = null): Turn {
  return {
    id,
    rootTurnId: null,
    items: [],
    itemsView: "notLoaded",
    status,
    error,
    startedAt: null,
    completedAt: null,
    durationMs: null,
  };
}

function agentMessage(id: string, text: string): ThreadItem {
  return { type: "agentMessage", id, text, moderation: null, phase: null, memoryCitation: null, delivery: null, questions: null };
}

function command(id: string, cwd: string, done: boolean): ThreadItem {
  return {
    type: "commandExecution",
    id,
    pluginId: null,
    scriptPath: null,
    command: "/bin/bash -lc 'ls -la && echo hello-from-codex'",
    cwd,
    processId: null,
    source: "agent",
    status: done ? "completed" : "inProgress",
    commandActions: [],
    aggregatedOutput: done ? DEMO_OUTPUT : null,
    exitCode: done ? 0 : null,
    durationMs: done ? 412 : null,
  };
}

const DEMO_OUTPUT = "total 8\ndrwxr-xr-x  3 you  staff   96 Jan  1 12:00 .\n-rw-r--r--  1 you  staff  120 Jan  1 12:00 README.md\nhello-from-codex\n";

const DEMO_ANSWER = `I looked at the folder and added a greeting file.

- Listed the files with \`ls\`
- Created \`hello.txt\`

\`\`\`sh
cat hello.txt
\`\`\`

Anything else?`;

const DEMO_DIFF = "@@ -0,0 +1,2 @@\n+hello\n+world\n";

/** Splits text into small chunks, as codex streams it. */
function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** One demo turn answering `prompt`; ids are made unique with `n`. */
export function demoTurn(prompt: string, n: number, threadId: string, cwd: string): DemoStep[] {
  const turnId = `demo-turn-${n}`;
  const base = { threadId, turnId };
  const ids = { user: `u-${n}`, reasoning: `r-${n}`, cmd: `c-${n}`, patch: `p-${n}`, answer: `a-${n}` };
  const steps: DemoStep[] = [];
  const at = (delayMs: number, ...events: SessionEvent[]) => steps.push({ delayMs, events });

  at(50, codex({ method: "turn/started", params: { threadId, turn: demoTurnObject(turnId, "inProgress") } }));
  at(20, codex({
    method: "item/completed",
    params: { ...base, completedAtMs: Date.now(), item: { type: "userMessage", id: ids.user, clientId: null, content: [{ type: "text", text: prompt, text_elements: [] }] } },
  }));

  if (/error|fail/i.test(prompt)) {
    at(400, codex({ method: "error", params: { ...base, willRetry: true, error: { message: "Reconnecting... 1/5", codexErrorInfo: null, additionalDetails: null, misalignment: null } } }));
    const error = { message: "The model service answered 500 Internal Server Error.", codexErrorInfo: "internalServerError", additionalDetails: "HTTP 500 from http://127.0.0.1/v1/responses", misalignment: null };
    at(900, codex({ method: "error", params: { ...base, willRetry: false, error } }));
    at(20, codex({ method: "turn/completed", params: { threadId, turn: demoTurnObject(turnId, "failed", error) } }));
    return steps;
  }

  const reasoning: ThreadItem = { type: "reasoning", id: ids.reasoning, summary: [], content: [] };
  at(200, codex({ method: "item/started", params: { ...base, startedAtMs: Date.now(), item: reasoning } }));
  const thought = "**Looking around** I should list the folder first, then add the file.";
  for (const delta of chunks(thought, 12)) {
    at(60, codex({ method: "item/reasoning/summaryTextDelta", params: { ...base, itemId: ids.reasoning, delta, summaryIndex: 0 } }));
  }
  at(20, codex({ method: "item/completed", params: { ...base, completedAtMs: Date.now(), item: { ...reasoning, summary: [thought] } } }));

  at(150, codex({ method: "item/started", params: { ...base, startedAtMs: Date.now(), item: command(ids.cmd, cwd, false) } }));
  for (const line of DEMO_OUTPUT.split(/(?<=\n)/)) {
    at(250, codex({ method: "item/commandExecution/outputDelta", params: { ...base, itemId: ids.cmd, delta: line } }));
  }
  at(50, codex({ method: "item/completed", params: { ...base, completedAtMs: Date.now(), item: command(ids.cmd, cwd, true) } }));

  const change = { path: `${cwd}/hello.txt`, kind: { type: "add" as const }, diff: DEMO_DIFF };
  at(200, codex({ method: "item/started", params: { ...base, startedAtMs: Date.now(), item: { type: "fileChange", id: ids.patch, changes: [change], status: "inProgress" } } }));
  at(200, codex({ method: "item/completed", params: { ...base, completedAtMs: Date.now(), item: { type: "fileChange", id: ids.patch, changes: [change], status: "completed" } } }));

  at(150, codex({ method: "item/started", params: { ...base, startedAtMs: Date.now(), item: agentMessage(ids.answer, "") } }));
  for (const delta of chunks(DEMO_ANSWER, 6)) {
    at(30, codex({ method: "item/agentMessage/delta", params: { ...base, itemId: ids.answer, delta } }));
  }
  at(30, codex({ method: "item/completed", params: { ...base, completedAtMs: Date.now(), item: agentMessage(ids.answer, DEMO_ANSWER) } }));
  const turn = { total: 5200, input: 4800, cachedInput: 3000, output: 400, reasoningOutput: 90 };
  const session = { total: 5200 * n, input: 4800 * n, cachedInput: 3000 * n, output: 400 * n, reasoningOutput: 90 * n };
  at(10, { type: "turnUsage", turnId, usage: { turn, session, contextTokens: 5200, contextWindow: 272000 } });
  at(10, codex({ method: "turn/completed", params: { threadId, turn: demoTurnObject(turnId, "completed") } }));
  return steps;
}
