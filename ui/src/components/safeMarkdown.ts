// Model output → HTML that can only be text, structure and links: raw HTML in the Markdown is
// shown as the text it is, and DOMPurify keeps only an allow-list as a second line. No styles,
// classes, ids, forms, frames, images, scripts or handlers; links only to http(s) and mailto.
import DOMPurify from "dompurify";
import { Marked } from "marked";

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
  },
});

export const ALLOWED_TAGS = [
  "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "del", "s",
  "code", "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
  "input", // GFM task-list checkboxes only; see the hook below
];
const ALLOWED_ATTR = ["href", "title", "colspan", "rowspan", "start", "type", "checked", "disabled"];
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
  DOMPurify.addHook("afterSanitizeAttributes", (node) => {
    if (node.nodeName === "INPUT") {
      // Only task-list checkboxes got here; DOMPurify drops their type.
      node.setAttribute("type", "checkbox");
      node.setAttribute("disabled", "");
    }
    if (node.nodeName === "A") {
      const href = node.getAttribute("href") ?? "";
      if (!SAFE_URL.test(href)) node.removeAttribute("href");
      else node.setAttribute("title", `Opens in your browser: ${href}`);
      node.setAttribute("rel", "noreferrer noopener");
    }
  });
}

export function toSafeHtml(text: string): string {
  // Without a DOM (server rendering in tests) DOMPurify cannot sanitize: show plain text.
  if (typeof DOMPurify.sanitize !== "function") return `<p>${escapeHtml(text)}</p>`;
  installHooks();
  const html = markdown.parse(text) as string;
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP: SAFE_URL,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    KEEP_CONTENT: true,
  });
}
