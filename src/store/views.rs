//! Derived views: which events make which view, and recomputing a view with its index keys.

use super::codec::{EventBody, Record, log_key};
use super::idx_groups;
use super::patrol_marks::PatrolMark;
use super::plan_registry;
use super::{Result, Store, StoreError};
use crate::domain::{Entity, Finding, FindingFold, Inspection, Patrol, Registry, StoredEvent};
use sled::transaction::{ConflictableTransactionError, TransactionalTree};
use std::collections::BTreeMap;
use uuid::Uuid;

pub(crate) fn entity_prefix(e: &Entity) -> [u8; 17] {
    let (tag, id) = match e {
        Entity::Inspection(id) => (b'i', id),
        Entity::Finding(id) => (b'f', id),
        Entity::Checklist(id) => (b'k', id),
        Entity::Device(id) => (b'd', id),
        Entity::Chemical(id) => (b'h', id),
        Entity::Equipment(id) => (b'q', id),
        Entity::Facility(id) => (b'r', id),
        Entity::Patrol(id) => (b'p', id),
    };
    let mut k = [0u8; 17];
    k[0] = tag;
    k[1..].copy_from_slice(id.as_bytes());
    k
}

/// The logical `ent` key of one event of an entity: tag ‖ id ‖ device ‖ seq (the layout before
/// issue 14 stored these; `doctor` compares the tree as a set of them, see `ent.rs`).
pub(crate) fn ent_key(e: &Entity, device: Uuid, seq: u64) -> Vec<u8> {
    let mut k = entity_prefix(e).to_vec();
    k.extend_from_slice(&log_key(device, seq));
    k
}

/// Prefixes of the index keys versions before the third round of issue 14 kept per finding:
/// status ‖ deadline in force, line, facility (`s`, `l`, `f`). Queries by status, deadline,
/// line and facility now read the register rows (`#r`, which hold those fields and are written
/// in the same transaction as the views), so these 300,108 of the 636,427 `idx` keys of the
/// 100,000-hazard store are gone, with the ≈ 12 MB of sled's page table they cost every command.
/// A store written before keeps them until the open that retires them
/// (`Store::retire_index_keys`); an older binary writing afterwards may add some back: nothing
/// reads them, `doctor` passes over them and compaction drops them.
pub(crate) const RETIRED_INDEX_PREFIXES: [&[u8]; 3] = [b"s\0", b"l\0", b"f\0"];

/// Whether `key` of the `idx` tree is one of the keys no version reads any more.
pub(crate) fn is_retired_index_key(key: &[u8]) -> bool {
    RETIRED_INDEX_PREFIXES.iter().any(|p| key.starts_with(p))
}

/// Index keys of one finding view: its inspection, a conflict, its 隐患编号 and 文号, the
/// photos it names. Status, deadline, line and facility are read from the register rows.
/// These are logical keys: the inspection's and the number's are stored in groups
/// (`idx_groups.rs`), the rest one by one.
pub(crate) fn finding_index_keys(f: &Finding) -> Vec<Vec<u8>> {
    let id = f.id.as_bytes();
    let key = |parts: &[&[u8]]| {
        let mut k = Vec::new();
        for p in parts {
            k.extend_from_slice(p);
        }
        k
    };
    let mut keys = Vec::new();
    if let Some(i) = f.inspection_id {
        keys.push(key(&[b"i\0", i.as_bytes(), id]));
    }
    if f.is_conflicted() {
        keys.push(key(&[b"c\0", id]));
    }
    // 隐患编号 and the 文号 of every document issued for it, for lookups by number.
    if let Some(n) = &f.number {
        keys.push(key(&[
            b"n\0",
            crate::domain::index_key(n).as_bytes(),
            b"\0",
            id,
        ]));
    }
    for s in &f.escalations {
        if let Some(i) = &s.issued {
            keys.push(key(&[b"w\0", i.wenhao.as_bytes(), b"\0", id]));
        }
    }
    // Every photo named, so a sync can ask which blobs this store wants.
    for p in &f.photos {
        keys.push(key(&[b"p\0", p.hash.as_bytes(), b"\0", id]));
    }
    keys
}

/// The writes one transaction makes to the view trees.
#[derive(Default)]
pub(crate) struct Plan {
    findings: BTreeMap<Uuid, Vec<u8>>,
    inspections: BTreeMap<Uuid, Vec<u8>>,
    idx_remove: Vec<Vec<u8>>,
    idx_insert: Vec<Vec<u8>>,
    /// The read models' changes (counters, inspection marks), in the same transaction.
    models: super::models::Delta,
    /// Findings whose new view holds field conflicts: (new view, view before), so the import
    /// can name the new ones without decoding every planned view again.
    conflicted: Vec<(Finding, Option<Finding>)>,
}

