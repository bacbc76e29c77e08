//! The facility registry (单位台账, issue 16): facilities with their people and telephones,
//! their places as a tree (院区 → 楼 → 层 → 科室/部位) with key sites (重点部位) marked, and
//! the risk grade (风险等级, seed 003 "风险分级管控") of each place.
//!
//! The registry is a pure fold of the `Facility*`/`Place*` events of every device. Field edits
//! name the versions they replace (`supersedes`), exactly like a finding's fields: two edits that
//! did not see each other both stay, the later by (hlc, device, seq) shows, and the field is
//! flagged until an edit that saw both settles it (`crossing::edit_heads`).

use super::crossing::edit_heads;
use super::kinds::{ParseError, word_enum};
use super::{EventRef, Payload, Stamp, StoredEvent};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

word_enum!(
    /// 单位类型.
    FacilityKind, "单位类型", {
        Hospital => "hospital", "医院";
        Community => "community", "社区卫生服务中心";
        Township => "township", "乡镇卫生院";
        Cdc => "cdc", "疾控中心";
        Emergency => "emergency", "急救中心";
        Other => "other", "其他";
    }
);

impl FacilityKind {
    /// The type a facility name most likely has, for names typed on past records
    /// (`xuncha facility import`): "…医院" is a hospital, "…卫生院" a township health centre.
    pub fn guess(name: &str) -> FacilityKind {
        if name.contains("社区卫生服务") {
            FacilityKind::Community
        } else if name.contains("卫生院") {
            FacilityKind::Township
        } else if name.contains("疾控") || name.contains("疾病预防控制") {
            FacilityKind::Cdc
        } else if name.contains("急救") || name.contains("120") {
            FacilityKind::Emergency
        } else if name.contains("医院") || name.contains("妇幼保健") {
            FacilityKind::Hospital
        } else {
            FacilityKind::Other
        }
    }
}

word_enum!(
    /// The editable fields of a facility. `name` may be edited too (a corrected spelling).
    FacilityField, "单位字段", {
        Name => "name", "名称";
        Type => "type", "类型";
        Address => "address", "地址";
        Head => "head", "主要负责人";
        HeadPhone => "head_phone", "主要负责人电话";
        Deputy => "deputy", "分管负责人";
        DeputyPhone => "deputy_phone", "分管负责人电话";
        Officer => "officer", "安全管理员";
        OfficerPhone => "officer_phone", "安全管理员电话";
    }
);

word_enum!(
    /// A level of the place tree.
    PlaceKind, "场所类型", {
        Campus => "campus", "院区";
        Building => "building", "楼";
        Floor => "floor", "层";
        Department => "department", "科室";
        Spot => "spot", "部位";
    }
);

word_enum!(
    /// The editable fields of a place.
    PlaceField, "场所字段", {
        Name => "name", "名称";
        KeySite => "key_site", "重点部位";
        Grade => "grade", "风险等级";
        Measures => "measures", "管控措施";
        Responsible => "responsible", "责任人";
    }
);

word_enum!(
    /// 风险等级 of 风险分级管控 (seed 003, 一（7）双重预防体系): 重大/较大/一般/低, shown
    /// red/orange/yellow/blue by the national four-colour convention.
    RiskGrade, "风险等级", {
        Major => "major", "重大";
        Large => "large", "较大";
        General => "general", "一般";
        Low => "low", "低";
    }
);

impl RiskGrade {
    /// The colour name of the four-colour map (红/橙/黄/蓝), for exports and the mono theme.
    pub fn colour(self) -> &'static str {
        match self {
            RiskGrade::Major => "红",
            RiskGrade::Large => "橙",
            RiskGrade::General => "黄",
            RiskGrade::Low => "蓝",
        }
    }

    /// "重大风险（红）": grade and colour in words, readable without colour.
    pub fn words(self) -> String {
        format!("{}风险（{}）", self.label(), self.colour())
    }

    /// Red and orange (重大, 较大): hazards at such places are marked in the register.
    pub fn is_high(self) -> bool {
        matches!(self, RiskGrade::Major | RiskGrade::Large)
    }
}

