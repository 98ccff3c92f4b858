import { describe, expect, it } from "vitest";
import { toErrorPayload } from "./errors";

describe("toErrorPayload", () => {
  it("keeps a backend ErrorPayload", () => {
    const payload = { code: "workspaceInvalid", message: "Not a folder", detail: "ENOENT" };
    expect(toErrorPayload(payload)).toEqual(payload);
  });

  it("wraps strings and unknown values", () => {
    expect(toErrorPayload("boom")).toEqual({ code: null, message: "boom", detail: null });
    expect(toErrorPayload(new Error("x")).message).toBe("x");
    expect(toErrorPayload(42)).toEqual({ code: null, message: "Something went wrong.", detail: "42" });
  });
});
