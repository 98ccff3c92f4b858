// Answers that are JSON read indented; anything else is left to Markdown.
import { describe, expect, it } from "vitest";
import { prettyJson } from "./format";

describe("prettyJson", () => {
  it("indents a whole answer that is a JSON object or array", () => {
    expect(prettyJson('  {"answer": "42", "sure": true}\n')).toBe('{\n  "answer": "42",\n  "sure": true\n}');
    expect(prettyJson("[1,2]")).toBe("[\n  1,\n  2\n]");
  });

  it("leaves prose, code and broken JSON alone", () => {
    for (const text of ["Done. {\"a\": 1}", "{ not json }", "42", '"text"', "```json\n{}\n```", ""]) {
      expect(prettyJson(text)).toBeNull();
    }
  });

  it("shows JSON that reading would change as it was written", () => {
    for (const text of ['{"id": 12345678901234567890}', '{"x": 1.0}', '{"a": 1, "a": 2}', '{"b": 1, "2": 0}']) {
      expect(prettyJson(text)).toBe(text);
    }
    // Escapes in strings are not layout.
    expect(prettyJson('{"path": "C:\\\\dir", "q": "say \\"hi\\""}')).toBe('{\n  "path": "C:\\\\dir",\n  "q": "say \\"hi\\""\n}');
  });

  it("keeps markup inside JSON as text", () => {
    expect(prettyJson('{"html": "<img src=x onerror=alert(1)>"}')).toContain("<img src=x onerror=alert(1)>");
  });
});
