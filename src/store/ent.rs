//! The `ent` tree: which events make which entity (finding, inspection, checklist version,
//! device, register entry, facility, patrol), so a view is folded from its own events only.
//!
//! Layout since issue 14 (fewer keys: sled splits a leaf page at 16 entries, and its open
//! time, snapshot and bytes on disk grow with the pages):
//!
//! ```text
//! tag(1) ‖ id(16)  →  REFS_V1 ‖ group…
//! group = device(16) ‖ count (LEB128) ‖ first seq (LEB128) ‖ each next seq − the one before (LEB128)
//! ```
//!
//! one entry per entity, its events' (device, seq) grouped by device, seqs ascending. Versions
//! before wrote one key per event, `tag ‖ id ‖ device(16) ‖ seq(8, BE)` → empty (41 bytes).
//! Both are read side by side, so a data dir written by them opens as it is: an entity's old
//! keys sort right after its packed entry (the entry's key is their prefix), and readers
//! merge them ([`Store::for_each_entity`]). New events go into the packed entry; `doctor
//! --rebuild` and `doctor --compact` (also run at the end of `xuncha demo`) rewrite the old
//! keys into it. `doctor` compares the tree with a rebuild as the set of (entity, event)
//! pairs it names, whatever the layout.

use super::codec::{log_key, split_log_key};
use super::{Result, Store, StoreError};
use sled::transaction::{ConflictableTransactionError, TransactionalTree};
use std::collections::BTreeMap;
use uuid::Uuid;

/// One event: (device, seq).
pub(crate) type Ref = (Uuid, u64);

/// First byte of a packed entry's value: layout 1 (above).
const REFS_V1: u8 = 1;
/// Length of an entity key: tag ‖ id.
const ENTITY_KEY: usize = 17;
/// Length of a key of the layout before: tag ‖ id ‖ device ‖ seq.
const OLD_KEY: usize = 17 + 24;

fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn take_varint(b: &mut &[u8]) -> Option<u64> {
    let mut n: u64 = 0;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = b.split_first()?;
        *b = rest;
        n |= u64::from(byte & 0x7F).checked_shl(shift)?;
        if byte & 0x80 == 0 {
            return Some(n);
        }
    }
    None
}

/// The packed value of an entity's refs (any order, duplicates dropped).
pub(crate) fn encode(refs: &[Ref]) -> Vec<u8> {
    let mut sorted = refs.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out = Vec::with_capacity(1 + sorted.len() * 2 + 20);
    out.push(REFS_V1);
    for group in sorted.chunk_by(|a, b| a.0 == b.0) {
        out.extend_from_slice(group[0].0.as_bytes());
        put_varint(&mut out, group.len() as u64);
        let mut before = 0;
        for (_, seq) in group {
            put_varint(&mut out, seq - before);
            before = *seq;
        }
    }
    out
}

/// The refs of a packed value, sorted; `None` when the bytes are not one (damaged, empty, or a
/// layout this version does not know). Never allocates more than the value's length allows.
pub(crate) fn decode(v: &[u8]) -> Option<Vec<Ref>> {
    let (&version, mut b) = v.split_first()?;
    if version != REFS_V1 {
        return None;
    }
    let mut out = Vec::new();
    while !b.is_empty() {
        let (device, rest) = b.split_at_checked(16)?;
        let device = Uuid::from_slice(device).ok()?;
        b = rest;
        let count = take_varint(&mut b)?;
        // Each seq takes at least one byte.
        if count == 0 || count > b.len() as u64 {
            return None;
        }
        let mut seq: u64 = 0;
        for i in 0..count {
            let step = take_varint(&mut b)?;
            if i > 0 && step == 0 {
                return None;
            }
            seq = seq.checked_add(step)?;
            out.push((device, seq));
        }
    }
    out.sort_unstable();
    let n = out.len();
    out.dedup();
    // An entry is written with its first event, never empty.
    (n > 0 && out.len() == n).then_some(out)
}

/// The entity an `ent` key belongs to, in either layout.
fn entity_of(k: &[u8]) -> Option<[u8; ENTITY_KEY]> {
    match k.len() {
        ENTITY_KEY | OLD_KEY => k[..ENTITY_KEY].try_into().ok(),
        _ => None,
    }
}

fn damaged(k: &[u8]) -> StoreError {
    StoreError::Corrupt(format!("事件归属条目 {} 无法读取", hex::encode(k)))
}

