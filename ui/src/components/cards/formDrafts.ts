import { useCallback, useState } from "react";

/**
 * What was filled into a card's form while it waits: kept when the card leaves the screen (the
 * transcript keeps only the cards in view, so a card scrolled away is unmounted) and dropped
 * once the card is answered.
 */
const drafts = new Map<string, unknown>();

/** State like `useState`, kept under `key` across the card's unmounting. */
export function useDraft<T>(key: string, initial: () => T): [T, (update: (value: T) => T) => void] {
  const [value, setValue] = useState<T>(() => (drafts.has(key) ? (drafts.get(key) as T) : initial()));
  const update = useCallback(
    (change: (value: T) => T) =>
      setValue((current) => {
        const next = change(current);
        drafts.set(key, next);
        return next;
      }),
    [key],
  );
  return [value, update];
}

/** Drops the drafts of a card (every key starting with `prefix`). */
export function forgetDrafts(prefix: string): void {
  for (const key of [...drafts.keys()]) if (key.startsWith(prefix)) drafts.delete(key);
}
