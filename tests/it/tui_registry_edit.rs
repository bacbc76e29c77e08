//! Adding and editing the facility registry in the TUI (issue 16), through the real keymap:
//! `a` registers a facility, `e` edits its fields one prompt at a time (Tab: the next field,
//! filled with the value shown), Tab moves to the places, where `a` adds a path under the
//! selected place and `e` sets 风险等级, 管控措施, 责任人 and 重点部位; a refused value stays in
//! the prompt with the field named and nothing is written. The places side shows the selected
//! site's patrol log. Snapshots at 80x24 with Chinese data.

use crate::tui_support;
use tui_support::flow::save_form;
use tui_support::*;
use xuncha::domain::{FacilityKind, RiskGrade};
use xuncha::ops;
use xuncha::tui::app::{Overlay, Screen};

fn prompt_error(h: &Harness) -> Option<String> {
    match &h.app.overlay {
        Some(Overlay::Prompt(p)) => p.error.clone(),
        _ => None,
    }
}

fn events(h: &Harness) -> u64 {
    h.tui.runner.ctx.raw_store().event_count() as u64
}

/// `e`, Tab `tabs` times, replace the value with `value`, Enter.
fn edit(h: &mut Harness, tabs: usize, value: &str) {
    press(h, &["e"]);
    for _ in 0..tabs {
        press(h, &["tab"]);
    }
    press(h, &["ctrl-u"]);
    type_text(h, value);
    press(h, &["enter"]);
}

#[test]
fn register_a_facility_its_people_and_places_and_grade_a_key_site() {
    let mut h = harness(0);
    press(&mut h, &["f"]);
    let text = screen_text(&h, &draw(&h, 80, 24));
    assert!(text.contains("按 a 登记单位"), "{text}");

    press(&mut h, &["a"]);
    type_text(&mut h, "南湖区人民医院");
    press(&mut h, &["enter"]);
    assert!(h.app.overlay.is_none(), "{:?}", prompt_error(&h));
    assert_eq!(
        h.app.message.as_ref().unwrap().text,
        "已登记单位「南湖区人民医院」（医院）"
    );

    // Name, 类型, 地址, 主要负责人, 主要负责人电话: Tab walks the fields in this order.
    edit(&mut h, 2, "南湖区建设路1号");
    edit(&mut h, 3, "赵刚");
    let before = events(&h);
    edit(&mut h, 4, "0371-6666abc");
    let err = prompt_error(&h).expect("a bad telephone is refused in the prompt");
    assert!(
        err.contains("主要负责人电话") && err.contains("不是电话号码"),
        "{err}"
    );
    assert_eq!(events(&h), before, "nothing written");
    press(&mut h, &["backspace", "backspace", "backspace"]);
    type_text(&mut h, "1234");
    press(&mut h, &["enter"]);
    assert!(h.app.overlay.is_none(), "{:?}", prompt_error(&h));

    // The places side: a path at the top, then a key site under the selected floor.
    press(&mut h, &["tab", "a"]);
    type_text(&mut h, "本部/门诊楼/1层");
    press(&mut h, &["enter"]);
    assert!(h.app.overlay.is_none(), "{:?}", prompt_error(&h));
    press(&mut h, &["a"]);
    type_text(&mut h, "配电室");
    press(&mut h, &["enter"]);
    assert_eq!(
        h.app.message.as_ref().unwrap().text,
        "已登记场所「本部/门诊楼/1层/配电室」（部位）"
    );
    // The new place is selected: its 风险等级 first, then 管控措施, 责任人, (名称), 重点部位.
    edit(&mut h, 0, "较大");
    edit(&mut h, 1, "每日巡查，配电柜前不堆放杂物");
    edit(&mut h, 2, "后勤科 刘电工");
    edit(&mut h, 4, "是");
    let before = events(&h);
    edit(&mut h, 0, "很高");
    let err = prompt_error(&h).expect("an unknown grade is refused");
    assert!(err.contains("风险等级") && err.contains("很高"), "{err}");
    assert_eq!(events(&h), before, "nothing written");
    press(&mut h, &["esc"]);

    let f = ops::facility(&h.tui.runner.ctx, "南湖区人民医院").unwrap();
    assert_eq!(f.kind, FacilityKind::Hospital);
    assert_eq!(
        (f.address.as_str(), f.head.as_str(), f.head_phone.as_str()),
        ("南湖区建设路1号", "赵刚", "0371-66661234")
    );
    let p = f.place("配电室").unwrap();
    assert_eq!(p.path, "本部/门诊楼/1层/配电室");
    assert!(p.key_site);
    assert_eq!(p.grade, Some(RiskGrade::Large));
    assert_eq!(p.measures, "每日巡查，配电柜前不堆放杂物");
    assert_eq!(p.responsible, "后勤科 刘电工");

    let t = draw(&h, 80, 24);
    insta::assert_snapshot!("registry_edit_places_80x24", screen_text(&h, &t));

    // Tab back to the facilities; a second name that is already registered is refused.
    press(&mut h, &["tab", "a"]);
    type_text(&mut h, "南湖区人民医院");
    press(&mut h, &["enter"]);
    let err = prompt_error(&h).expect("a registered name is refused");
    assert!(err.contains("已登记"), "{err}");
    press(&mut h, &["esc"]);
    let _ = draw(&h, 1, 1);
}

#[test]
fn the_places_side_shows_the_selected_sites_patrol_log_newest_first() {
    let mut h = harness(0);
    press(&mut h, &["f", "a"]);
    type_text(&mut h, "南湖区人民医院");
    press(&mut h, &["enter", "tab", "a"]);
    type_text(&mut h, "本部/后勤楼/氧气储瓶间");
    press(&mut h, &["enter"]);
    edit(&mut h, 4, "是");
    // Two night patrols: 正常, then 异常 (which records a hazard).
    press(&mut h, &["tab", "N", "p", "F", "esc", "N", "f"]);
    type_text(&mut h, "氧气瓶未固定");
    save_form(&mut h);
    press(&mut h, &["F", "esc"]);
    assert!(matches!(h.app.screen(), Screen::Facilities(_)));
    press(&mut h, &["tab"]);
    let Screen::Facilities(st) = h.app.screen() else {
        panic!("registry")
    };
    assert_eq!(st.current_place().unwrap().name, "氧气储瓶间");
    let t = draw(&h, 80, 24);
    let text = screen_text(&h, &t);
    insta::assert_snapshot!("registry_site_log_80x24", text);
    assert!(text.contains("巡查记录：氧气储瓶间（共 2 次）"), "{text}");
    let abnormal = text.find("夜间 异常").expect("the 异常 visit is listed");
    let normal = text.find("夜间 正常").expect("the 正常 visit is listed");
    assert!(abnormal < normal, "newest first: {text}");
    assert!(
        text.contains("夜间 异常→隐患 王检查：氧气瓶未固定"),
        "{text}"
    );
    // The selected place is drawn selected.
    let (x, y) = find(&t, "氧气储瓶间 最近巡查").expect("the site in the tree");
    assert_eq!(
        t.backend().buffer()[(x, y)].bg,
        h.tui
            .theme
            .get(xuncha::tui::theme::Role::Selection)
            .bg
            .unwrap()
    );
}
