//! Whether a context changed the store since it was opened, and the one rule both faces close
//! a store by (issue 14): the close seals the search index file when nothing was written or
//! replaced since the open, so the next `xuncha search` answers from the file without opening
//! the store; a context that wrote never seals, as its events are not in the file. The CLI
//! closes each command's store through [`close_opened`] (`cli::Session`), the TUI its
//! worker's store when it quits (`tui::effects::Runner::close`).

use super::{Ctx, Result};

/// The store's change stamp when a context was opened ([`crate::store::Store::change_stamp`]:
/// the log's extent and the count of rewrites of held events), compared at its close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenMark([u8; 32]);

/// How [`close_opened`] lets the store go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Teardown {
    /// Flushed, then left to the process's exit (`Ctx::close_for_exit`: fast at 100,000
    /// hazards). Nothing else in the process may open the data dir afterwards.
    AtExit,
    /// sled's whole teardown: its memory is freed and the data dir may be opened again.
    Full,
}

impl Ctx {
    /// The mark to compare at the close; None when the store cannot be read (nothing is
    /// sealed then).
    pub fn open_mark(&self) -> Option<OpenMark> {
        self.store.change_stamp().ok().map(OpenMark)
    }

    /// Whether this context wrote no event and replaced none since `mark` was taken. Two
    /// witnesses that do not share a code path: the store handle's own count of events
    /// written or replaced (`Store::wrote_events`), and the log's extent read again. Writes
    /// that are not events (sync marks, the models' stamp, drafts) change nothing a search
    /// reads.
    pub fn unchanged_since(&self, mark: &OpenMark) -> bool {
        !self.store.wrote_events() && self.open_mark().as_ref() == Some(mark)
    }
}

/// Closes `ctx`, opened when `mark` was taken ([`Ctx::open_mark`]), the way `teardown` says.
/// The one decision of whether to seal the search index file: only when the context changed
/// nothing since the mark, and never while unwinding from a panic (whatever was under way is
/// unknown). Sealing itself still needs the file current and the store opened without
/// warnings (`search_file`); otherwise the close just closes.
///
/// # Errors
/// `Store` when the final flush of [`Teardown::AtExit`] fails (the whole teardown reports
/// none).
pub fn close_opened(ctx: Ctx, mark: Option<OpenMark>, teardown: Teardown) -> Result<()> {
    let unchanged = !std::thread::panicking() && mark.is_some_and(|m| ctx.unchanged_since(&m));
    match (unchanged, teardown) {
        (true, Teardown::AtExit) => super::search_file::close_for_exit_sealing_index(ctx),
        (false, Teardown::AtExit) => ctx.close_for_exit(),
        (true, Teardown::Full) => {
            super::search_file::close_sealing_index(ctx);
            Ok(())
        }
        (false, Teardown::Full) => {
            drop(ctx);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{ctx, ctx_at, fire_inspection, sealed};
    use super::{Teardown, close_opened};

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

    /// A store holding an inspection, reopened, its index file made current by a search:
    /// the context and the mark of its open.
    fn reopened_with_current_file(dir: &std::path::Path) -> (super::Ctx, super::OpenMark) {
        let c = ctx_at(dir);
        let mark = c.open_mark().expect("mark");
        super::super::search_index(&c).unwrap();
        (c, mark)
    }

    #[test]
    fn a_close_after_reads_only_seals_and_one_after_a_write_or_without_a_mark_does_not() {
        let (dir, mut c) = ctx();
        fire_inspection(&mut c);
        drop(c);
        let seal = || sealed(dir.path());

        let (c, mark) = reopened_with_current_file(dir.path());
        close_opened(c, Some(mark), Teardown::Full).unwrap();
        assert!(seal(), "a context that only read seals a current file");

        let (mut c, mark) = reopened_with_current_file(dir.path());
        fire_inspection(&mut c);
        // Current again after the write: only the rule stands between this close and a seal.
        super::super::search_index(&c).unwrap();
        close_opened(c, Some(mark), Teardown::Full).unwrap();
        assert!(!seal(), "a context that wrote never seals");

        let (c, _) = reopened_with_current_file(dir.path());
        close_opened(c, None, Teardown::Full).unwrap();
        assert!(!seal(), "a mark that could not be read: no seal");
    }
}
