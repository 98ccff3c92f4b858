import { memo, useMemo, type MouseEvent } from "react";
import { useController } from "../state/hooks";
import { markdownBlocks } from "./markdownBlocks";
import { copyText } from "./copy";
import { COPY_CODE, toSafeHtml } from "./safeMarkdown";

/** Safe HTML of recent texts: a card scrolled back into view is not parsed again. */
const htmlCache = new Map<string, string>();
const CACHED_TEXTS = 400;
/** A block longer than this is parsed again when shown again, not kept (400 of them could be
 * hundreds of megabytes after "Show all"). */
const LONGEST_CACHED = 64 * 1024;
/** A growing last block longer than this shows as plain text until the answer completes. */
const LONGEST_LIVE_BLOCK = 8 * 1024;

function cachedHtml(text: string): string {
  if (text.length > LONGEST_CACHED) return toSafeHtml(text);
  let html = htmlCache.get(text);
  if (html === undefined) {
    html = toSafeHtml(text);
    if (htmlCache.size >= CACHED_TEXTS) htmlCache.delete(htmlCache.keys().next().value as string);
  } else htmlCache.delete(text);
  htmlCache.set(text, html);
  return html;
}

/** Copies the code block after `button`, and says so on the button for a moment. */
function copyCode(button: Element) {
  const code = button.nextElementSibling?.textContent ?? "";
  void copyText(code).then((ok) => {
    if (!ok) return;
    button.setAttribute("data-copied", "");
    button.setAttribute("aria-label", "Copied");
    setTimeout(() => {
      button.removeAttribute("data-copied");
      button.setAttribute("aria-label", "Copy code");
    }, 1500);
  });
}

const Block = memo(function Block({ text }: { text: string }) {
  return <div className="markdown-block" dangerouslySetInnerHTML={{ __html: cachedHtml(text) }} />;
});

/**
 * Model output as Markdown. It is hostile content (a README can steer the model), so it renders
 * through a strict allow-list (see safeMarkdown.ts); a link opens in the system browser when
 * clicked, never inside the window. It renders block by block, so a streaming answer costs only
 * its growing last block per update, however long it already is.
 */
export function Markdown({ text, streaming = false }: { text: string; streaming?: boolean }) {
  const controller = useController();
  const blocks = useMemo(() => markdownBlocks(text), [text]);
  const onClick = (event: MouseEvent) => {
    const copy = (event.target as HTMLElement).closest(`button.${COPY_CODE}`);
    if (copy) {
      copyCode(copy);
      return;
    }
    const link = (event.target as HTMLElement).closest("a");
    if (!link) return;
    event.preventDefault();
    const href = link.getAttribute("href");
    if (href) void controller.openLink(href);
  };
  const last = blocks.length - 1;
  return (
    <div className="markdown" onClick={onClick}>
      {blocks.map((block, index) =>
        streaming && index === last && block.length > LONGEST_LIVE_BLOCK ? (
          <p className="markdown-live" key={index}>
            {block}
          </p>
        ) : (
          <Block key={index} text={block} />
        ),
      )}
    </div>
  );
}
