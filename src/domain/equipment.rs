//! 特种设备安全清单: each piece of special equipment with its 定期检验, 维护保养, 安全附件 checks and
//! certified operators, folded from events; and the due rules seed 000 campaigns on (超期未检,
//! 维护保养不到位, 安全附件及保护装置失效, 持证上岗).

use super::register::{Edit, HazardLinked, fold_edits};
use super::{EventRef, Payload, Stamp, StoredEvent};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Days ahead in which a 定期检验 counts as 即将到期 (30天内到期).
pub const DUE_SOON_DAYS: i64 = 30;

/// The kinds of special equipment a health facility uses (seed 000: 电梯、压力容器、锅炉、
/// 高压氧舱; the 特种设备目录 adds 起重机械 and 场（厂）内专用机动车辆).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EquipKind {
    Elevator,
    PressureVessel,
    Boiler,
    Hyperbaric,
    Crane,
    Vehicle,
    Other,
}

impl EquipKind {
    pub const ALL: [EquipKind; 7] = [
        EquipKind::Elevator,
        EquipKind::PressureVessel,
        EquipKind::Boiler,
        EquipKind::Hyperbaric,
        EquipKind::Crane,
        EquipKind::Vehicle,
        EquipKind::Other,
    ];
    /// The stable id used in CLI flags and JSON.
    pub fn id(self) -> &'static str {
        match self {
            EquipKind::Elevator => "elevator",
            EquipKind::PressureVessel => "pressure_vessel",
            EquipKind::Boiler => "boiler",
            EquipKind::Hyperbaric => "hyperbaric",
            EquipKind::Crane => "crane",
            EquipKind::Vehicle => "vehicle",
            EquipKind::Other => "other",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            EquipKind::Elevator => "电梯",
            EquipKind::PressureVessel => "压力容器",
            EquipKind::Boiler => "锅炉",
            EquipKind::Hyperbaric => "高压氧舱",
            EquipKind::Crane => "起重机械",
            EquipKind::Vehicle => "场（厂）内机动车辆",
            EquipKind::Other => "其他",
        }
    }
    /// By id or Chinese label.
    pub fn parse(s: &str) -> Option<EquipKind> {
        let s = s.trim();
        EquipKind::ALL
            .into_iter()
            .find(|k| k.id() == s || k.label() == s)
    }
}

/// A piece of equipment entered in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EquipmentAdded {
    pub equipment_id: Uuid,
    /// 使用单位, as text (the facility registry is another issue).
    pub facility: String,
    /// 设备名称 (e.g. "1号病房楼客梯").
    pub name: String,
    /// Serialised as `type`: the event's own tag is `kind`.
    #[serde(rename = "type")]
    pub kind: EquipKind,
    /// 使用登记证号.
    #[serde(default)]
    pub reg_no: String,
    /// 安装地点.
    #[serde(default)]
    pub place: String,
    /// 制造单位.
    #[serde(default)]
    pub maker: String,
    /// 出厂编号.
    #[serde(default)]
    pub factory_no: String,
    /// 下次检验日期 as entered with the equipment (before any inspection is recorded here).
    #[serde(default)]
    pub next_due: Option<NaiveDate>,
}

/// What a record of the equipment is: 定期检验, 维护保养, 安全附件 check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// 定期检验, by an inspection body; sets the next due date.
    Inspection,
    /// 维护保养, by a maintenance company.
    Maintenance,
    /// 安全附件及保护装置 (安全阀、压力表、限速器 …) check.
    Accessory,
}

impl CheckKind {
    pub fn label(self) -> &'static str {
        match self {
            CheckKind::Inspection => "定期检验",
            CheckKind::Maintenance => "维护保养",
            CheckKind::Accessory => "安全附件检查",
        }
    }
}

/// One 定期检验 / 维护保养 / 安全附件 record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EquipmentChecked {
    pub equipment_id: Uuid,
    pub check: CheckKind,
    pub date: NaiveDate,
    /// 检验机构 / 维保单位 / the accessory checked (安全阀、压力表 …).
    pub by: String,
    /// 结论 (合格, 不合格, 复检合格 …).
    pub result: String,
    /// 下次检验日期 (定期检验) or the accessory's next check date; optional for maintenance.
    #[serde(default)]
    pub next_due: Option<NaiveDate>,
}

/// An operator or safety manager with a certificate (持证上岗). A later record with the same
/// certificate number replaces the earlier one (a renewal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorRecorded {
    pub equipment_id: Uuid,
    pub name: String,
    /// 作业人员 or 安全管理员.
    #[serde(default)]
    pub role: String,
    /// 证书编号.
    pub cert_no: String,
    /// 证书有效期至.
    pub expires: NaiveDate,
}

/// Editable fields of an equipment entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EquipField {
    Name,
    RegNo,
    Place,
    Maker,
    FactoryNo,
}

