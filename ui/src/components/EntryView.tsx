import { memo } from "react";
import { useController } from "../state/hooks";
import { planOf, userMessageImages, userMessageText } from "../state/items";
import { formatBytes, LONGEST_IN_WINDOW } from "./format";
import type { Entry } from "../state/sessionView";
import type { TurnUsage } from "../generated/desk/TurnUsage";
import { ApprovalCard } from "./cards/ApprovalCard";
import { AgentMessageCard } from "./cards/AgentMessageCard";
import { CommandCard } from "./cards/CommandCard";
import { ErrorCard } from "./cards/ErrorCard";
import { FileChangeCard } from "./cards/FileChangeCard";
import { NoticeCard } from "./cards/NoticeCard";
import { OtherItemCard } from "./cards/OtherItemCard";
import { PlanCard, ProposedPlanCard } from "./cards/PlanCard";
import { ReasoningCard } from "./cards/ReasoningCard";
import { UserMessageCard } from "./cards/UserMessageCard";

/** One transcript entry as its card. Memoized: entries keep their identity until they change. */
export const EntryView = memo(function EntryView({
  entry,
  sessionId,
  rollBack = false,
  usage = null,
}: {
  entry: Entry;
  sessionId: string;
  rollBack?: boolean;
  /** What the entry's turn used (on the turn's last answer, once the turn ended). */
  usage?: TurnUsage | null;
}) {
  const card =
    entry.kind === "approval" ? <ApprovalCard entry={entry} sessionId={sessionId} /> : <EntryCard entry={entry} sessionId={sessionId} rollBack={rollBack} usage={usage} />;
  if (entry.kind !== "item" || entry.cutBytes === null || entry.seq === null) return card;
  return (
    <>
      {card}
      <CutNotice sessionId={sessionId} seq={entry.seq} turnId={entry.turnId} itemId={entry.id} bytes={entry.cutBytes} />
    </>
  );
});

/**
 * Under a card the store sent cut: what is missing, and the way to see it all: in the card, or,
 * longer than the window takes ({@link LONGEST_IN_WINDOW}), in the user's text editor.
 */
function CutNotice({ sessionId, seq, turnId, itemId, bytes }: { sessionId: string; seq: number; turnId: string | null; itemId: string; bytes: number }) {
  const controller = useController();
  return (
    <p className="cut-notice small muted">
      Very long: only its start and end are shown ({formatBytes(bytes)} in all).{" "}
      {bytes > LONGEST_IN_WINDOW && turnId !== null ? (
        <button type="button" className="quiet" onClick={() => void controller.openItemFile(sessionId, turnId, itemId)}>
          Open in a text editor
        </button>
      ) : (
        <button type="button" className="quiet" onClick={() => void controller.showWhole(sessionId, seq)}>
          Show all
        </button>
      )}
    </p>
  );
}

/** `rollBack`: the conversation can be rolled back from here (a turn's first message, no turn running). */
function EntryCard({ entry, sessionId, rollBack, usage }: { entry: Entry; sessionId: string; rollBack: boolean; usage: TurnUsage | null }) {
  const controller = useController();
  switch (entry.kind) {
    case "prompt":
      return <UserMessageCard id={entry.id} text={entry.text} />;
    case "error":
      return <ErrorCard entry={entry} />;
    case "notice":
      return <NoticeCard entry={entry} />;
    case "approval":
      return null;
    case "item": {
      const { item, streaming, cutShort } = entry;
      const plan = planOf(item);
      if (plan) return <PlanCard plan={plan} />;
      switch (item.type) {
        case "userMessage":
          return (
            <UserMessageCard
              id={item.id}
              text={userMessageText(item)}
              images={userMessageImages(item)}
              onRollBack={rollBack && entry.completed && entry.turnId ? () => controller.rollBack(sessionId, entry.turnId as string) : undefined}
            />
          );
        case "agentMessage":
          return (
            <AgentMessageCard
              id={item.id}
              text={item.text}
              streaming={streaming}
              cutShort={cutShort}
              usage={usage}
              onFork={entry.completed && entry.turnId ? () => void controller.forkSession(sessionId, entry.turnId) : undefined}
            />
          );
        case "reasoning":
          return <ReasoningCard id={item.id} summary={item.summary} content={item.content} streaming={streaming} />;
        case "commandExecution":
          return (
            <CommandCard
              item={item}
              streaming={streaming}
              cutShort={cutShort}
              decision={entry.decision ?? null}
              onOpenFile={entry.completed && entry.turnId ? () => void controller.openItemFile(sessionId, entry.turnId as string, item.id) : undefined}
            />
          );
        case "plan":
          return <ProposedPlanCard id={item.id} text={item.text} streaming={streaming} />;
        case "fileChange":
          return <FileChangeCard item={item} extraOutput={entry.extraOutput} streaming={streaming} decision={entry.decision ?? null} />;
        default:
          return <OtherItemCard item={item} />;
      }
    }
  }
}
