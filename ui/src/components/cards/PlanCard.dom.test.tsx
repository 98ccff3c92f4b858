// @vitest-environment jsdom
// The agent's plan reads as a checklist: what is done, what it works on, what is left.
import { act } from "react";
import { createRoot } from "react-dom/client";
import { describe, expect, it } from "vitest";
import { PLAN, type PlanItem } from "../../state/items";
import { PlanCard } from "./PlanCard";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

describe("the plan card", () => {
  it("shows each step with its state, and how far along the plan is", () => {
    const plan: PlanItem = {
      type: PLAN,
      id: "plan-t1",
      explanation: "Fix it in small steps.",
      plan: [
        { step: "Read the parser", status: "completed" },
        { step: "Fix the bug", status: "inProgress" },
        { step: "Run the tests", status: "pending" },
      ],
    };
    const host = document.createElement("div");
    const root = createRoot(host);
    act(() => root.render(<PlanCard plan={plan} />));
    const card = host.querySelector("article");
    expect(card?.getAttribute("aria-label")).toBe("Plan, 1 of 3 done");
    expect(host.textContent).toContain("Fix it in small steps.");
    const steps = [...host.querySelectorAll("li")].map((li) => [li.getAttribute("aria-label"), li.className]);
    expect(steps).toEqual([
      ["Read the parser (done)", "plan-step plan-completed"],
      ["Fix the bug (in progress)", "plan-step plan-inProgress"],
      ["Run the tests (to do)", "plan-step plan-pending"],
    ]);
    act(() => root.unmount());
  });
});