impl Plan {
    /// The planned finding views that hold field conflicts, each with its view before.
    pub(crate) fn conflicted(&self) -> &[(Finding, Option<Finding>)] {
        &self.conflicted
    }

    pub(crate) fn apply(
        &self,
        fnd: &TransactionalTree,
        ins: &TransactionalTree,
        idx: &TransactionalTree,
    ) -> std::result::Result<(), ConflictableTransactionError<StoreError>> {
        for (id, v) in &self.findings {
            fnd.insert(id.as_bytes().as_slice(), super::pack::view_stored(v))?;
        }
        for (id, v) in &self.inspections {
            ins.insert(id.as_bytes().as_slice(), super::pack::view_stored(v))?;
        }
        // Index keys kept in groups change their group's value (`idx_groups.rs`).
        let mut current = BTreeMap::new();
        for g in idx_groups::touched(&self.idx_remove, &self.idx_insert) {
            let held = idx.get(&g)?.map(|v| v.to_vec());
            current.insert(g, held);
        }
        let writes = idx_groups::merge(&self.idx_remove, &self.idx_insert, &current)
            .map_err(|e| ConflictableTransactionError::Abort(StoreError::Corrupt(e)))?;
        for (k, v) in writes {
            match v {
                Some(v) => idx.insert(k, v)?,
                None => idx.remove(k)?,
            };
        }
        self.models.apply(idx)
    }

    /// The same writes as [`Plan::apply`], outside a transaction, in chunked batches (see
    /// `apply.rs`): views, then the index keys and the read models.
    pub(crate) fn apply_ordered(&self, store: &Store) -> Result<()> {
        use super::apply::apply_chunked;
        // Packed on every core: LZ4 with its dictionary is most of a view's write cost.
        let views = |m: &BTreeMap<Uuid, Vec<u8>>| {
            let all: Vec<(&Uuid, &Vec<u8>)> = m.iter().collect();
            super::import::in_parallel(&all, |(id, v)| {
                (id.as_bytes().to_vec(), Some(super::pack::view_stored(v)))
            })
        };
        apply_chunked(&store.findings, views(&self.findings))?;
        apply_chunked(&store.inspections, views(&self.inspections))?;
        let mut idx: Vec<super::apply::Write> = Vec::new();
        let mut current = BTreeMap::new();
        for g in idx_groups::touched(&self.idx_remove, &self.idx_insert) {
            let held = store.idx.get(&g)?.map(|v| v.to_vec());
            current.insert(g, held);
        }
        idx.extend(
            idx_groups::merge(&self.idx_remove, &self.idx_insert, &current)
                .map_err(StoreError::Corrupt)?,
        );
        self.models.writes(&store.idx, &mut idx)?;
        // In key order: consecutive writes land in the same leaf (index keys of one finding
        // lie far apart). Every key is written once here, so the order changes no result.
        idx.sort_by(|a, b| a.0.cmp(&b.0));
        apply_chunked(&store.idx, idx)
    }
}

/// The writes every batch of events makes inside its transaction, local or imported: the log,
/// the entity index, the views and (when it moves) the clock.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_batch(
    log: &TransactionalTree,
    ent: &TransactionalTree,
    fnd: &TransactionalTree,
    ins: &TransactionalTree,
    idx: &TransactionalTree,
    meta: &TransactionalTree,
    records: &[(EventBody, Record)],
    plan: &Plan,
    hlc: Option<crate::domain::Hlc>,
) -> std::result::Result<(), ConflictableTransactionError<StoreError>> {
    let mut refs: BTreeMap<[u8; 17], Vec<super::ent::Ref>> = BTreeMap::new();
    for (body, rec) in records {
        log.insert(&log_key(body.device, body.seq), rec.stored())?;
        refs.entry(entity_prefix(&body.payload.entity()))
            .or_default()
            .push((body.device, body.seq));
    }
    super::ent::add_refs(ent, &refs)?;
    plan.apply(fnd, ins, idx)?;
    if let Some(h) = hlc {
        meta.insert(super::META_HLC, serde_json::to_vec(&h).unwrap_or_default())?;
    }
    Ok(())
}

