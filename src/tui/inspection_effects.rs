//! The runner's part for joining someone else's inspection, for answering a failed item again
//! together with a step on its hazard, and for an answer's note (all through `ops`).

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
            retract,
            note,
            name,
            role,
        } => {
            let (step, what) = if retract {
                (HazardStep::Retract(note), "已撤销隐患")
            } else {
                let by = ops::signer(ops::REPORTER, &name, &role)?;
                (HazardStep::Rectify { note, by }, "已登记整改")
            };
            let (insp, f) =
                ops::reanswer_with_step(ctx, inspection, &item, answer, finding, &step)?;
            Action::Reanswered {
                inspection: Box::new(insp),
                item_id: item,
                finding: Box::new(f),
                what: format!("已改为{}，{what}", answer.label()),
            }
        }
        Effect::AnswerNote {
            inspection,
            item,
            note,
        } => Action::NoteSaved {
            inspection: ops::set_answer_note(ctx, inspection, &item, &note)?,
            item_id: item,
        },
        _ => Action::Idle,
    })
}
