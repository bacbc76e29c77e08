//! The runner's part of the 台账 screen's forms (issue 17): each form is written through the
//! same `ops` function the CLI's `chem …` / `equipment …` commands use, so a value is checked
//! once, in one place; a refusal comes back naming the form's field.

use super::action::Action;
use super::entry_form::{CLASS_FROM_NAME, EntryFormKind};
use crate::domain::chem::ChemField;
use crate::domain::equipment::EquipField;
use crate::domain::{ChemClass, Direction, EquipKind, RegisterRef};
use crate::ops::{self, Ctx, NewChemical, NewEquipment, NewMovement, OpsError};
use uuid::Uuid;

/// A form as sent to the worker: what it writes and its values by label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntrySave {
    pub kind: EntryFormKind,
    /// (label, value) of every field, in form order.
    pub values: Vec<(&'static str, String)>,
    /// For an edit: the fields that changed, (label, new value).
    pub changed: Vec<(&'static str, String)>,
}

impl EntrySave {
    fn get(&self, label: &str) -> String {
        self.values
            .iter()
            .find(|(l, _)| *l == label)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

/// Writes the form. A refusal of one input is `Action::EntryRefused` naming the field (its
/// label as `ops` words it); other failures are errors.
pub fn run(ctx: &mut Ctx, save: EntrySave) -> Result<Action, OpsError> {
    match write(ctx, &save) {
        Ok((what, id)) => Ok(Action::EntrySaved {
            kind: save.kind,
            what,
            id,
        }),
        Err(OpsError::Invalid { field, message }) => Ok(Action::EntryRefused {
            field: field.label().to_string(),
            message,
        }),
        Err(e) => Err(e),
    }
}

// `..Default::default()` on the ops inputs: a field added to them later (the facility
// registry's link) takes its default here instead of breaking the form.
#[allow(clippy::needless_update)]
fn write(ctx: &mut Ctx, s: &EntrySave) -> Result<(String, Uuid), OpsError> {
    Ok(match s.kind {
        EntryFormKind::AddChemical => {
            let class = match s.get("类别") {
                c if c == CLASS_FROM_NAME => String::new(),
                c => ChemClass::ALL
                    .iter()
                    .find(|k| k.label() == c)
                    .map(|k| k.id().to_string())
                    .unwrap_or(c),
            };
            let c = ops::add_chemical(
                ctx,
                NewChemical {
                    facility: s.get("单位"),
                    place: s.get("储存地点"),
                    name: s.get("名称"),
                    class,
                    cas: s.get("CAS号"),
                    unit: s.get("计量单位"),
                    max: s.get("最大储存量"),
                    container: s.get("包装容器"),
                    conditions: s.get("储存条件"),
                    ..NewChemical::default()
                },
            )?;
            (
                format!(
                    "已登记「{}」（{}）于{}，最大储存量 {} {}",
                    c.name,
                    c.class.label(),
                    c.place,
                    c.max,
                    c.unit
                ),
                c.id,
            )
        }
        EntryFormKind::EditChemical(id) => {
            let edits: Vec<(ChemField, String)> = s
                .changed
                .iter()
                .filter_map(|(l, v)| ChemField::parse(l).map(|f| (f, v.clone())))
                .collect();
            if edits.is_empty() {
                return Ok(("没有改动".into(), id));
            }
            let c = ops::set_chemical_fields(ctx, id, &edits)?;
            (
                format!("已修改「{}」的{}", c.name, labels(&s.changed)),
                c.id,
            )
        }
        EntryFormKind::Move(id, direction) => {
            let (who, purpose) = match direction {
                Direction::Receipt => ("经手人", "来源"),
                Direction::Issue => ("领用人", "用途"),
            };
            let c = ops::move_chemical(
                ctx,
                id,
                NewMovement {
                    direction,
                    qty: s.get("数量"),
                    unit: s.get("计量单位"),
                    who: s.get(who),
                    date: s.get("日期"),
                    purpose: s.get(purpose),
                },
            )?;
            let qty = s.get("数量").trim().to_string();
            (
                format!(
                    "已记{}「{}」{qty} {}，结存 {} {}",
                    direction.label(),
                    c.name,
                    c.unit,
                    c.balance,
                    c.unit
                ),
                c.id,
            )
        }
        EntryFormKind::AddEquipment => {
            let kind = s.get("设备类别");
            let kind = EquipKind::ALL
                .iter()
                .find(|k| k.label() == kind)
                .map(|k| k.id().to_string())
                .unwrap_or(kind);
            let q = ops::add_equipment(
                ctx,
                NewEquipment {
                    facility: s.get("使用单位"),
                    name: s.get("设备名称"),
                    kind,
                    reg_no: s.get("使用登记证号"),
                    place: s.get("安装地点"),
                    maker: s.get("制造单位"),
                    factory_no: s.get("出厂编号"),
                    next_due: s.get("下次检验日期"),
                    ..NewEquipment::default()
                },
            )?;
            (
                format!("已登记特种设备「{}」（{}）", q.name, q.kind.label()),
                q.id,
            )
        }
        EntryFormKind::EditEquipment(id) => {
            let edits: Vec<(EquipField, String)> = s
                .changed
                .iter()
                .filter_map(|(l, v)| EquipField::parse(l).map(|f| (f, v.clone())))
                .collect();
            if edits.is_empty() {
                return Ok(("没有改动".into(), id));
            }
            let q = ops::set_equipment_fields(ctx, id, &edits)?;
            (
                format!("已修改「{}」的{}", q.name, labels(&s.changed)),
                q.id,
            )
        }
        EntryFormKind::Check(id, kind) => {
            let by = s.values.first().map(|(_, v)| v.clone()).unwrap_or_default();
            let q = ops::record_check(
                ctx,
                id,
                kind,
                &by,
                &s.get("日期"),
                &s.get("结论"),
                &s.get("下次检验日期"),
            )?;
            let next = q
                .next_due
                .map(|d| format!("，下次检验 {d}"))
                .unwrap_or_default();
            (
                format!("已记录「{}」的{}{next}", q.name, kind.label()),
                q.id,
            )
        }
        EntryFormKind::Operator(id) => {
            let q = ops::record_operator(
                ctx,
                id,
                &s.get("姓名"),
                &s.get("岗位"),
                &s.get("证书编号"),
                &s.get("有效期至"),
            )?;
            (
                format!("已登记「{}」的持证人员 {}", q.name, s.get("姓名").trim()),
                q.id,
            )
        }
        EntryFormKind::LinkHazard(target) => {
            let number = s.get("隐患编号");
            if number.trim().is_empty() {
                return Err(OpsError::invalid("隐患编号", "不能为空"));
            }
            let f = ctx.finding(number.trim()).map_err(|e| match e {
                OpsError::NotFound { .. } => {
                    OpsError::invalid("隐患编号", format!("找不到隐患「{}」", number.trim()))
                }
                e => e,
            })?;
            ops::link_hazard(ctx, f.id, target)?;
            let id = match target {
                RegisterRef::Chemical(id) | RegisterRef::Equipment(id) => id,
            };
            let code = f.number.as_ref().map(|n| n.code()).unwrap_or_default();
            (format!("已关联隐患 {code}：{}", f.description), id)
        }
    })
}

/// "储存地点、最大储存量".
fn labels(changed: &[(&'static str, String)]) -> String {
    changed
        .iter()
        .map(|(l, _)| *l)
        .collect::<Vec<_>>()
        .join("、")
}
