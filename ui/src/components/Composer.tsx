import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from "react";
import { useAppView, useController } from "../state/hooks";
import type { Attachment } from "../generated/desk/Attachment";
import type { ErrorPayload } from "../generated/desk/ErrorPayload";
import type { QueuedPrompt } from "../generated/desk/QueuedPrompt";
import { completePrompt, matchingPrompts, namesPrompt } from "../state/promptMenu";
import { withMod } from "./keys";

interface Props {
  sessionId: string;
  running: boolean;
  /** Follow-ups waiting for the running turn to end. */
  queued: QueuedPrompt[];
  /** They wait for the user: the last turn did not complete. */
  queueHeld: boolean;
}

/** The largest image the core takes (checked here too, before its bytes cross over). */
const LARGEST_IMAGE_BYTES = 20 * 1024 * 1024;

/** A file's bytes (FileReader: it is in every webview). */
function readBytes(file: Blob): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error ?? new Error("the image could not be read"));
    reader.readAsArrayBuffer(file);
  });
}

/** How the steer shortcut is written on this machine. */
const STEER_KEYS = withMod("Enter");

/**
 * Enter sends, Shift+Enter adds a line, Esc (or Stop) interrupts the running turn. While a turn
 * runs, Enter queues a follow-up (sent when the turn completes) and Ctrl+Enter (or Steer) adds the
 * text to the running turn. Typing `/` offers the user's custom prompts; Tab or Enter picks the
 * highlighted one.
 */
/** Where Esc belongs to what has the focus, not to Stop: fields, lists and open menus. */
const ESC_IS_LOCAL = "input, textarea, select, [contenteditable]:not([contenteditable='false']), details.menu[open], [role='menu'], [role='dialog'], [role='listbox']";

/** Whether Esc pressed with the focus on `target` is the user's Stop. */
export function escapeStops(target: EventTarget | null): boolean {
  return !(target instanceof Element && target.closest(ESC_IS_LOCAL));
}

