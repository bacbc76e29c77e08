//! `doctor` without `--rebuild` at bounded memory (issue 14: ≤ 80 MB at 100,000 hazards;
//! the full comparison held every fresh view and every expected key at once, 647 MB).
//!
//! One pass checks the log (chains, signatures) exactly as `rebuild` does and digests the
//! (entity, event) pairs it names; the `ent` tree's pairs are digested too (count and sum of a
//! hash of each key, so order does not matter). Only when the two are equal does a second pass
//! fold one entity at a time from the events the `ent` tree names (the same set, in the same
//! (device, seq) order as the log gives them) and compare its view with the stored one at
//! once, so nothing is held per event or per entity. The `idx` keys and the read models' rows
//! and marks are compared as digests, the models' counters (a few thousand) as they are. Only
//! when something differs does `check` run the full comparison, which names every difference
//! as before. Every walk keeps sled's cache within its capacity (`walk.rs`).

use super::idx_groups;
use super::rebuild::{Folded, RebuildReport};
use super::views::{ent_key, finding_index_keys, to_json};
use super::walk::{walk, walk_keys};
use super::{Result, Store};
use crate::domain::Entity;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A set of keys (or entries) as its size and the wrapping sum of the first 16 bytes of each
/// one's SHA-256: equal sets give equal digests whatever the order they are seen in.
#[derive(Debug, Default, PartialEq, Eq)]
struct KeyDigest {
    count: u64,
    sum: u128,
}

impl KeyDigest {
    fn add(&mut self, key: &[u8]) {
        self.add_hash(Sha256::digest(key).into());
    }

    /// One entry: its key's length, key and value, so no two entries hash alike.
    fn add_entry(&mut self, key: &[u8], value: &[u8]) {
        let mut h = Sha256::new();
        h.update((key.len() as u64).to_be_bytes());
        h.update(key);
        h.update(value);
        self.add_hash(h.finalize().into());
    }

    fn add_hash(&mut self, h: [u8; 32]) {
        let mut first = [0u8; 16];
        first.copy_from_slice(&h[..16]);
        self.count += 1;
        self.sum = self.sum.wrapping_add(u128::from_le_bytes(first));
    }

    /// The logical keys of `tree` (its groups expanded, `idx_groups.rs`), less the read
    /// models (under `#`). A group that does not decode counts as its own key, so it differs.
    fn of_tree_less_models(tree: &sled::Tree) -> Result<KeyDigest> {
        let mut d = KeyDigest::default();
        for k in walk_keys(tree, tree.iter()) {
            let k = k?;
            if k.starts_with(super::models::MODEL_PREFIX) || super::views::is_retired_index_key(&k)
            {
                continue;
            }
            let expanded = match idx_groups::is_group(&k) {
                true => tree.get(&k)?.and_then(|v| idx_groups::expand(&k, &v).ok()),
                false => None,
            };
            match expanded {
                Some(keys) => keys.iter().for_each(|l| d.add(l)),
                None => d.add(&k),
            }
        }
        Ok(d)
    }
}

impl Store {
    /// `doctor`'s check: the same report as `rebuild(false)`, in bounded memory when the
    /// store is sound (the usual case); when anything differs, the full comparison names it.
    ///
    /// # Errors
    /// `Db` when the database cannot be read; `Corrupt` for a log key that is not one.
    pub fn check(&self) -> Result<RebuildReport> {
        let quick = self.check_streaming()?;
        if quick.is_clean() {
            return Ok(quick);
        }
        self.rebuild(false)
    }

    /// The quarantined fork events as doctor lists them: "<device>#<seq> <hash prefix>".
    pub(super) fn quarantine_lines(&self) -> Result<Vec<String>> {
        Ok(self
            .quarantined()?
            .into_iter()
            .map(|(r, h)| format!("{}#{} {h}", r.device, r.seq))
            .collect())
    }

