//! Issue 17: the 台账 screen does the work, through the real keymap: add a chemical, record a
//! receipt and an issue (an issue over the balance, a receipt over the place's maximum and a
//! negative quantity refused under the field, nothing saved), edit a field, add equipment and
//! record its 定期检验 / 维护保养 / 安全附件 / operator, link a hazard, and keep a draft.
//! Snapshots at 80x24 with Chinese data.

use crate::tui_support;

use tui_support::registers::{registers_store, select};
use tui_support::*;
use xuncha::domain::{CheckKind, Chemical, Mode};
use xuncha::ops::{self, NewFinding, NewInspection};
use xuncha::tui::app::Screen;

fn chemical(h: &Harness, name: &str) -> Chemical {
    ops::chemicals(&h.tui.runner.ctx)
        .unwrap()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("{name} is held"))
}

fn text(h: &Harness) -> String {
    screen_text(h, &draw(h, 80, 24))
}

/// Types `value` into the form's field labelled `label` (moving there with Tab), replacing it.
fn fill(h: &mut Harness, label: &str, value: &str) {
    for _ in 0..12 {
        let Screen::EntryForm(f) = h.app.screen() else {
            panic!("a form is open")
        };
        if f.fields[f.focus].label == label {
            press(h, &["ctrl-u"]);
            type_text(h, value);
            return;
        }
        press(h, &["tab"]);
    }
    panic!("no field {label}");
}

#[test]
fn a_chemical_is_added_then_received_and_issued_with_limits_refused_under_the_field() {
    let mut h = open(registers_store(), INSPECTOR);
    press(&mut h, &["z", "a"]);
    fill(&mut h, "名称", "甲醛溶液");
    fill(&mut h, "储存地点", "病理科试剂柜");
    // 类别 is a choice: Space steps through 易燃液体, 氧化性物质, 毒性物质.
    fill(&mut h, "类别", "");
    press(&mut h, &["space", "space", "space"]);
    fill(&mut h, "CAS号", "50-00-0");
    fill(&mut h, "计量单位", "升");
    fill(&mut h, "最大储存量", "10");
    fill(&mut h, "包装容器", "500毫升玻璃瓶");
    fill(&mut h, "储存条件", "阴凉、通风、上锁");
    insta::assert_snapshot!("registers_add_chemical_80x24", text(&h));
    press(&mut h, &["ctrl-s"]);
    assert!(
        matches!(h.app.screen(), Screen::Registers(_)),
        "saved, back"
    );
    let c = chemical(&h, "甲醛溶液");
    assert_eq!(
        (
            c.class.label(),
            c.cas.as_str(),
            c.place.as_str(),
            c.max.to_string()
        ),
        ("毒性物质", "50-00-0", "病理科试剂柜", "10".to_string())
    );
    assert!(text(&h).contains("已登记「甲醛溶液」（毒性物质）于病理科试剂柜"));

    // 入库 6 升: the balance is computed, never typed.
    select(&mut h, "甲醛溶液");
    press(&mut h, &["i"]);
    fill(&mut h, "数量", "6");
    fill(&mut h, "来源", "采购入库");
    press(&mut h, &["ctrl-s"]);
    assert_eq!(chemical(&h, "甲醛溶液").balance.to_string(), "6");

    // An issue above the balance: refused under 数量, nothing saved, the form stays.
    let before = chemical(&h, "甲醛溶液");
    press(&mut h, &["o"]);
    fill(&mut h, "数量", "8");
    fill(&mut h, "用途", "标本固定");
    press(&mut h, &["ctrl-s"]);
    let shown = text(&h);
    insta::assert_snapshot!("registers_issue_refused_80x24", shown);
    assert!(shown.contains("✗ 领用 8 升 超过结存"), "{shown}");
    assert_eq!(chemical(&h, "甲醛溶液"), before, "nothing saved");
    // A negative quantity and one with its unit typed in are refused the same way.
    for bad in ["-2", "2升"] {
        fill(&mut h, "数量", bad);
        press(&mut h, &["ctrl-s"]);
        let Screen::EntryForm(f) = h.app.screen() else {
            panic!("the form stays open")
        };
        assert!(
            f.errors.contains_key(&0),
            "{bad}: 数量 flagged: {:?}",
            f.errors
        );
    }
    assert_eq!(chemical(&h, "甲醛溶液"), before, "nothing saved");
    fill(&mut h, "数量", "2.5");
    press(&mut h, &["ctrl-s"]);
    let c = chemical(&h, "甲醛溶液");
    assert_eq!(c.balance.to_string(), "3.5");
    assert_eq!(
        c.movements.last().unwrap().who,
        INSPECTOR,
        "领用人 pre-filled"
    );

    // A receipt that would take the stock above the place's maximum is refused.
    press(&mut h, &["i"]);
    fill(&mut h, "数量", "7");
    press(&mut h, &["ctrl-s"]);
    assert!(text(&h).contains("超过病理科试剂柜的最大储存量 10 升"));
    press(&mut h, &["esc"]);
    assert_eq!(chemical(&h, "甲醛溶液").balance.to_string(), "3.5");
}

