import type { ReactNode } from "react";

export type CardKind = "userMessage" | "agentMessage" | "commandExecution" | "fileChange" | "reasoning" | "error" | "notice" | string;

interface CardProps {
  kind: CardKind;
  itemId: string;
  label: string;
  busy?: boolean;
  className?: string;
  children: ReactNode;
}

/** The frame every transcript card shares, with its test hooks. */
export function Card({ kind, itemId, label, busy, className, children }: CardProps) {
  return (
    <article
      className={`card card-${kind}${className ? ` ${className}` : ""}`}
      data-kind={kind}
      data-item-id={itemId}
      aria-label={label}
      aria-busy={busy ? true : undefined}
    >
      {children}
    </article>
  );
}
