// @vitest-environment jsdom
// An approval card as the user meets it: what codex asks, why, the answers it offers as named
// buttons; a click sends that answer, and the answered card says what was decided.
import { act } from "react";
import { createRoot } from "react-dom/client";
import { afterEach, describe, expect, it } from "vitest";
import { createFakeBackend } from "../../backend/fake";
import type { ApprovalChoice } from "../../generated/desk/ApprovalChoice";
import type { ApprovalRequest } from "../../generated/desk/ApprovalRequest";
import { initialAppView } from "../../state/appState";
import { createController } from "../../state/controller";
import { AppContext } from "../../state/hooks";
import { approvalEntry, type ApprovalEntry } from "../../state/sessionView";
import { createAppStore } from "../../state/store";
import { ApprovalCard } from "./ApprovalCard";
import { formContent } from "./ElicitationForm";
import type { FormField } from "../../generated/desk/FormField";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const request: ApprovalRequest = {
  key: "0",
  kind: "command",
  turnId: "t1",
  itemId: "call_1",
  command: "/bin/bash -lc 'touch /outside/x'",
  cwd: "/work/project",
  reason: "It writes outside the workspace.",
  grantRoot: null,
  allowPrefix: ["touch", "/outside/x"],
  choices: ["approve", "allowPrefix", "decline", "cancelTurn"],
  questions: [], permissions: null, elicitation: null, network: null,
  askedAt: 1,
};

