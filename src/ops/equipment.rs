//! 特种设备安全清单 (issue 17): add equipment, record 定期检验 / 维护保养 / 安全附件 checks and
//! certified operators, and list what is 超期未检, due within 30 days, or has an expired
//! certificate, against `ctx.now` (pinned with XUNCHA_NOW in tests).

use super::chem::{append, matches_text, pick};
use super::{Ctx, Input, MAX_NAME_CHARS, OpsError, Result, limited, required_max};
use crate::domain::equipment::{
    CheckKind, EquipField, EquipmentAdded, EquipmentChecked, EquipmentFieldSet, OperatorRecorded,
};
use crate::domain::{DueState, EquipKind, Equipment, Payload, parse_date_input};
use crate::store::Register;
use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

/// A piece of equipment as a person enters it.
#[derive(Debug, Clone, Default)]
pub struct NewEquipment {
    pub facility: String,
    pub name: String,
    /// Kind id or label (电梯, pressure_vessel …).
    pub kind: String,
    pub reg_no: String,
    pub place: String,
    pub maker: String,
    pub factory_no: String,
    /// 下次检验日期; empty: not known yet.
    pub next_due: String,
}

fn field(label: &str) -> Input {
    Input::Other(label.to_string())
}

fn text(label: &str, t: &str, required: bool) -> Result<String> {
    let r = if required {
        required_max(label, t, MAX_NAME_CHARS)
    } else {
        limited(label, t, MAX_NAME_CHARS)
    };
    r.map_err(|e| match e {
        OpsError::Invalid { message, .. } => OpsError::invalid(field(label), message),
        other => other,
    })
}

fn date(ctx: &Ctx, label: &str, t: &str) -> Result<NaiveDate> {
    parse_date_input(t, ctx.now.today()).map_err(|m| OpsError::invalid(field(label), m))
}

fn past_date(ctx: &Ctx, label: &str, t: &str) -> Result<NaiveDate> {
    let today = ctx.now.today();
    let d = match t.trim() {
        "" => today,
        t => date(ctx, label, t)?,
    };
    if d > today {
        return Err(OpsError::invalid(
            field(label),
            format!("{d} 还没到；只记已做的检验、保养和检查"),
        ));
    }
    Ok(d)
}

/// Adds a piece of equipment. Errors name the field: 使用单位, 设备名称, 设备类别, 使用登记证号,
/// 下次检验日期.
pub fn add_equipment(ctx: &mut Ctx, new: NewEquipment) -> Result<Equipment> {
    let kind = EquipKind::parse(&new.kind).ok_or_else(|| {
        OpsError::invalid(
            field("设备类别"),
            format!(
                "未知类别「{}」，可选：{}",
                new.kind.trim(),
                EquipKind::ALL
                    .map(|k| format!("{}（{}）", k.id(), k.label()))
                    .join("、")
            ),
        )
    })?;
    let next_due = match new.next_due.trim() {
        "" => None,
        t => Some(date(ctx, "下次检验日期", t)?),
    };
    let equipment_id = Uuid::now_v7();
    let mut facility = text("使用单位", &new.facility, true)?;
    let mut place = text("安装地点", &new.place, false)?;
    let link = super::registry_pick::entry_link(
        ctx,
        crate::domain::LinkTarget::Equipment(equipment_id),
        ("使用单位", &mut facility),
        ("安装地点", &mut place),
    )?;
    let added = EquipmentAdded {
        equipment_id,
        facility,
        name: text("设备名称", &new.name, true)?,
        kind,
        reg_no: text("使用登记证号", &new.reg_no, false)?,
        place,
        maker: text("制造单位", &new.maker, false)?,
        factory_no: text("出厂编号", &new.factory_no, false)?,
        next_due,
    };
    let id = added.equipment_id;
    append(
        ctx,
        std::iter::once(Payload::EquipmentAdded(added))
            .chain(link)
            .collect(),
    )?;
    super::search::indexed_equipment(ctx, id)
}

