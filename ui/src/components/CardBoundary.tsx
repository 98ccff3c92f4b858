import { Component, type ReactNode } from "react";

interface Props {
  /** What the card shows, for the message when it cannot be shown. */
  kind: string;
  /** What the card shows: when it changes (more text, the whole item), it is tried again. */
  content: unknown;
  children: ReactNode;
}

interface State {
  failed: boolean;
  content: unknown;
}

/**
 * One card that fails to render shows as a line saying so, instead of taking the window down
 * with it (an item shaped in a way no check foresaw).
 */
export class CardBoundary extends Component<Props, State> {
  state: State = { failed: false, content: this.props.content };

  static getDerivedStateFromError(): Partial<State> {
    return { failed: true };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.content === state.content ? null : { failed: false, content: props.content };
  }

  componentDidCatch(error: unknown) {
    console.warn(`a ${this.props.kind} card could not be shown`, error);
  }

  render() {
    if (!this.state.failed) return this.props.children;
    return (
      <p className="small muted card-failed" role="note" data-kind={this.props.kind}>
        This {this.props.kind} item could not be shown. The rest of the session is fine.
      </p>
    );
  }
}