    fn check_streaming(&self) -> Result<RebuildReport> {
        let mut rep = RebuildReport::default();
        let mut ent = KeyDigest::default();
        self.scan_log(&mut rep, &mut |entity, device, seq| {
            ent.add(&ent_key(&entity, device, seq));
        })?;
        rep.quarantined = self.quarantine_lines()?;
        let mut live_ent = KeyDigest::default();
        self.ent_logical_keys(&mut |k| live_ent.add(&k))?;
        if ent != live_ent || !rep.is_clean() {
            // The folds below read the `ent` tree: it must name exactly the log's events.
            rep.view_mismatches.push("视图与日志重建结果不同".into());
            return Ok(rep);
        }
        let mut idx = KeyDigest::default();
        let mut models = super::models::Fresh::default();
        let mut marks = KeyDigest::default();
        let (mut findings, mut inspections, mut differs) = (0usize, 0usize, false);
        let mut visit = |folded: Folded| -> Result<()> {
            let (tree, id, json) = match folded {
                Folded::Finding(id, f) => {
                    for k in finding_index_keys(&f) {
                        idx.add(&k);
                    }
                    models.add_finding(&f);
                    findings += 1;
                    (&self.findings, id, to_json(&f.slim()))
                }
                Folded::Inspection(id, i) => {
                    models.add_inspection(&i);
                    inspections += 1;
                    (&self.inspections, id, to_json(&*i))
                }
                // No view: its read model is compared with the others below.
                Folded::Patrol(id, p) => {
                    models.add_patrol(id, &p);
                    for (k, v) in models.drain_marks() {
                        marks.add_entry(&k, &v);
                    }
                    return Ok(());
                }
                Folded::Entry(e) => {
                    models.add_entry(e);
                    return Ok(());
                }
            };
            for (k, v) in models.drain_marks() {
                marks.add_entry(&k, &v);
            }
            match tree.get(id.as_bytes())? {
                Some(live) if super::pack::view_json(&live).as_ref() == json.as_slice() => {}
                _ => differs = true,
            }
            Ok(())
        };
        let unreadable = self.fold_each_entity(&mut visit)?;
        differs |= unreadable;
        // Every fresh view was found above, so equal counts mean no view lacks its events.
        differs |= count(&self.findings)? != findings || count(&self.inspections)? != inspections;
        differs |= idx != KeyDigest::of_tree_less_models(&self.idx)?;
        differs |= !self.models_match(models, &marks)?;
        rep.findings = findings;
        rep.inspections = inspections;
        if differs {
            rep.view_mismatches.push("视图与日志重建结果不同".into());
        }
        Ok(rep)
    }

    /// Whether the live read models are `fresh`'s counters exactly, and besides them rows and
    /// marks whose digest is `marks`. Reads the live entries one at a time.
    fn models_match(&self, fresh: super::models::Fresh, marks: &KeyDigest) -> Result<bool> {
        let mut kept: BTreeMap<Vec<u8>, Vec<u8>> = fresh.entries().collect();
        let mut live_marks = KeyDigest::default();
        let prefix = super::models::MODEL_PREFIX;
        for kv in walk(&self.idx, self.idx.scan_prefix(prefix)) {
            let (k, v) = kv?;
            match kept.remove(k.as_ref()) {
                Some(fresh) if fresh.as_slice() == v.as_ref() => {}
                Some(_) => return Ok(false),
                None => live_marks.add_entry(&k, &v),
            }
        }
        Ok(kept.is_empty() && live_marks == *marks)
    }
}

/// The finding, inspection, patrol or facility an entity key (tag ‖ id) names; None for
/// the kinds the check does not fold.
pub(super) fn entity_of_key(key: &[u8; 17]) -> Option<Entity> {
    let id = Uuid::from_slice(&key[1..]).ok()?;
    match key[0] {
        b'f' => Some(Entity::Finding(id)),
        b'i' => Some(Entity::Inspection(id)),
        b'p' => Some(Entity::Patrol(id)),
        b'r' => Some(Entity::Facility(id)),
        _ => None,
    }
}

/// How many entries `tree` holds, counted by a walk (sled keeps no count).
fn count(tree: &sled::Tree) -> Result<usize> {
    let mut n = 0;
    for k in walk_keys(tree, tree.iter()) {
        k?;
        n += 1;
    }
    Ok(n)
}
