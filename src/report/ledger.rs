//! The ledger rows, shared by the CSV and XLSX writers: the columns of the seed's
//! 问题隐患和制度措施清单 and of the 隐患排查治理台账 offices keep, then what the office needs to
//! follow each hazard up.

use super::Env as Ctx;
use super::ReportError;
use super::Stats;
use super::ledger_gather::gather_ledger;
use super::ledger_spill::RowAt;
use crate::domain::{Finding, FindingQuery, Inspection, Number, Org, Status, StatusFilter};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::path::Path;
use uuid::Uuid;

/// A column of the ledger: its Chinese title, its width in the XLSX (in character units,
/// a CJK character counting 2) and whether it is on the printed page.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub title: &'static str,
    pub width: f64,
    pub printed: bool,
}

const fn col(title: &'static str, width: f64, printed: bool) -> Column {
    Column {
        title,
        width,
        printed,
    }
}

/// The ledger columns, in order. The printed ones come first (the print area is one block):
/// they add up to 200 character units, which fit the width of A3 landscape at 100 % scale, so
/// the 10 pt text prints at 10 pt. The rest are on screen and in the file, not on paper.
/// The CSV has the same columns in the same order; its header is pinned by a test.
pub const COLUMNS: [Column; 28] = [
    col("序号", 5.0, true),
    col("隐患编号", 21.0, true),
    col("单位", 13.0, true),
    col("科室/部位", 11.0, true),
    col("问题隐患", 24.0, true),
    col("隐患类别", 8.0, true),
    col("隐患等级", 6.0, true),
    col("整改制度措施", 24.0, true),
    col("临时防范措施", 14.0, true),
    col("整改时限", 11.0, true),
    col("责任单位（部门）及人员", 14.0, true),
    col("实际完成日期", 11.0, true),
    col("复查人", 8.0, true),
    col("复查日期", 11.0, true),
    col("状态", 8.0, true),
    col("是否逾期", 10.0, true),
    col("整改资金", 10.0, false),
    col("整改落实情况", 28.0, false),
    col("复查情况", 24.0, false),
    col("销号日期", 12.0, false),
    col("督办（四书）", 34.0, false),
    col("发现日期", 12.0, false),
    col("检查方式", 10.0, false),
    col("检查人员", 14.0, false),
    col("防线", 12.0, false),
    col("整改报告人", 16.0, false),
    col("签收人", 24.0, false),
    col("记录ID", 38.0, false),
];

/// How many leading columns are printed.
pub const PRINTED: usize = 16;

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
    pub number: String,
    pub description: String,
    pub category: String,
    pub measures: String,
    pub interim: String,
    pub due: Option<NaiveDate>,
    pub responsible: String,
    pub funds: String,
    pub facility: String,
    pub place: String,
    pub line_name: String,
    pub severity: &'static str,
    pub found: NaiveDate,
    pub mode: &'static str,
    pub inspectors: String,
    pub status: String,
    /// 逾期未整改 now (the row is marked red).
    pub overdue: bool,
    /// 是否逾期 as the office reads it: 是（逾期N天未整改）, 是（逾期N天整改）, 否.
    pub overdue_text: String,
    pub completed: Option<NaiveDate>,
    pub rectification: String,
    /// 整改报告人 by name and role, when one was recorded.
    pub reporter: String,
    /// 复查人: by name and role when recorded, else the account that recorded the 复查.
    pub verifier: String,
    pub verified: Option<NaiveDate>,
    pub verification: String,
    pub closed: Option<NaiveDate>,
    pub escalation: String,
    /// 签收人 of each document received: 「整改通知书：张三（院长）2026-11-23」, joined by "；".
    pub receipts: String,
    pub id: String,
    /// The hazard's photos (issue 18), for the XLSX 照片 sheet.
    pub photos: Vec<crate::domain::PhotoRef>,
}