/// The refs one `ent` entry names: a packed entry's list, or an old key's one event.
fn refs_of(k: &[u8], v: &[u8]) -> Option<Vec<Ref>> {
    match k.len() {
        ENTITY_KEY => decode(v),
        OLD_KEY => split_log_key(&k[ENTITY_KEY..]).map(|r| vec![r]),
        _ => None,
    }
}

/// Adds the new events' refs to their entities' packed entries, inside the write's
/// transaction. An entry that does not decode aborts the write (`Corrupt`): `doctor
/// --rebuild` writes the tree afresh.
pub(crate) fn add_refs(
    ent: &TransactionalTree,
    new: &BTreeMap<[u8; ENTITY_KEY], Vec<Ref>>,
) -> std::result::Result<(), ConflictableTransactionError<StoreError>> {
    for (key, refs) in new {
        let mut all = match ent.get(key)? {
            Some(v) => {
                decode(&v).ok_or_else(|| ConflictableTransactionError::Abort(damaged(key)))?
            }
            None => Vec::new(),
        };
        all.extend_from_slice(refs);
        ent.insert(key.as_slice(), encode(&all))?;
    }
    Ok(())
}

/// Copies an `ent` tree into `to` in the packed layout (the copy of `doctor --compact`), in
/// bounded batches (`batched.rs`). An entry that does not decode is copied as it is, so
/// nothing is lost and `doctor` still names it.
pub(crate) fn copy_packed(from: &sled::Tree, to: &sled::Tree) -> Result<()> {
    let mut out = super::batched::Batched::new(to);
    let mut current: Option<([u8; ENTITY_KEY], Vec<Ref>)> = None;
    for kv in super::walk::walk(from, from.iter()) {
        let (k, v) = kv?;
        let (Some(e), Some(refs)) = (entity_of(&k), refs_of(&k, &v)) else {
            out.insert(k, v)?;
            continue;
        };
        match &mut current {
            Some((ce, all)) if *ce == e => all.extend(refs),
            _ => {
                if let Some((ce, all)) = current.take() {
                    out.insert(ce, encode(&all))?;
                }
                current = Some((e, refs));
            }
        }
    }
    if let Some((ce, all)) = current.take() {
        out.insert(ce, encode(&all))?;
    }
    out.apply()
}

impl Store {
    /// Visits every entity under `prefix` (a tag, or tag ‖ id) with its events' refs, both
    /// layouts merged, sorted by (device, seq), one entity at a time in key order.
    ///
    /// # Errors
    /// `Corrupt` for an entry that is neither layout; `Db` when sled cannot read.
    pub(crate) fn for_each_entity(
        &self,
        prefix: &[u8],
        visit: &mut dyn FnMut([u8; ENTITY_KEY], Vec<Ref>) -> Result<()>,
    ) -> Result<()> {
        let mut current: Option<([u8; ENTITY_KEY], Vec<Ref>)> = None;
        let mut done = |e: [u8; ENTITY_KEY], mut refs: Vec<Ref>| {
            refs.sort_unstable();
            refs.dedup();
            visit(e, refs)
        };
        for kv in self.ent.scan_prefix(prefix) {
            let (k, v) = kv?;
            let e = entity_of(&k).ok_or_else(|| damaged(&k))?;
            let refs = refs_of(&k, &v).ok_or_else(|| damaged(&k))?;
            match &mut current {
                Some((ce, all)) if *ce == e => all.extend(refs),
                _ => {
                    if let Some((ce, all)) = current.take() {
                        done(ce, all)?;
                    }
                    current = Some((e, refs));
                }
            }
        }
        if let Some((ce, all)) = current {
            done(ce, all)?;
        }
        Ok(())
    }

    /// Every (entity, event) pair the `ent` tree names, as logical keys (tag ‖ id ‖ device ‖
    /// seq, `views::ent_key`), whatever the layout; for `doctor`'s comparison with a rebuild.
    /// An entry that reads as neither layout is given as its raw key, so it counts as extra.
    pub(crate) fn ent_logical_keys(&self, visit: &mut dyn FnMut(Vec<u8>)) -> Result<()> {
        for kv in super::walk::walk(&self.ent, self.ent.iter()) {
            let (k, v) = kv?;
            match (entity_of(&k), refs_of(&k, &v)) {
                (Some(e), Some(refs)) => {
                    for (device, seq) in refs {
                        let mut key = e.to_vec();
                        key.extend_from_slice(&log_key(device, seq));
                        visit(key);
                    }
                }
                _ => visit(k.to_vec()),
            }
        }
        Ok(())
    }
}

