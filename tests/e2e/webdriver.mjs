// A minimal W3C WebDriver client over fetch, enough to drive the app through tauri-driver.
import { execFileSync } from "node:child_process";
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

export class WebDriver {
  constructor(base = "http://127.0.0.1:4444") {
    this.base = base;
    this.sessionId = null;
  }

  async cmd(method, path, body) {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) {
      const err = new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.value ?? json)}`);
      err.webdriverError = json.value?.error;
      throw err;
    }
    return json.value;
  }

  async start(application) {
    const caps = {
      capabilities: {
        alwaysMatch: { browserName: "wry", "tauri:options": { application } },
      },
    };
    const value = await this.cmd("POST", "/session", caps);
    this.sessionId = value.sessionId;
  }

  s(path) {
    return `/session/${this.sessionId}${path}`;
  }

  async quit() {
    if (this.sessionId) {
      await this.cmd("DELETE", this.s("")).catch(() => {});
      this.sessionId = null;
    }
  }

  async find(css) {
    const all = await this.cmd("POST", this.s("/elements"), { using: "css selector", value: css });
    return all.map((e) => e[ELEMENT]);
  }

  async click(id) {
    await this.cmd("POST", this.s(`/element/${id}/click`), {});
  }

  /** Moves the pointer over an element, as a user does before a control that shows on hover. */
  /** Moves the mouse over the element, brought on screen first (as a user would scroll to it). */
  async hover(id) {
    await this.cmd("POST", this.s("/execute/sync"), { script: "arguments[0].scrollIntoView({ block: 'center' });", args: [{ [ELEMENT]: id }] });
    await this.cmd("POST", this.s("/actions"), {
      actions: [
        {
          type: "pointer",
          id: "mouse",
          parameters: { pointerType: "mouse" },
          actions: [{ type: "pointerMove", duration: 0, origin: { [ELEMENT]: id }, x: 0, y: 0 }],
        },
      ],
    });
  }

  /**
   * Clicks once the element has stopped moving: a card that has just appeared may still be
   * placed by the list (measured, scrolled to the end), and a click aimed at where it was lands
   * elsewhere.
   */
  async clickSettled(id) {
    const ref = { [ELEMENT]: id };
    await this.waitFor("the element to stop moving", () =>
      this.cmd("POST", this.s("/execute/async"), {
        script: `const [el, done] = arguments;
          const at = () => { const r = el.getBoundingClientRect(); return [r.x, r.y, r.width, r.height].join(","); };
          const before = at();
          requestAnimationFrame(() => requestAnimationFrame(() => done(at() === before)));`,
        args: [ref],
      }),
    );
    await this.click(id);
  }

  async type(id, text) {
    await this.cmd("POST", this.s(`/element/${id}/value`), { text });
  }

  /** Empties a text field, as a user selecting all of it and deleting would. */
  async clear(id) {
    await this.cmd("POST", this.s(`/element/${id}/clear`), {});
  }

  async text(id) {
    return this.cmd("GET", this.s(`/element/${id}/text`));
  }

  async enabled(id) {
    return this.cmd("GET", this.s(`/element/${id}/enabled`));
  }

  /**
   * A PNG of the screen once the latest DOM changes are painted (two animation frames): taken
   * from the X display, as the user sees it. (WebKitWebDriver's own screenshot never returns
   * when WebKit draws without compositing, as the app has it on a machine without a GPU.)
   */
  async screenshot() {
    await this.script("return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))");
    if (process.env.DISPLAY) {
      try {
        return execFileSync("import", ["-window", "root", "png:-"], { maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "ignore"] });
      } catch {
        // No ImageMagick: WebKitWebDriver's own (with compositing on).
      }
    }
    return Buffer.from(await this.cmd("GET", this.s("/screenshot")), "base64");
  }

  async script(source, args = []) {
    return this.cmd("POST", this.s("/execute/sync"), { script: source, args });
  }

  /** Polls `probe` until it returns a truthy value; a UI condition has no event to await. */
  async waitFor(what, probe, timeoutMs = 30000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (;;) {
      try {
        last = await probe();
        if (last) return last;
      } catch (e) {
        last = e;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Waits for an element matching `css` (and whose text includes `contains`) and returns its id. */
  async element(css, { contains, timeoutMs } = {}) {
    return this.waitFor(
      `${css}${contains ? ` containing "${contains}"` : ""}`,
      async () => {
        for (const id of await this.find(css)) {
          if (!contains || (await this.text(id)).includes(contains)) return id;
        }
        return null;
      },
      timeoutMs,
    );
  }
}