impl LedgerRow {
    pub fn new(ctx: &Ctx, f: &Finding, insp: Option<&InspectionBrief>) -> LedgerRow {
        let date = |at| ctx.now.local_date(at);
        let place = [f.department.as_str(), f.location.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" / ");
        // Text from other devices was never cleaned here: escape it once for CSV and XLSX.
        let f = &f.escaped();
        let completed = if f.fixed_on_spot {
            Some(date(f.created_at))
        } else {
            f.completed_on.or(f.rectified_at.map(date))
        };
        LedgerRow {
            line: f.line.clone(),
            number: f.number.as_ref().map(Number::code).unwrap_or_default(),
            description: f.description.clone(),
            category: f.category.clone(),
            measures: f.measures.clone(),
            interim: f.interim.clone(),
            // A hazard fixed on the spot has no deadline (older records may carry one).
            due: if f.fixed_on_spot { None } else { f.due },
            responsible: f.responsible.clone(),
            funds: f.funds.clone(),
            facility: f.facility.clone(),
            place,
            line_name: ctx.catalog.line_name(&f.line).to_string(),
            severity: f.severity.label(),
            found: date(f.created_at),
            mode: insp.map(|i| i.mode).unwrap_or(""),
            inspectors: insp.map(|i| i.inspectors.clone()).unwrap_or_default(),
            status: if f.retracted && !f.retract_reason.is_empty() {
                format!("已撤销：{}", f.retract_reason)
            } else {
                f.status_label().to_string()
            },
            overdue: f.is_overdue(&ctx.now),
            overdue_text: overdue_text(ctx, f),
            completed,
            rectification: rectification(f, date),
            reporter: f
                .rectified_by
                .as_ref()
                .map(|s| s.spoken())
                .unwrap_or_default(),
            verifier: if f.fixed_on_spot {
                f.recorded_by.clone()
            } else if let Some(v) = &f.verifier {
                v.spoken()
            } else {
                f.verified_by.clone()
            },
            verified: if f.fixed_on_spot {
                Some(date(f.created_at))
            } else {
                f.verified_at.map(date)
            },
            verification: verification(f),
            closed: f.closed_at.map(date),
            escalation: f
                .escalations
                .iter()
                .map(|s| match &s.issued {
                    Some(i) => format!("{}（{}，{}）", s.level.label(), i.wenhao, date(s.at)),
                    None => format!("{}（{}）", s.level.label(), date(s.at)),
                })
                .collect::<Vec<_>>()
                .join("；"),
            receipts: f
                .escalations
                .iter()
                .flat_map(|s| {
                    s.receipts.iter().map(move |r| {
                        format!("{}：{} {}", s.level.label(), r.by.spoken(), date(r.at))
                    })
                })
                .collect::<Vec<_>>()
                .join("；"),
            id: f.id.to_string(),
            photos: f.photos.clone(),
        }
    }

    /// The cells in column order; `seq` is the 序号.
    pub fn values(&self, seq: usize) -> [Value<'_>; COLUMNS.len()] {
        use Value::*;
        [
            Number(seq),
            Text(&self.number),
            Text(&self.facility),
            Text(&self.place),
            Text(&self.description),
            Text(&self.category),
            Text(self.severity),
            Text(&self.measures),
            Text(&self.interim),
            Date(self.due),
            Text(&self.responsible),
            Date(self.completed),
            Text(&self.verifier),
            Date(self.verified),
            Text(&self.status),
            Text(&self.overdue_text),
            Text(&self.funds),
            Text(&self.rectification),
            Text(&self.verification),
            Date(self.closed),
            Text(&self.escalation),
            Date(Some(self.found)),
            Text(self.mode),
            Text(&self.inspectors),
            Text(&self.line_name),
            Text(&self.reporter),
            Text(&self.receipts),
            Text(&self.id),
        ]
    }
}

/// What a ledger row shows of its finding's inspection: 检查方式 and 检查人员. An export
/// keeps one per inspection while it reads the findings; the whole [`Inspection`] was about
/// 480 bytes each (6 MB at 12,500 inspections), this is about 80.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionBrief {
    /// The mode's label (自查, 督查, …).
    pub mode: &'static str,
    /// The inspectors, joined by "、".
    pub inspectors: String,
}

