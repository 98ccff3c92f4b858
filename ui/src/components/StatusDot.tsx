import { dotLabel, type DotState } from "../state/sessionGroups";

/** A coloured dot with its meaning as text for assistive technology and tooltips. */
export function StatusDot({ state }: { state: DotState }) {
  return <span className={`dot dot-${state}`} role="img" aria-label={dotLabel[state]} title={dotLabel[state]} />;
}
