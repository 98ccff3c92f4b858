import type { PlanItem } from "../../state/items";
import { Markdown } from "../Markdown";
import { Card } from "./Card";

const marks = { completed: "✓", inProgress: "•", pending: "" } as const;
const states = { completed: "done", inProgress: "in progress", pending: "to do" } as const;

/** The agent's plan for its turn: a checklist, updated in place as codex works through it. */
export function PlanCard({ plan }: { plan: PlanItem }) {
  const done = plan.plan.filter((s) => s.status === "completed").length;
  const label = `Plan, ${done} of ${plan.plan.length} done`;
  return (
    <Card kind="plan" itemId={plan.id} label={label}>
      <p className="small muted plan-head">
        <strong>Plan</strong> · {done} of {plan.plan.length} done
      </p>
      {plan.explanation && <p className="small plan-why">{plan.explanation}</p>}
      <ol className="plan-steps">
        {plan.plan.map((step, index) => {
          const status = step.status in marks ? step.status : "pending";
          return (
            <li key={index} className={`plan-step plan-${status}`} aria-label={`${step.step} (${states[status]})`}>
              <span className="plan-mark" aria-hidden="true">
                {marks[status]}
              </span>
              <span className="plan-text">{step.step}</span>
            </li>
          );
        })}
      </ol>
    </Card>
  );
}

/** A plan codex proposes in Plan mode (Markdown it wrote), before any work. */
export function ProposedPlanCard({ id, text, streaming }: { id: string; text: string; streaming: boolean }) {
  return (
    <Card kind="plan" itemId={id} label="Proposed plan" busy={streaming}>
      <p className="small muted plan-head">
        <strong>Proposed plan</strong>
      </p>
      {text ? <Markdown text={text} streaming={streaming} /> : <p className="muted">Writing…</p>}
    </Card>
  );
}
