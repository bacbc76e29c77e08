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

/// Writes to one tree gathered into sled batches of at most [`BATCH`] entries and
/// [`BATCH_BYTES`] bytes; [`Batched::apply`] writes what is left.
pub(super) struct Batched<'a> {
    tree: &'a sled::Tree,
    batch: sled::Batch,
    n: usize,
    bytes: usize,
}

impl<'a> Batched<'a> {
    pub(super) fn new(tree: &'a sled::Tree) -> Self {
        Batched {
            tree,
            batch: sled::Batch::default(),
            n: 0,
            bytes: 0,
        }
    }

    pub(super) fn insert(&mut self, k: impl AsRef<[u8]>, v: impl AsRef<[u8]>) -> Result<()> {
        let (k, v) = (k.as_ref(), v.as_ref());
        self.batch.insert(k, v);
        self.n += 1;
        self.bytes += k.len() + v.len();
        if self.n == BATCH || self.bytes >= BATCH_BYTES {
            self.apply()?;
        }
        Ok(())
    }

    /// Applies the gathered writes.
    pub(super) fn apply(&mut self) -> Result<()> {
        self.tree.apply_batch(std::mem::take(&mut self.batch))?;
        self.n = 0;
        self.bytes = 0;
        Ok(())
    }
}
