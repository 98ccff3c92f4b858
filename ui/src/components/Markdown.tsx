import { useMemo, type MouseEvent } from "react";
import { useController } from "../state/hooks";
import { toSafeHtml } from "./safeMarkdown";

/**
 * Model output as Markdown. It is hostile content (a README can steer the model), so it renders
 * through a strict allow-list (see safeMarkdown.ts); a link opens in the system browser when
 * clicked, never inside the window.
 */
export function Markdown({ text }: { text: string }) {
  const controller = useController();
  const html = useMemo(() => toSafeHtml(text), [text]);
  const onClick = (event: MouseEvent) => {
    const link = (event.target as HTMLElement).closest("a");
    if (!link) return;
    event.preventDefault();
    const href = link.getAttribute("href");
    if (href) void controller.openLink(href);
  };
  return <div className="markdown" onClick={onClick} dangerouslySetInnerHTML={{ __html: html }} />;
}
