//! The facility registry (issue 16 points 1–2): add, edit, merge spellings, places and their
//! risk grades, and the names typed on past records brought in as entries.

use super::{Ctx, MAX_NAME_CHARS, MAX_TEXT_CHARS, OpsError, Result, limited, required_max};
use crate::domain::{
    Facility, FacilityField, FacilityKind, Payload, Place, PlaceField, PlaceKind, Registry,
    RiskGrade, version_key,
};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A facility to register; empty strings leave a field blank.
#[derive(Debug, Clone, Default)]
pub struct NewFacility {
    pub name: String,
    /// 医院, 社区卫生服务中心, 乡镇卫生院, 疾控中心, 急救中心, 其他 (or the ids); None: guessed
    /// from the name.
    pub kind: Option<String>,
    pub address: String,
    pub head: String,
    pub head_phone: String,
    pub deputy: String,
    pub deputy_phone: String,
    pub officer: String,
    pub officer_phone: String,
}

/// A refused input named by its Chinese label and flag, e.g. `类型（--type）`.
fn bad(label: &str, message: impl Into<String>) -> OpsError {
    OpsError::invalid(super::Input::Other(label.to_string()), message)
}

/// The registry: every facility held, folded from the events of all devices (kept while the
/// log does not change: `registry_cache.rs`).
///
/// # Errors
/// `Store` when the log cannot be read.
pub fn registry(ctx: &Ctx) -> Result<std::sync::Arc<Registry>> {
    ctx.registry.get(&ctx.store)
}

/// A facility by name, merged spelling or id; `NotFound` names what was typed.
pub fn facility(ctx: &Ctx, text: &str) -> Result<Facility> {
    registry(ctx)?
        .find(text)
        .cloned()
        .ok_or_else(|| OpsError::NotFound {
            what: "单位",
            id: text.to_string(),
        })
}

/// Validates one facility field value and returns it in stored form: a known type, a
/// telephone of digits and `-+() `, or text within `MAX_NAME_CHARS` (`MAX_TEXT_CHARS` for the
/// address).
pub fn facility_value(field: FacilityField, value: &str) -> Result<String> {
    let label = field.label().to_string();
    match field {
        FacilityField::Name => required_max(&label, value, MAX_NAME_CHARS),
        FacilityField::Type => value
            .parse::<FacilityKind>()
            .map(|k| k.id().to_string())
            .map_err(|e| bad(&label, e.to_string())),
        FacilityField::HeadPhone | FacilityField::DeputyPhone | FacilityField::OfficerPhone => {
            let v = limited(&label, value, 40)?;
            if !v
                .chars()
                .all(|c| c.is_ascii_digit() || "-+() 转".contains(c))
            {
                return Err(bad(
                    &label,
                    format!("「{v}」不是电话号码：只能含数字、-、+、空格、括号和“转”"),
                ));
            }
            Ok(v)
        }
        FacilityField::Address => limited(&label, value, MAX_TEXT_CHARS),
        _ => limited(&label, value, MAX_NAME_CHARS),
    }
}

/// Registers a facility. Refused when the name (or a merged spelling) is registered already.
pub fn add_facility(ctx: &mut Ctx, new: NewFacility) -> Result<Facility> {
    let (id, payload) = facility_added(ctx, new)?;
    let author = ctx.author.clone();
    ctx.store.append(&author, &ctx.now, vec![payload])?;
    by_id(ctx, id)
}

/// Checks a facility to register and returns its new id and the `FacilityAdded` event;
/// nothing is written. Errors as `add_facility`.
pub(crate) fn facility_added(ctx: &Ctx, new: NewFacility) -> Result<(Uuid, Payload)> {
    let name = facility_value(FacilityField::Name, &new.name)?;
    if let Some(f) = registry(ctx)?.by_name(&name) {
        return Err(bad(
            "名称",
            format!(
                "单位「{}」已登记（{}）",
                f.name,
                &f.id.simple().to_string()[24..]
            ),
        ));
    }
    let mut fields = BTreeMap::new();
    let kind = match &new.kind {
        Some(k) if !k.trim().is_empty() => facility_value(FacilityField::Type, k)?,
        _ => FacilityKind::guess(&name).id().to_string(),
    };
    fields.insert(FacilityField::Type, kind);
    for (f, v) in [
        (FacilityField::Address, &new.address),
        (FacilityField::Head, &new.head),
        (FacilityField::HeadPhone, &new.head_phone),
        (FacilityField::Deputy, &new.deputy),
        (FacilityField::DeputyPhone, &new.deputy_phone),
        (FacilityField::Officer, &new.officer),
        (FacilityField::OfficerPhone, &new.officer_phone),
    ] {
        let v = facility_value(f, v)?;
        if !v.is_empty() {
            fields.insert(f, v);
        }
    }
    let id = Uuid::now_v7();
    Ok((
        id,
        Payload::FacilityAdded {
            facility_id: id,
            name,
            fields,
        },
    ))
}

