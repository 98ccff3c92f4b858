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
  const name = sessionTitle.trim() || "A session";
  let ended: Notice | null = null;
  for (const event of events) {
    if (event.type === "approvalRequested") {
      const what = event.request.kind === "command" ? event.request.command ?? "a command" : "a change to files";
      return { title: "Codex waits for you", body: `${name}: may it run ${what}?`.replace("run a change to files", "make a change to files") };
    }
    if (event.type === "status" && event.status === "crashed") {
      ended = { title: "Codex stopped unexpectedly", body: `${name}: ${event.message ?? "send a message to continue."}` };
    }
    if (event.type === "codex" && event.notification.method === "turn/completed" && !ended) {
      const turn = event.notification.params.turn;
      if (turn.status === "completed") ended = { title: "Codex finished", body: name };
      else if (turn.status === "failed") ended = { title: "A turn failed", body: `${name}: ${turn.error?.message ?? "codex reported an error."}` };
    }
  }
  return ended;
}
