//! 危险化学品 registers (issue 17): add a chemical at a storage place, record receipts and
//! issues, edit its fields, and read the 储存台账 / 管理使用台账. Every input is checked before
//! anything is written; the balance is computed from the movements, never typed.

use super::{Ctx, Input, MAX_NAME_CHARS, MAX_TEXT_CHARS, OpsError, Result, limited, required_max};
use crate::domain::chem::{ChemField, ChemicalAdded, ChemicalFieldSet, ChemicalMoved, known};
use crate::domain::register::HazardLinked;
use crate::domain::{ChemClass, Chemical, Direction, Payload, Qty, RegisterRef, parse_date_input};
use crate::report::registers::HazardLine;
use crate::store::Register;
use uuid::Uuid;

/// A chemical as a person enters it; text fields as typed.
#[derive(Debug, Clone, Default)]
pub struct NewChemical {
    pub facility: String,
    pub place: String,
    pub name: String,
    /// Class id or label; empty: taken from the known varieties (乙醇 → 易燃液体), else refused.
    pub class: String,
    /// CAS No.; empty: taken from the known varieties when the name is one.
    pub cas: String,
    pub unit: String,
    /// The place's allowed maximum, in `unit`.
    pub max: String,
    pub container: String,
    pub conditions: String,
}

/// A receipt or issue as a person enters it.
#[derive(Debug, Clone)]
pub struct NewMovement {
    pub direction: Direction,
    pub qty: String,
    /// Empty: the chemical's unit.
    pub unit: String,
    pub who: String,
    /// Empty: today. Any form `parse_date_input` reads.
    pub date: String,
    pub purpose: String,
}

fn field(label: &str) -> Input {
    Input::Other(label.to_string())
}

fn name(label: &str, text: &str) -> Result<String> {
    required_max(label, text, MAX_NAME_CHARS).map_err(|e| retag(e, label))
}

fn retag(e: OpsError, label: &str) -> OpsError {
    match e {
        OpsError::Invalid { message, .. } => OpsError::invalid(field(label), message),
        other => other,
    }
}

/// A CAS registry number: digits-digits-check digit, with its check digit verified.
pub fn check_cas(text: &str) -> std::result::Result<(), String> {
    let t = text.trim();
    let parts: Vec<&str> = t.split('-').collect();
    let ok_shape = parts.len() == 3
        && (2..=7).contains(&parts[0].len())
        && parts[1].len() == 2
        && parts[2].len() == 1
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()));
    if !ok_shape {
        return Err(format!("「{t}」不是 CAS 号的格式（如 64-17-5）"));
    }
    let digits: Vec<u32> = format!("{}{}", parts[0], parts[1])
        .chars()
        .filter_map(|c| c.to_digit(10))
        .collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| (i as u32 + 1) * d)
        .sum();
    let check = parts[2].chars().next().and_then(|c| c.to_digit(10));
    if Some(sum % 10) != check {
        return Err(format!("「{t}」校验位不对，请核对 CAS 号"));
    }
    Ok(())
}

