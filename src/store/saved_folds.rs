//! Folds kept on disk between processes (issue 14: a whole `finding add` at 100,000 hazards).
//!
//! A command starts with no fold in memory, so each folded the facility registry from its
//! events again: about a quarter of a `finding add` at an office's scale. A fold saved here is
//! given back while its stamp is the one asked for. The caller makes the stamp from
//! [`Store::kind_refs_digest`] (which events make the entities of the kind: an event written,
//! imported or taken out changes it) and whatever else the fold depends on (the build).
//!
//! Held events whose content changes under the same (device, seq) (a fork settled, a roster
//! cut) go through [`Store::note_rewrite`], which forgets every saved fold first.
//!
//! Kept in a tree of their own, `folds`, under `fold:NAME` as
//! `stamp length (u32 LE) | stamp | bytes`. A cache: not flushed (a lost write only means
//! folding again), never synced, not compared by `doctor`; bytes that do not read as a saved
//! fold are ignored.
//!
//! Versions before kept them in `meta`, beside the keys every write changes (the clock, the
//! numbers, the models' stamps). sled stores a leaf page whole and a page over its blob size in
//! a file of its own, so every `finding add` at 100,000 hazards wrote the 860 KB leaf holding
//! the saved registry again, and every open after it read it back (about a sixth of the
//! process, issue 14). Every open removes them from `meta` (the next reader folds once).

use super::views::entity_prefix;
use super::{Result, Store};
use crate::domain::Entity;
use sha2::{Digest, Sha256};

/// Where saved folds sit in their tree (and in `meta`, where versions before kept them).
const FOLD_PREFIX: &[u8] = b"fold:";

/// The tree of saved folds.
const FOLDS_TREE: &str = "folds";

fn fold_key(name: &str) -> Vec<u8> {
    let mut k = FOLD_PREFIX.to_vec();
    k.extend_from_slice(name.as_bytes());
    k
}

impl Store {
    /// SHA-256 over the `ent` entries of `kind`'s entities (each entity and its events'
    /// device and seq, in key order): changes whenever an event of the kind is written,
    /// imported or taken out.
    ///
    /// # Errors
    /// `Corrupt` for an `ent` entry that does not read; `Db` when sled cannot read.
    pub fn kind_refs_digest(&self, kind: &Entity) -> Result<[u8; 32]> {
        let mut h = Sha256::new();
        self.for_each_entity(&[entity_prefix(kind)[0]], &mut |entity, refs| {
            h.update(entity);
            h.update((refs.len() as u64).to_le_bytes());
            for (device, seq) in refs {
                h.update(device.as_bytes());
                h.update(seq.to_le_bytes());
            }
            Ok(())
        })?;
        Ok(h.finalize().into())
    }

    /// The bytes saved under `name` when they were saved with `stamp`.
    ///
    /// # Errors
    /// `Db` when sled cannot read.
    pub fn saved_fold(&self, name: &str, stamp: &[u8]) -> Result<Option<Vec<u8>>> {
        let Some(v) = self.db.open_tree(FOLDS_TREE)?.get(fold_key(name))? else {
            return Ok(None);
        };
        let Some(len) = v
            .get(..4)
            .and_then(|b| b.try_into().ok())
            .map(|b: [u8; 4]| u32::from_le_bytes(b) as usize)
        else {
            return Ok(None);
        };
        match v.get(4..4 + len) {
            Some(saved) if saved == stamp => Ok(Some(v[4 + len..].to_vec())),
            _ => Ok(None),
        }
    }

    /// Saves `bytes` under `name` with `stamp`, unflushed; nothing in a store opened read-only.
    ///
    /// # Errors
    /// `Db` when sled cannot write.
    pub fn save_fold(&self, name: &str, stamp: &[u8], bytes: &[u8]) -> Result<()> {
        if self.read_only().is_some() {
            return Ok(());
        }
        let mut v = Vec::with_capacity(4 + stamp.len() + bytes.len());
        v.extend_from_slice(&(stamp.len() as u32).to_le_bytes());
        v.extend_from_slice(stamp);
        v.extend_from_slice(bytes);
        self.db.open_tree(FOLDS_TREE)?.insert(fold_key(name), v)?;
        Ok(())
    }

    /// Forgets every saved fold (held events are about to be rewritten in place).
    pub(super) fn forget_saved_folds(&self) {
        // A fold that cannot be removed here cannot be read either: sled is failing, and
        // the rewrite that follows reports it.
        if let Ok(folds) = self.db.open_tree(FOLDS_TREE) {
            let _ = folds.clear();
        }
        self.forget_folds_in_meta();
    }

    /// Removes the saved folds versions before kept in `meta` (see the module doc); a cache,
    /// so an error only leaves them there.
    pub(super) fn forget_folds_in_meta(&self) {
        let keys: Vec<_> = self
            .meta
            .scan_prefix(FOLD_PREFIX)
            .keys()
            .filter_map(|k| k.ok())
            .collect();
        for k in keys {
            let _ = self.meta.remove(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fold_is_given_for_its_own_stamp_only_and_forgotten_before_a_rewrite() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.saved_fold("registry", b"s1").unwrap(), None);
        store
            .save_fold("registry", b"s1", "南湖医院".as_bytes())
            .unwrap();
        assert_eq!(
            store.saved_fold("registry", b"s1").unwrap().as_deref(),
            Some("南湖医院".as_bytes())
        );
        assert_eq!(store.saved_fold("registry", b"s2").unwrap(), None);
        assert_eq!(store.saved_fold("patrols", b"s1").unwrap(), None);
        store.note_rewrite();
        assert_eq!(store.saved_fold("registry", b"s1").unwrap(), None);
    }

    #[test]
    fn folds_saved_in_meta_by_versions_before_are_removed_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .meta
            .insert(fold_key("registry"), &b"old"[..])
            .unwrap();
        store.save_fold("registry", b"s1", b"new").unwrap();
        store.db.flush().unwrap();
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.meta.scan_prefix(FOLD_PREFIX).count(), 0);
        assert_eq!(
            store.saved_fold("registry", b"s1").unwrap().as_deref(),
            Some(&b"new"[..])
        );
    }
}
