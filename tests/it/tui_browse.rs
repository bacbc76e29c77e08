//! Issue 11, point 3: browse every inspection (by facility, date, mode, inspector; not only
//! home's last eight) and every facility (open / overdue / closed counts, last inspected) in
//! the TUI, through the real keymap, with snapshots at 80x24 on Chinese demo data.

use crate::tui_support;
use tui_support::*;
use xuncha::domain::{FindingQuery, Status};
use xuncha::tui::app::Screen;

fn snap(h: &Harness, name: &str) {
    let t = draw(h, 80, 24);
    insta::assert_snapshot!(format!("{name}_80x24"), screen_text(h, &t));
}

fn inspections(h: &Harness) -> &xuncha::tui::app::InspectionsState {
    match h.app.screen() {
        Screen::Inspections(s) => s,
        other => panic!("the inspection browser expected, got {other:?}"),
    }
}

#[test]
fn every_inspection_can_be_browsed_filtered_and_opened() {
    let mut h = harness(300);
    let all = xuncha::ops::all_inspections(&h.tui.runner.ctx).unwrap();
    assert!(all.len() > 8, "more than home shows: {}", all.len());
    press(&mut h, &["i"]);
    snap(&h, "browse_inspections");
    let st = inspections(&h);
    assert_eq!(st.visible.len(), all.len(), "every inspection is listed");

    // The oldest one, far beyond home's eight, opens from the browser.
    press(&mut h, &["G"]);
    let oldest = inspections(&h).selected_row().unwrap().clone();
    assert_eq!(oldest.id, all.last().unwrap().id);
    press(&mut h, &["enter"]);
    let Screen::Checklist(c) = h.app.screen() else {
        panic!("Enter opens the checklist: {:?}", h.app.screen());
    };
    assert_eq!(c.data.inspection.id, oldest.id);
    press(&mut h, &["esc"]);
    assert!(matches!(h.app.screen(), Screen::Inspections(_)));

    // Only this facility (u), then only its month (d): every row shown matches both.
    press(&mut h, &["u", "d"]);
    snap(&h, "browse_inspections_filtered");
    let st = inspections(&h);
    let rows = st.rows.as_ref().unwrap();
    assert!(!st.visible.is_empty());
    for &i in &st.visible {
        assert_eq!(rows[i].facility, oldest.facility);
        assert_eq!(
            rows[i].started.format("%Y-%m").to_string(),
            oldest.started.format("%Y-%m").to_string()
        );
    }
    // Clearing shows all again; by mode (m) and by inspector (w) narrow to matching rows.
    press(&mut h, &["0", "g", "m"]);
    let st = inspections(&h);
    let rows = st.rows.as_ref().unwrap();
    let mode = rows[st.visible[0]].mode;
    assert!(st.visible.len() < all.len());
    assert!(st.visible.iter().all(|&i| rows[i].mode == mode));
    press(&mut h, &["0", "w"]);
    let st = inspections(&h);
    let rows = st.rows.as_ref().unwrap();
    let who = st.filter.inspector.clone().expect("an inspector filter");
    assert!(
        st.visible
            .iter()
            .all(|&i| rows[i].inspectors.contains(&who))
    );
    // In progress only (s), then the order by facility (o o).
    press(&mut h, &["0", "s"]);
    let st = inspections(&h);
    let rows = st.rows.as_ref().unwrap();
    assert!(st.visible.iter().all(|&i| !rows[i].finished));
    press(&mut h, &["0", "o", "o"]);
    let st = inspections(&h);
    let rows = st.rows.as_ref().unwrap();
    let names: Vec<&str> = st
        .visible
        .iter()
        .map(|&i| rows[i].facility.as_str())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "ordered by facility");
    // Esc goes back home.
    press(&mut h, &["esc"]);
    assert!(matches!(h.app.screen(), Screen::Home(_)));
}

#[test]
fn every_facility_with_its_counts_leads_to_its_inspections_and_register() {
    let mut h = harness(300);
    press(&mut h, &["u"]);
    snap(&h, "browse_facilities");
    let Screen::FacilityList(st) = h.app.screen() else {
        panic!("the facility browser expected: {:?}", h.app.screen());
    };
    let rows = st.rows.clone().unwrap();
    // Every facility named in a finding is listed, with the counts the register would show.
    let findings = h
        .tui
        .runner
        .ctx
        .list_findings(&FindingQuery::default())
        .unwrap();
    let today = h.app.now.today();
    for f in &findings {
        assert!(rows.iter().any(|r| r.name == f.facility), "{}", f.facility);
    }
    let first = &rows[0];
    let mine: Vec<_> = findings
        .iter()
        .filter(|f| f.facility == first.name && !f.retracted)
        .collect();
    let count = |s: Status| mine.iter().filter(|f| f.status == s).count();
    assert_eq!(first.open, count(Status::Open));
    assert_eq!(first.rectified, count(Status::Rectified));
    assert_eq!(first.closed, count(Status::Closed));
    assert_eq!(
        first.overdue,
        mine.iter().filter(|f| f.overdue_on(today)).count()
    );
    // Most recently inspected first.
    let dates: Vec<_> = rows.iter().map(|r| r.last_inspected).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);

    // Enter: that facility's inspections only.
    press(&mut h, &["enter"]);
    let st = inspections(&h);
    let insp_rows = st.rows.as_ref().unwrap();
    assert_eq!(st.visible.len(), first.inspections);
    assert!(
        st.visible
            .iter()
            .all(|&i| insp_rows[i].facility == first.name)
    );
    // r from the facility list: its register.
    press(&mut h, &["esc", "r"]);
    let Screen::Register(reg) = h.app.screen() else {
        panic!("the register expected: {:?}", h.app.screen());
    };
    assert_eq!(reg.filter.facility.as_deref(), Some(first.name.as_str()));
    assert_eq!(reg.visible.len(), mine.len());
}

