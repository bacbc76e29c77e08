//! The register as a read model (issue 14): every finding's row from the row models kept with
//! the log, filtered and put in order here (or from rows already read, `register_select.rs`),
//! on the worker thread, never on the UI thread; and the first screen of it alone, read newest
//! first, so the register shows at once while the whole list is read.

use super::register_risk::RiskLookup;
use super::{Code, Ctx, Name, RegisterRow, Result};
use crate::domain::{FindingQuery, Now, Registry, Severity, Status, StatusFilter, facility_fits};
use crate::store::RowModel;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashSet};

/// Rows the register's first screen asks for before the whole list is read.
pub const FIRST_SCREEN_ROWS: usize = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortDue {
    /// Newest first.
    #[default]
    Newest,
    DueAsc,
    DueDesc,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RegisterFilter {
    pub status: Option<Status>,
    /// Retracted (已撤销) hazards: hidden (default), the only ones shown, or shown with the rest.
    pub retracted: RetractedView,
    pub line: Option<String>,
    pub severity: Option<Severity>,
    pub overdue: bool,
    pub facility: Option<String>,
    /// Every spelling `facility` stands for (registered name and merged spellings); filled
    /// by `register_view` from the registry, or by the facility browser; empty: as typed.
    pub facility_spellings: Vec<String>,
}

/// How the register treats retracted (已撤销) hazards; the status filter cycles through them
/// after 已销号: 已撤销 (only those), then 全部（含已撤销）.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RetractedView {
    #[default]
    Hide,
    Only,
    Include,
}

impl RegisterFilter {
    /// The same filter as a store query, for exports; None when it cannot say it (a status
    /// and "overdue only" together: the query takes one status).
    pub fn query(&self) -> Option<FindingQuery> {
        if self.retracted == RetractedView::Only {
            return Some(FindingQuery {
                status: if self.overdue {
                    return None;
                } else {
                    Some(StatusFilter::Retracted)
                },
                line: self.line.clone(),
                facility: self.facility.clone(),
                facility_spellings: self.facility_spellings.clone(),
                severity: self.severity,
                ..Default::default()
            });
        }
        let status = match (self.status, self.overdue) {
            (None, false) => None,
            (None, true) => Some(StatusFilter::Overdue),
            (Some(_), true) => return None,
            (Some(Status::Open), false) => Some(StatusFilter::Open),
            (Some(Status::Rectified), false) => Some(StatusFilter::Rectified),
            (Some(Status::Closed), false) => Some(StatusFilter::Closed),
        };
        Some(FindingQuery {
            status,
            line: self.line.clone(),
            facility: self.facility.clone(),
            facility_spellings: self.facility_spellings.clone(),
            severity: self.severity,
            include_retracted: self.retracted == RetractedView::Include,
            ..Default::default()
        })
    }

    /// What `matches` can tell from a stored row model before a screen row is made of it:
    /// false only for a row `matches` refuses.
    fn may_match(&self, m: &RowModel) -> bool {
        let retracted_ok = match self.retracted {
            RetractedView::Hide => !m.retracted,
            RetractedView::Only => m.retracted,
            RetractedView::Include => true,
        };
        retracted_ok
            && self.status.is_none_or(|s| m.status == s)
            && self.line.as_ref().is_none_or(|l| &m.line == l)
            && self.severity.is_none_or(|s| m.severity == s)
    }

    pub fn matches(&self, r: &RegisterRow, today: NaiveDate) -> bool {
        let retracted_ok = match self.retracted {
            RetractedView::Hide => !r.retracted,
            RetractedView::Only => r.retracted,
            RetractedView::Include => true,
        };
        retracted_ok
            && self.status.is_none_or(|s| r.status == s)
            && self.line.as_ref().is_none_or(|l| *r.line == **l)
            && self.severity.is_none_or(|s| r.severity == s)
            && (!self.overdue || r.overdue_on(today))
            && self
                .facility
                .as_ref()
                .is_none_or(|f| facility_fits(f, &self.facility_spellings, &r.facility))
    }
}

