//! `doctor`: verify every device's chain and rebuild the views from the log.

use super::codec::{Record, ZERO_HASH, log_key, split_log_key};
use super::log_check::{BATCH, Pending, check_batch};
use super::patrol_marks::PatrolMark;
use super::views::{ent_key, entity_prefix, finding_index_keys, to_json};
use super::{Result, Store, StoreError};
use crate::domain::{Entity, Finding, FindingFold, Inspection, StoredEvent};
use ed25519_dalek::VerifyingKey;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct RebuildReport {
    pub events: usize,
    pub devices: usize,
    pub findings: usize,
    pub inspections: usize,
    /// Problems with the log itself (bad signature, broken chain); each names the event.
    pub log_problems: Vec<String>,
    /// Views or index entries that differed from a fresh rebuild.
    pub view_mismatches: Vec<String>,
    /// True when the views were rewritten from the log.
    pub rebuilt: bool,
    /// Events kept in quarantine: the losing run of a fork (two events signed under one
    /// device and seq, see docs/clone.md), never applied, never dropped. Each as
    /// "<device>#<seq> <hash prefix>".
    pub quarantined: Vec<String>,
}

impl RebuildReport {
    pub fn is_clean(&self) -> bool {
        self.log_problems.is_empty() && self.view_mismatches.is_empty()
    }
}

impl Store {
    /// Checks the log and compares the live views with ones derived afresh; with `write`,
    /// replaces the views with the fresh ones instead, in bounded memory
    /// ([`Store::rewrite_views`]: the log's problems and counts, no comparison).
    pub fn rebuild(&self, write: bool) -> Result<RebuildReport> {
        if write {
            return self.rewrite_views();
        }
        let mut rep = RebuildReport::default();
        let mut expected_ent: BTreeSet<Vec<u8>> = BTreeSet::new();
        let mut by_entity: ByEntity = BTreeMap::new();
        self.scan_log(&mut rep, &mut |entity, device, seq| {
            expected_ent.insert(ent_key(&entity, device, seq));
            by_entity
                .entry(entity_prefix(&entity))
                .or_insert_with(|| (entity, vec![]))
                .1
                .push(log_key(device, seq));
        })?;

        let mut expected_idx: BTreeSet<Vec<u8>> = BTreeSet::new();
        let mut models = super::models::Fresh::default();
        let mut fresh_findings: Vec<(Uuid, Vec<u8>)> = Vec::new();
        let mut fresh_inspections: Vec<(Uuid, Vec<u8>)> = Vec::new();
        self.fold_entities(by_entity, &mut |folded| {
            match folded {
                Folded::Finding(id, f) => {
                    expected_idx.extend(finding_index_keys(&f));
                    models.add_finding(&f);
                    fresh_findings.push((id, to_json(&f.slim())));
                }
                Folded::Inspection(id, i) => {
                    models.add_inspection(&i);
                    fresh_inspections.push((id, to_json(&*i)));
                }
                Folded::Patrol(id, p) => models.add_patrol(id, &p),
                Folded::Entry(e) => models.add_entry(e),
            }
            Ok(())
        })?;
        rep.quarantined = self.quarantine_lines()?;
        rep.findings = fresh_findings.len();
        rep.inspections = fresh_inspections.len();

        compare_tree(&self.findings, &fresh_findings, "隐患", &mut rep)?;
        compare_tree(&self.inspections, &fresh_inspections, "检查", &mut rep)?;
        compare_keys(&self.idx, &expected_idx, "索引", &mut rep)?;
        let models: BTreeMap<Vec<u8>, Vec<u8>> = models.entries().collect();
        compare_models(&self.live_models()?, &models, &mut rep);
        // As logical keys (entity ‖ event), whatever the layout the entries are in.
        let (mut live_ent, mut extra_ent) = (0usize, Vec::new());
        self.ent_logical_keys(&mut |k| {
            live_ent += 1;
            if !expected_ent.contains(&k) && extra_ent.len() < MAX_LISTED {
                extra_ent.push(k);
            }
        })?;
        tally_keys(
            live_ent,
            extra_ent,
            expected_ent.len(),
            "事件归属",
            &mut rep,
        );

        Ok(rep)
    }

