// End to end: the built app in a real window (Xvfb), driven through tauri-driver and
// WebKitWebDriver, with the real codex against the mock model. Run by scripts/test-all.sh
// inside `dbus-run-session -- xvfb-run`; needs `tauri build --debug --no-bundle` first.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import net from "node:net";
import readline from "node:readline";
import { WebDriver } from "./webdriver.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const target = process.env.CARGO_TARGET_DIR ?? path.join(root, "target");
const app = path.join(target, "debug", process.platform === "win32" ? "codex-desk.exe" : "codex-desk");
const mockBin = path.join(target, "debug", "mock-model");
const artifacts = path.join(root, "tests/e2e/artifacts");
// Not under /tmp: codex refuses to set up its sandbox helpers in the temp dir.
const work = fs.mkdtempSync(path.join(root, "target", "e2e-"));
const workspace = path.join(work, "workspace");
const browserLog = path.join(work, "browser.log");
const children = [];

function waitForPort(port, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.end();
        resolve();
      });
      socket.once("error", () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`port ${port} did not open`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

function tauriDriver() {
  const home = process.env.HOME ?? "/root";
  const candidates = [process.env.TAURI_DRIVER, path.join(home, ".cargo/bin/tauri-driver")].filter(Boolean);
  return candidates.find((c) => fs.existsSync(c)) ?? "tauri-driver";
}

let env;

before(async () => {
  assert.ok(fs.existsSync(app), `build the app first: ${app}`);
  fs.mkdirSync(workspace, { recursive: true });
  // The workspace is a git repository of its own (the workspace panel shows its state).
  execFileSync("git", ["init", "-q", "-b", "desk-e2e", workspace], { env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null" } });
  fs.writeFileSync(path.join(workspace, "notes.txt"), "not committed\n");
  fs.mkdirSync(artifacts, { recursive: true });
  const codex = execFileSync("node", [path.join(root, "scripts/codex-path.mjs")], { cwd: root }).toString().trim();

  // The mock of the OpenAI services writes a codex home (our stand-in for the user's ~/.codex)
  // pointing at itself; its model answers only requests carrying a token its issuer handed out.
  const mock = spawn(mockBin, ["--codex-home", path.join(work, "user-codex-home"), "--require-sign-in"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(mock);
  const port = await new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: mock.stdout });
    lines.on("line", (l) => l.startsWith("PORT=") && resolve(Number(l.slice(5))));
    mock.once("exit", (code) => reject(new Error(`mock-model exited with ${code}`)));
  });
  assert.ok(port > 0);

  env = {
    ...process.env,
    CODEX_DESK_DATA_DIR: path.join(work, "data"),
    CODEX_HOME: path.join(work, "user-codex-home"),
    CODEX_DESK_CODEX: codex,
    XDG_DATA_HOME: path.join(work, "xdg-data"),
    XDG_CONFIG_HOME: path.join(work, "xdg-config"),
    XDG_CACHE_HOME: path.join(work, "xdg-cache"),
    NO_AT_BRIDGE: "1",
    NO_PROXY: "127.0.0.1,localhost",
    // Sign-in goes to the mock issuer, and the "system browser" is our xdg-open stand-in.
    CODEX_APP_SERVER_LOGIN_ISSUER: `http://127.0.0.1:${port}`,
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: `http://127.0.0.1:${port}/oauth/token`,
    CODEX_REVOKE_TOKEN_URL_OVERRIDE: `http://127.0.0.1:${port}/oauth/revoke`,
    CODEX_DESK_E2E_BROWSER_LOG: browserLog,
    PATH: `${path.join(root, "tests/e2e/bin")}${path.delimiter}${process.env.PATH}`,
  };
  const driver = spawn(tauriDriver(), [], { env, stdio: ["ignore", "inherit", "inherit"] });
  children.push(driver);
  await waitForPort(4444);
});

after(() => {
  // SIGTERM, never SIGKILL: tauri-driver must stop its WebKitWebDriver child.
  for (const child of children.reverse()) child.kill("SIGTERM");
});

async function launch() {
  const wd = new WebDriver();
  await wd.start(app);
  return wd;
}

/** Runs `steps`; on failure saves what the window showed, then rethrows. */
async function withWindow(name, steps) {
  const wd = await launch();
  try {
    await steps(wd);
  } catch (e) {
    const shot = await wd.screenshot().catch(() => null);
    if (shot) fs.writeFileSync(path.join(artifacts, `${name}-failure.png`), shot);
    const html = await wd.script("return document.body.innerHTML").catch(() => "");
    fs.writeFileSync(path.join(artifacts, `${name}-failure.html`), String(html));
    throw e;
  } finally {
    await wd.quit();
  }
}

test("signed in with ChatGPT, a prompt streams a reply and a command card, and both survive a restart", async () => {
  await withWindow("first-run", async (wd) => {
    // A new user is not signed in: the account area says so and offers Sign in.
    await wd.element('[data-testid="account-label"]', { contains: "Not signed in" });
    // The empty window says to sign in first, before a first message fails.
    await wd.element('[aria-label="Not signed in"] button', { contains: "Sign in" });
    await wd.click(await wd.element(".account-area button", { contains: "Sign in" }));
    const chatgpt = await wd.element("button", { contains: "Sign in with ChatGPT" });
    await wd.element("button", { contains: "Use an API key" });
    fs.writeFileSync(path.join(artifacts, "sign-in.png"), await wd.screenshot());
    await wd.click(chatgpt);
    // The system browser (our xdg-open) goes through the issuer to codex's callback; the
    // window follows codex and shows the account.
    await wd.element('[data-testid="account-label"]', { contains: "ada@example.com · Plus", timeoutMs: 60000 });
    const visited = fs.readFileSync(browserLog, "utf8");
    assert.match(visited, /302 http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize/);
    assert.match(visited, /http:\/\/127\.0\.0\.1:1455\/auth\/callback/);
    fs.writeFileSync(path.join(artifacts, "signed-in.png"), await wd.screenshot());

    await wd.click(await wd.element('button[aria-label="New session"]'));
    await wd.type(await wd.element('input[aria-label="Workspace folder"]'), workspace);
    const create = await wd.waitFor("Create session button", async () => {
      for (const id of await wd.find("button")) if ((await wd.text(id)).includes("Create session")) return id;
      return null;
    });
    await wd.click(create);

    const message = await wd.element('textarea[aria-label="Message"]');
    await wd.type(message, "Please run echo hello-from-e2e");
    await wd.click(await wd.element('button[aria-label="Send"]'));

    const command = await wd.element('[data-kind="commandExecution"]', { contains: "hello-from-e2e" });
    assert.match(await wd.text(command), /echo hello-from-e2e/);
    const reply = await wd.element('[data-kind="agentMessage"]', { contains: "The tool said" });
    assert.match(await wd.text(reply), /Done\. The tool said: hello-from-e2e/);
    await wd.element('[data-testid="session-status"]', { contains: "Idle" });

    // A second turn: plain streamed markdown.
    await wd.type(await wd.element('textarea[aria-label="Message"]'), "Say something nice");
    await wd.click(await wd.element('button[aria-label="Send"]'));
    await wd.element('[data-kind="agentMessage"]', { contains: "You said: Say something nice" });
    await wd.element('[data-testid="session-status"]', { contains: "Idle" });
    // Its code block is coloured, and its copy button copies it.
    await wd.element('[data-kind="agentMessage"] pre span[class^="hljs-"]', { contains: "echo" });
    await wd.hover(await wd.element('[data-kind="agentMessage"] pre', { contains: "echo streamed" }));
    await wd.click(await wd.element('[data-kind="agentMessage"] button.copy-code'));
    await wd.element('[data-kind="agentMessage"] button.copy-code[aria-label="Copied"]');
    fs.writeFileSync(path.join(artifacts, "transcript.png"), await wd.screenshot());

    // The workspace panel: the folder's branch and what git sees changed; the button closes it again.
    await wd.click(await wd.element("button", { contains: "Workspace" }));
    // Sandboxed, git runs only when the user says so (it would run outside the sandbox).
    await wd.click(await wd.element('[aria-label="Workspace"] button', { contains: "Read git state" }));
    await wd.element('[aria-label="Workspace"] [data-testid="git-branch"]', { contains: "desk-e2e" });
    await wd.waitFor("the untracked file listed", () =>
      wd.script(
        `return [...document.querySelectorAll('[aria-label="Files changed since the last commit"] li')].some((li) => li.textContent === "? notes.txt")`,
      ),
    );
    fs.writeFileSync(path.join(artifacts, "workspace-panel.png"), await wd.screenshot());
    await wd.click(await wd.element("button", { contains: "Workspace" }));
    await wd.waitFor("the panel closed", async () => (await wd.find('aside[aria-label="Workspace"]')).length === 0);
  });

  // Close and start again: the session and its transcript come back from SQLite, and the
  // account from the keychain.
  await withWindow("restart", async (wd) => {
    await wd.element('[data-testid="account-label"]', { contains: "ada@example.com" });
    const entry = await wd.element('[aria-label="Sessions"] button[title^="Please run echo hello-from-e2e"]');
    await wd.click(entry);
    await wd.element('[data-kind="agentMessage"]', { contains: "You said: Say something nice" });
    await wd.element('[data-kind="commandExecution"]', { contains: "hello-from-e2e" });
    // Each card exactly once: two prompts, one command, two replies.
    const kinds = await wd.script(
      "return [...document.querySelectorAll('[data-kind]')].map((e) => e.dataset.kind).join(' ')",
    );
    assert.equal(kinds, "userMessage commandExecution agentMessage userMessage agentMessage");
    fs.writeFileSync(path.join(artifacts, "after-restart.png"), await wd.screenshot());

    // The audit trail lists the command codex ran, how it ended and how it was allowed; its
    // session link goes back to the transcript.
    await wd.click(await wd.element(".session-actions button", { contains: "Audit" }));
    const row = await wd.element('[aria-label="Commands and file changes"] tr[data-kind="command"]', {
      contains: "hello-from-e2e",
    });
    assert.match(await wd.text(row), /echo hello-from-e2e[\s\S]*exit 0[\s\S]*By policy/);
    await wd.element('.audit-panel [role="status"]', { contains: "1 action" });
    fs.writeFileSync(path.join(artifacts, "audit.png"), await wd.screenshot());
    await wd.click(await wd.element('[aria-label="Commands and file changes"] .link-button'));
    await wd.element('.transcript-item.focused [data-kind="commandExecution"]', { contains: "hello-from-e2e" });

    // The session's codex thread, as a terminal codex would have left it in the user's codex
    // home (continued below, once the session is deleted).
    const [only] = fs.readdirSync(path.join(work, "data", "sessions"));
    fs.cpSync(path.join(work, "data", "sessions", only, "codex-home", "sessions"), path.join(work, "user-codex-home", "sessions"), { recursive: true });

    // Renamed, then deleted after the question: gone from the list, the workspace untouched.
    await wd.click(await wd.element(".session-actions button", { contains: "Rename" }));
    const name = await wd.element('input[aria-label="Session name"]');
    await wd.script(`document.querySelector('input[aria-label="Session name"]').select()`);
    await wd.type(name, "Echo check\uE007");
    await wd.element('[aria-label="Sessions"] button[title^="Echo check"]');
    await wd.click(await wd.element(".session-actions button", { contains: "Delete" }));
    const question = await wd.element('[role="alertdialog"]', { contains: "is not touched" });
    assert.match(await wd.text(question), /Delete “Echo check”\?/);
    fs.writeFileSync(path.join(artifacts, "delete-session.png"), await wd.screenshot());
    await wd.click(await wd.element('[role="alertdialog"] button', { contains: "Delete session" }));
    await wd.waitFor("the session to leave the list", async () =>
      (await wd.script(`return document.querySelector('[aria-label="Sessions"] button[title^="Echo check"]') === null`)) || null,
    );
    assert.ok(fs.existsSync(workspace), "the workspace is still there");

    // Continue the terminal's session: listed in the New session panel, opened with its history.
    await wd.click(await wd.element('button[aria-label="New session"]'));
    await wd.click(await wd.element(".terminal-sessions button", { contains: "Show my codex sessions" }));
    await wd.waitFor("the terminal session to be listed", () =>
      wd.script("return document.querySelector('[aria-label=\"Your codex sessions\"]')?.textContent.includes('Please run echo hello-from-e2e') === true"),
    );
    fs.writeFileSync(path.join(artifacts, "terminal-sessions.png"), await wd.screenshot());
    await wd.click(await wd.element('[aria-label="Your codex sessions"] button', { contains: "Continue here" }));
    await wd.element('[data-kind="commandExecution"]', { contains: "hello-from-e2e" });
    await wd.element('[data-kind="agentMessage"]', { contains: "You said: Say something nice" });
    await wd.waitFor("the continued session in the list", () =>
      wd.script("return document.querySelector('[aria-label=\"Sessions\"] button[title^=\"Please run echo hello-from-e2e\"]') !== null"),
    );
    await prompt(wd, "And one more thing");
    await wd.element('[data-kind="agentMessage"]', { contains: "You said: And one more thing" });
    fs.writeFileSync(path.join(artifacts, "terminal-continued.png"), await wd.screenshot());
  });

  // The app keeps its own log in the data folder (chosen here), and no token is in any file of
  // it: the mock issuer's tokens are JWTs, which all start with this header.
  const logs = fs.readdirSync(path.join(work, "data", "logs"));
  assert.ok(logs.some((f) => f.startsWith("codex-desk")), `log files: ${logs}`);
  const jwtHeader = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
  for (const file of filesUnder(path.join(work, "data"))) {
    assert.ok(!fs.readFileSync(file).includes(jwtHeader), `a token is written in ${file}`);
  }
});

function filesUnder(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return filesUnder(full);
    return e.isFile() ? [full] : [];
  });
}

