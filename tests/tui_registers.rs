//! Issue 17 in the TUI: home names the 超期未检 and expired-certificate counts, `z` (shown in
//! the key bar and in `?`) opens the 台账 screen, Tab switches 危险化学品 / 特种设备; flagged rows
//! are drawn in the overdue colour. Snapshots at 80x24 with Chinese data, through the real keymap.

mod tui_support;

use tui_support::*;
use xuncha::catalog::Catalog;
use xuncha::domain::chem::ChemicalMoved;
use xuncha::domain::{Direction, Payload, Qty};
use xuncha::ops::{self, Ctx, NewChemical, NewEquipment, NewMovement};
use xuncha::store::Store;
use xuncha::tui::app::Screen;
use xuncha::tui::theme::Role;

fn registers_store() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("data")).unwrap();
    let mut ctx = Ctx::new(store, Catalog::builtin(), now(), "赵药师");
    let chem = |ctx: &mut Ctx, name: &str, place: &str, unit: &str, max: &str| {
        ops::add_chemical(
            ctx,
            NewChemical {
                facility: "市第一人民医院".into(),
                place: place.into(),
                name: name.into(),
                unit: unit.into(),
                max: max.into(),
                container: "原装瓶".into(),
                conditions: "阴凉、通风，远离火种、热源".into(),
                ..Default::default()
            },
        )
        .unwrap()
    };
    let mv = |ctx: &mut Ctx, id, direction, qty: &str, purpose: &str| {
        ops::move_chemical(
            ctx,
            id,
            NewMovement {
                direction,
                qty: qty.into(),
                unit: String::new(),
                who: "李护士".into(),
                date: "2026-11-20".into(),
                purpose: purpose.into(),
            },
        )
        .unwrap()
    };
    let ethanol = chem(&mut ctx, "乙醇", "药剂科危化品库", "升", "50");
    mv(&mut ctx, ethanol.id, Direction::Receipt, "20", "采购入库");
    mv(
        &mut ctx,
        ethanol.id,
        Direction::Issue,
        "15",
        "手术室皮肤消毒",
    );
    // The other laptop's issue from the same 20 升, arrived by sync: kept and flagged.
    ctx.raw_store_mut()
        .append(
            "王护士",
            &now(),
            vec![Payload::ChemicalMoved(ChemicalMoved {
                chemical_id: ethanol.id,
                movement_id: uuid::Uuid::now_v7(),
                direction: Direction::Issue,
                qty: Qty(15_000),
                unit: "升".into(),
                who: "王护士".into(),
                date: "2026-11-21".parse().unwrap(),
                purpose: "病区物表消毒".into(),
            })],
        )
        .unwrap();
    let per = chem(&mut ctx, "过氧乙酸", "消毒供应中心", "千克", "20");
    mv(&mut ctx, per.id, Direction::Receipt, "6", "采购入库");
    let add = |ctx: &mut Ctx, name: &str, kind: &str, next_due: &str| {
        ops::add_equipment(
            ctx,
            NewEquipment {
                facility: "市第一人民医院".into(),
                name: name.into(),
                kind: kind.into(),
                reg_no: "梯11吉A00123".into(),
                place: "1号病房楼".into(),
                next_due: next_due.into(),
                ..Default::default()
            },
        )
        .unwrap()
    };
    add(&mut ctx, "1号病房楼客梯", "电梯", "2026-11-01");
    add(&mut ctx, "液氧储罐", "压力容器", "2026-12-10");
    let boiler = add(&mut ctx, "燃气热水锅炉", "锅炉", "2027-06-01");
    ops::record_operator(
        &mut ctx,
        boiler.id,
        "王伟",
        "作业人员",
        "G3-0001",
        "2026-06-30",
    )
    .unwrap();
    drop(ctx);
    dir
}

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
    assert!(text.contains("xuncha chem add"), "{text}");
    press(&mut h, &["tab"]);
    let text = screen_text(&h, &draw(&h, 80, 24));
    assert!(text.contains("xuncha equipment add"), "{text}");
    draw(&h, 1, 1);
    draw(&h, 20, 5);
}
