//! Picking a facility or a place from the registry, and resolving what a person typed to one
//! (issue 16 point 1, issue 17 links). The hazard form's 部位 picker, `finding add --place`,
//! `chem add --facility --place` and `equipment add` all go through these, so a name means
//! the same thing everywhere: a registered facility by its name, a merged spelling or its id;
//! a place by its path, the end of its path or its unique name.

use super::{Ctx, OpsError, Result};
use crate::domain::{
    Facility, FacilityKind, LinkTarget, Payload, Place, PlaceKind, PlaceLinked, Registry,
    RiskGrade, name_key,
};
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

/// A registered facility as a picker lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacilityChoice {
    pub id: Uuid,
    pub name: String,
    pub kind: FacilityKind,
    /// Merged spellings; the picker matches them too.
    pub aliases: Vec<String>,
    /// Places registered under it.
    pub places: usize,
}

impl FacilityChoice {
    /// The text a picker matches: the name and every merged spelling.
    pub fn search_text(&self) -> String {
        std::iter::once(self.name.as_str())
            .chain(self.aliases.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A place of a registered facility as a picker lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlaceChoice {
    pub facility_id: Uuid,
    /// The facility's registered name.
    pub facility: String,
    pub place_id: Uuid,
    /// From the top down, joined by "/" ("门诊楼/1层/配电室"): what the hazard's 部位 shows.
    pub path: String,
    pub name: String,
    pub kind: PlaceKind,
    /// 重点部位.
    pub key_site: bool,
    /// 风险等级, when graded.
    pub grade: Option<RiskGrade>,
}

impl PlaceChoice {
    pub(crate) fn of(f: &Facility, p: &Place) -> PlaceChoice {
        PlaceChoice {
            facility_id: f.id,
            facility: f.name.clone(),
            place_id: p.id,
            path: p.path.clone(),
            name: p.name.clone(),
            kind: p.kind,
            key_site: p.key_site,
            grade: p.grade,
        }
    }

    /// "★重点部位 较大风险（橙）": the marks a picker row shows after the path, in words (so
    /// the mono theme needs no colour); empty for a plain place.
    pub fn marks(&self) -> String {
        let mut m = Vec::new();
        if self.key_site {
            m.push("★重点部位".to_string());
        }
        if let Some(g) = self.grade {
            m.push(g.words());
        }
        m.join(" ")
    }
}

/// Every registered facility (merged entries left out), in registration order.
///
/// # Errors
/// `Store` when the log cannot be read.
pub fn facility_choices(ctx: &Ctx) -> Result<Vec<FacilityChoice>> {
    Ok(super::registry(ctx)?.active().map(choice_of).collect())
}

/// The places of the facility `facility_text` names (name, merged spelling or id), in tree
/// order; empty when that facility is not registered (a name typed on records only).
///
/// # Errors
/// `Store` when the log cannot be read.
pub fn place_choices(ctx: &Ctx, facility_text: &str) -> Result<Vec<PlaceChoice>> {
    let reg = super::registry(ctx)?;
    Ok(match reg.find(facility_text) {
        Some(f) => f.places.iter().map(|p| PlaceChoice::of(f, p)).collect(),
        None => vec![],
    })
}

/// The choices `query` matches (Chinese, full pinyin, initials; every term), best first.
pub fn pick_facilities<'a>(choices: &'a [FacilityChoice], query: &str) -> Vec<&'a FacilityChoice> {
    let texts: Vec<String> = choices.iter().map(FacilityChoice::search_text).collect();
    crate::search::pick(query, &texts)
        .into_iter()
        .map(|i| &choices[i])
        .collect()
}

/// The places `query` matches by path (Chinese, full pinyin, initials; every term), best
/// first.
pub fn pick_places<'a>(choices: &'a [PlaceChoice], query: &str) -> Vec<&'a PlaceChoice> {
    let texts: Vec<String> = choices.iter().map(|c| c.path.clone()).collect();
    crate::search::pick(query, &texts)
        .into_iter()
        .map(|i| &choices[i])
        .collect()
}

