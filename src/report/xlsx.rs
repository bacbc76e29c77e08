//! The ledger as XLSX: a statistics sheet, then one sheet per line laid out like the seed's
//! 问题隐患和制度措施清单 (title, 单位（部门）/时间 line, header), with real date cells,
//! a frozen header, autofilter and overdue rows in red. Line sheets use the writer's low-memory
//! mode (rows flushed as written) so 100,000 findings do not sit in memory as cells.

use super::StatsRow;
use super::ledger::{COLUMNS, Ledger, LedgerRow, PRINTED, Value};
use super::xlsx_style::{A3, A4, Styles, excel_date, fail, fit_cell, lines_needed, row_pt};
use super::{ReportError, Result};
use crate::domain::{Org, sanitize};
use chrono::{Datelike, NaiveDate, Timelike};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use std::path::Path;

const TITLE: &str = "安全生产问题隐患和制度措施清单";
const SUMMARY_SHEET: &str = "统计汇总";
/// Title, 单位/时间 line, then the header row.
const HEADER_ROW: u32 = 2;

pub fn write(ledger: &Ledger, path: &Path) -> Result<()> {
    let styles = Styles::new();
    let mut book = Workbook::new();
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        // The row spill files go next to the output, not to a possibly small /tmp.
        book.set_tempdir(dir).map_err(fail)?;
    }
    book.set_properties(&properties(ledger));
    let head = Head {
        place: sanitize::escape(ledger.facility.as_deref().unwrap_or("全部单位")).into_owned(),
        filter: ledger.filter.clone(),
        range: ledger.range_text(),
        date: cn_date(ledger.today),
    };
    // Deflate level 1: the sheets of 100,000 rows are most of the export's time at the
    // default 6, and the file is only about a fifth larger.
    book.set_zip_compression_level(1);
    let sheet = book.add_worksheet();
    summary_sheet(sheet, ledger, &head, &styles).map_err(fail)?;
    let mut used = vec![SUMMARY_SHEET.to_string()];
    let mut sheets = Vec::with_capacity(ledger.lines.len());
    for (_, name, _) in &ledger.lines {
        // Constant memory: each row goes to a temp file when the next begins, and strings are
        // written inline, so no sheet keeps its rows or a table of their text.
        let mut sheet = book.new_worksheet_with_constant_memory().map_err(fail)?;
        let sheet_name = unique_sheet_name(name, &used);
        sheet.set_name(&sheet_name).map_err(fail)?;
        used.push(sheet_name);
        sheets.push(sheet);
    }
    let write_line = |sheet: &mut Worksheet, i: usize| {
        let (_, name, ids) = &ledger.lines[i];
        line_sheet(
            sheet,
            name,
            ledger.rows_of(ids),
            &head,
            &ledger.org,
            &styles,
        )
    };
    // Whether the first sheet's first row is red decides the order its formats are numbered.
    let first_row = ledger
        .lines
        .first()
        .and_then(|(_, _, ids)| ledger.rows_of(ids).next());
    let first_late = first_row
        .transpose()
        .map_err(|reason| ReportError::Writer {
            what: "XLSX",
            reason,
        })?
        .is_some_and(|row| row.overdue);
    super::xlsx_lines::write_sheets(&mut book, &mut sheets, &write_line, &styles, first_late)?;
    for sheet in sheets {
        book.push_worksheet(sheet);
    }
    if let Some(shelf) = &ledger.photos
        && !ledger.photo_rows.is_empty()
    {
        let sheet = book.add_worksheet();
        sheet
            .set_name(unique_sheet_name(super::photos::SHEET, &used))
            .map_err(fail)?;
        super::photos::sheet(
            sheet,
            ledger,
            shelf,
            [&styles.header, &styles.text, &styles.center],
        )
        .map_err(fail)?;
    }
    book.save(path).map_err(|e| match e {
        XlsxError::IoError(io) => ReportError::output(path, io),
        e => fail(e),
    })
}

