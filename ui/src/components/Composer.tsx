import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { useAppView, useController } from "../state/hooks";
import type { QueuedPrompt } from "../generated/desk/QueuedPrompt";
import { completePrompt, matchingPrompts, namesPrompt } from "../state/promptMenu";

interface Props {
  sessionId: string;
  running: boolean;
  /** Follow-ups waiting for the running turn to end. */
  queued: QueuedPrompt[];
  /** They wait for the user: the last turn did not complete. */
  queueHeld: boolean;
}

/** How the steer shortcut is written on this machine. */
const STEER_KEYS = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform) ? "⌘Enter" : "Ctrl+Enter";

/**
 * Enter sends, Shift+Enter adds a line, Esc (or Stop) interrupts the running turn. While a turn
 * runs, Enter queues a follow-up (sent when the turn completes) and Ctrl+Enter (or Steer) adds the
 * text to the running turn. Typing `/` offers the user's custom prompts; Tab or Enter picks the
 * highlighted one.
 */
export function Composer({ sessionId, running, queued, queueHeld }: Props) {
  const controller = useController();
  const { prompts } = useAppView();
  const [text, setText] = useState("");
  const [highlight, setHighlight] = useState(0);
  const ref = useRef<HTMLTextAreaElement>(null);
  const suggestions = matchingPrompts(text, prompts);
  const chosen = suggestions[Math.min(highlight, suggestions.length - 1)];

  const pick = (name: string) => {
    const prompt = prompts.find((p) => p.name === name);
    if (!prompt) return;
    setText(completePrompt(prompt));
    setHighlight(0);
    ref.current?.focus();
  };

  useEffect(() => {
    ref.current?.focus();
  }, []);

  /** Sends now, or while a turn runs queues it (or steers the turn with it). */
  const send = async (how: "send" | "steer" = "send") => {
    const prompt = text.trim();
    if (!prompt) return;
    setText("");
    const ok = !running
      ? await controller.sendPrompt(sessionId, prompt)
      : how === "steer"
        ? await controller.steer(sessionId, prompt)
        : await controller.queuePrompt(sessionId, prompt);
    if (!ok) setText((current) => current || prompt);
    ref.current?.focus();
  };

  const stop = () => {
    if (running) void controller.interrupt(sessionId);
  };

  // Esc stops the running turn wherever the focus is.
  useEffect(() => {
    if (!running) return;
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key === "Escape" && !event.defaultPrevented) {
        event.preventDefault();
        void controller.interrupt(sessionId);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [running, controller, sessionId]);

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing) return;
    const steering = event.ctrlKey || event.metaKey;
    const completes = event.key === "Tab" || (event.key === "Enter" && !event.shiftKey && !steering && !namesPrompt(text, prompts));
    if (chosen && completes) {
      event.preventDefault();
      pick(chosen.name);
      return;
    }
    if (suggestions.length > 0 && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : suggestions.length - 1;
      setHighlight((h) => (h + step) % suggestions.length);
      return;
    }
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      void send(steering ? "steer" : "send");
    } else if (event.key === "Escape" && running) {
      event.preventDefault();
      stop();
    }
  };

  return (
    <form
      className="composer"
      aria-label="Composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      {queued.length > 0 && <QueuedList sessionId={sessionId} queued={queued} running={running} held={queueHeld} onDone={() => ref.current?.focus()} />}
      {suggestions.length > 0 && (
        <ul id={`prompt-menu-${sessionId}`} className="prompt-menu" role="listbox" aria-label="Custom prompts">
          {suggestions.map((p) => (
            <li
              key={p.name}
              id={`prompt-${sessionId}-${p.name}`}
              role="option"
              aria-selected={p === chosen}
              className={p === chosen ? "active" : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(p.name);
              }}
            >
              <span className="mono">/{p.name}</span>
              {p.argumentHint && <span className="muted mono small"> {p.argumentHint}</span>}
              {p.description && <span className="muted small"> — {p.description}</span>}
            </li>
          ))}
        </ul>
      )}
      <textarea
        ref={ref}
        aria-label="Message"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={suggestions.length > 0}
        aria-controls={suggestions.length > 0 ? `prompt-menu-${sessionId}` : undefined}
        aria-activedescendant={chosen ? `prompt-${sessionId}-${chosen.name}` : undefined}
        placeholder={
          running
            ? `Codex is working… Enter queues a follow-up, ${STEER_KEYS} steers this turn, Esc stops`
            : "Ask codex to do something (Enter to send, Shift+Enter for a new line)"
        }
        rows={3}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setHighlight(0);
        }}
        onKeyDown={onKeyDown}
      />
      <div className="composer-actions">
        <button type="button" aria-label="Stop" title="Stop (Esc)" disabled={!running} onClick={stop}>
          Stop
        </button>
        {running && (
          <button
            type="button"
            aria-label="Steer"
            title={`Add this to the running turn now (${STEER_KEYS})`}
            disabled={!text.trim()}
            onClick={() => void send("steer")}
          >
            Steer
          </button>
        )}
        {running ? (
          <button type="submit" className="primary" aria-label="Queue" title="Send when this turn ends (Enter)" disabled={!text.trim()}>
            Queue
          </button>
        ) : (
          <button type="submit" className="primary" aria-label="Send" title="Send (Enter)" disabled={!text.trim()}>
            Send
          </button>
        )}
      </div>
    </form>
  );
}

/** The follow-ups waiting for the turn to end; after a turn that failed or was stopped they wait for the user. */
function QueuedList({
  sessionId,
  queued,
  running,
  held,
  onDone,
}: {
  sessionId: string;
  queued: QueuedPrompt[];
  running: boolean;
  held: boolean;
  /** Gives the focus back to the message box once a button it was on is gone. */
  onDone: () => void;
}) {
  const controller = useController();
  const waitsForUser = held && !running;
  const status = running
    ? `Sent when this turn ends${queued.length > 1 ? ", one turn after another" : ""}:`
    : held
      ? "Waiting: the last turn did not complete. Send now, or remove:"
      : "Sending…";
  return (
    <section className="queued" aria-label="Queued follow-ups">
      <p className="small muted" aria-live="polite">
        {status}
      </p>
      <ol>
        {queued.map((q, i) => (
          <li key={q.id} className="queued-item">
            <span className="queued-text" title={q.text}>
              {q.text}
            </span>
            {waitsForUser && i === 0 && (
              <button
                type="button"
                className="small"
                onClick={async () => {
                  await controller.sendQueuedNow(sessionId, q.id);
                  onDone();
                }}
              >
                Send now
              </button>
            )}
            <button
              type="button"
              className="small"
              aria-label={`Remove queued follow-up ${i + 1}`}
              onClick={async () => {
                await controller.unqueue(sessionId, q.id);
                onDone();
              }}
            >
              Remove
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
