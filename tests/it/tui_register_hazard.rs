//! Issue 17, through the real keymap: `n` on a 台账 entry opens a new hazard form pre-filled
//! from it (facility, 部位 from the entry's registered place, line 特种设备 or 危险化学品, the
//! entry named in 问题隐患); Ctrl-s records the hazard linked to the entry in one write and
//! the 台账 shows it. Leaving a typed form offers no draft (there is no checklist to resume).
//! Snapshots at 80x24 with Chinese data.

use crate::tui_support;

use tui_support::flow::save_form;
use tui_support::registers::{registers_store, select};
use tui_support::*;
use xuncha::domain::LinkTarget;
use xuncha::ops;
use xuncha::tui::app::{Overlay, Screen};

const H: &str = "市第一人民医院";

/// The registers fixture with `H` registered and the lift's 1号病房楼 a key site of it.
fn registered_registers() -> Harness {
    let mut h = open(registers_store(), INSPECTOR);
    let ctx = &mut h.tui.runner.ctx;
    ops::add_facility(
        ctx,
        ops::NewFacility {
            name: H.into(),
            ..Default::default()
        },
    )
    .unwrap();
    ops::add_place(ctx, H, "1号病房楼", None, true).unwrap();
    h
}

fn text(h: &Harness) -> String {
    screen_text(h, &draw(h, 80, 24))
}

#[test]
fn n_on_equipment_opens_a_prefilled_hazard_and_saves_it_linked() {
    let mut h = registered_registers();
    press(&mut h, &["z", "tab"]);
    select(&mut h, "1号病房楼客梯");
    press(&mut h, &["n"]);
    let Screen::Form(f) = h.app.screen() else {
        panic!("n opens the hazard form: {:?}", h.app.screen())
    };
    assert_eq!(f.facility, H);
    assert_eq!(f.line.as_deref(), Some("special_equipment"));
    assert_eq!(f.location.text(), "1号病房楼");
    insta::assert_snapshot!("register_hazard_form_80x24", text(&h));

    type_text(&mut h, "轿厢应急照明不亮");
    save_form(&mut h);
    assert!(matches!(h.app.screen(), Screen::Registers(_)));
    let lift = ops::equipment(&h.tui.runner.ctx, "1号病房楼客梯").unwrap();
    assert_eq!(lift.hazards.len(), 1, "linked in the same write");
    let f = h.tui.runner.ctx.finding_by_id(lift.hazards[0]).unwrap();
    assert_eq!(
        f.description,
        "1号病房楼客梯（电梯，使用登记证号 梯11吉A00123）：轿厢应急照明不亮"
    );
    assert_eq!(
        (f.facility.as_str(), f.line.as_str()),
        (H, "special_equipment")
    );
    let (_, place) = ops::link_of(&h.tui.runner.ctx, LinkTarget::Finding(f.id))
        .unwrap()
        .expect("the 部位 is linked to the registered place");
    assert_eq!(place.unwrap().path, "1号病房楼");
    let shown = text(&h);
    assert!(shown.contains("已保存"), "{shown}");
    insta::assert_snapshot!("register_hazard_saved_80x24", shown);
}

#[test]
fn n_on_a_chemical_takes_the_hazchem_line_and_esc_offers_no_draft() {
    let mut h = registered_registers();
    press(&mut h, &["z"]);
    select(&mut h, "乙醇");
    press(&mut h, &["n"]);
    let Screen::Form(f) = h.app.screen() else {
        panic!("n opens the hazard form: {:?}", h.app.screen())
    };
    assert_eq!(f.line.as_deref(), Some("hazchem"));
    assert!(
        f.description.text().starts_with("乙醇（"),
        "{}",
        f.description.text()
    );
    assert_eq!(f.location.text(), "药剂科危化品库");
    type_text(&mut h, "存放柜未上锁");
    press(&mut h, &["esc"]);
    let Some(Overlay::Choice(c)) = &h.app.overlay else {
        panic!("leaving a typed form asks first")
    };
    assert_eq!(
        c.options,
        ["继续填写", "放弃，不登记隐患"],
        "no draft is offered"
    );
    press(&mut h, &["j", "enter"]);
    assert!(matches!(h.app.screen(), Screen::Registers(_)));
    assert!(
        ops::chemical(&h.tui.runner.ctx, "乙醇")
            .unwrap()
            .hazards
            .is_empty()
    );
}
