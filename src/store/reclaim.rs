//! Freeing what sled's bulk writes leave to epoch-based reclamation (issue 14: ≤ 80 MB
//! resident for every command at 100,000 hazards).
//!
//! sled 0.34 replaces a tree node by a new version on each write and hands the old one to
//! crossbeam-epoch, which frees such garbage only when a thread pins: every 128th pin collects
//! at most 8 bags of 64. A batch applies all its writes under one pin, so a bulk write makes
//! garbage far faster than the pins that follow free it: the `ent` entries a demo's last step
//! writes held 27 MB of old leaf versions at 40,000 hazards (heaptrack: `Node::set_leaf`,
//! `Node::parent_split` under `apply_batch`).

/// Bags of garbage one `flush` of a guard collects (crossbeam-epoch 0.9: `COLLECT_STEPS`).
const BAGS_PER_FLUSH: usize = 8;

/// Deferred frees per bag (crossbeam-epoch 0.9: `MAX_OBJECTS`).
const PER_BAG: usize = 64;

/// Collects the garbage of about `writes` tree writes just applied: enough guard flushes
/// (each advances the epoch when no thread holds an older one, and frees up to
/// [`BAGS_PER_FLUSH`] bags) for a few old versions per write, plus a few to let the epoch
/// move on. Each flush is a pin and a scan of sled's few threads: microseconds.
pub(super) fn reclaim(writes: usize) {
    let flushes = 4 + writes * 3 / (BAGS_PER_FLUSH * PER_BAG);
    for _ in 0..flushes {
        sled::crossbeam_pin().flush();
    }
}