/** Types a prompt into the open session and sends it. */
async function prompt(wd, text) {
  await wd.type(await wd.element('textarea[aria-label="Message"]'), text);
  await wd.click(await wd.element('button[aria-label="Send"]'));
}

/** A new session on the workspace. */
async function newSession(wd) {
  await wd.click(await wd.element('button[aria-label="New session"]'));
  await wd.type(await wd.element('input[aria-label="Workspace folder"]'), workspace);
  await wd.click(await wd.element("button", { contains: "Create session" }));
  await wd.element('textarea[aria-label="Message"]');
}

test("hostile model output renders as text: nothing runs, restyles or navigates; links open outside", async () => {
  await withWindow("hostile", async (wd) => {
    await newSession(wd);
    await prompt(wd, "Show me something hostile");
    const card = await wd.element('[data-kind="agentMessage"]', { contains: "Real docs" });
    const before = await wd.script("return location.href");
    const seen = await wd.script(`
      const card = [...document.querySelectorAll('[data-kind="agentMessage"] .markdown')].pop();
      // What the model wrote: everything inside the card's Markdown blocks (ours carry a class).
      const attrs = [...card.querySelectorAll('.markdown-block *, .markdown-live *')].flatMap((e) => e.getAttributeNames());
      return {
        tags: [...card.querySelectorAll('style,form,iframe,img,script,button,input,div.banner')].map((e) => e.tagName),
        badAttrs: attrs.filter((a) => a.startsWith('on') || a === 'style' || a === 'class' || a === 'id'),
        hrefs: [...card.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')),
        pwned: window.pwned ?? null,
        bodyShown: getComputedStyle(document.body).display !== 'none',
        sidebar: getComputedStyle(document.querySelector('.sidebar')).backgroundColor,
      };`);
    assert.deepEqual(seen.tags, [], "no hostile element made it into the page");
    assert.deepEqual(seen.badAttrs, []);
    // Only the Markdown link is a link; raw HTML links show as text; javascript: is dropped.
    assert.deepEqual(seen.hrefs, ["https://docs.example.com/guide"]);
    assert.equal(seen.pwned, null, "nothing ran");
    assert.ok(seen.bodyShown, "the page was not restyled");
    assert.notEqual(seen.sidebar, "rgb(255, 0, 0)");
    assert.match(await wd.text(card), /<style>body/, "the raw HTML shows as text");
    fs.writeFileSync(path.join(artifacts, "hostile.png"), await wd.screenshot());

    // A link opens in the system browser; the window stays on the app.
    const link = await wd.element('[data-kind="agentMessage"] a', { contains: "the guide" });
    await wd.click(link);
    await wd.waitFor("the system browser to be asked", () =>
      fs.readFileSync(browserLog, "utf8").includes("open https://docs.example.com/guide"),
    );
    assert.equal(await wd.script("return location.href"), before);
    assert.equal(await wd.script("return window.pwned ?? null"), null);

    // The agent's plan is a checklist in the flow: what is done, what it works on, what is left.
    await wd.element('[data-testid="session-status"]', { contains: "Idle" });
    await prompt(wd, "Make a plan first");
    await wd.element('[data-kind="plan"][aria-label="Plan, 1 of 3 done"]');
    const steps = await wd.script(
      `return [...document.querySelectorAll('[data-kind="plan"] li')].map((li) => li.getAttribute('aria-label'))`,
    );
    assert.deepEqual(steps, ["Read the parser (done)", "Fix the bug (in progress)", "Run the tests (to do)"]);
    await wd.element('[data-kind="agentMessage"]', { contains: "Plan updated" });
    fs.writeFileSync(path.join(artifacts, "plan.png"), await wd.screenshot());
  });
});

