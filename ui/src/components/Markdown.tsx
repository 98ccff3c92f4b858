import DOMPurify from "dompurify";
import { marked } from "marked";
import { useMemo, type MouseEvent } from "react";

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function toSafeHtml(text: string): string {
  // Without a DOM (server rendering in tests) DOMPurify cannot sanitize: show plain text.
  if (typeof DOMPurify.sanitize !== "function") return `<p>${escapeHtml(text)}</p>`;
  const html = marked.parse(text, { async: false, gfm: true, breaks: false });
  return DOMPurify.sanitize(html);
}

// Links must not navigate the app's own window away.
function keepWindow(event: MouseEvent) {
  if ((event.target as HTMLElement).closest("a")) event.preventDefault();
}

/** Agent markdown, sanitized. Code blocks render in monospace via CSS. */
export function Markdown({ text }: { text: string }) {
  const html = useMemo(() => toSafeHtml(text), [text]);
  return <div className="markdown" onClick={keepWindow} dangerouslySetInnerHTML={{ __html: html }} />;
}