#[test]
fn editing_a_chemical_saves_only_the_changed_fields_and_refuses_a_maximum_below_the_stock() {
    let mut h = open(registers_store(), INSPECTOR);
    press(&mut h, &["z"]);
    select(&mut h, "过氧乙酸");
    press(&mut h, &["e"]);
    fill(&mut h, "最大储存量", "5");
    fill(&mut h, "储存条件", "单独存放，远离还原剂");
    press(&mut h, &["ctrl-s"]);
    let shown = text(&h);
    assert!(shown.contains("✗ 当前结存 6 千克 已超过 5"), "{shown}");
    let c = chemical(&h, "过氧乙酸");
    assert_eq!(c.conditions, "阴凉、通风，远离火种、热源", "all or nothing");
    fill(&mut h, "最大储存量", "25");
    press(&mut h, &["ctrl-s"]);
    let c = chemical(&h, "过氧乙酸");
    assert_eq!(c.max.to_string(), "25");
    assert_eq!(c.conditions, "单独存放，远离还原剂");
    assert_eq!(c.place, "消毒供应中心", "an unchanged field is not written");
    assert!(c.field_events.len() == 2, "two fields edited");
    assert!(text(&h).contains("已修改「过氧乙酸」的最大储存量、储存条件"));
}

#[test]
fn equipment_is_added_and_its_checks_and_operator_recorded_from_the_registers() {
    let mut h = open(registers_store(), INSPECTOR);
    press(&mut h, &["z", "tab", "a"]);
    fill(&mut h, "设备名称", "高压氧舱");
    fill(&mut h, "设备类别", "");
    // Step the choice to 压力容器 (氧舱 are pressure vessels for people).
    for _ in 0..8 {
        let Screen::EntryForm(f) = h.app.screen() else {
            panic!()
        };
        if f.fields[f.focus].value() == "压力容器" {
            break;
        }
        press(&mut h, &["right"]);
    }
    fill(&mut h, "使用登记证号", "容17吉A00088");
    fill(&mut h, "安装地点", "高压氧科");
    fill(&mut h, "下次检验日期", "2026-12-01");
    press(&mut h, &["ctrl-s"]);
    let q = |h: &Harness| {
        ops::equipment_list(&h.tui.runner.ctx)
            .unwrap()
            .into_iter()
            .find(|q| q.name == "高压氧舱")
            .expect("added")
    };
    assert_eq!(q(&h).kind.label(), "压力容器");

    select(&mut h, "高压氧舱");
    // A 定期检验 must say when the next one is due.
    press(&mut h, &["v"]);
    fill(&mut h, "检验机构", "省特种设备检验研究院");
    fill(&mut h, "结论", "合格");
    press(&mut h, &["ctrl-s"]);
    assert!(text(&h).contains("✗ 定期检验须注明下次检验日期"));
    fill(&mut h, "下次检验日期", "2027-11-20");
    insta::assert_snapshot!("registers_inspection_80x24", text(&h));
    press(&mut h, &["ctrl-s"]);
    assert_eq!(q(&h).next_due.unwrap().to_string(), "2027-11-20");

    press(&mut h, &["m"]);
    fill(&mut h, "维保单位", "某氧舱维保公司");
    fill(&mut h, "日期", "2026-11-20");
    fill(&mut h, "结论", "正常");
    press(&mut h, &["ctrl-s"]);
    press(&mut h, &["c"]);
    fill(&mut h, "安全附件", "安全阀");
    fill(&mut h, "结论", "校验合格");
    press(&mut h, &["ctrl-s"]);
    press(&mut h, &["p"]);
    fill(&mut h, "姓名", "刘强");
    fill(&mut h, "岗位", "氧舱操作人员");
    fill(&mut h, "证书编号", "R2-0099");
    fill(&mut h, "有效期至", "明年");
    press(&mut h, &["ctrl-s"]);
    assert!(
        matches!(h.app.screen(), Screen::EntryForm(f) if f.errors.contains_key(&3)),
        "a bad 有效期至 is refused under its field"
    );
    fill(&mut h, "有效期至", "2028-03-31");
    press(&mut h, &["ctrl-s"]);
    let q = q(&h);
    assert_eq!(q.last(CheckKind::Maintenance).unwrap().by, "某氧舱维保公司");
    assert_eq!(q.last(CheckKind::Accessory).unwrap().by, "安全阀");
    assert_eq!(q.operators[0].cert_no, "R2-0099");
    let shown = text(&h);
    assert!(shown.contains("刘强（R2-0099 至2028-03-31）"), "{shown}");
    // Keys of the other tab say where they belong.
    press(&mut h, &["i"]);
    assert!(text(&h).contains("入库、领用用于危险化学品"));
}