/// The register as the screen lists it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RegisterView {
    /// Every row that passes the filter, in the order asked for.
    pub rows: Vec<RegisterRow>,
    /// Findings held, retracted ones left out (the register's 共 N 条).
    pub total: usize,
}

/// Every row that passes `filter`, in `sort`'s order (newest first by default), and how many
/// findings there are: the whole register as the screen lists it, walked from the store and
/// only the rows shown made. The TUI reads every row once instead and answers each filter
/// from them (`register_rows`, `register_select`, which gives what this gives).
///
/// # Errors
/// `Store` when a row cannot be read or decoded.
pub fn register_view(ctx: &Ctx, filter: &RegisterFilter, sort: SortDue) -> Result<RegisterView> {
    let reg = super::registry(ctx)?;
    let filter = &with_spellings(&reg, filter);
    let today = ctx.now.today();
    let mut row_of = row_maker(ctx, &reg);
    let mut rows = Vec::new();
    let mut total = 0;
    // Read oldest first and turned round: sled walks a tree backwards several times slower.
    for m in ctx.store.register_row_models(false) {
        let m = m?;
        total += usize::from(!m.retracted);
        // Rows are made only when the filter may show them: most of 100,000 are not.
        if !filter.may_match(&m) {
            continue;
        }
        let r = row_of(m);
        if filter.matches(&r, today) {
            rows.push(r);
        }
    }
    rows.reverse();
    // The vector grew by doubling: up to a third of it spare for the register's lifetime.
    rows.shrink_to_fit();
    match sort {
        SortDue::Newest => {}
        // Stable sorts: rows with the same deadline stay newest first.
        SortDue::DueAsc => rows.sort_by_key(|r| (r.due.is_none(), r.due)),
        SortDue::DueDesc => rows.sort_by_key(|r| std::cmp::Reverse(r.due)),
    }
    Ok(RegisterView { rows, total })
}

/// The first `n` rows of `register_view` when they can be had without reading every row
/// (newest first: the newest rows that pass the filter); None for an order by deadline.
///
/// # Errors
/// `Store` when a row cannot be read or decoded.
pub fn register_first_screen(
    ctx: &Ctx,
    filter: &RegisterFilter,
    sort: SortDue,
    n: usize,
) -> Result<Option<Vec<RegisterRow>>> {
    if sort != SortDue::Newest {
        return Ok(None);
    }
    let reg = super::registry(ctx)?;
    let filter = &with_spellings(&reg, filter);
    let today = ctx.now.today();
    let mut row_of = row_maker(ctx, &reg);
    let mut rows = Vec::new();
    for m in ctx.store.register_row_models(true) {
        let m = m?;
        if !filter.may_match(&m) {
            continue;
        }
        let r = row_of(m);
        if filter.matches(&r, today) {
            rows.push(r);
            if rows.len() >= n {
                break;
            }
        }
    }
    Ok(Some(rows))
}

/// One row per finding, retracted ones included (marked), in id (creation) order: what the
/// TUI's worker holds while the register is open, answering each filter and order from it
/// (`register_select`).
///
/// # Errors
/// `Store` when a row cannot be read or decoded.
pub fn register_rows(ctx: &Ctx) -> Result<Vec<RegisterRow>> {
    let reg = super::registry(ctx)?;
    let mut row_of = row_maker(ctx, &reg);
    let mut rows = ctx
        .store
        .register_row_models(false)
        .map(|m| Ok(row_of(m?)))
        .collect::<Result<Vec<_>>>()?;
    // The vector grew by doubling: up to half of it spare for as long as the rows are held.
    rows.shrink_to_fit();
    Ok(rows)
}

