//! Which kinds of entity this store handle has written events of: what caches of things
//! folded from the log on demand (the facility registry, patrols) key on, so a hazard saved
//! does not make the registry be folded again (issue 14: at 100,000 hazards that fold was
//! four fifths of a confirmed save).

use super::Store;
use super::views::entity_prefix;
use crate::domain::Entity;
use std::sync::atomic::{AtomicU64, Ordering};

/// One count per `ent` tag byte (the kinds are a handful of letters; 256 keeps the lookup a
/// plain index).
pub(crate) struct KindWrites(Box<[AtomicU64; 256]>);

impl Default for KindWrites {
    fn default() -> Self {
        KindWrites(Box::new(std::array::from_fn(|_| AtomicU64::new(0))))
    }
}

impl Store {
    /// Counts an event of `entity`'s kind about to be written (own append, import, demo).
    pub(crate) fn note_kind_written(&self, entity: &Entity) {
        let tag = entity_prefix(entity)[0];
        self.kind_writes.0[usize::from(tag)].fetch_add(1, Ordering::SeqCst);
    }

    /// A stamp that moves whenever this handle writes an event of `kind`'s kind of entity
    /// (any id: only the variant of `kind` counts) or replaces held events or views (fork
    /// resolution, roster cuts, `rebuild`). Equal stamps from one handle mean the events of
    /// that kind are the same, so a fold of them may be kept: a data dir is written by one
    /// process at a time (sled's lock), and every write of that process goes through its
    /// handle. Not comparable across handles or processes.
    pub fn kind_stamp(&self, kind: &Entity) -> (u64, u64) {
        let tag = entity_prefix(kind)[0];
        (
            self.kind_writes.0[usize::from(tag)].load(Ordering::SeqCst),
            self.rewrites.load(Ordering::SeqCst),
        )
    }
}

impl Store {
    /// Whether this handle has written or replaced any event since it was opened: an own
    /// append, an import or a demo batch (counted when planned, so a dry run counts too), a
    /// fork settled, a roster cut or a rebuild. A command whose handle says no changed
    /// nothing a view or the search index is folded from (`cli::Session` seals the index
    /// file then). Not the only guard there: the caller also compares
    /// [`Store::change_stamp`] from the open, which every write of the log moves.
    pub fn wrote_events(&self) -> bool {
        self.appends > 0
            || self.rewrites.load(Ordering::SeqCst) > 0
            || self
                .kind_writes
                .0
                .iter()
                .any(|n| n.load(Ordering::SeqCst) > 0)
    }
}
