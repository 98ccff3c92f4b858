// @vitest-environment jsdom
// The session's options as the user changes them: each change goes to the core whole, the
// model list is asked for only when the user opens it, and what cannot work is explained.
import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, describe, expect, it } from "vitest";
import { createFakeBackend } from "../backend/fake";
import type { ModelList } from "../generated/desk/ModelList";
import type { SessionOptions } from "../generated/desk/SessionOptions";
import { initialAppView } from "../state/appState";
import { createController } from "../state/controller";
import { AppContext } from "../state/hooks";
import { defaultSessionOptions } from "../state/sessionView";
import { createAppStore } from "../state/store";
import { SessionOptionsBar } from "./SessionOptionsBar";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const models: ModelList = {
  models: [
    { id: "plain", name: "Plain", description: "", efforts: [], defaultEffort: null },
    {
      id: "deep",
      name: "Deep",
      description: "",
      efforts: [
        { effort: "low", description: "Quick" },
        { effort: "high", description: "Thorough" },
      ],
      defaultEffort: "low",
    },
  ],
  current: "plain",
  currentEffort: null,
};

describe("SessionOptionsBar", () => {
  let host: HTMLElement | null = null;
  let root: Root | null = null;
  afterEach(() => {
    act(() => root?.unmount());
    host?.remove();
  });

  async function render(options: SessionOptions, refuse = false) {
    const saved: SessionOptions[] = [];
    let asked = 0;
    const backend = {
      ...createFakeBackend(),
      subscribe: async () => {},
      setSessionOptions: async (_: string, next: SessionOptions) => {
        if (refuse) throw { code: null, message: "Network access needs the workspace-write sandbox.", detail: null };
        saved.push(next);
        return next;
      },
      pickFolder: async () => "/picked/folder",
      listModels: async () => {
        asked += 1;
        return models;
      },
    };
    const controller = createController(backend, createAppStore({ ...initialAppView, loading: false }));
    host = document.createElement("div");
    document.body.append(host);
    root = createRoot(host);
    const draw = async (next: SessionOptions) =>
      act(async () =>
        root?.render(
          <AppContext.Provider value={{ store: createAppStore(initialAppView), controller, backendKind: "fake" }}>
            <SessionOptionsBar sessionId="s1" options={next} running={false} loaded />
          </AppContext.Provider>,
        ),
      );
    await draw(options);
    return { saved, asks: () => asked, host, draw };
  }

  const pick = async (select: HTMLSelectElement | null | undefined, value: string) => {
    await act(async () => {
      if (!select) throw new Error("no such select");
      select.value = value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    });
  };

  it("changes the sandbox and approvals, and network only where it can work", async () => {
    const { saved, host, asks } = await render(defaultSessionOptions);
    const network = host.querySelector<HTMLInputElement>('input[aria-label="Network access"]');
    expect(network?.disabled).toBe(false);
    await act(async () => network?.click());
    expect(saved.at(-1)).toMatchObject({ sandbox: "workspaceWrite", network: true });

    await pick(host.querySelector<HTMLSelectElement>('select[aria-label="Sandbox"]'), "readOnly");
    // Read-only has no network: switching to it turns network access off with it.
    expect(saved.at(-1)).toMatchObject({ sandbox: "readOnly", network: false });
    // Never asking while read-only gives codex no more power: no question first.
    await pick(host.querySelector<HTMLSelectElement>('select[aria-label="Approvals"]'), "never");
    expect(saved.at(-1)).toMatchObject({ sandbox: "readOnly", approvals: "never" });
    await pick(host.querySelector<HTMLSelectElement>('select[aria-label="Sandbox"]'), "workspaceWrite");
    // Workspace write without asking does: it waits for a yes.
    expect(saved.at(-1)).toMatchObject({ sandbox: "readOnly" });
    expect(host.querySelector('[role="alertdialog"]')?.textContent).toContain("Apply this");
    expect(asks()).toBe(0);
  });

  it("asks codex for its models only when the user opens the choice, and picks the model's effort", async () => {
    const { saved, host, asks } = await render(defaultSessionOptions);
    const button = host.querySelector<HTMLButtonElement>('button[aria-label^="Model"]');
    expect(button?.textContent).toContain("Codex's default model");
    await act(async () => button?.click());
    expect(asks()).toBe(1);
    expect(button?.textContent).toContain("Plain");
    await pick(host.querySelector<HTMLSelectElement>('select[aria-label="Model choice"]'), "deep");
    expect(saved.at(-1)).toMatchObject({ model: "deep", effort: "low" });
  });

  it("offers the efforts of the chosen model", async () => {
    const { saved, host } = await render({ ...defaultSessionOptions, model: "deep", effort: "low" });
    await act(async () => host.querySelector<HTMLButtonElement>('button[aria-label^="Model"]')?.click());
    const efforts = host.querySelector<HTMLSelectElement>('select[aria-label="Reasoning effort"]');
    expect([...(efforts?.options ?? [])].map((o) => o.value)).toEqual(["low", "high"]);
    await pick(efforts, "high");
    expect(saved.at(-1)).toMatchObject({ model: "deep", effort: "high" });
  });

  it("asks before giving codex full access, and warns while it has it", async () => {
    const { saved, host, draw } = await render(defaultSessionOptions);
    await pick(host.querySelector<HTMLSelectElement>('select[aria-label="Sandbox"]'), "fullAccess");
    expect(saved).toEqual([]);
    const confirm = host.querySelector('[role="alertdialog"]');
    expect(confirm?.textContent).toContain("all your rights");
    const cancel = [...(confirm?.querySelectorAll("button") ?? [])].find((b) => b.textContent === "Cancel");
    await act(async () => cancel?.click());
    expect(saved).toEqual([]);
    expect(host.querySelector('[role="alertdialog"]')).toBeNull();

    await pick(host.querySelector<HTMLSelectElement>('select[aria-label="Sandbox"]'), "fullAccess");
    const give = [...(host.querySelector('[role="alertdialog"]')?.querySelectorAll("button") ?? [])].find((b) => b.textContent === "Give full access");
    await act(async () => give?.click());
    expect(saved.at(-1)).toMatchObject({ sandbox: "fullAccess" });
    await draw({ ...defaultSessionOptions, sandbox: "fullAccess", approvals: "never" });
    expect(host.querySelector(".options-warning")?.textContent).toContain("without telling you");
  });

  it("shows a refusal where the user looks, and the stored options again", async () => {
    const { host } = await render(defaultSessionOptions, true);
    await act(async () => host.querySelector<HTMLInputElement>('input[aria-label="Network access"]')?.click());
    expect(host.querySelector('[role="alert"]')?.textContent).toContain("Network access needs");
    expect(host.querySelector<HTMLInputElement>('input[aria-label="Network access"]')?.checked).toBe(false);
  });

  it("adds and removes folders codex may write besides the workspace", async () => {
    const { saved, host, draw } = await render(defaultSessionOptions);
    const chip = [...host.querySelectorAll("button")].find((b) => b.textContent?.startsWith("Other folders"));
    expect(chip?.textContent).toContain("none");
    await act(async () => chip?.click());
    const add = [...host.querySelectorAll("button")].find((b) => b.textContent === "Add folder…");
    await act(async () => add?.click());
    expect(saved.at(-1)?.writableFolders).toEqual(["/picked/folder"]);
    await draw({ ...defaultSessionOptions, writableFolders: ["/picked/folder"] });
    await act(async () => host.querySelector<HTMLButtonElement>('button[aria-label="Stop letting codex write /picked/folder"]')?.click());
    expect(saved.at(-1)?.writableFolders).toEqual([]);
  });

  it("turns the session's own Python environment on, saying so while it is made", async () => {
    const { saved, host, draw } = await render(defaultSessionOptions);
    const venv = () => host.querySelector<HTMLInputElement>('input[aria-label="Own Python environment"]');
    expect(venv()?.checked).toBe(false);
    await act(async () => venv()?.click());
    expect(saved.at(-1)).toMatchObject({ pythonVenv: true, sandbox: "workspaceWrite" });
    expect(host.textContent).toContain("Making the Python environment…");
    expect(venv()?.disabled).toBe(true);
    await draw({ ...defaultSessionOptions, pythonVenv: true });
    expect(host.textContent).not.toContain("Making the Python environment…");
    expect(venv()?.checked).toBe(true);
    await act(async () => venv()?.click());
    expect(saved.at(-1)?.pythonVenv).toBe(false);
  });

  it("takes an answer schema from the editor, and goes back to free text", async () => {
    const { saved, host, draw } = await render(defaultSessionOptions);
    const chip = () => [...host.querySelectorAll<HTMLButtonElement>("button.chip")].find((b) => b.textContent?.startsWith("Answers:"));
    expect(chip()?.textContent).toContain("Answers: free text");
    await act(async () => chip()?.click());
    const box = host.querySelector<HTMLTextAreaElement>('textarea[aria-label="Answer schema"]');
    const schema = '{"type": "object", "properties": {"summary": {"type": "string"}}}';
    await act(async () => {
      const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value")?.set;
      setter?.call(box, schema);
      box?.dispatchEvent(new Event("input", { bubbles: true }));
    });
    const button = (label: string) => [...host.querySelectorAll<HTMLButtonElement>("button")].find((b) => b.textContent === label);
    await act(async () => button("Use this schema")?.click());
    expect(saved.at(-1)?.outputSchema).toBe(schema);
    expect(host.querySelector('textarea[aria-label="Answer schema"]')).toBeNull();
    await draw({ ...defaultSessionOptions, outputSchema: schema });
    expect(chip()?.textContent).toContain("Answers: JSON schema");
    await act(async () => chip()?.click());
    expect(host.querySelector<HTMLTextAreaElement>('textarea[aria-label="Answer schema"]')?.value).toBe(schema);
    await act(async () => button("Back to free text")?.click());
    expect(saved.at(-1)?.outputSchema).toBeNull();
  });

  it("picks web search, or leaves it to the user's codex configuration", async () => {
    const { saved, host } = await render(defaultSessionOptions);
    const select = () => host.querySelector<HTMLSelectElement>('select[aria-label="Web search"]');
    expect(select()?.value).toBe("");
    await pick(select(), "live");
    expect(saved.at(-1)?.webSearch).toBe("live");
    await pick(select(), "");
    expect(saved.at(-1)?.webSearch).toBeNull();
  });

  it("sets and removes the session's variables, values typed unseen", async () => {
    const { host, draw } = await render(defaultSessionOptions);
    const chip = [...host.querySelectorAll<HTMLButtonElement>("button.chip")].find((b) => b.textContent?.startsWith("Environment"));
    expect(chip?.textContent).toContain("Environment: none");
    await act(async () => chip?.click());
    const value = host.querySelector<HTMLInputElement>('input[aria-label="Variable value"]');
    expect(value?.type).toBe("password");
    await draw({ ...defaultSessionOptions, env: ["API_TOKEN"] });
    expect(host.querySelector('[aria-label="Environment variables"]')?.textContent).toContain("API_TOKEN");
    expect(host.querySelector('button[aria-label="Remove API_TOKEN"]')).not.toBeNull();
  });
});