/// Makes screen rows from stored row models: the line's Chinese name, the place's 风险等级
/// when it is 重大 or 较大 (issue 16), dates in the reader's calendar, and each facility,
/// department and line name held once for all the rows that name it (`Names`).
fn row_maker<'a>(ctx: &'a Ctx, reg: &'a Registry) -> impl FnMut(RowModel) -> RegisterRow + 'a {
    let line_names: BTreeMap<&str, &str> = ctx
        .catalog
        .lines
        .iter()
        .map(|l| (l.line.as_str(), l.name.as_str()))
        .collect();
    let risk = RiskLookup::new(reg);
    let now: &Now = &ctx.now;
    let mut names = Names::default();
    move |m: RowModel| {
        let line_name = line_names.get(m.line.as_str()).copied().unwrap_or(&m.line);
        RegisterRow {
            risk: risk.grade(m.id, &m.facility, &m.location),
            id: m.id,
            line_name: names.get(line_name),
            line: names.get(&m.line),
            facility: names.get(&m.facility),
            department: names.get(&m.department),
            description: m.description.into_boxed_str(),
            severity: m.severity,
            status: m.status,
            due: m.due,
            escalation: m.escalation,
            conflict: m.conflict,
            created: now.local_date(m.created_at),
            fixed_on_spot: m.fixed_on_spot,
            rectified_on: match m.status {
                Status::Rectified => m.rectified_at.map(|t| now.local_date(t)),
                _ => None,
            },
            number: m.number.as_deref().map(Code::from),
            retracted: m.retracted,
            retract_reason: names.get(&m.retract_reason),
        }
    }
}

/// Names shared by the rows of one register read: 100,000 hazards name a few hundred
/// facilities, departments and lines, so each distinct name is allocated once.
#[derive(Default)]
struct Names(HashSet<Name>);

impl Names {
    /// The shared copy of `name`, made on its first use.
    fn get(&mut self, name: &str) -> Name {
        if let Some(n) = self.0.get(name) {
            return n.clone();
        }
        let n: Name = name.into();
        self.0.insert(n.clone());
        n
    }
}

/// The filter with its facility standing for every spelling of that facility (one identity:
/// the registered entry and its merged spellings), so a facility's rows show whichever
/// spelling they were typed with.
pub(super) fn with_spellings(reg: &Registry, filter: &RegisterFilter) -> RegisterFilter {
    let mut f = filter.clone();
    if let Some(name) = &filter.facility
        && f.facility_spellings.is_empty()
    {
        f.facility_spellings = super::registry_pick::spellings(reg, name);
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    use crate::ops::test_support::demo_ctx;

    /// The register holds 100,000 rows at office scale: each name is held once, not per row,
    /// so the rows of one facility (department, line) point at the same text.
    #[test]
    fn rows_of_one_register_read_share_each_name() {
        let (_dir, ctx) = demo_ctx(60);
        let view = register_view(&ctx, &RegisterFilter::default(), SortDue::Newest).unwrap();
        assert!(view.rows.len() > 20, "{}", view.rows.len());
        let mut seen: HashMap<&str, &Name> = HashMap::new();
        let mut shared = 0;
        for r in &view.rows {
            for name in [&r.facility, &r.department, &r.line, &r.line_name] {
                let first = *seen.entry(&**name).or_insert(name);
                if !Name::same(first, name) {
                    panic!("{name} held twice");
                }
                shared += usize::from(!std::ptr::eq(first, name));
            }
        }
        // Fewer distinct names than rows: most names are shared.
        assert!(seen.len() < view.rows.len(), "{} names", seen.len());
        assert!(shared > 0);
        // The line's name comes from the catalog, not the line's id.
        assert!(view.rows.iter().any(|r| *r.line_name != *r.line));
    }

    /// The row stays compact (issue 14: 100,000 of them are held while the register is open).
    #[test]
    fn a_register_row_is_at_most_128_bytes() {
        assert!(
            std::mem::size_of::<RegisterRow>() <= 128,
            "{}",
            std::mem::size_of::<RegisterRow>()
        );
    }

    /// The rows of a whole read have no spare capacity kept for the register's lifetime.
    #[test]
    fn the_whole_list_keeps_no_spare_capacity() {
        let (_dir, ctx) = demo_ctx(60);
        let view = register_view(&ctx, &RegisterFilter::default(), SortDue::DueAsc).unwrap();
        assert_eq!(view.rows.capacity(), view.rows.len());
    }
}
