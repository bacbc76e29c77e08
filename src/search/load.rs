//! Building the index: `ops::load_search_index` scans the finding views once and hands each
//! stored view here, decoded only as far as the index needs (no history, no full `Finding`).

use super::doc::FindingDoc;
use super::index::Index;
use std::time::Duration;

/// Where the time of a load went, for `--timings` style reports and the benchmark.
#[derive(Debug, Clone, Default)]
pub struct LoadTimes {
    pub catalog: Duration,
    pub findings: Duration,
    pub count: usize,
}

impl Index {
    /// Adds one finding from its stored JSON view; the error names what could not be read.
    pub fn upsert_json(&mut self, bytes: &[u8]) -> Result<(), String> {
        let doc: FindingDoc =
            serde_json::from_slice(bytes).map_err(|e| format!("隐患视图无法解析：{e}"))?;
        self.upsert_doc(&doc);
        Ok(())
    }
}