/// Adds a chemical to the 储存台账. Errors name the field: 单位, 储存地点, 名称, 类别, CAS号,
/// 计量单位, 最大储存量 (a positive number with at most 3 decimals).
pub fn add_chemical(ctx: &mut Ctx, new: NewChemical) -> Result<Chemical> {
    let facility = name("单位", &new.facility)?;
    let place = name("储存地点", &new.place)?;
    let chem_name = name("名称", &new.name)?;
    let guess = known(&chem_name);
    let class = match new.class.trim() {
        "" => guess.map(|g| g.0).ok_or_else(|| {
            OpsError::invalid(
                field("类别"),
                format!(
                    "「{chem_name}」不在常见品种中，请注明类别：{}",
                    ChemClass::ALL.map(|c| c.id()).join("|")
                ),
            )
        })?,
        c => ChemClass::parse(c).ok_or_else(|| {
            OpsError::invalid(
                field("类别"),
                format!(
                    "未知类别「{c}」，可选：{}",
                    ChemClass::ALL
                        .map(|c| format!("{}（{}）", c.id(), c.label()))
                        .join("、")
                ),
            )
        })?,
    };
    let mut cas = limited("CAS号", &new.cas, 20).map_err(|e| retag(e, "CAS号"))?;
    if cas.is_empty() {
        cas = guess.map(|g| g.1.to_string()).unwrap_or_default();
    } else {
        check_cas(&cas).map_err(|m| OpsError::invalid(field("CAS号"), m))?;
    }
    let unit = name("计量单位", &new.unit)?;
    if unit.chars().count() > 10 {
        return Err(OpsError::invalid(
            field("计量单位"),
            "太长，最多 10 字（如 升、千克、瓶）",
        ));
    }
    let max = Qty::parse(&new.max).map_err(|m| OpsError::invalid(field("最大储存量"), m))?;
    let chemical_id = Uuid::now_v7();
    let (mut facility, mut place) = (facility, place);
    let link = super::registry_pick::entry_link(
        ctx,
        crate::domain::LinkTarget::Chemical(chemical_id),
        ("单位", &mut facility),
        ("储存地点", &mut place),
    )?;
    let added = ChemicalAdded {
        chemical_id,
        facility,
        place,
        name: chem_name,
        class,
        cas,
        unit,
        max,
        container: limited("包装容器", &new.container, MAX_NAME_CHARS)
            .map_err(|e| retag(e, "包装容器"))?,
        conditions: limited("储存条件", &new.conditions, MAX_TEXT_CHARS)
            .map_err(|e| retag(e, "储存条件"))?,
    };
    let id = added.chemical_id;
    append(
        ctx,
        std::iter::once(Payload::ChemicalAdded(added))
            .chain(link)
            .collect(),
    )?;
    super::search::indexed_chemical(ctx, id)
}

/// Records a receipt or an issue. Refused, naming the field, when the quantity is missing,
/// zero, negative or not a number, the unit differs from the chemical's, the date is bad or
/// in the future, or the movement would take the balance below zero or above the place's
/// maximum (`Chemical::refusal`).
pub fn move_chemical(ctx: &mut Ctx, id: Uuid, mv: NewMovement) -> Result<Chemical> {
    let chem = chemical_by_id(ctx, id)?;
    let qty = Qty::parse(&mv.qty).map_err(|m| OpsError::invalid(field("数量"), m))?;
    let unit = match super::clean(&mv.unit) {
        u if u.is_empty() => chem.unit.clone(),
        u => u,
    };
    let who_label = match mv.direction {
        Direction::Receipt => "经手人",
        Direction::Issue => "领用人",
    };
    let who = name(who_label, &mv.who)?;
    let today = ctx.now.today();
    let date = match mv.date.trim() {
        "" => today,
        d => parse_date_input(d, today).map_err(|m| OpsError::invalid(field("日期"), m))?,
    };
    if date > today {
        return Err(OpsError::invalid(
            field("日期"),
            format!("{date} 还没到；只记已发生的入库和领用"),
        ));
    }
    let purpose_label = match mv.direction {
        Direction::Receipt => "来源",
        Direction::Issue => "用途",
    };
    let purpose = match mv.direction {
        Direction::Issue => required_max(purpose_label, &mv.purpose, MAX_NAME_CHARS),
        Direction::Receipt => limited(purpose_label, &mv.purpose, MAX_NAME_CHARS),
    }
    .map_err(|e| retag(e, purpose_label))?;
    let m = ChemicalMoved {
        chemical_id: id,
        movement_id: Uuid::now_v7(),
        direction: mv.direction,
        qty,
        unit,
        who,
        date,
        purpose,
    };
    if let Some((f, msg)) = chem.refusal(&m) {
        return Err(OpsError::invalid(field(f), msg));
    }
    append(ctx, vec![Payload::ChemicalMoved(m)])?;
    super::search::indexed_chemical(ctx, id)
}

/// Edits one field of a chemical entry; the edit supersedes the value shown, so two edits
/// made apart on two devices are flagged as crossed (冲突) until one supersedes both.
pub fn set_chemical_field(ctx: &mut Ctx, id: Uuid, f: ChemField, value: &str) -> Result<Chemical> {
    set_chemical_fields(ctx, id, &[(f, value.to_string())])
}

