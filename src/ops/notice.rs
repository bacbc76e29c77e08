//! Record numbers and the 四书 documents: 隐患编号 / 检查编号 for new records, and issuing a
//! notice (one 文号) for one or several hazards of a facility.

use super::{Ctx, OpsError, Result};
use crate::domain::{
    Escalation, Finding, Issued, NoticeHazard, Number, Org, Payload, Series, parse_date_input,
};
use chrono::{Datelike, Duration, NaiveDate};
use std::collections::HashMap;
use uuid::Uuid;

/// The next number of `series` on this device for the current year.
pub fn next_number(ctx: &Ctx, series: Series) -> Result<Number> {
    Ok(ctx.store.next_number(series, ctx.now.today().year())?)
}

/// The series a 四书 step's 文号 comes from.
pub fn series_of(level: Escalation) -> Series {
    match level {
        Escalation::Notice => Series::Notice,
        Escalation::Interview => Series::Interview,
        Escalation::Referral => Series::Referral,
    }
}

/// The hazard as a notice prints it, taken from the finding as it reads now.
pub fn notice_hazard(f: &Finding) -> NoticeHazard {
    NoticeHazard::of(f)
}

/// The 文号 of the earlier documents of a finding, oldest first.
pub fn earlier_wenhao(f: &Finding) -> Vec<String> {
    f.escalations
        .iter()
        .filter_map(|s| s.issued.as_ref().map(|i| i.wenhao.clone()))
        .collect()
}

/// Parses a typed deadline for a notice (`--due`), refusing one before today.
pub fn notice_due(ctx: &Ctx, text: &str) -> Result<NaiveDate> {
    let today = ctx.now.today();
    let d = parse_date_input(text, today).map_err(|e| OpsError::invalid("整改期限", e))?;
    if d < today {
        return Err(OpsError::invalid(
            "整改期限",
            format!("{d} 早于发文日期 {today}"),
        ));
    }
    Ok(d)
}

/// Issues the next 四书 document for one or several hazards of one facility under one 文号:
/// each finding gets an `Escalated` event carrying the document (文号, the issuer as the
/// profile stands, the deadline, the hazard as it reads), all in one write. `due` is the
/// deadline the document states (not before today); without one, for a 整改通知书 the deadline
/// in force if it has not passed, else today plus the severity's default days. The findings
/// must all be at the same step and of one facility. Any number may be listed: the document
/// prints as many as fit its one page, else a 附页 lists them all (`report::forms::notice`).
pub fn issue_notice(
    ctx: &mut Ctx,
    ids: &[Uuid],
    note: &str,
    due: Option<NaiveDate>,
) -> Result<Vec<Finding>> {
    let today = ctx.now.today();
    if ids.is_empty() {
        return Err(OpsError::invalid("隐患", "至少选择一条隐患"));
    }
    let mut findings = Vec::with_capacity(ids.len());
    for id in ids {
        if findings.iter().any(|f: &Finding| f.id == *id) {
            continue;
        }
        findings.push(ctx.finding_by_id(*id)?);
    }
    let level = findings[0].next_escalation(today)?;
    for f in &findings[1..] {
        let l = f.next_escalation(today)?;
        if l != level {
            return Err(OpsError::invalid(
                "隐患",
                format!(
                    "同一份文书只能是同一级：{} 应发{}，{} 应发{}",
                    label(&findings[0]),
                    level.label(),
                    label(f),
                    l.label()
                ),
            ));
        }
        if f.facility != findings[0].facility {
            return Err(OpsError::invalid(
                "隐患",
                format!(
                    "同一份文书只能发给一个单位：{}（{}）与 {}（{}）",
                    label(&findings[0]),
                    findings[0].facility,
                    label(f),
                    f.facility
                ),
            ));
        }
    }
    let number = next_number(ctx, series_of(level))?;
    let wenhao = number.wenhao(&ctx.org.agency_code);
    let org: Org = ctx.org.clone();
    let note = super::limited("督办说明", note, super::MAX_TEXT_CHARS)?;
    if let Some(d) = due
        && d < today
    {
        return Err(OpsError::invalid(
            "整改期限",
            format!("{d} 早于发文日期 {today}"),
        ));
    }
    let payloads = findings
        .iter()
        .map(|f| {
            let due = due.unwrap_or_else(|| match f.due_in_force() {
                Some(d) if level == Escalation::Notice && d >= today => d,
                _ => today + Duration::days(f.severity.default_days()),
            });
            Payload::Escalated {
                finding_id: f.id,
                level,
                note: note.clone(),
                due: Some(due),
                after: f.heads.clone(),
                issued: Some(Box::new(Issued {
                    number: number.clone(),
                    wenhao: wenhao.clone(),
                    org: org.clone(),
                    due: Some(due),
                    cites: earlier_wenhao(f),
                    hazard: notice_hazard(f),
                })),
            }
        })
        .collect();
    let author = ctx.author.clone();
    ctx.store.append(&author, &ctx.now, payloads)?;
    findings.iter().map(|f| ctx.finding_by_id(f.id)).collect()
}

