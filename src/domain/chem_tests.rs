//! The 管理使用台账 fold: balances from movements, flags for overdraws, any delivery order.

use super::*;
use crate::domain::Hlc;
use proptest::prelude::*;

fn ev(device: u8, seq: u64, ms: i64, payload: Payload) -> StoredEvent {
    StoredEvent {
        r: EventRef {
            device: Uuid::from_bytes([device; 16]),
            seq,
        },
        hlc: Hlc { ms, c: 0 },
        author: format!("设备{device}"),
        payload,
        wall: None,
    }
}

fn chem_id() -> Uuid {
    Uuid::from_bytes([7; 16])
}

fn added(max: i64) -> Payload {
    Payload::ChemicalAdded(ChemicalAdded {
        chemical_id: chem_id(),
        facility: "市第一人民医院".into(),
        place: "药剂科危化品库".into(),
        name: "乙醇".into(),
        class: ChemClass::Flammable,
        cas: "64-17-5".into(),
        unit: "升".into(),
        max: Qty(max),
        container: "5升塑料桶".into(),
        conditions: "阴凉通风，远离火种热源".into(),
    })
}

fn moved(n: u128, dir: Direction, qty: i64, day: u32) -> Payload {
    Payload::ChemicalMoved(ChemicalMoved {
        chemical_id: chem_id(),
        movement_id: Uuid::from_u128(n + 1),
        direction: dir,
        qty: Qty(qty),
        unit: "升".into(),
        who: "张敏".into(),
        date: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
        purpose: "手术室消毒".into(),
    })
}

#[test]
fn two_devices_issuing_the_same_stock_keep_both_and_flag_the_overdraw() {
    let events = vec![
        ev(1, 1, 1_000, added(100_000)),
        ev(1, 2, 2_000, moved(1, Direction::Receipt, 20_000, 1)),
        // Both saw 20 升 and each issued 15 升 on its own laptop.
        ev(1, 3, 3_000, moved(2, Direction::Issue, 15_000, 2)),
        ev(2, 1, 3_500, moved(3, Direction::Issue, 15_000, 2)),
    ];
    let c = Chemical::fold(&events).unwrap();
    assert_eq!(c.movements.len(), 3, "both issues are kept");
    assert_eq!(c.balance, Qty(-10_000));
    assert_eq!(c.movements[2].flag, Some(MoveFlag::Negative));
    assert_eq!(c.status_flags(), vec!["负库存"]);
    let mut rev = events.clone();
    rev.reverse();
    assert_eq!(Chemical::fold(&rev), Some(c));
}

#[test]
fn input_refuses_an_overdraw_a_stock_above_the_maximum_and_another_unit() {
    let c = Chemical::fold(&[
        ev(1, 1, 1_000, added(50_000)),
        ev(1, 2, 2_000, moved(1, Direction::Receipt, 20_000, 1)),
    ])
    .unwrap();
    let Payload::ChemicalMoved(issue) = moved(9, Direction::Issue, 25_000, 3) else {
        unreachable!()
    };
    let (field, msg) = c
        .refusal(&issue)
        .expect("an issue above the balance is refused");
    assert_eq!(field, "数量");
    assert!(
        msg.contains("超过结存") && msg.contains("当前结存 20 升"),
        "{msg}"
    );
    let Payload::ChemicalMoved(receipt) = moved(9, Direction::Receipt, 31_000, 3) else {
        unreachable!()
    };
    let (_, msg) = c
        .refusal(&receipt)
        .expect("a stock above the maximum is refused");
    assert!(msg.contains("最大储存量 50 升"), "{msg}");
    let mut kg = receipt.clone();
    kg.qty = Qty(1_000);
    kg.unit = "千克".into();
    let (field, msg) = c.refusal(&kg).expect("another unit is refused");
    assert_eq!(field, "计量单位");
    assert!(msg.contains("「千克」") && msg.contains("「升」"), "{msg}");
    let Payload::ChemicalMoved(fine) = moved(9, Direction::Issue, 20_000, 3) else {
        unreachable!()
    };
    assert_eq!(c.refusal(&fine), None, "issuing the whole stock is allowed");
}

