//! 危险化学品: the 储存台账 (a chemical kept at one storage place) and the 管理使用台账 (its
//! receipts and issues), folded from events. The balance is always computed from the
//! movements, never typed (seed 004 §二(二): 医疗机构…要建立危险化学品储存台账、管理使用台账、
//! 隐患排查整治台账三个台账).
//!
//! Movements that arrive by sync are facts and are always kept. Replayed in ledger order
//! (date, then (hlc, device, seq)), a movement that takes the balance below zero is flagged
//! 负库存, one that takes it above the place's maximum 超量, and one in another unit 单位不符
//! (left out of the balance). Input refuses all three before anything is written
//! (`Chemical::refusal`).

use super::register::{Edit, FieldValue, HazardLinked, Qty, fold_edits};
use super::{EventRef, Payload, Stamp, StoredEvent};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The class of a hazardous chemical. Seed 004 tells medical institutions to check "四类八个品种"
/// first, citing 《中共吉林省委办公厅吉林省人民政府办公厅印发〈吉林省关于全面加强危险化学品安全
/// 生产工作的实施方案〉的通知》. That notice's list was not available to us; the four classes
/// here are the GB 6944 classes a hospital's stores hold (3 易燃液体, 5.1 氧化性物质, 6.1 毒性
/// 物质, 8 腐蚀性物质), and [`KNOWN`] names eight varieties under them, alcohol (乙醇) and the
/// disinfectants the seed singles out first. `Other` keeps anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChemClass {
    /// 易燃液体 (GB 6944 第3类): 乙醇, 甲醇, 二甲苯, 丙酮.
    Flammable,
    /// 氧化性物质 (第5.1类): 过氧乙酸, 过氧化氢.
    Oxidizer,
    /// 毒性物质 (第6.1类): 甲醛.
    Toxic,
    /// 腐蚀性物质 (第8类): 含氯消毒剂（次氯酸钠溶液）.
    Corrosive,
    /// 其他.
    Other,
}

impl ChemClass {
    pub const ALL: [ChemClass; 5] = [
        ChemClass::Flammable,
        ChemClass::Oxidizer,
        ChemClass::Toxic,
        ChemClass::Corrosive,
        ChemClass::Other,
    ];

    /// The stable id used in CLI flags and JSON.
    pub fn id(self) -> &'static str {
        match self {
            ChemClass::Flammable => "flammable",
            ChemClass::Oxidizer => "oxidizer",
            ChemClass::Toxic => "toxic",
            ChemClass::Corrosive => "corrosive",
            ChemClass::Other => "other",
        }
    }

    /// The Chinese name printed on the ledgers.
    pub fn label(self) -> &'static str {
        match self {
            ChemClass::Flammable => "易燃液体",
            ChemClass::Oxidizer => "氧化性物质",
            ChemClass::Toxic => "毒性物质",
            ChemClass::Corrosive => "腐蚀性物质",
            ChemClass::Other => "其他",
        }
    }

    /// By id or Chinese label.
    pub fn parse(s: &str) -> Option<ChemClass> {
        let s = s.trim();
        ChemClass::ALL
            .into_iter()
            .find(|c| c.id() == s || c.label() == s)
    }
}

/// The eight varieties the registers know by name: (name, class, CAS No.). A chemical added
/// under one of these names gets its class and CAS No. when they are not given.
pub const KNOWN: [(&str, ChemClass, &str); 8] = [
    ("乙醇", ChemClass::Flammable, "64-17-5"),
    ("甲醇", ChemClass::Flammable, "67-56-1"),
    ("二甲苯", ChemClass::Flammable, "1330-20-7"),
    ("丙酮", ChemClass::Flammable, "67-64-1"),
    ("过氧乙酸", ChemClass::Oxidizer, "79-21-0"),
    ("过氧化氢", ChemClass::Oxidizer, "7722-84-1"),
    ("甲醛", ChemClass::Toxic, "50-00-0"),
    ("次氯酸钠溶液", ChemClass::Corrosive, "7681-52-9"),
];

