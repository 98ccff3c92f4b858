// @vitest-environment jsdom
// The composer while a turn runs: Enter queues a follow-up, Ctrl+Enter or Steer adds the text to
// the running turn, queued follow-ups are listed and removable, and after a turn that did not
// complete the first one can be sent by hand.
import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, describe, expect, it } from "vitest";
import { createFakeBackend } from "../backend/fake";
import type { PromptInfo } from "../generated/desk/PromptInfo";
import type { QueuedPrompt } from "../generated/desk/QueuedPrompt";
import { initialAppView } from "../state/appState";
import { createController } from "../state/controller";
import { AppContext } from "../state/hooks";
import { createAppStore } from "../state/store";
import { Composer } from "./Composer";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

type Call = [string, ...string[]];

describe("Composer", () => {
  let host: HTMLElement | null = null;
  let root: Root | null = null;
  afterEach(() => {
    act(() => root?.unmount());
    host?.remove();
  });

  async function render(running: boolean, queued: QueuedPrompt[] = [], steerFails = false, held = false, prompts: PromptInfo[] = []) {
    const calls: Call[] = [];
    const backend = {
      ...createFakeBackend(),
      subscribe: async () => {},
      sendPrompt: async (s: string, text: string) => void calls.push(["send", s, text]),
      queuePrompt: async (s: string, text: string) => void calls.push(["queue", s, text]),
      unqueue: async (s: string, id: string) => void calls.push(["unqueue", s, id]),
      sendQueuedNow: async (s: string, id: string) => void calls.push(["sendNow", s, id]),
      attachImage: async (s: string, name: string, bytes: Uint8Array) => {
        calls.push(["attach", s, name, String(bytes.length)]);
        return { path: `/data/s1/attachments/${calls.length}.png`, name, bytes: bytes.length };
      },
      sendMessage: async (s: string, text: string, images: string[]) => void calls.push(["sendWithImages", s, text, ...images]),
      discardAttachment: async (s: string, path: string) => void calls.push(["discard", s, path]),
      interrupt: async (s: string) => void calls.push(["interrupt", s]),
      steer: async (s: string, text: string) => {
        if (steerFails) throw { code: "nothingToSteer", message: "No turn is running.", detail: null };
        calls.push(["steer", s, text]);
      },
    };
    const store = createAppStore({ ...initialAppView, loading: false, prompts });
    const controller = createController(backend, store);
    host = document.createElement("div");
    document.body.append(host);
    root = createRoot(host);
    await act(async () =>
      root?.render(
        <AppContext.Provider value={{ store, controller, backendKind: "fake" }}>
          <Composer sessionId="s1" running={running} queued={queued} queueHeld={held} />
        </AppContext.Provider>,
      ),
    );
    const box = host.querySelector("textarea") as HTMLTextAreaElement;
    return { calls, host, box, store };
  }

  /** Types as a user does: React sees the input event. */
  async function type(box: HTMLTextAreaElement, text: string) {
    const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value")?.set;
    await act(async () => {
      setter?.call(box, text);
      box.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  async function press(box: HTMLTextAreaElement, init: KeyboardEventInit) {
    await act(async () => {
      box.dispatchEvent(new KeyboardEvent("keydown", { bubbles: true, cancelable: true, ...init }));
    });
  }

  const button = (host: HTMLElement, label: string) => host.querySelector<HTMLButtonElement>(`button[aria-label="${label}"]`);

  it("Esc stops the turn from anywhere but a field, a list or an open menu, where it is theirs", async () => {
    const { calls, host, box } = await render(true);
    const outside = document.createElement("div");
    outside.innerHTML = `<input aria-label="Session name"><textarea aria-label="Answer"></textarea><select aria-label="Model"><option>a</option></select>
      <details class="menu" open><summary>Export</summary><button type="button">As JSON</button></details><button type="button" id="card">Approve</button>
      <details open><summary id="thinking">Thinking…</summary>reasoning</details>`;
    document.body.append(outside);
    try {
      for (const field of outside.querySelectorAll<HTMLElement>("input, textarea, select, details button")) {
        await press(field as HTMLTextAreaElement, { key: "Escape" });
      }
      expect(calls).toEqual([]);
      await press(outside.querySelector("#card") as HTMLTextAreaElement, { key: "Escape" });
      expect(calls).toEqual([["interrupt", "s1"]]);
      // A card opened (its summary has the focus) is no menu: Esc is Stop there.
      await press(outside.querySelector("#thinking") as HTMLTextAreaElement, { key: "Escape" });
      expect(calls).toEqual([["interrupt", "s1"], ["interrupt", "s1"]]);
      calls.length = 1;
      await press(box, { key: "Escape" });
      expect(calls).toEqual([["interrupt", "s1"], ["interrupt", "s1"]]);
      expect(host.contains(box)).toBe(true);
    } finally {
      outside.remove();
    }
  });

  it("Esc in the message box closes its prompt menu first, and stops the turn after", async () => {
    const { calls, host, box } = await render(true, [], false, false, [{ name: "review", description: null, argumentHint: null }]);
    await type(box, "/re");
    expect(host.querySelector('[role="listbox"], ul.prompt-menu')).not.toBeNull();
    await press(box, { key: "Escape" });
    expect(calls).toEqual([]);
    expect(host.querySelector("ul.prompt-menu")).toBeNull();
    await press(box, { key: "Escape" });
    expect(calls).toEqual([["interrupt", "s1"]]);
    // Typed again, the menu is back.
    await type(box, "");
    await type(box, "/re");
    expect(host.querySelector("ul.prompt-menu")).not.toBeNull();
  });

  it("Stop says it is stopping until the turn ends, and cannot be pressed twice", async () => {
    const { calls, host } = await render(true);
    const stop = button(host, "Stop");
    await act(async () => stop?.click());
    expect(calls).toEqual([["interrupt", "s1"]]);
    expect(stop?.textContent).toBe("Stopping…");
    expect(stop?.disabled).toBe(true);
  });

  it("while a turn runs, Enter queues and Ctrl+Enter steers", async () => {
    const { calls, host, box } = await render(true);
    expect(button(host, "Send")).toBeNull();
    expect(button(host, "Queue")).not.toBeNull();
    expect(button(host, "Steer")?.disabled).toBe(true);

    await type(box, "then run the tests");
    await press(box, { key: "Enter" });
    expect(calls).toEqual([["queue", "s1", "then run the tests"]]);
    expect(box.value).toBe("");

    await type(box, "use pytest, not unittest");
    await press(box, { key: "Enter", ctrlKey: true });
    expect(calls.at(-1)).toEqual(["steer", "s1", "use pytest, not unittest"]);

    await type(box, "and keep it short");
    await act(async () => button(host, "Steer")?.click());
    expect(calls.at(-1)).toEqual(["steer", "s1", "and keep it short"]);

    await type(box, "a new line");
    await press(box, { key: "Enter", shiftKey: true });
    expect(calls).toHaveLength(3);
  });

  it("a rolled-back prompt comes back into its own session's box, after what was typed", async () => {
    const { box, store } = await render(false);
    const rolledBack = (sessionId: string, prompt: string) =>
      act(async () => store.dispatch({ type: "rolledBack", sessionId, transcript: null, prompt }));
    // Another session's prompt waits for that session's box.
    await rolledBack("s2", "not for this box");
    expect(box.value).toBe("");
    expect(store.getSnapshot().offers.s2?.text).toBe("not for this box");
    await rolledBack("s1", "fix the parser, and add a test");
    expect(box.value).toBe("fix the parser, and add a test");
    expect(document.activeElement).toBe(box);
    expect(store.getSnapshot().offers.s1).toBeUndefined();
    // What the user typed since stays, the prompt after it; the same text twice comes twice.
    await type(box, "also the lexer");
    await rolledBack("s1", "fix the parser, and add a test");
    expect(box.value).toBe("also the lexer\n\nfix the parser, and add a test");
    await act(async () => store.dispatch({ type: "noticeAdded", notice: "something else" }));
    expect(box.value).toBe("also the lexer\n\nfix the parser, and add a test");
  });

  it("images dropped on the window join this session's next message", async () => {
    const { host, store } = await render(false);
    const image = (n: number) => ({ path: `/data/s1/attachments/${n}.png`, name: `drop-${n}.png`, bytes: 10 });
    await act(async () => store.dispatch({ type: "imagesDropped", sessionId: "s2", attachments: [image(9)] }));
    expect(host.querySelector('[aria-label="Attached images"]')).toBeNull();
    await act(async () => store.dispatch({ type: "imagesDropped", sessionId: "s1", attachments: [image(1), image(2)] }));
    expect(host.querySelector('[aria-label="Attached images"]')?.textContent).toContain("drop-1.png");
    expect(host.querySelector('[aria-label="Attached images"]')?.textContent).toContain("drop-2.png");
    expect(store.getSnapshot().offers.s1).toBeUndefined();
    expect(store.getSnapshot().offers.s2).toBeDefined();
  });

  it("when idle, Enter sends", async () => {
    const { calls, host, box } = await render(false);
    expect(button(host, "Queue")).toBeNull();
    expect(button(host, "Steer")).toBeNull();
    await type(box, "hello");
    await press(box, { key: "Enter" });
    expect(calls).toEqual([["send", "s1", "hello"]]);
  });

  it("a steer that comes after the turn ended goes next, after what is queued", async () => {
    const { calls, box } = await render(true, [], true);
    await type(box, "too late to steer");
    await press(box, { key: "Enter", ctrlKey: true });
    expect(calls).toEqual([["queue", "s1", "too late to steer"]]);
  });

  it("lists queued follow-ups, each removable", async () => {
    const queued = [
      { id: "q1", text: "first follow-up" },
      { id: "q2", text: "second follow-up" },
    ];
    const { calls, host } = await render(true, queued);
    const list = host.querySelector('[aria-label="Queued follow-ups"]');
    expect(list?.textContent).toContain("Sent when this turn ends");
    expect([...(list?.querySelectorAll("li") ?? [])].map((li) => li.querySelector(".queued-text")?.textContent)).toEqual([
      "first follow-up",
      "second follow-up",
    ]);
    expect(list?.textContent).not.toContain("Send now");
    await act(async () => button(host, "Remove queued follow-up 2")?.click());
    expect(calls).toEqual([["unqueue", "s1", "q2"]]);
  });

  it("after a turn that did not complete, the first follow-up waits to be sent by hand", async () => {
    const { calls, host, box } = await render(false, [{ id: "q1", text: "first follow-up" }], false, true);
    const list = host.querySelector('[aria-label="Queued follow-ups"]');
    expect(list?.textContent).toContain("the last turn did not complete");
    const sendNow = [...(list?.querySelectorAll("button") ?? [])].find((b) => b.textContent === "Send now");
    await act(async () => sendNow?.click());
    expect(calls).toEqual([["sendNow", "s1", "q1"]]);
    expect(document.activeElement).toBe(box);
  });

  it("between a completed turn and the next follow-up, the queue says it is sending, with no Send now", async () => {
    const { host } = await render(false, [{ id: "q1", text: "next" }]);
    const list = host.querySelector('[aria-label="Queued follow-ups"]');
    expect(list?.textContent).toContain("Sending…");
    expect(list?.textContent).not.toContain("Send now");
  });

  it("a pasted image is attached, listed, removable, and goes with the next message", async () => {
    const { calls, host, box } = await render(false);
    const paste = async (name: string) => {
      const file = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], name, { type: "image/png" });
      const event = new Event("paste", { bubbles: true, cancelable: true });
      Object.defineProperty(event, "clipboardData", { value: { files: [file], types: ["Files"] } });
      await act(async () => {
        box.dispatchEvent(event);
      });
      await act(async () => {
        await new Promise((r) => setTimeout(r, 0));
      });
    };
    await paste("first.png");
    await paste("second.png");
    expect(calls.filter((c) => c[0] === "attach").map((c) => c[2])).toEqual(["first.png", "second.png"]);
    const list = host.querySelector('[aria-label="Attached images"]');
    expect(list?.textContent).toContain("first.png");
    await act(async () => button(host, "Remove image first.png")?.click());
    expect(host.querySelector('[aria-label="Attached images"]')?.textContent).not.toContain("first.png");
    // Its copy goes too.
    expect(calls).toContainEqual(["discard", "s1", "/data/s1/attachments/1.png"]);

    // An image alone can be sent; it goes with the words typed.
    expect(button(host, "Send")?.disabled).toBe(false);
    await type(box, "what is this?");
    await press(box, { key: "Enter" });
    expect(calls.at(-1)).toEqual(["sendWithImages", "s1", "what is this?", "/data/s1/attachments/2.png"]);
    expect(host.querySelector('[aria-label="Attached images"]')).toBeNull();
  });

  it("while a turn runs, images wait for a new message", async () => {
    const { calls, host, box } = await render(true);
    const file = new File([new Uint8Array([1])], "shot.png", { type: "image/png" });
    const event = new Event("paste", { bubbles: true, cancelable: true });
    Object.defineProperty(event, "clipboardData", { value: { files: [file], types: ["Files"] } });
    await act(async () => {
      box.dispatchEvent(event);
    });
    await act(async () => {
      await new Promise((r) => setTimeout(r, 0));
    });
    await type(box, "and this");
    await press(box, { key: "Enter" });
    expect(calls.map((c) => c[0])).toEqual(["attach"]);
    expect(host.querySelector('[role="alert"]')?.textContent).toContain("Images go with a new message");
  });

  it("text pasted with a picture of itself (a spreadsheet, a document) stays text", async () => {
    const { calls, box } = await render(false);
    const file = new File([new Uint8Array([1])], "cells.png", { type: "image/png" });
    const event = new Event("paste", { bubbles: true, cancelable: true });
    Object.defineProperty(event, "clipboardData", { value: { files: [file], types: ["text/plain", "Files"] } });
    await act(async () => {
      box.dispatchEvent(event);
    });
    expect(event.defaultPrevented).toBe(false);
    expect(calls).toEqual([]);
  });
});
