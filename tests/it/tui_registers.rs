//! Issue 17 in the TUI: home names the 超期未检 and expired-certificate counts, `z` (shown in
//! the key bar and in `?`) opens the 台账 screen, Tab switches 危险化学品 / 特种设备; flagged rows
//! are drawn in the overdue colour. Snapshots at 80x24 with Chinese data, through the real keymap.

use crate::tui_support;

use tui_support::registers::registers_store;
use tui_support::*;
use xuncha::catalog::Catalog;
use xuncha::ops::{self, Ctx, NewChemical};
use xuncha::store::Store;
use xuncha::tui::app::Screen;
use xuncha::tui::theme::Role;

#[test]
fn home_counts_and_the_registers_screen() {
    let mut h = open(registers_store(), INSPECTOR);
    let t = draw(&h, 80, 24);
    let home = screen_text(&h, &t);
    assert!(home.contains("特种设备 超期未检 1 · 证书过期 1"), "{home}");
    assert!(
        home.contains("危化/设备"),
        "the key bar names the key: {home}"
    );

    press(&mut h, &["?"]);
    let help = screen_text(&h, &draw(&h, 80, 24));
    assert!(help.contains("危化品与特种设备台账"), "{help}");
    press(&mut h, &["esc"]);

    press(&mut h, &["z"]);
    assert!(matches!(h.app.screen(), Screen::Registers(_)));
    let t = draw(&h, 80, 24);
    insta::assert_snapshot!("registers_chemicals_80x24", screen_text(&h, &t));
    // The overdrawn 乙醇 row (过氧乙酸, sorted first by place, is the one selected) is drawn in
    // the overdue colour.
    let (x, y) = find(&t, "-10升").expect("the negative balance is shown");
    assert_eq!(
        t.backend().buffer()[(x, y)].fg,
        h.tui.theme.get(Role::Overdue).fg.unwrap()
    );

    // Tab, then down to the vessel, so the 超期未检 lift is drawn unselected.
    press(&mut h, &["tab", "j"]);
    let t = draw(&h, 80, 24);
    insta::assert_snapshot!("registers_equipment_80x24", screen_text(&h, &t));
    let (x, y) = find(&t, "超期未检21天").expect("超期未检 shown");
    assert_eq!(
        t.backend().buffer()[(x, y)].fg,
        h.tui.theme.get(Role::Overdue).fg.unwrap()
    );
    press(&mut h, &["esc"]);
    assert!(matches!(h.app.screen(), Screen::Home(_)));
}

#[test]
fn an_empty_store_says_how_to_add_and_a_tiny_terminal_does_not_panic() {
    let mut h = harness(0);
    press(&mut h, &["z"]);
    let t = draw(&h, 80, 24);
    let text = screen_text(&h, &t);
    assert!(text.contains("尚无危险化学品：按 a 登记"), "{text}");
    press(&mut h, &["tab"]);
    let text = screen_text(&h, &draw(&h, 80, 24));
    assert!(text.contains("尚无特种设备：按 a 登记"), "{text}");
    draw(&h, 1, 1);
    draw(&h, 20, 5);
}

#[test]
fn search_finds_a_chemical_and_a_lift_by_pinyin_and_enter_opens_the_register_entry() {
    let mut h = open(registers_store(), INSPECTOR);
    press(&mut h, &["/"]);
    type_text(&mut h, "yichun");
    let t = draw(&h, 80, 24);
    let text = screen_text(&h, &t);
    insta::assert_snapshot!("search_chemical_80x24", text);
    let Screen::Search(s) = h.app.screen() else {
        panic!("search overlay")
    };
    assert_eq!(s.hits[0].title, "乙醇", "the chemical ranks first");
    assert!(
        text.contains("[危化品] 乙醇")
            && text.contains("易燃液体 · 市第一人民医院 · 药剂科危化品库"),
        "{text}"
    );
    press(&mut h, &["enter"]);
    let Screen::Registers(r) = h.app.screen() else {
        panic!("the 台账 screen opens")
    };
    let data = r.data.as_ref().expect("loaded");
    assert_eq!(
        data.chemicals[r.selected].name, "乙醇",
        "the hit is selected"
    );
    press(&mut h, &["esc"]);

    // Pinyin initials of 客梯 find the lift; Enter switches to the equipment tab on it.
    press(&mut h, &["/"]);
    type_text(&mut h, "kt");
    let Screen::Search(s) = h.app.screen() else {
        panic!("search overlay")
    };
    let at = s
        .hits
        .iter()
        .position(|x| x.title == "1号病房楼客梯")
        .expect("the lift is found by 客梯's initials");
    for _ in 0..at {
        press(&mut h, &["down"]);
    }
    press(&mut h, &["enter"]);
    let Screen::Registers(r) = h.app.screen() else {
        panic!("the 台账 screen opens")
    };
    assert_eq!(
        r.tab,
        xuncha::tui::screens::registers_state::RegisterTab::Equipment
    );
    let data = r.data.as_ref().expect("loaded");
    assert_eq!(data.equipment[r.selected].name, "1号病房楼客梯");
}

#[test]
fn a_register_change_is_found_at_once_by_a_search_already_built() {
    let dir = registers_store();
    let store = Store::open(&dir.path().join("data")).unwrap();
    let mut ctx = Ctx::new(store, Catalog::builtin(), now(), "赵药师");
    // The first search builds the index; later writes must reach it without a rebuild.
    assert!(
        ops::search(&mut ctx, "丙酮", 5)
            .unwrap()
            .hits
            .iter()
            .all(|h| h.title != "丙酮")
    );
    let acetone = ops::add_chemical(
        &mut ctx,
        NewChemical {
            facility: "市第一人民医院".into(),
            place: "病理科试剂柜".into(),
            name: "丙酮".into(),
            unit: "升".into(),
            max: "5".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let hits = ops::search(&mut ctx, "bingtong", 5).unwrap().hits;
    assert_eq!(hits[0].target, xuncha::search::Target::Chemical(acetone.id));
    ops::set_chemical_field(
        &mut ctx,
        acetone.id,
        xuncha::domain::chem::ChemField::Place,
        "检验科危化品柜",
    )
    .unwrap();
    let hits = ops::search(&mut ctx, "检验科危化品柜", 5).unwrap().hits;
    assert_eq!(hits[0].target, xuncha::search::Target::Chemical(acetone.id));
    assert!(
        hits[0].subtitle.contains("检验科危化品柜"),
        "{}",
        hits[0].subtitle
    );
    // A status filter asks for hazards: register entries are not among them.
    let hits = ops::search(&mut ctx, "status:open 丙酮", 5).unwrap().hits;
    assert!(
        hits.iter()
            .all(|h| !matches!(h.target, xuncha::search::Target::Chemical(_)))
    );
}
