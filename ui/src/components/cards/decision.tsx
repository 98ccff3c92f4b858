import type { ApprovalChoice } from "../../generated/desk/ApprovalChoice";

/** What the user answered when codex asked about an item, as its card says it. */
export function decisionText(choice: ApprovalChoice): string {
  switch (choice) {
    case "approve":
      return "You approved it.";
    case "approveForSession":
      return "You approved it for this session.";
    case "allowPrefix":
      return "Allowed by your rule for commands like it.";
    case "decline":
      return "You declined it.";
    case "cancelTurn":
      return "You declined it and ended the turn.";
    case "allowHost":
      return "You allowed the host it connects to from now on.";
    case "blockHost":
      return "You blocked the host it connects to from now on.";
  }
}

/** The line under a command or file change codex asked the user about. */
export function Decision({ choice }: { choice: ApprovalChoice | null }) {
  if (!choice) return null;
  return <p className={`decision small${choice === "decline" || choice === "cancelTurn" || choice === "blockHost" ? " declined" : ""}`}>{decisionText(choice)}</p>;
}
