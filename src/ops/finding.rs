//! Findings: record, edit, and the closed loop (rectify → verify → close, escalate).

use super::{
    Ctx, Input, MAX_NAME_CHARS, MAX_TEXT_CHARS, OpsError, Result, clean, limited, required,
    required_max,
};
use crate::domain::{EventRef, Field, Finding, Payload, Severity, Signer, parse_date_input};
use chrono::{Duration, NaiveDate};
use uuid::Uuid;

#[derive(Debug, Clone, Default)]
pub struct NewFinding {
    pub inspection: Option<Uuid>,
    pub item_id: Option<String>,
    /// Needed only without an item, when the inspection covers several lines.
    pub line: Option<String>,
    /// Needed only without an inspection.
    pub facility: Option<String>,
    pub department: Option<String>,
    pub description: String,
    pub location: String,
    pub severity: Option<Severity>,
    pub measures: String,
    pub due: Option<NaiveDate>,
    pub responsible: String,
    pub fixed_on_spot: bool,
    /// 隐患类别.
    pub category: String,
    /// 临时防范措施.
    pub interim: String,
    /// 整改资金.
    pub funds: String,
}

/// Records a finding: checks every field, appends one `FindingRecorded` event and flushes.
///
/// # Errors
/// `Invalid` naming the field (unknown item or line, empty description, due before today...);
/// `NotFound` for an unknown inspection; `Store` when the log cannot be written.
pub fn record_finding(ctx: &mut Ctx, new: NewFinding) -> Result<Finding> {
    // A 部位 that names one registered place of the facility is linked to it (issue 16).
    Ok(super::record_finding_at(ctx, new, super::PlaceIntent::Auto)?.finding)
}

/// Checks a new finding and returns its id and the event that records it (nothing written).
pub(crate) fn finding_payload(ctx: &mut Ctx, new: NewFinding) -> Result<(Uuid, Payload)> {
    let today = ctx.now.today();
    let insp = match new.inspection {
        Some(id) => Some(ctx.store.inspection(id)?.ok_or(OpsError::NotFound {
            what: "检查",
            id: id.to_string(),
        })?),
        None => None,
    };
    // Like the TUI's checklist (issue 11, W10): a finished inspection's record is closed.
    if insp.as_ref().is_some_and(|i| i.is_finished()) {
        return Err(OpsError::invalid(
            Input::Inspection,
            "该检查已结束，不能再登记隐患；新发现的隐患请新开一次检查后登记",
        ));
    }
    let item = match new
        .item_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(id) => Some(
            ctx.catalog
                .item(id)
                .ok_or_else(|| OpsError::invalid("检查项", format!("未知检查项「{id}」")))?
                .clone(),
        ),
        None => None,
    };
    let line = match (&item, &new.line, &insp) {
        (Some(item), _, _) => item.line.clone(),
        (None, Some(l), _) => ctx.resolve_line(Input::Line, &clean(l))?,
        (None, None, Some(i)) if i.lines.len() == 1 => i.lines[0].clone(),
        _ => {
            return Err(OpsError::invalid(
                "防线",
                "未指定检查项时须注明隐患属于哪道防线",
            ));
        }
    };
    if let (Some(i), None) = (&insp, &item)
        && !i.lines.contains(&line)
    {
        return Err(OpsError::invalid(
            "防线",
            format!("防线 {line} 不在本次检查的防线（{}）中", i.lines.join("、")),
        ));
    }
    if let (Some(i), Some(item)) = (&insp, &item)
        && !i.lines.contains(&item.line)
    {
        return Err(OpsError::invalid(
            "检查项",
            format!(
                "检查项「{}」属于防线 {}，不在本次检查的防线（{}）中",
                item.id,
                item.line,
                i.lines.join("、")
            ),
        ));
    }
    let facility = match (&insp, &new.facility) {
        (Some(i), _) => i.facility.clone(),
        (None, Some(f)) => required_max("单位", f, MAX_NAME_CHARS)?,
        (None, None) => {
            return Err(OpsError::invalid("检查", "隐患须属于一次检查或注明单位"));
        }
    };
    let department = match &new.department {
        Some(d) => limited("科室", d, MAX_NAME_CHARS)?,
        None => insp
            .as_ref()
            .and_then(|i| i.departments.first().cloned())
            .unwrap_or_default(),
    };
    let description = required("问题隐患", &new.description)?;
    let severity = new
        .severity
        .or(item.as_ref().map(|i| i.severity))
        .unwrap_or(Severity::General);
    let mut measures = limited("整改措施", &new.measures, MAX_TEXT_CHARS)?;
    let location = limited("部位", &new.location, MAX_NAME_CHARS)?;
    let responsible = limited("责任单位及人员", &new.responsible, MAX_NAME_CHARS)?;
    if measures.is_empty()
        && let Some(item) = &item
    {
        measures = item.measures.clone();
    }
    let due = match new.due {
        // Fixed on the spot: closed at once, so no deadline is kept (a face may still send
        // the pre-filled one).
        _ if new.fixed_on_spot => None,
        Some(d) if d < today => {
            return Err(OpsError::invalid(
                "整改时限",
                format!("{d} 早于发现日期 {today}"),
            ));
        }
        Some(d) => Some(d),
        None if new.fixed_on_spot => None,
        None => Some(today + Duration::days(severity.default_days())),
    };
    let id = Uuid::now_v7();
    let category = limited("隐患类别", &new.category, MAX_NAME_CHARS)?;
    let interim = limited("临时防范措施", &new.interim, MAX_TEXT_CHARS)?;
    let funds = limited("整改资金", &new.funds, MAX_NAME_CHARS)?;
    let number = super::next_number(ctx, crate::domain::Series::Finding)?;
    Ok((
        id,
        Payload::FindingRecorded {
            finding_id: id,
            inspection_id: insp.map(|i| i.id),
            facility,
            department,
            location,
            line,
            item_id: item.map(|i| i.id),
            description,
            severity,
            measures,
            due,
            responsible,
            fixed_on_spot: new.fixed_on_spot,
            number: Some(number),
            category,
            interim,
            funds,
        },
    ))
}