/// Records a 定期检验 (with the next due date it sets), a 维护保养 or a 安全附件 check.
/// `by` is the 检验机构 / 维保单位 / accessory name; `date` empty means today.
pub fn record_check(
    ctx: &mut Ctx,
    id: Uuid,
    check: CheckKind,
    by: &str,
    on: &str,
    result: &str,
    next_due: &str,
) -> Result<Equipment> {
    equipment_by_id(ctx, id)?;
    let by_label = match check {
        CheckKind::Inspection => "检验机构",
        CheckKind::Maintenance => "维保单位",
        CheckKind::Accessory => "安全附件",
    };
    let date = past_date(ctx, "日期", on)?;
    let next_due = match next_due.trim() {
        "" if check == CheckKind::Inspection => {
            return Err(OpsError::invalid(
                field("下次检验日期"),
                "定期检验须注明下次检验日期（检验报告上写明）",
            ));
        }
        "" => None,
        t => {
            let d = date_after(ctx, t, date)?;
            Some(d)
        }
    };
    let c = EquipmentChecked {
        equipment_id: id,
        check,
        date,
        by: text(by_label, by, true)?,
        result: text("结论", result, true)?,
        next_due,
    };
    append(ctx, vec![Payload::EquipmentChecked(c)])?;
    super::search::indexed_equipment(ctx, id)
}

fn date_after(ctx: &Ctx, t: &str, after: NaiveDate) -> Result<NaiveDate> {
    let d = date(ctx, "下次检验日期", t)?;
    if d <= after {
        return Err(OpsError::invalid(
            field("下次检验日期"),
            format!("{d} 不晚于本次日期 {after}"),
        ));
    }
    Ok(d)
}

/// Records an operator or safety manager with a certificate number and expiry date; the same
/// certificate number again is a renewal.
pub fn record_operator(
    ctx: &mut Ctx,
    id: Uuid,
    name: &str,
    role: &str,
    cert_no: &str,
    expires: &str,
) -> Result<Equipment> {
    equipment_by_id(ctx, id)?;
    let o = OperatorRecorded {
        equipment_id: id,
        name: text("姓名", name, true)?,
        role: text("岗位", role, false)?,
        cert_no: text("证书编号", cert_no, true)?,
        expires: match expires.trim() {
            "" => {
                return Err(OpsError::invalid(field("有效期至"), "不能为空"));
            }
            t => date(ctx, "有效期至", t)?,
        },
    };
    append(ctx, vec![Payload::OperatorRecorded(o)])?;
    super::search::indexed_equipment(ctx, id)
}

/// Edits one field; crossed edits are flagged (冲突) until one supersedes both.
pub fn set_equipment_field(
    ctx: &mut Ctx,
    id: Uuid,
    f: EquipField,
    value: &str,
) -> Result<Equipment> {
    set_equipment_fields(ctx, id, &[(f, value.to_string())])
}

/// Edits several fields at once (the TUI's edit form): all are checked first and written in
/// one append, so a refusal of any field (named by its label) changes nothing.
pub fn set_equipment_fields(
    ctx: &mut Ctx,
    id: Uuid,
    edits: &[(EquipField, String)],
) -> Result<Equipment> {
    let q = equipment_by_id(ctx, id)?;
    let mut payloads = vec![];
    for (f, value) in edits {
        let required = *f == EquipField::Name;
        let mut value = text(f.label(), value, required)?;
        // A new 安装地点 is linked like an added one (a registered place takes its path).
        let link = match f {
            EquipField::Place => super::registry_pick::entry_link(
                ctx,
                crate::domain::LinkTarget::Equipment(id),
                ("使用单位", &mut q.facility.clone()),
                ("安装地点", &mut value),
            )?,
            _ => None,
        };
        payloads.push(Payload::EquipmentFieldSet(EquipmentFieldSet {
            equipment_id: id,
            field: *f,
            value,
            supersedes: q.field_events.get(f).copied().into_iter().collect(),
        }));
        payloads.extend(link);
    }
    if !payloads.is_empty() {
        append(ctx, payloads)?;
    }
    super::search::indexed_equipment(ctx, id)
}

/// All equipment, by 使用单位, 类别, 名称.
pub fn equipment_list(ctx: &Ctx) -> Result<Vec<Equipment>> {
    let mut v: Vec<Equipment> = ctx
        .store
        .register_events(Register::Equipment)?
        .values()
        .filter_map(|evs| Equipment::fold(evs))
        .collect();
    v.sort_by(|a, b| {
        (&a.facility, a.kind, &a.name, a.id).cmp(&(&b.facility, b.kind, &b.name, b.id))
    });
    Ok(v)
}