/// Recomputes every view the new events touch, from all the events of that entity.
pub(crate) fn plan(store: &Store, records: &[(EventBody, Record)]) -> Result<Plan> {
    let mut by_entity: BTreeMap<[u8; 17], (Entity, Vec<StoredEvent>)> = BTreeMap::new();
    for (body, _) in records {
        let e = body.payload.entity();
        // Counted when planned: a dry run or a failed write only makes a cache fold again.
        store.note_kind_written(&e);
        // Only findings and inspections keep a view, and patrols a read model. Checklist
        // versions, device statements, the registers and the registry are folded from `ent`
        // when read.
        if !has_view(&e) {
            continue;
        }
        by_entity
            .entry(entity_prefix(&e))
            .or_insert_with(|| (e, vec![]))
            .1
            .push(body.clone().into_stored());
    }
    let mut plan = Plan::default();
    for (prefix, (entity, mut fresh)) in by_entity {
        let mut events = store.events_with_prefix(&prefix)?;
        events.append(&mut fresh);
        plan.add(fold_one(store, entity, &events)?);
    }
    // The facilities the rules see, from the whole registry, when a write can change them.
    if records
        .iter()
        .any(|(b, _)| plan_registry::moves_plan_facilities(&b.payload))
    {
        let mut events = store.registry_events()?;
        events.extend(
            records
                .iter()
                .filter(|(b, _)| matches!(b.payload.entity(), Entity::Facility(_)))
                .map(|(b, _)| b.clone().into_stored()),
        );
        let (key, new) = plan_registry::entry_of(&Registry::fold(&events));
        plan.models.entry(key, store.plan_facilities_stored()?, new);
    }
    Ok(plan)
}

/// Whether `e` keeps something derived that its events' writes update: a stored view
/// (findings and inspections) or a read model (patrols, `patrol_marks.rs`). The rest is
/// folded from `ent` when read.
pub(crate) fn has_view(e: &Entity) -> bool {
    matches!(
        e,
        Entity::Finding(_) | Entity::Inspection(_) | Entity::Patrol(_)
    )
}

/// Recomputes the views of `entities` from the events the log holds for them (every event is
/// written already: the deferred views of an import, `import.rs`). Entities are read and
/// folded on every core from [`FOLD_PARALLEL_FROM`] on; the plan is the same as [`plan`]
/// would make.
/// A registry entity among `entities` (noted by an import that wrote registry events, see
/// [`is_deferred`]) has the facilities the rules see folded again, once, from the registry.
pub(crate) fn plan_held(store: &Store, entities: &[Entity]) -> Result<Plan> {
    let folded = super::import::in_parallel_from(entities, FOLD_PARALLEL_FROM, |e| {
        if !has_view(e) {
            return Ok(Folded::None);
        }
        let events = store.events_with_prefix(&entity_prefix(e))?;
        fold_one(store, *e, &events)
    });
    let mut plan = Plan::default();
    for f in folded {
        plan.add(f?);
    }
    if entities.iter().any(|e| matches!(e, Entity::Facility(_))) {
        let (key, new) = store.fresh_plan_facilities()?;
        plan.models.entry(key, store.plan_facilities_stored()?, new);
    }
    Ok(plan)
}

/// The plan [`plan_held`] makes for `entities` (findings, inspections, patrols), each given
/// with every event the log holds for it, in (device, seq) order: nothing is read back from
/// the log (the demo's entities done while it writes, `sign_aside.rs`).
pub(crate) fn plan_given(store: &Store, entities: &[(Entity, Vec<StoredEvent>)]) -> Result<Plan> {
    let folded = super::import::in_parallel_from(entities, FOLD_PARALLEL_FROM, |(e, events)| {
        if !has_view(e) {
            return Ok(Folded::None);
        }
        fold_one(store, *e, events)
    });
    let mut plan = Plan::default();
    for f in folded {
        plan.add(f?);
    }
    Ok(plan)
}

/// Entities from which [`plan_held`] folds on every core. Folding one reads its events from
/// the log and decodes them (≈ 6 events, tens of µs): far more than a thread's start, so a
/// chunk of the import's 250 is split (it was not, under `in_parallel`'s 256).
const FOLD_PARALLEL_FROM: usize = 16;

/// Whether an import that writes an event of `e` leaves something for `Store::finish_views`:
/// its view or read model ([`has_view`]), or for a registry entity the facilities the rules
/// see (`plan_registry.rs`).
pub(crate) fn is_deferred(e: &Entity) -> bool {
    has_view(e) || matches!(e, Entity::Facility(_))
}

/// One entity's view before and after, with its JSON when there is one.
// Each value is moved once from its folding thread into the plan: a box would only add an
// allocation per entity.
#[allow(clippy::large_enum_variant)]
enum Folded {
    Finding {
        id: Uuid,
        old: Option<Finding>,
        new: Option<(Finding, Vec<u8>)>,
    },
    Inspection {
        id: Uuid,
        old: Option<Inspection>,
        new: Option<(Inspection, Vec<u8>)>,
    },
    Patrol {
        id: Uuid,
        old: Option<PatrolMark>,
        new: Option<PatrolMark>,
    },
    None,
}

