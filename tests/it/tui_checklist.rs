//! The checklist as an inspector types it, through the real keymap: keys typed faster than the
//! worker answers act on the items they were meant for; `f` is a draft until Ctrl-s saves the
//! answer and the hazard together; leaving a form asks; passing a failed item asks about its
//! hazard; a hazard outside the checklist; the summary on finishing.

use crate::tui_support;

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_support::flow::*;
use tui_support::*;
use xuncha::domain::{Answer, Status};
use xuncha::tui::app::{Overlay, Screen};
use xuncha::tui::choice::ChoiceKind;
use xuncha::tui::effects::Effect;
use xuncha::tui::update::update;

fn checklist(h: &Harness) -> &xuncha::tui::app::ChecklistState {
    match h.app.screen() {
        Screen::Checklist(c) => c,
        other => panic!("expected the checklist, got {other:?}"),
    }
}

fn stored(h: &Harness, item: &str) -> Option<Answer> {
    let id = h
        .app
        .stack
        .iter()
        .find_map(|s| match s {
            Screen::Checklist(c) => Some(c.data.inspection.id),
            _ => None,
        })
        .expect("a checklist under the screen");
    let insp = h.tui.runner.ctx.inspection_by_id(id).unwrap().unwrap();
    insp.answers.get(item).map(|a| a.answer)
}

/// Keys taken by `update` while the worker is busy: the effects queue up, unrun.
fn type_ahead(h: &mut Harness, keys: &[char]) -> Vec<Effect> {
    let mut queued = Vec::new();
    for c in keys {
        let ev = Event::Key(KeyEvent::new(KeyCode::Char(*c), KeyModifiers::NONE));
        if let Some(a) = h.tui.action_for(&h.app, &ev) {
            queued.extend(update(&mut h.app, a));
        }
    }
    queued
}

/// The worker catches up: each queued effect runs and its result comes back.
fn catch_up(h: &mut Harness, queued: Vec<Effect>) {
    for e in queued {
        let now = h.app.now;
        let result = h.tui.runner.run(e, now);
        h.tui.dispatch(&mut h.app, result);
    }
}

fn items(h: &Harness) -> Vec<String> {
    checklist(h)
        .data
        .items
        .iter()
        .map(|i| i.id.clone())
        .collect()
}

#[test]
fn p_p_p_f_typed_fast_answers_three_items_and_opens_the_fourth() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    let ids = items(&h);
    let mut queued = type_ahead(&mut h, &['p', 'p', 'p']);
    let t = draw(&h, 80, 24);
    insta::assert_snapshot!("checklist_answers_pending_80x24", screen_text(&h, &t));
    queued.extend(type_ahead(&mut h, &['f']));
    // Before the worker has answered anything: three answers shown pending, the form is for
    // the fourth item, and nothing is stored yet.
    // f sends no answer, only the ask for the facility's places (the 部位 picker).
    assert_eq!(
        queued.len(),
        4,
        "three answers and the place list: {queued:?}"
    );
    assert!(
        matches!(queued[3], Effect::LoadPlaces(_)),
        "f asks for the places only: {:?}",
        queued[3]
    );
    let Screen::Form(f) = h.app.screen() else {
        panic!("f opens the form of the fourth item: {:?}", h.app.screen());
    };
    assert_eq!(f.item.as_ref().unwrap().id, ids[3]);
    let c = match &h.app.stack[h.app.stack.len() - 2] {
        Screen::Checklist(c) => c,
        _ => panic!(),
    };
    assert_eq!(c.pending.len(), 3);
    assert!((0..3).all(|i| c.answer(i) == Some(Answer::Pass) && c.is_pending(i)));
    assert_eq!(h.tui.runner.ctx.raw_store().finding_count(), 0);

    catch_up(&mut h, queued);
    save_form(&mut h);
    assert!(matches!(h.app.screen(), Screen::Checklist(_)));
    for id in &ids[..3] {
        assert_eq!(stored(&h, id), Some(Answer::Pass), "{id}");
    }
    assert_eq!(stored(&h, &ids[3]), Some(Answer::Fail));
    let c = checklist(&h);
    assert!(c.pending.is_empty());
    assert_eq!(c.cursor, 4, "the cursor is past the failed item");
    assert_eq!(h.tui.runner.ctx.raw_store().finding_count(), 1);
}