    /// Whether a `doctor --rebuild` was interrupted (killed) before it finished.
    pub fn rebuild_interrupted(&self) -> Result<bool> {
        Ok(self.meta.contains_key(META_REBUILDING)?)
    }

    /// Called on open: a rebuild that was killed half-way left the views partly cleared, so
    /// it is run again to the end before anything reads them. Returns whether it ran.
    pub(crate) fn finish_interrupted_rebuild(&self) -> Result<bool> {
        if !self.rebuild_interrupted()? {
            return Ok(false);
        }
        self.rebuild(true)?;
        Ok(true)
    }
}

/// An entity's log keys, by entity (tag and id), in log order.
pub(super) type ByEntity = BTreeMap<[u8; 17], (Entity, Vec<[u8; 24]>)>;

/// A view (or a patrol's read model) folded afresh from the log.
pub(super) enum Folded {
    Finding(Uuid, Box<Finding>),
    Inspection(Uuid, Box<Inspection>),
    Patrol(Uuid, PatrolMark),
    /// A single-entry read model: key and value (None: no entry).
    Entry((Vec<u8>, Option<Vec<u8>>)),
}

impl Store {
    /// One pass over the log: checks every chain and signature (problems into `rep`), counts
    /// events and devices, and hands each sound event's entity, device and seq to `on_event`.
    /// Holds nothing per event, and walks so sled's cache stays within its capacity.
    pub(super) fn scan_log(
        &self,
        rep: &mut RebuildReport,
        on_event: &mut dyn FnMut(Entity, Uuid, u64),
    ) -> Result<()> {
        let mut chain: Option<(Uuid, u64, [u8; 32], Option<VerifyingKey>)> = None;
        let mut log = super::log_runs::walk(&self.log);
        let mut last_device = None;
        loop {
            // A batch read in log order, each device's key looked up at the start of its run.
            let (mut batch, mut keys) = (Vec::with_capacity(BATCH), Vec::new());
            for kv in log.by_ref().take(BATCH) {
                let (k, stored) = kv?;
                let (device, seq) =
                    split_log_key(&k).ok_or_else(|| StoreError::Corrupt("日志键无效".into()))?;
                let starts_run = last_device != Some(device);
                if starts_run || keys.is_empty() {
                    keys.push(
                        self.keys
                            .get(device.as_bytes())?
                            .and_then(|b| <[u8; 32]>::try_from(b.as_ref()).ok())
                            .and_then(|b| VerifyingKey::from_bytes(&b).ok()),
                    );
                    last_device = Some(device);
                }
                batch.push(Pending {
                    device,
                    seq,
                    starts_run,
                    key: keys.len() - 1,
                    stored,
                });
            }
            if batch.is_empty() {
                return Ok(());
            }
            let checked = check_batch(&batch, &keys);
            for (p, checked) in batch.iter().zip(checked) {
                let (device, seq) = (p.device, p.seq);
                rep.events += 1;
                if p.starts_run {
                    rep.devices += 1;
                    if keys[p.key].is_none() {
                        rep.log_problems.push(format!("设备 {device} 没有公钥"));
                    }
                    chain = Some((device, 0, ZERO_HASH, keys[p.key]));
                }
                let c = chain.as_mut().expect("set above");
                let body = match checked {
                    Ok(b) => b,
                    Err(e) => {
                        rep.log_problems.push(format!("事件 {device}#{seq}：{e}"));
                        continue;
                    }
                };
                if body.device != device || body.seq != seq {
                    rep.log_problems
                        .push(format!("事件 {device}#{seq}：键与内容不符"));
                }
                if seq == c.1 + 1 && body.prev != c.2 {
                    rep.log_problems
                        .push(format!("事件 {device}#{seq}：哈希链断裂"));
                }
                c.1 = seq;
                c.2 = body.hash;
                on_event(body.entity, device, seq);
            }
        }
    }

    /// Folds every finding, inspection and patrol afresh from its events, in entity order
    /// (findings by id, then inspections, then patrols), one at a time; then the facilities
    /// the rules of frequency see, from every registry event (read from the log, as the
    /// rest: `ent` may be what a killed rebuild left cleared).
    pub(super) fn fold_entities(
        &self,
        by_entity: ByEntity,
        visit: &mut dyn FnMut(Folded) -> Result<()>,
    ) -> Result<()> {
        let mut registry = Vec::new();
        for (_, (entity, keys)) in by_entity {
            match entity {
                Entity::Facility(_) => registry.append(&mut self.events_at(keys)?),
                _ => self.fold_entity(entity, keys, visit)?,
            }
        }
        self.fold_registry(&registry, visit)
    }

