//! The runner's part for joining someone else's inspection and for answering a failed item again
//! together with a step on its hazard (both through `ops`).

use super::action::Action;
use super::effects::Effect;
use crate::ops::{self, Ctx, HazardStep, OpsError};

pub fn run(ctx: &mut Ctx, effect: Effect) -> Result<Action, OpsError> {
    Ok(match effect {
        Effect::JoinInspection { inspection, then } => Action::Joined {
            inspection: Box::new(ops::join_inspection(ctx, inspection)?),
            then,
        },
        Effect::ReanswerWithStep {
            inspection,
            item,
            answer,
            finding,
            step,
        } => {
            let (insp, f) =
                ops::reanswer_with_step(ctx, inspection, &item, answer, finding, &step)?;
            let what = match step {
                HazardStep::Rectify(_) => "已登记整改",
                HazardStep::Retract(_) => "已撤销隐患",
            };
            Action::Reanswered {
                inspection: Box::new(insp),
                item_id: item,
                finding: Box::new(f),
                what: format!("已改为{}，{what}", answer.label()),
            }
        }
        _ => Action::Idle,
    })
}
