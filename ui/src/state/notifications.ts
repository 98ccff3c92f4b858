// What the OS is asked to tell the user about a session while the window is in the background:
// codex waits for them, a turn finished, failed, or codex stopped. A stopped turn is the user's
// own doing and says nothing.
import type { SessionEvent } from "../generated/desk/SessionEvent";

export interface Notice {
  title: string;
  body: string;
}

/** The notification a batch of a session's events calls for, the most urgent first, or null. */
export function noticeFor(events: SessionEvent[], sessionTitle: string): Notice | null {
  const name = plain(sessionTitle, 60) || "A session";
  const settled = new Set(events.flatMap((e) => (e.type === "approvalResolved" ? [e.key] : [])));
  let ended: Notice | null = null;
  for (const event of events) {
    // A question already answered or withdrawn in the same batch no longer waits.
    if (event.type === "approvalRequested" && !settled.has(event.request.key)) {
      const { kind, command, questions, elicitation, network } = event.request;
      const body =
        kind === "command" && network
          ? `${name}: may a command reach ${plain(network.host, 80)}?`
          : kind === "command"
          ? `${name}: may it run ${plain(command ?? "a command", 80)}?`
          : kind === "questions"
            ? `${name}: ${plain(questions[0]?.question || "it has a question", 120)}`
            : kind === "permissions"
              ? `${name}: may it have more access?`
              : kind === "elicitation"
                ? `${name}: ${plain(elicitation?.message || `${elicitation?.server ?? "an MCP server"} asks you`, 120)}`
                : `${name}: may it change files?`;
      return { title: "Codex waits for you", body };
    }
    if (event.type === "status" && event.status === "crashed") {
      ended = { title: "Codex stopped unexpectedly", body: `${name}: ${plain(event.message ?? "send a message to continue.", 160)}` };
    }
    if (event.type === "codex" && event.notification.method === "turn/completed" && !ended) {
      const turn = event.notification.params.turn;
      if (turn.status === "completed") ended = { title: "Codex finished", body: name };
      else if (turn.status === "failed") ended = { title: "A turn failed", body: `${name}: ${plain(turn.error?.message ?? "codex reported an error.", 160)}` };
    }
  }
  return ended;
}

/**
 * Text fit for a notification: one line, no control, bidi or zero-width characters (which could
 * make a command read as another), at most `most` characters.
 */
function plain(text: string, most: number): string {
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]+/g, " ").replace(/\s+/g, " ").trim();
  return line.length > most ? `${line.slice(0, most - 1)}…` : line;
}