#[test]
fn the_facility_browser_is_the_registry_joined_with_names_typed_on_records() {
    let mut h = harness(300);
    let rows = xuncha::ops::facility_rows(&h.tui.runner.ctx).unwrap();
    let a = rows[0].clone();
    assert!(
        a.registered.is_some(),
        "the demo registers the facilities its records name"
    );
    // A second spelling merged into the first: its records count for the registered entry.
    start_inspection(&mut h, "一院别名", "fire");
    press(&mut h, &["esc"]);
    xuncha::ops::merge_facilities(&mut h.tui.runner.ctx, &a.name, "一院别名").unwrap();
    start_inspection(&mut h, "南湖乡卫生院", "fire");
    press(&mut h, &["esc"]);
    while !matches!(h.app.screen(), Screen::Home(_)) {
        press(&mut h, &["esc"]);
    }
    press(&mut h, &["u"]);
    let Screen::FacilityList(st) = h.app.screen() else {
        panic!("the facility browser")
    };
    let rows = st.rows.clone().unwrap();
    let joined = rows.iter().find(|r| r.name == a.name).unwrap();
    assert_eq!(
        joined.inspections,
        a.inspections + 1,
        "the merged spelling's inspection counts"
    );
    assert!(
        rows.iter().all(|r| r.name != "一院别名"),
        "no row for a merged spelling"
    );
    let new = rows.iter().position(|r| r.name == "南湖乡卫生院").unwrap();
    assert_eq!(rows[new].registered, None);
    let text = screen_text(&h, &draw(&h, 80, 24));
    assert!(text.contains("南湖乡卫生院（未登记）"), "{text}");

    // `a` on the unregistered name registers it; the list says so at once.
    let at = st.visible.iter().position(|i| *i == new).unwrap();
    press(&mut h, &["g"]);
    for _ in 0..at {
        press(&mut h, &["j"]);
    }
    press(&mut h, &["a"]);
    assert_eq!(
        h.app.message.as_ref().unwrap().text,
        "已登记单位「南湖乡卫生院」（乡镇卫生院）"
    );
    let text = screen_text(&h, &draw(&h, 80, 24));
    assert!(!text.contains("南湖乡卫生院（未登记）"), "{text}");
    assert!(xuncha::ops::facility(&h.tui.runner.ctx, "南湖乡卫生院").is_ok());
}

#[test]
fn a_registered_facility_opens_its_records_under_every_merged_spelling() {
    let mut h = harness(0);
    inspections_with_hazards(
        &mut h,
        &[
            ("市第一人民医院", "灭火器压力不足"),
            ("市一院", "疏散通道堵塞"),
            ("第一医院", "配电室堆放杂物"),
        ],
    );
    register_facility(&mut h, "市第一人民医院");
    let ctx = &mut h.tui.runner.ctx;
    xuncha::ops::merge_facilities(ctx, "市第一人民医院", "市一院").unwrap();
    xuncha::ops::merge_facilities(ctx, "市第一人民医院", "第一医院").unwrap();

    press(&mut h, &["u"]);
    let Screen::FacilityList(st) = h.app.screen() else {
        panic!("the facility browser")
    };
    let row = st.selected_row().unwrap().clone();
    assert_eq!(row.name, "市第一人民医院");
    assert_eq!((row.inspections, row.open), (3, 3));
    // Enter: all three inspections, whichever spelling they were typed with.
    press(&mut h, &["enter"]);
    let st = inspections(&h);
    let typed: std::collections::BTreeSet<&str> = st
        .visible
        .iter()
        .map(|&i| st.rows.as_ref().unwrap()[i].facility.as_str())
        .collect();
    assert_eq!(
        typed.into_iter().collect::<Vec<_>>(),
        ["市一院", "市第一人民医院", "第一医院"]
    );
    let text = screen_text(&h, &draw(&h, 80, 24));
    assert!(
        text.contains("市一院") && text.contains("第一医院"),
        "{text}"
    );
    // r: the register lists the three hazards, the 共 N 条 and the list agree.
    press(&mut h, &["esc", "r"]);
    let Screen::Register(reg) = h.app.screen() else {
        panic!("the register expected: {:?}", h.app.screen());
    };
    assert_eq!(reg.visible.len(), 3);
    let text = screen_text(&h, &draw(&h, 80, 24));
    for hazard in ["灭火器压力不足", "疏散通道堵塞", "配电室堆放杂物"] {
        assert!(text.contains(hazard), "{hazard} in\n{text}");
    }
}
