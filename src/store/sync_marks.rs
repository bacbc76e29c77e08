//! Bookkeeping of syncs: what this device last exported and when, and which bundle files were
//! already imported whole (so a repeat sync need not read them again).

use super::{Result, Store};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub(super) const META_SYNC: &[u8] = b"sync";
const SEEN_TREE: &str = "seen_bundles";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncMarks {
    /// Own seq covered by the last export.
    pub exported_seq: u64,
    /// Wall time (ms) of the last completed sync.
    pub last_sync_ms: Option<i64>,
    pub last_dir: Option<String>,
    /// Bundle files found still arriving (cut short, no footer yet), by `<origin>/<name>`:
    /// a file that keeps the same size across syncs is a stalled transfer, not one in flight.
    #[serde(default)]
    pub arriving: BTreeMap<String, Arrival>,
}

/// A bundle file seen incomplete: its size then, when first seen so, and at how many syncs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arrival {
    pub size: u64,
    pub since_ms: i64,
    pub syncs: u32,
}

impl Store {
    pub fn sync_marks(&self) -> Result<SyncMarks> {
        Ok(self
            .meta
            .get(META_SYNC)?
            .and_then(|v| serde_json::from_slice(&v).ok())
            .unwrap_or_default())
    }

    pub fn set_sync_marks(&self, marks: &SyncMarks) -> Result<()> {
        self.meta.insert(
            META_SYNC,
            serde_json::to_vec(marks).expect("marks serialise"),
        )?;
        self.flush()
    }

    /// Own events written since the last export.
    pub fn unsynced_events(&self) -> Result<u64> {
        Ok(self
            .head_seq
            .saturating_sub(self.sync_marks()?.exported_seq))
    }

    /// Whether a bundle file (by name, size and modification time in ms) was already verified
    /// and is held whole. A file changed in place since (same name) is read again.
    pub fn bundle_seen(&self, name: &str, size: u64, mtime_ms: i64) -> Result<bool> {
        let t = self.db.open_tree(SEEN_TREE)?;
        Ok(t.get(name.as_bytes())?.as_deref() == Some(seen_stamp(size, mtime_ms).as_slice()))
    }

    pub fn mark_bundle_seen(&self, name: &str, size: u64, mtime_ms: i64) -> Result<()> {
        let t = self.db.open_tree(SEEN_TREE)?;
        t.insert(name.as_bytes(), seen_stamp(size, mtime_ms).as_slice())?;
        Ok(())
    }
}

fn seen_stamp(size: u64, mtime_ms: i64) -> [u8; 16] {
    let mut v = [0u8; 16];
    v[..8].copy_from_slice(&size.to_be_bytes());
    v[8..].copy_from_slice(&mtime_ms.to_be_bytes());
    v
}
