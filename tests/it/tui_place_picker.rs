//! The hazard form's 部位 from the facility registry (issue 16 point 1), through the real
//! keymap: the picker lists the inspected facility's places (key sites first, grades in words),
//! filters them as 部位 is typed in Chinese or pinyin, Enter takes one; the saved hazard is
//! linked to that place, so the register marks it by the place's grade. A 部位 the registry
//! does not know asks whether to register it: yes registers the place and links the hazard, no
//! keeps the text.

use crate::tui_support;
use tui_support::flow::{fill, save_form};
use tui_support::*;
use xuncha::domain::{LinkTarget, RiskGrade};
use xuncha::tui::app::{FormField, Overlay, Screen};

const H: &str = "市第一人民医院";

fn snap(h: &Harness, name: &str) {
    let t = draw(h, 80, 24);
    insta::assert_snapshot!(format!("{name}_80x24"), screen_text(h, &t));
}

/// A fresh store with `H` registered: two graded key sites and a ward, and an inspection of
/// `H` on the fire line opened on its checklist.
fn registered_inspection() -> Harness {
    let mut h = harness(0);
    let ctx = &mut h.tui.runner.ctx;
    xuncha::ops::add_facility(
        ctx,
        xuncha::ops::NewFacility {
            name: H.into(),
            ..Default::default()
        },
    )
    .unwrap();
    for (path, key) in [
        ("门诊楼/1层/配电室", true),
        ("住院楼/3层/护士站", false),
        ("后勤楼/氧气储瓶间", true),
    ] {
        xuncha::ops::add_place(ctx, H, path, None, key).unwrap();
    }
    for (place, grade) in [("配电室", "较大"), ("氧气储瓶间", "重大")] {
        xuncha::ops::set_place_fields(
            ctx,
            H,
            place,
            &[(xuncha::domain::PlaceField::Grade, grade.into())],
        )
        .unwrap();
    }
    start_inspection(&mut h, H, "fire");
    assert!(matches!(h.app.screen(), Screen::Checklist(_)));
    h
}

fn saved_hazards(h: &Harness) -> Vec<xuncha::domain::Finding> {
    h.tui.runner.ctx.list_findings(&Default::default()).unwrap()
}

fn location_text(h: &Harness) -> String {
    match h.app.screen() {
        Screen::Form(f) => f.location.text().to_string(),
        other => panic!("the hazard form expected: {other:?}"),
    }
}

#[test]
fn the_place_is_picked_from_the_registry_by_pinyin_and_the_hazard_is_linked() {
    let mut h = registered_inspection();
    press(&mut h, &["f"]);
    snap(&h, "place_picker_open");
    let text = screen_text(&h, &draw(&h, 80, 24));
    assert!(
        text.contains("门诊楼/1层/配电室 ★ 较大风险（橙）"),
        "{text}"
    );

    type_text(&mut h, "yqcp");
    snap(&h, "place_picker_pinyin");
    let text = screen_text(&h, &draw(&h, 80, 24));
    assert!(text.contains("后勤楼/氧气储瓶间"), "{text}");
    assert!(!text.contains("护士站"), "{text}");

    // Enter takes the highlighted place (its whole path) and goes on to the next field.
    press(&mut h, &["enter"]);
    assert_eq!(location_text(&h), "后勤楼/氧气储瓶间");
    save_form(&mut h);
    assert!(matches!(h.app.screen(), Screen::Checklist(_)));
    let saved = saved_hazards(&h);
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].location, "后勤楼/氧气储瓶间");
    let (f, p) = xuncha::ops::link_of(&h.tui.runner.ctx, LinkTarget::Finding(saved[0].id))
        .unwrap()
        .expect("the hazard is linked");
    assert_eq!(f.name, H);
    assert_eq!(p.unwrap().path, "后勤楼/氧气储瓶间");
    // The register marks it by the place's grade.
    let rows = xuncha::ops::register_rows(&h.tui.runner.ctx).unwrap();
    assert_eq!(rows[0].risk, Some(RiskGrade::Major));
}