impl EquipField {
    pub fn label(self) -> &'static str {
        match self {
            EquipField::Name => "设备名称",
            EquipField::RegNo => "使用登记证号",
            EquipField::Place => "安装地点",
            EquipField::Maker => "制造单位",
            EquipField::FactoryNo => "出厂编号",
        }
    }

    /// By id (`name`, `reg_no`, `place`, `maker`, `factory_no`) or Chinese label.
    pub fn parse(s: &str) -> Option<EquipField> {
        use EquipField::*;
        let s = s.trim();
        [Name, RegNo, Place, Maker, FactoryNo]
            .into_iter()
            .find(|f| s == f.label() || serde_json::to_value(f).ok().as_ref() == Some(&s.into()))
    }
}

/// An edit of one field of an equipment entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EquipmentFieldSet {
    pub equipment_id: Uuid,
    pub field: EquipField,
    pub value: String,
    #[serde(default)]
    pub supersedes: Vec<EventRef>,
}

/// A check record as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckRecord {
    pub check: CheckKind,
    pub date: NaiveDate,
    pub by: String,
    pub result: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_due: Option<NaiveDate>,
    pub recorded_by: String,
    pub recorded_at: Stamp,
}

/// Where the 定期检验 stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DueState {
    /// 超期未检: the due date has passed, by `days`.
    Overdue {
        days: i64,
    },
    /// 30天内到期: due in `days` (0 = today).
    DueSoon {
        days: i64,
    },
    Ok,
    /// No due date known.
    Unknown,
}

impl DueState {
    pub fn label(self) -> String {
        match self {
            DueState::Overdue { days } => format!("超期未检（{days}天）"),
            DueState::DueSoon { days } => format!("30天内到期（剩{days}天）"),
            DueState::Ok => "正常".into(),
            DueState::Unknown => "未填检验日期".into(),
        }
    }
}

/// A piece of equipment with its records, folded from its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Equipment {
    pub id: Uuid,
    pub facility: String,
    pub name: String,
    pub kind: EquipKind,
    pub reg_no: String,
    pub place: String,
    pub maker: String,
    pub factory_no: String,
    pub created_at: Stamp,
    pub created_by: String,
    /// Records by date, oldest first.
    pub checks: Vec<CheckRecord>,
    /// Operators and safety managers, by certificate number.
    pub operators: Vec<OperatorRecorded>,
    /// 下次检验日期: from the latest 定期检验 that gives one, else as entered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_due: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<(String, Vec<String>)>,
    #[serde(skip)]
    pub field_events: BTreeMap<EquipField, EventRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hazards: Vec<Uuid>,
}

impl Equipment {
    /// Folds one piece of equipment's events (any order); None until `EquipmentAdded` is held.
    pub fn fold(events: &[StoredEvent]) -> Option<Equipment> {
        let mut evs: Vec<&StoredEvent> = events.iter().collect();
        evs.sort_by_key(|e| e.order_key());
        let (first, a) = evs.iter().find_map(|e| match &e.payload {
            Payload::EquipmentAdded(a) => Some((*e, a)),
            _ => None,
        })?;
        let mut q = Equipment {
            id: a.equipment_id,
            facility: a.facility.clone(),
            name: a.name.clone(),
            kind: a.kind,
            reg_no: a.reg_no.clone(),
            place: a.place.clone(),
            maker: a.maker.clone(),
            factory_no: a.factory_no.clone(),
            created_at: first.at(),
            created_by: first.author.clone(),
            checks: vec![],
            operators: vec![],
            next_due: a.next_due,
            conflicts: vec![],
            field_events: BTreeMap::new(),
            hazards: vec![],
        };
        let mut edits = vec![];
        let mut ops: BTreeMap<String, OperatorRecorded> = BTreeMap::new();
        for e in &evs {
            match &e.payload {
                Payload::EquipmentChecked(c) => q.checks.push(CheckRecord {
                    check: c.check,
                    date: c.date,
                    by: c.by.clone(),
                    result: c.result.clone(),
                    next_due: c.next_due,
                    recorded_by: e.author.clone(),
                    recorded_at: e.at(),
                }),
                Payload::OperatorRecorded(o) => {
                    ops.insert(o.cert_no.clone(), o.clone());
                }
                Payload::EquipmentFieldSet(s) => edits.push(Edit {
                    event: e,
                    field: s.field,
                    value: &s.value,
                    supersedes: &s.supersedes,
                }),
                Payload::HazardLinked(HazardLinked { finding_id, .. })
                    if !q.hazards.contains(finding_id) =>
                {
                    q.hazards.push(*finding_id);
                }
                _ => {}
            }
        }
        // Stable: records of one day keep event order.
        q.checks.sort_by_key(|c| c.date);
        if let Some(d) = q
            .checks
            .iter()
            .rev()
            .find(|c| c.check == CheckKind::Inspection && c.next_due.is_some())
            .and_then(|c| c.next_due)
        {
            q.next_due = Some(d);
        }
        q.operators = ops.into_values().collect();
        for (field, v) in fold_edits(&edits) {
            let slot = match field {
                EquipField::Name => &mut q.name,
                EquipField::RegNo => &mut q.reg_no,
                EquipField::Place => &mut q.place,
                EquipField::Maker => &mut q.maker,
                EquipField::FactoryNo => &mut q.factory_no,
            };
            *slot = v.value.clone();
            if !v.crossed.is_empty() {
                let mut all = vec![v.value.clone()];
                all.extend(v.crossed.iter().cloned());
                q.conflicts.push((field.label().to_string(), all));
            }
            q.field_events.insert(field, v.event);
        }
        Some(q)
    }

