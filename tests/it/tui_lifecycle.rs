//! Several inspectors in the TUI (issue 10): home lists my unfinished inspections under 未完成
//! and other people's, read-only with their names, under 他人进行中; a 复查 pass here and a fail
//! on another laptop are a conflict after sync, shown with both steps in the detail, and the
//! chooser settles it. Snapshots at 80x24 and 120x40.

use crate::tui_support;
use tui_support::*;
use xuncha::catalog::Catalog;
use xuncha::domain::{Mode, Status};
use xuncha::ops::{self, Ctx, NewFinding, NewInspection, SyncOptions};
use xuncha::store::Store;
use xuncha::tui::app::Screen;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn snap(h: &Harness, name: &str) {
    for (w, ht) in SIZES {
        let t = draw(h, w, ht);
        insta::assert_snapshot!(format!("{name}_{w}x{ht}"), screen_text(h, &t));
    }
}

fn ctx_at(dir: &std::path::Path, author: &str, at: &str) -> Ctx {
    let now = xuncha::domain::Now(chrono::DateTime::parse_from_rfc3339(at).unwrap());
    Ctx::new(Store::open(dir).unwrap(), Catalog::builtin(), now, author)
}

fn start(ctx: &mut Ctx, facility: &str, inspector: &str) -> uuid::Uuid {
    ops::start_inspection(
        ctx,
        NewInspection {
            facility: facility.into(),
            departments: vec!["住院部".into()],
            mode: Some(Mode::Supervision),
            inspectors: vec![inspector.into()],
            lines: vec!["fire".into()],
        },
    )
    .unwrap()
    .id
}

fn sync(ctx: &mut Ctx, usb: &std::path::Path) {
    ops::sync(ctx, usb, &SyncOptions::default(), &mut |_, _| {}).unwrap();
}

/// My laptop's store at `mine` on 2026-11-20 with one hazard on the fire alarm item of my
/// inspection at 东城区人民医院 (what both scenes start from).
fn my_hazard(mine: &std::path::Path) -> (Ctx, uuid::Uuid) {
    let mut a = ctx_at(mine, INSPECTOR, "2026-11-20T09:00:00+08:00");
    let insp = start(&mut a, "东城区人民医院", INSPECTOR);
    let f = ops::record_finding(
        &mut a,
        NewFinding {
            inspection: Some(insp),
            item_id: Some("fire.alarm-system".into()),
            description: "火灾报警控制器有屏蔽点位".into(),
            location: "消防控制室".into(),
            ..Default::default()
        },
    )
    .unwrap()
    .id;
    (a, f)
}

/// This laptop (王检查) and 李明's, one USB folder: my unfinished inspection, 李明's, and a
/// hazard whose 复查 I passed while 李明 failed it.
fn scene() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let usb = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let mine = dir.path().join("data");
    let (usb, other) = (usb.path(), other.path());
    let f = {
        let (mut a, f) = my_hazard(&mine);
        ops::rectify(&mut a, f, "已解除屏蔽").unwrap();
        sync(&mut a, usb);
        f
    };
    {
        let mut b = ctx_at(other, "李明", "2026-11-21T09:00:00+08:00");
        sync(&mut b, usb);
        start(&mut b, "南湖镇卫生院", "李明");
        ops::verify(&mut b, f, false, "仍有3个点位屏蔽").unwrap();
        sync(&mut b, usb);
    }
    {
        let mut a = ctx_at(&mine, INSPECTOR, "2026-11-21T10:00:00+08:00");
        ops::verify(&mut a, f, true, "").unwrap();
        sync(&mut a, usb);
    }
    open(dir, INSPECTOR)
}

#[test]
fn home_with_mine_and_others_and_a_conflicted_review_settled_in_the_chooser() {
    let mut h = scene();
    snap(&h, "home_mine_and_others");
    let Screen::Home(home) = h.app.screen() else {
        panic!("home");
    };
    let d = home.data.as_ref().unwrap();
    assert_eq!(d.unfinished.len(), 1);
    assert_eq!(d.others.len(), 1);
    assert_eq!(d.others[0].inspectors, ["李明"]);

    press(&mut h, &["r", "enter"]);
    let Screen::Detail(det) = h.app.screen() else {
        panic!("detail");
    };
    assert_eq!(
        det.finding.status,
        Status::Open,
        "not closed while the 复查 conflict stands"
    );
    snap(&h, "detail_conflicted_review");

    press(&mut h, &["c"]);
    snap(&h, "chooser_crossing_steps");
    // Keep my pass (the second, in event order): the hazard closes, 李明's fail stays in the
    // history.
    press(&mut h, &["j", "enter"]);
    let Screen::Detail(det) = h.app.screen() else {
        panic!("detail");
    };
    assert_eq!(det.finding.status, Status::Closed);
    assert!(det.finding.step_conflicts.is_empty());
    assert!(
        det.finding
            .history
            .iter()
            .any(|e| e.author == "李明" && e.action.contains("经裁定不采用"))
    );
}

/// Two laptops set 责任单位及人员 of one hazard without seeing each other's value.
fn field_conflict_scene() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let usb = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let mine = dir.path().join("data");
    let (usb, other) = (usb.path(), other.path());
    let f = {
        let (mut a, f) = my_hazard(&mine);
        sync(&mut a, usb);
        f
    };
    {
        let mut b = ctx_at(other, "李明", "2026-11-21T09:00:00+08:00");
        sync(&mut b, usb);
        ops::set_field(&mut b, f, xuncha::domain::Field::Responsible, "总务科 李四").unwrap();
        sync(&mut b, usb);
    }
    {
        let mut a = ctx_at(&mine, INSPECTOR, "2026-11-21T10:00:00+08:00");
        ops::set_field(&mut a, f, xuncha::domain::Field::Responsible, "保卫科 王强").unwrap();
        sync(&mut a, usb);
    }
    open(dir, INSPECTOR)
}

#[test]
fn a_field_conflict_chooser_says_who_and_when_and_a_digit_settles_it() {
    let mut h = field_conflict_scene();
    press(&mut h, &["r", "enter"]);
    let Screen::Detail(det) = h.app.screen() else {
        panic!("detail");
    };
    assert_eq!(det.finding.conflicts.len(), 1);
    press(&mut h, &["c"]);
    let t = draw(&h, 80, 24);
    let text = screen_text(&h, &t);
    insta::assert_snapshot!("chooser_field_values_80x24", text);
    assert!(text.contains("（李明 11-21 09:00）"), "{text}");
    assert!(text.contains("（王检查 11-21 10:00）"), "{text}");
    assert!(text.contains("Esc 后按 i"), "{text}");
    let Some(xuncha::tui::app::Overlay::Chooser(c)) = &h.app.overlay else {
        panic!("the chooser");
    };
    let second = c.options[1].clone();
    // The number picks the option at once.
    press(&mut h, &["2"]);
    assert!(h.app.overlay.is_none());
    let Screen::Detail(det) = h.app.screen() else {
        panic!("detail");
    };
    assert!(det.finding.conflicts.is_empty(), "settled");
    assert_eq!(det.finding.responsible, second);
    let ruling = det
        .finding
        .history
        .iter()
        .find(|e| e.action == "裁定冲突：责任单位及人员")
        .unwrap_or_else(|| panic!("logged as a ruling: {:?}", det.finding.history));
    assert_eq!(
        (ruling.author.as_str(), ruling.note.as_str()),
        (INSPECTOR, second.as_str())
    );
}