/// Validates the text for a field and returns it in stored form.
fn field_value(ctx: &Ctx, f: &Finding, field: Field, value: &str) -> Result<String> {
    let label = field.label();
    Ok(match field {
        Field::Description => required(label, value)?,
        Field::Severity => value
            .parse::<Severity>()
            .map_err(|e| OpsError::invalid(label, e.to_string()))?
            .id()
            .to_string(),
        Field::Due => {
            let d = parse_date_input(value, ctx.now.today())
                .map_err(|e| OpsError::invalid(label, e))?;
            let found = ctx.now.local_date(f.created_at);
            if d < found {
                return Err(OpsError::invalid(
                    label,
                    format!("{d} 早于发现日期 {found}"),
                ));
            }
            d.to_string()
        }
        Field::Measures | Field::Interim => limited(label, value, MAX_TEXT_CHARS)?,
        Field::Location
        | Field::Department
        | Field::Responsible
        | Field::Category
        | Field::Funds => limited(label, value, MAX_NAME_CHARS)?,
    })
}

/// Edits one field. The edit supersedes the value(s) the editor saw, so it also settles a
/// conflict on that field.
pub fn set_field(ctx: &mut Ctx, id: Uuid, field: Field, value: &str) -> Result<Finding> {
    let f = ctx.finding_by_id(id)?;
    if f.retracted {
        return Err(crate::domain::LifecycleError::Retracted { action: "修改" }.into());
    }
    let value = field_value(ctx, &f, field, value)?;
    let supersedes = f.versions.get(&field).cloned().unwrap_or_default();
    append(
        ctx,
        Payload::FieldSet {
            finding_id: id,
            field,
            value,
            supersedes,
            after: f.heads.clone(),
        },
    )?;
    ctx.finding_by_id(id)
}

/// Settles a conflict by choosing (or typing) the value that stands.
pub fn settle_conflict(ctx: &mut Ctx, id: Uuid, field: Field, value: &str) -> Result<Finding> {
    set_field(ctx, id, field, value)
}

fn append(ctx: &mut Ctx, p: Payload) -> Result<()> {
    let author = ctx.author.clone();
    ctx.store.append(&author, &ctx.now, vec![p])?;
    Ok(())
}

pub fn rectify(ctx: &mut Ctx, id: Uuid, note: &str) -> Result<Finding> {
    rectify_completed(ctx, id, note, None)
}

/// Records a rectification with its 实际完成日期 when the facility finished earlier than the
/// day it is recorded (not before the hazard was found, not after today).
pub fn rectify_completed(
    ctx: &mut Ctx,
    id: Uuid,
    note: &str,
    completed_on: Option<NaiveDate>,
) -> Result<Finding> {
    rectify_reported(ctx, id, note, completed_on, None)
}

/// As [`rectify_completed`], with the facility's 整改报告人 by name and role (issue 18; see
/// `signoff::signer` for what is accepted).
pub fn rectify_reported(
    ctx: &mut Ctx,
    id: Uuid,
    note: &str,
    completed_on: Option<NaiveDate>,
    reported_by: Option<Signer>,
) -> Result<Finding> {
    let p = rectify_payload(ctx, id, note, completed_on, reported_by)?;
    append(ctx, p)?;
    ctx.finding_by_id(id)
}

