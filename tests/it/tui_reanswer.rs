//! Field trial W17: passing a failed item and marking its hazard 已整改 (or retracting it) is one
//! append through `ops::reanswer_with_step`; leaving the note prompt changes nothing.

use crate::tui_support;

use tui_support::flow::*;
use tui_support::*;
use xuncha::domain::{Answer, Status};
use xuncha::tui::app::{Overlay, Screen};

fn state(h: &Harness) -> (Option<Answer>, Status, bool, u64) {
    let Some(Screen::Checklist(st)) = h
        .app
        .stack
        .iter()
        .rev()
        .find(|s| matches!(s, Screen::Checklist(_)))
    else {
        panic!("a checklist");
    };
    let item = &st.data.items[0].id;
    let ctx = &h.tui.runner.ctx;
    let insp = ctx
        .inspection_by_id(st.data.inspection.id)
        .unwrap()
        .unwrap();
    let f = ctx.raw_store().all_findings().next().unwrap().unwrap();
    (
        insp.answers.get(item).map(|a| a.answer),
        f.status,
        f.retracted,
        ctx.event_count(),
    )
}

#[test]
fn the_new_answer_and_the_step_are_one_write_and_esc_changes_nothing() {
    let mut h = harness(0);
    start_inspection(&mut h, "北苑社区卫生服务中心", "fire");
    type_text(&mut h, "f");
    type_text(&mut h, "疏散指示标志不亮");
    save_form(&mut h);
    press(&mut h, &["k"]);
    let (answer, status, _, events) = state(&h);
    assert_eq!((answer, status), (Some(Answer::Fail), Status::Open));

    // p → 标记已整改 → Esc at the note: the answer is not changed, nothing written.
    press(&mut h, &["p", "j", "enter"]);
    assert!(matches!(h.app.overlay, Some(Overlay::Prompt(_))));
    assert_eq!(state(&h).3, events, "nothing written before the note");
    press(&mut h, &["esc"]);
    assert_eq!(state(&h), (Some(Answer::Fail), Status::Open, false, events));
    assert_eq!(h.app.message.as_ref().unwrap().text, "未改答案");

    // p → 撤销隐患 with a reason: both stored by one append (two events, one write).
    press(&mut h, &["p", "j", "j", "enter"]);
    press(&mut h, &["enter"]);
    assert!(
        matches!(&h.app.overlay, Some(Overlay::Prompt(p)) if p.error.is_some()),
        "an empty reason is refused in the prompt"
    );
    assert_eq!(state(&h).3, events);
    type_text(&mut h, "重复登记");
    press(&mut h, &["enter"]);
    assert!(h.app.overlay.is_none());
    assert_eq!(
        state(&h),
        (Some(Answer::Pass), Status::Open, true, events + 2)
    );
    let msg = &h.app.message.as_ref().unwrap().text;
    assert!(
        msg.contains("已改为合格") && msg.contains("已撤销隐患"),
        "{msg}"
    );
    let Screen::Checklist(st) = h.app.screen() else {
        panic!("back on the checklist");
    };
    assert_eq!(st.cursor, 1, "moved on");
    assert!(
        st.data.hazards.is_empty(),
        "the retracted hazard left the checklist"
    );
}