test("a command that needs approval waits for the user: Approve runs it, Decline leaves the disk untouched", async () => {
  // Outside the workspace, so the sandbox would refuse it: codex asks first.
  const outside = path.join(work, "outside");
  fs.mkdirSync(outside, { recursive: true });
  const approved = path.join(outside, "approved.txt");
  const declined = path.join(outside, "declined.txt");
  await withWindow("approvals", async (wd) => {
    await newSession(wd);
    await prompt(wd, `Please escalate touch ${approved}`);
    const card = await wd.element('[data-kind="approval"]', { contains: "Codex asks to run a command" });
    assert.match(await wd.text(card), /approved\.txt/);
    assert.match(await wd.text(card), /It has to write outside the workspace\./, "codex's reason is shown");
    await wd.element('[data-testid="session-status"]', { contains: "Waiting for you" });
    await wd.element('.sidebar .badge', { contains: "1" });
    assert.equal(fs.existsSync(approved), false, "nothing runs before the user answers");

    // While the turn waits, Enter queues a follow-up: listed, removable, sent when the turn ends.
    await wd.element('button[aria-label="Steer"]');
    await wd.type(await wd.element('textarea[aria-label="Message"]'), "Queued: say hello\uE007");
    // (WebKitWebDriver leaves text cut with an ellipsis out of an element's text: read the page.)
    const queuedTexts = "return [...document.querySelectorAll('[aria-label=\"Queued follow-ups\"] .queued-text')].map((e) => e.textContent)";
    await wd.waitFor("the queued follow-up to be listed", async () => (await wd.script(queuedTexts)).includes("Queued: say hello"));
    await wd.type(await wd.element('textarea[aria-label="Message"]'), "Queued: never sent\uE007");
    await wd.waitFor("the second follow-up to be listed", async () => (await wd.script(queuedTexts)).length === 2);
    await wd.click(await wd.element('button[aria-label="Remove queued follow-up 2"]'));
    await wd.waitFor("the removed follow-up to go", async () => JSON.stringify(await wd.script(queuedTexts)) === '["Queued: say hello"]');
    fs.writeFileSync(path.join(artifacts, "approval.png"), await wd.screenshot());

    await wd.clickSettled(await wd.element('.approval-waiting button', { contains: "Approve" }));
    await wd.element('[data-kind="approval"]', { contains: "You approved it." });
    await wd.element('[data-kind="agentMessage"]', { contains: "The tool said" });
    await wd.element('[data-kind="agentMessage"]', { contains: "You said: Queued: say hello" });
    await wd.element('[data-testid="session-status"]', { contains: "Idle" });
    assert.equal(await wd.script("return document.querySelectorAll('[aria-label=\"Queued follow-ups\"]').length"), 0);
    assert.equal(await wd.script("return document.body.innerText.includes('never sent')"), false, "a removed follow-up is never sent");
    assert.equal(fs.existsSync(approved), true, "the approved command ran");

    await prompt(wd, `Please escalate touch ${declined}`);
    await wd.clickSettled(await wd.element('.approval-waiting button', { contains: "Decline" }));
    await wd.element('[data-kind="approval"]', { contains: "You declined it" });
    await wd.element('[data-testid="session-status"]', { contains: "Idle" });
    assert.equal(fs.existsSync(declined), false, "a declined command never runs");
    assert.equal(await wd.script("return document.querySelectorAll('.approval-waiting').length"), 0);
    fs.writeFileSync(path.join(artifacts, "approval-declined.png"), await wd.screenshot());

    // The session's options: codex's models when the user opens the choice; a pick is kept.
    await wd.click(await wd.element('button[aria-label^="Model"]'));
    await wd.waitFor("codex's models", () =>
      wd.script(`return [...document.querySelectorAll('select[aria-label="Model choice"] option')].some((o) => o.textContent === "Mock Deep")`),
    );
    await wd.script(`
      const select = document.querySelector('select[aria-label="Model choice"]');
      select.value = "mock-model-deep";
      select.dispatchEvent(new Event("change", { bubbles: true }));
      return true;`);
    await wd.element('button[aria-label^="Model"]', { contains: "Mock Deep · low" });
    await wd.element('select[aria-label="Reasoning effort"]');
    fs.writeFileSync(path.join(artifacts, "session-options.png"), await wd.screenshot());

    // Fork: a new session with this conversation, opened; the original stays in the list.
    await wd.click(await wd.element(".session-actions button", { contains: "Fork" }));
    // (The name is cut with an ellipsis, which WebKitWebDriver leaves out of an element's text.)
    await wd.waitFor("the fork to open", () =>
      wd.script("return document.querySelector('.session-name')?.textContent.startsWith('Fork of Please escalate') === true"),
    );
    await wd.element('[data-kind="userMessage"]', { contains: "Queued: say hello" });
    // Its options came with it (the model by its slug until codex's list is asked for).
    await wd.element('button[aria-label^="Model"]', { contains: "mock-model-deep · low" });
    // Each command once, in its own turn, as in the original.
    // with what the user answered about it, read back from the store.
    await wd.element('[data-kind="commandExecution"]', { contains: "You approved it." });
    await wd.element('[data-kind="commandExecution"]', { contains: "You declined it." });
    // And the questions codex asked, read back from the store with how each ended.
    await wd.element('[data-kind="approval"]', { contains: "You declined it; codex goes on without it." });
    await wd.element('[data-kind="approval"]', { contains: "You approved it." });
    assert.equal(await wd.script("return document.querySelectorAll('[aria-label=\"Sessions\"] button[title^=\"Please escalate\"]').length"), 1);
    fs.writeFileSync(path.join(artifacts, "fork.png"), await wd.screenshot());

    // Fork from an earlier answer: the new session ends with that turn.
    const firstAnswer = await wd.element('[data-kind="agentMessage"]', { contains: "The tool said: Output" });
    await wd.hover(firstAnswer);
    await wd.clickSettled(await wd.element('[data-kind="agentMessage"] .card-actions button', { contains: "Fork from here" }));
    await wd.waitFor("the fork of the first turn", async () =>
      (await wd.script("return document.querySelectorAll('[aria-label=\"Sessions\"] button[title^=\"Fork of\"]').length")) === 2,
    );
    await wd.element('[data-kind="commandExecution"]', { contains: "You approved it." });
    assert.equal(
      await wd.script("return document.body.innerText.includes('Queued: say hello')"),
      false,
      "a fork from the first answer has only the first turn",
    );
    await wd.click(await wd.element('[aria-label="Sessions"] button[title^="Fork of"]'));

    // Archive: out of the list, folded under "Archived"; Unarchive brings it back.
    await wd.click(await wd.element(".session-actions button", { contains: "Archive" }));
    // (Its label is cut with an ellipsis when narrow, which WebKitWebDriver leaves out of text.)
    await wd.waitFor("the fork under Archived", () =>
      wd.script("return document.querySelector('.archived-toggle')?.textContent.includes('Archived (1)') === true"),
    );
    // The open session stays in sight, under Archived (unfolded for it); one fork is left above.
    assert.equal(await wd.script("return document.querySelectorAll('.session-group:not(.archived-group) button[title^=\"Fork of\"]').length"), 1);
    assert.equal(await wd.script("return document.querySelectorAll('[aria-label=\"Archived\"] button[title^=\"Fork of\"]').length"), 1);
    await wd.click(await wd.element(".session-actions button", { contains: "Unarchive" }));
    // (The archived one counts among the list's buttons too: wait until none is archived.)
    await wd.waitFor("the fork back in the list, and nothing archived", async () =>
      wd.script(
        "return document.querySelectorAll('.session-group:not(.archived-group) button[title^=\"Fork of\"]').length === 2 && document.querySelectorAll('.archived-toggle').length === 0",
      ),
    );

    // An image pasted into the message box goes with the message (through the raw-bytes command).
    await wd.script(`
      const png = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([png], "dot.png", { type: "image/png" }));
      document.querySelector('textarea[aria-label="Message"]').dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
      return true;`);
    await wd.waitFor("the image to be attached", () =>
      wd.script("return document.querySelector('[aria-label=\"Attached images\"]')?.textContent.includes('dot.png') === true"),
    );
    await prompt(wd, "Describe the image");
    await wd.element('[data-kind="agentMessage"]', { contains: "You said: Describe the image" });
    await wd.element('[data-kind="userMessage"]', { contains: "1 image attached" });
    fs.writeFileSync(path.join(artifacts, "image.png"), await wd.screenshot());

    // Roll back the last turn: it leaves the transcript, its words go back into the message box
    // to edit, and what came before stays.
    await wd.hover(await wd.element('[data-kind="userMessage"]', { contains: "Describe the image" }));
    await wd.clickSettled(await wd.element('[data-kind="userMessage"] .card-actions button', { contains: "Roll back to here" }));
    await wd.element('.confirm-rollback', { contains: "Files codex changed stay as they are" });
    fs.writeFileSync(path.join(artifacts, "rollback-confirm.png"), await wd.screenshot());
    await wd.click(await wd.element('.confirm-rollback button.danger', { contains: "Roll back" }));
    await wd.waitFor("the rolled-back turn to leave", () => wd.script("return !document.body.innerText.includes('1 image attached')"));
    assert.equal(await wd.script('return document.querySelector(\'textarea[aria-label="Message"]\').value'), "Describe the image");
    await wd.element('[data-kind="agentMessage"]', { contains: "The tool said" });
    assert.equal(await wd.script("return document.body.innerText.includes('You said: Describe the image')"), false);
    assert.equal(await wd.script("return document.querySelectorAll('.confirm-rollback').length"), 0, "the confirmation went with its card");
    fs.writeFileSync(path.join(artifacts, "rollback.png"), await wd.screenshot());

    // An answer schema: the model is asked for JSON, and the answer reads indented.
    await wd.click(await wd.element("button.chip", { contains: "Answers: free text" }));
    await wd.type(
      await wd.element('textarea[aria-label="Answer schema"]'),
      '{"type": "object", "properties": {"summary": {"type": "string"}}, "required": ["summary"], "additionalProperties": false}',
    );
    await wd.click(await wd.element(".answer-schema button", { contains: "Use this schema" }));
    await wd.element("button.chip", { contains: "Answers: JSON schema" });
    // The rolled-back prompt, sent again as it came back.
    await wd.click(await wd.element('button[aria-label="Send"]'));
    await wd.waitFor("the answer as indented JSON", () =>
      wd.script(`return [...document.querySelectorAll('[aria-label="Answer as JSON"]')].some((e) => e.textContent === '{\\n  "summary": "Describe the image"\\n}')`),
    );
    fs.writeFileSync(path.join(artifacts, "answer-schema.png"), await wd.screenshot());
  });
});

