//! The registers as XLSX (issue 17): the three 危险化学品 ledgers seed 004 asks for (储存台账,
//! 管理使用台账, 隐患排查整治台账) and the per-unit 使用统计"一张表" for a period in one workbook;
//! the 特种设备安全清单 in another. Laid out like the ledger (`xlsx.rs`): title, 单位/时间
//! line, header row repeated on every printed page, A4 landscape fitted to the width, real
//! date and number cells, row heights from the wrapped text, flagged rows in red.

use super::xlsx_style::{A4, Styles, excel_date, fail, fit_cell, lines_needed, row_pt};
use super::{ReportError, Result, write_atomically};
use crate::domain::equipment::CheckKind;
use crate::domain::sanitize;
use crate::domain::{Chemical, Direction, DueState, Equipment, Finding, Now, Qty};
use chrono::NaiveDate;
use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};
use std::path::Path;

/// Title, the line under it, then the header row.
const HEADER_ROW: u32 = 2;

/// One cell of a register sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A quantity or count, written as a number cell.
    Number(f64),
    Date(Option<NaiveDate>),
}

/// One sheet: title, the line under it, columns (title, width in characters), rows, and which
/// rows are flagged (printed red).
pub struct Sheet {
    pub name: &'static str,
    pub title: String,
    pub meta: String,
    pub columns: Vec<(&'static str, f64)>,
    pub rows: Vec<(Vec<Cell>, bool)>,
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

fn qty(q: Qty) -> Cell {
    Cell::Number(q.0 as f64 / 1000.0)
}

/// One hazard as the 隐患排查整治台账 of the 危险化学品 workbook prints it: the fields of the
/// finding it needs, taken when the finding is read, so an export of a line's 14,000 hazards at
/// 100,000 does not hold 14,000 whole findings (issue 14: 143 MB before).
#[derive(Debug, Clone)]
pub struct HazardLine {
    pub created_at: crate::domain::Stamp,
    /// The 隐患编号's code, or empty.
    pub number: String,
    pub found_on: NaiveDate,
    pub facility: String,
    /// The chemical it was recorded on, as 名称（存放场所）, or empty.
    pub chemical: String,
    pub description: String,
    pub measures: String,
    pub due: Option<NaiveDate>,
    pub responsible: String,
    pub status: &'static str,
    pub overdue: bool,
}

impl HazardLine {
    /// The line of `f` on `now`'s date, naming `chemical` (empty for none).
    pub fn of(f: &Finding, chemical: String, now: &Now) -> HazardLine {
        HazardLine {
            created_at: f.created_at,
            number: f.number.as_ref().map(|n| n.code()).unwrap_or_default(),
            found_on: now.local_date(f.created_at),
            facility: f.facility.clone(),
            chemical,
            description: f.description.clone(),
            measures: f.measures.clone(),
            due: f.due_in_force(),
            responsible: f.responsible.clone(),
            status: f.status_label(),
            overdue: f.is_overdue(now),
        }
    }
}

/// The four 危险化学品 sheets for `from..=to` (一张表 counts movements dated in the period).
/// `hazards` are the lines of the 隐患排查整治台账: the findings recorded on a chemical and
/// those of the hazchem line, each with the chemical it names, if any.
pub fn chem_sheets(
    chems: &[Chemical],
    hazards: &[HazardLine],
    from: NaiveDate,
    to: NaiveDate,
    now: &Now,
) -> Vec<Sheet> {
    let meta = format!("填报日期：{}    统计期间：{from} 至 {to}", now.today());
    let storage = Sheet {
        name: "储存台账",
        title: "危险化学品储存台账".into(),
        meta: meta.clone(),
        columns: vec![
            ("序号", 6.0),
            ("单位", 18.0),
            ("储存地点", 16.0),
            ("名称", 12.0),
            ("类别", 10.0),
            ("CAS号", 12.0),
            ("计量单位", 8.0),
            ("结存数量", 10.0),
            ("最大储存量", 10.0),
            ("包装容器", 14.0),
            ("储存条件", 22.0),
            ("标记", 12.0),
        ],
        rows: chems
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let flags = c.status_flags();
                (
                    vec![
                        Cell::Number((i + 1) as f64),
                        text(&c.facility),
                        text(&c.place),
                        text(&c.name),
                        text(c.class.label()),
                        text(&c.cas),
                        text(&c.unit),
                        qty(c.balance),
                        qty(c.max),
                        text(&c.container),
                        text(&c.conditions),
                        text(&flags.join("、")),
                    ],
                    !flags.is_empty(),
                )
            })
            .collect(),
    };
    let mut use_rows = vec![];
    for c in chems {
        for m in &c.movements {
            let n = use_rows.len() + 1;
            use_rows.push((
                vec![
                    Cell::Number(n as f64),
                    Cell::Date(Some(m.date)),
                    text(&c.name),
                    text(&c.place),
                    text(m.direction.label()),
                    qty(m.qty),
                    text(&m.unit),
                    qty(m.balance),
                    text(&m.who),
                    text(&m.purpose),
                    text(&m.recorded_by),
                    text(m.flag.map(|f| f.label()).unwrap_or("")),
                ],
                m.flag.is_some(),
            ));
        }
    }
    let usage = Sheet {
        name: "管理使用台账",
        title: "危险化学品管理使用台账".into(),
        meta: meta.clone(),
        columns: vec![
            ("序号", 6.0),
            ("日期", 11.0),
            ("名称", 12.0),
            ("储存地点", 16.0),
            ("入库/领用", 8.0),
            ("数量", 9.0),
            ("计量单位", 8.0),
            ("结存", 9.0),
            ("经手人/领用人", 12.0),
            ("用途/来源", 20.0),
            ("记录人", 10.0),
            ("标记", 10.0),
        ],
        rows: use_rows,
    };
    let hazard_sheet = Sheet {
        name: "隐患排查整治台账",
        title: "危险化学品隐患排查整治台账".into(),
        meta: meta.clone(),
        columns: vec![
            ("序号", 6.0),
            ("隐患编号", 18.0),
            ("发现日期", 11.0),
            ("单位", 18.0),
            ("危险化学品", 14.0),
            ("问题隐患", 30.0),
            ("整改措施", 24.0),
            ("整改时限", 11.0),
            ("责任单位及人员", 16.0),
            ("整改情况", 10.0),
        ],
        rows: hazards
            .iter()
            .enumerate()
            .map(|(i, h)| {
                (
                    vec![
                        Cell::Number((i + 1) as f64),
                        text(&h.number),
                        Cell::Date(Some(h.found_on)),
                        text(&h.facility),
                        text(&h.chemical),
                        text(&h.description),
                        text(&h.measures),
                        Cell::Date(h.due),
                        text(&h.responsible),
                        text(h.status),
                    ],
                    h.overdue,
                )
            })
            .collect(),
    };
    let mut table_rows = vec![];
    for c in chems {
        let (mut opening, mut received, mut issued) = (0i64, 0i64, 0i64);
        let mut flagged = false;
        for m in c.movements.iter().filter(|m| m.unit == c.unit) {
            let signed = match m.direction {
                Direction::Receipt => m.qty.0,
                Direction::Issue => -m.qty.0,
            };
            if m.date < from {
                opening += signed;
            } else if m.date <= to {
                match m.direction {
                    Direction::Receipt => received += m.qty.0,
                    Direction::Issue => issued += m.qty.0,
                }
                flagged |= m.flag.is_some();
            }
        }
        let closing = opening + received - issued;
        table_rows.push((
            vec![
                Cell::Number((table_rows.len() + 1) as f64),
                text(&c.facility),
                text(&c.name),
                text(c.class.label()),
                text(&c.place),
                text(&c.unit),
                qty(Qty(opening)),
                qty(Qty(received)),
                qty(Qty(issued)),
                qty(Qty(closing)),
                qty(c.max),
                text(if flagged || closing < 0 {
                    "有异常"
                } else {
                    ""
                }),
            ],
            flagged || closing < 0,
        ));
    }
    let table = Sheet {
        name: "使用统计一张表",
        title: format!("危险化学品使用统计一张表（{from} 至 {to}）"),
        meta,
        columns: vec![
            ("序号", 6.0),
            ("单位", 18.0),
            ("名称", 12.0),
            ("类别", 10.0),
            ("储存地点", 16.0),
            ("计量单位", 8.0),
            ("期初结存", 9.0),
            ("本期入库", 9.0),
            ("本期领用", 9.0),
            ("期末结存", 9.0),
            ("最大储存量", 10.0),
            ("标记", 10.0),
        ],
        rows: table_rows,
    };
    vec![storage, usage, hazard_sheet, table]
}