    /// Folds every finding, inspection and patrol the `ent` tree names, one at a time, then the
    /// registry (a few facilities) as one, handing each to `visit`: `doctor`'s check and the
    /// rebuild's rewrite, in bounded memory. Returns whether an entry read as neither layout
    /// (its entity is left out; the full comparison names it).
    ///
    /// # Errors
    /// `Db`, or the first error `visit` returns.
    pub(super) fn fold_each_entity(
        &self,
        visit: &mut dyn FnMut(Folded) -> Result<()>,
    ) -> Result<bool> {
        let (mut registry, mut unreadable) = (Vec::new(), false);
        for tag in [b"f", b"i", b"p", b"r"] {
            let folded = self.for_each_entity(tag, &mut |key, refs| {
                let keys = refs.iter().map(|&(d, s)| log_key(d, s));
                match super::doctor_check::entity_of_key(&key) {
                    Some(Entity::Facility(_)) => registry.append(&mut self.events_at(keys)?),
                    Some(entity) => self.fold_entity(entity, keys, visit)?,
                    None => {}
                }
                Ok(())
            });
            match folded {
                Ok(()) => {}
                Err(StoreError::Corrupt(_)) => unreadable = true,
                Err(e) => return Err(e),
            }
        }
        self.fold_registry(&registry, visit)?;
        Ok(unreadable)
    }

    /// The events of the log keys `keys` (in log order), decoded. Keys not held, or whose
    /// record does not read, are left out (the log scan reports them).
    pub(super) fn events_at(
        &self,
        keys: impl IntoIterator<Item = [u8; 24]>,
    ) -> Result<Vec<StoredEvent>> {
        let mut events = Vec::new();
        for k in keys {
            let Some((device, seq)) = split_log_key(&k) else {
                continue;
            };
            if let Some(v) = super::log_runs::get(&self.log, device, seq)?
                && let Ok(b) = Record::from_stored(&v).body()
            {
                events.push(b.into_stored());
            }
        }
        Ok(events)
    }

    /// Folds one finding, inspection or patrol afresh from the log events `keys` (log keys,
    /// in log order) and hands it to `visit`; any other entity is skipped (facilities are
    /// folded all together: [`Store::fold_registry`]).
    pub(super) fn fold_entity(
        &self,
        entity: Entity,
        keys: impl IntoIterator<Item = [u8; 24]>,
        visit: &mut dyn FnMut(Folded) -> Result<()>,
    ) -> Result<()> {
        if !matches!(
            entity,
            Entity::Finding(_) | Entity::Inspection(_) | Entity::Patrol(_)
        ) {
            return Ok(());
        }
        let events = self.events_at(keys)?;
        match entity {
            Entity::Finding(id) => {
                if let Some(f) = FindingFold::fold(&events) {
                    visit(Folded::Finding(id, Box::new(f)))?;
                }
            }
            Entity::Inspection(id) => {
                if let Some(i) = Inspection::fold(&events) {
                    visit(Folded::Inspection(id, Box::new(i)))?;
                }
            }
            Entity::Patrol(id) => {
                if let Some(p) = super::views::patrol_mark_of(id, &events) {
                    visit(Folded::Patrol(id, p))?;
                }
            }
            Entity::Facility(_)
            | Entity::Checklist(_)
            | Entity::Chemical(_)
            | Entity::Equipment(_)
            | Entity::Device(_) => {}
        }
        Ok(())
    }

    /// Hands `visit` the facilities the rules of frequency see, folded from every registry
    /// event (`registry`: each facility's events in log order, facilities in id order).
    pub(super) fn fold_registry(
        &self,
        registry: &[StoredEvent],
        visit: &mut dyn FnMut(Folded) -> Result<()>,
    ) -> Result<()> {
        visit(Folded::Entry(super::plan_registry::entry_of(
            &crate::domain::Registry::fold(registry),
        )))
    }
}

/// Set while `rebuild(write)` replaces the views (in the `meta` tree).
pub(super) const META_REBUILDING: &[u8] = b"rebuilding";