#[test]
fn a_refused_answer_puts_the_cursor_back_with_the_reason() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    let ids = items(&h);
    let queued = type_ahead(&mut h, &['p', 'p']);
    assert_eq!(checklist(&h).cursor, 2);
    // Someone finishes the inspection before the worker gets to the answers.
    let id = checklist(&h).data.inspection.id;
    xuncha::ops::finish_inspection(&mut h.tui.runner.ctx, id).unwrap();
    catch_up(&mut h, queued);
    let c = checklist(&h);
    assert!(c.pending.is_empty(), "refused answers are not shown");
    assert_eq!(c.answer(0), None);
    assert_eq!(c.cursor, 0, "back on the first refused item");
    let msg = &h.app.message.as_ref().unwrap().text;
    assert!(msg.contains("未保存") && msg.contains("已结束"), "{msg}");
    assert_eq!(stored(&h, &ids[0]), None);
}

#[test]
fn f_is_a_draft_until_saved_and_leaving_asks() {
    let mut h = harness(0);
    start_inspection(&mut h, "南湖镇卫生院", "fire");
    let ids = items(&h);
    press(&mut h, &["f"]);
    assert_eq!(stored(&h, &ids[0]), None, "f stores nothing by itself");
    type_text(&mut h, "住院部5楼");
    // Esc asks: keep typing, fail without a hazard, or discard.
    press(&mut h, &["esc"]);
    let Some(Overlay::Choice(c)) = &h.app.overlay else {
        panic!("Esc asks first: {:?}", h.app.overlay);
    };
    assert!(matches!(c.kind, ChoiceKind::LeaveForm(_)));
    assert!(c.options.iter().any(|o| o.contains("不合格，暂不登记隐患")));
    press(&mut h, &["esc"]);
    assert!(
        h.app.overlay.is_none(),
        "Esc in the question keeps the form"
    );
    assert!(matches!(h.app.screen(), Screen::Form(_)));
    // Choose "不合格，暂不登记隐患" explicitly: the answer alone is stored.
    press(&mut h, &["esc", "j", "enter"]);
    assert_eq!(stored(&h, &ids[0]), Some(Answer::Fail));
    assert_eq!(h.tui.runner.ctx.raw_store().finding_count(), 0);
    assert_eq!(checklist(&h).cursor, 1);
    // F names it; u goes to it.
    press(&mut h, &["F"]);
    let Some(Overlay::Summary(s)) = &h.app.overlay else {
        panic!("F shows what is left: {:?}", h.app.overlay);
    };
    assert!(!s.finished);
    assert_eq!(s.failed_without_hazard.len(), 1);
    assert_eq!(s.failed_without_hazard[0].0, ids[0]);
    press(&mut h, &["u"]);
    assert!(h.app.overlay.is_none());
    assert_eq!(checklist(&h).cursor, 0);
    // Reopening the inspection names it too.
    press(&mut h, &["esc"]);
    press(&mut h, &["enter"]);
    let msg = &h.app.message.as_ref().unwrap().text;
    assert!(msg.contains("1 项不合格未登记隐患"), "{msg}");
}

#[test]
fn ctrl_c_in_a_typed_form_asks_and_the_draft_comes_back_on_reopen() {
    let mut h = harness(0);
    start_inspection(&mut h, "南湖镇卫生院", "fire");
    let ids = items(&h);
    press(&mut h, &["p", "f"]);
    type_text(&mut h, "住院部5楼");
    press(&mut h, &["ctrl-c"]);
    assert!(!h.app.quit, "Ctrl-c with typed text asks first");
    let Some(Overlay::Choice(c)) = &h.app.overlay else {
        panic!("a question: {:?}", h.app.overlay);
    };
    assert!(c.options[1].contains("保留草稿"), "{:?}", c.options);
    press(&mut h, &["j", "enter"]);
    assert!(h.app.quit);
    assert_eq!(stored(&h, &ids[1]), None, "the item is not answered");

    let dir = h.dir;
    drop(h.tui);
    let mut h = open(dir, INSPECTOR);
    let msg = &h.app.message.as_ref().unwrap().text;
    assert!(msg.contains("未保存的隐患草稿"), "home says so: {msg}");
    press(&mut h, &["enter"]);
    let Screen::Form(f) = h.app.screen() else {
        panic!("the draft is back: {:?}", h.app.screen());
    };
    assert_eq!(f.location.text(), "住院部5楼");
    assert_eq!(f.item.as_ref().unwrap().id, ids[1]);
    assert!(f.fail);
    assert!(h.app.message.as_ref().unwrap().text.contains("已恢复"));
    save_form(&mut h);
    assert_eq!(stored(&h, &ids[1]), Some(Answer::Fail));
    let f = first_finding(&h);
    assert_eq!(f.location, "住院部5楼");
    // Saved: the draft is gone, so a third session opens no form.
    let dir = h.dir;
    drop(h.tui);
    let mut h = open(dir, INSPECTOR);
    press(&mut h, &["enter"]);
    assert!(matches!(h.app.screen(), Screen::Checklist(_)));
}

