import { useState } from "react";
import { useDraft } from "./formDrafts";
import type { FieldInput } from "../../generated/desk/FieldInput";
import type { FormField } from "../../generated/desk/FormField";

/** A field's starting value: the server's default, else empty. */
function initial(input: FieldInput): unknown {
  switch (input.type) {
    case "text":
      return input.default ?? "";
    case "number":
      return input.default === null ? "" : String(input.default);
    case "boolean":
      // Untouched and without a default: not answered (unless required: unticked is "no").
      return input.default;
    case "choice":
      return input.many ? input.default : (input.default[0] ?? "");
  }
}

/** What the form sends: numbers as numbers, empty fields left out (the app checks the rest). */
export function formContent(fields: FormField[], values: Record<string, unknown>): Record<string, unknown> {
  const content: Record<string, unknown> = {};
  for (const field of fields) {
    const value = field.input.type === "boolean" && field.required ? (values[field.name] ?? false) : values[field.name];
    if (value === undefined || value === null || value === "") continue;
    if (field.input.type === "number") {
      const number = Number(value);
      content[field.name] = Number.isFinite(number) && String(value).trim() !== "" ? number : value;
    } else content[field.name] = value;
  }
  return content;
}

const TEXT_TYPES: Record<string, string> = { email: "email", uri: "url", date: "date" };

/**
 * An MCP server's form: each field as the input its type asks for (text, number, yes/no, one or
 * several options), required ones marked. Send hands what is filled in to `onSend`, which says
 * what is wrong (shown here, the form kept) or null; Decline sends nothing.
 */
export function ElicitationForm({
  fields,
  formKey,
  draftKey,
  sending,
  onSend,
  onDecline,
}: {
  fields: FormField[];
  formKey: string;
  /** Where what is filled in is kept while the card is out of view. */
  draftKey: string;
  sending: boolean;
  onSend: (content: Record<string, unknown>) => Promise<string | null>;
  onDecline: () => void;
}) {
  const [values, setValues] = useDraft<Record<string, unknown>>(draftKey, () => Object.fromEntries(fields.map((f) => [f.name, initial(f.input)])));
  const [problem, setProblem] = useState<string | null>(null);
  const set = (name: string, value: unknown) => setValues((v) => ({ ...v, [name]: value }));
  return (
    <form
      className="questions elicitation-form"
      aria-label="The server's form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void onSend(formContent(fields, values)).then(setProblem);
      }}
    >
      {fields.map((field) => {
        const id = `${formKey}:${field.name}`;
        const label = (
          <>
            {field.title}
            {field.required && <span aria-hidden="true"> *</span>}
          </>
        );
        const hint = field.description && <p className="small muted">{field.description}</p>;
        const input = field.input;
        if (input.type === "boolean") {
          return (
            <div key={field.name} className="question">
              <label className="question-option">
                <input type="checkbox" checked={values[field.name] === true} onChange={(e) => set(field.name, e.target.checked)} />
                <span>{label}</span>
              </label>
              {hint}
            </div>
          );
        }
        if (input.type === "choice") {
          const picked = values[field.name];
          return (
            <fieldset key={field.name} className="question" aria-required={field.required}>
              <legend>{label}</legend>
              {hint}
              {input.options.map((option) => (
                <label key={option.value} className="question-option">
                  <input
                    type={input.many ? "checkbox" : "radio"}
                    name={id}
                    value={option.value}
                    checked={input.many ? Array.isArray(picked) && picked.includes(option.value) : picked === option.value}
                    onChange={(e) => {
                      if (!input.many) return set(field.name, option.value);
                      const now = Array.isArray(picked) ? (picked as string[]) : [];
                      set(field.name, e.target.checked ? [...now, option.value] : now.filter((v) => v !== option.value));
                    }}
                  />
                  <span>{option.label}</span>
                </label>
              ))}
            </fieldset>
          );
        }
        return (
          <div key={field.name} className="question">
            <label htmlFor={id} className="field-label">
              {label}
            </label>
            {hint}
            <input
              id={id}
              className="question-other"
              autoComplete="off"
              aria-required={field.required}
              type={input.type === "number" ? "number" : (TEXT_TYPES[input.format ?? ""] ?? "text")}
              step={input.type === "number" ? (input.integer ? 1 : "any") : undefined}
              min={input.type === "number" ? (input.minimum ?? undefined) : undefined}
              max={input.type === "number" ? (input.maximum ?? undefined) : undefined}
              maxLength={input.type === "text" ? (input.maxLength ?? undefined) : undefined}
              placeholder={input.type === "text" && input.format === "date-time" ? "YYYY-MM-DDThh:mm:ssZ" : undefined}
              value={String(values[field.name] ?? "")}
              onChange={(e) => set(field.name, e.target.value)}
            />
          </div>
        );
      })}
      {problem && (
        <p className="inline-error" role="alert">
          {problem}
        </p>
      )}
      <div className="approval-choices" role="group" aria-label="Your answer">
        <button type="submit" className="primary" disabled={sending}>
          Send
        </button>
        <button type="button" disabled={sending} onClick={onDecline}>
          Decline
        </button>
      </div>
    </form>
  );
}
