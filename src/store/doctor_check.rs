//! `doctor` without `--rebuild` at bounded memory (issue 14: ≤ 80 MB at 100,000 hazards;
//! the full comparison held every fresh view and every expected key at once, 647 MB).
//!
//! One pass checks the log (chains, signatures) exactly as `rebuild` does, then folds one
//! entity at a time and compares its view with the stored one at once. The `ent` and `idx`
//! keys are compared as digests (count and sum of a hash of each key, so order does not
//! matter); the read models (a few hundred entries) as they are. Only when something differs
//! does `check` run the full comparison, which names every difference as before.

use super::rebuild::{Folded, RebuildReport};
use super::views::{finding_index_keys, to_json};
use super::{Result, Store};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// A set of keys as its size and the wrapping sum of the first 16 bytes of each key's
/// SHA-256: equal sets give equal digests whatever the order they are seen in.
#[derive(Debug, Default, PartialEq, Eq)]
struct KeyDigest {
    count: u64,
    sum: u128,
}

impl KeyDigest {
    fn add(&mut self, key: &[u8]) {
        let h = Sha256::digest(key);
        let mut first = [0u8; 16];
        first.copy_from_slice(&h[..16]);
        self.count += 1;
        self.sum = self.sum.wrapping_add(u128::from_le_bytes(first));
    }

    /// The keys of `tree`, less the read models (under `#`).
    fn of_tree_less_models(tree: &sled::Tree) -> Result<KeyDigest> {
        let mut d = KeyDigest::default();
        for k in tree.iter().keys() {
            let k = k?;
            if !k.starts_with(super::models::MODEL_PREFIX) {
                d.add(&k);
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
        let by_entity = self.scan_log(&mut rep, &mut |k| ent.add(&k))?;
        let mut idx = KeyDigest::default();
        let mut models = super::models::Fresh::default();
        let (mut findings, mut inspections, mut differs) = (0usize, 0usize, false);
        self.fold_entities(by_entity, &mut |folded| {
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
                    return Ok(());
                }
                Folded::Entry(e) => {
                    models.add_entry(e);
                    return Ok(());
                }
            };
            match tree.get(id.as_bytes())? {
                Some(live) if super::pack::view_json(&live).as_ref() == json.as_slice() => {}
                _ => differs = true,
            }
            Ok(())
        })?;
        // Every fresh view was found above, so equal counts mean no view lacks its events.
        differs |= self.findings.len() != findings || self.inspections.len() != inspections;
        let mut live_ent = KeyDigest::default();
        self.ent_logical_keys(&mut |k| live_ent.add(&k))?;
        differs |= ent != live_ent;
        differs |= idx != KeyDigest::of_tree_less_models(&self.idx)?;
        let fresh: BTreeMap<Vec<u8>, Vec<u8>> = models.entries().collect();
        differs |= self.live_models()? != fresh;
        rep.findings = findings;
        rep.inspections = inspections;
        rep.quarantined = self.quarantine_lines()?;
        if differs {
            rep.view_mismatches.push("视图与日志重建结果不同".into());
        }
        Ok(rep)
    }
}
