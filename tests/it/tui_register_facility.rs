//! Starting an inspection of a facility the registry does not hold (issue 16 point 1: "typing
//! a new one still works and offers to add it"), through the real keymap: Ctrl-s on the
//! new-inspection form asks 「登记新单位？」; yes registers the facility and starts the
//! inspection, no starts it with the name as text, Esc or 「返回修改受检单位」 go back with
//! nothing written, and a registered name that looks like the typed one can be taken instead.

use crate::tui_support;
use tui_support::*;
use xuncha::tui::app::{NewField, Screen};

const H: &str = "市第一人民医院";
const NEW: &str = "南湖新区医院";

/// A fresh store whose registry holds `H` and 东城区人民医院.
fn office() -> Harness {
    let mut h = harness(0);
    register_facility(&mut h, H);
    register_facility(&mut h, "东城区人民医院");
    h
}

fn registered(h: &Harness) -> Vec<String> {
    let reg = xuncha::ops::registry(&h.tui.runner.ctx).unwrap();
    reg.active().map(|f| f.name.clone()).collect()
}

fn inspections(h: &Harness) -> Vec<String> {
    let ctx = &h.tui.runner.ctx;
    ctx.list_inspections()
        .unwrap()
        .into_iter()
        .map(|i| i.facility)
        .collect()
}

fn snap(h: &Harness, name: &str) {
    let t = draw(h, 80, 24);
    insta::assert_snapshot!(format!("{name}_80x24"), screen_text(h, &t));
}

#[test]
fn an_unknown_facility_asks_and_yes_registers_it_with_the_inspection() {
    let mut h = office();
    submit_new_inspection(&mut h, NEW, "fire");
    assert!(asks_to_register_facility(&h), "Ctrl-s asks first");
    assert!(
        inspections(&h).is_empty(),
        "nothing is written while it asks"
    );
    snap(&h, "register_facility_asks");

    press(&mut h, &["enter"]);
    assert!(matches!(h.app.screen(), Screen::Checklist(_)));
    assert_eq!(inspections(&h), [NEW]);
    assert!(registered(&h).contains(&NEW.to_string()));
    let f = xuncha::ops::facility(&h.tui.runner.ctx, NEW).unwrap();
    assert_eq!(f.kind.label(), "医院", "type guessed from the name");
    let t = draw(&h, 80, 24);
    assert!(find(&t, NEW).is_some(), "the checklist names the facility");
}

#[test]
fn no_keeps_the_name_as_text_and_registers_nothing() {
    let mut h = office();
    submit_new_inspection(&mut h, NEW, "fire");
    press(&mut h, &["j", "enter"]);
    assert!(matches!(h.app.screen(), Screen::Checklist(_)));
    assert_eq!(inspections(&h), [NEW]);
    assert_eq!(registered(&h).len(), 2, "the registry is unchanged");
}

#[test]
fn esc_or_back_returns_to_the_facility_field_with_nothing_written() {
    let mut h = office();
    submit_new_inspection(&mut h, NEW, "fire");
    press(&mut h, &["esc"]);
    assert!(!asks_to_register_facility(&h));
    let Screen::NewInspection(st) = h.app.screen() else {
        panic!("still on the form");
    };
    assert_eq!(st.facility.text(), NEW, "the typed name stays");
    assert!(!st.saving, "the form takes keys again");

    press(&mut h, &["ctrl-s"]);
    assert!(asks_to_register_facility(&h), "asked again");
    press(&mut h, &["j", "j", "enter"]);
    let Screen::NewInspection(st) = h.app.screen() else {
        panic!("still on the form");
    };
    assert_eq!(st.focus, NewField::Facility, "back on the facility field");
    assert!(inspections(&h).is_empty());
    assert_eq!(registered(&h).len(), 2);
}

#[test]
fn a_registered_name_alike_can_be_taken_instead() {
    let mut h = office();
    // No registered name contains it, so Tab keeps it as typed; it contains H.
    submit_new_inspection(&mut h, "市第一人民医院门诊部", "fire");
    let Some(xuncha::tui::app::Overlay::Choice(c)) = &h.app.overlay else {
        panic!("asks");
    };
    assert_eq!(c.options[3], format!("改为已登记的「{H}」"));
    snap(&h, "register_facility_alike");
    press(&mut h, &["j", "j", "j", "enter"]);
    assert!(matches!(h.app.screen(), Screen::Checklist(_)));
    assert_eq!(inspections(&h), [H]);
    assert_eq!(registered(&h).len(), 2);
}

#[test]
fn a_registered_facility_or_an_office_without_a_registry_is_not_asked() {
    let mut h = office();
    submit_new_inspection(&mut h, H, "fire");
    assert!(!asks_to_register_facility(&h));
    assert!(matches!(h.app.screen(), Screen::Checklist(_)));

    let mut h = harness(0);
    submit_new_inspection(&mut h, NEW, "fire");
    assert!(
        !asks_to_register_facility(&h),
        "no registry kept: no question"
    );
    assert_eq!(inspections(&h), [NEW]);
}
