// React's development warnings (duplicate keys, updates outside act, bad nesting) point at
// bugs a user would see as repeated or missing cards; a test that provokes one fails.
import { afterEach, beforeEach, vi } from "vitest";

const REACT_WARNING = /Encountered two children with the same key|Each child in a list should have a unique "key"|not wrapped in act|validateDOMNesting|cannot be a child of|cannot contain a nested/;

let warnings: string[] = [];

beforeEach(() => {
  warnings = [];
  const original = console.error;
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    const text = args.map(String).join(" ");
    if (REACT_WARNING.test(text)) warnings.push(text);
    else original(...args);
  });
});

afterEach(() => {
  vi.mocked(console.error).mockRestore();
  if (warnings.length > 0) throw new Error(`React warned:\n${warnings.join("\n")}`);
});