fn by_id(ctx: &Ctx, id: Uuid) -> Result<Facility> {
    registry(ctx)?
        .get(id)
        .cloned()
        .ok_or_else(|| OpsError::NotFound {
            what: "单位",
            id: id.to_string(),
        })
}

/// Sets one field of a facility (`field` is its id or Chinese label). The edit supersedes
/// every version shown now, so it also settles a crossed edit of that field.
pub fn edit_facility(ctx: &mut Ctx, text: &str, field: &str, value: &str) -> Result<Facility> {
    let f = facility(ctx, text)?;
    let field: FacilityField = field
        .parse()
        .map_err(|e: crate::domain::ParseError| bad("字段", e.to_string()))?;
    let value = facility_value(field, value)?;
    if field == FacilityField::Name
        && let Some(other) = registry(ctx)?.by_name(&value)
        && other.id != f.id
    {
        return Err(bad("名称", format!("单位「{}」已登记", other.name)));
    }
    let supersedes = f
        .versions
        .get(&version_key(None, field.id()))
        .cloned()
        .unwrap_or_default();
    let author = ctx.author.clone();
    ctx.store.append(
        &author,
        &ctx.now,
        vec![Payload::FacilityFieldSet {
            facility_id: f.id,
            field,
            value,
            supersedes,
        }],
    )?;
    by_id(ctx, f.id)
}

/// Merges the spelling `other` into `keep`: records typed with it count for `keep`. `other`
/// may be a registered facility (it leaves the list) or a name typed on past records only.
pub fn merge_facilities(ctx: &mut Ctx, keep: &str, other: &str) -> Result<Facility> {
    let reg = registry(ctx)?;
    let k = reg.find(keep).cloned().ok_or_else(|| OpsError::NotFound {
        what: "单位",
        id: keep.to_string(),
    })?;
    let (from, name) = match reg.find(other) {
        Some(o) if o.id == k.id => {
            return Err(bad("合并", format!("「{other}」已是「{}」的名称", k.name)));
        }
        Some(o) => (Some(o.id), o.name.clone()),
        None => {
            let name = required_max("合并的名称", other, MAX_NAME_CHARS)?;
            if !typed_names(ctx)?
                .iter()
                .any(|n| crate::domain::name_key(n) == crate::domain::name_key(&name))
            {
                return Err(OpsError::NotFound {
                    what: "单位",
                    id: other.to_string(),
                });
            }
            (None, name)
        }
    };
    let author = ctx.author.clone();
    ctx.store.append(
        &author,
        &ctx.now,
        vec![Payload::FacilityMerged {
            facility_id: k.id,
            from,
            name,
        }],
    )?;
    by_id(ctx, k.id)
}

/// Every facility name typed on inspections and findings, each once, in first-seen order.
pub fn typed_names(ctx: &Ctx) -> Result<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut push = |n: &str| {
        if !n.trim().is_empty() && seen.insert(crate::domain::name_key(n)) {
            names.push(n.to_string());
        }
    };
    // The read models, not the views: an inspection's mark and a finding's register row hold
    // its facility (the 12,500 inspection views of the 100,000-hazard store with their answers
    // were 278 MB resident for `facility list`, issue 14).
    let mut marks = ctx.store.inspection_marks_since(i64::MIN)?;
    marks.sort_by_key(|m| (m.started_at, m.id));
    for m in &marks {
        push(&m.facility);
    }
    ctx.store.for_each_finding_facility(|f| push(f))?;
    Ok(names)
}

/// The names typed on past records that no registry entry answers to.
pub fn unregistered_names(ctx: &Ctx) -> Result<Vec<String>> {
    let reg = registry(ctx)?;
    Ok(typed_names(ctx)?
        .into_iter()
        .filter(|n| reg.by_name(n).is_none())
        .collect())
}

