//! What the home figures and the register read, decoded from the views' JSON field by field
//! (issue 14): the figures need six fields of each open finding, the start, end and owners of
//! each inspection, and a register row fifteen fields of a finding, so the rest of each view
//! (measures, notes, history, answers) is skipped, not built. The rules are the domain's
//! (`Finding::overdue_on`, `due_in_force`, `review_waiting_over`, `is_conflicted`,
//! `Inspection::is_owner`); `tests` below checks each against them on the same views.

use super::{Ctx, RegisterRow, Result};
use crate::domain::{Escalation, Now, Severity, Stamp, Status};
use crate::store::StoreError;
use chrono::NaiveDate;
use serde::Deserialize;
use serde::de::IgnoredAny;
use uuid::Uuid;

/// The fields of a finding view that the home figures read.
#[derive(Debug, Deserialize)]
pub(super) struct FindingHead {
    pub line: String,
    pub status: Status,
    #[serde(default)]
    pub retracted: bool,
    due: Option<NaiveDate>,
    #[serde(default)]
    escalations: Vec<StepDue>,
    #[serde(default)]
    rectified_at: Option<Stamp>,
}

#[derive(Debug, Deserialize)]
struct StepDue {
    #[serde(default)]
    due: Option<NaiveDate>,
}

impl FindingHead {
    /// As `Finding::due_in_force`: the last 四书 step's own deadline, else 整改时限.
    fn due_in_force(&self) -> Option<NaiveDate> {
        self.escalations
            .iter()
            .rev()
            .find_map(|e| e.due)
            .or(self.due)
    }

    /// As `Finding::overdue_on` (`Stage::overdue_on`): 逾期未整改.
    pub fn overdue_on(&self, today: NaiveDate) -> bool {
        !self.retracted
            && self.status == Status::Open
            && self.due_in_force().is_some_and(|d| today > d)
    }

    /// Waiting for rectification and due on or before `soon`.
    pub fn open_due_by(&self, soon: NaiveDate) -> bool {
        self.status == Status::Open && self.due_in_force().is_some_and(|d| d <= soon)
    }

    /// As `Finding::review_waiting_over`: 待复查超过N天.
    pub fn review_waiting_over(&self, now: &Now, days: i64) -> bool {
        !self.retracted
            && self.status == Status::Rectified
            && self
                .rectified_at
                .is_some_and(|r| (now.today() - now.local_date(r)).num_days() > days)
    }
}

/// The findings waiting for rectification or for 复查 (status 待整改 and 待复查, not
/// retracted), read through the status index.
///
/// # Errors
/// `Store` when a view cannot be read or decoded.
pub(super) fn open_finding_heads(ctx: &Ctx) -> Result<Vec<FindingHead>> {
    let mut out = Vec::new();
    for (status, want) in [("open", Status::Open), ("rectified", Status::Rectified)] {
        ctx.store
            .for_each_finding_json_with_status(status, |bytes| {
                let head: FindingHead = decode(bytes)?;
                if head.status == want && !head.retracted {
                    out.push(head);
                }
                Ok(())
            })?;
    }
    Ok(out)
}

/// The fields of a finding view that make its register row.
#[derive(Debug, Deserialize)]
struct RowHead<'a> {
    id: Uuid,
    facility: String,
    department: String,
    /// 部位: with the facility, where a hazard's 风险等级 is looked up.
    #[serde(default)]
    location: String,
    #[serde(borrow)]
    line: std::borrow::Cow<'a, str>,
    description: String,
    severity: Severity,
    status: Status,
    due: Option<NaiveDate>,
    escalation: Option<Escalation>,
    #[serde(default)]
    escalations: Vec<StepDue>,
    #[serde(default)]
    conflicts: Vec<IgnoredAny>,
    #[serde(default)]
    step_conflicts: Vec<IgnoredAny>,
    created_at: Stamp,
    fixed_on_spot: bool,
    #[serde(default)]
    rectified_at: Option<Stamp>,
    #[serde(default)]
    retracted: bool,
    #[serde(default)]
    number: Option<crate::domain::Number>,
    #[serde(default)]
    retract_reason: String,
}

/// One register row per finding (retracted ones marked), in id (creation) order, as
/// `RegisterRow::from_finding` makes it from the full view; `line_name` names a line id.
///
/// # Errors
/// `Store` when a view cannot be read or decoded.
pub(super) fn register_rows(
    ctx: &Ctx,
    line_name: impl Fn(&str) -> String,
    risk: impl Fn(&str, &str) -> Option<crate::domain::RiskGrade>,
) -> Result<Vec<RegisterRow>> {
    let now = &ctx.now;
    let mut rows = Vec::new();
    ctx.store.for_each_finding_json(|bytes| {
        let f: RowHead = decode(bytes)?;
        let due = f.escalations.iter().rev().find_map(|e| e.due).or(f.due);
        rows.push(RegisterRow {
            risk: risk(&f.facility, &f.location),
            id: f.id,
            line_name: line_name(&f.line),
            line: f.line.into_owned(),
            facility: f.facility,
            department: f.department,
            description: f.description,
            severity: f.severity,
            status: f.status,
            due,
            escalation: f.escalation,
            conflict: !f.conflicts.is_empty() || !f.step_conflicts.is_empty(),
            created: now.local_date(f.created_at),
            fixed_on_spot: f.fixed_on_spot,
            rectified_on: match f.status {
                Status::Rectified => f.rectified_at.map(|t| now.local_date(t)),
                _ => None,
            },
            number: f.number.as_ref().map(|n| n.code()),
            retracted: f.retracted,
            retract_reason: f.retract_reason,
        });
        Ok(())
    })?;
    Ok(rows)
}

