//! The registers fixture of the TUI tests (issue 17): chemicals with movements (one
//! overdrawn by a sync), and special equipment 超期未检, due soon, and with an expired
//! certificate, written through ops at the pinned clock.

use super::{Harness, now, press};
use xuncha::catalog::Catalog;
use xuncha::domain::chem::ChemicalMoved;
use xuncha::domain::{Direction, Payload, Qty};
use xuncha::ops::{self, Ctx, NewChemical, NewEquipment, NewMovement};
use xuncha::store::Store;
use xuncha::tui::app::Screen;
use xuncha::tui::screens::registers_state::RegisterTab;

/// A data dir holding 乙醇 (20 升 in, 15 out here and 15 out on another laptop: −10, 负库存),
/// 过氧乙酸 (6 of 20 千克), a lift 超期未检, a vessel due within 30 days and a boiler whose
/// operator's certificate has expired.
pub fn registers_store() -> tempfile::TempDir {
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

/// Moves the 台账 selection to the row whose name is `name`.
pub fn select(h: &mut Harness, name: &str) {
    press(h, &["g"]);
    for _ in 0..10 {
        let Screen::Registers(r) = h.app.screen() else {
            panic!("the 台账 screen")
        };
        let d = r.data.as_ref().expect("loaded");
        let here = d
            .chemicals
            .get(r.selected)
            .map(|c| c.name.as_str())
            .filter(|_| r.tab == RegisterTab::Chemicals)
            .or_else(|| d.equipment.get(r.selected).map(|q| q.name.as_str()));
        if here == Some(name) {
            return;
        }
        press(h, &["j"]);
    }
    panic!("{name} not in the list");
}
