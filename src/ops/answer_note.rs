//! The note (备注) of an answer, written or changed after the answer (D23: the CLI gives it
//! with `inspection answer --note`; the TUI adds or changes it on an answered item).

use super::inspection::{answer_payload, inspection_by_id};
use super::{Ctx, Input, OpsError, Result};
use crate::domain::Inspection;
use uuid::Uuid;

/// Sets the note of `item_id`'s answer to `note` (empty: no note), keeping the answer: the
/// answer is recorded again with the new note, superseding the one shown, so the history keeps
/// both. Written and flushed before it returns.
///
/// # Errors
/// `Invalid` naming [`Input::Comment`] when the item has no answer yet or two inspectors'
/// answers cross (settle them first: a note must not settle them by the way); what
/// [`super::answer`] refuses otherwise (a finished inspection, someone not among its
/// inspectors, a note over the length limit); `Store` when the log cannot be written.
pub fn set_answer_note(
    ctx: &mut Ctx,
    inspection_id: Uuid,
    item_id: &str,
    note: &str,
) -> Result<Inspection> {
    let insp = inspection_by_id(ctx, inspection_id)?;
    if insp.answer_conflicts.contains_key(item_id) {
        return Err(OpsError::invalid(
            Input::Comment,
            "该项有回答冲突：先重新作答裁定，再写备注",
        ));
    }
    let Some(current) = insp.answers.get(item_id) else {
        return Err(OpsError::invalid(
            Input::Comment,
            "该项还没有作答：先作答（合格、不合格或不适用），再写备注",
        ));
    };
    // Checked here first so a face names the note as 备注, not by the CLI's flag.
    let note = super::limited(Input::Comment.label(), note, super::MAX_TEXT_CHARS)?;
    let payload = answer_payload(ctx, inspection_id, item_id, current.answer, &note)?;
    let author = ctx.author.clone();
    ctx.store.append(&author, &ctx.now, vec![payload])?;
    inspection_by_id(ctx, inspection_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Answer;

    /// A fire-line inspection by 王检查 and its first item.
    fn started() -> (tempfile::TempDir, Ctx, Uuid, String) {
        let (dir, mut ctx) = crate::ops::test_support::ctx();
        let (id, item) = crate::ops::test_support::fire_inspection(&mut ctx);
        (dir, ctx, id, item)
    }

    #[test]
    fn a_note_is_added_changed_and_cleared_keeping_the_answer() {
        let (_d, mut ctx, id, item) = started();
        crate::ops::answer(&mut ctx, id, &item, Answer::Fail, "").unwrap();
        let i = set_answer_note(&mut ctx, id, &item, "二楼东侧灭火器压力不足").unwrap();
        assert_eq!(i.answers[&item].answer, Answer::Fail);
        assert_eq!(i.answers[&item].note, "二楼东侧灭火器压力不足");
        let i = set_answer_note(&mut ctx, id, &item, "").unwrap();
        assert_eq!(i.answers[&item].note, "");
        assert_eq!(i.answers[&item].answer, Answer::Fail);
    }

    #[test]
    fn an_unanswered_item_is_refused_naming_the_note() {
        let (_d, mut ctx, id, item) = started();
        let e = set_answer_note(&mut ctx, id, &item, "备注").unwrap_err();
        let OpsError::Invalid { field, message } = e else {
            panic!("{e:?}")
        };
        assert_eq!(field, Input::Comment);
        assert!(message.contains("先作答"), "{message}");
    }
}
