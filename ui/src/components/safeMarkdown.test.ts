// @vitest-environment jsdom
// The renderer against hostile model output, in a DOM (the real webview is checked end to end).
import { describe, expect, it } from "vitest";
import { toSafeHtml } from "./safeMarkdown";

const render = (markdown: string) => {
  const div = document.createElement("div");
  div.innerHTML = toSafeHtml(markdown);
  return div;
};

describe("safe markdown", () => {
  it("keeps text, structure, code and web links", () => {
    const div = render("# Title\n\n**bold** and `code`\n\n```sh\nrm -rf <dir>\n```\n\n- [x] done\n\n[docs](https://example.com/a)");
    expect(div.querySelector("h1")?.textContent).toBe("Title");
    expect(div.querySelector("pre code")?.textContent).toBe("rm -rf <dir>\n");
    const link = div.querySelector("a");
    expect(link?.getAttribute("href")).toBe("https://example.com/a");
    expect(link?.getAttribute("rel")).toBe("noreferrer noopener");
    const box = div.querySelector("input");
    expect(box?.getAttribute("type")).toBe("checkbox");
    expect(box?.hasAttribute("disabled")).toBe(true);
  });

  it("shows raw HTML as text and runs, styles or loads nothing", () => {
    const hostile = [
      "<style>body{display:none}</style>",
      '<form action="https://evil.example"><input name="q"><button>Go</button></form>',
      '<iframe src="https://evil.example"></iframe>',
      '<img src="x" onerror="window.pwned=1">',
      '<a href="javascript:alert(1)" onclick="alert(2)">click</a>',
      '<div style="position:fixed;inset:0" class="banner primary" id="root">cover</div>',
      "<script>window.pwned=2</script>",
      "![tracker](https://evil.example/pixel.png)",
      "[js](javascript:alert(3)) [file](file:///etc/passwd) [data](data:text/html,hi)",
    ].join("\n\n");
    const div = render(hostile);
    for (const tag of ["style", "form", "iframe", "img", "script", "button", "div"]) {
      expect(div.querySelector(tag), tag).toBeNull();
    }
    expect(div.querySelector("input")).toBeNull();
    for (const el of div.querySelectorAll("*")) {
      for (const attr of el.getAttributeNames()) {
        expect(attr.startsWith("on"), `${el.tagName} ${attr}`).toBe(false);
        expect(["style", "class", "id"]).not.toContain(attr);
      }
    }
    for (const a of div.querySelectorAll("a")) {
      const href = a.getAttribute("href");
      if (href !== null) expect(href).toMatch(/^(https?:|mailto:)/);
    }
    // What was hostile is visible as text, so the user sees what the model wrote.
    expect(div.textContent).toContain("<style>body{display:none}</style>");
    expect(div.textContent).toContain("[image: tracker]");
  });
});
