//! The registry and a night patrol in the TUI (issue 16), through the real keymap: home `f`
//! opens the registry, `N` starts a night patrol of the selected hospital's seven key sites,
//! one key per site (`p` 正常; `f` 异常, which opens the hazard form pre-filled with the site,
//! saved together with the visit), `F` finishes. Snapshots of the registry, the 异常's form,
//! the patrol screen and home's plan panel at 80x24 with Chinese data.

use crate::tui_support;
use tui_support::flow::save_form;
use tui_support::*;
use xuncha::catalog::Catalog;
use xuncha::domain::{FindingQuery, PlaceField};
use xuncha::ops::{self, Ctx, NewFacility};
use xuncha::store::Store;
use xuncha::tui::app::{FormField, Screen};

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
    // The 氧气储瓶间's 责任人, which its 异常's hazard form starts from.
    let who = [(PlaceField::Responsible, "后勤保障科 赵磊".into())];
    ops::set_place_fields(&mut h.tui.runner.ctx, H, "氧气储瓶间", &who).unwrap();

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
    // 异常 opens the hazard form pre-filled with the site, the cursor in 问题隐患.
    let Screen::Form(f) = h.app.screen() else {
        panic!("the hazard form expected, got {:?}", h.app.message);
    };
    assert_eq!(
        (
            f.facility.as_str(),
            f.location.text(),
            f.responsible.text(),
            f.line.as_deref(),
            f.focus
        ),
        (
            H,
            "本部/后勤楼/氧气储瓶间",
            "后勤保障科 赵磊",
            Some("key_site"),
            FormField::Description
        )
    );
    snap(&h, "patrol_abnormal_form");
    // At 60 columns the message wraps to two lines above the key bar, which stays in view.
    let text = screen_text(&h, &draw(&h, 60, 20));
    let rows: Vec<&str> = text.lines().collect();
    let n = rows.len();
    assert!(rows[n - 3].contains("异常：氧气储瓶间"), "{text}");
    assert!(rows[n - 2].contains("Esc 取消"), "{text}");
    assert!(
        rows[n - 1].contains("Ctrl-s"),
        "the key bar is last: {text}"
    );
    let store = h.tui.runner.ctx.raw_store();
    let (appends, events) = (store.appends(), store.event_count());
    type_text(&mut h, "氧气瓶未固定，无防倾倒链");
    press(&mut h, &["tab", "space"]); // 隐患等级 → 重大
    save_form(&mut h);
    let store = h.tui.runner.ctx.raw_store();
    assert_eq!(
        (store.appends(), store.event_count()),
        (appends + 1, events + 3),
        "the hazard, its place link and the visit in one append"
    );
    // Back on the patrol, moved on; the site shows 异常 with the hazard's number.
    let Screen::Patrol(st) = h.app.screen() else {
        panic!("back on the patrol screen expected");
    };
    assert_eq!(st.current_site().unwrap().name, "燃气锅炉房");
    let msg = h.app.message.as_ref().unwrap().text.clone();
    assert!(
        msg.starts_with("已保存：氧气储瓶间 异常，YH-2026-"),
        "{msg}"
    );
    assert!(msg.ends_with("（重大）"), "{msg}");
    let text = screen_text(&h, &draw(&h, 80, 24));
    assert!(
        text.contains("异常 09:00 YH-2026-DEV-0001 氧气瓶未固定"),
        "{text}"
    );
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
        (f.responsible.as_str(), f.severity.label()),
        ("后勤保障科 赵磊", "重大")
    );
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
fn esc_from_an_abnormal_form_writes_nothing_and_stays_on_the_site() {
    let mut h = scene();
    press(&mut h, &["f", "N", "j", "f"]);
    assert!(matches!(h.app.screen(), Screen::Form(_)));
    let events = h.tui.runner.ctx.raw_store().event_count();
    // An untouched form goes at once.
    press(&mut h, &["esc"]);
    let Screen::Patrol(st) = h.app.screen() else {
        panic!("back on the patrol screen expected");
    };
    assert_eq!(st.current_site().unwrap().name, "氧气储瓶间");
    let msg = &h.app.message.as_ref().unwrap().text;
    assert_eq!(msg, "已取消：氧气储瓶间 仍未巡查，隐患未登记");
    // A typed one asks first; 放弃 leaves it unvisited too.
    press(&mut h, &["f"]);
    type_text(&mut h, "氧气瓶未固定");
    press(&mut h, &["esc"]);
    let text = screen_text(&h, &draw(&h, 80, 24));
    assert!(text.contains("放弃，该部位仍未巡查"), "{text}");
    press(&mut h, &["j", "enter"]);
    let Screen::Patrol(st) = h.app.screen() else {
        panic!("back on the patrol screen expected");
    };
    assert_eq!(st.current_site().unwrap().name, "氧气储瓶间");
    assert!(st.patrol.visits.is_empty());
    assert!(screen_text(&h, &draw(&h, 80, 24)).contains("待巡查"));
    let ctx = &h.tui.runner.ctx;
    assert_eq!(ctx.raw_store().event_count(), events, "nothing written");
    assert!(ops::patrols(ctx).unwrap()[0].visits.is_empty());
    assert!(
        ctx.list_findings(&FindingQuery::default())
            .unwrap()
            .is_empty()
    );
    // A blank 问题隐患 is refused in the form, nothing written.
    press(&mut h, &["f", "ctrl-s"]);
    let Screen::Form(f) = h.app.screen() else {
        panic!("the form stays open");
    };
    assert!(f.errors.contains_key(&FormField::Description));
    assert_eq!(h.tui.runner.ctx.raw_store().event_count(), events);
    // A 1x1 terminal does not panic on either screen.
    let _ = draw(&h, 1, 1);
    press(&mut h, &["esc"]);
    let _ = draw(&h, 1, 1);
}

#[test]
fn an_abnormal_form_takes_the_department_of_a_site_inside_one() {
    let mut h = scene();
    let c = "金水区社区卫生服务中心";
    let ctx = &mut h.tui.runner.ctx;
    ops::add_place(ctx, c, "门诊楼/预防保健科/疫苗冷库", None, true).unwrap();
    let who = [(PlaceField::Responsible, "刘敏".into())];
    ops::set_place_fields(ctx, c, "疫苗冷库", &who).unwrap();
    press(&mut h, &["f", "j", "N", "f"]);
    let Screen::Form(f) = h.app.screen() else {
        panic!("the hazard form expected, got {:?}", h.app.message);
    };
    assert_eq!(
        (f.location.text(), f.department.text(), f.responsible.text()),
        ("门诊楼/预防保健科/疫苗冷库", "预防保健科", "刘敏")
    );
    type_text(&mut h, "冷库温度记录缺两日");
    save_form(&mut h);
    let ctx = &h.tui.runner.ctx;
    let found = ctx.list_findings(&FindingQuery::default()).unwrap();
    assert_eq!(
        (
            found[0].facility.as_str(),
            found[0].department.as_str(),
            found[0].location.as_str(),
            found[0].line.as_str()
        ),
        (c, "预防保健科", "门诊楼/预防保健科/疫苗冷库", "key_site")
    );
}