impl Store {
    /// Test hook for the kill-safety tests (`tests/it/kill_rebuild.rs`): when the environment
    /// variable `XUNCHA_FAULT_REBUILD` names this point (`marked`, `cleared`, `half`,
    /// `written`, `flushed`), the process flushes what it has written so far (the worst case:
    /// sled's background flusher has just run) and aborts there as a SIGKILL would.
    pub(super) fn fault_point(&self, name: &str) {
        if std::env::var_os("XUNCHA_FAULT_REBUILD").is_some_and(|v| v == name) {
            let _ = self.flush();
            std::process::abort();
        }
    }
}

const MAX_LISTED: usize = 20;

fn note(rep: &mut RebuildReport, msg: String) {
    if rep.view_mismatches.len() < MAX_LISTED {
        rep.view_mismatches.push(msg);
    }
}

fn compare_tree(
    tree: &sled::Tree,
    fresh: &[(Uuid, Vec<u8>)],
    what: &str,
    rep: &mut RebuildReport,
) -> Result<()> {
    let fresh_ids: BTreeSet<Uuid> = fresh.iter().map(|(id, _)| *id).collect();
    for (id, v) in fresh {
        match tree.get(id.as_bytes())? {
            Some(live) if super::pack::view_json(&live).as_ref() == v.as_slice() => {}
            Some(_) => note(rep, format!("{what} {id} 与日志重建结果不同")),
            None => note(rep, format!("{what} {id} 在视图中缺失")),
        }
    }
    for kv in tree.iter() {
        let (k, _) = kv?;
        if let Ok(id) = Uuid::from_slice(&k)
            && !fresh_ids.contains(&id)
        {
            note(rep, format!("{what} {id} 在日志中没有依据"));
        }
    }
    Ok(())
}

/// The read models (home's counters, the inspection marks) against the ones a rebuild makes.
fn compare_models(
    live: &BTreeMap<Vec<u8>, Vec<u8>>,
    fresh: &BTreeMap<Vec<u8>, Vec<u8>>,
    rep: &mut RebuildReport,
) {
    for (k, v) in fresh {
        match live.get(k) {
            Some(l) if l == v => {}
            Some(_) => note(
                rep,
                format!("读模型条目 {} 与日志重建结果不同", hex::encode(k)),
            ),
            None => note(rep, format!("读模型条目 {} 缺失", hex::encode(k))),
        }
    }
    for k in live.keys().filter(|k| !fresh.contains_key(*k)) {
        note(rep, format!("读模型多余条目 {}", hex::encode(k)));
    }
}

/// Keys of `tree` against `expected`, as logical keys (groups expanded, `idx_groups.rs`);
/// the read models in `idx` (under `#`) are compared by `compare_models`, with their values,
/// and keys no version reads any more (`views::is_retired_index_key`) are passed over.
fn compare_keys(
    tree: &sled::Tree,
    expected: &BTreeSet<Vec<u8>>,
    what: &str,
    rep: &mut RebuildReport,
) -> Result<()> {
    let (mut live, mut extra) = (0usize, Vec::new());
    for kv in tree.iter() {
        let (k, v) = kv?;
        if k.starts_with(super::models::MODEL_PREFIX) || super::views::is_retired_index_key(&k) {
            continue;
        }
        let keys = match super::idx_groups::is_group(&k) {
            false => vec![k.to_vec()],
            true => match super::idx_groups::expand(&k, &v) {
                Ok(keys) => keys,
                Err(e) => {
                    note(rep, format!("{what}分组无法解析 {}：{e}", hex::encode(&k)));
                    continue;
                }
            },
        };
        for k in keys {
            live += 1;
            if !expected.contains(&k) && extra.len() < MAX_LISTED {
                extra.push(k);
            }
        }
    }
    tally_keys(live, extra, expected.len(), what, rep);
    Ok(())
}

/// Notes each extra key (up to [`MAX_LISTED`]) and a count that differs from the expected one.
fn tally_keys(
    live: usize,
    extra: Vec<Vec<u8>>,
    expected: usize,
    what: &str,
    rep: &mut RebuildReport,
) {
    for k in extra {
        note(rep, format!("{what}多余条目 {}", hex::encode(&k)));
    }
    if live != expected {
        note(rep, format!("{what}条目数 {live}，应为 {expected}"));
    }
}