/// Edits several fields of a chemical entry at once (the TUI's edit form): every value is
/// checked first, then all are written in one append, so a refusal of any field (named by its
/// label) leaves every field as it was.
pub fn set_chemical_fields(
    ctx: &mut Ctx,
    id: Uuid,
    edits: &[(ChemField, String)],
) -> Result<Chemical> {
    let chem = chemical_by_id(ctx, id)?;
    let mut payloads = vec![];
    for (f, value) in edits {
        let mut value = checked_field(&chem, *f, value)?;
        // A new 储存地点 is linked like an added one (a registered place takes its path).
        let link = match f {
            ChemField::Place => super::registry_pick::entry_link(
                ctx,
                crate::domain::LinkTarget::Chemical(id),
                ("单位", &mut chem.facility.clone()),
                ("储存地点", &mut value),
            )?,
            _ => None,
        };
        payloads.push(Payload::ChemicalFieldSet(ChemicalFieldSet {
            chemical_id: id,
            field: *f,
            value,
            supersedes: chem.field_events.get(f).copied().into_iter().collect(),
        }));
        payloads.extend(link);
    }
    if !payloads.is_empty() {
        append(ctx, payloads)?;
    }
    super::search::indexed_chemical(ctx, id)
}

/// A field's new value as stored, or its refusal naming the field.
fn checked_field(chem: &Chemical, f: ChemField, value: &str) -> Result<String> {
    let label = f.label();
    Ok(match f {
        ChemField::Max => {
            let q = Qty::parse(value).map_err(|m| OpsError::invalid(field(label), m))?;
            if chem.balance > q {
                return Err(OpsError::invalid(
                    field(label),
                    format!("当前结存 {} {} 已超过 {q}", chem.balance, chem.unit),
                ));
            }
            q.to_string()
        }
        ChemField::Cas => {
            let v = limited(label, value, 20).map_err(|e| retag(e, label))?;
            if !v.is_empty() {
                check_cas(&v).map_err(|m| OpsError::invalid(field(label), m))?;
            }
            v
        }
        ChemField::Place => name(label, value)?,
        ChemField::Container | ChemField::Conditions => {
            limited(label, value, MAX_TEXT_CHARS).map_err(|e| retag(e, label))?
        }
    })
}

/// Every chemical held, by 单位, 储存地点, 名称.
pub fn chemicals(ctx: &Ctx) -> Result<Vec<Chemical>> {
    let mut v: Vec<Chemical> = ctx
        .store
        .register_events(Register::Chemicals)?
        .values()
        .filter_map(|evs| Chemical::fold(evs))
        .collect();
    v.sort_by(|a, b| {
        (&a.facility, &a.place, &a.name, a.id).cmp(&(&b.facility, &b.place, &b.name, b.id))
    });
    Ok(v)
}

/// One chemical by id.
pub fn chemical_by_id(ctx: &Ctx, id: Uuid) -> Result<Chemical> {
    let evs = ctx
        .store
        .entity_events(crate::domain::Entity::Chemical(id))?;
    Chemical::fold(&evs).ok_or_else(|| OpsError::NotFound {
        what: "化学品",
        id: id.to_string(),
    })
}

/// One chemical by what a person types: its id, the start or end of its id (4+ hex digits),
/// its name when only one chemical has it, or "名称@储存地点".
pub fn chemical(ctx: &Ctx, text: &str) -> Result<Chemical> {
    let all = chemicals(ctx)?;
    let t = text.trim();
    let hits: Vec<&Chemical> = all
        .iter()
        .filter(|c| matches_text(c.id, t, &c.name, &c.place))
        .collect();
    pick(hits, t, "化学品", |c| format!("{}@{}", c.name, c.place)).cloned()
}

/// Whether `t` names the entry: its id, a 4+ digit start or end of it, its name, or name@place.
pub(crate) fn matches_text(id: Uuid, t: &str, name: &str, place: &str) -> bool {
    let hex = id.simple().to_string();
    let tl = t.to_ascii_lowercase().replace('-', "");
    (t.len() >= 4
        && tl.chars().all(|c| c.is_ascii_hexdigit())
        && (hex.starts_with(&tl) || hex.ends_with(&tl)))
        || t == name
        || t == format!("{name}@{place}")
}

/// The one hit, or NotFound / an ambiguity naming the candidates.
pub(crate) fn pick<'a, T>(
    hits: Vec<&'a T>,
    t: &str,
    what: &'static str,
    label: impl Fn(&T) -> String,
) -> Result<&'a T> {
    match hits.len() {
        0 => Err(OpsError::NotFound {
            what,
            id: t.to_string(),
        }),
        1 => Ok(hits[0]),
        _ => Err(OpsError::invalid(
            field(what),
            format!(
                "「{t}」对应多条：{}；请用编号或 名称@地点",
                hits.iter().map(|h| label(h)).collect::<Vec<_>>().join("、")
            ),
        )),
    }
}