/// One place of a facility, in the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub id: Uuid,
    pub parent: Option<Uuid>,
    pub kind: PlaceKind,
    pub name: String,
    /// 重点部位.
    pub key_site: bool,
    pub grade: Option<RiskGrade>,
    /// 管控措施.
    pub measures: String,
    /// 责任人.
    pub responsible: String,
    /// 0 for a top-level place.
    pub depth: usize,
    /// The names from the top down, joined by "/" (e.g. "本部/门诊楼/1层/配电室").
    pub path: String,
}

/// A field edited on two devices that did not see each other: every competing value with the
/// event that set it, the one shown first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldConflict {
    /// The place's path, or None for a field of the facility itself.
    pub place: Option<String>,
    /// The field's Chinese label ("分管负责人", "风险等级").
    pub field: String,
    pub values: Vec<(EventRef, String)>,
}

/// A registered facility (单位), folded from its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facility {
    pub id: Uuid,
    pub name: String,
    pub kind: FacilityKind,
    pub address: String,
    /// 主要负责人 and telephone.
    pub head: String,
    pub head_phone: String,
    /// 分管负责人 and telephone.
    pub deputy: String,
    pub deputy_phone: String,
    /// 安全管理员 and telephone.
    pub officer: String,
    pub officer_phone: String,
    /// Other spellings merged into this entry (`facility merge`): records typed with them count
    /// for this facility.
    pub aliases: Vec<String>,
    /// Set when this entry was merged into another one; it then leaves the list.
    pub merged_into: Option<Uuid>,
    /// Places in tree order (each parent before its children, siblings in creation order).
    pub places: Vec<Place>,
    pub conflicts: Vec<FieldConflict>,
    /// Records linked to this facility (`PlaceLinked`), each with its place when one was
    /// picked; the latest link of a record stands.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        with = "link::links_as_list"
    )]
    pub links: BTreeMap<LinkTarget, Option<Uuid>>,
    /// The order key of the event behind each link, to pick the latest across facilities.
    #[serde(skip)]
    pub link_order: BTreeMap<LinkTarget, (super::Hlc, Uuid, u64)>,
    pub created_at: Stamp,
    /// The current versions of each field (what an edit supersedes), keyed by
    /// `version_key`.
    #[serde(skip)]
    pub versions: BTreeMap<String, Vec<EventRef>>,
}

impl Facility {
    /// The value of a facility field as text.
    pub fn field(&self, f: FacilityField) -> String {
        match f {
            FacilityField::Name => self.name.clone(),
            FacilityField::Type => self.kind.label().to_string(),
            FacilityField::Address => self.address.clone(),
            FacilityField::Head => self.head.clone(),
            FacilityField::HeadPhone => self.head_phone.clone(),
            FacilityField::Deputy => self.deputy.clone(),
            FacilityField::DeputyPhone => self.deputy_phone.clone(),
            FacilityField::Officer => self.officer.clone(),
            FacilityField::OfficerPhone => self.officer_phone.clone(),
        }
    }

    fn set(&mut self, f: FacilityField, v: &str) {
        let v = v.to_string();
        match f {
            FacilityField::Name => self.name = v,
            FacilityField::Type => self.kind = v.parse().unwrap_or(FacilityKind::Other),
            FacilityField::Address => self.address = v,
            FacilityField::Head => self.head = v,
            FacilityField::HeadPhone => self.head_phone = v,
            FacilityField::Deputy => self.deputy = v,
            FacilityField::DeputyPhone => self.deputy_phone = v,
            FacilityField::Officer => self.officer = v,
            FacilityField::OfficerPhone => self.officer_phone = v,
        }
    }

    /// The key sites (重点部位), in tree order: the order a patrol walks them.
    pub fn key_sites(&self) -> impl Iterator<Item = &Place> {
        self.places.iter().filter(|p| p.key_site)
    }

    /// A place by its path ("本部/门诊楼/配电室"), its last name when that is unique, or its
    /// id (or the last 6+ hex digits of it).
    pub fn place(&self, text: &str) -> Option<&Place> {
        let t = name_key(text);
        if let Some(p) = self.places.iter().find(|p| name_key(&p.path) == t) {
            return Some(p);
        }
        let by_name: Vec<&Place> = self
            .places
            .iter()
            .filter(|p| name_key(&p.name) == t)
            .collect();
        if by_name.len() == 1 {
            return Some(by_name[0]);
        }
        id_match(self.places.iter().map(|p| (p.id, p)), text)
    }

