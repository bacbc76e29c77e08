//! What every XLSX export shares: the cell formats (宋体 10 pt, thin borders, the blue-grey
//! header, red for flagged rows), paper sizes, row heights from wrapped text, the cell length
//! limit and the writer's error. The hazard ledger (`xlsx.rs`), the registers (`registers.rs`)
//! and the 风险分级管控清单 (`risk.rs`) all print with these, so their sheets look alike.

use super::ReportError;
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatAlign, FormatBorder, XlsxError};

/// The body font of every sheet (the titles use 黑体).
pub(super) const FONT: &str = "宋体";
/// Paper sizes (Excel codes). The sixteen printed ledger columns fit A3 landscape at 100 %.
pub(super) const A4: u8 = 9;
pub(super) const A3: u8 = 8;

/// Points per printed line of 10 pt CJK text (Noto/宋体 line height ≈ 1.4 em) and the cell's
/// top and bottom padding; Excel's highest row is 409 pt.
pub(super) const LINE_PT: f64 = 14.5;
pub(super) const PAD_PT: f64 = 4.0;
pub(super) const MAX_ROW_PT: f64 = 409.0;

/// The height in points of a row whose tallest cell wraps to `lines` lines. Written on every
/// row, because LibreOffice does not grow rows when it opens a file (Excel and WPS differ), and
/// a row without a height prints its wrapped text over the rows below.
pub(super) fn row_pt(lines: u32) -> f64 {
    (lines as f64 * LINE_PT + PAD_PT).min(MAX_ROW_PT)
}

/// Points of one column-width unit on paper: the width of a digit in the workbook's default
/// 11 pt Calibri (Carlito in LibreOffice), as LibreOffice lays it out. Measured on the print
/// check's ledger: a 25-unit column holds 134 pt of text at 97 % scale.
const UNIT_PT: f64 = 5.68;

/// Units a cell's padding and rules take from its column.
const PADDING_UNITS: f64 = 1.0;

/// Printed lines a text needs in a column `width` units wide, at the sheets' 10 pt (see
/// `wrap`). CJK characters count 2 units, 1.14 em: the margin over their 1 em covers
/// LibreOffice's rule that some punctuation may not start a line.
pub fn lines_needed(text: &str, width: f64) -> u32 {
    let units_per_em = 10.0 / UNIT_PT;
    super::wrap::wrapped_lines(
        text,
        (width - PADDING_UNITS).max(1.0) / units_per_em,
        2.0 / units_per_em,
    )
}

/// The most characters an XLSX cell holds (Excel's limit; rust_xlsxwriter refuses more).
pub(super) const MAX_CELL_CHARS: usize = 32_767;

/// Text cut to what a cell holds, ending in "…" when cut, so one long record (synced from
/// another device, which our input limits never saw) cannot make the export fail.
pub(super) fn fit_cell(t: &str) -> std::borrow::Cow<'_, str> {
    match t.char_indices().nth(MAX_CELL_CHARS - 1) {
        Some((at, _)) if t[at..].chars().count() > 1 => format!("{}…", &t[..at]).into(),
        _ => t.into(),
    }
}

/// A date cell's value.
pub(super) fn excel_date(d: NaiveDate) -> std::result::Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

/// A failure inside the XLSX writer (not caused by the input).
pub(super) fn fail(e: XlsxError) -> ReportError {
    ReportError::Writer {
        what: "XLSX",
        reason: e.to_string(),
    }
}

/// The cell formats. `late_*` are the flagged-row versions (red fill, dark red text) of the
/// plain ones: overdue hazards, overdrawn stock, equipment past its 检验.
pub(super) struct Styles {
    /// 黑体 16 pt bold, centred: the sheet's title row.
    pub title: Format,
    /// 11 pt, wrapped: the 单位/时间 line under the title, left and right.
    pub meta_left: Format,
    pub meta_right: Format,
    /// Bold, centred, wrapped, blue-grey fill.
    pub header: Format,
    /// Bordered, wrapped, vertically centred.
    pub text: Format,
    pub center: Format,
    /// `yyyy-mm-dd`, centred.
    pub date: Format,
    pub number: Format,
    /// `0.0%`, centred.
    pub percent: Format,
    pub late_text: Format,
    pub late_center: Format,
    pub late_date: Format,
    /// Bold: a totals row.
    pub total: Format,
    pub total_percent: Format,
    /// The 填报单位（盖章） line under a form, no border.
    pub sign: Format,
    /// The writer's default: a cell written with it takes its row's or column's format.
    pub none: Format,
}

impl Styles {
    pub(super) fn new() -> Styles {
        let base = Format::new().set_font_name(FONT).set_font_size(10);
        let cell = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let text = cell.clone().set_text_wrap();
        // Centred cells wrap too: a long short value (是（逾期11天整改）) must not spill sideways.
        let center = cell.clone().set_align(FormatAlign::Center).set_text_wrap();
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
            meta_left: base
                .clone()
                .set_font_size(11)
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter),
            meta_right: base
                .clone()
                .set_font_size(11)
                .set_text_wrap()
                .set_align(FormatAlign::Right)
                .set_align(FormatAlign::VerticalCenter),
            sign: base
                .clone()
                .set_font_size(11)
                .set_align(FormatAlign::Left)
                .set_align(FormatAlign::VerticalCenter),
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
            none: Format::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_cell_is_cut_to_the_limit_with_an_ellipsis() {
        let long = "隐".repeat(MAX_CELL_CHARS + 5);
        let cut = fit_cell(&long);
        assert_eq!(cut.chars().count(), MAX_CELL_CHARS);
        assert!(cut.ends_with('…'));
        let exact = "隐".repeat(MAX_CELL_CHARS);
        assert_eq!(fit_cell(&exact), exact.as_str());
    }

    #[test]
    fn rows_grow_with_lines_up_to_excels_limit() {
        assert_eq!(lines_needed("消防通道堵塞", 14.0), 1);
        assert_eq!(lines_needed("消防通道堵塞\n安全出口", 14.0), 2);
        assert_eq!(lines_needed(&"堵".repeat(20), 11.5), 4);
        assert_eq!(row_pt(1), LINE_PT + PAD_PT);
        assert_eq!(row_pt(1000), MAX_ROW_PT);
    }

    /// Line counts LibreOffice 7 printed for these cells (the ledger's 25-unit 问题隐患
    /// column, rows made tall enough, `pdftotext -bbox-layout`).
    #[test]
    fn latin_heavy_text_needs_the_lines_libreoffice_prints() {
        let latin = "WWW MMM 4000 MW 2015 GB 50016-2014 WWW MMM 0000 WMWM 50016 NFPA 72 UL 864 \
                     WWW MMM 2020 MW WM";
        assert_eq!(lines_needed(latin, 25.0), 5);
        let mixed = "门WWW MMM 4000 MW 2015门GB 50016-2014 WWW门MMM 0000 WMWM 50016门NFPA 72 UL \
                     864门WWW MMM 2020 MW WM门WWW MMM 4000 MW 2015门GB 50016-2014 WWW门MMM";
        assert_eq!(lines_needed(mixed, 25.0), 8);
    }

    #[test]
    fn the_widest_hazard_number_takes_one_line_in_the_ledger_column() {
        let column = crate::report::ledger::COLUMNS[1];
        assert_eq!(column.title, "隐患编号");
        assert_eq!(lines_needed("YH-2026-WWW-10000", column.width), 1);
    }
}