/// The known variety named `name`, if any (酒精 is 乙醇; 84消毒液 and 含氯消毒剂 are
/// 次氯酸钠溶液).
pub fn known(name: &str) -> Option<(ChemClass, &'static str)> {
    let n = name.trim();
    let n = match n {
        "酒精" | "医用酒精" | "75%酒精" | "无水乙醇" => "乙醇",
        "84消毒液" | "含氯消毒剂" | "次氯酸钠" => "次氯酸钠溶液",
        "福尔马林" => "甲醛",
        "双氧水" => "过氧化氢",
        other => other,
    };
    KNOWN
        .iter()
        .find(|(k, _, _)| *k == n)
        .map(|(_, c, cas)| (*c, *cas))
}

/// A chemical entered in the 储存台账 at one storage place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChemicalAdded {
    pub chemical_id: Uuid,
    /// 单位 (the facility), as text: the facility registry is another issue.
    pub facility: String,
    /// 储存地点 (e.g. "药剂科危化品库").
    pub place: String,
    pub name: String,
    pub class: ChemClass,
    /// CAS No., may be empty.
    #[serde(default)]
    pub cas: String,
    /// 计量单位 (升, 千克, 瓶 …): every movement is in this unit.
    pub unit: String,
    /// The place's allowed maximum (最大储存量), in `unit`.
    pub max: Qty,
    /// 包装容器.
    #[serde(default)]
    pub container: String,
    /// 储存条件 (阴凉、通风、远离火源 …).
    #[serde(default)]
    pub conditions: String,
}

/// Receipt (入库) or issue (出库/领用).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Receipt,
    Issue,
}

impl Direction {
    pub fn label(self) -> &'static str {
        match self {
            Direction::Receipt => "入库",
            Direction::Issue => "领用",
        }
    }
}

/// One movement of the 管理使用台账.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChemicalMoved {
    pub chemical_id: Uuid,
    pub movement_id: Uuid,
    pub direction: Direction,
    pub qty: Qty,
    pub unit: String,
    /// 经手人 / 领用人.
    pub who: String,
    /// The day it happened (may be earlier than the day it is recorded).
    pub date: NaiveDate,
    /// 用途 (for an issue) or 来源 (for a receipt).
    #[serde(default)]
    pub purpose: String,
}

/// Editable fields of a chemical entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChemField {
    Place,
    Max,
    Container,
    Conditions,
    Cas,
}

impl ChemField {
    pub fn label(self) -> &'static str {
        match self {
            ChemField::Place => "储存地点",
            ChemField::Max => "最大储存量",
            ChemField::Container => "包装容器",
            ChemField::Conditions => "储存条件",
            ChemField::Cas => "CAS号",
        }
    }
    pub fn parse(s: &str) -> Option<ChemField> {
        use ChemField::*;
        [Place, Max, Container, Conditions, Cas]
            .into_iter()
            .find(|f| s == f.label() || serde_json::to_value(f).ok().as_ref() == Some(&s.into()))
    }
}

/// An edit of one field of a chemical entry; `supersedes` names the value(s) the editor saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChemicalFieldSet {
    pub chemical_id: Uuid,
    pub field: ChemField,
    pub value: String,
    #[serde(default)]
    pub supersedes: Vec<EventRef>,
}

/// Why a movement is flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoveFlag {
    /// 负库存: the balance went below zero (e.g. two devices issued from the same stock).
    Negative,
    /// 超量: the balance went above the place's maximum.
    OverMax,
    /// 单位不符: in another unit than the chemical's; left out of the balance.
    UnitMismatch,
}

impl MoveFlag {
    pub fn label(self) -> &'static str {
        match self {
            MoveFlag::Negative => "负库存",
            MoveFlag::OverMax => "超量",
            MoveFlag::UnitMismatch => "单位不符",
        }
    }
}

