//! The registry and a night patrol in the TUI (issue 16), through the real keymap: home `f`
//! opens the registry, `N` starts a night patrol of the selected hospital's seven key sites,
//! one key per site (`p` 正常, `f` 异常 with what is wrong, which records a hazard at that
//! site), `F` finishes. Snapshots of the registry, the patrol screen and home's plan panel at
//! 80x24 with Chinese data.

mod tui_support;
use tui_support::*;
use xuncha::catalog::Catalog;
use xuncha::domain::{FindingQuery, PlaceField};
use xuncha::ops::{self, Ctx, NewFacility};
use xuncha::store::Store;
use xuncha::tui::app::Screen;

const H: &str = "市第一人民医院";
const SITES: [(&str, Option<&str>); 7] = [
    ("本部/后勤楼/厨房", Some("较大")),
    ("本部/医技楼/高压氧舱", Some("重大")),
    ("本部/后勤楼/氧气储瓶间", Some("重大")),
    ("本部/门诊楼/配电室", Some("一般")),
    ("本部/住院楼/电梯机房", Some("低")),
    ("本部/住院楼/空调机房", None),
    ("本部/后勤楼/燃气锅炉房", Some("较大")),
];

fn scene() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(&dir.path().join("data")).unwrap();
        let mut ctx = Ctx::new(store, Catalog::builtin(), now(), INSPECTOR);
        ops::add_facility(
            &mut ctx,
            NewFacility {
                name: H.into(),
                head: "张建国".into(),
                head_phone: "0371-66661234".into(),
                deputy: "李强".into(),
                officer: "王芳".into(),
                ..NewFacility::default()
            },
        )
        .unwrap();
        ops::add_facility(
            &mut ctx,
            NewFacility {
                name: "金水区社区卫生服务中心".into(),
                ..NewFacility::default()
            },
        )
        .unwrap();
        for (path, grade) in SITES {
            ops::add_place(&mut ctx, H, path, None, true).unwrap();
            if let Some(g) = grade {
                let name = path.rsplit('/').next().unwrap();
                ops::set_place_fields(&mut ctx, H, name, &[(PlaceField::Grade, g.into())]).unwrap();
            }
        }
    }
    open(dir, INSPECTOR)
}

fn snap(h: &Harness, name: &str) {
    let t = draw(h, 80, 24);
    insta::assert_snapshot!(format!("{name}_80x24"), screen_text(h, &t));
}

#[test]
fn a_night_patrol_over_seven_key_sites_with_one_abnormal() {
    let mut h = scene();
    press(&mut h, &["f"]);
    assert!(matches!(h.app.screen(), Screen::Facilities(_)));
    snap(&h, "registry");
    // Colours on key cells: 重大 in the risk-major style.
    let t = draw(&h, 80, 24);
    let (x, y) = find(&t, "重大").expect("a 重大 grade on screen");
    let cell = &t.backend().buffer()[(x, y)];
    assert_eq!(cell.bg, ratatui::style::Color::Red, "重大 is red");

    press(&mut h, &["N"]);
    let Screen::Patrol(st) = h.app.screen() else {
        panic!("patrol screen expected, got {:?}", h.app.message);
    };
    assert!(st.patrol.night);
    assert_eq!(st.sites().len(), 7);
    // In tree order: 厨房 正常, 氧气储瓶间 异常, then the other five 正常 typed in one burst.
    let names: Vec<&str> = st.sites().iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "厨房",
            "氧气储瓶间",
            "燃气锅炉房",
            "高压氧舱",
            "配电室",
            "电梯机房",
            "空调机房"
        ]
    );
    press(&mut h, &["p", "f"]);
    type_text(&mut h, "氧气瓶未固定，无防倾倒链");
    press(&mut h, &["enter"]);
    assert!(h.app.overlay.is_none(), "{:?}", h.app.message);
    press(&mut h, &["p", "p", "p", "p", "p"]);
    snap(&h, "patrol_done");
    press(&mut h, &["F"]);
    let msg = h.app.message.as_ref().unwrap().text.clone();
    assert_eq!(msg, "巡查结束：7 个部位，异常 1");

    // What was saved: seven visits in order, one hazard at the site.
    let ctx = &h.tui.runner.ctx;
    let patrols = ops::patrols(ctx).unwrap();
    assert_eq!(patrols.len(), 1);
    let p = &patrols[0];
    assert_eq!(p.visits.len(), 7);
    assert_eq!(p.patroller, INSPECTOR);
    assert!(p.finished_at.is_some());
    let abnormal: Vec<_> = p.visits.iter().filter(|v| !v.ok).collect();
    assert_eq!(abnormal.len(), 1);
    assert_eq!(abnormal[0].note, "氧气瓶未固定，无防倾倒链");
    let fid = abnormal[0].finding_id.expect("the 异常 opened a hazard");
    let f = ctx.finding_by_id(fid).unwrap();
    assert_eq!(
        (f.facility.as_str(), f.location.as_str()),
        (H, "本部/后勤楼/氧气储瓶间"),
        "the 异常 hazard names the site by its registered path (and is linked to it)"
    );
    assert_eq!(f.line, "key_site");
    assert_eq!(
        ctx.list_findings(&FindingQuery::default()).unwrap().len(),
        1
    );
    let log = ops::patrol_log(ctx, Some(H), Some("氧气储瓶间")).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].result, "异常");

    // The hazard at a red site is marked in the register.
    let rows = ops::register_rows(ctx).unwrap();
    assert_eq!(rows[0].risk, Some(xuncha::domain::RiskGrade::Major));
    // Back in the registry, each key site shows its latest visit; home shows what is short.
    press(&mut h, &["esc"]);
    assert!(matches!(h.app.screen(), Screen::Facilities(_)));
    let text = screen_text(&h, &draw(&h, 80, 24));
    assert!(text.contains("最近巡查 11-22 09:00 异常"), "{text}");
    press(&mut h, &["esc"]);
    snap(&h, "home_plan_panel");
    press(&mut h, &["r"]);
    let text = screen_text(&h, &draw(&h, 80, 24));
    assert!(text.contains("[重大风险]氧气瓶未固定"), "{text}");
    // A new inspection offers the registered facilities, inspected or not.
    press(&mut h, &["esc", "n"]);
    let Screen::NewInspection(st) = h.app.screen() else {
        panic!("new inspection expected");
    };
    assert_eq!(st.suggestions(), [H, "金水区社区卫生服务中心"]);
}

#[test]
fn a_patrol_of_a_facility_without_key_sites_is_refused_with_how_to_add_them() {
    let mut h = scene();
    press(&mut h, &["f", "j", "N"]);
    assert!(matches!(h.app.screen(), Screen::Facilities(_)));
    let msg = &h.app.message.as_ref().unwrap().text;
    assert!(msg.contains("尚未登记重点部位"), "{msg}");
    assert!(ops::patrols(&h.tui.runner.ctx).unwrap().is_empty());
}

#[test]
fn an_abnormal_site_needs_a_note_and_nothing_is_saved_without_it() {
    let mut h = scene();
    press(&mut h, &["f", "N", "f", "enter"]);
    assert!(h.app.overlay.is_some(), "the prompt stays open");
    press(&mut h, &["esc"]);
    assert!(h.app.overlay.is_none());
    let p = &ops::patrols(&h.tui.runner.ctx).unwrap()[0];
    assert!(p.visits.is_empty());
    // A 1x1 terminal does not panic on either screen.
    let _ = draw(&h, 1, 1);
    press(&mut h, &["esc"]);
    let _ = draw(&h, 1, 1);
}
