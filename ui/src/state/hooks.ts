// React bindings: the store and controller come from context; components select what they need.
import { createContext, useContext, useSyncExternalStore } from "react";
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

export function useController(): Controller {
  return useAppContext().controller;
}

export function useBackendKind(): "tauri" | "fake" {
  return useAppContext().backendKind;
}
