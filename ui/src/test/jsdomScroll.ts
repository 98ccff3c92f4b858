// jsdom lays nothing out and cannot scroll. The virtualized transcript scrolls to its end when it
// opens and waits to see that scroll happen, so DOM tests give elements a scroll position that
// scrollTo moves (and a scroll event, as a browser sends).
import { act } from "react";

const positions = new WeakMap<Element, number>();
Object.defineProperty(Element.prototype, "scrollTop", {
  configurable: true,
  get(this: Element) {
    return positions.get(this) ?? 0;
  },
  set(this: Element, value: number) {
    positions.set(this, value);
  },
});
Element.prototype.scrollTo = function scrollTo(this: Element, options?: ScrollToOptions | number, y?: number) {
  const top = typeof options === "object" ? options.top : y;
  if (top !== undefined) this.scrollTop = top;
  this.dispatchEvent(new Event("scroll"));
};

/** Lets frames pass until `selector` matches in `host` (the list renders a few frames in). */
export async function untilShown(host: Element, selector: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!host.querySelector(selector)) {
    if (Date.now() > deadline) throw new Error(`${selector} did not appear within ${timeoutMs} ms`);
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 16));
    });
  }
}
