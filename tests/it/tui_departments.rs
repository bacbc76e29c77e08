//! An inspection of several 科室 (「住院部、急诊科」): the hazard form's 科室 field offers the
//! inspection's 科室 as choices (Ctrl-n / Ctrl-p, Enter, as the 部位 picker), pinyin and
//! initials filter them, and a blank 科室 is named before saving (new-user walk D11/D24).
//! With one 科室 the field is pre-filled with it.

use crate::tui_support;

use tui_support::flow::*;
use tui_support::*;
use xuncha::tui::app::{FormField, Screen};

fn form(h: &Harness) -> &xuncha::tui::app::FormState {
    match h.app.screen() {
        Screen::Form(f) => f,
        s => panic!("the form: {s:?}"),
    }
}

/// A fresh store, an inspection of 住院部 and 急诊科, the hazard form of its first item open
/// with the cursor on 科室.
fn several() -> Harness {
    let mut h = harness(0);
    start_inspection_in(&mut h, "东城区人民医院", "住院部、急诊科", "fire");
    press(&mut h, &["f"]);
    assert_eq!(
        form(&h).department.text(),
        "",
        "several: nothing pre-filled"
    );
    while form(&h).focus != FormField::Department {
        press(&mut h, &["tab"]);
    }
    h
}

#[test]
fn several_departments_are_offered_and_ctrl_n_enter_picks_one() {
    let mut h = several();
    let t = draw(&h, 80, 24);
    let text = screen_text(&h, &t);
    assert!(
        text.contains("▸ 住院部") && text.contains("  急诊科"),
        "both 科室 offered, the first highlighted:\n{text}"
    );
    insta::assert_snapshot!("form_departments_offered_80x24", text);
    press(&mut h, &["ctrl-n", "enter"]);
    let f = form(&h);
    assert_eq!(f.department.text(), "急诊科");
    assert_ne!(f.focus, FormField::Department, "Enter moves on");
    fill(&mut h, FormField::Location, "二楼护士站");
    fill(&mut h, FormField::Responsible, "急诊科 李护士长");
    save_form(&mut h);
    assert_eq!(first_finding(&h).department, "急诊科");
}

#[test]
fn pinyin_and_initials_narrow_the_choices() {
    let mut h = several();
    type_text(&mut h, "jzk");
    assert_eq!(form(&h).departments.matches("jzk"), ["急诊科"]);
    press(&mut h, &["enter"]);
    assert_eq!(form(&h).department.text(), "急诊科");
    press(&mut h, &["backtab"]);
    press(&mut h, &["ctrl-u"]);
    type_text(&mut h, "zhuyuan");
    press(&mut h, &["enter"]);
    assert_eq!(form(&h).department.text(), "住院部");
}

#[test]
fn a_blank_department_is_named_before_saving() {
    let mut h = several();
    fill(&mut h, FormField::Location, "二楼护士站");
    fill(&mut h, FormField::Responsible, "总务科 王强");
    let events = h.tui.runner.ctx.event_count();
    press(&mut h, &["ctrl-s"]);
    let f = form(&h);
    assert_eq!(f.warned, vec![FormField::Department]);
    assert_eq!(f.focus, FormField::Department, "the cursor goes to 科室");
    let msg = &h.app.message.as_ref().unwrap().text;
    assert!(msg.starts_with("未填 科室："), "{msg}");
    assert_eq!(h.tui.runner.ctx.event_count(), events, "nothing saved yet");
    press(&mut h, &["ctrl-s"]);
    assert_eq!(
        first_finding(&h).department,
        "",
        "saved on purpose without one"
    );
}

#[test]
fn one_department_is_pre_filled_and_offers_nothing() {
    let mut h = harness(0);
    start_inspection_in(&mut h, "东城区人民医院", "住院部", "fire");
    press(&mut h, &["f"]);
    let f = form(&h);
    assert_eq!(f.department.text(), "住院部");
    assert!(f.departments.matches("").is_empty());
}
