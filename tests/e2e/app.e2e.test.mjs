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
    fs.writeFileSync(path.join(artifacts, "transcript.png"), await wd.screenshot());
  });

  // Close and start again: the session and its transcript come back from SQLite, and the
  // account from the keychain.
  await withWindow("restart", async (wd) => {
    await wd.element('[data-testid="account-label"]', { contains: "ada@example.com" });
    const entry = await wd.element('[aria-label="Sessions"] button[title^="Please run echo hello-from-e2e"]');
    await wd.click(entry);
    await wd.element('[data-kind="agentMessage"]', { contains: "You said: Say something nice" });
    await wd.element('[data-kind="commandExecution"]', { contains: "hello-from-e2e" });
    fs.writeFileSync(path.join(artifacts, "after-restart.png"), await wd.screenshot());
  });
});
