// The app store: holds AppView, applies actions through the pure reducer, and publishes
// snapshots to React (useSyncExternalStore) at most every ~50 ms while events stream.
import { perfNote } from "../perf";
import { initialAppView, reduceApp, type AppAction, type AppView } from "./appState";

export const RENDER_INTERVAL_MS = 50;

export interface AppStore {
  getSnapshot(): AppView;
  subscribe(listener: () => void): () => void;
  /** Applies an action and publishes now (user actions). */
  dispatch(action: AppAction): void;
  /** Applies an action and publishes within RENDER_INTERVAL_MS (streaming). */
  dispatchThrottled(action: AppAction): void;
}

export function createAppStore(initial: AppView = initialAppView): AppStore {
  let working = initial;
  let published = initial;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastPublish = 0;
  const listeners = new Set<() => void>();

  const publish = () => {
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    lastPublish = Date.now();
    if (published === working) return;
    published = working;
    perfNote("publish", listeners.size);
    for (const listener of listeners) listener();
    perfNote("published", listeners.size);
  };

  return {
    getSnapshot: () => published,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispatch(action) {
      working = reduceApp(working, action);
      publish();
    },
    dispatchThrottled(action) {
      working = reduceApp(working, action);
      if (timer !== null) return;
      const wait = Math.max(0, RENDER_INTERVAL_MS - (Date.now() - lastPublish));
      timer = setTimeout(publish, wait);
    },
  };
}
