// @vitest-environment jsdom
// A command the user was asked about says, read back from the store, what they answered.
import { act } from "react";
import { createRoot } from "react-dom/client";
import { describe, expect, it } from "vitest";
import type { StoredItem } from "../../generated/desk/StoredItem";
import { storedEntry } from "../../state/storedPages";
import { CommandCard } from "./CommandCard";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const stored = (decision?: StoredItem["decision"]): StoredItem => ({
  turnId: "t1",
  seq: 3,
  item: {
    type: "commandExecution",
    id: "c1",
    command: "touch /outside/x",
    cwd: "/w",
    processId: null,
    source: "agent",
    status: "completed",
    commandActions: [],
    aggregatedOutput: "",
    exitCode: 0,
    durationMs: 5,
  } as unknown as StoredItem["item"],
  ...(decision ? { decision } : {}),
});

function render(item: StoredItem): string {
  const entry = storedEntry(item);
  const host = document.createElement("div");
  const root = createRoot(host);
  act(() =>
    root.render(
      entry.item.type === "commandExecution" ? (
        <CommandCard item={entry.item} streaming={false} cutShort={false} decision={entry.decision ?? null} />
      ) : null,
    ),
  );
  const text = host.textContent ?? "";
  act(() => root.unmount());
  return text;
}

describe("a stored decision", () => {
  it("shows on the card, and nothing when the user was not asked", () => {
    expect(render(stored("approveForSession"))).toContain("You approved it for this session.");
    expect(render(stored("decline"))).toContain("You declined it.");
    const plain = render(stored());
    expect(plain).toContain("touch /outside/x");
    expect(plain).not.toContain("You ");
  });
});