    /// Whether `name` is this facility's name or one of its merged spellings.
    pub fn answers_to(&self, name: &str) -> bool {
        let k = name_key(name);
        name_key(&self.name) == k || self.aliases.iter().any(|a| name_key(a) == k)
    }

    pub fn is_conflicted(&self) -> bool {
        !self.conflicts.is_empty()
    }
}

/// The key of a field's versions in `Facility::versions`.
pub fn version_key(place: Option<Uuid>, field: &str) -> String {
    match place {
        Some(p) => format!("{p}:{field}"),
        None => field.to_string(),
    }
}

/// How names are compared: whitespace and ASCII case do not count, so "人民医院 " and
/// "人民 医院" are one spelling (the merge action handles the rest).
pub fn name_key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// An entry whose id is `text` or ends or starts with it (at least 6 hex digits).
fn id_match<'a, T>(items: impl Iterator<Item = (Uuid, &'a T)>, text: &str) -> Option<&'a T> {
    let t: String = text
        .trim()
        .chars()
        .filter(|c| *c != '-')
        .collect::<String>()
        .to_ascii_lowercase();
    if t.len() < 6 || !t.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let hits: Vec<&T> = items
        .filter(|(id, _)| {
            let s = id.simple().to_string();
            s.ends_with(&t) || s.starts_with(&t)
        })
        .map(|(_, v)| v)
        .collect();
    (hits.len() == 1).then(|| hits[0])
}

/// Every facility of the store, folded from the registry events of all devices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Registry {
    /// Every entry, merged ones included, in creation order.
    pub all: Vec<Facility>,
}

impl Registry {
    /// Folds registry events (any order, any mix of devices). Events of a facility whose
    /// `FacilityAdded` is not held change nothing.
    pub fn fold(events: &[StoredEvent]) -> Registry {
        let mut evs: Vec<&StoredEvent> = events.iter().collect();
        evs.sort_by_key(|e| e.order_key());
        let mut by_id: BTreeMap<Uuid, Vec<&StoredEvent>> = BTreeMap::new();
        for e in &evs {
            if let Some(id) = facility_of(&e.payload) {
                by_id.entry(id).or_default().push(e);
            }
        }
        let mut all: Vec<Facility> = by_id.values().filter_map(|list| fold_one(list)).collect();
        all.sort_by_key(|f| (f.created_at, f.id));
        // Merges, oldest first; a merge into an entry that was itself merged into the one
        // being merged (a cycle from two devices) is skipped.
        for e in &evs {
            if let Payload::FacilityMerged {
                facility_id,
                from,
                name,
            } = &e.payload
            {
                let into = resolve(&all, *facility_id);
                if let Some(from) = from {
                    if resolve(&all, *from) == into {
                        continue;
                    }
                    if let Some(f) = all.iter_mut().find(|f| f.id == *from) {
                        f.merged_into = Some(into);
                    }
                    let (fname, faliases) = all
                        .iter()
                        .find(|f| f.id == *from)
                        .map(|f| (f.name.clone(), f.aliases.clone()))
                        .unwrap_or_default();
                    if let Some(t) = all.iter_mut().find(|f| f.id == into) {
                        for a in std::iter::once(fname).chain(faliases) {
                            if !a.is_empty() && !t.answers_to(&a) {
                                t.aliases.push(a);
                            }
                        }
                    }
                }
                if let Some(t) = all.iter_mut().find(|f| f.id == into)
                    && !t.answers_to(name)
                {
                    t.aliases.push(name.clone());
                }
            }
        }
        Registry { all }
    }

    /// The entries not merged into another, in creation order.
    pub fn active(&self) -> impl Iterator<Item = &Facility> {
        self.all.iter().filter(|f| f.merged_into.is_none())
    }

    pub fn get(&self, id: Uuid) -> Option<&Facility> {
        let id = resolve(&self.all, id);
        self.all.iter().find(|f| f.id == id)
    }

