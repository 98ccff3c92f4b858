import { describe, expect, it } from "vitest";
import { markdownBlocks } from "./markdownBlocks";

describe("markdownBlocks", () => {
  it("splits paragraphs and keeps the text exactly", () => {
    const text = "# Title\n\nOne.\nStill one.\n\nTwo.\n";
    const blocks = markdownBlocks(text);
    expect(blocks).toEqual(["# Title\n\n", "One.\nStill one.\n\n", "Two.\n"]);
    expect(blocks.join("")).toBe(text);
  });

  it("keeps fenced code with blank lines whole, and an unclosed fence open to the end", () => {
    const text = "Before.\n\n```ts\nconst a = 1;\n\nconst b = 2;\n```\n\nAfter.\n\n~~~\nopen\n\nstill";
    expect(markdownBlocks(text)).toEqual(["Before.\n\n", "```ts\nconst a = 1;\n\nconst b = 2;\n```\n\n", "After.\n\n", "~~~\nopen\n\nstill"]);
  });

  it("does not split a list item continued after a blank line", () => {
    const text = "- one\n\n  more of one\n- two\n\n> quote\n\nEnd";
    expect(markdownBlocks(text)).toEqual(["- one\n\n  more of one\n- two\n\n", "> quote\n\n", "End"]);
  });

  it("returns nothing for nothing", () => {
    expect(markdownBlocks("")).toEqual([]);
  });
});
