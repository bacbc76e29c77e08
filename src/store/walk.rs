//! Whole-tree walks that keep sled's page cache within its capacity (issue 14: ≤ 80 MB
//! resident for every command at 100,000 hazards).
//!
//! sled 0.34 counts a page against its cache only when the page's LRU shard (page id mod 256)
//! has queued 64 accesses, and a tree iterator reads each leaf page once. So a walk of the
//! 100,000 finding views loaded every leaf page (≈57 MB in memory) before the first was paged
//! out, whatever the capacity: `report` used 113 MB with a 32 MB cache and 109 MB with 512 KB.
//! A walk that reads each key once more with `get` queues one access per entry (about 16 per
//! leaf page), so shards fill and evict as the walk goes: `report` at 69 MB with a 2 MB cache,
//! in the same time. The extra read finds the page just read, in memory.
//!
//! Reads by id from an index's list (`finding list --status overdue`: 6,639 of 100,000) land
//! about one per leaf page, so the same lag kept every page they read (86 MB resident); three
//! more reads of each key fill the shards four times as fast (70 MB, no slower).

use sled::{IVec, Iter, Tree};

/// The entries of `iter` (an iterator over `tree`), each key read once more from `tree` so
/// sled's cache accounting sees the walk (see the module comment). The extra read's result and
/// error are ignored: it only makes the access count; the entry itself comes from `iter`.
pub(super) fn walk<'a>(
    tree: &'a Tree,
    iter: Iter,
) -> impl DoubleEndedIterator<Item = sled::Result<(IVec, IVec)>> + 'a {
    walk_reading(tree, iter, 1)
}

/// The entries of `iter`, each key read `reads` more times from `tree` (results ignored).
fn walk_reading<'a>(
    tree: &'a Tree,
    iter: Iter,
    reads: usize,
) -> impl DoubleEndedIterator<Item = sled::Result<(IVec, IVec)>> + 'a {
    iter.inspect(move |kv| {
        if let Ok((k, _)) = kv {
            for _ in 0..reads {
                let _ = tree.get(k);
            }
        }
    })
}

/// Extra reads of a key read by [`get_sparse`] (see the module comment).
const SPARSE_EXTRA_READS: usize = 3;

/// The value of `key` in `tree`, read so that reads scattered one per leaf page still keep
/// sled's cache within its capacity (see the module comment).
///
/// # Errors
/// sled's, when the tree cannot be read.
pub(super) fn get_sparse(tree: &Tree, key: &[u8]) -> sled::Result<Option<IVec>> {
    let v = tree.get(key)?;
    for _ in 0..SPARSE_EXTRA_READS {
        let _ = tree.get(key);
    }
    Ok(v)
}

/// As [`walk`], each key read as often as [`get_sparse`] reads it (1 + [`SPARSE_EXTRA_READS`]
/// times beyond the iterator's own read): for a tree whose values are about a leaf page each
/// (the inspection views, ≈1 KB with their answers), where one extra read per entry still let
/// `inspection list` hold 10 MB of pages at 12,500 inspections.
pub(super) fn walk_sparse<'a>(
    tree: &'a Tree,
    iter: Iter,
) -> impl DoubleEndedIterator<Item = sled::Result<(IVec, IVec)>> + 'a {
    walk_reading(tree, iter, 1 + SPARSE_EXTRA_READS)
}

/// Bytes of an entry per extra read [`walk_by_size`] and [`reads_for_size`] give it.
const BYTES_PER_READ: usize = 512;

/// Extra reads for an entry of `bytes` (key and value): one, and one more per
/// [`BYTES_PER_READ`], at most 1 + [`SPARSE_EXTRA_READS`]. sled's accounting lags by a count
/// of accesses (about 16,000), not of bytes, so the bigger the entries a walk or a copy
/// goes through, the more bytes the lag holds: `doctor --compact` held 23 MB of the old
/// log's pages (runs of eight events, about 2 KB a key) with one access per key (heaptrack,
/// 100,000 hazards; 72 against 50 MB resident at its peak).
pub(super) fn reads_for_size(bytes: usize) -> usize {
    (1 + bytes / BYTES_PER_READ).min(1 + SPARSE_EXTRA_READS)
}

/// As [`walk`], each key read [`reads_for_size`] more times: for a copy of a whole tree whose
/// entries may be large (`doctor --compact`, the log in runs). Takes a handle of the tree (an
/// `Arc`), so the walk borrows nothing.
pub(super) fn walk_by_size(
    tree: Tree,
    iter: Iter,
) -> impl DoubleEndedIterator<Item = sled::Result<(IVec, IVec)>> {
    iter.inspect(move |kv| {
        if let Ok((k, v)) = kv {
            for _ in 0..reads_for_size(k.len() + v.len()) {
                let _ = tree.get(k);
            }
        }
    })
}

/// As [`walk`], keys only.
pub(super) fn walk_keys<'a>(
    tree: &'a Tree,
    iter: Iter,
) -> impl DoubleEndedIterator<Item = sled::Result<IVec>> + 'a {
    walk(tree, iter).map(|kv| kv.map(|(k, _)| k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bigger_entries_are_read_more_often_up_to_the_sparse_count() {
        assert_eq!(reads_for_size(40), 1);
        assert_eq!(reads_for_size(600), 2);
        assert_eq!(reads_for_size(2_200), 1 + SPARSE_EXTRA_READS);
        assert_eq!(reads_for_size(1 << 20), 1 + SPARSE_EXTRA_READS);
    }

    #[test]
    fn a_walk_gives_every_entry_in_order_both_ways() {
        let db = sled::Config::new().temporary(true).open().unwrap();
        let t = db.open_tree("t").unwrap();
        for i in 0u32..500 {
            t.insert(i.to_be_bytes(), format!("v{i}").as_bytes())
                .unwrap();
        }
        let plain: Vec<_> = t.iter().map(|kv| kv.unwrap()).collect();
        let walked: Vec<_> = walk(&t, t.iter()).map(|kv| kv.unwrap()).collect();
        assert_eq!(walked, plain);
        let sparse: Vec<_> = walk_sparse(&t, t.iter()).map(|kv| kv.unwrap()).collect();
        assert_eq!(sparse, plain);
        let sized: Vec<_> = walk_by_size(t.clone(), t.iter())
            .map(|kv| kv.unwrap())
            .collect();
        assert_eq!(sized, plain);
        let back: Vec<_> = walk_keys(&t, t.range(10u32.to_be_bytes()..))
            .rev()
            .map(|k| k.unwrap())
            .collect();
        assert_eq!(back.len(), 490);
        assert_eq!(back.first().unwrap().as_ref(), 499u32.to_be_bytes());
        assert_eq!(back.last().unwrap().as_ref(), 10u32.to_be_bytes());
    }
}
