//! The fastest save is no longer a silent blank (new-user walk, D11): `f` then Ctrl-s names the
//! blank fields the office's forms need (部位, 责任单位及人员, 整改措施 of a hazard outside the
//! checklist), marks them and puts the cursor on the first; a second Ctrl-s saves on purpose.
//! A field ops refuses is marked in the form by name.

use crate::tui_support;

use tui_support::flow::*;
use tui_support::*;
use xuncha::domain::Answer;
use xuncha::tui::app::{FormField, Screen};

fn form(h: &Harness) -> &xuncha::tui::app::FormState {
    match h.app.screen() {
        Screen::Form(f) => f,
        s => panic!("the form: {s:?}"),
    }
}

fn first_answer(h: &Harness) -> Option<Answer> {
    let Some(Screen::Checklist(st)) = h
        .app
        .stack
        .iter()
        .rev()
        .find(|s| matches!(s, Screen::Checklist(_)))
    else {
        panic!("a checklist under the form");
    };
    let id = &st.data.items[0].id;
    h.tui
        .runner
        .ctx
        .inspection_by_id(st.data.inspection.id)
        .unwrap()
        .unwrap()
        .answers
        .get(id)
        .map(|a| a.answer)
}

#[test]
fn f_then_ctrl_s_names_the_blank_fields_and_a_second_ctrl_s_saves() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    let events = h.tui.runner.ctx.event_count();
    press(&mut h, &["f", "ctrl-s"]);
    let f = form(&h);
    assert_eq!(f.warned, vec![FormField::Location, FormField::Responsible]);
    assert_eq!(f.focus, FormField::Location, "the cursor goes to the first");
    let msg = &h.app.message.as_ref().unwrap().text;
    assert!(
        msg.starts_with("未填 部位、责任单位及人员：") && msg.contains("再按 Ctrl-s 照样保存"),
        "{msg}"
    );
    assert_eq!(h.tui.runner.ctx.event_count(), events, "nothing saved yet");
    assert_eq!(first_answer(&h), None, "the item is not answered yet");
    let t = draw(&h, 80, 24);
    let text = screen_text(&h, &t);
    insta::assert_snapshot!("form_blanks_named_80x24", text);
    assert_eq!(text.matches("! 未填：表上此栏将空着").count(), 2, "{text}");
    // The end of the message (what to do) is on screen at 80 columns.
    assert!(text.contains("再按 Ctrl-s 照样保存"), "{text}");

    press(&mut h, &["ctrl-s"]);
    assert!(
        matches!(h.app.screen(), Screen::Checklist(_)),
        "saved on purpose"
    );
    let saved = first_finding(&h);
    assert_eq!(
        (saved.location.as_str(), saved.responsible.as_str()),
        ("", "")
    );
    assert_eq!(first_answer(&h), Some(Answer::Fail));
}

#[test]
fn filling_one_named_field_and_ctrl_s_saves_without_asking_again() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    press(&mut h, &["f", "ctrl-s"]);
    type_text(&mut h, "住院部3楼东侧走廊");
    let t = draw(&h, 80, 24);
    let text = screen_text(&h, &t);
    assert_eq!(
        text.matches("! 未填").count(),
        1,
        "部位 is no longer marked: {text}"
    );
    press(&mut h, &["ctrl-s"]);
    assert!(matches!(h.app.screen(), Screen::Checklist(_)));
    let saved = first_finding(&h);
    assert_eq!(saved.location, "住院部3楼东侧走廊");
    assert_eq!(saved.responsible, "");
}

#[test]
fn a_complete_form_saves_at_the_first_ctrl_s() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    press(&mut h, &["f"]);
    let t = draw(&h, 80, 24);
    let text = screen_text(&h, &t);
    assert!(
        text.contains("未填 部位、责任单位及人员：Ctrl-s 先提醒一次，再按一次照样保存"),
        "the form says so before saving: {text}"
    );
    fill(&mut h, FormField::Location, "门诊楼1层大厅");
    fill(&mut h, FormField::Responsible, "总务科 王强");
    let t = draw(&h, 80, 24);
    assert!(screen_text(&h, &t).contains("校验通过。Ctrl-s 保存"));
    press(&mut h, &["ctrl-s"]);
    assert!(matches!(h.app.screen(), Screen::Checklist(_)));
    let saved = first_finding(&h);
    assert_eq!(saved.location, "门诊楼1层大厅");
    assert_eq!(saved.responsible, "总务科 王强");
}

#[test]
fn a_hazard_outside_the_checklist_also_names_its_measures() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    press(&mut h, &["A"]);
    type_text(&mut h, "住院部楼梯间堆放氧气瓶2个");
    press(&mut h, &["ctrl-s"]);
    assert_eq!(
        form(&h).warned,
        vec![
            FormField::Location,
            FormField::Measures,
            FormField::Responsible
        ]
    );
    let msg = &h.app.message.as_ref().unwrap().text;
    assert!(
        msg.starts_with("未填 部位、整改措施、责任单位及人员："),
        "{msg}"
    );
    save_form(&mut h);
    assert_eq!(first_finding(&h).measures, "");
}

#[test]
fn a_field_ops_refuses_is_marked_in_the_form_by_its_name() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    press(&mut h, &["f"]);
    // 部位 takes at most 200 characters (ops::MAX_NAME_CHARS); the form does not check it.
    type_text(&mut h, &"东".repeat(201));
    fill(&mut h, FormField::Responsible, "总务科 王强");
    press(&mut h, &["ctrl-s"]);
    let f = form(&h);
    assert_eq!(f.focus, FormField::Location);
    let err = f.errors.get(&FormField::Location).expect("部位 marked");
    assert!(err.contains("太长（201 字）"), "{err}");
    assert_eq!(h.tui.runner.ctx.raw_store().finding_count(), 0);
    let t = draw(&h, 80, 24);
    let text = screen_text(&h, &t);
    assert!(text.contains("✗ 太长（201 字），最多 200 字"), "{text}");
    assert!(text.contains("未保存：部位：太长"), "{text}");
}

#[test]
fn a_hazard_fixed_on_the_spot_says_it_is_closed_and_keeps_no_deadline() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    press(&mut h, &["f"]);
    fill(&mut h, FormField::Location, "门诊楼1层大厅");
    fill(&mut h, FormField::Responsible, "总务科 王强");
    while form(&h).focus != FormField::FixedOnSpot {
        press(&mut h, &["tab"]);
    }
    press(&mut h, &["space", "ctrl-s"]);
    let msg = &h.app.message.as_ref().unwrap().text;
    assert!(
        msg.starts_with("已保存：") && msg.ends_with("立查立改，已销号"),
        "{msg}"
    );
    let saved = first_finding(&h);
    assert!(saved.fixed_on_spot);
    assert_eq!(saved.due, None, "the pre-filled deadline is not kept");
}