/// Checks a rectification and returns the event that records it (nothing written).
pub(crate) fn rectify_payload(
    ctx: &Ctx,
    id: Uuid,
    note: &str,
    completed_on: Option<NaiveDate>,
    reported_by: Option<Signer>,
) -> Result<Payload> {
    let f = ctx.finding_by_id(id)?;
    if let Some(d) = completed_on {
        let found = ctx.now.local_date(f.created_at);
        let today = ctx.now.today();
        if d < found || d > today {
            return Err(OpsError::invalid(
                "实际完成日期",
                format!("{d} 应在发现日期 {found} 与今天 {today} 之间"),
            ));
        }
    }
    f.can_rectify()?;
    let note = required("整改落实情况", note)?;
    Ok(Payload::Rectified {
        finding_id: id,
        note,
        completed_on,
        after: f.heads.clone(),
        reported_by,
    })
}

pub fn verify(ctx: &mut Ctx, id: Uuid, passed: bool, note: &str) -> Result<Finding> {
    verify_signed(ctx, id, passed, note, None)
}

/// As [`verify`], with the 复查人 by name and role (issue 18).
pub fn verify_signed(
    ctx: &mut Ctx,
    id: Uuid,
    passed: bool,
    note: &str,
    verifier: Option<Signer>,
) -> Result<Finding> {
    let f = ctx.finding_by_id(id)?;
    let note = limited("复查情况", note, MAX_TEXT_CHARS)?;
    f.can_verify(passed, &note)?;
    append(
        ctx,
        Payload::Verified {
            finding_id: id,
            passed,
            note,
            verifier,
            after: f.heads.clone(),
        },
    )?;
    ctx.finding_by_id(id)
}

/// Issues the next 四书 step (seed 003 (二十一)) with its own deadline, as a document of its own
/// (one 文号, see `issue_notice`). `due` is the deadline the book sets; without it: for the
/// 整改通知书 the deadline in force if it has not passed, otherwise today plus the severity's
/// default days. The deadline may not be before today.
pub fn escalate(ctx: &mut Ctx, id: Uuid, note: &str, due: Option<NaiveDate>) -> Result<Finding> {
    super::issue_notice(ctx, &[id], note, due)?;
    ctx.finding_by_id(id)
}

/// Settles crossing lifecycle steps: `keep` is the step that stands; the other step of each
/// unsettled pair that contains it is dropped (it stays in the history as not adopted).
pub fn settle_steps(ctx: &mut Ctx, id: Uuid, keep: EventRef, note: &str) -> Result<Finding> {
    let f = ctx.finding_by_id(id)?;
    let dropped: Vec<EventRef> = f
        .step_conflicts
        .iter()
        .filter_map(|c| {
            let [a, b] = &c.steps;
            if a.event == keep {
                Some(b.event)
            } else if b.event == keep {
                Some(a.event)
            } else {
                None
            }
        })
        .collect();
    if dropped.is_empty() {
        return Err(OpsError::invalid(
            "裁定",
            if f.step_conflicts.is_empty() {
                "该隐患没有待裁定的冲突步骤".to_string()
            } else {
                "所选步骤不在待裁定的冲突中".to_string()
            },
        ));
    }
    append(
        ctx,
        Payload::Settled {
            finding_id: id,
            dropped,
            note: limited("裁定说明", note, MAX_TEXT_CHARS)?,
            after: f.heads.clone(),
        },
    )?;
    ctx.finding_by_id(id)
}

pub fn comment(ctx: &mut Ctx, id: Uuid, text: &str) -> Result<Finding> {
    ctx.finding_by_id(id)?;
    let text = required("备注", text)?;
    append(
        ctx,
        Payload::Commented {
            finding_id: id,
            text,
        },
    )?;
    ctx.finding_by_id(id)
}

pub fn retract(ctx: &mut Ctx, id: Uuid, reason: &str) -> Result<Finding> {
    let p = retract_payload(ctx, id, reason)?;
    append(ctx, p)?;
    ctx.finding_by_id(id)
}

/// Checks a retraction and returns the event that records it (nothing written).
pub(crate) fn retract_payload(ctx: &Ctx, id: Uuid, reason: &str) -> Result<Payload> {
    let f = ctx.finding_by_id(id)?;
    if f.retracted {
        return Err(crate::domain::LifecycleError::Retracted {
            action: "再次撤销"
        }
        .into());
    }
    let reason = required("撤销原因", reason)?;
    Ok(Payload::Retracted {
        finding_id: id,
        reason,
        after: f.heads.clone(),
    })
}
