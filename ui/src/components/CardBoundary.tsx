import { Component, type ReactNode } from "react";

interface Props {
  /** What the card shows, for the message when it cannot be shown. */
  kind: string;
  children: ReactNode;
}

/**
 * One card that fails to render shows as a line saying so, instead of taking the window down
 * with it (an item shaped in a way no check foresaw).
 */
export class CardBoundary extends Component<Props, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
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
