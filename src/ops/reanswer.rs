//! A failed item answered again, and a step on its hazard taken with it (field trial W17): the
//! new answer and the rectification or retraction are one append, flushed once, so a crash
//! between them cannot leave the item passed with its hazard untouched (or the reverse).

use super::{Ctx, Result, finding, inspection};
use crate::domain::{Answer, Finding, Inspection};
use uuid::Uuid;

/// What becomes of the hazard of an item whose 不合格 is answered again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HazardStep {
    /// 已整改, with the 整改落实情况 (required) and the facility's 整改报告人 if given.
    Rectify {
        note: String,
        by: Option<crate::domain::Signer>,
    },
    /// 撤销 (recorded in error), with the reason (required).
    Retract(String),
}

/// Answers `item` of `inspection_id` with `answer` and takes `step` on `finding_id`, in one
/// append: both are stored or neither is.
///
/// # Errors
/// What [`super::answer`], [`super::rectify`] and [`super::retract`] refuse (a finished or
/// someone else's inspection, an empty note, a step out of order); then nothing was written.
pub fn reanswer_with_step(
    ctx: &mut Ctx,
    inspection_id: Uuid,
    item: &str,
    answer: Answer,
    finding_id: Uuid,
    step: &HazardStep,
) -> Result<(Inspection, Finding)> {
    let answered = inspection::answer_payload(ctx, inspection_id, item, answer, "")?;
    let stepped = match step {
        HazardStep::Rectify { note, by } => {
            finding::rectify_payload(ctx, finding_id, note, None, by.clone())?
        }
        HazardStep::Retract(reason) => finding::retract_payload(ctx, finding_id, reason)?,
    };
    let author = ctx.author.clone();
    ctx.store
        .append(&author, &ctx.now, vec![answered, stepped])?;
    Ok((
        inspection::inspection_by_id(ctx, inspection_id)?,
        ctx.finding_by_id(finding_id)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::test_support::ctx;
    use crate::ops::{NewFinding, answer, record_finding};

    fn failed_item(ctx: &mut Ctx) -> (Uuid, String, Uuid) {
        let (insp, item) = crate::ops::test_support::fire_inspection(ctx);
        answer(ctx, insp, &item, Answer::Fail, "").unwrap();
        let f = record_finding(
            ctx,
            NewFinding {
                inspection: Some(insp),
                item_id: Some(item.clone()),
                description: "灭火器压力不足".into(),
                ..Default::default()
            },
        )
        .unwrap();
        (insp, item, f.id)
    }

    #[test]
    fn the_answer_and_the_step_are_one_append() {
        let (_d, mut ctx) = ctx();
        let (insp, item, f) = failed_item(&mut ctx);
        let before = ctx.event_count();
        let step = HazardStep::Rectify {
            note: "已更换灭火器".into(),
            by: None,
        };
        let (i, f) = reanswer_with_step(&mut ctx, insp, &item, Answer::Pass, f, &step).unwrap();
        assert_eq!(ctx.event_count(), before + 2, "two events");
        assert_eq!(i.answers[&item].answer, Answer::Pass);
        assert_eq!(f.status, crate::domain::Status::Rectified);
        // One append: both events carry the same write (consecutive seqs of this device, one
        // flush); a refused step writes neither.
        let before = ctx.event_count();
        let bad = HazardStep::Retract("  ".into());
        let err = reanswer_with_step(&mut ctx, insp, &item, Answer::Na, f.id, &bad).unwrap_err();
        assert!(err.to_string().contains("撤销原因"), "{err}");
        assert_eq!(ctx.event_count(), before, "nothing written");
        let i = ctx.inspection_by_id(insp).unwrap().unwrap();
        assert_eq!(i.answers[&item].answer, Answer::Pass, "answer unchanged");
    }
}
