//! Tokens per turn. Codex counts the thread's tokens after each request to the model; a turn's
//! own use is the count at its last request less the count before the turn began.

use std::collections::HashMap;

use codex_desk_protocol::{TokenCounts, TurnUsage};

use crate::codex::wire::{ThreadTokenUsage, TokenBreakdown};

/// Follows one session's turns while its codex runs.
#[derive(Debug, Default)]
pub(super) struct UsageTracker {
    /// Each turn's count before it began.
    before: HashMap<String, TokenCounts>,
}

impl UsageTracker {
    /// The turn's use after codex's update for it.
    pub(super) fn update(&mut self, turn_id: &str, usage: &ThreadTokenUsage) -> TurnUsage {
        let session = counts(&usage.total);
        // Codex counts after each request: at the first one of a turn, the count before the
        // turn is the count less that request, whether codex carried the thread's count over
        // a restart or began it again.
        let before = *self
            .before
            .entry(turn_id.to_string())
            .or_insert_with(|| minus(session, counts(&usage.last)));
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

    /// Codex's count: the thread's (input, output) so far and its last request's.
    fn thread(total: (i64, i64), last: (i64, i64)) -> ThreadTokenUsage {
        let breakdown = |(input, output): (i64, i64)| TokenBreakdown {
            total_tokens: input + output,
            input_tokens: input,
            cached_input_tokens: input / 2,
            output_tokens: output,
            reasoning_output_tokens: 0,
        };
        ThreadTokenUsage {
            total: breakdown(total),
            last: breakdown(last),
            model_context_window: Some(200_000),
        }
    }

    #[test]
    fn a_turn_counts_from_where_it_began() {
        let mut tracker = UsageTracker::default();
        // Two requests in the first turn: its use is the thread's count at the second.
        tracker.update("t1", &thread((900, 100), (900, 100)));
        let first = tracker.update("t1", &thread((2_200, 300), (1_300, 200)));
        assert_eq!(first.turn.total, 2_500);
        assert_eq!(first.context_tokens, 1_500);
        assert_eq!(first.context_window, Some(200_000));

        // The second turn: one request, then another.
        let second = tracker.update("t2", &thread((3_500, 500), (1_300, 200)));
        assert_eq!(second.turn.total, 1_500);
        assert_eq!(second.turn.input, 1_300);
        assert_eq!(second.turn.output, 200);
        assert_eq!(second.session.total, 4_000);
        let second = tracker.update("t2", &thread((4_000, 600), (500, 100)));
        assert_eq!(second.turn.total, 2_100);
        assert_eq!(second.turn.input, 1_800);
        assert_eq!(second.context_tokens, 600);
    }

    #[test]
    fn after_a_restart_a_turn_counts_its_own_whether_codex_carried_the_count_or_not() {
        // A new codex (a new tracker) for a thread that had used 3,000 tokens before.
        let carried = UsageTracker::default().update("t2", &thread((2_300, 1_100), (300, 100)));
        assert_eq!(carried.turn.total, 400);
        assert_eq!(carried.session.total, 3_400);
        let begun_again = UsageTracker::default().update("t2", &thread((300, 100), (300, 100)));
        assert_eq!(begun_again.turn.total, 400);
        assert_eq!(begun_again.session.total, 400);
    }
}
