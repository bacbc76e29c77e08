//! The ledger rows, shared by the CSV and XLSX writers: the columns of the seed's
//! 问题隐患和制度措施清单, then what the office needs to follow each hazard up.

use super::Env as Ctx;
use super::{Stats, Tally};
use crate::domain::FindingQuery;
use crate::domain::{Finding, Inspection, Status};
use chrono::NaiveDate;
use std::collections::HashMap;
use uuid::Uuid;

/// A column of the ledger: its Chinese title and how wide it may grow (in display cells).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub title: &'static str,
    pub max_width: usize,
}

const fn col(title: &'static str, max_width: usize) -> Column {
    Column { title, max_width }
}

/// The ledger columns, in order. The first five are the seed form's.
pub const COLUMNS: [Column; 19] = [
    col("序号", 6),
    col("问题隐患", 32),
    col("整改制度措施", 32),
    col("整改时限", 12),
    col("责任单位（部门）及人员", 20),
    col("单位", 22),
    col("科室/部位", 20),
    col("防线", 12),
    col("隐患等级", 8),
    col("发现日期", 12),
    col("检查方式", 10),
    col("检查人员", 14),
    col("状态", 8),
    col("是否逾期", 8),
    col("整改落实情况", 28),
    col("复查情况", 24),
    col("销号日期", 12),
    col("督办（四书）", 30),
    col("隐患编号", 38),
];

/// One cell value: text, a date (written as a real date in XLSX), or the row number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Text(&'a str),
    Date(Option<NaiveDate>),
    Number(usize),
}

/// One finding as the ledger shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerRow {
    pub line: String,
    pub description: String,
    pub measures: String,
    pub due: Option<NaiveDate>,
    pub responsible: String,
    pub facility: String,
    pub place: String,
    pub line_name: String,
    pub severity: &'static str,
    pub found: NaiveDate,
    pub mode: &'static str,
    pub inspectors: String,
    pub status: &'static str,
    /// 逾期未整改 now (the row is marked red).
    pub overdue: bool,
    /// 是否逾期 as the office reads it: 是（逾期N天未整改）, 是（逾期N天整改）, 否.
    pub overdue_text: String,
    pub rectification: String,
    pub verification: String,
    pub closed: Option<NaiveDate>,
    pub escalation: String,
    pub id: String,
}

impl LedgerRow {
    pub fn new(ctx: &Ctx, f: &Finding, insp: Option<&Inspection>) -> LedgerRow {
        let date = |at| ctx.now.local_date(at);
        let place = [f.department.as_str(), f.location.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" / ");
        // Text from other devices was never cleaned here: escape it once for CSV and XLSX.
        let f = &f.escaped();
        LedgerRow {
            line: f.line.clone(),
            description: f.description.clone(),
            measures: f.measures.clone(),
            due: f.due,
            responsible: f.responsible.clone(),
            facility: f.facility.clone(),
            place,
            line_name: ctx.catalog.line_name(&f.line).to_string(),
            severity: f.severity.label(),
            found: date(f.created_at),
            mode: insp.map(|i| i.mode.label()).unwrap_or(""),
            inspectors: insp.map(|i| i.inspectors.join("、")).unwrap_or_default(),
            status: f.status.label(),
            overdue: f.is_overdue(&ctx.now),
            overdue_text: overdue_text(ctx, f),
            rectification: rectification(f, date),
            verification: verification(f),
            closed: f.closed_at.map(date),
            escalation: f
                .escalations
                .iter()
                .map(|s| format!("{}（{}）", s.level.label(), date(s.at)))
                .collect::<Vec<_>>()
                .join("；"),
            id: f.id.to_string(),
        }
    }

    /// The cells in column order; `seq` is the 序号.
    pub fn values(&self, seq: usize) -> [Value<'_>; COLUMNS.len()] {
        use Value::*;
        [
            Number(seq),
            Text(&self.description),
            Text(&self.measures),
            Date(self.due),
            Text(&self.responsible),
            Text(&self.facility),
            Text(&self.place),
            Text(&self.line_name),
            Text(self.severity),
            Date(Some(self.found)),
            Text(self.mode),
            Text(&self.inspectors),
            Text(self.status),
            Text(&self.overdue_text),
            Text(&self.rectification),
            Text(&self.verification),
            Date(self.closed),
            Text(&self.escalation),
            Text(&self.id),
        ]
    }
}

