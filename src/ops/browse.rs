//! Browsing everything, not only what home shows (issue 11, point 3): every inspection, and
//! every facility named in findings or inspections with its hazard counts.

use super::views::{InspectionSummary, inspection_summary};
use super::{Ctx, Result};
use crate::domain::Status;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// One facility as the office knows it: the name as recorded (in inspections and in
/// findings), its inspections, and its hazards by state. Retracted hazards are not counted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FacilityRow {
    /// The registered name, or the name as typed when it is not registered.
    pub name: String,
    /// The registry entry (issue 16); None for a name typed on records only (offered for
    /// registration in the browser, `xuncha facility import`).
    pub registered: Option<uuid::Uuid>,
    /// Every spelling its records may carry: the registered name and its merged spellings
    /// (empty for a typed name: it stands for itself). The browser opens the facility's
    /// inspections and hazards under all of them.
    pub spellings: Vec<String>,
    /// Inspections of this facility.
    pub inspections: usize,
    /// Local start date of its newest inspection; None when only findings name it.
    pub last_inspected: Option<NaiveDate>,
    /// 待整改 (not yet rectified), overdue ones included.
    pub open: usize,
    /// 逾期未整改: waiting for rectification past the deadline in force (issue 10).
    pub overdue: usize,
    /// 待复查.
    pub rectified: usize,
    /// 已销号.
    pub closed: usize,
}

/// Every inspection, newest first (start time, then id), summarised as home shows them.
///
/// # Errors
/// `Store` when a view cannot be read.
pub fn all_inspections(ctx: &Ctx) -> Result<Vec<InspectionSummary>> {
    // Summarised as read: the answers of 12,500 inspections are never held at once.
    ctx.inspections_newest_first(|i| inspection_summary(ctx, &i))
}

/// Every registered facility and every name typed on an inspection or a finding, as one list:
/// records typed with a registered name or a merged spelling count for that facility; a name
/// not registered is its own row (`registered` None). The most recently inspected first, then
/// the rest by name. A full scan of the findings.
///
/// # Errors
/// `Store` when a view cannot be read.
pub fn facility_rows(ctx: &Ctx) -> Result<Vec<FacilityRow>> {
    let today = ctx.now.today();
    let reg = super::registry(ctx)?;
    // A name typed on a record counts for the registered facility it names (its name or a
    // merged spelling); looked up once per distinct name.
    let mut owner: std::collections::HashMap<String, (String, Option<uuid::Uuid>)> =
        std::collections::HashMap::new();
    let mut key = |name: &str| {
        owner
            .entry(name.to_string())
            .or_insert_with(|| match reg.by_name(name) {
                Some(f) => (f.name.clone(), Some(f.id)),
                None => (name.to_string(), None),
            })
            .clone()
    };
    let mut rows: BTreeMap<String, FacilityRow> = BTreeMap::new();
    for f in reg.active() {
        rows.insert(
            f.name.clone(),
            FacilityRow {
                name: f.name.clone(),
                registered: Some(f.id),
                spellings: super::registry_pick::spellings(&reg, &f.name),
                ..Default::default()
            },
        );
    }
    for (facility, started_at) in ctx.inspections_newest_first(|i| (i.facility, i.started_at))? {
        let (name, registered) = key(&facility);
        let r = rows.entry(name.clone()).or_insert_with(|| FacilityRow {
            name,
            registered,
            ..Default::default()
        });
        r.inspections += 1;
        let day = ctx.now.local_date(started_at);
        if r.last_inspected.is_none_or(|d| day > d) {
            r.last_inspected = Some(day);
        }
    }
    for f in ctx.store.all_findings() {
        let f = f?;
        if f.retracted {
            continue;
        }
        let (name, registered) = key(&f.facility);
        let r = rows.entry(name.clone()).or_insert_with(|| FacilityRow {
            name,
            registered,
            ..Default::default()
        });
        match f.status {
            Status::Open => {
                r.open += 1;
                if f.overdue_on(today) {
                    r.overdue += 1;
                }
            }
            Status::Rectified => r.rectified += 1,
            Status::Closed => r.closed += 1,
        }
    }
    let mut v: Vec<FacilityRow> = rows.into_values().collect();
    v.sort_by(|a, b| {
        b.last_inspected
            .cmp(&a.last_inspected)
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(v)
}
