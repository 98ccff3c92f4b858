// In-memory backend for a plain browser: same interface as the Tauri one, replays a demo
// turn (demoScript.ts) when a prompt is sent.
import type { ModelList } from "../generated/desk/ModelList";
import type { QueuedPrompt } from "../generated/desk/QueuedPrompt";
import type { SessionOptions } from "../generated/desk/SessionOptions";
import type { AppState } from "../generated/desk/AppState";
import type { AuditEntry } from "../generated/desk/AuditEntry";
import type { ErrorPayload } from "../generated/desk/ErrorPayload";
import type { EventBatch } from "../generated/desk/EventBatch";
import type { SessionEvent } from "../generated/desk/SessionEvent";
import type { SessionInfo } from "../generated/desk/SessionInfo";
import type { StoredItem } from "../generated/desk/StoredItem";
import type { TurnInfo } from "../generated/desk/TurnInfo";
import type { Backend } from "./api";
import { demoTurn, demoTurnObject } from "./demoScript";
import { createFakeAccount } from "./fakeAccount";
import { defaultSessionOptions } from "../state/sessionView";

interface FakeSession {
  info: SessionInfo;
  turns: TurnInfo[];
  items: StoredItem[];
  listeners: ((batch: EventBatch) => void)[];
  seq: number;
  timer: ReturnType<typeof setTimeout> | null;
  turnId: string | null;
  queued: QueuedPrompt[];
  /** The queue waits for the user (the last turn was stopped). */
  held: boolean;
  options: SessionOptions;
}

const fail = (code: ErrorPayload["code"], message: string, detail: string | null = null): ErrorPayload => ({
  code,
  message,
  detail,
});

/** The one codex session the demo's terminal has. */
const DEMO_TERMINAL_THREAD = "0199d3c1-7e2a-7b40-9f10-5a7e3c1d2b44";

/** Items per page, as the real store pages them. */
const FAKE_PAGE_ITEMS = 150;

/** The items before `beforeSeq` (at most a page) with their turns, as the store answers. */
function page(session: FakeSession, beforeSeq: number) {
  const before = session.items.filter((i) => i.seq < beforeSeq);
  const items = before.slice(-FAKE_PAGE_ITEMS);
  const ids = new Set(items.map((i) => i.turnId));
  const newest = beforeSeq === Number.POSITIVE_INFINITY;
  const lastStart = session.turns.findLastIndex((t) => ids.has(t.id));
  const turns = session.turns.filter((t, index) => ids.has(t.id) || (newest && index > lastStart));
  return { turns, items, hasOlder: before.length > items.length };
}

/** The page after `afterSeq` (the turns of its items; all later ones when it is the last). */
function pageAfter(session: FakeSession, afterSeq: number) {
  const after = session.items.filter((i) => i.seq > afterSeq);
  const items = after.slice(0, FAKE_PAGE_ITEMS);
  const hasNewer = after.length > items.length;
  const ids = new Set(items.map((i) => i.turnId));
  const firstStart = session.turns.findIndex((t) => ids.has(t.id));
  const turns = session.turns.filter((t, index) => ids.has(t.id) || (!hasNewer && firstStart >= 0 && index > firstStart));
  return { turns, items, hasNewer };
}

/** The audit entries of one item, as the store derives them (the real one reads SQLite). */
function auditEntries(session: FakeSession, item: StoredItem): AuditEntry[] {
  const i = item.item as unknown as Record<string, unknown>;
  const status = typeof i.status === "string" ? i.status : "unknown";
  const base: AuditEntry = {
    at: session.info.updatedAt,
    sessionId: session.info.id,
    sessionTitle: session.info.title,
    workspace: session.info.workspace,
    turnId: item.turnId,
    seq: item.seq,
    kind: "command",
    status,
    approval: status === "declined" ? "declined" : i.source === "userShell" ? "user" : "policy",
    command: null,
    cwd: null,
    exitCode: null,
    durationMs: null,
    path: null,
    change: null,
    movePath: null,
    diff: null,
  };
  if (i.type === "commandExecution") {
    return [
      {
        ...base,
        command: String(i.command ?? ""),
        cwd: typeof i.cwd === "string" ? i.cwd : null,
        exitCode: typeof i.exitCode === "number" ? i.exitCode : null,
        durationMs: typeof i.durationMs === "number" ? i.durationMs : null,
      },
    ];
  }
  if (i.type !== "fileChange" || !Array.isArray(i.changes)) return [];
  return (i.changes as { path?: string; kind?: { type?: string }; diff?: string }[]).map((c) => ({
    ...base,
    kind: "fileChange",
    path: c.path ?? "",
    change: c.kind?.type ?? null,
    diff: c.diff ?? null,
  }));
}

