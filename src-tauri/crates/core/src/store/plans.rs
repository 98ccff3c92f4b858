//! The agent's plan for a turn (codex's `turn/plan/updated`, its to-do list with each step's
//! state), kept in the transcript as an item of its own kind where it was first made, and
//! replaced whole as codex updates it: a restart shows the plan as it last stood.

use serde_json::json;

use super::NewItem;
use crate::codex::wire::TurnPlanUpdated;

/// The kind of item a plan is stored as (no codex item has it).
pub const KIND: &str = "deskPlan";

/// The item id of turn `turn_id`'s plan.
pub fn item_id(turn_id: &str) -> String {
    format!("plan-{turn_id}")
}

/// The item the plan is stored as (the same one each update replaces).
pub(super) fn item(session_id: &str, plan: &TurnPlanUpdated) -> NewItem {
    let id = item_id(&plan.turn_id);
    NewItem {
        session_id: session_id.to_string(),
        turn_id: plan.turn_id.clone(),
        item_id: id.clone(),
        kind: KIND.to_string(),
        json: json!({
            "type": KIND,
            "id": id,
            "explanation": plan.explanation,
            "plan": plan.plan,
        })
        .to_string(),
    }
}