impl InspectionBrief {
    /// What the ledger shows of `i`.
    pub fn of(i: &Inspection) -> InspectionBrief {
        InspectionBrief {
            mode: i.mode.label(),
            inspectors: i.inspectors.join("、"),
        }
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

/// Which findings a ledger holds: the register filters plus a range of 发现日期.
#[derive(Debug, Clone, Default)]
pub struct LedgerFilter {
    pub query: FindingQuery,
    /// First and last 发现日期 (inclusive, local dates).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl LedgerFilter {
    /// The filter in words for the title block, e.g. "状态：逾期；防线：消防"; "全部" if none.
    pub fn describe(&self, ctx: &Ctx) -> String {
        let q = &self.query;
        let mut parts = Vec::new();
        if let Some(s) = q.status {
            let s = match s {
                StatusFilter::Open => "待整改",
                StatusFilter::Rectified => "待复查",
                StatusFilter::Closed => "已销号",
                StatusFilter::Overdue => "逾期未整改",
                StatusFilter::ReviewLate => "待复查超期",
                StatusFilter::Retracted => "已撤销",
            };
            parts.push(format!("状态：{s}"));
        }
        if let Some(l) = &q.line {
            parts.push(format!("防线：{}", ctx.catalog.line_name(l)));
        }
        if let Some(s) = q.severity {
            parts.push(format!("等级：{}隐患", s.label()));
        }
        if q.conflicted_only {
            parts.push("仅有冲突的隐患".into());
        }
        if q.include_retracted {
            parts.push("含已撤销".into());
        }
        if parts.is_empty() {
            "全部".into()
        } else {
            parts.join("；")
        }
    }
}

/// Where the ledger's rows come from: a row's place (as listed in [`Ledger::lines`]) turned
/// into the row. The rows were made once while the findings were read and wait in a temporary
/// file (see `ledger_spill`), so the rows of a large register never sit in memory together. An
/// error is the reason in words (a temporary file that cannot be read back).
pub type RowSource<'a> =
    Box<dyn Fn(RowAt) -> std::result::Result<LedgerRow, String> + Send + Sync + 'a>;

/// The whole ledger: the places of its rows grouped by line (checklist order), each line in
/// facility pinyin order and then in order found, plus the figures for exactly these rows.
/// Rows are read back one at a time as a writer asks for them ([`Ledger::rows`]).
pub struct Ledger<'a> {
    /// (line id, line name, the places of its rows in row order)
    pub lines: Vec<(String, String, Vec<RowAt>)>,
    pub stats: Stats,
    /// The facility filter, for the 单位（部门） header; None means all facilities.
    pub facility: Option<String>,
    /// The other filters in words ("全部" when none).
    pub filter: String,
    /// The 发现日期 range asked for, else the range of the rows.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub today: NaiveDate,
    /// The organisation: author of the file and 单位 of the sign-off line.
    pub org: Org,
    /// The export's moment, for the file properties (follows XUNCHA_NOW).
    pub created: chrono::DateTime<chrono::Utc>,
    /// Where the photos are, for the XLSX 照片 sheet; None leaves the sheet out.
    pub photos: Option<crate::photo::Shelf>,
    /// The rows with photos, in row order (the 照片 sheet reads only these again).
    pub photo_rows: Vec<RowAt>,
    /// Read by the writers through [`Ledger::rows_of`]; made by `ledger_gather`.
    pub(super) source: RowSource<'a>,
}

impl Ledger<'_> {
    pub fn len(&self) -> usize {
        self.lines.iter().map(|(_, _, r)| r.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The rows at `places` (one line's, or the photo rows), in order, each read back when
    /// the iterator reaches it.
    pub fn rows_of<'s>(
        &'s self,
        places: &'s [RowAt],
    ) -> impl Iterator<Item = std::result::Result<LedgerRow, String>> + 's {
        places.iter().map(|at| (self.source)(*at))
    }

    /// All rows, line after line, each made when the iterator reaches it.
    pub fn rows(&self) -> impl Iterator<Item = std::result::Result<LedgerRow, String>> + '_ {
        self.lines.iter().flat_map(|(_, _, ids)| self.rows_of(ids))
    }

    /// "2026年1月5日至2026年11月29日", or "—" for an empty ledger with no range asked.
    pub fn range_text(&self) -> String {
        match (self.from, self.to) {
            (Some(a), Some(b)) => format!("{}至{}", super::cn_date(a), super::cn_date(b)),
            (Some(a), None) => format!("{}起", super::cn_date(a)),
            (None, Some(b)) => format!("截至{}", super::cn_date(b)),
            (None, None) => "—".into(),
        }
    }
}

/// Builds the ledger of the findings matching `q` (see [`ledger_filtered`]).
///
/// # Errors
/// As [`ledger_filtered`].
pub fn ledger<'a, E: From<ReportError>>(
    ctx: &Ctx,
    q: &FindingQuery,
    inspections: &HashMap<Uuid, InspectionBrief>,
    findings: impl IntoIterator<Item = std::result::Result<Finding, E>>,
    beside: &Path,
) -> std::result::Result<Ledger<'a>, E> {
    let filter = LedgerFilter {
        query: q.clone(),
        ..Default::default()
    };
    ledger_filtered(ctx, &filter, inspections, findings, beside)
}

/// Builds the ledger of the findings matching `filter` in one pass over `findings`
/// ([`gather_ledger`]), then puts its rows in order (`Gathered::into_ledger`).
///
/// # Errors
/// As [`gather_ledger`], and `Output` naming `beside` when the temporary file cannot be read
/// back.
pub fn ledger_filtered<'a, E: From<ReportError>>(
    ctx: &Ctx,
    filter: &LedgerFilter,
    inspections: &HashMap<Uuid, InspectionBrief>,
    findings: impl IntoIterator<Item = std::result::Result<Finding, E>>,
    beside: &Path,
) -> std::result::Result<Ledger<'a>, E> {
    let gathered = gather_ledger(ctx, filter, inspections, findings, beside)?;
    Ok(gathered.into_ledger()?)
}
