import { memo } from "react";
import { userMessageText } from "../state/items";
import type { Entry } from "../state/sessionView";
import { AgentMessageCard } from "./cards/AgentMessageCard";
import { CommandCard } from "./cards/CommandCard";
import { ErrorCard } from "./cards/ErrorCard";
import { FileChangeCard } from "./cards/FileChangeCard";
import { NoticeCard } from "./cards/NoticeCard";
import { OtherItemCard } from "./cards/OtherItemCard";
import { ReasoningCard } from "./cards/ReasoningCard";
import { UserMessageCard } from "./cards/UserMessageCard";

/** One transcript entry as its card. Memoized: entries keep their identity until they change. */
export const EntryView = memo(function EntryView({ entry }: { entry: Entry }) {
  switch (entry.kind) {
    case "prompt":
      return <UserMessageCard id={entry.id} text={entry.text} />;
    case "error":
      return <ErrorCard entry={entry} />;
    case "notice":
      return <NoticeCard entry={entry} />;
    case "item": {
      const { item, streaming, cutShort } = entry;
      switch (item.type) {
        case "userMessage":
          return <UserMessageCard id={item.id} text={userMessageText(item)} />;
        case "agentMessage":
          return <AgentMessageCard id={item.id} text={item.text} streaming={streaming} cutShort={cutShort} />;
        case "reasoning":
          return <ReasoningCard id={item.id} summary={item.summary} content={item.content} streaming={streaming} />;
        case "commandExecution":
          return <CommandCard item={item} streaming={streaming} cutShort={cutShort} />;
        case "fileChange":
          return <FileChangeCard item={item} extraOutput={entry.extraOutput} streaming={streaming} />;
        default:
          return <OtherItemCard item={item} />;
      }
    }
  }
});
