//! Building the index from a store: one raw scan of the finding views, each decoded only as
//! far as the index needs (no history, no full `Finding`).

use super::doc::FindingDoc;
use super::index::Index;
use crate::catalog::Catalog;
use crate::store::{Store, StoreError};
use std::time::{Duration, Instant};

/// Where the time of a load went, for `--timings` style reports and the benchmark.
#[derive(Debug, Clone, Default)]
pub struct LoadTimes {
    pub catalog: Duration,
    pub findings: Duration,
    pub count: usize,
}

pub fn load_index(store: &Store, catalog: &Catalog) -> Result<(Index, LoadTimes), StoreError> {
    let t0 = Instant::now();
    let mut index = Index::of_catalog(catalog);
    let t1 = Instant::now();
    let mut count = 0;
    store.for_each_finding_json(|bytes| {
        let doc: FindingDoc = serde_json::from_slice(bytes)
            .map_err(|e| StoreError::Corrupt(format!("隐患视图无法解析：{e}")))?;
        index.upsert_doc(&doc);
        count += 1;
        Ok(())
    })?;
    let times = LoadTimes {
        catalog: t1 - t0,
        findings: t1.elapsed(),
        count,
    };
    Ok((index, times))
}