/// Records that hazard `finding` was found on a register entry (a chemical or a piece of
/// equipment); `finding show` then names the entry.
pub fn link_hazard(ctx: &mut Ctx, finding: Uuid, register: RegisterRef) -> Result<()> {
    ctx.finding_by_id(finding)?;
    match register {
        RegisterRef::Chemical(id) => {
            chemical_by_id(ctx, id)?;
        }
        RegisterRef::Equipment(id) => {
            super::equipment::equipment_by_id(ctx, id)?;
        }
    }
    append(
        ctx,
        vec![Payload::HazardLinked(HazardLinked {
            finding_id: finding,
            register,
        })],
    )
}

/// The register entries a hazard was recorded on, as "化学品 乙醇@药剂科危化品库" / "特种设备
/// 1号客梯（电梯）" lines.
pub fn hazard_links(ctx: &Ctx, finding: Uuid) -> Result<Vec<(RegisterRef, String)>> {
    let mut out = vec![];
    for c in chemicals(ctx)? {
        if c.hazards.contains(&finding) {
            out.push((
                RegisterRef::Chemical(c.id),
                format!("危险化学品 {}（{}，{}）", c.name, c.class.label(), c.place),
            ));
        }
    }
    for q in super::equipment::equipment_list(ctx)? {
        if q.hazards.contains(&finding) {
            out.push((
                RegisterRef::Equipment(q.id),
                format!("特种设备 {}（{}，{}）", q.name, q.kind.label(), q.reg_no),
            ));
        }
    }
    Ok(out)
}

pub(crate) fn append(ctx: &mut Ctx, payloads: Vec<Payload>) -> Result<()> {
    let author = ctx.author.clone();
    ctx.store.append(&author, &ctx.now, payloads)?;
    Ok(())
}

/// The hazards (findings) with these ids that are held, in the order given.
pub fn hazards_of(ctx: &Ctx, ids: &[Uuid]) -> Vec<crate::domain::Finding> {
    ids.iter()
        .filter_map(|id| ctx.finding_by_id(*id).ok())
        .collect()
}

/// What a register export wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RegisterExport {
    pub path: std::path::PathBuf,
    /// Sheet name → data rows.
    pub sheets: Vec<(String, usize)>,
}

/// Writes the three 危险化学品 ledgers and the 使用统计一张表 for `from..=to` (default: the
/// year so far) to one XLSX workbook; `facility` keeps one unit. The 隐患排查整治台账 lists the
/// hazards recorded on a chemical (naming it) and the other hazards of the hazchem line.
pub fn export_chem(
    ctx: &Ctx,
    path: &std::path::Path,
    facility: Option<&str>,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> Result<RegisterExport> {
    let today = ctx.now.today();
    let to = to.unwrap_or(today);
    let from = from.unwrap_or_else(|| {
        chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&today), 1, 1).unwrap_or(today)
    });
    if from > to {
        return Err(OpsError::invalid(
            field("起始日期"),
            format!("{from} 晚于截止日期 {to}"),
        ));
    }
    let chems: Vec<Chemical> = chemicals(ctx)?
        .into_iter()
        .filter(|c| facility.is_none_or(|f| c.facility == f))
        .collect();
    // Each finding becomes its printed line as it is read: the line's hazards one at a time.
    let mut hazards: Vec<HazardLine> = vec![];
    let mut named = std::collections::BTreeSet::new();
    for c in &chems {
        for f in hazards_of(ctx, &c.hazards) {
            if !f.retracted && named.insert(f.id) {
                let chemical = format!("{}（{}）", c.name, c.place);
                hazards.push(HazardLine::of(&f, chemical, &ctx.now));
            }
        }
    }
    let q = crate::domain::FindingQuery {
        line: Some("hazchem".into()),
        facility: facility.map(str::to_string),
        ..Default::default()
    };
    ctx.for_each_finding(&q, |f| {
        if named.insert(f.id) {
            hazards.push(HazardLine::of(&f, String::new(), &ctx.now));
        }
        Ok(())
    })?;
    hazards.sort_by_key(|h| h.created_at);
    let sheets = crate::report::registers::chem_sheets(&chems, &hazards, from, to, &ctx.now);
    crate::report::registers::write_sheets(&sheets, path)?;
    Ok(RegisterExport {
        path: path.to_path_buf(),
        sheets: sheets
            .iter()
            .map(|s| (s.name.to_string(), s.rows.len()))
            .collect(),
    })
}
