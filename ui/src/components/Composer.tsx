import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { useController } from "../state/hooks";

interface Props {
  sessionId: string;
  running: boolean;
}

/** Enter sends, Shift+Enter adds a line, Esc (or Stop) interrupts the running turn. */
export function Composer({ sessionId, running }: Props) {
  const controller = useController();
  const [text, setText] = useState("");
  const ref = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    ref.current?.focus();
  }, []);

  const send = async () => {
    const prompt = text.trim();
    if (!prompt || running) return;
    setText("");
    const ok = await controller.sendPrompt(sessionId, prompt);
    if (!ok) setText((current) => current || prompt);
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
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    } else if (event.key === "Escape" && running) {
      event.preventDefault();
      stop();
    }
  };

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <textarea
        ref={ref}
        aria-label="Message"
        placeholder={running ? "Codex is working… (Esc to stop)" : "Ask codex to do something (Enter to send, Shift+Enter for a new line)"}
        rows={3}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="composer-actions">
        <button type="button" aria-label="Stop" title="Stop (Esc)" disabled={!running} onClick={stop}>
          Stop
        </button>
        <button type="submit" className="primary" aria-label="Send" title="Send (Enter)" disabled={running || !text.trim()}>
          Send
        </button>
      </div>
    </form>
  );
}
