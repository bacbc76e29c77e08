//! The runner's part for the register (issue 14): every finding's row is read once and held,
//! shared with the screen, and each filter or order change is answered from the held rows
//! (`ops::register_select`, on the worker) until the log changes (a save, a sync), so the
//! store's row models are not walked again for each key and sled's page cache need not stay
//! warm for them.
//!
//! The worker holds the rows weakly: the screen's hold keeps them, and leaving the register
//! frees them (no 100,000 rows kept behind home). A row the screen changes in place (a step
//! saved) lets go of the worker's hold (`register::rows_to_change`); the log changed anyway.

use super::action::Action;
use super::app::RegisterRows;
use crate::ops::{self, Ctx, OpenMark, OpsError, RegisterFilter, SortDue};
use std::sync::{Arc, Weak};

/// The register's rows as last read, weakly, and the log's stamp when they were read.
#[derive(Default)]
pub struct HeldRegister {
    rows: Weak<Vec<crate::ops::RegisterRow>>,
    stamp: Option<OpenMark>,
    /// Whole reads of the register's rows since the runner started: one per opening of the
    /// register and one per change of the log while it is open, not one per filter.
    pub reads: u64,
}

impl HeldRegister {
    /// The held rows when they are still held by the screen and the log is as it was when
    /// they were read (`stamp`: the store's change stamp now; None, unreadable, never is).
    fn current(&self, stamp: &Option<OpenMark>) -> Option<RegisterRows> {
        if stamp.is_none() || *stamp != self.stamp {
            return None;
        }
        self.rows.upgrade()
    }

    /// The rows for `filter` in `sort`'s order: from the held rows, or read whole first. On a
    /// read, the first screen (newest first) goes through `progress` before the whole list.
    ///
    /// # Errors
    /// `Store` when a row cannot be read.
    pub fn load(
        &mut self,
        ctx: &Ctx,
        filter: RegisterFilter,
        sort: SortDue,
        progress: &mut dyn FnMut(Action),
    ) -> Result<Action, OpsError> {
        let stamp = ctx.open_mark();
        let rows = match self.current(&stamp) {
            Some(rows) => rows,
            None => {
                if let Some(mut first) =
                    ops::register_first_screen(ctx, &filter, sort, ops::FIRST_SCREEN_ROWS)?
                {
                    super::sanitize::escape_rows(&mut first);
                    progress(Action::RegisterLoaded {
                        filter: filter.clone(),
                        sort,
                        visible: (0..first.len()).collect(),
                        rows: Arc::new(first),
                        total: None,
                    });
                }
                let mut all = ops::register_rows(ctx)?;
                // Each row's fields were decoded into strings of their own first.
                ops::trim_heap();
                super::sanitize::escape_rows(&mut all);
                let rows = Arc::new(all);
                self.rows = Arc::downgrade(&rows);
                self.stamp = stamp;
                self.reads += 1;
                rows
            }
        };
        let sel = ops::register_select(ctx, &rows, &filter, sort)?;
        Ok(Action::RegisterLoaded {
            filter,
            sort,
            rows,
            visible: sel.visible,
            total: Some(sel.total),
        })
    }
}