test("an MCP server's form is a card: checked by the app, sent, and what was filled in reaches the server", async () => {
  // The user's codex config gains an MCP server (the mock): sessions carry it from there.
  const config = path.join(work, "user-codex-home", "config.toml");
  const original = fs.readFileSync(config, "utf8");
  const server = path.join(target, "debug", "mock-mcp");
  assert.ok(fs.existsSync(server), `build the mock MCP server first: ${server}`);
  fs.writeFileSync(config, `${original}\n[mcp_servers.desk]\ncommand = ${JSON.stringify(server)}\n`);
  try {
    await withWindow("mcp-form", async (wd) => {
      await newSession(wd);
      await prompt(wd, "Please mcp ask_user");
      const card = await wd.element('[data-kind="approval"]', { contains: "desk asks you" });
      assert.match(await wd.text(card), /Where should the report go\?/);
      await wd.element('[data-testid="session-status"]', { contains: "Waiting for you" });
      const field = (name) => wd.element(`.elicitation-form input[id$=":${name}"]`);
      await wd.type(await field("recipient"), "ada@example.com");
      await wd.type(await field("copies"), "9");
      await wd.click(await wd.element('.elicitation-form input[type="radio"][value="md"]'));
      await wd.click(await wd.element(".elicitation-form button", { contains: "Send" }));
      // Over the server's bound: said on the card, which stays with what was typed.
      await wd.element('.elicitation-form [role="alert"]', { contains: "from 1 to 5" });
      fs.writeFileSync(path.join(artifacts, "mcp-form-refused.png"), await wd.screenshot());
      await wd.clear(await field("copies"));
      await wd.type(await field("copies"), "2");
      await wd.clickSettled(await wd.element(".elicitation-form button", { contains: "Send" }));
      await wd.element('[data-kind="approval"]', { contains: "You sent the form." });
      const answer = await wd.element('[data-kind="agentMessage"]', { contains: "elicitation: accept" });
      const said = await wd.text(answer);
      for (const part of ['"recipient":"ada@example.com"', '"copies":2', '"format":"md"']) assert.ok(said.replace(/\\/g, "").includes(part), `${part} in ${said}`);
      await wd.element('[data-testid="session-status"]', { contains: "Idle" });
      fs.writeFileSync(path.join(artifacts, "mcp-form-sent.png"), await wd.screenshot());
    });
  } finally {
    fs.writeFileSync(config, original);
  }
});