export function Composer({ sessionId, running, queued, queueHeld }: Props) {
  const controller = useController();
  const { prompts, offers } = useAppView();
  const offer = offers[sessionId];
  const [text, setText] = useState("");
  const [highlight, setHighlight] = useState(0);
  /** Images kept for the next message. */
  const [images, setImages] = useState<Attachment[]>([]);
  const [imageError, setImageError] = useState<string | null>(null);
  const ref = useRef<HTMLTextAreaElement>(null);
  // Esc closes the prompt menu for the text as it is (typing opens it again).
  const [menuClosedAt, setMenuClosedAt] = useState<string | null>(null);
  const suggestions = menuClosedAt === text ? [] : matchingPrompts(text, prompts);
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

  // What waits for this box: a rolled-back turn's prompt, to edit and send again (after what
  // the user already typed, which stays), and images dropped on the window.
  const [taken, setTaken] = useState(0);
  if (offer && offer.serial !== taken) {
    setTaken(offer.serial);
    const { text: offeredText, attachments } = offer;
    if (offeredText !== null) setText((typed) => (typed.trim() ? `${typed.trimEnd()}\n\n${offeredText}` : offeredText));
    setImages((list) => [...list, ...attachments.filter((a) => !list.some((b) => b.path === a.path))]);
  }
  useEffect(() => {
    if (taken === 0) return;
    controller.takeOffer(sessionId, taken);
    ref.current?.focus();
  }, [controller, sessionId, taken]);

  const attach = async (image?: { name: string; bytes: Uint8Array }) => {
    const kept: Attachment | ErrorPayload | null = await controller.attachImage(sessionId, image);
    if (kept === null) return;
    if ("path" in kept) {
      setImages((list) => [...list, kept]);
      setImageError(null);
    } else {
      setImageError(kept.message);
    }
  };

  /** Images pasted into the message box are attached, not pasted as text. */
  const onPaste = (event: React.ClipboardEvent<HTMLTextAreaElement>) => {
    // Text copied from a spreadsheet or document often comes with a picture of itself: the
    // text is what the user meant.
    if (event.clipboardData.types.includes("text/plain")) return;
    const files = [...event.clipboardData.files].filter((f) => f.type.startsWith("image/"));
    if (files.length === 0) return;
    event.preventDefault();
    for (const file of files) {
      if (file.size > LARGEST_IMAGE_BYTES) {
        setImageError(`${file.name || "That image"} is over ${LARGEST_IMAGE_BYTES >> 20} MB: attach a smaller one.`);
        continue;
      }
      readBytes(file).then(
        (bytes) => attach({ name: file.name || "pasted image", bytes }),
        () => setImageError("The pasted image could not be read."),
      );
    }
  };

  /** Sends now, or while a turn runs queues it (or steers the turn with it). */
  const send = async (how: "send" | "steer" = "send") => {
    const prompt = text.trim();
    if (images.length > 0) {
      // Images go with a new message: not into a running turn or the queue.
      if (running) {
        setImageError("Images go with a new message: send it when this turn ends, or press Stop.");
        return;
      }
      const sending = images;
      setText("");
      setImages([]);
      const ok = await controller.sendPrompt(sessionId, prompt, sending.map((i) => i.path));
      if (!ok) {
        setText((current) => current || prompt);
        setImages(sending);
      }
      ref.current?.focus();
      return;
    }
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

  // Stop pressed and the turn not ended yet: the button says so (and cannot be pressed twice).
  const [stopping, setStopping] = useState(false);
  const [wasRunning, setWasRunning] = useState(running);
  if (wasRunning !== running) {
    setWasRunning(running);
    if (!running) setStopping(false);
  }
  const stop = useCallback(() => {
    if (!running) return;
    setStopping(true);
    // Not asked (the window says why): Stop can be pressed again.
    void controller.interrupt(sessionId).then((asked) => asked || setStopping(false));
  }, [running, controller, sessionId]);

  // Esc stops the running turn wherever the focus is, but where the user types or picks
  // something else (a rename, an answer, a form, a menu) Esc is theirs: it cancels that.
  useEffect(() => {
    if (!running) return;
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key === "Escape" && !event.defaultPrevented && escapeStops(event.target)) {
        event.preventDefault();
        stop();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [running, stop]);

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing) return;
    const steering = event.ctrlKey || event.metaKey;
    const completes = event.key === "Tab" || (event.key === "Enter" && !event.shiftKey && !steering && !namesPrompt(text, prompts));
    if (chosen && completes) {
      event.preventDefault();
      pick(chosen.name);
      return;
    }
    if (suggestions.length > 0 && event.key === "Escape") {
      event.preventDefault();
      setMenuClosedAt(text);
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
      {(images.length > 0 || imageError) && (
        <div className="attachments" role="group" aria-label="Attached images">
          {images.map((image, i) => (
            <span key={image.path} className="attachment">
              <span className="attachment-name">{image.name}</span>
              <button
                type="button"
                className="quiet small"
                aria-label={`Remove image ${image.name}`}
                onClick={() => {
                  setImages((list) => list.filter((_, n) => n !== i));
                  controller.discardAttachment(sessionId, image.path);
                  ref.current?.focus();
                }}
              >
                ×
              </button>
            </span>
          ))}
          {imageError && (
            <span className="inline-error small" role="alert">
              {imageError}
            </span>
          )}
        </div>
      )}
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
        title={`The message to codex (${withMod("L")} comes here)`}
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
          setMenuClosedAt(null);
        }}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
      />
      <div className="composer-actions">
        <button type="button" aria-label="Attach image" title="Attach an image (or paste one into the message)" onClick={() => void attach()}>
          <svg aria-hidden="true" width="16" height="16" viewBox="0 0 16 16">
            <rect x="1.5" y="2.5" width="13" height="11" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.4" />
            <circle cx="5.5" cy="6" r="1.3" fill="currentColor" />
            <path d="M2.5 12l4-4 3 3 2-2 2.5 2.5" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinejoin="round" />
          </svg>
        </button>
        <button type="button" aria-label="Stop" title="Stop (Esc)" disabled={!running || stopping} onClick={stop}>
          {stopping ? "Stopping…" : "Stop"}
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
          <button type="submit" className="primary" aria-label="Send" title="Send (Enter)" disabled={!text.trim() && images.length === 0}>
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
