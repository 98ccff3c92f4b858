import { describe, expect, it } from "vitest";
import { changeKindLabel, diffStats } from "./diffStats";
import { folderName, groupSessionsByWorkspace, listedOrder, sessionAfter, sessionDot } from "./sessionGroups";
import { completePrompt, matchingPrompts, namesPrompt } from "./promptMenu";
import { emptySessionView } from "./sessionView";
import { sessionInfo } from "./testBuilders";

describe("diffStats", () => {
  it("counts + and − lines of a unified diff, not its headers", () => {
    const diff = [
      "diff --git a/x b/x",
      "--- a/x",
      "+++ b/x",
      "@@ -1,3 +1,3 @@",
      " keep",
      "-old",
      "-older",
      "+new",
      "",
    ].join("\n");
    expect(diffStats(diff, { type: "update", move_path: null })).toEqual({ added: 1, removed: 2 });
  });

  it("counts a whole added or deleted file", () => {
    expect(diffStats("a\nb\nc\n", { type: "add" })).toEqual({ added: 3, removed: 0 });
    expect(diffStats("a\nb\n", { type: "delete" })).toEqual({ added: 0, removed: 2 });
  });

  it("labels change kinds", () => {
    expect(changeKindLabel({ type: "add" })).toBe("added");
    expect(changeKindLabel({ type: "update", move_path: "b.txt" })).toBe("moved to b.txt");
  });
});

describe("groupSessionsByWorkspace", () => {
  const sessions = [
    sessionInfo({ id: "a", title: "Old api", workspace: "/home/me/api", createdAt: 1 }),
    sessionInfo({ id: "b", title: "Web fix", workspace: "/home/me/web/", createdAt: 5 }),
    sessionInfo({ id: "c", title: "New api", workspace: "/home/me/api", createdAt: 9 }),
  ];

  it("groups by folder, labels by folder name, newest first", () => {
    const groups = groupSessionsByWorkspace(sessions);
    expect(groups.map((g) => [g.label, g.workspace, g.sessions.map((s) => s.id)])).toEqual([
      ["api", "/home/me/api", ["c", "a"]],
      ["web", "/home/me/web/", ["b"]],
    ]);
  });

  it("filters by title or folder", () => {
    expect(groupSessionsByWorkspace(sessions, "WEB").map((g) => g.label)).toEqual(["web"]);
    expect(groupSessionsByWorkspace(sessions, "old").flatMap((g) => g.sessions.map((s) => s.id))).toEqual(["a"]);
  });

  it("names Windows folders too", () => {
    expect(folderName("C:\\Users\\me\\proj")).toBe("proj");
  });
});

describe("sessionDot", () => {
  it("prefers the live status over the listed one", () => {
    const info = sessionInfo({ status: "idle" });
    expect(sessionDot(info, undefined)).toBe("idle");
    expect(sessionDot(info, { ...emptySessionView("s1"), status: "running" })).toBe("running");
    expect(sessionDot(info, { ...emptySessionView("s1"), status: "running", waitingForUser: true })).toBe("waiting");
  });
});

describe("prompt menu", () => {
  const prompts = [
    { name: "review", description: "Review a file", argumentHint: "FILE=<path>" },
    { name: "release", description: null, argumentHint: null },
    { name: "fix", description: null, argumentHint: null },
  ];
  it("offers prompts while the name is typed, not after", () => {
    expect(matchingPrompts("/re", prompts).map((p) => p.name)).toEqual(["review", "release"]);
    expect(matchingPrompts("/prompts:f", prompts).map((p) => p.name)).toEqual(["fix"]);
    expect(matchingPrompts("/", prompts)).toHaveLength(3);
    expect(matchingPrompts("/review FILE=a", prompts)).toEqual([]);
    expect(matchingPrompts("/review", prompts)).toEqual([]);
    expect(matchingPrompts("hello /re", prompts)).toEqual([]);
    expect(completePrompt(prompts[0]!)).toBe("/review ");
    expect(namesPrompt("/fix", prompts)).toBe(true);
    expect(namesPrompt("/fi", prompts)).toBe(false);
  });
});

describe("moving between sessions from the keyboard", () => {
  const sessions = [
    sessionInfo({ id: "a1", workspace: "/w/a", createdAt: 1 }),
    sessionInfo({ id: "b1", workspace: "/w/b", createdAt: 5 }),
    sessionInfo({ id: "a2", workspace: "/w/a", createdAt: 3 }),
    sessionInfo({ id: "old", workspace: "/w/b", createdAt: 9, archivedAt: 10 }),
  ];

  it("follows the list's order (folders, newest first), without archived sessions, and wraps around", () => {
    expect(listedOrder(sessions).map((s) => s.id)).toEqual(["b1", "a2", "a1"]);
    expect(sessionAfter(sessions, "b1", 1)).toBe("a2");
    expect(sessionAfter(sessions, "a1", 1)).toBe("b1");
    expect(sessionAfter(sessions, "b1", -1)).toBe("a1");
    expect(sessionAfter(sessions, null, 1)).toBe("b1");
    expect(sessionAfter(sessions, "old", -1)).toBe("a1");
    expect(sessionAfter([], null, 1)).toBeNull();
  });
});