/// Title, author (the organisation) and creation time (the pinned clock, if any).
fn properties(ledger: &Ledger) -> DocProperties {
    let author = match ledger.org.issuer() {
        "" => "巡查（xuncha）",
        a => a,
    };
    let t = ledger.created;
    let mut props = DocProperties::new()
        .set_title(format!("{TITLE}（{}）", cn_date(ledger.today)))
        .set_subject("隐患排查治理台账")
        .set_author(author)
        .set_company(author)
        .set_comment(format!(
            "筛选：{}；发现日期：{}",
            ledger.filter,
            ledger.range_text()
        ));
    if let Ok(dt) = ExcelDateTime::from_ymd(t.year() as u16, t.month() as u8, t.day() as u8)
        .and_then(|d| d.and_hms(t.hour() as u16, t.minute() as u8, t.second() as f64))
    {
        props = props.set_creation_datetime(&dt);
    }
    props
}

/// What the title block says: where, what was filtered, which dates, when printed.
struct Head {
    place: String,
    filter: String,
    range: String,
    date: String,
}

fn cn_date(d: NaiveDate) -> String {
    super::cn_date(d)
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

/// Title row, the 单位（部门）/筛选/时间 line, page setup and the page-number footer.
fn form_head(
    sheet: &mut Worksheet,
    title: &str,
    last_col: u16,
    head: &Head,
    paper: u8,
    s: &Styles,
) -> std::result::Result<(), XlsxError> {
    sheet.set_row_height(0, 32)?;
    sheet.merge_range(0, 0, 0, last_col, title, &s.title)?;
    sheet.set_row_height(1, 30)?;
    let split = last_col / 2;
    sheet.merge_range(
        1,
        0,
        1,
        split,
        &format!("单位（部门）：{}\n筛选：{}", head.place, head.filter),
        &s.meta_left,
    )?;
    sheet.merge_range(
        1,
        split + 1,
        1,
        last_col,
        &format!("发现日期：{}\n填报时间：{}", head.range, head.date),
        &s.meta_right,
    )?;
    sheet.set_landscape();
    sheet.set_paper_size(paper);
    sheet.set_margins(0.4, 0.4, 0.5, 0.6, 0.3, 0.3);
    // Fit the width only: a long ledger runs on to more pages, never shrinks.
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, HEADER_ROW)?;
    sheet.set_footer("&C第 &P 页 共 &N 页");
    Ok(())
}

/// The height of a data row: enough for its tallest wrapped cell (see [`row_pt`]).
pub fn row_height(row: &LedgerRow) -> f64 {
    let lines = row
        .values(0)
        .iter()
        .zip(COLUMNS.iter())
        .map(|(v, c)| match v {
            Value::Text(t) => lines_needed(t, c.width),
            _ => 1,
        })
        .max()
        .unwrap_or(1);
    row_pt(lines)
}

/// One line's sheet; `rows` are made as they are written. Errors: the writer's, or the reason
/// a row could not be made.
fn line_sheet(
    sheet: &mut Worksheet,
    line_name: &str,
    rows: impl Iterator<Item = std::result::Result<LedgerRow, String>>,
    head: &Head,
    org: &Org,
    s: &Styles,
) -> Result<()> {
    let source = |reason| ReportError::Writer {
        what: "XLSX",
        reason,
    };
    let last_col = (COLUMNS.len() - 1) as u16;
    let last_printed = (PRINTED - 1) as u16;
    let mut count = 0u32;
    line_head(sheet, line_name, head, s).map_err(fail)?;
    for (i, row) in rows.enumerate() {
        let row = row.map_err(source)?;
        // The first row registers the formats in the order a plain write would (the
        // workbook's style numbers stay as they were); later rows lean on the columns.
        line_row(sheet, i, &row, s, i > 0).map_err(fail)?;
        if i == 0 {
            set_column_formats(sheet, &row, s).map_err(fail)?;
        }
        count += 1;
    }
    let last_row = HEADER_ROW + count;
    // The sign-off line under the table, inside the print area.
    let sign = last_row + 2;
    let mut end = || -> std::result::Result<(), XlsxError> {
        sheet.set_row_height(sign, 36)?;
        // Its first cell sends the last data row to the file with the column formats still
        // set; then they go, so no empty cell of the sheet (the gap above this line, the
        // rows under it) gets borders. The row written then has only its own formats.
        sheet.merge_range(sign, 0, sign, last_printed, &sign_off(org), &s.sign)?;
        if count > 0 {
            clear_column_formats(sheet, s)?;
        }
        sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
        sheet.autofilter(HEADER_ROW, 0, last_row, last_col)?;
        sheet.set_print_area(0, 0, sign, last_printed)?;
        Ok(())
    };
    end().map_err(fail)
}

