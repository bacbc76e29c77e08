//! Read-only bulk scan for readers that decode only part of a view (the search index).

use super::{Result, Store};

impl Store {
    /// Calls `f` with the stored JSON of every finding view, in id order, without decoding.
    pub fn for_each_finding_json(&self, mut f: impl FnMut(&[u8]) -> Result<()>) -> Result<()> {
        for kv in self.findings.iter() {
            let (_, v) = kv?;
            f(&v)?;
        }
        Ok(())
    }
}
