//! Read-only bulk scans for readers that decode only part of a view (the search index, the
//! home figures): the view's JSON is handed over undecoded (unpacked if stored packed).

use super::{Result, Store};

impl Store {
    /// Calls `f` with the stored JSON of every finding view, in id order, without decoding.
    /// A [`super::walk::walk`]: sled's cache pages the views out as the walk goes, where a
    /// plain iteration kept every leaf page it read until the end (the search index build of
    /// 100,000 findings held ≈ 46 MB of them, issue 14).
    pub fn for_each_finding_json(&self, mut f: impl FnMut(&[u8]) -> Result<()>) -> Result<()> {
        for kv in super::walk::walk(&self.findings, self.findings.iter()) {
            let (_, v) = kv?;
            f(&super::pack::view_json(&v))?;
        }
        Ok(())
    }

    /// Calls `f` with the stored JSON of every inspection view, in id order, without decoding.
    pub fn for_each_inspection_json(&self, mut f: impl FnMut(&[u8]) -> Result<()>) -> Result<()> {
        for kv in self.inspections.iter() {
            let (_, v) = kv?;
            f(&super::pack::view_json(&v))?;
        }
        Ok(())
    }

    /// As [`Store::for_each_inspection_json`], as a [`super::walk::walk_sparse`]: sled's cache
    /// pages the views out as the walk goes, where a plain iteration keeps every leaf page it
    /// read until the walk ends. For a store opened with the one-pass cache (`inspection list`,
    /// the ledger export: at 100,000 hazards the 12,500 inspections with their answers held
    /// 8 MB more with a plain iteration and 10 MB with one extra read each, issue 14). With the
    /// warm cache it only costs the extra reads, of pages in memory.
    pub fn walk_inspection_json(&self, mut f: impl FnMut(&[u8]) -> Result<()>) -> Result<()> {
        for kv in super::walk::walk_sparse(&self.inspections, self.inspections.iter()) {
            let (_, v) = kv?;
            f(&super::pack::view_json(&v))?;
        }
        Ok(())
    }
}