test("a 10,000-item session opens at its newest items, scrolls back to its first, and switching sessions keeps one transcript", async () => {
  const seed = path.join(target, "debug", "seed-session");
  const data = path.join(work, "data");
  execFileSync(seed, [data, workspace, "10000", "Ten thousand items"]);
  execFileSync(seed, [data, workspace, "30", "Thirty items"]);
  const cards = "return document.querySelectorAll('.transcript .card').length";
  await withWindow("long-session", async (wd) => {
    const long = await wd.element('[aria-label="Sessions"] button[title^="Ten thousand items"]');
    const short = await wd.element('[aria-label="Sessions"] button[title^="Thirty items"]');
    await wd.click(long);
    await wd.element('[data-kind="agentMessage"]', { contains: "item 9999:" });
    const opened = await wd.script(cards);
    assert.ok(opened > 0 && opened < 80, `only what is on screen is in the page (${opened} cards)`);

    // Up to the very first item, page by page from the store, still with a screenful in the page.
    await wd.waitFor(
      "the first item after scrolling to the top",
      () =>
        wd.script(`
          const list = document.querySelector('.transcript');
          list.dispatchEvent(new WheelEvent('wheel', { deltaY: -2000, bubbles: true }));
          list.scrollTop = 0;
          return document.querySelector('[data-item-id="item-0"]') !== null;`),
      180000,
    );
    await wd.element('[data-kind="userMessage"]', { contains: "item 0:" });
    const atTop = await wd.script(cards);
    assert.ok(atTop < 80, `scrolling back kept the page small (${atTop} cards)`);
    fs.writeFileSync(path.join(artifacts, "long-session-top.png"), await wd.screenshot());
    await wd.click(await wd.element("button.jump", { contains: "Jump to latest" }));
    await wd.element('[data-kind="agentMessage"]', { contains: "item 9999:" });

    for (let i = 0; i < 10; i++) {
      await wd.click(short);
      await wd.element('[data-kind="agentMessage"]', { contains: "item 29:" });
      await wd.click(long);
      await wd.element('[data-kind="agentMessage"]', { contains: "item 9999:" });
    }
    const after = await wd.script(`return {
      transcripts: document.querySelectorAll('.transcript').length,
      cards: document.querySelectorAll('.transcript .card').length,
      elements: document.getElementsByTagName('*').length,
    }`);
    assert.equal(after.transcripts, 1, "one transcript after 20 switches");
    assert.ok(after.cards < 80, `the page stays small (${after.cards} cards)`);
    assert.ok(after.elements < 3000, `the page stays small (${after.elements} elements)`);
    fs.writeFileSync(path.join(artifacts, "long-session.png"), await wd.screenshot());

    // Search finds an item deep in the long session; opening the result shows it, marked.
    const box = await wd.element('input[aria-label="Search sessions"]');
    await wd.click(box);
    await wd.type(box, "item 4324");
    const hit = await wd.element('[aria-label="Search results"] button[data-kind="agentMessage"]', { contains: "4324" });
    assert.match(await wd.script("return document.querySelector('[aria-label=\"Search results\"] mark')?.textContent ?? ''"), /4324|item/i);
    fs.writeFileSync(path.join(artifacts, "search.png"), await wd.screenshot());
    await wd.click(hit);
    await wd.element('[data-focused] [data-kind="agentMessage"]', { contains: "item 4324:" });
    const around = await wd.script(cards);
    assert.ok(around > 0 && around < 80, `only the items around it are in the page (${around} cards)`);
    fs.writeFileSync(path.join(artifacts, "search-opened.png"), await wd.screenshot());

    // Jump to the start: the first item at once, without paging through the 4,000 before.
    await wd.click(await wd.element("button.jump-start", { contains: "Jump to the start" }));
    await wd.element('[data-kind="userMessage"]', { contains: "item 0:" });
    assert.equal(await wd.script("return document.querySelectorAll('[data-focused]').length"), 0, "the start is not marked");
    const start = await wd.script(cards);
    assert.ok(start > 0 && start < 80, `only the first items are in the page (${start} cards)`);
    fs.writeFileSync(path.join(artifacts, "jump-start.png"), await wd.screenshot());
    await wd.click(await wd.element("button.jump", { contains: "Jump to latest" }));
    await wd.element('[data-kind="agentMessage"]', { contains: "item 9999:" });
  });
});

