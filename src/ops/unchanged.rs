//! Whether a command changed the store since it opened it (issue 14). The command line seals
//! the search index file at the close of every command that did not (`cli::Session`), so the
//! next `xuncha search` answers from the file without opening the store; a command that wrote
//! must never seal, as its events are not in the file.

use super::Ctx;

/// The store's change stamp when a context was opened ([`crate::store::Store::change_stamp`]:
/// the log's extent and the count of rewrites of held events), compared at its close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenMark([u8; 32]);

impl Ctx {
    /// The mark to compare at the close; None when the store cannot be read (nothing is
    /// sealed then).
    pub fn open_mark(&self) -> Option<OpenMark> {
        self.store.change_stamp().ok().map(OpenMark)
    }

    /// Whether this context wrote no event and replaced none since `mark` was taken. Two
    /// witnesses that do not share a code path: the store handle's own count of events
    /// written or replaced (`Store::wrote_events`), and the log's extent read again. Writes
    /// that are not events (sync marks, the models' stamp) change nothing a search reads.
    pub fn unchanged_since(&self, mark: &OpenMark) -> bool {
        !self.store.wrote_events() && self.open_mark().as_ref() == Some(mark)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{ctx, fire_inspection};

    #[test]
    fn reads_leave_the_mark_and_an_inspection_started_moves_it() {
        let (_dir, mut c) = ctx();
        let mark = c.open_mark().expect("mark");
        assert!(super::super::all_inspections(&c).unwrap().is_empty());
        assert!(c.unchanged_since(&mark), "a read changes nothing");
        fire_inspection(&mut c);
        assert!(
            !c.unchanged_since(&mark),
            "an inspection started is a change"
        );
        let later = c.open_mark().expect("mark");
        assert!(
            !c.unchanged_since(&later),
            "a handle that wrote is never unchanged, whatever mark it is given"
        );
    }
}
