//! XLSX of issue 16: a facility's 风险分级管控清单 (every graded place and every key site, the
//! grade in words and in its colour, 管控措施, 责任人) and the coverage of the rules of
//! frequency (per facility, rule and period: required, done, state, source clause).

use super::xlsx_style::{A4, Styles, fail, fit_cell, lines_needed, row_pt};
use super::{ExportSummary, ReportError, Result, summary, write_atomically};
use crate::domain::{Facility, PlanRow, PlanState, RiskGrade, sanitize};
use chrono::NaiveDate;
use rust_xlsxwriter::{Color, Format, Workbook, Worksheet, XlsxError};
use std::path::Path;

/// Text safe in a cell: controls escaped, cut to the cell limit. A formula-looking value needs
/// no quote: cells are written with `write_string`, which never makes a formula (a leading `'`
/// used to show in the cell as a stray quote).
fn cell_text(s: &str) -> String {
    fit_cell(&sanitize::escape(s)).into_owned()
}

/// The fill of a grade: red, orange, yellow, blue (the four-colour map).
fn grade_fill(g: RiskGrade) -> (u32, u32) {
    match g {
        RiskGrade::Major => (0xFF0000, 0xFFFFFF),
        RiskGrade::Large => (0xFF8C00, 0x000000),
        RiskGrade::General => (0xFFFF00, 0x000000),
        RiskGrade::Low => (0x0070C0, 0xFFFFFF),
    }
}

fn head(
    sheet: &mut Worksheet,
    st: &Styles,
    title: &str,
    meta: &str,
    cols: &[(&str, f64)],
) -> std::result::Result<(), XlsxError> {
    let last = cols.len() as u16 - 1;
    sheet.merge_range(0, 0, 0, last, title, &st.title)?;
    sheet.set_row_height(0, 28)?;
    sheet.merge_range(1, 0, 1, last, meta, &st.meta_left)?;
    for (c, (name, w)) in cols.iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, *name, &st.header)?;
        sheet.set_column_width(c as u16, *w)?;
    }
    sheet.set_freeze_panes(3, 0)?;
    sheet.set_landscape();
    sheet.set_paper_size(A4);
    // Every column on one page across: printed, the 责任人 column fell onto a second page.
    sheet.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// Sets row `r` tall enough for its longest wrapped text: (text, column width) pairs. Row
/// heights are not fitted by the spreadsheet, so long 管控措施 overlapped the rows below.
fn fit_row(
    sheet: &mut Worksheet,
    r: u32,
    texts: &[(&str, f64)],
) -> std::result::Result<(), XlsxError> {
    let lines = texts
        .iter()
        .map(|(t, w)| lines_needed(t, *w))
        .max()
        .unwrap_or(1);
    if lines > 1 {
        sheet.set_row_height(r, row_pt(lines))?;
    }
    Ok(())
}

/// One text cell, made safe.
fn put(sheet: &mut Worksheet, r: u32, c: u16, t: &str, f: &Format) -> Result<()> {
    sheet
        .write_string_with_format(r, c, cell_text(t), f)
        .map(|_| ())
        .map_err(fail)
}