#[test]
fn a_damaged_draft_file_is_named_and_nothing_else_changes() {
    let mut h = harness(0);
    start_inspection(&mut h, "南湖镇卫生院", "fire");
    let drafts = h.data_dir().join("drafts");
    std::fs::create_dir_all(&drafts).unwrap();
    std::fs::write(drafts.join("finding.json"), "{\"inspection\": \n\u{1b}[2J").unwrap();
    press(&mut h, &["esc", "enter"]);
    assert!(matches!(h.app.screen(), Screen::Checklist(_)));
    let msg = &h.app.message.as_ref().unwrap().text;
    assert!(
        msg.contains("finding.json") && msg.contains("第 2 行"),
        "{msg}"
    );
    assert!(!msg.contains('\u{1b}'));
}

#[test]
fn passing_a_failed_item_asks_what_becomes_of_its_hazard() {
    let mut h = harness(0);
    start_inspection(&mut h, "北苑社区卫生服务中心", "fire");
    let ids = items(&h);
    fail_and_save(&mut h);
    press(&mut h, &["k"]);
    assert_eq!(checklist(&h).cursor, 0);
    // f on an item that has a hazard opens it; a adds another.
    press(&mut h, &["f"]);
    let Screen::Detail(d) = h.app.screen() else {
        panic!("f opens the existing hazard: {:?}", h.app.screen());
    };
    assert_eq!(d.finding.item_id.as_deref(), Some(ids[0].as_str()));
    press(&mut h, &["esc", "a"]);
    assert!(matches!(h.app.screen(), Screen::Form(f) if !f.fail));
    press(&mut h, &["esc"]);
    // p asks: keep open / mark rectified with a note / retract with a reason.
    press(&mut h, &["p"]);
    let Some(Overlay::Choice(c)) = &h.app.overlay else {
        panic!("p on a failed item with a hazard asks: {:?}", h.app.overlay);
    };
    assert_eq!(c.options.len(), 4);
    assert_eq!(
        stored(&h, &ids[0]),
        Some(Answer::Fail),
        "nothing changed yet"
    );
    press(&mut h, &["j", "enter"]);
    type_text(&mut h, "已更换应急照明灯");
    press(&mut h, &["enter"]);
    assert_eq!(stored(&h, &ids[0]), Some(Answer::Pass));
    let f = first_finding(&h);
    assert_eq!(f.status, Status::Rectified);
    assert_eq!(checklist(&h).cursor, 1);
}

