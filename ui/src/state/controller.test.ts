import { afterEach, describe, expect, it, vi } from "vitest";
import { createFakeBackend } from "../backend/fake";
import type { EventBatch } from "../generated/desk/EventBatch";
import type { SearchQuery } from "../generated/desk/SearchQuery";
import type { SearchResults } from "../generated/desk/SearchResults";
import { createController, RELOAD_DELAY_MS } from "./controller";
import { RENDER_INTERVAL_MS } from "./store";
import { createAppStore } from "./store";
import { agentDelta, agentMessage, itemCompleted, itemStarted, turnCompleted, turnStarted } from "./testBuilders";

describe("controller", () => {
  afterEach(() => vi.useRealTimers());

  it("reads the transcript again from the store after missed or shed updates, once per burst", async () => {
    vi.useFakeTimers();
    const backend = createFakeBackend();
    const session = await backend.createSession("/tmp/demo");
    let deliver: (batch: EventBatch) => void = () => {};
    backend.subscribe = async (_id, onBatch) => {
      deliver = onBatch;
    };
    const reloads: (string | undefined)[] = [];
    const open = backend.openSession.bind(backend);
    backend.openSession = async (id, reload) => {
      reloads.push(reload);
      return open(id);
    };
    const controller = createController(backend, createAppStore());
    await controller.select(session.id);
    reloads.length = 0;

    const batch = (seq: number, droppedDeltas = false): EventBatch => ({
      sessionId: session.id,
      seq,
      droppedDeltas,
      sentAtMs: 0,
      events: [agentDelta("t", "a", "x")],
    });
    deliver(batch(1));
    deliver(batch(2));
    await vi.advanceTimersByTimeAsync(RELOAD_DELAY_MS * 2);
    expect(reloads).toEqual([]);

    deliver(batch(5));
    deliver(batch(9));
    deliver(batch(10, true));
    await vi.advanceTimersByTimeAsync(RELOAD_DELAY_MS * 2);
    expect(reloads).toHaveLength(1);
    expect(reloads[0]).toContain("batch 3 was missed");
  });

  it("asks the OS to notify only while the window is in the background and the user wants it", async () => {
    const backend = createFakeBackend();
    const session = await backend.createSession("/tmp/demo");
    let deliver: (batch: EventBatch) => void = () => {};
    backend.subscribe = async (_id, onBatch) => {
      deliver = onBatch;
    };
    const shown: string[] = [];
    backend.notify = async (title) => void shown.push(title);
    let focused = true;
    const store = createAppStore();
    const controller = createController(backend, store, () => focused);
    await controller.select(session.id);
    let seq = 0;
    const finish = () => deliver({ sessionId: session.id, seq: ++seq, droppedDeltas: false, sentAtMs: 0, events: [turnCompleted("t1")] });

    finish();
    expect(shown).toEqual([]);
    focused = false;
    finish();
    expect(shown).toEqual(["Codex finished"]);
    await controller.setNotifications(false);
    expect(store.getSnapshot().notifications).toBe(false);
    finish();
    expect(shown).toEqual(["Codex finished"]);
  });

  it("shows streamed words within a frame's worth of time, and an answer's end at once", async () => {
    vi.useFakeTimers();
    const backend = createFakeBackend();
    const session = await backend.createSession("/tmp/demo");
    let deliver: (batch: EventBatch) => void = () => {};
    backend.subscribe = async (_id, onBatch) => void (deliver = onBatch);
    const store = createAppStore();
    const controller = createController(backend, store);
    await controller.select(session.id);
    const shown = () => JSON.stringify(store.getSnapshot().views[session.id]?.entries.a ?? null);

    deliver({ sessionId: session.id, seq: 1, droppedDeltas: false, sentAtMs: 0, events: [turnStarted("t1"), itemStarted("t1", agentMessage("a", ""))] });
    await vi.advanceTimersByTimeAsync(RENDER_INTERVAL_MS);
    deliver({ sessionId: session.id, seq: 2, droppedDeltas: false, sentAtMs: 0, events: [agentDelta("t1", "a", "Hello")] });
    expect(shown()).not.toContain("Hello");
    await vi.advanceTimersByTimeAsync(RENDER_INTERVAL_MS);
    expect(shown()).toContain("Hello");
    deliver({ sessionId: session.id, seq: 3, droppedDeltas: false, sentAtMs: 0, events: [agentDelta("t1", "a", " world"), itemCompleted("t1", agentMessage("a", "Hello world"))] });
    expect(shown()).toContain("Hello world");
  });

  it("searches today from this midnight, and keeps the period as the words change", async () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date(2026, 10, 24, 0, 30));
    const backend = createFakeBackend();
    const asked: SearchQuery[] = [];
    backend.search = async (query) => {
      asked.push(query);
      return { hits: [], sessions: [], more: false, total: 0 } as unknown as SearchResults;
    };
    const store = createAppStore();
    const controller = createController(backend, store);
    const words = { text: "parser", workspace: null, kinds: [], since: null, until: null };
    controller.search(words, 1);
    await vi.runAllTimersAsync();
    // Half an hour after midnight, today is the last half hour, not the last 24 hours.
    expect(asked.at(-1)?.since).toBe(new Date(2026, 10, 24).getTime());
    expect(store.getSnapshot().search.days).toBe(1);
    // The next day, new words search that day: the period stays what the user chose.
    vi.setSystemTime(new Date(2026, 10, 25, 9, 0));
    controller.search({ ...words, text: "parser error" });
    await vi.runAllTimersAsync();
    expect(asked.at(-1)?.since).toBe(new Date(2026, 10, 25).getTime());
    controller.search(words, 7);
    await vi.runAllTimersAsync();
    expect(asked.at(-1)?.since).toBe(new Date(2026, 10, 19).getTime());
    controller.search(words, null);
    await vi.runAllTimersAsync();
    expect(asked.at(-1)?.since).toBeNull();
  });

  it("names in the window title how many sessions wait for the user", async () => {
    const backend = createFakeBackend();
    const titles: string[] = [];
    backend.setWindowTitle = async (title) => void titles.push(title);
    const controller = createController(backend, createAppStore());
    for (const waiting of [1, 3, 0]) controller.showWaiting(waiting);
    expect(titles).toEqual(["Codex Desk — a session waits for you", "Codex Desk — 3 sessions wait for you", "Codex Desk"]);
  });

  it("marks a session where a turn ended while the user looked at another, until they open it", async () => {
    const backend = createFakeBackend();
    const [first, second] = [await backend.createSession("/tmp/a"), await backend.createSession("/tmp/b")];
    const deliver = new Map<string, (batch: EventBatch) => void>();
    backend.subscribe = async (id, onBatch) => void deliver.set(id, onBatch);
    const store = createAppStore();
    const controller = createController(backend, store);
    await controller.select(first.id);
    await controller.select(second.id);
    let seq = 0;
    const send = (id: string, events: EventBatch["events"]) => deliver.get(id)?.({ sessionId: id, seq: ++seq, droppedDeltas: false, sentAtMs: 0, events });

    // Words streaming in the background are no news; the turn's end is. The open one is never marked.
    send(first.id, [agentDelta("t1", "a", "working")]);
    expect(store.getSnapshot().unread).toEqual({});
    send(first.id, [turnCompleted("t1")]);
    send(second.id, [turnCompleted("t2")]);
    expect(store.getSnapshot().unread).toEqual({ [first.id]: true });
    await controller.select(first.id);
    expect(store.getSnapshot().unread).toEqual({});
    // Behind the New session panel, the open session is not on screen: marked until the panel closes.
    controller.showNewSession(true);
    send(first.id, [turnCompleted("t3")]);
    expect(store.getSnapshot().unread).toEqual({ [first.id]: true });
    controller.showNewSession(false);
    expect(store.getSnapshot().unread).toEqual({});
  });

  it("says where the log folder is when the file manager cannot show it", async () => {
    const backend = createFakeBackend();
    const store = createAppStore();
    const controller = createController(backend, store);
    backend.openLogsFolder = async () => {
      throw { code: null, message: "The log folder could not be shown in your file manager. It is /home/u/.local/state/codex-desk/logs.", detail: "no file manager" };
    };
    await controller.openLogsFolder();
    expect(store.getSnapshot().notices.at(-1)).toContain("It is /home/u/.local/state/codex-desk/logs.");
  });

  it("uses the codex the user picks, or says why that one cannot be used", async () => {
    const backend = createFakeBackend();
    const store = createAppStore();
    const controller = createController(backend, store);
    await controller.load();
    store.dispatch({ type: "codexChecked", codex: null, codexError: { code: "codexNotFound", message: "Codex was not found.", detail: null } });
    backend.pickCodex = async () => "/opt/tools/not-codex";
    backend.chooseCodex = async () => {
      throw { code: "codexNotFound", message: "Codex at /opt/tools/not-codex could not be run: no such file", detail: null };
    };
    expect((await controller.chooseCodex())?.message).toContain("could not be run");
    expect(store.getSnapshot().codexError?.code).toBe("codexNotFound");

    backend.pickCodex = async () => "/opt/tools/codex";
    backend.chooseCodex = async (path) => ({ path, version: "0.169.0" });
    expect(await controller.chooseCodex()).toBeNull();
    expect(store.getSnapshot().codexError).toBeNull();
    expect(store.getSnapshot().codex?.path).toBe("/opt/tools/codex");

    // Cancelled: nothing changes.
    backend.pickCodex = async () => null;
    expect(await controller.chooseCodex()).toBeNull();
  });

  it("forks a session and opens the fork, or says why not", async () => {
    vi.useFakeTimers();
    const backend = createFakeBackend();
    const store = createAppStore();
    const controller = createController(backend, store);
    await controller.load();
    const source = await backend.createSession("/tmp/a");
    await controller.sendPrompt(source.id, "hello there");
    await controller.forkSession(source.id);
    expect(store.getSnapshot().actionErrors[source.id]?.code).toBe("turnRunning");
    await vi.runAllTimersAsync();

    // A double click forks once.
    const forks: string[] = [];
    const fork1 = backend.forkSession.bind(backend);
    backend.forkSession = async (id, through) => {
      forks.push(id);
      return fork1(id, through);
    };
    await Promise.all([controller.forkSession(source.id), controller.forkSession(source.id)]);
    expect(forks).toEqual([source.id]);
    const state = store.getSnapshot();
    expect(state.sessions.filter((s) => s.title === "Fork of hello there").length).toBe(1);
    const fork = state.sessions.find((s) => s.title === "Fork of hello there");
    expect(fork).toBeDefined();
    expect(state.selectedId).toBe(fork?.id);
    expect(state.views[fork?.id ?? ""]?.order.length).toBeGreaterThan(0);
  });

  it("rolls a session back: the later turns leave the view and the prompt is offered back", async () => {
    vi.useFakeTimers();
    const backend = createFakeBackend();
    const store = createAppStore();
    const controller = createController(backend, store);
    await controller.load();
    const session = await backend.createSession("/tmp/a");
    await controller.select(session.id);
    for (const prompt of ["first ALPHA", "second BETA"]) {
      await controller.sendPrompt(session.id, prompt);
      await vi.runAllTimersAsync();
    }
    const opened = await backend.openSession(session.id);
    expect(opened.turns).toHaveLength(2);
    // A turn running: refused, nothing changes.
    await controller.sendPrompt(session.id, "third GAMMA");
    const refused = await controller.rollBack(session.id, opened.turns[1]?.id ?? "");
    expect(refused?.code).toBe("turnRunning");
    await vi.runAllTimersAsync();

    const failed = await controller.rollBack(session.id, "no-such-turn");
    expect(failed?.message).toMatch(/not in this session/);
    expect(await controller.rollBack(session.id, opened.turns[1]?.id ?? "")).toBeNull();
    const state = store.getSnapshot();
    const shown = JSON.stringify(state.views[session.id]?.entries);
    expect(shown).toContain("ALPHA");
    expect(shown).not.toContain("BETA");
    expect(shown).not.toContain("GAMMA");
    expect(state.offers[session.id]).toEqual({ text: "second BETA", attachments: [], serial: 1 });
    expect((await backend.openSession(session.id)).turns).toHaveLength(1);
  });

  it("keeps the idle time chosen, and puts it back with a notice when it is refused", async () => {
    const backend = createFakeBackend();
    const store = createAppStore();
    const controller = createController(backend, store);
    await controller.load();
    expect(store.getSnapshot().idleReleaseSecs).toBe(600);
    await controller.setIdleRelease(1800);
    expect(store.getSnapshot().idleReleaseSecs).toBe(1800);
    expect((await backend.appState()).idleReleaseSecs).toBe(1800);
    const refusing = { ...backend, setIdleRelease: async () => Promise.reject({ code: null, message: "Pick an idle time between a minute and a day, or never.", detail: null }) };
    const strict = createController(refusing, store);
    await strict.setIdleRelease(5);
    expect(store.getSnapshot().idleReleaseSecs).toBe(1800);
    expect(store.getSnapshot().notices.at(-1)).toContain("between a minute and a day");
  });

  it("a dropped folder opens New session with it; dropped images wait for the open session's message", async () => {
    const backend = createFakeBackend();
    const store = createAppStore();
    const controller = createController(backend, store);
    await controller.load();
    await controller.dropped(["/home/me/projects/site"]);
    expect(store.getSnapshot().creating).toBe(true);
    expect(store.getSnapshot().droppedFolder?.path).toBe("/home/me/projects/site");

    // Images with no session open: nothing to attach them to, and the user is told.
    await controller.dropped(["/home/me/shot.png"]);
    expect(store.getSnapshot().notices.at(-1)).toContain("Open a session");

    const session = await backend.createSession("/tmp/a");
    await controller.select(session.id);
    await controller.dropped(["/home/me/shot.png", "/home/me/notes.txt"]);
    const waiting = store.getSnapshot().offers[session.id];
    expect(waiting?.attachments.map((a) => a.name)).toEqual(["shot.png"]);
    expect(store.getSnapshot().notices.at(-1)).toContain("not /home/me/notes.txt");
    controller.takeOffer(session.id, waiting?.serial ?? 0);
    expect(store.getSnapshot().offers[session.id]).toBeUndefined();
  });

  it("says so in the window when a link is not opened", async () => {
    const backend = createFakeBackend();
    backend.openLink = async () => {
      throw { code: null, message: "Codex Desk opens only web and mail links; this one was not opened: x", detail: null };
    };
    const store = createAppStore();
    await createController(backend, store).openLink("x");
    expect(store.getSnapshot().notices).toEqual(["Codex Desk opens only web and mail links; this one was not opened: x"]);
  });

  it("renames a session (a blank name is refused) and deletes it from the list and the views", async () => {
    const backend = createFakeBackend();
    const store = createAppStore();
    const controller = createController(backend, store);
    await controller.load();
    const a = await backend.createSession("/tmp/a");
    const b = await backend.createSession("/tmp/b");
    store.dispatch({ type: "sessionsRefreshed", sessions: (await backend.appState()).sessions });
    await controller.select(a.id);

    expect(await controller.renameSession(a.id, "  Parser\n work ")).toBeNull();
    expect(store.getSnapshot().sessions.find((s) => s.id === a.id)?.title).toBe("Parser work");
    const blank = await controller.renameSession(a.id, "   ");
    expect(blank?.message).toContain("needs a name");
    expect(store.getSnapshot().sessions.find((s) => s.id === a.id)?.title).toBe("Parser work");

    expect(await controller.deleteSession(a.id)).toBeNull();
    const state = store.getSnapshot();
    expect(state.sessions.map((s) => s.id)).toEqual([b.id]);
    expect(state.selectedId).toBeNull();
    expect(a.id in state.views).toBe(false);
    expect((await backend.appState()).sessions.map((s) => s.id)).toEqual([b.id]);
  });
});