test("killed mid-answer, the app comes back with the partial answer and says it was interrupted", async () => {
  const lock = path.join(work, "data", "codex-desk.lock");
  const wd = await launch();
  try {
    await newSession(wd);
    await prompt(wd, "Please be slow");
    await wd.element('[data-kind="agentMessage"]', { contains: "tick tick tick tick tick tick tick tick" });
    const pid = Number(fs.readFileSync(lock, "utf8").trim());
    assert.ok(pid > 0, "the lock names the app's process");
    process.kill(pid, "SIGKILL");
  } finally {
    await wd.quit();
  }
  // Give WebKitWebDriver a moment after a lost session (see TAURI_ON_LINUX.md), then relaunch.
  await new Promise((r) => setTimeout(r, 2000));
  await withWindow("after-kill", async (wd) => {
    await wd.click(await wd.element('[aria-label="Sessions"] button[title^="Please be slow"]'));
    await wd.element('[data-testid="session-status"]', { contains: "Interrupted" });
    await wd.element('[data-kind="agentMessage"]', { contains: "Stopped before the answer was finished" });
    const answer = await wd.text(await wd.element('[data-kind="agentMessage"]', { contains: "tick" }));
    assert.match(answer, /^tick /, "what had streamed is there");
    fs.writeFileSync(path.join(artifacts, "after-kill.png"), await wd.screenshot());
  });
});