/** The words of an item the fake search looks at (the real one is the store's FTS index). */
function itemText(item: StoredItem): string {
  const i = item.item as unknown as Record<string, unknown>;
  const content = Array.isArray(i.content) ? (i.content as { text?: string }[]).map((c) => c.text ?? "") : [];
  return [i.text, i.command, i.aggregatedOutput, ...content].filter((t) => typeof t === "string").join("\n");
}

export function createFakeBackend(): Backend {
  const sessions = new Map<string, FakeSession>();
  const account = createFakeAccount();
  let lastSessionId: string | null = null;
  let turnCounter = 0;

  const get = (sessionId: string): FakeSession => {
    const session = sessions.get(sessionId);
    if (!session) throw fail("sessionNotFound", "This session no longer exists.");
    return session;
  };

  const emit = (session: FakeSession, events: SessionEvent[]) => {
    session.seq += 1;
    const batch: EventBatch = { sessionId: session.info.id, seq: session.seq, events, droppedDeltas: false, sentAtMs: Date.now() };
    for (const listener of session.listeners) listener(batch);
    for (const event of events) remember(session, event);
  };

  // Keep completed items and turns so that reopening a session shows them.
  const remember = (session: FakeSession, event: SessionEvent) => {
    if (event.type === "status") session.info.status = event.status;
    if (event.type === "turnUsage") {
      const turn = session.turns.find((t) => t.id === event.turnId);
      if (turn) turn.usage = event.usage;
    }
    if (event.type !== "codex") return;
    const n = event.notification;
    if (n.method === "item/completed") {
      session.items.push({ turnId: n.params.turnId, seq: session.items.length + 1, item: n.params.item });
    } else if (n.method === "turn/started") {
      session.turns.push({ id: n.params.turn.id, status: "inProgress", error: null, startedAt: Date.now(), completedAt: null, usage: null });
    } else if (n.method === "turn/completed") {
      const turn = session.turns.find((t) => t.id === n.params.turn.id);
      if (turn) {
        turn.status = n.params.turn.status;
        turn.error = n.params.turn.error?.message ?? null;
        turn.completedAt = Date.now();
      }
    }
  };

  let queueCounter = 0;
  let notifications = true;
  let idleReleaseSecs: number | null = 600;
  const play = (session: FakeSession, steps: ReturnType<typeof demoTurn>) => {
    const [step, ...rest] = steps;
    if (!step) {
      session.timer = null;
      session.turnId = null;
      emit(session, [{ type: "status", status: "idle", message: null, threadId: session.info.threadId }]);
      // A completed turn sends the next queued follow-up, as the core does.
      const next = session.held ? undefined : session.queued.shift();
      if (next) {
        emit(session, [{ type: "queueChanged", queued: [...session.queued], held: session.held }]);
        startTurn(session, next.text);
      }
      return;
    }
    session.timer = setTimeout(() => {
      emit(session, step.events);
      play(session, rest);
    }, step.delayMs);
  };

  const startTurn = (session: FakeSession, text: string) => {
    turnCounter += 1;
      session.info.threadId ??= `demo-thread-${session.info.id}`;
      if (session.items.length === 0) session.info.title = text.slice(0, 60);
      session.info.updatedAt = Date.now();
      session.turnId = `demo-turn-${turnCounter}`;
      emit(session, [
        { type: "promptAccepted", text },
        { type: "status", status: "running", message: null, threadId: session.info.threadId },
      ]);
      play(session, demoTurn(text, turnCounter, session.info.threadId, session.info.workspace));
  };

  return {
    kind: "fake",
    startupProblem: async () => null,
    openDataFolder: async () => {},
    openLogsFolder: async () => {},
    openLink: async (url) => {
      window.open(url, "_blank", "noopener,noreferrer");
    },
    onStorageChanged: async () => () => {},
    async appState(): Promise<AppState> {
      return {
        sessions: [...sessions.values()].map((s) => ({ ...s.info })),
        codex: { path: "(demo)", version: "demo" },
        codexError: null,
        lastSessionId,
        account: account.state(),
        storage: { problem: null, waiting: 0 },
        notices: [],
        notifications,
        idleReleaseSecs,
      };
    },
    async relocateSession(sessionId, workspace) {
      const session = get(sessionId);
      session.info.workspace = workspace.trim();
      emit(session, [{ type: "workspaceMoved", path: session.info.workspace }]);
      return { ...session.info };
    },
    async createSession(workspace) {
      const path = workspace.trim();
      if (!/^(\/|~|[A-Za-z]:[\\/])/.test(path)) {
        throw fail("workspaceInvalid", `"${path || "(empty)"}" is not a folder. Enter an absolute path.`);
      }
      const now = Date.now();
      const id = `demo-${now.toString(36)}-${sessions.size + 1}`;
      const name = path.replace(/[\\/]+$/, "").split(/[\\/]/).pop() || path;
      const info: SessionInfo = {
        id,
        title: `New session in ${name}`,
        workspace: path,
        threadId: null,
        status: "idle",
        lastError: null,
        createdAt: now,
        updatedAt: now,
      };
      sessions.set(id, { info, turns: [], items: [], listeners: [], seq: 0, timer: null, turnId: null, queued: [], held: false, options: { ...defaultSessionOptions } });
      return { ...info };
    },
    async renameSession(sessionId, title) {
      const session = get(sessionId);
      const name = title.split(/\s+/).filter(Boolean).join(" ");
      if (!name) throw fail(null, "A session needs a name: type one, or press Esc to keep the old one.");
      session.info.title = name;
      return { ...session.info };
    },
    async deleteSession(sessionId) {
      const session = get(sessionId);
      if (session.timer) throw fail("turnRunning", "A turn is still running in this session. Wait for it to finish or press Stop.");
      sessions.delete(sessionId);
    },
    async openSession(sessionId) {
      const session = get(sessionId);
      lastSessionId = sessionId;
      const { turns, items, hasOlder } = page(session, Number.POSITIVE_INFINITY);
      return { session: { ...session.info }, turns, items, hasOlder, hasNewer: false, approvals: [], queued: [...session.queued], queueHeld: session.held, options: { ...session.options } };
    },
    async olderItems(sessionId, beforeSeq) {
      return { sessionId, ...page(get(sessionId), beforeSeq), hasNewer: false };
    },
    async openSessionAt(sessionId, seq) {
      const session = get(sessionId);
      lastSessionId = sessionId;
      const before = page(session, seq);
      const half = before.items.slice(-Math.floor(FAKE_PAGE_ITEMS / 2));
      const after = pageAfter(session, seq - 1);
      const items = [...half, ...after.items];
      const ids = new Set(items.map((i) => i.turnId));
      const turns = session.turns.filter((t) => ids.has(t.id) || after.turns.includes(t));
      const hasOlder = session.items.some((i) => i.seq < (items[0]?.seq ?? 0));
      return { session: { ...session.info }, turns, items, hasOlder, hasNewer: after.hasNewer, approvals: [], queued: [...session.queued], queueHeld: session.held, options: { ...session.options } };
    },
    async newerItems(sessionId, afterSeq) {
      return { sessionId, ...pageAfter(get(sessionId), afterSeq), hasOlder: false };
    },
    async search(query) {
      const words = query.text.toLowerCase().split(/\s+/).filter(Boolean);
      const hits = [];
      for (const session of sessions.values()) {
        for (const item of session.items) {
          const text = itemText(item);
          const lower = text.toLowerCase();
          const kind = (item.item as { type: string }).type;
          if (words.length === 0 || !words.every((w) => lower.includes(w))) continue;
          if (query.kinds.length > 0 && !query.kinds.includes(kind)) continue;
          const at = lower.indexOf(words[0]);
          hits.push({
            sessionId: session.info.id,
            seq: item.seq,
            itemId: (item.item as { id: string }).id,
            kind,
            at: session.info.updatedAt,
            snippet: [
              { text: text.slice(Math.max(0, at - 40), at), hit: false },
              { text: text.slice(at, at + words[0].length), hit: true },
              { text: text.slice(at + words[0].length, at + 80), hit: false },
            ],
          });
        }
      }
      const titled = [...sessions.values()].filter((s) => words.length > 0 && words.every((w) => s.info.title.toLowerCase().includes(w)));
      return { text: query.text, sessions: titled.map((s) => s.info.id), hits: hits.slice(0, 50), more: hits.length > 50 };
    },
    async audit(query, before) {
      const all: AuditEntry[] = [];
      for (const session of sessions.values()) {
        if (query.session !== null && session.info.id !== query.session) continue;
        if (query.workspace !== null && session.info.workspace !== query.workspace) continue;
        for (const item of session.items) all.push(...auditEntries(session, item));
      }
      all.reverse();
      const from = Number(before ?? 0);
      const entries = all.slice(from, from + FAKE_PAGE_ITEMS);
      return { entries, next: from + FAKE_PAGE_ITEMS < all.length ? String(from + FAKE_PAGE_ITEMS) : null };
    },
    async exportAudit(query, format) {
      const page = await this.audit(query, null);
      return { path: `/demo/codex-audit.${format}`, count: page.entries.length };
    },
    async exportSession(sessionId, format) {
      return { path: `/demo/session.${format === "markdown" ? "md" : "json"}`, count: get(sessionId).items.length };
    },
    async importSession() {
      // The demo has no files to pick: like a cancelled dialog.
      return null;
    },
    async wholeItem(sessionId, seq) {
      const item = get(sessionId).items.find((i) => i.seq === seq);
      if (!item) throw fail(null, "That part of the session is no longer stored.");
      return item;
    },
    async openItemFile() {
      throw fail(null, "The demo has no files to open.");
    },
    async subscribe(sessionId, onBatch) {
      get(sessionId).listeners.push(onBatch);
    },
    async sendPrompt(sessionId, text) {
      const session = get(sessionId);
      if (session.timer) throw fail("turnRunning", "A turn is already running. Stop it or wait for it to finish.");
      startTurn(session, text);
    },
    async gitState() {
      // (The demo has no sandbox to respect.)
      // The demo's folder, as a repository with the demo's change in it.
      return { type: "repository", branch: "main", upstream: "origin/main", ahead: 1, behind: 0, more: 0, files: [{ path: "src/parser.ts", change: "modified", staged: false, from: null }] };
    },
    async interrupt(sessionId) {
      const session = get(sessionId);
      if (!session.timer || !session.turnId) return;
      clearTimeout(session.timer);
      session.timer = null;
      const threadId = session.info.threadId ?? "";
      emit(session, [
        { type: "codex", notification: { method: "turn/completed", params: { threadId, turn: demoTurnObject(session.turnId, "interrupted") } } },
        { type: "status", status: "idle", message: null, threadId },
      ]);
      session.turnId = null;
      if (session.queued.length > 0) {
        session.held = true;
        emit(session, [{ type: "queueChanged", queued: [...session.queued], held: true }]);
      }
    },
    async steer(sessionId, text) {
      const session = get(sessionId);
      if (!session.timer) throw fail("nothingToSteer", "No turn is running to add this to.");
      emit(session, [{ type: "promptAccepted", text }]);
    },
    async queuePrompt(sessionId, text) {
      const session = get(sessionId);
      if (!session.timer && !session.held) return startTurn(session, text);
      session.queued.push({ id: `queued-${++queueCounter}`, text });
      emit(session, [{ type: "queueChanged", queued: [...session.queued], held: session.held }]);
    },
    async unqueue(sessionId, queuedId) {
      const session = get(sessionId);
      session.queued = session.queued.filter((q) => q.id !== queuedId);
      if (session.queued.length === 0) session.held = false;
      emit(session, [{ type: "queueChanged", queued: [...session.queued], held: session.held }]);
    },
    async sendMessage(sessionId, text) {
      const session = get(sessionId);
      if (session.timer) throw fail("turnRunning", "A turn is already running. Stop it or wait for it to finish.");
      startTurn(session, text);
    },
    async attachImage(sessionId, name, bytes) {
      get(sessionId);
      return { path: `/demo/attachments/${++queueCounter}`, name, bytes: bytes.length };
    },
    async attachImageFile(sessionId, path) {
      get(sessionId);
      return { path: `/demo/attachments/${++queueCounter}`, name: path.split("/").pop() ?? "image", bytes: 0 };
    },
    async discardAttachment() {},
    async setSessionEnv(sessionId, name, value) {
      const session = get(sessionId);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw fail(null, `"${name}" cannot be an environment variable's name: use letters, digits and _, not starting with a digit.`);
      const others = session.options.env.filter((n) => n !== name);
      session.options = { ...session.options, env: value === null ? others : [...others, name] };
      emit(session, [{ type: "optionsChanged", options: { ...session.options } }]);
      return { ...session.options };
    },
    async pickImage() {
      return null;
    },
    async archiveSession(sessionId, archived) {
      const session = get(sessionId);
      if (archived && session.timer) throw fail("turnRunning", "A turn is still running in this session. Wait for it to finish or press Stop.");
      session.info.archivedAt = archived ? Date.now() : undefined;
      return { ...session.info };
    },
    async forkSession(sessionId, throughTurn) {
      const source = get(sessionId);
      if (source.timer) throw fail("turnRunning", "A turn is still running in this session. Wait for it to finish or press Stop.");
      const at = throughTurn === null ? source.turns.length - 1 : source.turns.findIndex((t) => t.id === throughTurn);
      const turns = source.turns.slice(0, at + 1);
      const ids = new Set(turns.map((t) => t.id));
      const id = `demo-${Math.random().toString(36).slice(2, 10)}`;
      const now = Date.now();
      const info: SessionInfo = { ...source.info, id, title: `Fork of ${source.info.title.replace(/^Fork of /, "")}`, createdAt: now, updatedAt: now };
      sessions.set(id, {
        info,
        turns: turns.map((t) => ({ ...t })),
        items: source.items.filter((i) => ids.has(i.turnId)).map((i, n) => ({ ...i, seq: n + 1 })),
        listeners: [],
        seq: 0,
        timer: null,
        turnId: null,
        queued: [],
        held: false,
        options: { ...source.options },
      });
      return { ...info };
    },
    async rollBack(sessionId, fromTurn) {
      const session = get(sessionId);
      if (session.timer) throw fail("turnRunning", "A turn is still running in this session. Wait for it to finish or press Stop.");
      const at = session.turns.findIndex((t) => t.id === fromTurn);
      if (at < 0) throw fail(null, "That turn is not in this session any more.");
      const removed = new Set(session.turns.slice(at).map((t) => t.id));
      const first = session.items.find((i) => i.turnId === fromTurn && i.item.type === "userMessage");
      session.turns = session.turns.slice(0, at);
      session.items = session.items.filter((i) => !removed.has(i.turnId));
      const prompt = first && first.item.type === "userMessage" ? first.item.content.flatMap((c) => (c.type === "text" ? [c.text] : [])).join("\n") : null;
      return { session: { ...session.info }, removedTurns: removed.size, prompt: prompt || null };
    },
    async onDrop() {
      return () => {};
    },
    async classifyDropped(paths) {
      return paths.map((path) => ({
        path,
        kind: /\.(png|jpe?g|gif|webp)$/i.test(path) ? ("image" as const) : /\.[a-z0-9]+$/i.test(path) ? ("other" as const) : ("folder" as const),
      }));
    },
    async terminalThreads() {
      const continued = [...sessions.values()].find((s) => s.info.threadId === DEMO_TERMINAL_THREAD);
      return [
        {
          id: DEMO_TERMINAL_THREAD,
          title: "Why does the login test flake?",
          folder: "/home/demo/projects/webapp",
          updatedAt: Date.now() - 3_600_000,
          sessionId: continued?.info.id ?? null,
        },
      ];
    },
    async continueTerminalThread(threadId) {
      const existing = [...sessions.values()].find((s) => s.info.threadId === threadId);
      if (existing) return { ...existing.info };
      if (threadId !== DEMO_TERMINAL_THREAD) throw fail(null, `There is no codex session ${threadId} in ~/.codex/sessions. Check the id, or pick one from the list.`);
      const info = await this.createSession("/home/demo/projects/webapp", false);
      const session = get(info.id);
      session.info.threadId = threadId;
      session.info.title = "Why does the login test flake?";
      return { ...session.info };
    },
    async notify(title, body) {
      console.info(`notification: ${title} — ${body}`);
    },
    async setIdleRelease(secs) {
      idleReleaseSecs = secs;
    },
    async setNotifications(on) {
      notifications = on;
    },
    async sendQueuedNow(sessionId, queuedId) {
      const session = get(sessionId);
      if (session.timer) throw fail("turnRunning", "A turn is already running. Stop it or wait for it to finish.");
      const next = session.queued.find((q) => q.id === queuedId);
      if (!next) return;
      session.queued = session.queued.filter((q) => q.id !== queuedId);
      session.held = false;
      emit(session, [{ type: "queueChanged", queued: [...session.queued], held: false }]);
      startTurn(session, next.text);
    },
    async setSessionOptions(sessionId, options) {
      const session = get(sessionId);
      if (options.network && options.sandbox === "readOnly") {
        throw fail(null, "Network access needs the workspace-write sandbox: read-only blocks the network.");
      }
      session.options = { ...options };
      emit(session, [{ type: "optionsChanged", options: { ...options } }]);
      return { ...options };
    },
    async listModels(sessionId): Promise<ModelList> {
      const session = get(sessionId);
      return {
        models: [
          { id: "demo-model", name: "Demo", description: "The demo's only thinker.", efforts: [], defaultEffort: null },
          {
            id: "demo-model-deep",
            name: "Demo Deep",
            description: "Thinks longer.",
            efforts: [
              { effort: "low", description: "Quick" },
              { effort: "high", description: "Thorough" },
            ],
            defaultEffort: "low",
          },
        ],
        current: session.options.model ?? "demo-model",
        currentEffort: session.options.effort,
      };
    },
    async setWindowTitle(title) {
      document.title = title;
    },
    async answerApproval(sessionId, key, choice) {
      emit(get(sessionId), [{ type: "approvalResolved", key, outcome: { by: "user", choice } }]);
    },
    async answerQuestions(sessionId, key) {
      emit(get(sessionId), [{ type: "approvalResolved", key, outcome: { by: "user", choice: "approve" } }]);
    },
    async answerForm(sessionId, key) {
      emit(get(sessionId), [{ type: "approvalResolved", key, outcome: { by: "user", choice: "approve" } }]);
    },
    async pickFolder() {
      return window.prompt("Folder for the new session (demo backend)", "/home/you/projects/demo");
    },
    async pickCodex() {
      return window.prompt("The codex program (demo backend)", "/usr/local/bin/codex");
    },
    async chooseCodex(path) {
      return { path, version: "0.169.0" };
    },
    confirmAccount: account.confirmAccount,
    signInWithChatGpt: account.signInWithChatGpt,
    signInWithDeviceCode: account.signInWithDeviceCode,
    reopenSignInPage: account.reopenSignInPage,
    cancelSignIn: account.cancelSignIn,
    saveApiKey: account.saveApiKey,
    signOut: account.signOut,
    dismissAccountError: account.dismissAccountError,
    onAccountChanged: account.onAccountChanged,
    listPrompts: async () => [
      { name: "review", description: "Review a file for bugs (demo)", argumentHint: "FILE=<path>" },
    ],
  };
}
