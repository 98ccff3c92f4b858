import { Channel, invoke } from "@tauri-apps/api/core";
import { open } from "@tauri-apps/plugin-dialog";
import type { AppState } from "../generated/desk/AppState";
import type { EventBatch } from "../generated/desk/EventBatch";
import type { SessionInfo } from "../generated/desk/SessionInfo";
import type { Transcript } from "../generated/desk/Transcript";
import type { Backend } from "./api";
import { normalized } from "./errors";

/** The real backend: Tauri commands of the Rust app. */
export function createTauriBackend(): Backend {
  return {
    kind: "tauri",
    appState: () => normalized(invoke<AppState>("app_state")),
    createSession: (workspace) => normalized(invoke<SessionInfo>("create_session", { workspace })),
    openSession: (sessionId) => normalized(invoke<Transcript>("open_session", { sessionId })),
    subscribe: (sessionId, onBatch) => {
      const channel = new Channel<EventBatch>();
      channel.onmessage = onBatch;
      return normalized(invoke<void>("subscribe", { sessionId, onBatch: channel }));
    },
    sendPrompt: (sessionId, text) => normalized(invoke<void>("send_prompt", { sessionId, text })),
    interrupt: (sessionId) => normalized(invoke<void>("interrupt", { sessionId })),
    pickFolder: async () => {
      const picked = await normalized(open({ directory: true, multiple: false }));
      return typeof picked === "string" ? picked : null;
    },
  };
}
