// The demo backend's account: sign-in "completes" after a short wait, API keys that start with
// "sk-" and are long enough are accepted. Same contract as the Tauri backend.
import type { AccountState } from "../generated/desk/AccountState";
import type { ErrorPayload } from "../generated/desk/ErrorPayload";
import type { Backend } from "./api";

const SIGN_IN_DELAY_MS = 1500;

/** The account half of the Backend, plus the state the demo's app state carries. */
export type FakeAccount = Pick<
  Backend,
  | "confirmAccount"
  | "signInWithChatGpt"
  | "signInWithDeviceCode"
  | "reopenSignInPage"
  | "cancelSignIn"
  | "saveApiKey"
  | "signOut"
  | "dismissAccountError"
  | "onAccountChanged"
> & { state(): AccountState };

export function createFakeAccount(): FakeAccount {
  let state: AccountState = {
    auth: { type: "signedOut" },
    provider: { id: "openai", name: "OpenAI", usesAccount: true },
    login: null,
    error: null,
    confirmed: true,
    revision: 0,
  };
  const listeners = new Set<(s: AccountState) => void>();
  let timer: ReturnType<typeof setTimeout> | null = null;

  const set = (change: Partial<AccountState>): AccountState => {
    state = { ...state, ...change, revision: state.revision + 1 };
    for (const listener of listeners) listener(state);
    return state;
  };
  const complete = () => {
    timer = setTimeout(() => {
      timer = null;
      set({ auth: { type: "chatGpt", email: "demo@example.com", plan: "plus" }, login: null, error: null });
    }, SIGN_IN_DELAY_MS);
  };
  const fail = (error: ErrorPayload): never => {
    set({ error });
    throw error;
  };

  return {
    state: () => state,
    confirmAccount: async () => state,
    async signInWithChatGpt() {
      complete();
      return set({ login: { type: "browser", authUrl: "https://auth.example/oauth/authorize?demo", openError: null }, error: null });
    },
    async signInWithDeviceCode() {
      complete();
      return set({ login: { type: "deviceCode", verificationUrl: "https://auth.example/codex/device", userCode: "DEMO-1234" }, error: null });
    },
    reopenSignInPage: async () => state,
    async cancelSignIn() {
      if (timer) clearTimeout(timer);
      timer = null;
      return set({ login: null, error: null });
    },
    async saveApiKey(key, check) {
      const trimmed = key.trim();
      if (!trimmed) return fail({ code: null, message: "Paste your API key into the field first.", detail: null });
      if (check && (!trimmed.startsWith("sk-") || trimmed.length < 20)) {
        return fail({ code: "apiKeyRejected", message: "api.openai.com refused this API key (HTTP 401). Check that you copied the whole key.", detail: null });
      }
      return set({ auth: { type: "apiKey" }, error: null, login: null });
    },
    signOut: async () => set({ auth: { type: "signedOut" }, login: null, error: null }),
    dismissAccountError: async () => set({ error: null }),
    async onAccountChanged(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