    /// Where the 定期检验 stands on `today`: 超期未检 after the due date, 30天内到期 up to
    /// [`DUE_SOON_DAYS`] before it.
    pub fn due_state(&self, today: NaiveDate) -> DueState {
        match self.next_due {
            None => DueState::Unknown,
            Some(d) if d < today => DueState::Overdue {
                days: (today - d).num_days(),
            },
            Some(d) if (d - today).num_days() <= DUE_SOON_DAYS => DueState::DueSoon {
                days: (d - today).num_days(),
            },
            Some(_) => DueState::Ok,
        }
    }

    /// Operators whose certificate has expired by `today` (the expiry day itself still counts).
    pub fn expired_operators(&self, today: NaiveDate) -> Vec<&OperatorRecorded> {
        self.operators
            .iter()
            .filter(|o| o.expires < today)
            .collect()
    }

    /// The latest record of a kind, if any.
    pub fn last(&self, kind: CheckKind) -> Option<&CheckRecord> {
        self.checks.iter().rev().find(|c| c.check == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Hlc;

    fn ev(seq: u64, payload: Payload) -> StoredEvent {
        StoredEvent {
            r: EventRef {
                device: Uuid::from_bytes([1; 16]),
                seq,
            },
            hlc: Hlc {
                ms: seq as i64,
                c: 0,
            },
            author: "李强".into(),
            payload,
            wall: None,
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn elevator(next_due: Option<NaiveDate>) -> Vec<StoredEvent> {
        vec![ev(
            1,
            Payload::EquipmentAdded(EquipmentAdded {
                equipment_id: Uuid::from_bytes([3; 16]),
                facility: "市第一人民医院".into(),
                name: "1号病房楼客梯".into(),
                kind: EquipKind::Elevator,
                reg_no: "梯11吉A00123(20)".into(),
                place: "1号病房楼".into(),
                maker: "某电梯有限公司".into(),
                factory_no: "E2019-0456".into(),
                next_due,
            }),
        )]
    }

    #[test]
    fn due_states_around_the_due_date_with_a_pinned_day() {
        let q = Equipment::fold(&elevator(Some(d("2026-12-01")))).unwrap();
        assert_eq!(q.due_state(d("2026-12-02")), DueState::Overdue { days: 1 });
        assert_eq!(q.due_state(d("2026-12-01")), DueState::DueSoon { days: 0 });
        assert_eq!(q.due_state(d("2026-11-01")), DueState::DueSoon { days: 30 });
        assert_eq!(q.due_state(d("2026-10-31")), DueState::Ok);
        assert_eq!(
            Equipment::fold(&elevator(None))
                .unwrap()
                .due_state(d("2026-10-31")),
            DueState::Unknown
        );
    }

    #[test]
    fn the_latest_inspection_sets_the_due_date_and_renewals_replace_certificates() {
        let id = Uuid::from_bytes([3; 16]);
        let mut evs = elevator(Some(d("2026-01-01")));
        let check = |date: &str, next: &str| {
            Payload::EquipmentChecked(EquipmentChecked {
                equipment_id: id,
                check: CheckKind::Inspection,
                date: d(date),
                by: "市特种设备检验所".into(),
                result: "合格".into(),
                next_due: Some(d(next)),
            })
        };
        // Recorded out of order: the later inspection (by date) counts.
        evs.push(ev(2, check("2026-11-20", "2027-11-19")));
        evs.push(ev(3, check("2025-11-20", "2026-11-19")));
        let op = |expires: &str| {
            Payload::OperatorRecorded(OperatorRecorded {
                equipment_id: id,
                name: "王伟".into(),
                role: "作业人员".into(),
                cert_no: "T123456".into(),
                expires: d(expires),
            })
        };
        evs.push(ev(4, op("2026-06-30")));
        let q = Equipment::fold(&evs).unwrap();
        assert_eq!(q.next_due, Some(d("2027-11-19")));
        assert_eq!(q.expired_operators(d("2026-11-22")).len(), 1);
        evs.push(ev(5, op("2030-06-30")));
        let q = Equipment::fold(&evs).unwrap();
        assert_eq!(q.operators.len(), 1, "a renewal replaces the certificate");
        assert!(q.expired_operators(d("2026-11-22")).is_empty());
    }
}