describe("ApprovalCard", () => {
  let host: HTMLElement | null = null;
  afterEach(() => host?.remove());

  async function render(entry: ApprovalEntry) {
    const answers: [string, string, ApprovalChoice][] = [];
    const sent: [string, string, Record<string, string[]>][] = [];
    const forms: Record<string, unknown>[] = [];
    const opened: string[] = [];
    const backend = {
      ...createFakeBackend(),
      answerApproval: async (s: string, k: string, c: ApprovalChoice) => void answers.push([s, k, c]),
      answerQuestions: async (s: string, k: string, a: Record<string, string[]>) => void sent.push([s, k, a]),
      // The app checks the form: two copies at most, as the server says.
      answerForm: async (_s: string, _k: string, content: Record<string, unknown>) => {
        forms.push(content);
        if ((content.copies as number) > 2) throw { code: null, message: "“Copies” takes a number from 1 to 2.", detail: null };
      },
      openLink: async (url: string) => {
        if (url.includes("refused")) throw { code: null, message: "Codex Desk opens only web and mail links", detail: null };
        opened.push(url);
      },
    };
    const store = createAppStore({ ...initialAppView, loading: false });
    const controller = createController(backend, store);
    host = document.createElement("div");
    document.body.append(host);
    const root = createRoot(host);
    await act(async () =>
      root.render(
        <AppContext.Provider value={{ store, controller, backendKind: "fake" }}>
          <ApprovalCard entry={entry} sessionId="s1" />
        </AppContext.Provider>,
      ),
    );
    return { answers, sent, forms, opened, host, root };
  }

  it("names the host a command wants to reach, and offers it once or for the session", async () => {
    // As codex asks: no command, the host and port named.
    const network: ApprovalRequest = {
      ...request,
      itemId: "network#https#pypi.org#443",
      command: null,
      cwd: null,
      reason: "pypi.org is not in the allowed_domains",
      allowPrefix: null,
      network: { host: "pypi.org", protocol: "https", port: 443 },
      choices: ["approve", "approveForSession", "decline"],
    };
    const { answers, host, root } = await render(approvalEntry(network));
    expect(host.textContent).toContain("Codex asks to let a command reach pypi.org");
    expect(host.textContent).toContain("It connects to pypi.org:443 (HTTPS).");
    expect(host.textContent).toContain("pypi.org is not in the allowed_domains");
    expect(host.querySelector("pre")).toBeNull();
    const button = [...host.querySelectorAll("button")].find((b) => b.textContent === "Approve for this session");
    await act(async () => button?.click());
    expect(answers).toEqual([["s1", "0", "approveForSession"]]);
    act(() => root.unmount());
  });

  it("offers the host from now on, allowed or blocked, as codex proposes, and says what was decided", async () => {
    const network: ApprovalRequest = {
      ...request,
      itemId: "network#local#https#pypi.org#443#9f0c",
      command: null,
      allowPrefix: null,
      network: { host: "pypi.org", protocol: "https", port: 443 },
      choices: ["approve", "approveForSession", "allowHost", "decline", "blockHost"],
    };
    const { answers, host, root } = await render(approvalEntry(network));
    const buttons = [...host.querySelectorAll("button")];
    expect(buttons.map((b) => b.textContent)).toEqual(["Approve", "Approve for this session", "Always allow pypi.org", "Decline", "Always block pypi.org"]);
    expect(buttons[2].title).toContain("after a restart too");
    expect(buttons[4].className).toContain("danger");
    await act(async () => buttons[4].click());
    expect(answers).toEqual([["s1", "0", "blockHost"]]);
    await act(async () => root.unmount());
    const blocked = await render({ ...approvalEntry(network), outcome: { by: "user", choice: "blockHost" } });
    expect(blocked.host.textContent).toContain("You blocked pypi.org from now on in this session; it did not connect.");
    await act(async () => blocked.root.unmount());
  });

  it("shows what is asked and sends the answer clicked", async () => {
    const { answers, host, root } = await render(approvalEntry(request));
    expect(host.textContent).toContain("Codex asks to run a command");
    expect(host.textContent).toContain("touch /outside/x");
    expect(host.textContent).toContain("in /work/project");
    expect(host.textContent).toContain("It writes outside the workspace.");
    expect(host.textContent).toContain("Waiting for you");
    const buttons = [...host.querySelectorAll("button")].map((b) => b.textContent);
    expect(buttons).toEqual(["Approve", "Always allow: touch /outside/x", "Decline", "Cancel turn"]);
    const decline = [...host.querySelectorAll("button")].find((b) => b.textContent === "Decline");
    await act(async () => decline?.click());
    expect(answers).toEqual([["s1", "0", "decline"]]);
    await act(async () => root.unmount());
  });

  it("asks codex's questions: options to pick, an answer of one's own (unseen when secret), Skip", async () => {
    const asking: ApprovalRequest = {
      ...request,
      key: "7",
      kind: "questions",
      command: null,
      cwd: null,
      reason: null,
      allowPrefix: null,
      choices: ["approve", "decline"],
      questions: [
        { id: "db", header: "Database", question: "Which database?", options: [{ label: "Postgres", description: "Runs everywhere" }, { label: "SQLite", description: "One file" }], other: true, secret: false },
        { id: "token", header: "Token", question: "Your deploy token?", options: [], other: false, secret: true },
      ],
    };
    const { sent, answers, host, root } = await render(approvalEntry(asking));
    expect(host.textContent).toContain("Codex asks you");
    expect(host.textContent).toContain("Which database?");
    const send = () => [...(host?.querySelectorAll("button") ?? [])].find((b) => b.textContent === "Send answers");
    expect(send()?.disabled).toBe(true);
    const sqlite = host.querySelector<HTMLInputElement>('input[type="radio"][value="SQLite"]');
    await act(async () => sqlite?.click());
    const token = host.querySelector<HTMLInputElement>('input[aria-label="Your own answer: Token"]');
    expect(token?.type).toBe("password");
    await act(async () => {
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")?.set;
      setter?.call(token, "s3cret");
      token?.dispatchEvent(new Event("input", { bubbles: true }));
    });
    await act(async () => send()?.click());
    expect(sent).toEqual([["s1", "7", { db: ["SQLite"], token: ["s3cret"] }]]);
    const skip = [...host.querySelectorAll("button")].find((b) => b.textContent === "Skip");
    await act(async () => skip?.click());
    expect(answers).toEqual([["s1", "7", "decline"]]);
    await act(async () => root.unmount());
  });

  it("shows characters that would hide what runs, and quotes a prefix as a shell reads it", async () => {
    const sneaky = { ...request, command: "rm -rf \u202Etxt.exe\u202C safe", allowPrefix: ["rm", "my file"] };
    const { host, root } = await render(approvalEntry(sneaky));
    expect(host.querySelector("pre")?.textContent).toBe("rm -rf ⟨U+202E⟩txt.exe⟨U+202C⟩ safe");
    expect(host.textContent).toContain("Always allow: rm 'my file'");
    await act(async () => root.unmount());
  });

  it("answered or withdrawn, says so and offers nothing", async () => {
    for (const [outcome, text] of [
      [{ by: "user", choice: "approveForSession" }, "You approved it for this session."],
      [{ by: "stopped" }, "Stopped before you answered"],
      [{ by: "withdrawn" }, "Codex no longer asks"],
    ] as const) {
      const { host, root } = await render({ ...approvalEntry(request), outcome });
      expect(host.textContent).toContain(text);
      expect(host.querySelectorAll("button")).toHaveLength(0);
      expect(host.textContent).not.toContain("Waiting for you");
      await act(async () => root.unmount());
      host.remove();
    }
  });

  const asked = (extra: Partial<ApprovalRequest>): ApprovalRequest => ({
    ...request,
    key: "9",
    kind: "elicitation",
    command: null,
    cwd: null,
    reason: null,
    allowPrefix: null,
    choices: ["approve", "decline"],
    ...extra,
  });
  const type = async (input: HTMLInputElement | null, text: string) =>
    act(async () => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")?.set?.call(input, text);
      input?.dispatchEvent(new Event("input", { bubbles: true }));
    });

  it("fills in an MCP server's form with the inputs its fields ask for, and shows what the app refuses", async () => {
    const form = asked({
      elicitation: {
        server: "docs",
        message: "Where should the report go?",
        ask: {
          type: "form",
          fields: [
            { name: "copies", title: "Copies", description: "", required: true, input: { type: "number", integer: true, minimum: 1, maximum: 2, default: null } },
            { name: "format", title: "Format", description: "", required: false, input: { type: "choice", options: [{ value: "pdf", label: "PDF" }, { value: "md", label: "Markdown" }], many: false, minItems: null, maxItems: null, default: [] } },
            { name: "recipient", title: "Recipient", description: "Their email", required: true, input: { type: "text", format: "email", minLength: null, maxLength: null, default: null } },
            { name: "urgent", title: "Urgent", description: "", required: false, input: { type: "boolean", default: false } },
          ],
        },
      },
    });
    const { forms, answers, host, root } = await render(approvalEntry(form));
    expect(host.textContent).toContain("docs asks you");
    expect(host.textContent).toContain("Where should the report go?");
    expect(host.querySelector<HTMLInputElement>('input[id="9:recipient"]')?.type).toBe("email");
    const copies = host.querySelector<HTMLInputElement>('input[id="9:copies"]');
    expect(copies?.type).toBe("number");
    await type(copies, "3");
    await type(host.querySelector<HTMLInputElement>('input[id="9:recipient"]'), "ada@example.com");
    await act(async () => host.querySelector<HTMLInputElement>('input[type="radio"][value="md"]')?.click());
    await act(async () => host.querySelector<HTMLInputElement>('input[type="checkbox"]')?.click());
    const send = () => [...host.querySelectorAll("button")].find((b) => b.textContent === "Send");
    await act(async () => send()?.click());
    expect(forms).toEqual([{ copies: 3, format: "md", recipient: "ada@example.com", urgent: true }]);
    expect(host.querySelector('[role="alert"]')?.textContent).toBe("“Copies” takes a number from 1 to 2.");
    expect(host.querySelector<HTMLInputElement>('input[id="9:recipient"]')?.value, "the form is kept").toBe("ada@example.com");
    await type(copies, "2");
    await act(async () => send()?.click());
    expect(forms[1]).toEqual({ copies: 2, format: "md", recipient: "ada@example.com", urgent: true });
    expect(host.querySelector('[role="alert"]')).toBeNull();
    const decline = [...host.querySelectorAll("button")].find((b) => b.textContent === "Decline");
    await act(async () => decline?.click());
    expect(answers).toEqual([["s1", "9", "decline"]]);
    await act(async () => root.unmount());
  });

  it("opens a server's page in the browser, shows a tool call's arguments, and all the access asked", async () => {
    const page = asked({ elicitation: { server: "docs", message: "Sign in to the docs", ask: { type: "url", url: "https://docs.example.com/connect" } } });
    let shown = await render(approvalEntry(page));
    expect(shown.host.textContent).toContain("docs asks you to open a page");
    expect(shown.host.querySelector("pre")?.textContent).toBe("https://docs.example.com/connect");
    const open = [...shown.host.querySelectorAll("button")].find((b) => b.textContent === "Open the page");
    await act(async () => open?.click());
    expect(shown.opened).toEqual(["https://docs.example.com/connect"]);
    expect(shown.answers).toEqual([["s1", "9", "approve"]]);
    await act(async () => shown.root.unmount());
    shown.host.remove();

    const tool = asked({
      choices: ["approve", "approveForSession", "decline"],
      elicitation: { server: "docs", message: "", ask: { type: "toolCall", tool: "write_note", arguments: '{\n  "text": "hi"\n}' } },
    });
    shown = await render(approvalEntry(tool));
    expect(shown.host.textContent).toContain("Codex asks to use write_note from docs");
    expect(shown.host.querySelector("pre")?.textContent).toContain('"text": "hi"');
    expect([...shown.host.querySelectorAll("button")].map((b) => b.textContent)).toEqual(["Approve", "Approve for this session", "Decline"]);
    await act(async () => shown.root.unmount());
    shown.host.remove();

    const access = asked({
      kind: "permissions",
      reason: "It fetches the docs.",
      choices: ["approve", "approveForSession", "decline"],
      permissions: { network: true, read: [], write: ["/data/out", "the whole file system"] },
    });
    shown = await render(approvalEntry(access));
    expect(shown.host.textContent).toContain("Codex asks for more access");
    expect(shown.host.textContent).toContain("Network access for its commands");
    expect([...shown.host.querySelectorAll(".access-list li")].map((li) => li.textContent)).toEqual(["/data/out", "the whole file system"]);
    expect(shown.host.textContent).not.toContain("Read:");
    await act(async () => shown.root.unmount());
    shown.host.remove();
    shown = await render({ ...approvalEntry(access), outcome: { by: "user", choice: "approveForSession" } });
    expect(shown.host.textContent).toContain("You gave it this access for the rest of the session.");
    await act(async () => shown.root.unmount());
  });

  it("sends an untouched yes/no only when required (unticked: no), and a page the browser did not open is not accepted", async () => {
    const yesNo = (name: string, required: boolean): FormField => ({ name, title: name, description: "", required, input: { type: "boolean", default: null } });
    expect(formContent([yesNo("optional", false), yesNo("required", true)], {})).toEqual({ required: false });
    expect(formContent([yesNo("optional", false)], { optional: true })).toEqual({ optional: true });

    const page = asked({ elicitation: { server: "docs", message: "", ask: { type: "url", url: "https://refused.example/" } } });
    const { answers, host, root } = await render(approvalEntry(page));
    const open = [...host.querySelectorAll("button")].find((b) => b.textContent === "Open the page");
    await act(async () => open?.click());
    expect(answers).toEqual([]);
    expect(host.textContent).toContain("Waiting for you");
    await act(async () => root.unmount());
  });

  it("keeps what was typed while the card is scrolled out of the list, until it is answered", async () => {
    const form = asked({
      key: "drafted",
      elicitation: {
        server: "docs",
        message: "Your name?",
        ask: { type: "form", fields: [{ name: "name", title: "Name", description: "", required: true, input: { type: "text", format: null, minLength: null, maxLength: null, default: null } }] },
      },
    });
    const input = (host: HTMLElement) => host.querySelector<HTMLInputElement>('input[id="drafted:name"]');
    let shown = await render(approvalEntry(form));
    await type(input(shown.host), "Ada");
    // Unmounted (scrolled away), then shown again: still there.
    await act(async () => shown.root.unmount());
    shown.host.remove();
    shown = await render(approvalEntry(form));
    expect(input(shown.host)?.value).toBe("Ada");
    await act(async () => shown.root.unmount());
    shown.host.remove();
    // Answered: the draft goes with it.
    shown = await render({ ...approvalEntry(form), outcome: { by: "user", choice: "decline" } });
    await act(async () => shown.root.unmount());
    shown.host.remove();
    shown = await render(approvalEntry(form));
    expect(input(shown.host)?.value).toBe("");
    await act(async () => shown.root.unmount());
  });
});
