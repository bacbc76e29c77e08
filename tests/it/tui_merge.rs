//! Merging two spellings of one facility in the TUI (issue 16 point 3), through the real
//! keymap: `m` in the facility browser on a name typed on records asks which registered
//! facility it is, says what will change, and merges through the CLI's op; the merged
//! spelling's records then count for the facility, the spelling stays visible as 其他写法, and
//! cancelling writes nothing.

use crate::tui_support;
use tui_support::*;
use xuncha::tui::app::{Overlay, Screen};

const H: &str = "市第一人民医院";

fn snap(h: &Harness, name: &str) {
    let t = draw(h, 80, 24);
    insta::assert_snapshot!(format!("{name}_80x24"), screen_text(h, &t));
}

fn browser_at(h: &mut Harness, name: &str) {
    press(h, &["u"]);
    let Screen::FacilityList(st) = h.app.screen() else {
        panic!("the facility browser: {:?}", h.app.screen());
    };
    let rows = st.rows.clone().unwrap();
    let at = st
        .visible
        .iter()
        .position(|i| rows[*i].name == name)
        .unwrap_or_else(|| panic!("{name} listed"));
    press(h, &["g"]);
    for _ in 0..at {
        press(h, &["j"]);
    }
}

fn two_spellings() -> Harness {
    let mut h = harness(0);
    inspections_with_hazards(&mut h, &[(H, "灭火器压力不足"), ("市一院", "疏散通道堵塞")]);
    register_facility(&mut h, H);
    register_facility(&mut h, "南湖乡卫生院");
    h
}

#[test]
fn a_typed_spelling_is_merged_into_a_registered_facility_after_confirming() {
    let mut h = two_spellings();
    browser_at(&mut h, "市一院");
    press(&mut h, &["m"]);
    assert!(matches!(h.app.overlay, Some(Overlay::Choice(_))));
    snap(&h, "merge_pick_target");
    press(&mut h, &["enter"]);
    snap(&h, "merge_confirm");
    let text = screen_text(&h, &draw(&h, 80, 24));
    assert!(
        text.contains("1 次检查、1 条隐患改计入「市第一人民医院」"),
        "{text}"
    );
    let events = h.tui.runner.ctx.event_count();
    press(&mut h, &["enter"]);
    assert_eq!(
        h.tui.runner.ctx.event_count(),
        events + 1,
        "one merge event"
    );
    let msg = h.app.message.as_ref().unwrap().text.clone();
    assert!(
        msg.starts_with("已合并：「市一院」并入「市第一人民医院」"),
        "{msg}"
    );
    snap(&h, "merge_done");
    let Screen::FacilityList(st) = h.app.screen() else {
        panic!("back on the facility browser")
    };
    let rows = st.rows.clone().unwrap();
    assert!(
        rows.iter().all(|r| r.name != "市一院"),
        "no row for the merged spelling"
    );
    let hospital = rows.iter().find(|r| r.name == H).unwrap();
    assert_eq!((hospital.inspections, hospital.open), (2, 2));
    let f = xuncha::ops::facility(&h.tui.runner.ctx, H).unwrap();
    assert_eq!(f.aliases, ["市一院"], "the spelling stays visible");
}

#[test]
fn cancelling_the_merge_writes_nothing() {
    let mut h = two_spellings();
    browser_at(&mut h, "市一院");
    let events = h.tui.runner.ctx.event_count();
    press(&mut h, &["m", "enter", "j", "enter"]);
    assert!(h.app.overlay.is_none());
    press(&mut h, &["m", "esc"]);
    assert_eq!(h.tui.runner.ctx.event_count(), events);
    assert!(
        xuncha::ops::facility(&h.tui.runner.ctx, H)
            .unwrap()
            .aliases
            .is_empty()
    );
}

/// An office with many registered facilities: the list offers the likeliest eight, first the
/// one the spelling is most alike, and says that it leaves the others out.
#[test]
fn a_long_registry_offers_the_likeliest_and_says_how_many_there_are() {
    let mut h = harness(300);
    let registered = xuncha::ops::registry(&h.tui.runner.ctx)
        .unwrap()
        .active()
        .count();
    assert!(registered > 8, "the demo registers {registered}");
    start_inspection(&mut h, "东城人民医院", "fire");
    while !matches!(h.app.screen(), Screen::Home(_)) {
        press(&mut h, &["esc"]);
    }
    browser_at(&mut h, "东城人民医院");
    press(&mut h, &["m"]);
    let Some(Overlay::Choice(c)) = &h.app.overlay else {
        panic!("asks which facility");
    };
    assert_eq!(c.options.len(), 8);
    assert!(
        c.options[0].starts_with("东城区人民医院"),
        "{:?}",
        c.options
    );
    assert_eq!(
        c.text,
        format!("合并后其检查和隐患计入所选单位；列出最相近的 8 家，共 {registered} 家")
    );
}
