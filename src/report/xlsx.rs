//! The ledger as XLSX: a statistics sheet, then one sheet per line laid out like the seed's
//! 问题隐患和制度措施清单 (title, 单位（部门）/时间 line, header), with real date cells,
//! a frozen header, autofilter and overdue rows in red. Line sheets use the writer's low-memory
//! mode (rows flushed as written) so 100,000 findings do not sit in memory as cells.

use super::StatsRow;
use super::ledger::{COLUMNS, Ledger, LedgerRow, Value};
use super::{ReportError, Result};
use crate::domain::sanitize;
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use std::path::Path;
use unicode_width::UnicodeWidthStr;

const TITLE: &str = "安全生产问题隐患和制度措施清单";
const SUMMARY_SHEET: &str = "统计汇总";
/// Title, 单位/时间 line, then the header row.
const HEADER_ROW: u32 = 2;
const FONT: &str = "宋体";
/// Paper sizes (Excel codes). Eighteen ledger columns print legibly only across A3.
const A4: u8 = 9;
const A3: u8 = 8;

fn fail(e: XlsxError) -> ReportError {
    ReportError::Writer {
        what: "XLSX",
        reason: e.to_string(),
    }
}

struct Styles {
    title: Format,
    meta_left: Format,
    meta_right: Format,
    header: Format,
    text: Format,
    center: Format,
    date: Format,
    number: Format,
    percent: Format,
    late_text: Format,
    late_center: Format,
    late_date: Format,
    total: Format,
    total_percent: Format,
}

impl Styles {
    fn new() -> Styles {
        let base = Format::new().set_font_name(FONT).set_font_size(10);
        let cell = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let text = cell.clone().set_text_wrap();
        let center = cell.clone().set_align(FormatAlign::Center);
        let date = center.clone().set_num_format("yyyy-mm-dd");
        let late = |f: &Format| {
            f.clone()
                .set_background_color(Color::RGB(0xFFC7CE))
                .set_font_color(Color::RGB(0x9C0006))
        };
        Styles {
            title: base
                .clone()
                .set_font_name("黑体")
                .set_font_size(16)
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            meta_left: base.clone().set_font_size(11),
            meta_right: base.clone().set_font_size(11).set_align(FormatAlign::Right),
            header: center
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_background_color(Color::RGB(0xD9E1F2)),
            late_text: late(&text),
            late_center: late(&center),
            late_date: late(&date),
            number: center.clone(),
            percent: center.clone().set_num_format("0.0%"),
            total: center.clone().set_bold(),
            total_percent: center.clone().set_bold().set_num_format("0.0%"),
            text,
            center,
            date,
        }
    }
}

pub fn write(ledger: &Ledger, path: &Path) -> Result<()> {
    let styles = Styles::new();
    let mut book = Workbook::new();
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        // The row spill files go next to the output, not to a possibly small /tmp.
        book.set_tempdir(dir).map_err(fail)?;
    }
    let place = sanitize::escape(ledger.facility.as_deref().unwrap_or("全部单位"));
    let place = place.as_ref();
    let date = cn_date(ledger.today);
    let sheet = book.add_worksheet();
    summary_sheet(sheet, ledger, place, &date, &styles).map_err(fail)?;
    let mut used = vec![SUMMARY_SHEET.to_string()];
    for (_, name, rows) in &ledger.lines {
        let sheet = book.add_worksheet_with_low_memory().map_err(fail)?;
        let sheet_name = unique_sheet_name(name, &used);
        sheet.set_name(&sheet_name).map_err(fail)?;
        used.push(sheet_name);
        line_sheet(sheet, name, rows, place, &date, &styles).map_err(fail)?;
    }
    book.save(path).map_err(|e| match e {
        XlsxError::IoError(io) => ReportError::output(path, io),
        e => fail(e),
    })
}

fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Excel forbids `[]:*?/\` in sheet names and allows 31 characters; names must be unique.
fn unique_sheet_name(name: &str, used: &[String]) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !"[]:*?/\\'".contains(*c))
        .take(28)
        .collect();
    let clean = if clean.is_empty() {
        "防线".into()
    } else {
        clean
    };
    let mut candidate = clean.clone();
    let mut n = 2;
    while used.contains(&candidate) {
        candidate = format!("{clean}{n}");
        n += 1;
    }
    candidate
}

/// Title row and the 单位（部门）/时间 line, as on the seed form.
fn form_head(
    sheet: &mut Worksheet,
    title: &str,
    last_col: u16,
    place: &str,
    date: &str,
    paper: u8,
    s: &Styles,
) -> std::result::Result<(), XlsxError> {
    sheet.set_row_height(0, 32)?;
    sheet.merge_range(0, 0, 0, last_col, title, &s.title)?;
    let split = last_col / 2;
    sheet.merge_range(
        1,
        0,
        1,
        split,
        &format!("单位（部门）：{place}"),
        &s.meta_left,
    )?;
    sheet.merge_range(
        1,
        split + 1,
        1,
        last_col,
        &format!("时间：{date}"),
        &s.meta_right,
    )?;
    sheet.set_landscape();
    sheet.set_paper_size(paper);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, HEADER_ROW)?;
    Ok(())
}

fn line_sheet(
    sheet: &mut Worksheet,
    line_name: &str,
    rows: &[LedgerRow],
    place: &str,
    date: &str,
    s: &Styles,
) -> std::result::Result<(), XlsxError> {
    let last_col = (COLUMNS.len() - 1) as u16;
    set_widths(sheet, rows)?;
    // The head spans the printed columns, so it stays centred on paper.
    form_head(
        sheet,
        &format!("{TITLE}（{line_name}）"),
        last_col - 1,
        place,
        date,
        A3,
        s,
    )?;
    sheet.set_row_height(HEADER_ROW, 30)?;
    for (c, column) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW, c as u16, column.title, &s.header)?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = HEADER_ROW + 1 + i as u32;
        let (text, center, date) = if row.overdue {
            (&s.late_text, &s.late_center, &s.late_date)
        } else {
            (&s.text, &s.center, &s.date)
        };
        for (c, v) in row.values(i + 1).iter().enumerate() {
            let c = c as u16;
            // Short coded values read better centred; free text wraps to the left.
            let text_fmt = if matches!(c, 7..=10 | 12 | 13) {
                center
            } else {
                text
            };
            match v {
                Value::Number(n) => {
                    sheet.write_number_with_format(r, c, *n as f64, center)?;
                }
                Value::Date(Some(d)) => {
                    sheet.write_date_with_format(r, c, excel_date(*d)?, date)?;
                }
                Value::Date(None) => {
                    sheet.write_blank(r, c, date)?;
                }
                Value::Text("") => {
                    sheet.write_blank(r, c, text_fmt)?;
                }
                Value::Text(t) => {
                    sheet.write_string_with_format(r, c, fit_cell(t).as_ref(), text_fmt)?;
                }
            }
        }
    }
    let last_row = HEADER_ROW + rows.len() as u32;
    sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
    sheet.autofilter(HEADER_ROW, 0, last_row, last_col)?;
    // The id column is for looking a finding up in xuncha, not for the printed ledger.
    sheet.set_print_area(0, 0, last_row, last_col - 1)?;
    Ok(())
}

/// The most characters an XLSX cell holds (Excel's limit; rust_xlsxwriter refuses more).
const MAX_CELL_CHARS: usize = 32_767;

/// Text cut to what a cell holds, ending in "…" when cut, so one long record (synced from
/// another device, which our input limits never saw) cannot make the export fail.
fn fit_cell(t: &str) -> std::borrow::Cow<'_, str> {
    match t.char_indices().nth(MAX_CELL_CHARS - 1) {
        Some((at, _)) if t[at..].chars().count() > 1 => format!("{}…", &t[..at]).into(),
        _ => t.into(),
    }
}

fn excel_date(d: NaiveDate) -> std::result::Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

/// Widths that fit the Chinese text: the widest value (CJK counts double), capped per column.
fn set_widths(sheet: &mut Worksheet, rows: &[LedgerRow]) -> std::result::Result<(), XlsxError> {
    let mut widths: Vec<usize> = COLUMNS.iter().map(|c| c.title.width() + 2).collect();
    for row in rows {
        for (w, v) in widths.iter_mut().zip(row.values(rows.len()).iter()) {
            let vw = match v {
                Value::Text(t) => t.width(),
                Value::Date(_) => 10,
                Value::Number(n) => n.to_string().len(),
            };
            *w = (*w).max(vw + 2);
        }
    }
    for (c, (w, column)) in widths.iter().zip(COLUMNS.iter()).enumerate() {
        let w = (*w).clamp(6, column.max_width);
        sheet.set_column_width(c as u16, w as f64)?;
    }
    Ok(())
}

const STATS_HEADERS: [&str; 11] = [
    "",
    "发现隐患",
    "重大隐患",
    "立查立改",
    "已整改",
    "已销号",
    "逾期未整改",
    "督办",
    "整改率",
    "逾期整改",
    "按期整改率",
];

fn summary_sheet(
    sheet: &mut Worksheet,
    ledger: &Ledger,
    place: &str,
    date: &str,
    s: &Styles,
) -> std::result::Result<(), XlsxError> {
    sheet.set_name(SUMMARY_SHEET)?;
    let last_col = (STATS_HEADERS.len() - 1) as u16;
    form_head(sheet, "隐患排查整治统计汇总", last_col, place, date, A4, s)?;
    sheet.set_column_width(0, 30)?;
    for c in 1..=last_col {
        sheet.set_column_width(c, 11)?;
    }
    let stats = &ledger.stats;
    let mut r = HEADER_ROW;
    for (head, rows) in [("防线", &stats.by_line), ("单位", &stats.by_facility)] {
        for (c, h) in STATS_HEADERS.iter().enumerate() {
            let h = if c == 0 { head } else { h };
            sheet.write_string_with_format(r, c as u16, h, &s.header)?;
        }
        r += 1;
        for row in rows.iter() {
            stats_row(sheet, r, row, &s.text, &s.number, &s.percent)?;
            r += 1;
        }
        stats_row(sheet, r, &stats.total, &s.total, &s.total, &s.total_percent)?;
        r += 2;
    }
    sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
    Ok(())
}

fn stats_row(
    sheet: &mut Worksheet,
    r: u32,
    row: &StatsRow,
    label: &Format,
    number: &Format,
    percent: &Format,
) -> std::result::Result<(), XlsxError> {
    sheet.write_string_with_format(
        r,
        0,
        fit_cell(&sanitize::escape(&row.label)).as_ref(),
        label,
    )?;
    let figures = [
        row.found,
        row.major,
        row.fixed_on_spot,
        row.rectified,
        row.closed,
        row.overdue,
        row.escalated,
    ];
    for (c, n) in figures.iter().enumerate() {
        sheet.write_number_with_format(r, c as u16 + 1, *n as f64, number)?;
    }
    sheet.write_number_with_format(r, 8, row.rate() / 100.0, percent)?;
    sheet.write_number_with_format(r, 9, row.late_rectified as f64, number)?;
    sheet.write_number_with_format(r, 10, row.on_time_rate() / 100.0, percent)?;
    Ok(())
}
