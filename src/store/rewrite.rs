//! `doctor --rebuild`'s writing half: every derived tree replaced by one folded afresh from
//! the log, in bounded memory (issue 14: at 100,000 hazards the rebuild held every fresh view,
//! index key and `ent` key at once, 595 MB resident).

use super::batched::Batched;
use super::rebuild::{Folded, META_REBUILDING, RebuildReport};
use super::views::{entity_prefix, finding_index_keys, to_json};
use super::{Result, Store};

impl Store {
    /// Replaces the views, index keys, read models and `ent` with ones folded afresh from the
    /// log. Kill-safe as before: the mark `rebuilding` is flushed before the first tree is
    /// cleared and removed only after the last write is flushed; a process killed in between
    /// leaves it, and the next open runs this again (`finish_interrupted_rebuild`).
    ///
    /// Memory: the log is walked once (`scan_log`), its (entity, event) pairs are sorted by
    /// entity (16 bytes per event) and written to `ent`, one entry per entity; then each
    /// finding, inspection and patrol is folded and written on its own, as `doctor`'s check
    /// folds them. Nothing else is held per entity but the few facilities' events.
    ///
    /// The report gives the log's problems and the counts; what differed before is not
    /// compared (`doctor` without `--rebuild` names it).
    ///
    /// # Errors
    /// `Db` when sled cannot read or write; `Corrupt` for a log key that is not one.
    pub(super) fn rewrite_views(&self) -> Result<RebuildReport> {
        let mut rep = RebuildReport::default();
        self.meta.insert(META_REBUILDING, &b"1"[..])?;
        self.note_rewrite();
        self.flush()?;
        self.fault_point("marked");
        // `ent` is not cleared: it is brought to the fresh entries by difference below.
        for t in [&self.findings, &self.inspections, &self.idx] {
            super::batched::clear_walked(t)?;
        }
        self.fault_point("cleared");

        // The log's (entity, event) pairs sorted by entity in memory (16 bytes each,
        // `ref_pairs.rs`), then `ent`, one entry per entity. Sorting them in a scratch sled
        // tree instead was tried: reading it back and dropping it pulled every one of its
        // pages into memory (heaptrack: 40 MB).
        let mut pairs = super::ref_pairs::RefPairs::default();
        self.scan_log(&mut rep, &mut |entity, device, seq| {
            pairs.add(entity_prefix(&entity), device, seq);
        })?;
        let sorted = pairs.into_sorted();
        // `ent` brought to the fresh entries by difference: the entries as they are walked
        // beside the fresh ones (both in key order), each written only when it differs, and
        // every other key removed (an old per-event key, an entity no event names). A healthy
        // store's `ent` is not written at all: clearing and writing it whole held about 25 MB
        // more of sled's pages at the rebuild's peak (100,000 hazards).
        let mut ent = Batched::new(&self.ent);
        let mut live = super::walk::walk(&self.ent, self.ent.iter()).peekable();
        for (key, refs) in sorted.groups() {
            let fresh = super::ent::encode(&refs);
            let mut same = false;
            let at_or_before = |kv: &sled::Result<(sled::IVec, sled::IVec)>| {
                kv.as_ref().map_or(true, |(k, _)| k.as_ref() <= &key[..])
            };
            while let Some(kv) = live.next_if(at_or_before) {
                let (k, v) = kv?;
                if k.as_ref() == &key[..] && v.as_ref() == fresh.as_slice() {
                    same = true;
                } else if k.as_ref() != &key[..] {
                    ent.remove(k)?;
                }
            }
            if !same {
                ent.insert(key, fresh)?;
            }
        }
        for kv in live {
            ent.remove(kv?.0)?;
        }
        ent.apply()?;
        drop(sorted);
        rep.quarantined = self.quarantine_lines()?;

        let half = self.ent.scan_prefix(b"f").count() / 2;
        let (mut findings, mut inspections, mut idx) = (
            Batched::new(&self.findings),
            Batched::new(&self.inspections),
            Batched::new(&self.idx),
        );
        let mut models = super::models::Fresh::default();
        // The inspection's and number's keys of every finding, gathered into their groups
        // (`idx_groups.rs`: about 35 bytes each, 7 MB at 100,000 hazards), written at the end.
        let mut groups = super::idx_groups::Gather::default();
        let mut visit = |folded: Folded| -> Result<()> {
            match folded {
                Folded::Finding(id, f) => {
                    for k in finding_index_keys(&f) {
                        if let Some(k) = groups.add(&k) {
                            idx.insert(k, [])?;
                        }
                    }
                    models.add_finding(&f);
                    let view = super::pack::view_stored(&to_json(&f.slim()));
                    findings.insert(id.as_bytes(), view)?;
                    rep.findings += 1;
                    if rep.findings == half {
                        self.fault_point("half");
                    }
                }
                Folded::Inspection(id, i) => {
                    models.add_inspection(&i);
                    let view = super::pack::view_stored(&to_json(&*i));
                    inspections.insert(id.as_bytes(), view)?;
                    rep.inspections += 1;
                }
                Folded::Patrol(id, p) => models.add_patrol(id, &p),
                Folded::Entry(e) => models.add_entry(e),
            }
            for (k, v) in models.drain_marks() {
                idx.insert(k, v)?;
            }
            Ok(())
        };
        if self.fold_each_entity(&mut visit)? {
            // Entries written above: one that does not read is a fault of this build.
            return Err(super::StoreError::Corrupt("事件归属条目无法解析".into()));
        }
        for (k, v) in models.entries() {
            idx.insert(k, v)?;
        }
        // The tree was cleared: no group holds anything yet.
        let grouped = groups.drain(|_| None).map_err(super::StoreError::Corrupt)?;
        for (g, v) in grouped {
            idx.insert(g, v)?;
        }
        for p in [&mut findings, &mut inspections, &mut idx] {
            p.apply()?;
        }
        self.fault_point("written");
        self.flush()?;
        self.fault_point("flushed");
        self.meta.remove(META_REBUILDING)?;
        self.mark_models_built()?;
        rep.rebuilt = true;
        Ok(rep)
    }
}
