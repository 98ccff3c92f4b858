//! Tokens per turn. Codex counts the thread's tokens after each request to the model; a turn's
//! own use is the count at its last request less the count before the turn began.

use std::collections::HashMap;

use codex_desk_protocol::{TokenCounts, TurnUsage};

use crate::codex::wire::{ThreadTokenUsage, TokenBreakdown};

/// Follows one session's counts while its codex runs.
#[derive(Debug, Default)]
pub(super) struct UsageTracker {
    /// The thread's count at the last update (or as stored at the end of the last turn).
    session: Option<TokenCounts>,
    /// Each turn's starting count.
    before: HashMap<String, TokenCounts>,
}

impl UsageTracker {
    /// Starts from what the store kept of the session's last counted turn.
    pub(super) fn after(last: Option<TurnUsage>) -> Self {
        Self {
            session: last.map(|u| u.session),
            before: HashMap::new(),
        }
    }

    /// The turn's use after codex's update for it.
    pub(super) fn update(&mut self, turn_id: &str, usage: &ThreadTokenUsage) -> TurnUsage {
        let session = counts(&usage.total);
        let earlier = self.session;
        let before = *self.before.entry(turn_id.to_string()).or_insert_with(|| {
            // A count below the last one starts again from nothing (a codex that did not
            // carry the thread's count over a restart).
            earlier
                .filter(|e| e.total <= session.total)
                .unwrap_or_default()
        });
        self.session = Some(session);
        TurnUsage {
            turn: minus(session, before),
            session,
            context_tokens: usage.last.total_tokens,
            context_window: usage.model_context_window,
        }
    }
}

fn counts(b: &TokenBreakdown) -> TokenCounts {
    TokenCounts {
        total: b.total_tokens,
        input: b.input_tokens,
        cached_input: b.cached_input_tokens,
        output: b.output_tokens,
        reasoning_output: b.reasoning_output_tokens,
    }
}

fn minus(a: TokenCounts, b: TokenCounts) -> TokenCounts {
    TokenCounts {
        total: (a.total - b.total).max(0),
        input: (a.input - b.input).max(0),
        cached_input: (a.cached_input - b.cached_input).max(0),
        output: (a.output - b.output).max(0),
        reasoning_output: (a.reasoning_output - b.reasoning_output).max(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thread(total: i64, input: i64, last: i64) -> ThreadTokenUsage {
        let breakdown = |total: i64, input: i64| TokenBreakdown {
            total_tokens: total,
            input_tokens: input,
            cached_input_tokens: input / 2,
            output_tokens: total - input,
            reasoning_output_tokens: 0,
        };
        ThreadTokenUsage {
            total: breakdown(total, input),
            last: breakdown(last, last),
            model_context_window: Some(200_000),
        }
    }

    #[test]
    fn a_turn_counts_from_where_the_last_one_ended() {
        let mut tracker = UsageTracker::default();
        // Two requests in the first turn: its use is the thread's count at the second.
        tracker.update("t1", &thread(1_000, 900, 1_000));
        let first = tracker.update("t1", &thread(2_500, 2_200, 1_500));
        assert_eq!(first.turn.total, 2_500);
        assert_eq!(first.context_tokens, 1_500);
        assert_eq!(first.context_window, Some(200_000));

        let second = tracker.update("t2", &thread(4_000, 3_500, 1_600));
        assert_eq!(second.turn.total, 1_500);
        assert_eq!(second.turn.input, 1_300);
        assert_eq!(second.turn.cached_input, 650);
        assert_eq!(second.session.total, 4_000);
    }

    #[test]
    fn after_a_restart_it_goes_on_from_the_stored_count_or_from_nothing() {
        let stored = UsageTracker::default().update("t1", &thread(3_000, 2_000, 3_000));
        let mut carried = UsageTracker::after(Some(stored));
        assert_eq!(
            carried.update("t2", &thread(3_400, 2_300, 400)).turn.total,
            400
        );
        // Codex started its count again: the turn's own count is all of it.
        let mut restarted = UsageTracker::after(Some(stored));
        assert_eq!(
            restarted.update("t2", &thread(700, 500, 700)).turn.total,
            700
        );
    }
}