/// The fields of an inspection view that pick it for the home screen.
#[derive(Debug, Deserialize)]
pub(super) struct InspectionHead {
    pub id: Uuid,
    started_at: Stamp,
    finished_at: Option<Stamp>,
    started_by: String,
    inspectors: Vec<String>,
}

impl InspectionHead {
    /// As `Inspection::is_finished`.
    pub fn is_finished(&self) -> bool {
        self.finished_at.is_some()
    }

    /// As `Inspection::is_owner`: an inspector of it, or the person who started it.
    pub fn is_owner(&self, name: &str) -> bool {
        let name = name.trim();
        self.inspectors.iter().any(|i| i == name) || self.started_by == name
    }
}

/// Every inspection's head, newest first (as `Ctx::list_inspections` orders them).
///
/// # Errors
/// `Store` when a view cannot be read or decoded.
pub(super) fn inspection_heads(ctx: &Ctx) -> Result<Vec<InspectionHead>> {
    let mut v = Vec::new();
    ctx.store.for_each_inspection_json(|bytes| {
        v.push(decode::<InspectionHead>(bytes)?);
        Ok(())
    })?;
    v.sort_by(|a, b| b.started_at.cmp(&a.started_at).then(b.id.cmp(&a.id)));
    Ok(v)
}

fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> crate::store::Result<T> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt(format!("视图无法解析：{e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::domain::{Finding, Inspection};
    use crate::store::Store;

    fn now(text: &str) -> Now {
        Now(chrono::DateTime::parse_from_rfc3339(text).unwrap())
    }

    /// On a demo store (every status, deadlines past and near, 四书 deadlines, rectified
    /// findings waiting), each head's answer equals the full view's on several days.
    #[test]
    fn heads_answer_as_the_full_views_do() {
        let dir = tempfile::tempdir().unwrap();
        let made = now("2026-11-22T09:00:00+08:00");
        let mut ctx = Ctx::new(
            Store::open(dir.path()).unwrap(),
            Catalog::builtin(),
            made,
            "王建国",
        );
        crate::ops::demo(&mut ctx, 400).unwrap();
        let (mut checked, mut overdue, mut late) = (0, 0, 0);
        for day in [
            "2025-01-01T08:00:00+08:00",
            "2026-11-22T09:00:00+08:00",
            "2027-03-01T23:30:00-05:00",
        ] {
            let now = now(day);
            let today = now.today();
            ctx.store
                .for_each_finding_json(|bytes| {
                    let full: Finding = serde_json::from_slice(bytes).unwrap();
                    let head: FindingHead = serde_json::from_slice(bytes).unwrap();
                    assert_eq!(
                        head.overdue_on(today),
                        full.overdue_on(today),
                        "{}",
                        full.id
                    );
                    overdue += usize::from(full.overdue_on(today));
                    late += usize::from(full.review_waiting_over(&now, 7));
                    assert_eq!(
                        head.open_due_by(today),
                        full.status == Status::Open
                            && full.due_in_force().is_some_and(|d| d <= today)
                    );
                    for days in [0, 7, 30] {
                        assert_eq!(
                            head.review_waiting_over(&now, days),
                            full.review_waiting_over(&now, days)
                        );
                    }
                    checked += 1;
                    Ok(())
                })
                .unwrap();
        }
        assert!(
            checked > 1000 && overdue > 0 && late > 0,
            "{checked} {overdue} {late}"
        );
        let rows = register_rows(&ctx, |l| format!("线{l}"), |_, _| None).unwrap();
        let full: Vec<RegisterRow> = ctx
            .raw_store()
            .all_findings()
            .map(|f| f.unwrap())
            .map(|f| RegisterRow::from_finding(&f, &format!("线{}", f.line), &ctx.now))
            .collect();
        assert_eq!(rows, full);
        let heads = inspection_heads(&ctx).unwrap();
        let full = ctx.list_inspections().unwrap();
        assert_eq!(heads.len(), full.len());
        for (h, f) in heads.iter().zip(&full) {
            let f: &Inspection = f;
            assert_eq!(h.id, f.id);
            assert_eq!(h.is_finished(), f.is_finished());
            for name in ["王建国", " 王建国 ", "李四", ""] {
                assert_eq!(h.is_owner(name), f.is_owner(name));
            }
        }
    }
}