/// Registers every facility name typed on past records that has no entry yet (type guessed
/// from the name), in one flushed write. Returns the new entries.
pub fn import_facilities(ctx: &mut Ctx) -> Result<Vec<Facility>> {
    let names = unregistered_names(ctx)?;
    if names.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<Uuid> = names.iter().map(|_| Uuid::now_v7()).collect();
    let payloads = names
        .iter()
        .zip(&ids)
        .map(|(n, id)| Payload::FacilityAdded {
            facility_id: *id,
            name: n.clone(),
            fields: [(FacilityField::Type, FacilityKind::guess(n).id().to_string())].into(),
        })
        .collect();
    let author = ctx.author.clone();
    ctx.store.append(&author, &ctx.now, payloads)?;
    let reg = registry(ctx)?;
    Ok(ids.iter().filter_map(|id| reg.get(*id).cloned()).collect())
}

/// The grade of the place a hazard was found at (its facility by name or merged spelling, the
/// place by its path or unique name), when that grade is 重大 or 较大.
pub fn high_risk_at(reg: &Registry, facility: &str, location: &str) -> Option<RiskGrade> {
    if location.trim().is_empty() {
        return None;
    }
    reg.by_name(facility)?
        .place(location)?
        .grade
        .filter(|g| g.is_high())
}

/// Writes a facility's 风险分级管控清单 as XLSX (see `report::write_risk_list`).
pub fn export_risk_list(
    ctx: &Ctx,
    facility_text: &str,
    path: &std::path::Path,
) -> Result<crate::report::ExportSummary> {
    let f = facility(ctx, facility_text)?;
    Ok(crate::report::write_risk_list(&f, ctx.now.today(), path)?)
}

/// The kind a place gets when none is given: from its name ("…院区", "…楼", "…层"/"3F",
/// "…科"), else 部位 for a leaf and 院区, 楼, 层 by depth for the places above it.
fn kind_of(name: &str, depth: usize, leaf: bool) -> PlaceKind {
    let n = name.trim();
    if n.ends_with("院区") || n.ends_with("校区") || n.ends_with("分院") {
        PlaceKind::Campus
    } else if n.ends_with('楼') || n.ends_with("大厦") {
        PlaceKind::Building
    } else if n.ends_with('层') || n.ends_with(['F', 'f']) && n.len() <= 4 {
        PlaceKind::Floor
    } else if n.ends_with('科') || n.ends_with("病区") || n.ends_with("门诊") {
        PlaceKind::Department
    } else if leaf {
        PlaceKind::Spot
    } else {
        match depth {
            0 => PlaceKind::Campus,
            1 => PlaceKind::Building,
            2 => PlaceKind::Floor,
            _ => PlaceKind::Spot,
        }
    }
}

/// Adds a place by its path ("本部/门诊楼/1层/配电室"): the last name is the new place, the
/// ones before it are found or created. Kinds not given are read from the names (`kind_of`).
pub fn add_place(
    ctx: &mut Ctx,
    facility_text: &str,
    path: &str,
    kind: Option<&str>,
    key_site: bool,
) -> Result<Place> {
    let f = facility(ctx, facility_text)?;
    let (payloads, leaf) = place_payloads(&f, path, kind, key_site)?;
    let author = ctx.author.clone();
    ctx.store.append(&author, &ctx.now, payloads)?;
    let f = by_id(ctx, f.id)?;
    f.places
        .iter()
        .find(|p| p.id == leaf)
        .cloned()
        .ok_or_else(|| OpsError::NotFound {
            what: "场所",
            id: path.to_string(),
        })
}

