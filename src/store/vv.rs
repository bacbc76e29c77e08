//! The version vector: for each origin device, which seqs this store holds, as merged ranges.
//! The frontier is the highest seq with nothing missing below it; the rest are gaps.

use super::{Result, Store, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Held seqs of one device: sorted, disjoint, non-adjacent inclusive ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Held {
    pub ranges: Vec<(u64, u64)>,
}

impl Held {
    pub fn contiguous(last: u64) -> Held {
        Held {
            ranges: if last == 0 { vec![] } else { vec![(1, last)] },
        }
    }

    /// Highest seq with every seq from 1 up to it held (0 when seq 1 is missing).
    pub fn frontier(&self) -> u64 {
        match self.ranges.first() {
            Some(&(1, last)) => last,
            _ => 0,
        }
    }

    pub fn max(&self) -> u64 {
        self.ranges.last().map_or(0, |r| r.1)
    }

    /// The missing ranges below the highest held seq.
    pub fn gaps(&self) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        let mut next = 1;
        for &(a, b) in &self.ranges {
            if a > next {
                out.push((next, a - 1));
            }
            next = b + 1;
        }
        out
    }

    pub fn contains(&self, seq: u64) -> bool {
        self.ranges.iter().any(|&(a, b)| a <= seq && seq <= b)
    }

    pub fn contains_range(&self, first: u64, last: u64) -> bool {
        self.ranges.iter().any(|&(a, b)| a <= first && last <= b)
    }

    pub fn count(&self) -> u64 {
        self.ranges.iter().map(|&(a, b)| b - a + 1).sum()
    }

    pub fn insert(&mut self, first: u64, last: u64) {
        self.ranges.push((first, last));
        self.ranges.sort_unstable();
        let mut merged: Vec<(u64, u64)> = Vec::with_capacity(self.ranges.len());
        for &(a, b) in &self.ranges {
            match merged.last_mut() {
                Some(m) if a <= m.1.saturating_add(1) => m.1 = m.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        self.ranges = merged;
    }
}

/// Every origin device this store holds events of, with what it holds.
pub type VersionVector = BTreeMap<Uuid, Held>;

pub(crate) const VV_TREE: &str = "vv";

pub(crate) fn decode_held(v: &[u8]) -> Result<Held> {
    serde_json::from_slice(v).map_err(|e| StoreError::Corrupt(format!("同步进度无法解析：{e}")))
}

impl Store {
    pub(crate) fn vv_tree(&self) -> Result<sled::Tree> {
        Ok(self.db.open_tree(VV_TREE)?)
    }

    /// What this store holds of one device's log (own device: 1..=own_seq).
    pub fn held(&self, device: Uuid) -> Result<Held> {
        if device == self.device {
            return Ok(Held::contiguous(self.head_seq));
        }
        match self.vv_tree()?.get(device.as_bytes())? {
            Some(v) => decode_held(&v),
            None => Ok(Held::default()),
        }
    }

    /// The whole version vector, own device included.
    pub fn version_vector(&self) -> Result<VersionVector> {
        let mut vv = VersionVector::new();
        for kv in self.vv_tree()?.iter() {
            let (k, v) = kv?;
            let dev =
                Uuid::from_slice(&k).map_err(|_| StoreError::Corrupt("设备编号无效".into()))?;
            vv.insert(dev, decode_held(&v)?);
        }
        if self.head_seq > 0 {
            vv.insert(self.device, Held::contiguous(self.head_seq));
        }
        Ok(vv)
    }

    /// Events held, all devices, counted from the version vector: one small read per device
    /// known. [`Store::event_count`] counts the log's keys instead, which at 100,000 hazards
    /// pages 628,000 events (0.5 GB) through sled's cache: `xuncha device` reached 137 MB
    /// resident for this one figure (issue 14). Every write of the log moves `vv` in the same
    /// apply (an interrupted one is recomputed from the log on open), so both counts agree;
    /// `tests/it/sync_converge.rs` checks that after any delivery order.
    ///
    /// # Errors
    /// `Db` when the `vv` tree cannot be read; `Corrupt` for an entry that is not one.
    pub fn held_event_count(&self) -> Result<u64> {
        Ok(self.version_vector()?.values().map(Held::count).sum())
    }

    /// The known public key of a device, if any.
    pub fn device_key(&self, device: Uuid) -> Result<Option<[u8; 32]>> {
        Ok(self
            .keys
            .get(device.as_bytes())?
            .and_then(|b| <[u8; 32]>::try_from(b.as_ref()).ok()))
    }

    /// The stored record of one event, if held.
    pub fn record(&self, device: Uuid, seq: u64) -> Result<Option<super::Record>> {
        Ok(super::log_runs::get(&self.log, device, seq)?.map(|v| super::Record::from_stored(&v)))
    }

    /// Stored records of one device from `first` to `last`, in seq order (only those held).
    pub fn records(&self, device: Uuid, first: u64, last: u64) -> Result<Vec<super::Record>> {
        super::log_runs::range(&self.log, device, first, last)?
            .map(|kv| Ok(super::Record::from_stored(&kv?.1)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_and_frontier() {
        let mut h = Held::default();
        h.insert(8, 10);
        h.insert(1, 5);
        assert_eq!(h.frontier(), 5);
        assert_eq!(h.gaps(), vec![(6, 7)]);
        assert_eq!(h.max(), 10);
        h.insert(6, 7);
        assert_eq!(h.frontier(), 10);
        assert!(h.gaps().is_empty());
        assert_eq!(h.ranges, vec![(1, 10)]);
    }

    #[test]
    fn missing_start_is_a_gap() {
        let mut h = Held::default();
        h.insert(3, 4);
        assert_eq!(h.frontier(), 0);
        assert_eq!(h.gaps(), vec![(1, 2)]);
        h.insert(3, 3);
        assert_eq!(h.count(), 2);
    }
}
