// React bindings: the store and controller come from context; components select what they need.
import { createContext, useContext, useMemo, useSyncExternalStore } from "react";
import type { AppView } from "./appState";
import type { Controller } from "./controller";
import type { AppStore } from "./store";

export interface AppContextValue {
  store: AppStore;
  controller: Controller;
  backendKind: "tauri" | "fake";
}

export const AppContext = createContext<AppContextValue | null>(null);

function useAppContext(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error("AppContext is missing");
  return value;
}

export function useAppView(): AppView {
  const { store } = useAppContext();
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}

/**
 * A part of the app state: the component re-renders only when `select`'s result changes by
 * `equal`. `select` and `equal` must be stable (module-level functions).
 */
export function useAppSelector<T>(select: (app: AppView) => T, equal: (a: T, b: T) => boolean = Object.is): T {
  const { store } = useAppContext();
  const read = useMemo(() => selectedReader(store, select, equal), [store, select, equal]);
  return useSyncExternalStore(store.subscribe, read, read);
}

/** Reads `select(snapshot)`, keeping the previous result while it is `equal` to the new one. */
function selectedReader<T>(store: AppStore, select: (app: AppView) => T, equal: (a: T, b: T) => boolean): () => T {
  let seen: AppView | null = null;
  let selected: T;
  return () => {
    const app = store.getSnapshot();
    if (app !== seen) {
      const next = select(app);
      if (seen === null || !equal(selected, next)) selected = next;
      seen = app;
    }
    return selected;
  };
}

/** Equal when both have the same keys with identical values (one level deep). */
export function shallowEqual<T extends object>(a: T, b: T): boolean {
  if (a === b) return true;
  const keys = Object.keys(a) as (keyof T)[];
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.is(a[key], b[key]));
}

export function useController(): Controller {
  return useAppContext().controller;
}

export function useBackendKind(): "tauri" | "fake" {
  return useAppContext().backendKind;
}