#[test]
fn a_hazard_is_linked_to_a_chemical_by_its_number() {
    let mut h = open(registers_store(), INSPECTOR);
    let ctx = &mut h.tui.runner.ctx;
    let insp = ops::start_inspection(
        ctx,
        NewInspection {
            facility: "市第一人民医院".into(),
            inspectors: vec![INSPECTOR.into()],
            lines: vec!["hazchem".into()],
            mode: Some(Mode::SelfCheck),
            ..Default::default()
        },
    )
    .unwrap();
    let f = ops::record_finding(
        ctx,
        NewFinding {
            inspection: Some(insp.id),
            line: Some("hazchem".into()),
            description: "乙醇与含氯消毒剂混放".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let number = f.number.as_ref().unwrap().code();
    press(&mut h, &["z"]);
    select(&mut h, "乙醇");
    press(&mut h, &["f"]);
    type_text(&mut h, "YH-0000");
    press(&mut h, &["ctrl-s"]);
    assert!(text(&h).contains("✗ 找不到隐患「YH-0000」"));
    fill(&mut h, "隐患编号", &number);
    press(&mut h, &["ctrl-s"]);
    assert_eq!(chemical(&h, "乙醇").hazards, vec![f.id]);
    let links = ops::hazard_links(&h.tui.runner.ctx, f.id).unwrap();
    assert_eq!(links[0].1, "危险化学品 乙醇（易燃液体，药剂科危化品库）");
}

#[test]
fn what_was_typed_in_a_form_comes_back_after_esc() {
    let mut h = open(registers_store(), INSPECTOR);
    press(&mut h, &["z"]);
    select(&mut h, "过氧乙酸");
    press(&mut h, &["o"]);
    fill(&mut h, "数量", "1.5");
    fill(&mut h, "用途", "内镜消毒");
    press(&mut h, &["esc"]);
    assert!(text(&h).contains("已填的内容留作草稿"));
    assert_eq!(chemical(&h, "过氧乙酸").balance.to_string(), "6");
    // Another chemical's form is its own.
    select(&mut h, "乙醇");
    press(&mut h, &["o"]);
    let Screen::EntryForm(f) = h.app.screen() else {
        panic!()
    };
    assert_eq!(f.value_of("数量"), "");
    press(&mut h, &["esc"]);
    select(&mut h, "过氧乙酸");
    press(&mut h, &["o"]);
    let Screen::EntryForm(f) = h.app.screen() else {
        panic!()
    };
    assert_eq!(
        (f.value_of("数量"), f.value_of("用途")),
        ("1.5".into(), "内镜消毒".into())
    );
    assert!(text(&h).contains("已恢复上次未保存的内容"));
    press(&mut h, &["ctrl-s"]);
    assert_eq!(chemical(&h, "过氧乙酸").balance.to_string(), "4.5");
    // Saved: the draft is gone, the next issue form opens empty.
    press(&mut h, &["o"]);
    let Screen::EntryForm(f) = h.app.screen() else {
        panic!()
    };
    assert_eq!(f.value_of("数量"), "");
}

/// The add form's registry suggestions (issue 16/17): 单位 lists the registered facilities the
/// typed text fits, 储存地点 the places of the facility the form names (key sites starred,
/// grades in words), each a popup that says how many there are. Enter takes one.
#[test]
fn the_add_form_suggests_registered_facilities_and_their_places() {
    let mut h = open(registers_store(), INSPECTOR);
    {
        let ctx = &mut h.tui.runner.ctx;
        for name in ["市第一人民医院", "市第二人民医院", "东城区人民医院"] {
            ops::add_facility(
                ctx,
                ops::NewFacility {
                    name: name.into(),
                    ..Default::default()
                },
            )
            .unwrap();
        }
        for (path, key) in [
            ("本部/药剂科/危化品库", true),
            ("本部/检验科/试剂柜", false),
            ("本部/后勤楼/氧气储瓶间", true),
        ] {
            ops::add_place(ctx, "市第一人民医院", path, None, key).unwrap();
        }
        for (place, grade) in [("危化品库", "较大"), ("氧气储瓶间", "重大")] {
            ops::set_place_fields(
                ctx,
                "市第一人民医院",
                place,
                &[(xuncha::domain::PlaceField::Grade, grade.into())],
            )
            .unwrap();
        }
    }
    press(&mut h, &["z", "a"]);
    fill(&mut h, "单位", "人民医院");
    insta::assert_snapshot!("registers_form_facility_suggest_80x24", text(&h));
    assert!(text(&h).contains("共 3 家"), "{}", text(&h));
    press(&mut h, &["enter"]);
    let Screen::EntryForm(f) = h.app.screen() else {
        panic!("the form stays open")
    };
    let facility = f.value_of("单位");
    assert!(facility.ends_with("人民医院") && facility != "人民医院");

    fill(&mut h, "单位", "市第一人民医院");
    fill(&mut h, "储存地点", "");
    let shown = text(&h);
    insta::assert_snapshot!("registers_form_place_suggest_80x24", shown);
    assert!(
        shown.contains("本部/药剂科/危化品库 ★ 较大风险（橙）"),
        "{shown}"
    );
    assert!(
        shown.contains("共 7 处，显示 1–5，继续输入以缩小"),
        "{shown}"
    );
    type_text(&mut h, "whpk");
    press(&mut h, &["enter"]);
    let Screen::EntryForm(f) = h.app.screen() else {
        panic!("the form stays open")
    };
    assert_eq!(f.value_of("储存地点"), "本部/药剂科/危化品库");
}