/// Test support for `ops/ent_checks.rs` (the store's own tests may not name `ops`).
#[cfg(test)]
impl Store {
    /// The `ent` keys by length: (packed entries, per-event keys of the layout before).
    pub(crate) fn ent_key_lengths(&self) -> (usize, usize) {
        let mut n = (0, 0);
        for k in self.ent.iter().keys() {
            match k.unwrap().len() {
                ENTITY_KEY => n.0 += 1,
                OLD_KEY => n.1 += 1,
                other => panic!("an ent key of {other} bytes"),
            }
        }
        n
    }

    /// Puts the tree back as versions before wrote it: one empty key per event.
    pub(crate) fn ent_as_older_versions_wrote(&self) {
        let mut keys = Vec::new();
        self.ent_logical_keys(&mut |k| keys.push(k)).unwrap();
        self.ent.clear().unwrap();
        for k in keys {
            self.ent.insert(k, &[]).unwrap();
        }
        self.flush().unwrap();
    }

    /// Writes an entry for `entity` naming an event the log does not hold.
    pub(crate) fn ent_stray(&self, entity: crate::domain::Entity) {
        let key = super::views::entity_prefix(&entity);
        self.ent
            .insert(key, encode(&[(Uuid::from_u128(7), 1)]))
            .unwrap();
    }

    /// Overwrites an entity's entry with bytes that are no packed entry.
    pub(crate) fn ent_damage(&self, entity: crate::domain::Entity) {
        let key = super::views::entity_prefix(&entity);
        self.ent.insert(key, &[1, 2, 3][..]).unwrap();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_refs_read_back_sorted_and_whole() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let refs = vec![(b, 7), (a, 300), (a, 1), (b, 1 << 40), (a, 2), (a, 1)];
        let v = encode(&refs);
        let mut want = refs.clone();
        want.sort();
        want.dedup();
        assert_eq!(decode(&v), Some(want));
        // Two devices, five events: a few bytes each beside the device ids.
        assert!(v.len() < 1 + 2 * 17 + 5 * 6, "{}", v.len());
        assert_eq!(decode(&encode(&[])), None, "never written empty");
    }

    #[test]
    fn damaged_values_are_refused_not_trusted() {
        let v = encode(&[(Uuid::now_v7(), 5), (Uuid::now_v7(), 9)]);
        // Cut anywhere but between the two device groups (1 + 16 + 1 + 1 bytes each).
        for cut in (1..v.len()).filter(|c| *c != 19) {
            assert_eq!(decode(&v[..cut]), None, "cut at {cut}");
        }
        assert_eq!(decode(&[]), None);
        assert_eq!(decode(&[2]), None, "an unknown layout");
        // A count far above what the bytes hold allocates nothing and fails.
        let mut huge = vec![REFS_V1];
        huge.extend_from_slice(Uuid::nil().as_bytes());
        put_varint(&mut huge, u64::MAX);
        assert_eq!(decode(&huge), None);
        // A seq that overflows, and a repeated seq, are refused.
        let mut over = vec![REFS_V1];
        over.extend_from_slice(Uuid::nil().as_bytes());
        put_varint(&mut over, 2);
        put_varint(&mut over, u64::MAX);
        put_varint(&mut over, 1);
        assert_eq!(decode(&over), None);
        let mut twice = vec![REFS_V1];
        twice.extend_from_slice(Uuid::nil().as_bytes());
        put_varint(&mut twice, 2);
        put_varint(&mut twice, 3);
        put_varint(&mut twice, 0);
        assert_eq!(decode(&twice), None);
    }

    #[test]
    fn logical_keys_group_by_entity() {
        let d = Uuid::now_v7();
        let e1 = [b'f'; 17];
        let mut e2 = [b'f'; 17];
        e2[16] = b'g';
        let key = |e: &[u8; 17], seq| {
            let mut k = e.to_vec();
            k.extend_from_slice(&log_key(d, seq));
            k
        };
        // As `doctor --rebuild` writes them: logical keys in any order into a scratch tree,
        // then one entry per entity.
        let db = sled::Config::new().temporary(true).open().unwrap();
        let (scratch, ent) = (db.open_tree("s").unwrap(), db.open_tree("e").unwrap());
        for k in [key(&e1, 3), key(&e2, 1), key(&e1, 1)] {
            scratch.insert(k, &[]).unwrap();
        }
        copy_packed(&scratch, &ent).unwrap();
        let got: Vec<_> = ent.iter().map(|kv| kv.unwrap()).collect();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0.as_ref(), e1.as_slice());
        assert_eq!(decode(&got[0].1), Some(vec![(d, 1), (d, 3)]));
        assert_eq!(decode(&got[1].1), Some(vec![(d, 1)]));
    }
}
