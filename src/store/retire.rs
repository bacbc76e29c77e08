//! Index keys no version reads any more, taken out of a store written before them (issue 14).

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