    /// The facility a name typed on a record belongs to: its name or a merged spelling.
    pub fn by_name(&self, name: &str) -> Option<&Facility> {
        self.active().find(|f| f.answers_to(name))
    }

    /// The facility and place a record is linked to (`PlaceLinked`); when links of one record
    /// name two facilities (two devices), the later link wins. The facility is the one that
    /// stands after merges; the place is None when none was picked or it is not held.
    pub fn link_of(&self, target: LinkTarget) -> Option<(&Facility, Option<&Place>)> {
        let (f, place) = self
            .all
            .iter()
            .filter_map(|f| f.links.get(&target).map(|p| (f, *p)))
            .max_by_key(|(f, _)| f.link_order.get(&target).copied())?;
        let place = place.and_then(|id| f.places.iter().find(|p| p.id == id));
        let stands = self.get(f.id)?;
        Some((stands, place))
    }

    /// A facility by name, merged spelling, or id (whole, or its first or last 6+ hex digits).
    pub fn find(&self, text: &str) -> Option<&Facility> {
        self.by_name(text)
            .or_else(|| id_match(self.all.iter().map(|f| (f.id, f)), text))
            .and_then(|f| self.get(f.id))
    }
}

/// Follows `merged_into` to the entry that stands (at most as many steps as entries).
fn resolve(all: &[Facility], mut id: Uuid) -> Uuid {
    for _ in 0..all.len() {
        match all.iter().find(|f| f.id == id).and_then(|f| f.merged_into) {
            Some(next) => id = next,
            None => break,
        }
    }
    id
}

/// The facility a registry event belongs to.
fn facility_of(p: &Payload) -> Option<Uuid> {
    match p {
        Payload::FacilityAdded { facility_id, .. }
        | Payload::FacilityFieldSet { facility_id, .. }
        | Payload::FacilityMerged { facility_id, .. }
        | Payload::PlaceAdded { facility_id, .. }
        | Payload::PlaceFieldSet { facility_id, .. } => Some(*facility_id),
        Payload::PlaceLinked(l) => Some(l.facility_id),
        _ => None,
    }
}

/// One facility from its events (sorted); None without its `FacilityAdded`.
fn fold_one(evs: &[&StoredEvent]) -> Option<Facility> {
    let (created, id, name, fields) = evs.iter().find_map(|e| match &e.payload {
        Payload::FacilityAdded {
            facility_id,
            name,
            fields,
        } => Some((e.at(), *facility_id, name.clone(), fields.clone())),
        _ => None,
    })?;
    let mut f = Facility {
        id,
        name,
        kind: FacilityKind::Other,
        address: String::new(),
        head: String::new(),
        head_phone: String::new(),
        deputy: String::new(),
        deputy_phone: String::new(),
        officer: String::new(),
        officer_phone: String::new(),
        aliases: vec![],
        merged_into: None,
        places: vec![],
        conflicts: vec![],
        links: BTreeMap::new(),
        link_order: BTreeMap::new(),
        created_at: created,
        versions: BTreeMap::new(),
    };
    for (k, v) in &fields {
        f.set(*k, v);
    }
    // Field edits of the facility.
    let mut edits: BTreeMap<FacilityField, Vec<(&StoredEvent, &[EventRef])>> = BTreeMap::new();
    for e in evs {
        if let Payload::FacilityFieldSet {
            field, supersedes, ..
        } = &e.payload
        {
            edits.entry(*field).or_default().push((e, supersedes));
        }
    }
    for (field, list) in edits {
        let heads = edit_heads(&list);
        let value = |e: &StoredEvent| match &e.payload {
            Payload::FacilityFieldSet { value, .. } => value.clone(),
            _ => String::new(),
        };
        if let Some(w) = heads.first() {
            f.set(field, &value(w));
        }
        f.versions.insert(
            version_key(None, field.id()),
            heads.iter().map(|e| e.r).collect(),
        );
        if heads.len() > 1 {
            f.conflicts.push(FieldConflict {
                place: None,
                field: field.label().to_string(),
                values: heads.iter().map(|e| (e.r, value(e))).collect(),
            });
        }
    }
    fold_places(&mut f, evs);
    for e in evs {
        if let Payload::PlaceLinked(l) = &e.payload {
            f.links.insert(l.target, l.place_id);
            f.link_order.insert(l.target, e.order_key());
        }
    }
    Some(f)
}