#[test]
fn a_hazard_outside_the_checklist_chooses_its_line() {
    let mut h = harness(0);
    press(&mut h, &["n"]);
    type_text(&mut h, "某某区人民医院");
    press(&mut h, &["tab", "tab", "tab", "tab"]);
    let fire = line_digit(&h, "fire");
    let key_site = line_digit(&h, "key_site");
    type_text(&mut h, &fire);
    type_text(&mut h, &key_site);
    press(&mut h, &["ctrl-s"]);
    press(&mut h, &["A"]);
    let Some(Overlay::Choice(c)) = &h.app.overlay else {
        panic!("A asks the line: {:?}", h.app.overlay);
    };
    assert_eq!(c.options, vec!["消防".to_string(), "重点部位".to_string()]);
    let t = draw(&h, 80, 24);
    insta::assert_snapshot!("ad_hoc_line_chooser_80x24", screen_text(&h, &t));
    press(&mut h, &["j", "enter"]);
    let Screen::Form(f) = h.app.screen() else {
        panic!("the form: {:?}", h.app.screen());
    };
    assert!(f.item.is_none());
    type_text(&mut h, "住院部楼梯间堆放氧气瓶2个");
    save_form(&mut h);
    let f = first_finding(&h);
    assert_eq!(f.line, "key_site");
    assert_eq!(f.item_id, None);
    assert_eq!(f.description, "住院部楼梯间堆放氧气瓶2个");
    // From home: A on the selected unfinished inspection.
    press(&mut h, &["esc", "A"]);
    assert!(matches!(h.app.overlay, Some(Overlay::Choice(_))));
    press(&mut h, &["enter"]);
    assert!(matches!(h.app.screen(), Screen::Form(f) if f.line.as_deref() == Some("fire")));
}

#[test]
fn finishing_shows_a_summary() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "energy");
    let n = items(&h).len();
    // First item failed with its hazard, second failed without, one n/a.
    fail_and_save(&mut h);
    press(&mut h, &["f", "esc", "j", "enter", "n"]);
    for _ in 3..n {
        press(&mut h, &["p"]);
    }
    press(&mut h, &["F"]);
    let t = draw(&h, 80, 24);
    insta::assert_snapshot!("finish_summary_asks_80x24", screen_text(&h, &t));
    press(&mut h, &["y"]);
    assert!(matches!(h.app.screen(), Screen::Home(_)));
    let Some(Overlay::Summary(s)) = &h.app.overlay else {
        panic!("the summary after finishing: {:?}", h.app.overlay);
    };
    assert!(s.finished);
    assert_eq!((s.passed, s.failed, s.na), (n - 3, 2, 1));
    assert_eq!(s.major + s.general, 1);
    assert_eq!(s.failed_without_hazard.len(), 1);
    let t = draw(&h, 80, 24);
    insta::assert_snapshot!("finish_summary_done_80x24", screen_text(&h, &t));
    press(&mut h, &["enter"]);
    assert!(h.app.overlay.is_none());
}

#[test]
fn esc_twice_on_home_does_not_quit() {
    let mut h = harness(0);
    press(&mut h, &["esc"]);
    assert!(!h.app.quit);
    assert!(matches!(h.app.overlay, Some(Overlay::Confirm(_))));
    press(&mut h, &["esc"]);
    assert!(!h.app.quit && h.app.overlay.is_none());
    press(&mut h, &["q", "y"]);
    assert!(h.app.quit);
}

#[test]
fn a_long_basis_wraps_inside_the_pane() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "key_site");
    let i = items(&h)
        .iter()
        .position(|id| id == "key_site.power-room-tools")
        .expect("the item with the 79-column basis");
    for _ in 0..i {
        press(&mut h, &["j"]);
    }
    let t = draw(&h, 80, 24);
    let text = screen_text(&h, &t);
    assert!(!text.contains("overwritten"), "{text}");
    let buf = t.backend().buffer();
    let (_, top) = find(&t, "检查方法与依据").unwrap();
    for y in top + 1..22 {
        assert_eq!(buf[(79, y)].symbol(), "│", "row {y}:\n{text}");
    }
    insta::assert_snapshot!("checklist_long_basis_80x24", text);
}

#[test]
fn an_answers_note_shows_under_its_item_at_80x24() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    let id = checklist(&h).data.inspection.id;
    let first = items(&h)[0].clone();
    // A note given with the answer elsewhere (the CLI's `answer --note`).
    xuncha::ops::answer(
        &mut h.tui.runner.ctx,
        id,
        &first,
        Answer::Na,
        "消防控制室由物业统一值守",
    )
    .unwrap();
    press(&mut h, &["esc", "enter"]);
    assert_eq!(
        checklist(&h).data.inspection.answers[&first].answer,
        Answer::Na
    );
    press(&mut h, &["g"]);
    let t = draw(&h, 80, 24);
    let text = screen_text(&h, &t);
    assert!(
        text.contains("│作答备注：消防控制室由物业统一值守（王检查）"),
        "{text}"
    );
}