/// One piece of equipment by id.
pub fn equipment_by_id(ctx: &Ctx, id: Uuid) -> Result<Equipment> {
    let evs = ctx
        .store
        .entity_events(crate::domain::Entity::Equipment(id))?;
    Equipment::fold(&evs).ok_or_else(|| OpsError::NotFound {
        what: "特种设备",
        id: id.to_string(),
    })
}

/// One piece of equipment by id, 4+ hex digits of it, its name, its 使用登记证号, or name@place.
pub fn equipment(ctx: &Ctx, t: &str) -> Result<Equipment> {
    let all = equipment_list(ctx)?;
    let t = t.trim();
    let hits: Vec<&Equipment> = all
        .iter()
        .filter(|q| {
            matches_text(q.id, t, &q.name, &q.place) || (!q.reg_no.is_empty() && q.reg_no == t)
        })
        .collect();
    pick(hits, t, "特种设备", |q| {
        format!("{}@{}", q.name, q.place)
    })
    .cloned()
}

/// One line of the due list: what needs doing, on `today`.
#[derive(Debug, Clone, Serialize)]
pub struct DueItem {
    pub equipment_id: Uuid,
    pub facility: String,
    pub name: String,
    pub kind: String,
    pub reg_no: String,
    /// 超期未检 | 30天内到期 | 证书过期.
    pub what: String,
    /// Days overdue (positive) or left (negative or zero) for 检验; days since expiry for a
    /// certificate.
    pub days: i64,
    pub date: NaiveDate,
    /// The operator, for an expired certificate.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub operator: String,
}

/// The counts home shows: 超期未检 and 证书过期 (operators), 30天内到期.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DueCounts {
    pub overdue: usize,
    pub due_soon: usize,
    pub expired_certs: usize,
}

/// Everything due on `ctx.now`'s day: 超期未检 first (most overdue first), then 30天内到期
/// (soonest first), then expired certificates.
pub fn due(ctx: &Ctx) -> Result<Vec<DueItem>> {
    let today = ctx.now.today();
    let all = equipment_list(ctx)?;
    let mut over = vec![];
    let mut soon = vec![];
    let mut certs = vec![];
    for q in &all {
        let item = |what: &str, days: i64, date: NaiveDate, operator: String| DueItem {
            equipment_id: q.id,
            facility: q.facility.clone(),
            name: q.name.clone(),
            kind: q.kind.label().into(),
            reg_no: q.reg_no.clone(),
            what: what.into(),
            days,
            date,
            operator,
        };
        match (q.due_state(today), q.next_due) {
            (DueState::Overdue { days }, Some(d)) => {
                over.push(item("超期未检", days, d, String::new()))
            }
            (DueState::DueSoon { days }, Some(d)) => {
                soon.push(item("30天内到期", -days, d, String::new()))
            }
            _ => {}
        }
        for o in q.expired_operators(today) {
            certs.push(item(
                "证书过期",
                (today - o.expires).num_days(),
                o.expires,
                format!("{}（{}）", o.name, o.cert_no),
            ));
        }
    }
    over.sort_by_key(|d| -d.days);
    soon.sort_by_key(|d| d.date);
    certs.sort_by_key(|d| -d.days);
    over.extend(soon);
    over.extend(certs);
    Ok(over)
}

/// The counts of [`due`].
pub fn due_counts(ctx: &Ctx) -> Result<DueCounts> {
    let mut c = DueCounts::default();
    for d in due(ctx)? {
        match d.what.as_str() {
            "超期未检" => c.overdue += 1,
            "30天内到期" => c.due_soon += 1,
            _ => c.expired_certs += 1,
        }
    }
    Ok(c)
}

/// Writes the 特种设备安全清单 (state on `ctx.now`'s day) to an XLSX workbook.
pub fn export_equipment(ctx: &Ctx, path: &std::path::Path) -> Result<super::chem::RegisterExport> {
    let list = equipment_list(ctx)?;
    let sheet = crate::report::registers::equipment_sheet(&list, &ctx.now);
    let rows = sheet.rows.len();
    let name = sheet.name.to_string();
    crate::report::registers::write_sheets(&[sheet], path)?;
    Ok(super::chem::RegisterExport {
        path: path.to_path_buf(),
        sheets: vec![(name, rows)],
    })
}