/// Writes a facility's 风险分级管控清单: one row per place that is a key site or has a grade,
/// in tree order. Returns the rows written.
///
/// # Errors
/// `Output` when `path` cannot be written; `Writer` when the XLSX writer fails.
pub fn write_risk_list(f: &Facility, today: NaiveDate, path: &Path) -> Result<ExportSummary> {
    let places: Vec<_> = f
        .places
        .iter()
        .filter(|p| p.key_site || p.grade.is_some())
        .collect();
    write_atomically(path, |tmp| {
        let st = Styles::new();
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("风险分级管控清单").map_err(fail)?;
        let title = format!("{} 安全风险分级管控清单", cell_text(&f.name));
        let meta = format!(
            "单位：{}（{}）    主要负责人：{}    安全管理员：{}    导出日期：{today}",
            cell_text(&f.name),
            f.kind.label(),
            cell_text(&f.head),
            cell_text(&f.officer)
        );
        let cols = [
            ("序号", 6.0),
            ("所在位置", 26.0),
            ("场所/部位", 16.0),
            ("类型", 8.0),
            ("重点部位", 8.0),
            ("风险等级", 10.0),
            ("颜色", 6.0),
            ("管控措施", 40.0),
            ("责任人", 10.0),
        ];
        head(sheet, &st, &title, &meta, &cols).map_err(fail)?;
        for (i, p) in places.iter().enumerate() {
            let r = 3 + i as u32;
            let parent = p
                .path
                .rsplit_once('/')
                .map(|(a, _)| a.to_string())
                .unwrap_or_default();
            let (grade, colour, fill) = match p.grade {
                Some(g) => (
                    format!("{}风险", g.label()),
                    g.colour().to_string(),
                    Some(grade_fill(g)),
                ),
                None => ("未评定".to_string(), String::new(), None),
            };
            let texts = [
                (i + 1).to_string(),
                cell_text(&parent),
                cell_text(&p.name),
                p.kind.label().to_string(),
                if p.key_site { "是" } else { "" }.to_string(),
            ];
            for (c, t) in texts.iter().enumerate() {
                let fmt = if c == 1 || c == 2 {
                    &st.text
                } else {
                    &st.center
                };
                sheet
                    .write_string_with_format(r, c as u16, t, fmt)
                    .map_err(fail)?;
            }
            let gfmt = match fill {
                Some((bg, fg)) => st
                    .center
                    .clone()
                    .set_bold()
                    .set_background_color(Color::RGB(bg))
                    .set_font_color(Color::RGB(fg)),
                None => st.center.clone(),
            };
            sheet
                .write_string_with_format(r, 5, &grade, &gfmt)
                .map_err(fail)?;
            sheet
                .write_string_with_format(r, 6, &colour, &gfmt)
                .map_err(fail)?;
            sheet
                .write_string_with_format(r, 7, cell_text(&p.measures), &st.text)
                .map_err(fail)?;
            sheet
                .write_string_with_format(r, 8, cell_text(&p.responsible), &st.center)
                .map_err(fail)?;
            let measures = cell_text(&p.measures);
            let texts = [
                (parent.as_str(), cols[1].1),
                (p.name.as_str(), cols[2].1),
                (measures.as_str(), cols[7].1),
            ];
            fit_row(sheet, r, &texts).map_err(fail)?;
        }
        book.save(tmp).map_err(|e| match e {
            XlsxError::IoError(io) => ReportError::Output {
                path: path.display().to_string(),
                reason: io.to_string(),
            },
            e => fail(e),
        })
    })?;
    summary(path, "xlsx", places.len(), 1)
}

/// Writes the coverage of the rules of frequency: one row per facility, rule and period, the
/// short ones (待完成, 未完成) coloured. `range` is the period asked for, for the head line.
///
/// # Errors
/// As [`write_risk_list`].
pub fn write_coverage(rows: &[PlanRow], range: &str, path: &Path) -> Result<ExportSummary> {
    write_atomically(path, |tmp| {
        let st = Styles::new();
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("巡查检查频次").map_err(fail)?;
        let cols = [
            ("单位", 24.0),
            ("规则", 22.0),
            ("期间", 16.0),
            ("要求", 8.0),
            ("已完成", 8.0),
            ("状态", 10.0),
            ("未完成的重点部位", 30.0),
            ("依据", 50.0),
        ];
        head(
            sheet,
            &st,
            "巡查与检查频次完成情况",
            &format!("期间：{range}"),
            &cols,
        )
        .map_err(fail)?;
        let short = |s: PlanState| match s {
            PlanState::Done => st.center.clone(),
            PlanState::Due => st.center.clone().set_background_color(Color::RGB(0xFFEB9C)),
            PlanState::Missed => st
                .center
                .clone()
                .set_background_color(Color::RGB(0xFFC7CE))
                .set_font_color(Color::RGB(0x9C0006)),
        };
        for (i, row) in rows.iter().enumerate() {
            let r = 3 + i as u32;
            let need = match row.max {
                Some(m) if m > row.required => format!("{}–{m}", row.required),
                _ => row.required.to_string(),
            };
            let sites: Vec<String> = row
                .sites
                .iter()
                .filter(|s| s.done < row.required)
                .map(|s| format!("{} {}/{}", s.site, s.done, row.required))
                .collect();
            put(sheet, r, 0, &row.facility, &st.text)?;
            put(sheet, r, 1, &row.rule_name, &st.text)?;
            put(sheet, r, 2, &row.period, &st.center)?;
            put(sheet, r, 3, &need, &st.center)?;
            sheet
                .write_number_with_format(r, 4, row.done as f64, &st.center)
                .map_err(fail)?;
            put(sheet, r, 5, &row.state_label, &short(row.state))?;
            put(sheet, r, 6, &sites.join("，"), &st.text)?;
            put(sheet, r, 7, &row.source, &st.text)?;
            let sites = sites.join("，");
            let texts = [
                (row.facility.as_str(), cols[0].1),
                (sites.as_str(), cols[6].1),
                (row.source.as_str(), cols[7].1),
            ];
            fit_row(sheet, r, &texts).map_err(fail)?;
        }
        if !rows.is_empty() {
            sheet
                .autofilter(2, 0, 2 + rows.len() as u32, 7)
                .map_err(fail)?;
        }
        book.save(tmp).map_err(|e| match e {
            XlsxError::IoError(io) => ReportError::Output {
                path: path.display().to_string(),
                reason: io.to_string(),
            },
            e => fail(e),
        })
    })?;
    summary(path, "xlsx", rows.len(), 1)
}