/// Folds one entity from all its `events` and reads its stored view (the one before).
fn fold_one(store: &Store, entity: Entity, events: &[StoredEvent]) -> Result<Folded> {
    Ok(match entity {
        Entity::Finding(id) => {
            let new = FindingFold::fold(events).map(|f| {
                let json = to_json(&f.slim());
                (f, json)
            });
            Folded::Finding {
                id,
                old: store.finding(id)?,
                new,
            }
        }
        Entity::Inspection(id) => {
            let new = Inspection::fold(events).map(|i| {
                let json = to_json(&i);
                (i, json)
            });
            Folded::Inspection {
                id,
                old: store.inspection(id)?,
                new,
            }
        }
        Entity::Patrol(id) => Folded::Patrol {
            id,
            old: store.patrol_mark(id)?,
            new: patrol_mark_of(id, events),
        },
        _ => Folded::None,
    })
}

/// Patrol `id`'s mark folded from its `events` (None while its start is not held).
pub(crate) fn patrol_mark_of(id: Uuid, events: &[StoredEvent]) -> Option<PatrolMark> {
    Patrol::fold_all(events)
        .iter()
        .find(|p| p.id == id)
        .map(PatrolMark::of)
}

impl Plan {
    /// Adds one entity's new view, its changed index keys and its read-model changes.
    fn add(&mut self, f: Folded) {
        match f {
            Folded::Finding { id, old, new } => {
                let old_keys = old.as_ref().map(finding_index_keys).unwrap_or_default();
                self.models
                    .finding(old.as_ref(), new.as_ref().map(|(f, _)| f));
                let new_keys = new
                    .as_ref()
                    .map(|(f, _)| finding_index_keys(f))
                    .unwrap_or_default();
                // Only the index keys that change are written: most events keep most keys.
                self.idx_remove
                    .extend(old_keys.iter().filter(|k| !new_keys.contains(k)).cloned());
                if let Some((new, json)) = new {
                    self.idx_insert
                        .extend(new_keys.into_iter().filter(|k| !old_keys.contains(k)));
                    self.findings.insert(id, json);
                    if !new.conflicts.is_empty() {
                        self.conflicted.push((new, old));
                    }
                }
            }
            Folded::Inspection { id, old, new } => {
                if let Some((new, json)) = new {
                    self.models.inspection(old.as_ref(), &new);
                    self.inspections.insert(id, json);
                }
            }
            Folded::Patrol { id, old, new } => {
                self.models.patrol(id, old.as_ref(), new.as_ref());
            }
            Folded::None => {}
        }
    }
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).expect("views always serialise")
}

impl Store {
    /// All stored events of the entities under `prefix` (a tag, or tag ‖ id), decoded, each
    /// entity's in (device, seq) order. Many (every registry event, read by the first home
    /// of a process: issue 14) are read and decoded on every core.
    pub(crate) fn events_with_prefix(&self, prefix: &[u8]) -> Result<Vec<StoredEvent>> {
        let mut refs = Vec::new();
        self.for_each_entity(prefix, &mut |_, mut more| {
            refs.append(&mut more);
            Ok(())
        })?;
        // Read in log order, each run once (`log_runs::get_many`), then decoded on every core.
        let stored = super::log_runs::get_many(&self.log, &refs)?;
        super::import::in_parallel(&stored, |rec| {
            let rec = rec
                .as_ref()
                .ok_or_else(|| StoreError::Corrupt("索引指向不存在的事件".into()))?;
            let body = Record::from_stored(rec)
                .body()
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            Ok(body.into_stored())
        })
        .into_iter()
        .collect()
    }

    /// One event the `ent` tree names, decoded from the log.
    pub(crate) fn stored_event(&self, device: Uuid, seq: u64) -> Result<StoredEvent> {
        let rec = super::log_runs::get(&self.log, device, seq)?
            .ok_or_else(|| StoreError::Corrupt("索引指向不存在的事件".into()))?;
        let body = Record::from_stored(&rec)
            .body()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(body.into_stored())
    }

    /// The finding with its full history and field versions, folded from its events.
    pub fn finding_full(&self, id: Uuid) -> Result<Option<Finding>> {
        Ok(FindingFold::fold(&self.entity_events(Entity::Finding(id))?))
    }

    /// Every stored event of one finding or inspection, in fold order.
    pub fn entity_events(&self, entity: Entity) -> Result<Vec<StoredEvent>> {
        let mut evs = self.events_with_prefix(&entity_prefix(&entity))?;
        evs.sort_by_key(|e| e.order_key());
        Ok(evs)
    }
}