/// The events that add the place at `path` to `f` (the missing places above it too) and the
/// new place's id; nothing is written. Refused when the path is empty, deeper than 8, or
/// registered already.
pub(crate) fn place_payloads(
    f: &Facility,
    path: &str,
    kind: Option<&str>,
    key_site: bool,
) -> Result<(Vec<Payload>, Uuid)> {
    let mut names = Vec::new();
    for part in path.split(['/', '／']) {
        let n = limited("场所路径", part, MAX_NAME_CHARS)?;
        if !n.is_empty() {
            names.push(n);
        }
    }
    if names.is_empty() {
        return Err(bad("场所路径", "不能为空，例如：本部/门诊楼/1层/配电室"));
    }
    if names.len() > 8 {
        return Err(bad("场所路径", "最多 8 层"));
    }
    let leaf_kind = match kind {
        Some(k) => k
            .parse::<PlaceKind>()
            .map_err(|e| bad("场所类型", e.to_string()))?,
        None => kind_of(&names[names.len() - 1], names.len() - 1, true),
    };
    let mut parent: Option<Uuid> = None;
    let mut payloads = Vec::new();
    for (depth, name) in names.iter().enumerate() {
        let last = depth + 1 == names.len();
        let existing = f.places.iter().find(|p| {
            p.parent == parent && crate::domain::name_key(&p.name) == crate::domain::name_key(name)
        });
        match existing {
            Some(p) if last => {
                return Err(bad("场所路径", format!("「{}」已登记", p.path)));
            }
            Some(p) => parent = Some(p.id),
            None => {
                let id = Uuid::now_v7();
                payloads.push(Payload::PlaceAdded {
                    facility_id: f.id,
                    place_id: id,
                    parent,
                    place_kind: if last {
                        leaf_kind
                    } else {
                        kind_of(name, depth, false)
                    },
                    name: name.clone(),
                    key_site: last && key_site,
                });
                parent = Some(id);
            }
        }
    }
    match parent {
        Some(leaf) => Ok((payloads, leaf)),
        None => Err(bad("场所路径", "不能为空")),
    }
}

/// A place of a facility, by path, unique name or id.
pub fn place(f: &Facility, text: &str) -> Result<Place> {
    f.place(text).cloned().ok_or_else(|| OpsError::NotFound {
        what: "场所",
        id: format!("{}（{}）", text, f.name),
    })
}

/// Sets fields of one place in one flushed write: each `(field, value)` validated (风险等级
/// one of 重大/较大/一般/低 or major/large/general/low; 重点部位 是/否), each superseding the
/// versions shown now.
pub fn set_place_fields(
    ctx: &mut Ctx,
    facility_text: &str,
    place_text: &str,
    changes: &[(PlaceField, String)],
) -> Result<Place> {
    let f = facility(ctx, facility_text)?;
    let p = place(&f, place_text)?;
    let mut payloads = Vec::new();
    for (field, value) in changes {
        let label = field.label().to_string();
        let value = match field {
            PlaceField::Grade => value
                .parse::<RiskGrade>()
                .map(|g| g.id().to_string())
                .map_err(|e| bad(&label, e.to_string()))?,
            PlaceField::KeySite => match value.trim() {
                "是" | "true" | "yes" | "1" => "true".to_string(),
                "否" | "false" | "no" | "0" => "false".to_string(),
                v => return Err(bad(&label, format!("「{v}」应为 是 或 否"))),
            },
            PlaceField::Name => required_max(&label, value, MAX_NAME_CHARS)?,
            PlaceField::Measures => limited(&label, value, MAX_TEXT_CHARS)?,
            PlaceField::Responsible => limited(&label, value, MAX_NAME_CHARS)?,
        };
        payloads.push(Payload::PlaceFieldSet {
            facility_id: f.id,
            place_id: p.id,
            field: *field,
            value,
            supersedes: f
                .versions
                .get(&version_key(Some(p.id), field.id()))
                .cloned()
                .unwrap_or_default(),
        });
    }
    if payloads.is_empty() {
        return Ok(p);
    }
    let author = ctx.author.clone();
    ctx.store.append(&author, &ctx.now, payloads)?;
    let f = by_id(ctx, f.id)?;
    place(&f, &p.id.to_string())
}

#[cfg(test)]
mod tests {
    use super::typed_names;
    use crate::ops::test_support;

    /// The names typed on records, read from the read models, are those a walk of the views
    /// gives, in the same first-seen order (inspections by start, then findings by id).
    #[test]
    fn typed_names_from_the_models_equal_a_walk_of_the_views() {
        let (_dir, ctx) = test_support::demo_ctx(300);
        let mut walked: Vec<String> = Vec::new();
        let mut push = |n: &str| {
            let key = crate::domain::name_key(n);
            if !n.trim().is_empty() && !walked.iter().any(|w| crate::domain::name_key(w) == key) {
                walked.push(n.to_string());
            }
        };
        let mut insp = ctx.store.all_inspections().unwrap();
        insp.sort_by_key(|i| i.started_at);
        for i in &insp {
            push(&i.facility);
        }
        for f in ctx.store.all_findings() {
            push(&f.unwrap().facility);
        }
        assert!(walked.len() > 3, "{walked:?}");
        assert_eq!(typed_names(&ctx).unwrap(), walked);
    }
}
