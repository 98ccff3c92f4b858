// The interface the UI uses to reach the backend. Two implementations: the Tauri one
// (tauri.ts) and an in-memory fake for a plain browser (fake.ts).
import type { AppState } from "../generated/desk/AppState";
import type { EventBatch } from "../generated/desk/EventBatch";
import type { SessionInfo } from "../generated/desk/SessionInfo";
import type { Transcript } from "../generated/desk/Transcript";

export interface Backend {
  /** "tauri" or "fake": the status bar says when the UI runs against the demo backend. */
  readonly kind: "tauri" | "fake";
  appState(): Promise<AppState>;
  createSession(workspace: string): Promise<SessionInfo>;
  openSession(sessionId: string): Promise<Transcript>;
  /** Starts the live stream of a session. Call before openSession so nothing is missed. */
  subscribe(sessionId: string, onBatch: (batch: EventBatch) => void): Promise<void>;
  sendPrompt(sessionId: string, text: string): Promise<void>;
  interrupt(sessionId: string): Promise<void>;
  /** Asks the user for a folder; null when they cancel. */
  pickFolder(): Promise<string | null>;
}