/// A movement as the ledger shows it, with the balance after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Movement {
    pub id: Uuid,
    pub direction: Direction,
    pub qty: Qty,
    pub unit: String,
    pub who: String,
    pub date: NaiveDate,
    pub purpose: String,
    /// Who recorded it and when (the writer's clock).
    pub recorded_by: String,
    pub recorded_at: Stamp,
    pub event: EventRef,
    /// The balance after this movement, in ledger order.
    pub balance: Qty,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<MoveFlag>,
}

/// A chemical entry with its ledger, folded from its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chemical {
    pub id: Uuid,
    pub facility: String,
    pub place: String,
    pub name: String,
    pub class: ChemClass,
    pub cas: String,
    pub unit: String,
    pub max: Qty,
    pub container: String,
    pub conditions: String,
    pub created_at: Stamp,
    pub created_by: String,
    /// Movements in ledger order (date, then (hlc, device, seq)).
    pub movements: Vec<Movement>,
    /// Receipts minus issues, in `unit` (movements in another unit left out).
    pub balance: Qty,
    /// Fields edited without seeing each other: (field label, the values that crossed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<(String, Vec<String>)>,
    /// The events that set each edited field, for an edit to supersede.
    #[serde(skip)]
    pub field_events: BTreeMap<ChemField, EventRef>,
    /// Hazards recorded on this chemical (finding ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hazards: Vec<Uuid>,
}

impl Chemical {
    /// Folds a chemical's events (any order); None until its `ChemicalAdded` is held.
    pub fn fold(events: &[StoredEvent]) -> Option<Chemical> {
        let mut evs: Vec<&StoredEvent> = events.iter().collect();
        evs.sort_by_key(|e| e.order_key());
        let (first, added) = evs.iter().find_map(|e| match &e.payload {
            Payload::ChemicalAdded(a) => Some((*e, a)),
            _ => None,
        })?;
        let mut c = Chemical {
            id: added.chemical_id,
            facility: added.facility.clone(),
            place: added.place.clone(),
            name: added.name.clone(),
            class: added.class,
            cas: added.cas.clone(),
            unit: added.unit.clone(),
            max: added.max,
            container: added.container.clone(),
            conditions: added.conditions.clone(),
            created_at: first.at(),
            created_by: first.author.clone(),
            movements: vec![],
            balance: Qty(0),
            conflicts: vec![],
            field_events: BTreeMap::new(),
            hazards: vec![],
        };
        let mut edits = vec![];
        let mut seen = std::collections::BTreeSet::new();
        for e in &evs {
            match &e.payload {
                Payload::ChemicalMoved(m) if m.chemical_id == c.id => {
                    if !seen.insert(m.movement_id) {
                        continue;
                    }
                    c.movements.push(Movement {
                        id: m.movement_id,
                        direction: m.direction,
                        qty: m.qty,
                        unit: m.unit.clone(),
                        who: m.who.clone(),
                        date: m.date,
                        purpose: m.purpose.clone(),
                        recorded_by: e.author.clone(),
                        recorded_at: e.at(),
                        event: e.r,
                        balance: Qty(0),
                        flag: None,
                    });
                }
                Payload::ChemicalFieldSet(s) if s.chemical_id == c.id => edits.push(Edit {
                    event: e,
                    field: s.field,
                    value: &s.value,
                    supersedes: &s.supersedes,
                }),
                Payload::HazardLinked(HazardLinked { finding_id, .. })
                    if !c.hazards.contains(finding_id) =>
                {
                    c.hazards.push(*finding_id);
                }
                _ => {}
            }
        }
        for (field, v) in fold_edits(&edits) {
            c.apply_field(field, &v);
            c.field_events.insert(field, v.event);
        }
        c.replay();
        Some(c)
    }

    fn apply_field(&mut self, field: ChemField, v: &FieldValue) {
        match field {
            ChemField::Place => self.place = v.value.clone(),
            ChemField::Max => {
                if let Ok(q) = Qty::parse(&v.value) {
                    self.max = q
                }
            }
            ChemField::Container => self.container = v.value.clone(),
            ChemField::Conditions => self.conditions = v.value.clone(),
            ChemField::Cas => self.cas = v.value.clone(),
        }
        if !v.crossed.is_empty() {
            let mut all = vec![v.value.clone()];
            all.extend(v.crossed.iter().cloned());
            self.conflicts.push((field.label().to_string(), all));
        }
    }