/// The registered facility `text` names: its name or a merged spelling (spaces and ASCII
/// case aside), its id, or failing those a part of exactly one registered name. None when
/// it names no registered facility (kept as typed text).
///
/// # Errors
/// `Invalid` naming the field labelled `flag` (e.g. "单位") when a part fits several facilities.
pub fn resolve_facility<'r>(
    reg: &'r Registry,
    flag: &str,
    text: &str,
) -> Result<Option<&'r Facility>> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if let Some(f) = reg.find(t) {
        return Ok(Some(f));
    }
    let key = name_key(t);
    let parts: Vec<&Facility> = reg
        .active()
        .filter(|f| {
            std::iter::once(&f.name)
                .chain(&f.aliases)
                .any(|n| name_key(n).contains(&key))
        })
        .collect();
    match parts.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => Err(ambiguous(flag, t, many.iter().map(|f| f.name.as_str()))),
    }
}

/// The place of `f` that `text` names: its whole path, the end of its path
/// ("1层/配电室"), its unique name, or its id. None when it names no place of `f`.
///
/// # Errors
/// `Invalid` naming the field labelled `flag` (e.g. "部位") when it fits several places, listing them.
pub fn resolve_place<'f>(f: &'f Facility, flag: &str, text: &str) -> Result<Option<&'f Place>> {
    let paths: Vec<&str> = f.places.iter().map(|p| p.path.as_str()).collect();
    match match_path(&paths, text) {
        PlaceMatch::One(i) => Ok(Some(&f.places[i])),
        PlaceMatch::Many(many) => Err(ambiguous(flag, text.trim(), many.iter().map(|i| paths[*i]))),
        PlaceMatch::None => Ok(f.place(text.trim())),
    }
}

/// How a typed 部位 fits a list of place paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaceMatch {
    /// Exactly one place: its index.
    One(usize),
    /// Several places end with it: their indices.
    Many(Vec<usize>),
    /// No place: a place not yet registered.
    None,
}

/// Matches `text` against place paths the way `resolve_place` does (whole path, then end of
/// path, spaces and ASCII case aside, "／" as "/"), without the id form. Pure: the hazard form
/// calls it on the places it loaded to decide whether to offer registering the 部位.
pub fn match_place(places: &[PlaceChoice], text: &str) -> PlaceMatch {
    let paths: Vec<&str> = places.iter().map(|p| p.path.as_str()).collect();
    match match_path(&paths, text) {
        PlaceMatch::None => {
            let key = name_key(text);
            let named: Vec<usize> = places
                .iter()
                .enumerate()
                .filter(|(_, p)| name_key(&p.name) == key)
                .map(|(i, _)| i)
                .collect();
            match named.as_slice() {
                [] => PlaceMatch::None,
                [one] => PlaceMatch::One(*one),
                _ => PlaceMatch::Many(named),
            }
        }
        m => m,
    }
}

fn match_path(paths: &[&str], text: &str) -> PlaceMatch {
    let t = name_key(text.trim()).replace('／', "/");
    let t = t.trim_matches('/');
    if t.is_empty() {
        return PlaceMatch::None;
    }
    let keys: Vec<String> = paths.iter().map(|p| name_key(p)).collect();
    if let Some(i) = keys.iter().position(|k| k == t) {
        return PlaceMatch::One(i);
    }
    let tail = format!("/{t}");
    let fits: Vec<usize> = keys
        .iter()
        .enumerate()
        .filter(|(_, k)| k.ends_with(&tail))
        .map(|(i, _)| i)
        .collect();
    match fits.as_slice() {
        [] => PlaceMatch::None,
        [one] => PlaceMatch::One(*one),
        _ => PlaceMatch::Many(fits),
    }
}