/// Column widths, the form head and the header row of a line sheet.
fn line_head(
    sheet: &mut Worksheet,
    line_name: &str,
    head: &Head,
    s: &Styles,
) -> std::result::Result<(), XlsxError> {
    let last_printed = (PRINTED - 1) as u16;
    for (c, column) in COLUMNS.iter().enumerate() {
        sheet.set_column_width(c as u16, column.width)?;
    }
    // The head spans the printed columns, so it stays centred on paper.
    form_head(
        sheet,
        &format!("{TITLE}（{line_name}）"),
        last_printed,
        head,
        A3,
        s,
    )?;
    sheet.set_row_height(HEADER_ROW, 30)?;
    for (c, column) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW, c as u16, column.title, &s.header)?;
    }
    Ok(())
}

/// The format of column `c`'s cell holding `v` in a row that is not flagged (`late` false) or
/// is (overdue: red fill, dark red text).
fn cell_format<'s>(c: u16, v: &Value, late: bool, s: &'s Styles) -> &'s Format {
    let (text, center, date) = if late {
        (&s.late_text, &s.late_center, &s.late_date)
    } else {
        (&s.text, &s.center, &s.date)
    };
    match v {
        Value::Number(_) => center,
        Value::Date(_) => date,
        // Short coded values read better centred; free text wraps to the left.
        Value::Text(_) if matches!(c, 1 | 5 | 6 | 12 | 14 | 15 | 22 | 24) => center,
        Value::Text(_) => text,
    }
}

/// Gives each ledger column the plain format of its cells, taken from `row`'s values (a column
/// always holds the same kind of value).
///
/// Why: the writer looks every cell's `Format` up in the workbook's table by hashing all its
/// fields, which was a fifth of an export's time at 100,000 rows. A cell written without a
/// format in a column with one gets the column's style number when its row is written out, so
/// the sheet is the same, byte for byte, as with a format on every cell. The formats must be
/// cleared ([`clear_column_formats`]) before the sheet is saved.
fn set_column_formats(
    sheet: &mut Worksheet,
    row: &LedgerRow,
    s: &Styles,
) -> std::result::Result<(), XlsxError> {
    for (c, v) in row.values(1).iter().enumerate() {
        sheet.set_column_format(c as u16, cell_format(c as u16, v, false, s))?;
    }
    Ok(())
}

/// Takes the column formats off again: left in `<cols>`, they would put borders on every
/// empty cell under the table, on screen and in the gap above the sign-off line. Rows already
/// written out keep the style numbers they got.
fn clear_column_formats(sheet: &mut Worksheet, s: &Styles) -> std::result::Result<(), XlsxError> {
    for c in 0..COLUMNS.len() {
        sheet.set_column_format(c as u16, &s.none)?;
    }
    Ok(())
}