/// The 特种设备安全清单 sheet, with each piece's 检验 state and certificates on `now`'s day.
pub fn equipment_sheet(list: &[Equipment], now: &Now) -> Sheet {
    let today = now.today();
    let last = |q: &Equipment, k: CheckKind| {
        q.last(k)
            .map(|c| format!("{} {} {}", c.date, c.by, c.result))
            .unwrap_or_default()
    };
    Sheet {
        name: "特种设备安全清单",
        title: "特种设备安全清单".into(),
        meta: format!("填报日期：{today}"),
        columns: vec![
            ("序号", 6.0),
            ("使用单位", 18.0),
            ("设备名称", 16.0),
            ("类别", 10.0),
            ("使用登记证号", 16.0),
            ("安装地点", 14.0),
            ("制造单位", 16.0),
            ("出厂编号", 12.0),
            ("上次检验日期", 11.0),
            ("下次检验日期", 11.0),
            ("检验状态", 14.0),
            ("最近维护保养", 22.0),
            ("安全附件检查", 22.0),
            ("持证人员（证书编号，有效期至）", 28.0),
        ],
        rows: list
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let state = q.due_state(today);
                let expired = q.expired_operators(today);
                let operators = q
                    .operators
                    .iter()
                    .map(|o| {
                        let mark = if o.expires < today {
                            "（已过期）"
                        } else {
                            ""
                        };
                        format!("{}（{}，{}）{mark}", o.name, o.cert_no, o.expires)
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                let mut state_text = state.label();
                if !expired.is_empty() {
                    state_text.push_str("；证书过期");
                }
                (
                    vec![
                        Cell::Number((i + 1) as f64),
                        text(&q.facility),
                        text(&q.name),
                        text(q.kind.label()),
                        text(&q.reg_no),
                        text(&q.place),
                        text(&q.maker),
                        text(&q.factory_no),
                        Cell::Date(q.last(CheckKind::Inspection).map(|c| c.date)),
                        Cell::Date(q.next_due),
                        text(&state_text),
                        text(&last(q, CheckKind::Maintenance)),
                        text(&last(q, CheckKind::Accessory)),
                        text(&operators),
                    ],
                    matches!(state, DueState::Overdue { .. }) || !expired.is_empty(),
                )
            })
            .collect(),
    }
}

