//! The register's filters and orders answered from rows already held (issue 14): the TUI's
//! worker reads every row once ([`super::register_rows`]) and answers each later filter or
//! order change here, in memory, instead of walking the store's row models again. At 100,000
//! hazards a walk with a small sled cache took 350–376 ms; a selection over held rows is a
//! few milliseconds, so the TUI no longer needs sled's pages warm for its register.

use super::register::with_spellings;
use super::{Ctx, RegisterFilter, RegisterRow, Result, SortDue};
use chrono::NaiveDate;

/// Which of the held rows the register shows, and in which order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RegisterSelection {
    /// Indices into the held rows (id order) of the rows that pass the filter, in the order
    /// asked for: the same rows, in the same order, as [`super::register_view`] gives.
    pub visible: Vec<usize>,
    /// Findings held, retracted ones left out (the register's 共 N 条).
    pub total: usize,
}

/// The rows of `rows` (every finding's row in id order, retracted included, as
/// [`super::register_rows`] reads them) that pass `filter`, in `sort`'s order: newest first,
/// or by deadline with rows of one deadline newest first. The facility filter stands for
/// every spelling the registry knows of it, as in [`super::register_view`].
///
/// # Errors
/// `Store` when the facility registry cannot be read (only when a facility filter is set
/// without its spellings).
pub fn register_select(
    ctx: &Ctx,
    rows: &[RegisterRow],
    filter: &RegisterFilter,
    sort: SortDue,
) -> Result<RegisterSelection> {
    let filter = if filter.facility.is_some() && filter.facility_spellings.is_empty() {
        with_spellings(&*super::registry(ctx)?, filter)
    } else {
        filter.clone()
    };
    Ok(select(rows, &filter, sort, ctx.now.today()))
}

/// [`register_select`] with the filter's spellings resolved: pure.
fn select(
    rows: &[RegisterRow],
    filter: &RegisterFilter,
    sort: SortDue,
    today: NaiveDate,
) -> RegisterSelection {
    let total = rows.iter().filter(|r| !r.retracted).count();
    // Newest first: the id order turned round.
    let mut visible: Vec<usize> = (0..rows.len())
        .rev()
        .filter(|i| filter.matches(&rows[*i], today))
        .collect();
    match sort {
        SortDue::Newest => {}
        // Stable sorts: rows with the same deadline stay newest first.
        SortDue::DueAsc => visible.sort_by_key(|i| (rows[*i].due.is_none(), rows[*i].due)),
        SortDue::DueDesc => visible.sort_by_key(|i| std::cmp::Reverse(rows[*i].due)),
    }
    visible.shrink_to_fit();
    RegisterSelection { visible, total }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Severity, Status};
    use crate::ops::{RetractedView, register_rows, register_view};

    /// A demo store of `scale` findings, opened by 王建国, with a few hazards retracted.
    fn demo_ctx(scale: usize) -> (tempfile::TempDir, Ctx) {
        let (dir, mut ctx) = crate::ops::test_support::demo_ctx(scale);
        let ids: Vec<_> = register_rows(&ctx).unwrap().iter().map(|r| r.id).collect();
        for id in ids.iter().step_by(17) {
            crate::ops::retract(&mut ctx, *id, "登记有误").unwrap();
        }
        (dir, ctx)
    }

    /// Every filter the register's keys can set, each order: the rows selected from the held
    /// rows are the rows the store walk gives, in its order, with its count.
    #[test]
    fn selecting_from_held_rows_gives_what_the_store_walk_gives() {
        let (_dir, ctx) = demo_ctx(120);
        let rows = register_rows(&ctx).unwrap();
        let facility = rows[rows.len() / 2].facility.to_string();
        let line = rows[0].line.to_string();
        let mut filters = Vec::new();
        for (status, retracted) in [
            (None, RetractedView::Hide),
            (Some(Status::Open), RetractedView::Hide),
            (Some(Status::Rectified), RetractedView::Hide),
            (Some(Status::Closed), RetractedView::Hide),
            (None, RetractedView::Only),
            (None, RetractedView::Include),
        ] {
            for overdue in [false, true] {
                for severity in [None, Some(Severity::Major)] {
                    filters.push(RegisterFilter {
                        status,
                        retracted,
                        overdue,
                        severity,
                        ..Default::default()
                    });
                }
            }
        }
        filters.push(RegisterFilter {
            facility: Some(facility),
            ..Default::default()
        });
        filters.push(RegisterFilter {
            line: Some(line),
            overdue: true,
            ..Default::default()
        });
        let mut shown = 0;
        for filter in &filters {
            for sort in [SortDue::Newest, SortDue::DueAsc, SortDue::DueDesc] {
                let walked = register_view(&ctx, filter, sort).unwrap();
                let sel = register_select(&ctx, &rows, filter, sort).unwrap();
                let picked: Vec<&RegisterRow> = sel.visible.iter().map(|i| &rows[*i]).collect();
                let walked: Vec<&RegisterRow> = walked.rows.iter().collect();
                assert_eq!(picked, walked, "{filter:?} {sort:?}");
                assert_eq!(sel.total, register_view(&ctx, filter, sort).unwrap().total);
                shown += picked.len();
            }
        }
        assert!(shown > 0);
        // The 已撤销 views were compared with rows in them.
        assert!(rows.iter().any(|r| r.retracted));
    }
}