/// A registered facility with its places, as the 部位 picker and the register forms load it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacilityPlaces {
    pub facility: FacilityChoice,
    pub places: Vec<PlaceChoice>,
}

/// The facility `facility_text` names (name, merged spelling or id) with its places in tree
/// order; None when it is not registered.
///
/// # Errors
/// `Store` when the log cannot be read.
pub fn places_of(ctx: &Ctx, facility_text: &str) -> Result<Option<FacilityPlaces>> {
    let reg = super::registry(ctx)?;
    Ok(reg.find(facility_text).map(|f| FacilityPlaces {
        facility: choice_of(f),
        places: f.places.iter().map(|p| PlaceChoice::of(f, p)).collect(),
    }))
}

/// Every registered facility (merged entries left out) with its places in tree order: what the
/// 台账 forms pick 单位 and 储存地点 / 安装地点 from (issue 17), loaded once per form.
///
/// # Errors
/// `Store` when the log cannot be read.
pub fn registry_choices(ctx: &Ctx) -> Result<Vec<FacilityPlaces>> {
    let reg = super::registry(ctx)?;
    Ok(reg
        .active()
        .map(|f| FacilityPlaces {
            facility: choice_of(f),
            places: f.places.iter().map(|p| PlaceChoice::of(f, p)).collect(),
        })
        .collect())
}

fn choice_of(f: &Facility) -> FacilityChoice {
    FacilityChoice {
        id: f.id,
        name: f.name.clone(),
        kind: f.kind,
        aliases: f.aliases.clone(),
        places: f.places.len(),
    }
}

fn ambiguous<'a>(flag: &str, text: &str, names: impl Iterator<Item = &'a str>) -> OpsError {
    let names: Vec<&str> = names.collect();
    let shown = names.iter().take(8).copied().collect::<Vec<_>>().join("、");
    let more = if names.len() > 8 { "……" } else { "" };
    OpsError::invalid(
        flag,
        format!("「{text}」对应多个（{shown}{more}），请写完整路径或全称"),
    )
}

/// The event linking `target` to facility `facility_id` (and place `place_id`); nothing is
/// written. Record and link go in one append, so they are flushed together.
pub(crate) fn link_payload(
    target: LinkTarget,
    facility_id: Uuid,
    place_id: Option<Uuid>,
) -> Payload {
    Payload::PlaceLinked(PlaceLinked {
        facility_id,
        target,
        place_id,
    })
}

/// The registry link of a record: its facility and, when one was picked, its place.
///
/// # Errors
/// `Store` when the log cannot be read.
pub fn link_of(ctx: &Ctx, target: LinkTarget) -> Result<Option<(Facility, Option<Place>)>> {
    let reg = super::registry(ctx)?;
    Ok(reg.link_of(target).map(|(f, p)| (f.clone(), p.cloned())))
}

/// The place grade of every linked hazard, by finding id (None: linked, place ungraded or no
/// place), latest link first: read once per register load.
pub(crate) fn linked_grades(reg: &Registry) -> HashMap<Uuid, Option<RiskGrade>> {
    let mut best: HashMap<Uuid, (_, Option<RiskGrade>)> = HashMap::new();
    for f in &reg.all {
        for (target, place) in &f.links {
            let LinkTarget::Finding(id) = target else {
                continue;
            };
            let order = f.link_order.get(target).copied();
            let grade = place
                .and_then(|p| f.places.iter().find(|x| x.id == p))
                .and_then(|p| p.grade);
            if best.get(id).is_none_or(|(o, _)| order > *o) {
                best.insert(*id, (order, grade));
            }
        }
    }
    best.into_iter().map(|(id, (_, g))| (id, g)).collect()
}

/// Every spelling the facility name `name` stands for: the registered entry it answers to,
/// with its merged spellings; empty when it is not registered (then it stands for itself).
pub fn spellings(reg: &Registry, name: &str) -> Vec<String> {
    match reg.by_name(name) {
        Some(f) => std::iter::once(f.name.clone())
            .chain(f.aliases.iter().cloned())
            .collect(),
        None => vec![],
    }
}

