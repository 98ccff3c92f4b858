// Model output → HTML that can only be text, structure and links: raw HTML in the Markdown is
// shown as the text it is, and DOMPurify keeps only an allow-list as a second line. No styles,
// ids, forms, frames, images, scripts or handlers; no classes but highlight.js's on spans in
// code; links only to http(s) and mailto. The app adds a copy button to each code block.
import DOMPurify from "dompurify";
import { Marked } from "marked";
import { highlighted } from "./highlight";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const markdown = new Marked({
  async: false,
  gfm: true,
  breaks: false,
  renderer: {
    // Raw HTML the model wrote is shown, not run.
    html: ({ text }) => escapeHtml(text),
    // Images would load from anywhere: their description is shown instead.
    image: ({ text, href }) => escapeHtml(text ? `[image: ${text}]` : `[image: ${href}]`),
    // A fenced block in a language it knows is coloured (spans with highlight.js's classes only).
    code: ({ text, lang }) => {
      const code = `${text.replace(/\n$/, "")}\n`;
      return `<pre><code>${highlighted(code, lang) ?? escapeHtml(code)}</code></pre>\n`;
    },
  },
});

export const ALLOWED_TAGS = [
  "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "del", "s",
  "code", "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
  "input", // GFM task-list checkboxes only; see the hook below
  "span", // highlighted code only, with highlight.js's classes and nothing else
];
const ALLOWED_ATTR = ["href", "title", "colspan", "rowspan", "start", "type", "checked", "disabled", "class"];
/** The classes highlight.js gives (`hljs-keyword`, `hljs-built_in`, `hljs-title function_`):
 * colours only. */
const HIGHLIGHT_CLASS = /^(?:hljs-[a-z_-]+|[a-z]+_)(?: (?:hljs-[a-z_-]+|[a-z]+_))*$/;
const SAFE_URL = /^(?:https?:|mailto:)/i;

let hooked = false;
function installHooks() {
  if (hooked) return;
  hooked = true;
  DOMPurify.addHook("uponSanitizeElement", (node, data) => {
    // An input survives only as a disabled task-list checkbox.
    if (data.tagName === "input") {
      const el = node as Element;
      if (el.getAttribute("type") !== "checkbox") el.remove();
      else el.setAttribute("disabled", "");
    }
  });
  DOMPurify.addHook("uponSanitizeAttribute", (node, data) => {
    // A class survives only as highlight.js's, on a span inside code.
    if (data.attrName === "class" && !(node.nodeName === "SPAN" && node.closest("pre") && HIGHLIGHT_CLASS.test(data.attrValue))) {
      data.keepAttr = false;
    }
  });
  DOMPurify.addHook("afterSanitizeAttributes", (node) => {
    if (node.nodeName === "INPUT") {
      // Only task-list checkboxes got here; DOMPurify drops their type.
      node.setAttribute("type", "checkbox");
      node.setAttribute("disabled", "");
    }
    if (node.nodeName === "A") {
      const href = node.getAttribute("href") ?? "";
      if (!SAFE_URL.test(href)) {
        node.removeAttribute("href");
        node.removeAttribute("title");
      } else node.setAttribute("title", `Opens in your browser: ${href}`);
      node.setAttribute("rel", "noreferrer noopener");
    }
  });
}

export function toSafeHtml(text: string): string {
  // Without a DOM (server rendering in tests) DOMPurify cannot sanitize: show plain text.
  if (typeof DOMPurify.sanitize !== "function") return `<p>${escapeHtml(text)}</p>`;
  installHooks();
  const html = markdown.parse(text) as string;
  const safe = DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP: SAFE_URL,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    KEEP_CONTENT: true,
    RETURN_DOM_FRAGMENT: true,
  });
  withCopyButtons(safe);
  const holder = document.createElement("div");
  holder.append(safe);
  return holder.innerHTML;
}

/** The class of the app's own copy button on each code block. */
export const COPY_CODE = "copy-code";

/** Puts the app's own copy button before each code block, as elements (never by editing the
 * HTML as text: the model's attribute values may hold anything). */
function withCopyButtons(fragment: DocumentFragment) {
  for (const pre of fragment.querySelectorAll("pre")) {
    const block = document.createElement("div");
    block.className = "code-block";
    const button = document.createElement("button");
    button.type = "button";
    button.className = COPY_CODE;
    button.setAttribute("aria-label", "Copy code");
    button.title = "Copy code";
    pre.replaceWith(block);
    block.append(button, pre);
  }
}