/// Edits of one place field, each with the versions it supersedes.
type PlaceEdits<'a> = BTreeMap<(Uuid, PlaceField), Vec<(&'a StoredEvent, &'a [EventRef])>>;

/// The place tree with each place's fields resolved.
fn fold_places(f: &mut Facility, evs: &[&StoredEvent]) {
    let mut raw: Vec<Place> = Vec::new();
    for e in evs {
        if let Payload::PlaceAdded {
            place_id,
            parent,
            place_kind,
            name,
            key_site,
            ..
        } = &e.payload
            && !raw.iter().any(|p| p.id == *place_id)
        {
            raw.push(Place {
                id: *place_id,
                parent: *parent,
                kind: *place_kind,
                name: name.clone(),
                key_site: *key_site,
                grade: None,
                measures: String::new(),
                responsible: String::new(),
                depth: 0,
                path: String::new(),
            });
        }
    }
    let mut edits: PlaceEdits = BTreeMap::new();
    for e in evs {
        if let Payload::PlaceFieldSet {
            place_id,
            field,
            supersedes,
            ..
        } = &e.payload
        {
            edits
                .entry((*place_id, *field))
                .or_default()
                .push((e, supersedes));
        }
    }
    let mut conflicts = Vec::new();
    for ((pid, field), list) in edits {
        let Some(p) = raw.iter_mut().find(|p| p.id == pid) else {
            continue;
        };
        let heads = edit_heads(&list);
        let value = |e: &StoredEvent| match &e.payload {
            Payload::PlaceFieldSet { value, .. } => value.clone(),
            _ => String::new(),
        };
        if let Some(w) = heads.first() {
            let v = value(w);
            match field {
                PlaceField::Name => p.name = v,
                PlaceField::KeySite => p.key_site = v == "true" || v == "是",
                PlaceField::Grade => p.grade = v.parse().ok(),
                PlaceField::Measures => p.measures = v,
                PlaceField::Responsible => p.responsible = v,
            }
        }
        f.versions.insert(
            version_key(Some(pid), field.id()),
            heads.iter().map(|e| e.r).collect(),
        );
        if heads.len() > 1 {
            conflicts.push((pid, field, heads.iter().map(|e| (e.r, value(e))).collect()));
        }
    }
    // Tree order: depth-first from the roots; a place whose parent is unknown (or a cycle)
    // is shown at the top level rather than lost.
    let known: Vec<Uuid> = raw.iter().map(|p| p.id).collect();
    let mut out: Vec<Place> = Vec::new();
    fn walk(raw: &[Place], parent: Option<Uuid>, depth: usize, prefix: &str, out: &mut Vec<Place>) {
        for p in raw.iter().filter(|p| p.parent == parent) {
            if out.iter().any(|o| o.id == p.id) || depth > 32 {
                continue;
            }
            let mut p = p.clone();
            p.depth = depth;
            p.path = if prefix.is_empty() {
                p.name.clone()
            } else {
                format!("{prefix}/{}", p.name)
            };
            let path = p.path.clone();
            let id = p.id;
            out.push(p);
            walk(raw, Some(id), depth + 1, &path, out);
        }
    }
    let roots: Vec<Place> = raw
        .iter()
        .map(|p| {
            let mut p = p.clone();
            if p.parent.is_some_and(|q| !known.contains(&q) || q == p.id) {
                p.parent = None;
            }
            p
        })
        .collect();
    walk(&roots, None, 0, "", &mut out);
    for p in &roots {
        if !out.iter().any(|o| o.id == p.id) {
            let mut p = p.clone();
            p.parent = None;
            p.path = p.name.clone();
            out.push(p);
        }
    }
    for (pid, field, values) in conflicts {
        f.conflicts.push(FieldConflict {
            place: out.iter().find(|p| p.id == pid).map(|p| p.path.clone()),
            field: field.label().to_string(),
            values,
        });
    }
    f.places = out;
}

mod link;
pub use link::{LinkTarget, PlaceLinked};

#[cfg(test)]
mod tests;
