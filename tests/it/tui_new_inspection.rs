//! The new-inspection form records the 带队领导 (leader role) as `inspection start --leader`
//! does: the rules of frequency count inspections by it (issue 16).

use crate::tui_support;

use tui_support::*;
use xuncha::domain::LeaderRole;
use xuncha::tui::app::Screen;

#[test]
fn the_leader_role_is_chosen_in_the_form_and_stored() {
    let mut h = harness(0);
    press(&mut h, &["n"]);
    type_text(&mut h, "东城区人民医院");
    press(&mut h, &["tab", "tab", "tab", "tab"]);
    let d = line_digit(&h, "fire");
    type_text(&mut h, &d);
    // The last field: 带队领导, ←→ choose (not said, then each role).
    press(&mut h, &["tab", "right", "right"]);
    let t = draw(&h, 80, 24);
    let text = screen_text(&h, &t);
    assert!(
        text.contains("带队领导") && text.contains("< 分管领导 >"),
        "{text}"
    );
    insta::assert_snapshot!("new_inspection_leader_80x24", text);
    press(&mut h, &["ctrl-s"]);
    let Screen::Checklist(st) = h.app.screen() else {
        panic!("the checklist: {:?}", h.app.screen());
    };
    let id = st.data.inspection.id;
    let stored = h.tui.runner.ctx.inspection_by_id(id).unwrap().unwrap();
    assert_eq!(stored.leader, Some(LeaderRole::DeputyLeader));
    assert_eq!(stored.facility, "东城区人民医院");
}

#[test]
fn without_a_choice_no_leader_is_recorded() {
    let mut h = harness(0);
    start_inspection(&mut h, "西城区妇幼保健院", "fire");
    let Screen::Checklist(st) = h.app.screen() else {
        panic!("the checklist");
    };
    let stored = h
        .tui
        .runner
        .ctx
        .inspection_by_id(st.data.inspection.id)
        .unwrap()
        .unwrap();
    assert_eq!(stored.leader, None);
}

/// New-user walk D15: the facility field completes from pinyin and initials, as search does;
/// Chinese text still completes by what the names contain.
#[test]
fn the_facility_field_completes_from_pinyin_and_initials() {
    let mut h = harness(30);
    press(&mut h, &["n"]);
    let before = screen_text(&h, &draw(&h, 80, 24));
    assert!(before.contains("曾检查：高新区中医院"), "{before}");
    type_text(&mut h, "gxq");
    let text = screen_text(&h, &draw(&h, 80, 24));
    assert!(text.contains("Tab 补全：高新区中医院"), "{text}");
    press(&mut h, &["tab"]);
    let Screen::NewInspection(st) = h.app.screen() else {
        panic!("the new-inspection form: {:?}", h.app.screen());
    };
    assert_eq!(st.facility.text(), "高新区中医院");
    press(&mut h, &["backtab"]);
    for _ in 0.."高新区中医院".chars().count() {
        press(&mut h, &["backspace"]);
    }
    type_text(&mut h, "erqi");
    let text = screen_text(&h, &draw(&h, 80, 24));
    assert!(text.contains("Tab 补全：二七镇卫生院"), "{text}");
}
