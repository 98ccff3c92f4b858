import { describe, expect, it } from "vitest";
import type { ModelChoice } from "../generated/desk/ModelChoice";
import { optionsWarning, withModel } from "./sessionOptions";
import { defaultSessionOptions } from "./sessionView";

const deep: ModelChoice = {
  id: "deep",
  name: "Deep",
  description: "",
  efforts: [
    { effort: "low", description: "" },
    { effort: "high", description: "" },
  ],
  defaultEffort: "low",
};
const plain: ModelChoice = { id: "plain", name: "Plain", description: "", efforts: [], defaultEffort: null };

describe("session options", () => {
  it("keeps an effort the new model supports, else takes the model's default", () => {
    expect(withModel({ ...defaultSessionOptions, effort: "high" }, deep)).toMatchObject({ model: "deep", effort: "high" });
    expect(withModel({ ...defaultSessionOptions, effort: "xhigh" }, deep)).toMatchObject({ model: "deep", effort: "low" });
    expect(withModel({ ...defaultSessionOptions, effort: "high" }, plain)).toMatchObject({ model: "plain", effort: null });
  });

  it("warns about full access, loudest without questions, and says nothing for the default", () => {
    expect(optionsWarning(defaultSessionOptions)).toBeNull();
    expect(optionsWarning({ ...defaultSessionOptions, sandbox: "fullAccess" })).toMatch(/outside any sandbox/);
    expect(optionsWarning({ ...defaultSessionOptions, sandbox: "fullAccess", approvals: "never" })).toMatch(/without telling you/);
    // A session can start this way from the user's codex config, without a yes in the window.
    expect(optionsWarning({ ...defaultSessionOptions, approvals: "never" })).toMatch(/without telling you first/);
  });
});
