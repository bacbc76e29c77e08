//! Many writes to one sled tree in batches bounded by count and bytes: `doctor --rebuild`'s
//! rewrite and `doctor --compact`'s copy (issue 14).

use super::Result;

/// Writes per sled batch, at most: few batches for small keys.
const BATCH: usize = 5_000;

/// Bytes per sled batch, at most. A batch keeps every leaf version its inserts supersede until
/// it is applied whole, each up to 16 of the tree's values: at 100,000 hazards, batches of 5,000
/// views of about 1 KB held about 70 MB of them, and of 256 KB the inspections (about 20 KB
/// each) took `doctor --rebuild` from about 110 to 400 MB resident (heaptrack, VmRSS).
const BATCH_BYTES: usize = 32 * 1024;

/// Bytes applied between two waits for sled's write buffers ([`sled::Tree::flush`]). sled
/// writes a whole leaf each time it consolidates one, several times the bytes inserted, and
/// its buffers wait for the disk in memory: copying the 100,000-hazard log in runs held
/// 467 MB of them, and the other trees' copies about 37 MB at `doctor --compact`'s peak
/// (heaptrack). Waiting every few MB keeps them flat, at one `fsync` per wait.
pub(super) const FLUSH_EVERY: usize = 4 << 20;

/// Writes to one tree gathered into sled batches of at most [`BATCH`] entries and
/// [`BATCH_BYTES`] bytes; [`Batched::apply`] writes what is left.
pub(super) struct Batched<'a> {
    tree: &'a sled::Tree,
    batch: sled::Batch,
    n: usize,
    bytes: usize,
    /// Bytes applied since the last wait for sled's write buffers.
    unflushed: usize,
}

impl<'a> Batched<'a> {
    pub(super) fn new(tree: &'a sled::Tree) -> Self {
        Batched {
            tree,
            batch: sled::Batch::default(),
            n: 0,
            bytes: 0,
            unflushed: 0,
        }
    }

    pub(super) fn insert(&mut self, k: impl AsRef<[u8]>, v: impl AsRef<[u8]>) -> Result<()> {
        let (k, v) = (k.as_ref(), v.as_ref());
        let bytes = k.len() + v.len();
        self.batch.insert(k, v);
        self.n += 1;
        self.bytes += bytes;
        if self.n == BATCH || self.bytes >= BATCH_BYTES {
            self.apply()?;
        }
        Ok(())
    }

    /// Removes `k` (in the batch, like an insert).
    pub(super) fn remove(&mut self, k: impl AsRef<[u8]>) -> Result<()> {
        let k = k.as_ref();
        self.batch.remove(k);
        self.n += 1;
        self.bytes += k.len();
        if self.n == BATCH || self.bytes >= BATCH_BYTES {
            self.apply()?;
        }
        Ok(())
    }

    /// Applies the gathered writes, frees the node versions they replaced
    /// (`reclaim::reclaim`), and waits for sled's write buffers once every [`FLUSH_EVERY`]
    /// bytes applied.
    pub(super) fn apply(&mut self) -> Result<()> {
        self.tree.apply_batch(std::mem::take(&mut self.batch))?;
        super::reclaim::reclaim(self.n);
        self.unflushed += self.bytes;
        self.n = 0;
        self.bytes = 0;
        if self.unflushed >= FLUSH_EVERY {
            self.tree.flush()?;
            self.unflushed = 0;
        }
        Ok(())
    }
}

/// Removes every key of `tree` through a walk (`walk.rs`) and byte-bounded batches.
/// `sled::Tree::clear` removes them one by one with no such reads, so every page of the tree
/// stayed in memory: clearing the four derived trees of the 100,000-hazard store before a
/// rebuild took its resident memory from 13 to about 50 MB.
///
/// # Errors
/// sled's, when the tree cannot be read or written.
pub(super) fn clear_walked(tree: &sled::Tree) -> Result<()> {
    let mut batch = Batched::new(tree);
    for k in super::walk::walk_keys(tree, tree.iter()) {
        batch.remove(k?)?;
    }
    batch.apply()
}
