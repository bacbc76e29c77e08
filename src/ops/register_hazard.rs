//! A hazard recorded on a 台账 entry (issue 17 point 2: "a hazard can be recorded on a piece of
//! equipment and links to it"; the same for a chemical of the 储存台账). The hazard starts
//! from the entry — its facility, its place, the line (危险化学品 or 特种设备), the entry named
//! in the description — and is saved with its link to the entry in one append, so no hazard
//! of an entry ever exists unlinked (before this, `chem link` / `equipment link` came after).

use super::finding_place::{PlaceIntent, RecordedFinding, place_payloads, settled};
use super::{Ctx, NewFinding, Result};
use crate::domain::register::HazardLinked;
use crate::domain::{LinkTarget, Payload, RegisterRef};

/// The line of the hazards of chemicals (seed 004's 危险化学品 防线).
pub const CHEMICAL_LINE: &str = "hazchem";
/// The line of the hazards of special equipment (seed 000's 特种设备 campaign).
pub const EQUIPMENT_LINE: &str = "special_equipment";

/// A new hazard of `register` as its form opens: facility and 部位 from the entry (the
/// registered place's whole path when the entry is linked or its text names one place), the
/// entry's line, and a description that starts with the entry's name ("乙醇（储存地点 药剂科
/// 危化品库）：", "1号客梯（电梯，使用登记证号 梯11…）："), to be completed by the person.
///
/// # Errors
/// `NotFound` for an unknown entry; `Store` when the log cannot be read.
pub fn hazard_prefill(ctx: &Ctx, register: RegisterRef) -> Result<RegisterHazard> {
    let reg = super::registry(ctx)?;
    let (facility, place, line, description, target, name) = match register {
        RegisterRef::Chemical(id) => {
            let c = super::chemical_by_id(ctx, id)?;
            let about = format!("{}（{}，储存地点 {}）：", c.name, c.class.label(), c.place);
            let t = LinkTarget::Chemical(id);
            (c.facility, c.place, CHEMICAL_LINE, about, t, c.name)
        }
        RegisterRef::Equipment(id) => {
            let q = super::equipment_by_id(ctx, id)?;
            let reg_no = if q.reg_no.is_empty() {
                String::new()
            } else {
                format!("，使用登记证号 {}", q.reg_no)
            };
            let about = format!("{}（{}{reg_no}）：", q.name, q.kind.label());
            let t = LinkTarget::Equipment(id);
            (q.facility, q.place, EQUIPMENT_LINE, about, t, q.name)
        }
    };
    let at = super::entry_place(&reg, target, &facility, &place);
    Ok(RegisterHazard {
        new: NewFinding {
            facility: Some(facility),
            line: Some(line.to_string()),
            location: at.place_path.unwrap_or(place),
            description,
            ..Default::default()
        },
        name,
    })
}

/// A new hazard of a 台账 entry as it starts (`hazard_prefill`).
#[derive(Debug, Clone)]
pub struct RegisterHazard {
    /// Facility, line, 部位 and the start of the description, filled from the entry.
    pub new: NewFinding,
    /// The entry's name (化学品名称 or 设备名称), for a description that must name it.
    pub name: String,
}

/// Records hazard `new` on `register` (a chemical or a piece of equipment): the hazard, its
/// 部位 link as `intent` says (`record_finding_at`) and the link to the entry are one flushed
/// append; `finding show` then names the entry and the entry lists the hazard.
///
/// With `new.inspection` set, the inspection must be of the entry's facility (the same text,
/// or the same registered facility under any merged spelling).
///
/// # Errors
/// As `record_finding_at`; `NotFound` for an unknown entry; `Invalid` naming 检查（--inspection）
/// for an inspection of another facility (nothing written).
pub fn record_finding_on(
    ctx: &mut Ctx,
    new: NewFinding,
    intent: PlaceIntent,
    register: RegisterRef,
) -> Result<RecordedFinding> {
    let entry_facility = match register {
        RegisterRef::Chemical(id) => super::chemical_by_id(ctx, id)?.facility,
        RegisterRef::Equipment(id) => super::equipment_by_id(ctx, id)?.facility,
    };
    if let Some(insp) = new.inspection {
        let insp = ctx
            .inspection_by_id(insp)?
            .ok_or(super::OpsError::NotFound {
                what: "检查",
                id: insp.to_string(),
            })?;
        if !same_facility(ctx, &insp.facility, &entry_facility)? {
            return Err(super::OpsError::invalid(
                "检查",
                format!(
                    "该检查的单位是「{}」，台账条目属于「{entry_facility}」",
                    insp.facility
                ),
            ));
        }
    }
    let (id, mut payload) = super::finding::finding_payload(ctx, new)?;
    let (mut linked, outcome) = place_payloads(ctx, id, &mut payload, intent)?;
    let mut payloads = vec![payload];
    payloads.append(&mut linked);
    payloads.push(Payload::HazardLinked(HazardLinked {
        finding_id: id,
        register,
    }));
    let author = ctx.author.clone();
    ctx.store.append(&author, &ctx.now, payloads)?;
    let finding = ctx.finding_by_id(id)?;
    let place = settled(ctx, outcome)?;
    Ok(RecordedFinding { finding, place })
}

/// Whether two facility texts name one facility: equal by name key, or both the same
/// registered facility (a merged spelling counts).
fn same_facility(ctx: &Ctx, a: &str, b: &str) -> Result<bool> {
    if crate::domain::name_key(a) == crate::domain::name_key(b) {
        return Ok(true);
    }
    let reg = super::registry(ctx)?;
    Ok(match (reg.by_name(a), reg.by_name(b)) {
        (Some(x), Some(y)) => x.id == y.id,
        _ => false,
    })
}
