//! The read models both faces show: home figures, the checklist of an inspection, register
//! rows, facilities seen, sync state. Each is one function over the context.

use super::{Code, Ctx, Name, OpsError, Result};
use crate::catalog::Item;
use crate::domain::{
    Escalation, Finding, FindingQuery, Inspection, Mode, Now, Severity, Stage, Status,
};
use chrono::{Duration, NaiveDate};
use std::collections::BTreeMap;
use std::path::Path;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub struct LineInfo {
    pub id: String,
    pub name: String,
    pub core: bool,
    pub items: usize,
    /// (item id, check text) of the line's items, so screens can name an item in Chinese.
    pub checks: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineCount {
    pub id: String,
    pub name: String,
    pub open: usize,
    /// 逾期未整改.
    pub overdue: usize,
    /// Waiting for rectification, due within 7 days.
    pub due_soon: usize,
    /// 待复查超过N天: the office's own backlog (N is `Ctx::review_days`).
    pub review_late: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InspectionSummary {
    pub id: Uuid,
    pub facility: String,
    pub mode: Mode,
    pub started: NaiveDate,
    pub line_names: Vec<String>,
    pub answered: usize,
    pub total: usize,
    pub finished: bool,
    /// Its inspectors (those named at the start and those who joined).
    pub inspectors: Vec<String>,
    /// Whether the acting person is one of them (or started it).
    pub mine: bool,
    /// Items answered differently on two devices, not yet settled.
    pub conflicts: usize,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SyncInfo {
    /// When this device last synced, as shown ("尚未同步" when never).
    pub last: Option<String>,
    /// Own events not yet exported.
    pub unsynced: u64,
    /// The folder to offer: the configured one, else the one used last.
    pub dir: Option<String>,
    /// Why this device stopped writing (a cloned or restored data dir), if it did.
    pub frozen: Option<String>,
    /// Per other device, by name: when it last synced and whether it holds our events.
    pub peers: Vec<String>,
    /// The organisation's roster at work: whether this store belongs to one, and the events
    /// held aside for approval (`ops::trust_lines`).
    pub trust: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct HomeData {
    pub lines: Vec<LineCount>,
    /// My unfinished inspections (未完成).
    pub unfinished: Vec<InspectionSummary>,
    /// Other people's unfinished inspections (他人进行中), read-only.
    pub others: Vec<InspectionSummary>,
    pub recent: Vec<InspectionSummary>,
    /// N of the 待复查超过N天 column.
    pub review_days: i64,
    pub sync: SyncInfo,
    /// 特种设备 超期未检 / 30天内到期 / 证书过期 counts (issue 17).
    pub equipment_due: super::DueCounts,
    /// The rules of frequency short now ("今晚 氧气储瓶间 夜间巡查 1/2", "本季度尚未四不两直
    /// 抽查：7 家"); empty without registered facilities.
    pub plan: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ChecklistData {
    pub inspection: Inspection,
    pub items: Vec<Item>,
    /// (line id, line name) in checklist order.
    pub line_names: Vec<(String, String)>,
    /// Findings recorded per item in this inspection.
    pub findings: BTreeMap<String, usize>,
    /// Every live (not retracted) finding of this inspection, oldest first: what the checklist
    /// opens with `f`, asks about when a failed item is passed, and counts in the summary.
    pub hazards: Vec<HazardBrief>,
}

/// One finding of an inspection, as the checklist needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct HazardBrief {
    pub id: Uuid,
    /// None for a hazard outside the checklist.
    pub item_id: Option<String>,
    pub severity: Severity,
    pub status: Status,
    pub fixed_on_spot: bool,
}

/// One hazard as the register lists it: only what its columns, filters and lifecycle keys need
/// (the detail reads the whole finding on demand). 100,000 of these are held while the register
/// is open (issue 14), so the row is compact: names shared between rows (`Name`, one per
/// distinct facility, department or line in a register read) and texts without spare capacity
/// (`Box<str>`), the 隐患编号 in place (`Code`): 232 → 160 → 128 bytes a row, and no allocation
/// but the description's.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisterRow {
    pub id: Uuid,
    pub facility: Name,
    pub department: Name,
    /// The line's id (`消防`, or a custom line's id).
    pub line: Name,
    /// The line's name in the catalog; its id when the catalog has no such line.
    pub line_name: Name,
    pub description: Box<str>,
    pub severity: Severity,
    pub status: Status,
    pub due: Option<NaiveDate>,
    pub escalation: Option<Escalation>,
    pub conflict: bool,
    pub created: NaiveDate,
    pub fixed_on_spot: bool,
    /// Local date of the rectification while it waits for 复查.
    pub rectified_on: Option<NaiveDate>,
    /// The 风险等级 of the place it was found at, when that is 重大 or 较大 (red or orange):
    /// such hazards are marked in the register.
    pub risk: Option<crate::domain::RiskGrade>,
    /// The 隐患编号 (`YH-2026-A3K-0007`); None for a record from before numbers.
    pub number: Option<Code>,
    /// 已撤销: listed only when the register's filter asks for retracted hazards.
    pub retracted: bool,
    /// Shared like the names: most rows have none, and the empty text is held once.
    pub retract_reason: Name,
}

impl RegisterRow {
    /// The row of one finding read whole (after a change in the detail; tests), its names not
    /// shared with other rows.
    pub fn from_finding(f: &Finding, line_name: &str, now: &Now) -> RegisterRow {
        RegisterRow {
            id: f.id,
            facility: f.facility.as_str().into(),
            department: f.department.as_str().into(),
            line: f.line.as_str().into(),
            line_name: line_name.into(),
            description: f.description.as_str().into(),
            severity: f.severity,
            status: f.status,
            due: f.due_in_force(),
            escalation: f.escalation,
            conflict: f.is_conflicted(),
            created: now.local_date(f.created_at),
            fixed_on_spot: f.fixed_on_spot,
            rectified_on: match f.status {
                Status::Rectified => f.rectified_at.map(|t| now.local_date(t)),
                _ => None,
            },
            risk: None,
            number: f.number.as_ref().map(|n| n.code().as_str().into()),
            retracted: f.retracted,
            retract_reason: f.retract_reason.as_str().into(),
        }
    }

    /// The row's lifecycle stage (a retracted row refuses every step). `due` is the deadline
    /// in force.
    pub fn stage(&self) -> Stage {
        Stage {
            status: self.status,
            retracted: self.retracted,
            due: self.due,
            escalation: self.escalation,
            fixed_on_spot: self.fixed_on_spot,
            rectified_on: self.rectified_on,
        }
    }

    pub fn overdue_on(&self, today: NaiveDate) -> bool {
        self.stage().overdue_on(today)
    }
}

/// The last sync, the events not yet synced, and the folder to offer (the configured one,
/// else the one used last). Cheap: a few meta reads.
pub fn sync_info(ctx: &Ctx, configured: Option<&Path>) -> Result<SyncInfo> {
    let st = crate::sync::status(&ctx.store)?;
    Ok(SyncInfo {
        last: st.last_sync.map(|at| {
            at.with_timezone(ctx.now.0.offset())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        }),
        unsynced: st.unsynced_events,
        dir: configured.map(|d| d.display().to_string()).or(st.last_dir),
        frozen: st.frozen,
        peers: super::peer_lines(ctx, &ctx.store.peer_statuses()?),
        trust: super::trust_lines(ctx)?,
    })
}

/// Every line the catalog knows, in order, with its items' check texts.
pub fn line_infos(ctx: &Ctx) -> Vec<LineInfo> {
    ctx.catalog
        .lines
        .iter()
        .map(|l| LineInfo {
            id: l.line.clone(),
            name: l.name.clone(),
            core: l.core,
            items: l.sections.iter().map(|s| s.items.len()).sum(),
            checks: l
                .sections
                .iter()
                .flat_map(|s| s.items.iter())
                .map(|i| (i.id.clone(), i.check.clone()))
                .collect(),
        })
        .collect()
}

/// Home's figures: open, 逾期未整改, due-soon and 待复查超过N天 findings per line (from the status
/// index, no full scan); my unfinished inspections, other people's (他人进行中) and recent
/// finished ones; and the sync state.
///
/// # Errors
/// `Store` when a view cannot be read.
pub fn home(ctx: &Ctx, configured_sync: Option<&Path>) -> Result<HomeData> {
    let today = ctx.now.today();
    let soon = today + Duration::days(7);
    let mut counts: Vec<LineCount> = ctx
        .catalog
        .lines
        .iter()
        .map(|l| LineCount {
            id: l.line.clone(),
            name: l.name.clone(),
            ..Default::default()
        })
        .collect();
    // Only findings waiting count, read from counters kept current with the log (one per
    // line, deadline and day of rectification; issue 14), never from the views.
    let offset = *ctx.now.0.offset();
    let mut waiting = ctx.store.waiting_counts()?;
    // Lines outside the catalog come in line-id order.
    waiting.sort_by(|a, b| a.line.cmp(&b.line));
    for w in waiting {
        let i = match counts.iter().position(|c| c.id == w.line) {
            Some(i) => i,
            None => {
                counts.push(LineCount {
                    id: w.line.clone(),
                    name: w.line.clone(),
                    ..Default::default()
                });
                counts.len() - 1
            }
        };
        let n = w.count as usize;
        let c = &mut counts[i];
        c.open += n;
        // 逾期未整改 and 7日内到期 count findings waiting for rectification only (issue 10);
        // the rules are `Stage::overdue_on` and `Finding::review_waiting_over`.
        match w.status {
            Status::Open => match w.due {
                Some(d) if today > d => c.overdue += n,
                Some(d) if d <= soon => c.due_soon += n,
                _ => {}
            },
            _ => {
                if w.rectified
                    .is_some_and(|r| (today - r.date(&offset)).num_days() > ctx.review_days)
                {
                    c.review_late += n;
                }
            }
        }
    }
    // The seven lines always show; an extra line only while it has something open, and more
    // than two such extra lines are summed in one row (the register has them one by one), so
    // the home screen keeps room for the inspections at 80x24 however many extra lines exist.
    let is_core = |c: &LineCount| ctx.catalog.line(&c.id).is_some_and(|l| l.core);
    counts.retain(|c| c.open > 0 || is_core(c));
    let extras: Vec<LineCount> = counts.iter().filter(|c| !is_core(c)).cloned().collect();
    if extras.len() > 2 {
        counts.retain(is_core);
        counts.push(LineCount {
            id: String::new(),
            name: format!("扩展清单（{} 道）", extras.len()),
            open: extras.iter().map(|c| c.open).sum(),
            overdue: extras.iter().map(|c| c.overdue).sum(),
            due_soon: extras.iter().map(|c| c.due_soon).sum(),
            review_late: extras.iter().map(|c| c.review_late).sum(),
        });
    }
    let mut unfinished = Vec::new();
    let mut others = Vec::new();
    let mut recent = Vec::new();
    // Newest first, from the inspection marks (issue 14): every unfinished one (few), then
    // finished ones until 8 are shown; only the inspections shown are decoded whole.
    for mark in ctx.store.inspection_marks_newest(false) {
        let mark = mark?;
        let list = if mark.is_owner(&ctx.author) {
            &mut unfinished
        } else {
            &mut others
        };
        if list.len() < 10
            && let Some(i) = ctx.inspection_by_id(mark.id)?
        {
            list.push(inspection_summary(ctx, &i));
        }
        if unfinished.len() >= 10 && others.len() >= 10 {
            break;
        }
    }
    for mark in ctx.store.inspection_marks_newest(true).take(8) {
        if let Some(i) = ctx.inspection_by_id(mark?.id)? {
            recent.push(inspection_summary(ctx, &i));
        }
    }
    Ok(HomeData {
        lines: counts,
        unfinished,
        others,
        recent,
        review_days: ctx.review_days,
        sync: sync_info(ctx, configured_sync)?,
        equipment_due: super::due_counts(ctx)?,
        plan: super::plan_panel(ctx)?,
    })
}

/// One inspection as home and the inspection browser list it.
pub(crate) fn inspection_summary(ctx: &Ctx, i: &Inspection) -> InspectionSummary {
    InspectionSummary {
        id: i.id,
        facility: i.facility.clone(),
        mode: i.mode,
        started: ctx.now.local_date(i.started_at),
        line_names: i
            .lines
            .iter()
            .map(|l| ctx.catalog.line_name(l).to_string())
            .collect(),
        answered: i.answers.len(),
        total: ctx.items_of_inspection(i).len(),
        finished: i.is_finished(),
        inspectors: i.inspectors.clone(),
        mine: i.is_owner(&ctx.author),
        conflicts: i.answer_conflicts.len(),
    }
}

/// An inspection with its items (in checklist order), line names and hazards per item.
///
/// # Errors
/// `NotFound` for an unknown inspection; `Store` when a view cannot be read.
pub fn checklist(ctx: &Ctx, id: Uuid) -> Result<ChecklistData> {
    let inspection = ctx.store.inspection(id)?.ok_or(OpsError::NotFound {
        what: "检查",
        id: id.to_string(),
    })?;
    // Each line as the inspection used it (an old inspection keeps its version), in catalog order.
    let mut lines = inspection.lines.clone();
    lines.sort_by_key(|l| {
        ctx.catalog
            .lines
            .iter()
            .position(|c| &c.line == l)
            .unwrap_or(usize::MAX)
    });
    let items = lines
        .iter()
        .filter_map(|l| ctx.checklist_for(&inspection, l))
        .flat_map(|c| c.items().cloned().collect::<Vec<_>>())
        .collect();
    let line_names = inspection
        .lines
        .iter()
        .map(|l| (l.clone(), ctx.catalog.line_name(l).to_string()))
        .collect();
    let mut findings = BTreeMap::new();
    let q = FindingQuery {
        inspection: Some(id),
        ..Default::default()
    };
    let mut hazards = Vec::new();
    for f in ctx.list_findings(&q)? {
        hazards.push(HazardBrief {
            id: f.id,
            item_id: f.item_id.clone(),
            severity: f.severity,
            status: f.status,
            fixed_on_spot: f.fixed_on_spot,
        });
        if let Some(item) = f.item_id {
            *findings.entry(item).or_insert(0) += 1;
        }
    }
    // UUIDv7: the id orders by creation.
    hazards.sort_by_key(|h| h.id);
    Ok(ChecklistData {
        inspection,
        items,
        line_names,
        findings,
        hazards,
    })
}

/// Facilities inspected before, latest visit first, then the registered ones not inspected yet.
///
/// # Errors
/// `Store` when a view cannot be read.
pub fn facilities(ctx: &Ctx) -> Result<Vec<String>> {
    // Only what the order needs of each inspection: its answers, most of each view, are
    // skipped while decoding (12,500 whole inspections of an office store held 150 MB).
    #[derive(serde::Deserialize)]
    struct Visit {
        id: uuid::Uuid,
        facility: String,
        started_at: crate::domain::Stamp,
    }
    let mut visits: Vec<Visit> = Vec::new();
    ctx.store.for_each_inspection_json(|json| {
        let v: Visit = serde_json::from_slice(json)
            .map_err(|e| crate::store::StoreError::Corrupt(format!("检查视图无法解析：{e}")))?;
        visits.push(v);
        Ok(())
    })?;
    // Newest first (as `list_inspections`): the first time a name is seen is its latest visit.
    visits.sort_by(|a, b| b.started_at.cmp(&a.started_at).then(b.id.cmp(&a.id)));
    let mut seen = BTreeMap::new();
    for i in visits {
        let n = seen.len();
        seen.entry(i.facility).or_insert(n);
    }
    let mut v: Vec<(String, usize)> = seen.into_iter().collect();
    v.sort_by_key(|(_, n)| *n);
    let mut names: Vec<String> = v.into_iter().map(|(f, _)| f).collect();
    // Then the registered facilities not inspected yet (issue 16: the picker offers the
    // registry), in registration order.
    for f in super::registry(ctx)?.active() {
        if !names.iter().any(|n| f.answers_to(n)) {
            names.push(f.name.clone());
        }
    }
    Ok(names)
}