/// Data row `i` (0-based) of a line sheet, with its height and the overdue colours. With
/// `columns` (the column formats are set, see [`column_formats`]), a plain row's cells are
/// written without a format and take their column's.
fn line_row(
    sheet: &mut Worksheet,
    i: usize,
    row: &LedgerRow,
    s: &Styles,
    columns: bool,
) -> std::result::Result<(), XlsxError> {
    let r = HEADER_ROW + 1 + i as u32;
    sheet.set_row_height(r, row_height(row))?;
    if row.overdue || !columns {
        for (c, v) in row.values(i + 1).iter().enumerate() {
            let c = c as u16;
            let format = cell_format(c, v, row.overdue, s);
            match v {
                Value::Number(n) => sheet.write_number_with_format(r, c, *n as f64, format)?,
                Value::Date(Some(d)) => {
                    sheet.write_date_with_format(r, c, excel_date(*d)?, format)?
                }
                Value::Date(None) | Value::Text("") => sheet.write_blank(r, c, format)?,
                Value::Text(t) => {
                    sheet.write_string_with_format(r, c, fit_cell(t).as_ref(), format)?
                }
            };
        }
        return Ok(());
    }
    let values = row.values(i + 1);
    for (c, v) in values.iter().enumerate() {
        let c = c as u16;
        match v {
            Value::Number(n) => sheet.write_number(r, c, *n as f64)?,
            Value::Date(Some(d)) => sheet.write_datetime(r, c, excel_date(*d)?)?,
            Value::Date(None) | Value::Text("") => continue,
            Value::Text(t) => sheet.write_string(r, c, fit_cell(t).as_ref())?,
        };
    }
    // The blank cells must still be written, as their borders are all they show: the default
    // format over the whole row (one lookup, not one a cell) adds them as blanks without a
    // format, which take their column's; the cells written above have none already.
    sheet.set_range_format(r, 0, r, (values.len() - 1) as u16, &s.none)?;
    Ok(())
}

/// 填表人 / 审核人 / 负责人 / 单位（盖章）, with the organisation's name where it is known.
fn sign_off(org: &Org) -> String {
    let unit = match org.issuer() {
        "" => "　　　　　　　　".to_string(),
        u => u.to_string(),
    };
    format!(
        "填表人：＿＿＿＿＿＿　　审核人：＿＿＿＿＿＿　　负责人（签字）：＿＿＿＿＿＿　　\
         填报单位（盖章）：{unit}　　　　　年　　月　　日"
    )
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
    head: &Head,
    s: &Styles,
) -> std::result::Result<(), XlsxError> {
    sheet.set_name(SUMMARY_SHEET)?;
    let last_col = (STATS_HEADERS.len() - 1) as u16;
    form_head(sheet, "隐患排查整治统计汇总", last_col, head, A4, s)?;
    sheet.set_column_width(0, 30)?;
    for c in 1..=last_col {
        sheet.set_column_width(c, 11)?;
    }
    let stats = &ledger.stats;
    let mut r = HEADER_ROW;
    for (title, rows) in [("防线", &stats.by_line), ("单位", &stats.by_facility)] {
        sheet.set_row_height(r, 20)?;
        for (c, h) in STATS_HEADERS.iter().enumerate() {
            let h = if c == 0 { title } else { h };
            sheet.write_string_with_format(r, c as u16, h, &s.header)?;
        }
        r += 1;
        for row in rows.iter() {
            let lines = lines_needed(&row.label, 30.0);
            sheet.set_row_height(r, row_pt(lines))?;
            stats_row(sheet, r, row, &s.text, &s.number, &s.percent)?;
            r += 1;
        }
        sheet.set_row_height(r, row_pt(1))?;
        stats_row(sheet, r, &stats.total, &s.total, &s.total, &s.total_percent)?;
        r += 2;
    }
    sheet.set_row_height(r, 36)?;
    sheet.merge_range(r, 0, r, last_col, &sign_off(&ledger.org), &s.sign)?;
    sheet.set_print_area(0, 0, r, last_col)?;
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
