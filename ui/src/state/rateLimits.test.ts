import { describe, expect, it } from "vitest";
import { reduceSessionEvents } from "./reduceSession";
import { rateLimitsShown, windowName } from "./rateLimits";
import { emptySessionView } from "./sessionView";
import { codex } from "./testBuilders";

const update = (primary: number | null, secondary: number | null) =>
  codex({
    method: "account/rateLimits/updated",
    params: {
      rateLimits: {
        limitId: null,
        limitName: null,
        normalModelSlug: null,
        primary: primary === null ? null : { usedPercent: primary, windowDurationMins: 300, resetsAt: 3_600 },
        secondary: secondary === null ? null : { usedPercent: secondary, windowDurationMins: 10_080, resetsAt: null },
        credits: null,
        individualLimit: null,
      },
    },
  } as never);

describe("rate limits", () => {
  it("keeps what a sparse update leaves out, and says each window as people do", () => {
    const view = reduceSessionEvents(emptySessionView("s1"), [update(40, 12), update(41.6, null)]);
    expect(view.rateLimits?.secondary?.usedPercent).toBe(12);
    const shown = rateLimitsShown(view.rateLimits, 0);
    expect(shown.map((l) => l.text)).toEqual(["5h 42%", "week 12%"]);
    expect(shown[0]?.title).toBe("42% of the 5h usage limit used, starts again in 1 h");
  });

  it("names windows", () => {
    expect([windowName(60), windowName(1440), windowName(45), windowName(null)]).toEqual(["1h", "day", "45 min", "limit"]);
  });
});
