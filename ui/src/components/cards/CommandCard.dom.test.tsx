// @vitest-environment jsdom
// A long command output: its end in the card, all of it on request, and an output too long for
// the window in the user's text editor instead.
import { act } from "react";
import { createRoot } from "react-dom/client";
import { describe, expect, it, vi } from "vitest";
import type { ThreadItem } from "../../generated/codex/v2/ThreadItem";
import { LONGEST_IN_WINDOW } from "../format";
import { CommandCard } from "./CommandCard";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

type CommandItem = Extract<ThreadItem, { type: "commandExecution" }>;
const command = (aggregatedOutput: string) =>
  ({
    type: "commandExecution",
    id: "c1",
    command: "make",
    cwd: "/w",
    processId: null,
    source: "agent",
    status: "completed",
    commandActions: [],
    aggregatedOutput,
    exitCode: 0,
    durationMs: 5,
  }) as unknown as CommandItem;

function mount(item: CommandItem, onOpenFile?: () => void) {
  const host = document.createElement("div");
  const root = createRoot(host);
  act(() => root.render(<CommandCard item={item} streaming={false} cutShort={false} onOpenFile={onOpenFile} />));
  const button = (name: string) => [...host.querySelectorAll("button")].find((b) => b.textContent === name);
  const shown = () => host.querySelector("pre")?.textContent?.length ?? 0;
  return { host, root, button, shown };
}

describe("a finished command's many lines", () => {
  it("fold to the last ones, all on request; a short or running output stays whole", () => {
    const output = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";
    const card = mount(command(output));
    const text = () => card.host.querySelector("pre")?.textContent;
    expect(text()).toBe("line 35\nline 36\nline 37\nline 38\nline 39\nline 40\n");
    expect(card.host.textContent).toContain("The last 6 of 40 lines.");
    act(() => card.button("Show all lines")?.click());
    expect(text()).toBe(output);
    act(() => card.button("Show fewer")?.click());
    expect(text()?.startsWith("line 35")).toBe(true);
    act(() => card.root.unmount());

    const short = mount(command("one\ntwo\n"));
    expect(short.host.querySelector("pre")?.textContent).toBe("one\ntwo\n");
    expect(short.button("Show all lines")).toBeUndefined();
    act(() => short.root.unmount());
    const running = mount({ ...command(output), status: "inProgress" } as CommandItem);
    expect(running.host.querySelector("pre")?.textContent).toBe(output);
    act(() => running.root.unmount());
  });
});

describe("a long command output", () => {
  it("shows its end, then all of it on Show all", () => {
    const output = "x".repeat(200_000);
    const card = mount(command(output));
    expect(card.shown()).toBe(64 * 1024);
    expect(card.host.textContent).toContain("Showing the last 64 KB of 195 KB.");
    act(() => card.button("Show all")?.click());
    expect(card.shown()).toBe(output.length);
    act(() => card.root.unmount());
  });

  it("too long for the window, opens in a text editor and is never put whole in the card", () => {
    const onOpenFile = vi.fn();
    const card = mount(command("y".repeat(LONGEST_IN_WINDOW + 1)), onOpenFile);
    expect(card.button("Show all")).toBeUndefined();
    act(() => card.button("Open in a text editor")?.click());
    expect(onOpenFile).toHaveBeenCalledTimes(1);
    expect(card.shown()).toBe(64 * 1024);
    act(() => card.root.unmount());
    // Still running (nothing stored to open): still not shown whole.
    const live = mount({ ...command("y".repeat(LONGEST_IN_WINDOW + 1)), status: "inProgress" } as CommandItem);
    expect(live.button("Show all")).toBeUndefined();
    expect(live.button("Open in a text editor")).toBeUndefined();
    act(() => live.root.unmount());
  });
});
