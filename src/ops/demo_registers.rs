//! Demo registers (issue 17): per facility, chemicals at their storage places with a year of
//! receipts and issues that never overdraw, and special equipment where one lift is 超期未检,
//! one vessel is due within 30 days and one boiler operator's certificate has expired. Some
//! hazchem and key-site hazards of the demo are linked to a chemical or a lift.

use crate::domain::chem::{ChemicalAdded, ChemicalMoved, known};
use crate::domain::equipment::{CheckKind, EquipmentAdded, EquipmentChecked, OperatorRecorded};
use crate::domain::register::HazardLinked;
use crate::domain::{Direction, EquipKind, Payload, Qty, RegisterRef};
use chrono::{DateTime, Duration, NaiveDate};
use uuid::Uuid;

const DAY_MS: i64 = 86_400_000;

/// (name, place, unit, max, container, conditions, purposes of its issues).
type DemoChem = (
    &'static str,
    &'static str,
    &'static str,
    i64,
    &'static str,
    &'static str,
    [&'static str; 2],
);
const CHEMS: [DemoChem; 4] = [
    (
        "乙醇",
        "药剂科危化品库",
        "升",
        100,
        "5升塑料桶",
        "阴凉、通风，远离火种、热源",
        ["手术室皮肤消毒", "病区物表消毒"],
    ),
    (
        "过氧乙酸",
        "消毒供应中心",
        "千克",
        20,
        "1千克塑料瓶",
        "阴凉避光，与还原剂分开存放",
        ["器械浸泡消毒", "内镜消毒"],
    ),
    (
        "次氯酸钠溶液",
        "消毒供应中心",
        "升",
        50,
        "2.5升塑料桶",
        "阴凉通风，严禁与酸性清洁剂混放",
        ["病区物表消毒", "污物浸泡消毒"],
    ),
    (
        "甲醛",
        "病理科",
        "升",
        10,
        "500毫升玻璃瓶",
        "专柜双人双锁，通风橱内使用",
        ["病理标本固定", "标本固定液配制"],
    ),
];

/// Users of the demo chemicals, by direction.
const WHO: [&str; 4] = ["张敏", "李护士", "王护士", "赵药师"];

/// The first hazard the demo made of each (facility, line): its time and id.
pub(super) type FirstHazards = std::collections::HashMap<(String, String), (i64, Uuid)>;

/// The time (Unix ms) no register event of the demo comes before, for "now" `now_ms`: the
/// demo makes and writes its events before then without waiting for [`actions`].
pub(super) fn earliest(now_ms: i64) -> i64 {
    now_ms - 330 * DAY_MS
}

/// The demo's register events for the first three of `facilities` (in the order the demo
/// first inspected them), dated up to `now_ms`, with ids from the demo's seeded `rng` so runs
/// are reproducible; some link the facility's first hazard of a line (`first`).
pub(super) fn actions(
    now_ms: i64,
    rng: &mut fastrand::Rng,
    facilities: &[String],
    first: &FirstHazards,
) -> Vec<(i64, String, Payload)> {
    let mut out = vec![];
    let mut id = || {
        let mut b = [0u8; 16];
        for x in &mut b {
            *x = rng.u8(..);
        }
        b[6] = (b[6] & 0x0f) | 0x70;
        b[8] = (b[8] & 0x3f) | 0x80;
        Uuid::from_bytes(b)
    };
    let day_of = |ms: i64| -> NaiveDate {
        DateTime::from_timestamp_millis(ms + 8 * 3_600_000)
            .map(|d| d.date_naive())
            .unwrap_or_default()
    };
    // Every event below is dated from here on (`earliest`).
    let start = earliest(now_ms);
    let today = day_of(now_ms);
    for (fi, facility) in facilities.iter().take(3).enumerate() {
        let mut chem_ids = vec![];
        for (ci, (name, place, unit, max, container, conditions, purposes)) in
            CHEMS.iter().enumerate()
        {
            let chem = id();
            chem_ids.push(chem);
            let (class, cas) = known(name).expect("demo chemicals are known varieties");
            let t0 = start + (fi * 4 + ci) as i64 * 60_000;
            out.push((
                t0,
                "赵药师".to_string(),
                Payload::ChemicalAdded(ChemicalAdded {
                    chemical_id: chem,
                    facility: facility.clone(),
                    place: place.to_string(),
                    name: name.to_string(),
                    class,
                    cas: cas.to_string(),
                    unit: unit.to_string(),
                    max: Qty(max * 1000),
                    container: container.to_string(),
                    conditions: conditions.to_string(),
                }),
            ));
            // A receipt every ~60 days and issues in between, never below zero or above max.
            let mut bal = 0i64;
            let mut t = t0 + DAY_MS;
            let mut k = 0usize;
            while t < now_ms - DAY_MS {
                let receipt = k.is_multiple_of(5);
                let q = if receipt {
                    (max * 1000 * 6 / 10).min(max * 1000 - bal)
                } else {
                    (((max / 10).max(1) * 1000) * (1 + (k as i64 % 3))).min(bal)
                };
                if q > 0 {
                    bal += if receipt { q } else { -q };
                    out.push((
                        t,
                        WHO[(k + ci) % WHO.len()].to_string(),
                        Payload::ChemicalMoved(ChemicalMoved {
                            chemical_id: chem,
                            movement_id: id(),
                            direction: if receipt {
                                Direction::Receipt
                            } else {
                                Direction::Issue
                            },
                            qty: Qty(q),
                            unit: unit.to_string(),
                            who: WHO[(k + fi) % WHO.len()].to_string(),
                            date: day_of(t).min(today),
                            purpose: if receipt {
                                "采购入库".to_string()
                            } else {
                                purposes[k % 2].to_string()
                            },
                        }),
                    ));
                }
                k += 1;
                t += 12 * DAY_MS;
            }
        }
        // Equipment: a lift 超期未检, a pressure vessel due soon, a boiler with an expired
        // operator certificate, a hyperbaric chamber in order.
        let lift = id();
        let kinds: [(Uuid, EquipKind, &str, &str, i64); 4] = [
            (lift, EquipKind::Elevator, "1号病房楼客梯", "1号病房楼", -12),
            (id(), EquipKind::PressureVessel, "液氧储罐", "氧气站", 20),
            (id(), EquipKind::Boiler, "燃气热水锅炉", "锅炉房", 200),
            (
                id(),
                EquipKind::Hyperbaric,
                "多人高压氧舱",
                "高压氧治疗中心",
                120,
            ),
        ];
        for (ei, (eq, kind, name, place, due_in)) in kinds.iter().enumerate() {
            let t0 = start + (ei as i64 + 20) * 60_000 + fi as i64 * 1000;
            let due = today + Duration::days(*due_in + fi as i64);
            out.push((
                t0,
                "设备科".to_string(),
                Payload::EquipmentAdded(EquipmentAdded {
                    equipment_id: *eq,
                    facility: facility.clone(),
                    name: name.to_string(),
                    kind: *kind,
                    reg_no: format!(
                        "{}{:02}吉A{:05}(2{})",
                        kind.label().chars().next().unwrap_or('设'),
                        11 + ei,
                        120 + fi * 10 + ei,
                        ei
                    ),
                    place: place.to_string(),
                    maker: "某特种设备制造有限公司".to_string(),
                    factory_no: format!("F2019-{:04}", 100 + fi * 10 + ei),
                    next_due: None,
                }),
            ));
            out.push((
                t0 + 30 * DAY_MS,
                "设备科".to_string(),
                Payload::EquipmentChecked(EquipmentChecked {
                    equipment_id: *eq,
                    check: CheckKind::Inspection,
                    date: due - Duration::days(365),
                    by: "市特种设备检验研究院".to_string(),
                    result: "合格".to_string(),
                    next_due: Some(due),
                }),
            ));
            out.push((
                now_ms - (10 + ei as i64) * DAY_MS,
                "设备科".to_string(),
                Payload::EquipmentChecked(EquipmentChecked {
                    equipment_id: *eq,
                    check: CheckKind::Maintenance,
                    date: day_of(now_ms - (10 + ei as i64) * DAY_MS),
                    by: "某机电设备维保有限公司".to_string(),
                    result: "正常".to_string(),
                    next_due: None,
                }),
            ));
            let expires = if *kind == EquipKind::Boiler {
                today - Duration::days(40)
            } else {
                today + Duration::days(500)
            };
            out.push((
                t0 + 31 * DAY_MS,
                "设备科".to_string(),
                Payload::OperatorRecorded(OperatorRecorded {
                    equipment_id: *eq,
                    name: WHO[(ei + fi) % WHO.len()].replace("护士", "师傅"),
                    role: "作业人员".to_string(),
                    cert_no: format!("TS{:02}{:06}", ei, 3100 + fi * 10 + ei),
                    expires,
                }),
            ));
        }
        // Link the facility's first hazchem hazard to 乙醇, its first key-site hazard to the lift.
        for (line, target) in [
            ("hazchem", RegisterRef::Chemical(chem_ids[0])),
            ("key_site", RegisterRef::Equipment(lift)),
        ] {
            if let Some((t, finding_id)) = first.get(&(facility.clone(), line.to_string())) {
                out.push((
                    (*t + 1).max(start + DAY_MS),
                    "赵药师".to_string(),
                    Payload::HazardLinked(HazardLinked {
                        finding_id: *finding_id,
                        register: target,
                    }),
                ));
            }
        }
    }
    out
}