    /// Sorts the movements into ledger order and recomputes balances and flags.
    fn replay(&mut self) {
        // Stable: within a day the movements keep (hlc, device, seq) order, the fold's order.
        self.movements.sort_by_key(|m| m.date);
        let mut bal = 0i64;
        for m in &mut self.movements {
            if m.unit != self.unit {
                m.flag = Some(MoveFlag::UnitMismatch);
                m.balance = Qty(bal);
                continue;
            }
            bal += match m.direction {
                Direction::Receipt => m.qty.0,
                Direction::Issue => -m.qty.0,
            };
            m.balance = Qty(bal);
            m.flag = if bal < 0 {
                Some(MoveFlag::Negative)
            } else if bal > self.max.0 {
                Some(MoveFlag::OverMax)
            } else {
                None
            };
        }
        self.balance = Qty(bal);
    }

    /// The movements flagged (负库存, 超量, 单位不符).
    pub fn flagged(&self) -> impl Iterator<Item = &Movement> {
        self.movements.iter().filter(|m| m.flag.is_some())
    }

    /// The flags shown beside the balance: 负库存 when the balance is below zero now, 超量
    /// when above the maximum now, and 有异常记录 when an earlier movement was flagged.
    pub fn status_flags(&self) -> Vec<&'static str> {
        let mut v = vec![];
        if self.balance.0 < 0 {
            v.push(MoveFlag::Negative.label());
        }
        if self.balance > self.max {
            v.push(MoveFlag::OverMax.label());
        }
        if v.is_empty() && self.flagged().next().is_some() {
            v.push("有异常记录");
        }
        if !self.conflicts.is_empty() {
            v.push("冲突");
        }
        v
    }

    /// Why a new movement must be refused at input, in Chinese naming the field, or None. A
    /// movement is refused when its unit differs from the chemical's, or when, placed in ledger
    /// order, it would take the balance below zero or above the maximum at any point.
    pub fn refusal(&self, m: &ChemicalMoved) -> Option<(&'static str, String)> {
        if m.unit != self.unit {
            return Some((
                "计量单位",
                format!(
                    "「{}」与该化学品的计量单位「{}」不同；请换算成{}",
                    m.unit, self.unit, self.unit
                ),
            ));
        }
        let mut trial = self.clone();
        trial.movements.push(Movement {
            id: m.movement_id,
            direction: m.direction,
            qty: m.qty,
            unit: m.unit.clone(),
            who: m.who.clone(),
            date: m.date,
            purpose: m.purpose.clone(),
            recorded_by: String::new(),
            recorded_at: Stamp::default(),
            // Sorts after every held event of the same date.
            event: EventRef {
                device: Uuid::max(),
                seq: u64::MAX,
            },
            balance: Qty(0),
            flag: None,
        });
        trial.replay();
        let before: Vec<Uuid> = self.flagged().map(|x| x.id).collect();
        let newly = trial
            .flagged()
            .find(|x| !before.contains(&x.id) && x.flag != Some(MoveFlag::UnitMismatch))?;
        let unit = &self.unit;
        Some(match (m.direction, newly.flag) {
            (Direction::Issue, _) => (
                "数量",
                format!(
                    "领用 {} {unit} 超过结存：{} 的结存将成为 {} {unit}（当前结存 {} {unit}）；\
                     结存由入库和领用记录算出，不能领成负数",
                    m.qty, newly.date, newly.balance, self.balance
                ),
            ),
            (Direction::Receipt, _) => (
                "数量",
                format!(
                    "入库 {} {unit} 后结存 {} {unit}，超过{}的最大储存量 {} {unit}",
                    m.qty, newly.balance, self.place, self.max
                ),
            ),
        })
    }
}

#[cfg(test)]
#[path = "chem_tests.rs"]
mod tests;