/// Resolves a register entry's 单位 and place text (a chemical's 单位/储存地点, a piece of
/// equipment's 使用单位/安装地点) through the same resolvers as the hazard's 部位, and returns
/// the link event to append with the entry (None when the facility is not registered: the text
/// stays as typed and shows 「（未登记）」). A facility found by part of its name takes its
/// registered name; a place found takes its whole path.
///
/// # Errors
/// `Invalid` naming `facility_flag` or `place_flag` when the text fits several facilities or
/// places.
pub(crate) fn entry_link(
    ctx: &Ctx,
    target: LinkTarget,
    (facility_flag, facility): (&str, &mut String),
    (place_flag, place): (&str, &mut String),
) -> Result<Option<Payload>> {
    let reg = super::registry(ctx)?;
    let Some(f) = resolve_facility(&reg, facility_flag, facility)? else {
        return Ok(None);
    };
    if !f.answers_to(facility) {
        *facility = f.name.clone();
    }
    let p = resolve_place(f, place_flag, place)?;
    if let Some(p) = p {
        *place = p.path.clone();
    }
    Ok(Some(link_payload(target, f.id, p.map(|p| p.id))))
}

/// Where a register entry is in the registry, as its list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryPlace {
    /// The registered facility (linked, or matched by its text); None: 「（未登记）」.
    pub facility_id: Option<Uuid>,
    pub place_id: Option<Uuid>,
    /// The place's path as registered now, when there is a place.
    pub place_path: Option<String>,
    /// Linked by a `PlaceLinked` event (else matched by its text now).
    pub linked: bool,
}

impl EntryPlace {
    /// 「（未登记）」 after a facility name the registry does not know, else "".
    pub fn mark(&self) -> &'static str {
        if self.facility_id.is_none() {
            "（未登记）"
        } else {
            ""
        }
    }
}

/// The 台账 entries whose 单位 the registry does not know (no link, and the text names no
/// registered facility): the ones lists mark 「（未登记）」.
///
/// # Errors
/// `Store` when the log cannot be read.
pub fn unregistered_entries(
    ctx: &Ctx,
    chemicals: &[crate::domain::Chemical],
    equipment: &[crate::domain::Equipment],
) -> Result<std::collections::BTreeSet<Uuid>> {
    let reg = super::registry(ctx)?;
    let chem = chemicals.iter().filter_map(|c| {
        let at = entry_place(&reg, LinkTarget::Chemical(c.id), &c.facility, &c.place);
        at.facility_id.is_none().then_some(c.id)
    });
    let equip = equipment.iter().filter_map(|q| {
        let at = entry_place(&reg, LinkTarget::Equipment(q.id), &q.facility, &q.place);
        at.facility_id.is_none().then_some(q.id)
    });
    Ok(chem.chain(equip).collect())
}

/// The registry place of an entry: its link when it has one, else its text matched when it
/// names exactly one registered facility (and place); entries from before links match too.
pub fn entry_place(reg: &Registry, target: LinkTarget, facility: &str, place: &str) -> EntryPlace {
    if let Some((f, p)) = reg.link_of(target) {
        return EntryPlace {
            facility_id: Some(f.id),
            place_id: p.map(|p| p.id),
            place_path: p.map(|p| p.path.clone()),
            linked: true,
        };
    }
    let Some(f) = resolve_facility(reg, "", facility).ok().flatten() else {
        return EntryPlace {
            facility_id: None,
            place_id: None,
            place_path: None,
            linked: false,
        };
    };
    let p = resolve_place(f, "", place).ok().flatten();
    EntryPlace {
        facility_id: Some(f.id),
        place_id: p.map(|p| p.id),
        place_path: p.map(|p| p.path.clone()),
        linked: false,
    }
}