#[test]
fn a_backdated_issue_before_the_receipt_is_refused() {
    let c = Chemical::fold(&[
        ev(1, 1, 1_000, added(50_000)),
        ev(1, 2, 2_000, moved(1, Direction::Receipt, 20_000, 10)),
    ])
    .unwrap();
    let Payload::ChemicalMoved(early) = moved(9, Direction::Issue, 5_000, 3) else {
        unreachable!()
    };
    let (_, msg) = c.refusal(&early).expect("no stock on the 3rd");
    assert!(msg.contains("2026-11-03"), "{msg}");
}

#[test]
fn crossed_edits_of_the_maximum_are_flagged_and_a_later_edit_settles_them() {
    let set = |v: &str, sup: Vec<EventRef>| {
        Payload::ChemicalFieldSet(ChemicalFieldSet {
            chemical_id: chem_id(),
            field: ChemField::Max,
            value: v.into(),
            supersedes: sup,
        })
    };
    let mut events = vec![
        ev(1, 1, 1_000, added(50_000)),
        ev(1, 2, 2_000, set("60", vec![])),
        ev(2, 1, 2_500, set("40", vec![])),
    ];
    let c = Chemical::fold(&events).unwrap();
    assert_eq!(
        c.max,
        Qty(40_000),
        "the later edit by (hlc, device, seq) stands"
    );
    assert_eq!(
        c.conflicts,
        vec![("最大储存量".to_string(), vec!["40".into(), "60".into()])]
    );
    events.push(ev(
        1,
        3,
        4_000,
        set(
            "45",
            vec![
                EventRef {
                    device: Uuid::from_bytes([1; 16]),
                    seq: 2,
                },
                EventRef {
                    device: Uuid::from_bytes([2; 16]),
                    seq: 1,
                },
            ],
        ),
    ));
    let c = Chemical::fold(&events).unwrap();
    assert_eq!(c.max, Qty(45_000));
    assert!(c.conflicts.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Over random movements from three devices, delivered in random orders: every order gives
    /// the same ledger, the balance is receipts minus issues, every movement is kept, and the
    /// balance is negative only with a 负库存 flag on the ledger.
    #[test]
    fn balance_is_receipts_minus_issues_in_any_delivery_order(
        moves in prop::collection::vec((0u8..3, any::<bool>(), 1i64..40_000, 1u32..28), 0..30),
        seed in any::<u64>(),
    ) {
        let mut events = vec![ev(9, 1, 1, added(200_000))];
        let mut seqs = [0u64; 3];
        let (mut rec, mut iss) = (0i64, 0i64);
        for (i, (dev, is_receipt, qty, day)) in moves.iter().enumerate() {
            seqs[*dev as usize] += 1;
            let dir = if *is_receipt { Direction::Receipt } else { Direction::Issue };
            if *is_receipt { rec += qty } else { iss += qty }
            events.push(ev(*dev, seqs[*dev as usize], 10 + i as i64, moved(i as u128, dir, *qty, *day)));
        }
        let first = Chemical::fold(&events).unwrap();
        prop_assert_eq!(first.balance, Qty(rec - iss));
        prop_assert_eq!(first.movements.len(), moves.len());
        if first.balance.0 < 0 {
            prop_assert!(first.movements.iter().any(|m| m.flag == Some(MoveFlag::Negative)));
            prop_assert!(first.status_flags().contains(&"负库存"));
        }
        for m in &first.movements {
            prop_assert_eq!(m.balance.0 < 0, m.flag == Some(MoveFlag::Negative));
        }
        let mut rng = fastrand::Rng::with_seed(seed);
        for _ in 0..4 {
            let mut shuffled = events.clone();
            rng.shuffle(&mut shuffled);
            let again = Chemical::fold(&shuffled);
            prop_assert_eq!(again.as_ref(), Some(&first));
        }
    }
}