/// Writes sheets to one workbook at `path` (temp file, then rename).
///
/// # Errors
/// `Output` when `path` cannot be written; `Writer` on a failure inside the XLSX writer.
pub fn write_sheets(sheets: &[Sheet], path: &Path) -> Result<()> {
    write_atomically(path, |tmp| {
        let mut book = Workbook::new();
        let s = Styles::new();
        for sheet in sheets {
            // Constant memory, as the ledger: each row goes to a temp file when the next
            // begins, so a register of 14,000 hazards is not held as cells (issue 14).
            let mut ws = book.new_worksheet_with_constant_memory().map_err(fail)?;
            write_sheet(&mut ws, sheet, &s).map_err(fail)?;
            book.push_worksheet(ws);
        }
        book.save(tmp).map_err(|e| match e {
            XlsxError::IoError(io) => ReportError::Output {
                path: path.display().to_string(),
                reason: io.to_string(),
            },
            e => fail(e),
        })
    })
}

fn write_sheet(
    ws: &mut Worksheet,
    sheet: &Sheet,
    s: &Styles,
) -> std::result::Result<(), XlsxError> {
    ws.set_name(sheet.name)?;
    let last_col = (sheet.columns.len() - 1) as u16;
    for (c, (_, w)) in sheet.columns.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_row_height(0, 32)?;
    ws.merge_range(0, 0, 0, last_col, &sheet.title, &s.title)?;
    ws.set_row_height(1, 20)?;
    ws.merge_range(1, 0, 1, last_col, &sheet.meta, &s.meta_left)?;
    ws.set_row_height(HEADER_ROW, 30)?;
    for (c, (title, _)) in sheet.columns.iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, c as u16, *title, &s.header)?;
    }
    for (i, (cells, red)) in sheet.rows.iter().enumerate() {
        let r = HEADER_ROW + 1 + i as u32;
        let (t, ce, d) = if *red {
            (&s.late_text, &s.late_center, &s.late_date)
        } else {
            (&s.text, &s.center, &s.date)
        };
        let mut lines = 1;
        for (c, cell) in cells.iter().enumerate() {
            let col = c as u16;
            match cell {
                Cell::Number(n) => {
                    ws.write_number_with_format(r, col, *n, ce)?;
                }
                Cell::Date(Some(day)) => {
                    ws.write_date_with_format(r, col, excel_date(*day)?, d)?;
                }
                Cell::Date(None) => {
                    ws.write_blank(r, col, d)?;
                }
                Cell::Text(v) => {
                    // Text from other devices: control characters shown escaped, never raw;
                    // a formula-looking value stays text (write_string never makes a formula).
                    let v = sanitize::escape(v);
                    let v = fit_cell(&v);
                    lines = lines.max(lines_needed(&v, sheet.columns[c].1));
                    if v.is_empty() {
                        ws.write_blank(r, col, t)?;
                    } else {
                        ws.write_string_with_format(r, col, v.as_ref(), t)?;
                    }
                }
            }
        }
        ws.set_row_height(r, row_pt(lines))?;
    }
    let last_row = HEADER_ROW + sheet.rows.len() as u32;
    ws.set_landscape();
    ws.set_paper_size(A4);
    ws.set_margins(0.4, 0.4, 0.5, 0.6, 0.3, 0.3);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, HEADER_ROW)?;
    ws.set_footer("&C第 &P 页 共 &N 页");
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    if !sheet.rows.is_empty() {
        ws.autofilter(HEADER_ROW, 0, last_row, last_col)?;
    }
    ws.set_print_area(0, 0, last_row, last_col)?;
    Ok(())
}
