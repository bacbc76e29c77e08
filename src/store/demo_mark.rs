//! Demo stores are marked by their device id, so demo events can be told apart wherever they
//! travel: a demo device's id is a UUID of version 8 (real devices get version 7). The mark
//! needs no new event kind and no bundle field: every event and every bundle names its origin.

use super::{Result, Store, StoreError, codec::ZERO_HASH};
use uuid::Uuid;

/// Whether `id` is the id of a store made by `xuncha demo` (UUID version 8).
pub fn is_demo_device(id: Uuid) -> bool {
    id.get_version_num() == 8
}

/// A fresh demo device id: time-ordered like a v7 id, with the version nibble set to 8.
fn new_demo_id() -> Uuid {
    let mut b = *Uuid::now_v7().as_bytes();
    b[6] = (b[6] & 0x0f) | 0x80;
    Uuid::from_bytes(b)
}

impl Store {
    /// Whether this store holds demo data (its device id carries the demo mark).
    pub fn is_demo(&self) -> bool {
        is_demo_device(self.device)
    }

    /// Whether the store holds anything a person made or received: a finding, an inspection,
    /// or any event of another device. A store with only its own bookkeeping events counts as
    /// empty.
    pub fn holds_anything(&self) -> Result<bool> {
        if !self.findings.is_empty() || !self.inspections.is_empty() {
            return Ok(true);
        }
        for k in self.log.iter().keys() {
            let k = k?;
            let (device, _) = super::codec::split_log_key(&k)
                .ok_or_else(|| StoreError::Corrupt("日志键无效".into()))?;
            if device != self.device {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Turns an empty store into a demo store: a new device id with the demo mark, the same
    /// key. Any own bookkeeping events are dropped (they named the old id). Refuses a store
    /// that holds anything (see `holds_anything`).
    pub fn become_demo(&mut self) -> Result<()> {
        if self.is_demo() {
            return Ok(());
        }
        if self.holds_anything()? {
            return Err(StoreError::Identity(
                "数据目录里已有数据，不能改作演示数据目录".into(),
            ));
        }
        for t in [&self.log, &self.ent, &self.idx, &self.keys] {
            t.clear()?;
        }
        self.vv_tree()?.clear()?;
        let id = new_demo_id();
        self.keys.insert(
            id.as_bytes(),
            self.key.verifying_key().as_bytes().as_slice(),
        )?;
        self.meta
            .insert(super::META_DEVICE, id.as_bytes().as_slice())?;
        self.db.flush()?;
        self.device = id;
        self.head_seq = 0;
        self.head_hash = ZERO_HASH;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_ids_are_marked_and_real_ones_are_not() {
        assert!(is_demo_device(new_demo_id()));
        assert!(!is_demo_device(Uuid::now_v7()));
    }
}
