import { describe, expect, it } from "vitest";
import type { ApprovalRequest } from "../generated/desk/ApprovalRequest";
import type { SessionEvent } from "../generated/desk/SessionEvent";
import { noticeFor } from "./notifications";
import { turnCompleted } from "./testBuilders";

const asked: ApprovalRequest = {
  key: "k",
  kind: "command",
  turnId: "t1",
  itemId: "c1",
  command: "rm -rf build",
  cwd: "/w",
  reason: null,
  grantRoot: null,
  allowPrefix: null,
    questions: [], permissions: null, elicitation: null, network: null,
  choices: ["approve", "decline"],
  askedAt: 1,
};

describe("notifications", () => {
  it("says codex waits for the user, before anything else in the batch", () => {
    const events: SessionEvent[] = [turnCompleted("t0") as SessionEvent, { type: "approvalRequested", request: asked }];
    expect(noticeFor(events, "Fix the build")).toEqual({ title: "Codex waits for you", body: "Fix the build: may it run rm -rf build?" });
    const reach = { ...asked, network: { host: "pypi.org", protocol: "https", port: 443 } };
    expect(noticeFor([{ type: "approvalRequested", request: reach }], "Deps")?.body).toBe("Deps: may a command reach pypi.org?");
  });

  it("says nothing of a question withdrawn in the same batch, and shows a command plainly", () => {
    const withdrawn: SessionEvent[] = [
      { type: "approvalRequested", request: asked },
      { type: "approvalResolved", key: "k", outcome: { by: "withdrawn" } },
    ];
    expect(noticeFor(withdrawn, "Fix")).toBeNull();
    const sneaky = { ...asked, command: "echo safe\u202e; rm -rf ~\nsecond line" };
    expect(noticeFor([{ type: "approvalRequested", request: sneaky }], "Fix")?.body).toBe("Fix: may it run echo safe ; rm -rf ~ second line?");
  });

  it("says a turn finished or failed, and nothing when the user stopped it", () => {
    expect(noticeFor([turnCompleted("t1") as SessionEvent], "Docs")).toEqual({ title: "Codex finished", body: "Docs" });
    expect(noticeFor([turnCompleted("t1", "failed") as SessionEvent], "Docs")?.title).toBe("A turn failed");
    expect(noticeFor([turnCompleted("t1", "interrupted") as SessionEvent], "Docs")).toBeNull();
    expect(noticeFor([{ type: "status", status: "idle", message: null, threadId: null }], "Docs")).toBeNull();
  });

  it("says codex stopped unexpectedly, with its words", () => {
    const crashed: SessionEvent = { type: "status", status: "crashed", message: "Codex stopped unexpectedly (signal 9).", threadId: null };
    expect(noticeFor([crashed], "")).toEqual({ title: "Codex stopped unexpectedly", body: "A session: Codex stopped unexpectedly (signal 9)." });
  });
});
