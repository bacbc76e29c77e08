//! Home `A` (a hazard outside the checklist) without one of my unfinished inspections selected:
//! it offers my unfinished inspections, or starts one in the same flow (field trial W3).

use crate::tui_support;

use tui_support::flow::*;
use tui_support::*;
use xuncha::tui::app::{Overlay, Screen};
use xuncha::tui::choice::ChoiceKind;

#[test]
fn with_no_inspection_a_starts_one_and_records_the_hazard() {
    let mut h = harness(0);
    press(&mut h, &["A"]);
    let Some(Overlay::Choice(c)) = &h.app.overlay else {
        panic!("A asks: {:?}", h.app.overlay);
    };
    assert!(
        matches!(&c.kind, ChoiceKind::AdHocInspection { inspections } if inspections.is_empty())
    );
    let t = draw(&h, 80, 24);
    insta::assert_snapshot!("home_ad_hoc_no_inspection_80x24", screen_text(&h, &t));
    press(&mut h, &["enter"]);
    assert!(matches!(h.app.screen(), Screen::NewInspection(_)));
    type_text(&mut h, "南湖医院");
    press(&mut h, &["tab", "tab", "tab", "tab"]);
    let d = line_digit(&h, "fire");
    type_text(&mut h, &d);
    press(&mut h, &["ctrl-s"]);
    // One line: the form of a hazard outside the checklist opens at once.
    let Screen::Form(f) = h.app.screen() else {
        panic!("the form: {:?}", h.app.screen());
    };
    assert!(f.item.is_none());
    assert_eq!(f.line.as_deref(), Some("fire"));
    type_text(&mut h, "住院部楼梯间堆放氧气瓶2个");
    save_form(&mut h);
    let f = first_finding(&h);
    assert_eq!(f.description, "住院部楼梯间堆放氧气瓶2个");
    assert_eq!(f.facility, "南湖医院");
    assert!(f.item_id.is_none() && f.inspection_id.is_some());
}

#[test]
fn on_a_finished_inspection_a_offers_my_unfinished_ones() {
    let mut h = harness(0);
    start_inspection(&mut h, "东城区人民医院", "fire");
    press(&mut h, &["esc"]);
    start_inspection(&mut h, "西城区妇幼保健院", "fire");
    press(&mut h, &["F", "y", "esc"]);
    // Home: 东城 unfinished first, 西城 finished among the recent; select the finished one.
    press(&mut h, &["j"]);
    press(&mut h, &["A"]);
    let Some(Overlay::Choice(c)) = &h.app.overlay else {
        panic!("A asks: {:?}", h.app.overlay);
    };
    assert_eq!(c.options.len(), 2, "{:?}", c.options);
    assert!(
        c.options[0].starts_with("东城区人民医院"),
        "{:?}",
        c.options
    );
    press(&mut h, &["enter"]);
    let Screen::Form(f) = h.app.screen() else {
        panic!("the form: {:?}", h.app.screen());
    };
    assert_eq!(f.facility, "东城区人民医院");
    assert!(f.item.is_none());
}