test("a damaged database is moved aside, the user is told, and the app starts fresh", async () => {
  const db = path.join(work, "data", "codex-desk.sqlite3");
  for (const side of ["-wal", "-shm"]) fs.rmSync(db + side, { force: true });
  fs.writeFileSync(db, "this is not a database any more");
  await withWindow("damaged-db", async (wd) => {
    await wd.element('[role="status"]', { contains: "could not be read" });
    await wd.element("h1", { contains: "No session yet" });
    fs.writeFileSync(path.join(artifacts, "damaged-db.png"), await wd.screenshot());
  });
  const aside = fs.readdirSync(path.join(work, "data")).filter((f) => f.includes(".damaged-"));
  assert.equal(aside.length, 1, "the old file is kept");
  assert.equal(fs.readFileSync(path.join(work, "data", aside[0]), "utf8"), "this is not a database any more");
});

test("a data folder that cannot be used says what is wrong, where, and what to do", async () => {
  const data = path.join(work, "data");
  fs.renameSync(data, `${data}.kept`);
  fs.writeFileSync(data, "a file where the data folder should be");
  try {
    await withWindow("startup-failure", async (wd) => {
      await wd.element("h1", { contains: "Codex Desk could not start" });
      const message = await wd.text(await wd.element('[data-testid="startup-error"]'));
      assert.match(message, /it is a file, not a folder/);
      assert.ok(message.includes(data), "it says where");
      await wd.element("button", { contains: "Open the data folder" });
      await wd.element('button[aria-label="Copy details"]');
      fs.writeFileSync(path.join(artifacts, "startup-failure.png"), await wd.screenshot());
    });
  } finally {
    fs.rmSync(data);
    fs.renameSync(`${data}.kept`, data);
  }
});

test("without a display the app says why it cannot open a window, in the log too, and exits", () => {
  // As when started over SSH without X forwarding: no window can be made at all.
  const data = path.join(work, "no-display");
  const bare = { ...env, CODEX_DESK_DATA_DIR: data };
  delete bare.DISPLAY;
  delete bare.WAYLAND_DISPLAY;
  delete bare.RUST_BACKTRACE;
  let result;
  try {
    execFileSync(app, [], { env: bare, stdio: ["ignore", "pipe", "pipe"], timeout: 60000 });
    assert.fail("the app ran without a display");
  } catch (e) {
    result = e;
  }
  assert.equal(result.status, 1, `exit status ${result.status}, signal ${result.signal}`);
  const stderr = String(result.stderr);
  assert.match(stderr, /Codex Desk could not open its window\. No graphical display was found/);
  assert.match(stderr, /ssh -X/);
  const logs = path.join(data, "logs");
  const logged = fs.readdirSync(logs).map((f) => fs.readFileSync(path.join(logs, f), "utf8")).join("");
  assert.match(logged, /Codex Desk could not open its window/);
});
