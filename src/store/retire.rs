//! Index keys no version reads any more, taken out of a store written before them, and index
//! keys stored one by one put into their groups (issue 14).

use super::views::RETIRED_INDEX_PREFIXES;
use super::{Result, Store};

/// In `meta`: the retired index keys were removed once (their absence: not yet).
const META_RETIRED: &[u8] = b"idx_retired_v1";

/// Removals per sled batch: bounded memory at 300,000 keys.
const BATCH: usize = 10_000;

impl Store {
    /// Removes every key of `views::RETIRED_INDEX_PREFIXES` from `idx` once, then marks it in
    /// `meta`. sled recovers a prefix of its writes, so a mark that survived a crash has its
    /// removals before it; a crash before the mark repeats the scan at the next open. At
    /// 100,000 hazards about 300,000 keys, a few seconds, once; a store made by this version
    /// has none and marks it at its first open. Keys an older binary writes later are not
    /// read (`doctor --compact` drops them).
    ///
    /// # Errors
    /// `Db` when sled cannot read or write.
    pub(crate) fn retire_index_keys(&self) -> Result<()> {
        if self.meta.contains_key(META_RETIRED)? {
            return Ok(());
        }
        let mut batch = sled::Batch::default();
        let mut n = 0;
        for prefix in RETIRED_INDEX_PREFIXES {
            for k in self.idx.scan_prefix(prefix).keys() {
                batch.remove(k?);
                n += 1;
                if n == BATCH {
                    self.idx.apply_batch(std::mem::take(&mut batch))?;
                    n = 0;
                }
            }
        }
        self.idx.apply_batch(batch)?;
        self.meta.insert(META_RETIRED, &b"1"[..])?;
        Ok(())
    }
}

/// In `meta`: the by-inspection and number keys are in groups (`idx_groups.rs`), as of the
/// log's extent stored here (the models' stamp, `Store::models_stamp`). Rewritten with the
/// models' stamp on every flush by this version (once present); a stamp that differs means an
/// older version wrote since, and may have added keys one by one.
pub(super) const META_GROUPED: &[u8] = b"idx_grouped_v1";

/// Keys taken per sled batch of the conversion: a batch keeps every leaf version it
/// supersedes until it is applied (`batched.rs`), and bounds what is gathered in memory.
const CONVERT_BATCH: usize = 2_000;

/// Keys grouped by one open from which it suggests `doctor --compact`: the leaves replaced
/// stay in the database file, and sled writes over every wholly free segment at every open
/// (at 100,000 hazards, 51 segments of 512 KB: `inspection show` 0.09 → 0.25 s until compacted).
pub(super) const SUGGEST_COMPACT_FROM: usize = 10_000;

impl Store {
    /// Puts the by-inspection (`i`) and 隐患编号 (`n`) keys stored one by one (by versions
    /// before groups, or by one of them since) into their groups, unless [`META_GROUPED`] says
    /// nothing could have added any since. Each sled batch writes the groups of up to
    /// [`CONVERT_BATCH`] keys whole (with what they held) and removes those keys, so a crash
    /// anywhere leaves every logical key in one form or the other (readers read both), and
    /// [`META_GROUPED`] is set last. At 100,000 hazards 200,000 keys into about 14,000 groups,
    /// once; a store written by this version only has groups to pass. Afterwards the
    /// database file holds the leaves it replaced until `doctor --compact`.
    ///
    /// Returns how many keys it grouped.
    ///
    /// # Errors
    /// `Db` when sled cannot read or write; `Corrupt` when a group it adds to does not decode.
    pub(crate) fn group_index_keys(&self) -> Result<usize> {
        // A read-only data dir's copy is thrown away: readers read both forms.
        if self.read_only.is_some() {
            return Ok(0);
        }
        let stamp = self.models_stamp()?;
        if self.meta.get(META_GROUPED)?.as_deref() == Some(stamp.as_slice()) {
            return Ok(0);
        }
        let mut grouped = 0;
        let mut gather = super::idx_groups::Gather::default();
        let mut taken: Vec<sled::IVec> = Vec::new();
        for prefix in [&b"i\0"[..], &b"n\0"[..]] {
            // A walk: sled's cache stays within its capacity (`walk.rs`).
            for k in super::walk::walk_keys(&self.idx, self.idx.scan_prefix(prefix)) {
                let k = k?;
                if super::idx_groups::is_group(&k) || gather.add(&k).is_some() {
                    continue;
                }
                taken.push(k);
                grouped += 1;
                if taken.len() == CONVERT_BATCH {
                    self.write_gathered(&mut gather, &mut taken)?;
                }
            }
        }
        self.write_gathered(&mut gather, &mut taken)?;
        self.meta.insert(META_GROUPED, stamp.as_slice())?;
        Ok(grouped)
    }

    /// One atomic batch: the gathered groups merged with what they hold, the keys taken removed.
    fn write_gathered(
        &self,
        gather: &mut super::idx_groups::Gather,
        taken: &mut Vec<sled::IVec>,
    ) -> Result<()> {
        let mut unread = None;
        let groups = gather
            .drain(|g| match self.idx.get(g) {
                Ok(v) => v.map(|v| v.to_vec()),
                Err(e) => {
                    unread = Some(e);
                    None
                }
            })
            .map_err(super::StoreError::Corrupt)?;
        if let Some(e) = unread {
            return Err(e.into());
        }
        let mut batch = sled::Batch::default();
        for (g, v) in groups {
            batch.insert(g, v);
        }
        for k in taken.drain(..) {
            batch.remove(k);
        }
        self.idx.apply_batch(batch)?;
        Ok(())
    }
}

#[cfg(test)]
impl Store {
    /// Test hook: takes every `every`-th logical key of each index group out into the form
    /// stored one by one (what an older version writes) and forgets that the keys were
    /// grouped, so the next open groups them again.
    pub(crate) fn ungroup_index_keys(&self, every: usize) -> Result<()> {
        use super::idx_groups;
        let mut moved: Vec<Vec<u8>> = Vec::new();
        for kv in self.idx.iter() {
            let (k, v) = kv?;
            if idx_groups::is_group(&k) {
                let keys = idx_groups::expand(&k, &v).map_err(super::StoreError::Corrupt)?;
                moved.extend(keys.into_iter().step_by(every));
            }
        }
        let current = idx_groups::touched(&moved, &[])
            .into_iter()
            .map(|g| Ok((g.clone(), self.idx.get(&g)?.map(|v| v.to_vec()))))
            .collect::<Result<_>>()?;
        for (k, v) in
            idx_groups::merge(&moved, &[], &current).map_err(super::StoreError::Corrupt)?
        {
            match v {
                Some(v) => self.idx.insert(k, v)?,
                None => self.idx.remove(k)?,
            };
        }
        for k in moved {
            self.idx.insert(k, &[][..])?;
        }
        self.meta.remove(META_GROUPED)?;
        self.db.flush()?;
        Ok(())
    }

    /// Test hook: how many by-inspection and number keys are stored one by one, and how many
    /// groups there are.
    pub(crate) fn index_key_forms(&self) -> Result<(usize, usize)> {
        let (mut single, mut groups) = (0, 0);
        for prefix in [&b"i\0"[..], &b"n\0"[..]] {
            for k in self.idx.scan_prefix(prefix).keys() {
                match super::idx_groups::is_group(&k?) {
                    true => groups += 1,
                    false => single += 1,
                }
            }
        }
        Ok((single, groups))
    }
}
