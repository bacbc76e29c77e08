//! The store one command opened, closed by the rule the TUI shares (issue 14).
//!
//! Every store open removes the search index's seal (`ops::search_seal`), so a command that
//! leaves none makes the next `xuncha search` open sled (at 100,000 hazards ≈ 70–96 MB and
//! 0.2–0.6 s, against ≈ 40 MB and 0.07 s from the sealed file). So every command closes its
//! store through [`Session`], which keeps the mark taken at the open and closes by the rule
//! the TUI's quit shares (`ops::close_opened`): when the command wrote no event and replaced
//! none the close seals the index file, which `ops` does only if the file is current; a
//! command that wrote closes without sealing, whatever the file's stamp says.

use super::CmdResult;
use crate::ops::{self, Ctx, OpenMark, Teardown};
use std::ops::{Deref, DerefMut};

/// An open context for one command of a process that exits after it. Used as the [`Ctx`] it
/// holds; closed by [`Session::close`], or when dropped (an early return), the same way.
/// The close lets sled go without its teardown (`Ctx::close_for_exit`): nothing else in this
/// process may open the data dir after it, except after [`Session::release`].
pub struct Session {
    /// Taken by the close; None only inside it.
    ctx: Option<Ctx>,
    /// The store's change stamp at the open; None when it could not be read (never sealed).
    mark: Option<OpenMark>,
}

impl Session {
    pub(super) fn new(ctx: Ctx) -> Session {
        let mark = ctx.open_mark();
        Session {
            ctx: Some(ctx),
            mark,
        }
    }

    /// Ends the command: everything written is on disk, the index file sealed when the
    /// command changed nothing.
    ///
    /// # Errors
    /// Exit status 1 when the final flush fails.
    pub fn close(mut self) -> CmdResult {
        let ctx = self
            .ctx
            .take()
            .expect("a session holds its context until closed");
        Ok(ops::close_opened(ctx, self.mark.take(), Teardown::AtExit)?)
    }

    /// Closes with sled's whole teardown (sealing as [`Session::close`] does), for a command
    /// that opens the data dir again in this process (the demo compacts what it wrote).
    pub fn release(mut self) {
        if let Some(ctx) = self.ctx.take() {
            let _ = ops::close_opened(ctx, self.mark.take(), Teardown::Full);
        }
    }

    /// The context, for an operation that frees the store's memory before its own last
    /// step (the ledger export), and what it calls to close it: a whole teardown, sealing as
    /// [`Session::close`] does.
    pub fn hand_over(mut self) -> (Ctx, impl FnOnce(Ctx)) {
        let ctx = self
            .ctx
            .take()
            .expect("a session holds its context until closed");
        let mark = self.mark.take();
        (ctx, move |ctx| {
            let _ = ops::close_opened(ctx, mark, Teardown::Full);
        })
    }
}

impl Drop for Session {
    /// A command that returned early closes as [`Session::close`] does; a failed flush is
    /// not reported here (the command's own error is).
    fn drop(&mut self) {
        if let Some(ctx) = self.ctx.take() {
            let _ = ops::close_opened(ctx, self.mark.take(), Teardown::AtExit);
        }
    }
}

impl Deref for Session {
    type Target = Ctx;
    fn deref(&self) -> &Ctx {
        self.ctx
            .as_ref()
            .expect("a session holds its context until closed")
    }
}

impl DerefMut for Session {
    fn deref_mut(&mut self) -> &mut Ctx {
        self.ctx
            .as_mut()
            .expect("a session holds its context until closed")
    }
}

#[cfg(test)]
mod tests {
    use super::Session;
    use crate::ops::{self, Ctx, NewInspection, test_support};

    fn session(dir: &std::path::Path) -> Session {
        Session::new(test_support::ctx_at(dir))
    }

    fn start(ctx: &mut Ctx) {
        let new = NewInspection {
            facility: "南湖医院".into(),
            mode: Some(crate::domain::Mode::Supervision),
            inspectors: vec!["王检查".into()],
            lines: vec!["fire".into()],
            ..Default::default()
        };
        ops::start_inspection(ctx, new).unwrap();
    }

    #[test]
    fn a_session_that_only_read_seals_the_current_index_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = session(dir.path());
        start(&mut s);
        s.release();
        let s = session(dir.path());
        ops::search_index(&s).unwrap();
        s.release();
        assert!(test_support::sealed(dir.path()));
    }

    #[test]
    fn a_session_that_wrote_never_seals_even_with_the_index_file_current() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = session(dir.path());
        start(&mut s);
        // Brought up to date after the write: its stamp equals the store's, so only the
        // session's own rule stands between this close and a seal.
        ops::search_index(&s).unwrap();
        s.release();
        assert!(!test_support::sealed(dir.path()));
    }
}