/// 是否逾期 (issue 10): 逾期未整改 now, else 逾期整改 (a fact kept forever), else 否.
fn overdue_text(ctx: &Ctx, f: &Finding) -> String {
    if f.is_overdue(&ctx.now) {
        format!(
            "是（逾期{}天未整改）",
            f.stage().overdue_days(ctx.now.today())
        )
    } else if let Some(n) = f.late_days(&ctx.now).filter(|_| f.status != Status::Open) {
        format!("是（逾期{n}天整改）")
    } else {
        "否".to_string()
    }
}

fn rectification(f: &Finding, date: impl Fn(crate::domain::Stamp) -> NaiveDate) -> String {
    if f.fixed_on_spot {
        return "立查立改，当场整改".into();
    }
    match f.rectified_at {
        Some(at) if f.rectify_note.is_empty() => format!("{} 已整改", date(at)),
        Some(at) => format!("{} {}", date(at), f.rectify_note),
        None => "未整改".into(),
    }
}

fn verification(f: &Finding) -> String {
    let with_note = |head: &str| {
        if f.verify_note.is_empty() {
            head.to_string()
        } else {
            format!("{head}：{}", f.verify_note)
        }
    };
    match f.status {
        _ if f.fixed_on_spot => "当场销号".into(),
        Status::Closed => with_note("复查通过"),
        Status::Rectified => "待复查".into(),
        // Back to open with a note: the last verification failed (a failure needs a reason).
        Status::Open if !f.verify_note.is_empty() => with_note("复查不通过"),
        Status::Open => String::new(),
    }
}

/// The whole ledger: rows grouped by line (checklist order), each in order found, plus the
/// figures for exactly these rows.
#[derive(Debug, Clone)]
pub struct Ledger {
    /// (line id, line name, rows)
    pub lines: Vec<(String, String, Vec<LedgerRow>)>,
    pub stats: Stats,
    /// The facility filter, for the 单位（部门） header; None means all facilities.
    pub facility: Option<String>,
    pub today: NaiveDate,
}

impl Ledger {
    pub fn len(&self) -> usize {
        self.lines.iter().map(|(_, _, r)| r.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// All rows, line after line.
    pub fn rows(&self) -> impl Iterator<Item = &LedgerRow> {
        self.lines.iter().flat_map(|(_, _, r)| r.iter())
    }
}

/// Builds the ledger of the findings matching `q`, out of `findings` as they stream in (so a
/// large register never sits in memory twice). `inspections` supplies each row's visit; the
/// first error from the stream stops the build and is returned.
pub fn ledger<E>(
    ctx: &Ctx,
    q: &FindingQuery,
    inspections: &HashMap<Uuid, Inspection>,
    findings: impl IntoIterator<Item = std::result::Result<Finding, E>>,
) -> std::result::Result<Ledger, E> {
    let today = ctx.now.today();
    let mut by_line: HashMap<String, Vec<LedgerRow>> = HashMap::new();
    let mut tally = Tally::default();
    for f in findings {
        let f = f?;
        if !q.matches(&f, today) {
            continue;
        }
        tally.add(ctx, &f);
        let insp = f.inspection_id.and_then(|i| inspections.get(&i));
        by_line
            .entry(f.line.clone())
            .or_default()
            .push(LedgerRow::new(ctx, &f, insp));
    }
    let stats = tally.finish(ctx, None, None);
    // The same line order as the statistics: checklist order, then unknown lines.
    let lines = stats
        .by_line
        .iter()
        .filter_map(|s| {
            by_line
                .remove(&s.key)
                .map(|rows| (s.key.clone(), s.label.clone(), rows))
        })
        .collect();
    Ok(Ledger {
        lines,
        stats,
        facility: q.facility.clone(),
        today,
    })
}