#[test]
fn ctrl_n_moves_through_the_candidates_and_tab_keeps_the_typed_text() {
    let mut h = registered_inspection();
    press(&mut h, &["f"]);
    type_text(&mut h, "楼");
    let first = match h.app.screen() {
        Screen::Form(f) => f.places.matches("楼")[0].path.clone(),
        other => panic!("the hazard form expected: {other:?}"),
    };
    press(&mut h, &["ctrl-n", "enter"]);
    let second = location_text(&h);
    let paths: Vec<String> = xuncha::ops::place_choices(&h.tui.runner.ctx, H)
        .unwrap()
        .into_iter()
        .map(|p| p.path)
        .collect();
    assert!(
        paths.contains(&second),
        "a registered path was taken: {second}"
    );
    assert_ne!(second, first, "Ctrl-n moved off the first candidate");
    press(&mut h, &["esc"]);
    // Tab leaves what was typed as it is.
    let mut h = registered_inspection();
    press(&mut h, &["f"]);
    type_text(&mut h, "配电");
    press(&mut h, &["tab"]);
    assert_eq!(location_text(&h), "配电");
}

#[test]
fn an_unregistered_place_is_registered_on_yes_and_kept_as_text_on_no() {
    let mut h = registered_inspection();
    press(&mut h, &["f"]);
    type_text(&mut h, "地下车库");
    fill(&mut h, FormField::Responsible, "总务科 张工");
    press(&mut h, &["ctrl-s"]);
    assert!(
        matches!(h.app.overlay, Some(Overlay::Choice(_))),
        "saving asks first"
    );
    snap(&h, "place_picker_register");
    assert!(
        saved_hazards(&h).is_empty(),
        "nothing saved before the answer"
    );
    press(&mut h, &["enter"]);
    let saved = saved_hazards(&h);
    assert_eq!(saved.len(), 1);
    let f = xuncha::ops::facility(&h.tui.runner.ctx, H).unwrap();
    let place = f.place("地下车库").expect("registered as a new place");
    let (_, linked) = xuncha::ops::link_of(&h.tui.runner.ctx, LinkTarget::Finding(saved[0].id))
        .unwrap()
        .unwrap();
    assert_eq!(linked.unwrap().id, place.id);

    // No: saved with the text only, the registry unchanged.
    press(&mut h, &["j", "f"]);
    type_text(&mut h, "消防泵房");
    fill(&mut h, FormField::Responsible, "总务科 张工");
    press(&mut h, &["ctrl-s", "j", "enter"]);
    let saved = saved_hazards(&h);
    assert_eq!(saved.len(), 2);
    let pump = saved.iter().find(|f| f.location == "消防泵房").unwrap();
    assert!(
        xuncha::ops::link_of(&h.tui.runner.ctx, LinkTarget::Finding(pump.id))
            .unwrap()
            .is_none()
    );
    let f = xuncha::ops::facility(&h.tui.runner.ctx, H).unwrap();
    assert!(f.place("消防泵房").is_none());
}

#[test]
fn a_facility_not_registered_keeps_the_place_as_text() {
    let mut h = harness(0);
    start_inspection(&mut h, "南湖乡卫生院", "fire");
    press(&mut h, &["f"]);
    let text = screen_text(&h, &draw(&h, 80, 24));
    assert!(text.contains("本单位未登记，按文字保存"), "{text}");
    type_text(&mut h, "药房");
    save_form(&mut h);
    assert!(h.app.overlay.is_none(), "nothing to ask");
    assert_eq!(saved_hazards(&h)[0].location, "药房");
}

/// The candidates are a bordered popup over the fields below 部位: its top border says how
/// many places fit and which show, its bottom border the keys; nothing in it is cut, at 80x24
/// and at 60x20.
#[test]
fn the_picker_is_a_popup_that_says_how_many_places_it_leaves_out() {
    let mut h = registered_inspection();
    press(&mut h, &["f"]);
    for (w, ht) in [(80, 24), (60, 20)] {
        let text = screen_text(&h, &draw(&h, w, ht));
        insta::assert_snapshot!(format!("place_picker_popup_{w}x{ht}"), text);
        let lines: Vec<&str> = text.lines().collect();
        let top = lines
            .iter()
            .position(|l| l.contains("共 8 处，显示 1–5，继续输入以缩小"))
            .unwrap_or_else(|| panic!("the popup counts the places at {w}x{ht}:\n{text}"));
        let bottom = top + 6;
        assert!(
            lines[bottom].contains("Enter"),
            "keys at the bottom:\n{text}"
        );
        for l in &lines[top..=bottom] {
            assert!(!l.contains(".."), "nothing cut at {w}x{ht}: {l}");
        }
    }
}