fn label(f: &Finding) -> String {
    match &f.number {
        Some(n) => n.code(),
        None => f.id.simple().to_string()[24..].to_string(),
    }
}

/// Gives numbers to the demo's events, in time order, as the device would have: 检查编号,
/// 隐患编号, and the documents of its escalations (with the hazard as recorded). One action
/// at a time, so the demo never holds all of its events (issue 14).
pub struct DemoNumbers {
    offset: chrono::FixedOffset,
    org: Org,
    device: String,
    counters: HashMap<(Series, i32), u32>,
    /// Each hazard that may still be escalated, with the 文号 already issued for it.
    hazards: HashMap<Uuid, (NoticeHazard, Vec<String>)>,
}

impl DemoNumbers {
    /// Numbering that goes on from the store's own numbers of each series in `years` (the
    /// demo's whole span, read before it writes anything: read later, the store's count
    /// would already include the demo's first events).
    ///
    /// # Errors
    /// `Store` when the store's numbers cannot be read.
    pub fn new(ctx: &Ctx, years: std::ops::RangeInclusive<i32>) -> Result<DemoNumbers> {
        let mut counters = HashMap::new();
        for year in years {
            for series in Series::ALL {
                counters.insert((series, year), ctx.store.next_number(series, year)?.seq - 1);
            }
        }
        Ok(DemoNumbers {
            offset: *ctx.now.0.offset(),
            org: ctx.org.clone(),
            device: ctx.store.device_code(),
            counters,
            hazards: HashMap::new(),
        })
    }

    fn take(&mut self, series: Series, ms: i64) -> Number {
        let year = chrono::DateTime::from_timestamp_millis(ms)
            .unwrap_or_default()
            .with_timezone(&self.offset)
            .year();
        let seq = self.counters.entry((series, year)).or_insert(0);
        *seq += 1;
        Number {
            series,
            year,
            device: self.device.clone(),
            seq: *seq,
        }
    }

    /// Numbers the action `p` taken at `ms` (Unix ms); actions come in time order.
    pub fn number(&mut self, ms: i64, p: &mut Payload) {
        match p {
            Payload::InspectionStarted { number, .. } => {
                *number = Some(self.take(Series::Inspection, ms));
            }
            Payload::FindingRecorded {
                finding_id,
                number,
                facility,
                department,
                location,
                description,
                severity,
                measures,
                responsible,
                interim,
                fixed_on_spot,
                ..
            } => {
                let n = self.take(Series::Finding, ms);
                // A hazard fixed on the spot is never escalated (`demo::finding`).
                if !*fixed_on_spot {
                    let place = [department.as_str(), location.as_str()]
                        .into_iter()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(" / ");
                    let hazard = NoticeHazard {
                        number: n.code(),
                        facility: facility.clone(),
                        place,
                        description: description.clone(),
                        severity: *severity,
                        measures: measures.clone(),
                        responsible: responsible.clone(),
                        interim: interim.clone(),
                    };
                    self.hazards.insert(*finding_id, (hazard, vec![]));
                }
                *number = Some(n);
            }
            // The demo escalates only hazards never rectified (`demo::finding`): one that
            // passed its review is done with.
            Payload::Verified {
                finding_id,
                passed: true,
                ..
            } => {
                self.hazards.remove(finding_id);
            }
            Payload::Escalated {
                finding_id,
                level,
                issued,
                ..
            } => {
                if !self.hazards.contains_key(finding_id) {
                    return;
                }
                let number = self.take(series_of(*level), ms);
                let wenhao = number.wenhao(&self.org.agency_code);
                let day = chrono::DateTime::from_timestamp_millis(ms)
                    .unwrap_or_default()
                    .with_timezone(&self.offset)
                    .date_naive();
                let Some((hazard, cites)) = self.hazards.get_mut(finding_id) else {
                    return;
                };
                *issued = Some(Box::new(Issued {
                    number,
                    wenhao: wenhao.clone(),
                    org: self.org.clone(),
                    due: Some(day + Duration::days(hazard.severity.default_days())),
                    cites: cites.clone(),
                    hazard: hazard.clone(),
                }));
                cites.push(wenhao);
            }
            _ => {}
        }
    }
}
