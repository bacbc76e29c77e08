//! Exports: the hazard ledger (台账) as XLSX or CSV, and the printable seed forms as HTML.
//!
//! Every export is written to a temp file in the target folder and renamed into place, so a
//! failed export never leaves a half-written file under the name the user asked for.

mod csv;
pub mod doc;
pub mod forms;
mod html;
mod ledger;
mod ledger_gather;
mod ledger_spill;
mod notice_fit;
pub use ledger_spill::RowAt;
mod odt;
pub mod photos;
pub mod registers;
mod risk;
mod stats;
mod wrap;
mod xlsx;
mod xlsx_lines;
mod xlsx_style;

pub use forms::Notice;
pub use ledger::{
    COLUMNS, Column, InspectionBrief, Ledger, LedgerFilter, LedgerRow, PRINTED, ledger,
    ledger_filtered,
};
pub use ledger_gather::{Gathered, gather_ledger};
pub use risk::{write_coverage, write_risk_list};
pub use stats::{Stats, StatsRow, Tally};

use crate::catalog::Catalog;
use crate::domain::{Finding, Inspection, ItemLabel, Now, Org};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// The ledger file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LedgerFormat {
    Xlsx,
    Csv,
}

impl LedgerFormat {
    pub fn extension(self) -> &'static str {
        match self {
            LedgerFormat::Xlsx => "xlsx",
            LedgerFormat::Csv => "csv",
        }
    }
}

/// What an export wrote, for the CLI line and the TUI status bar.
#[derive(Debug, Clone, Serialize)]
pub struct ExportSummary {
    pub path: PathBuf,
    pub format: &'static str,
    /// Findings written (for a form: the findings on it).
    pub rows: usize,
    /// Worksheets in an XLSX (the summary plus one per line); 1 otherwise.
    pub sheets: usize,
    pub bytes: u64,
}

/// What the documents are written with: the checklists (for names), today, and the
/// organisation profile (issuer, 机关代字, names on the forms).
#[derive(Clone, Copy)]
pub struct Env<'a> {
    pub catalog: &'a Catalog,
    pub now: Now,
    pub org: &'a Org,
    /// The data dir's photos, for the forms' 照片 block and the ledger's 照片 sheet; None
    /// leaves photos out.
    pub photos: Option<&'a crate::photo::Shelf>,
    /// Each hazard's line name and item text from its inspection's checklist version (finding
    /// id → label); forms print them under the hazard. None: forms print no item line.
    pub labels: Option<&'a HashMap<Uuid, ItemLabel>>,
}

static NO_ORG: Org = Org::EMPTY;

impl<'a> Env<'a> {
    /// An environment with no organisation profile (forms print blanks to fill by hand).
    pub fn of(catalog: &'a Catalog, now: Now) -> Env<'a> {
        Env {
            catalog,
            now,
            org: &NO_ORG,
            photos: None,
            labels: None,
        }
    }

    /// The same with the data dir's photos.
    pub fn with_photos(self, photos: &'a crate::photo::Shelf) -> Env<'a> {
        Env {
            photos: Some(photos),
            ..self
        }
    }

    /// The same with each hazard's item label (see [`ItemLabel`]).
    pub fn with_labels(self, labels: &'a HashMap<Uuid, ItemLabel>) -> Env<'a> {
        Env {
            labels: Some(labels),
            ..self
        }
    }

    /// The form line naming what `finding` was checked against, when labels were given.
    pub fn label_text(&self, finding: Uuid) -> Option<String> {
        self.labels
            .and_then(|l| l.get(&finding))
            .map(ItemLabel::text)
    }

    /// The same with the organisation profile.
    pub fn with_org(self, org: &'a Org) -> Env<'a> {
        Env { org, ..self }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The output path cannot be written: the user can pick another one.
    #[error("无法写入导出文件 {path}：{reason}")]
    Output { path: String, reason: String },
    /// A failure inside the file writer (not caused by the input).
    #[error("生成 {what} 文件失败：{reason}")]
    Writer { what: &'static str, reason: String },
}

impl ReportError {
    pub fn is_user_error(&self) -> bool {
        match self {
            ReportError::Output { .. } => true,
            ReportError::Writer { .. } => false,
        }
    }

    fn output(path: &Path, reason: impl ToString) -> ReportError {
        ReportError::Output {
            path: path.display().to_string(),
            reason: reason.to_string(),
        }
    }
}

pub type Result<T> = std::result::Result<T, ReportError>;

/// Writes a built ledger to `path` (temp file, then rename).
///
/// # Errors
/// `Output` when `path` cannot be written (nothing is left under its name); `Writer` when the
/// file writer fails.
pub fn write_ledger(ledger: &Ledger, format: LedgerFormat, path: &Path) -> Result<ExportSummary> {
    write_ledger_unless(ledger, format, path, &|| false).map(|s| s.expect("never stopped"))
}

/// As [`write_ledger`], asking `stop` once the temp file is written and before it takes the
/// file's name: when it says stop (the user pressed Esc), the temp file is removed and None is
/// returned, so a cancelled export leaves no file, whole or partial, and an older file of that
/// name as it was (issue 11, point 2).
///
/// # Errors
/// As [`write_ledger`].
pub fn write_ledger_unless(
    ledger: &Ledger,
    format: LedgerFormat,
    path: &Path,
    stop: &dyn Fn() -> bool,
) -> Result<Option<ExportSummary>> {
    let sheets = match format {
        LedgerFormat::Xlsx => 1 + ledger.lines.len(),
        LedgerFormat::Csv => 1,
    };
    let written = write_atomically_unless(
        path,
        |tmp| match format {
            LedgerFormat::Xlsx => xlsx::write(ledger, tmp),
            LedgerFormat::Csv => csv::write(ledger, tmp),
        },
        stop,
    )?;
    if !written {
        return Ok(None);
    }
    summary(path, format.extension(), ledger.len(), sheets).map(Some)
}

/// The file formats of the printed forms: ODT prints page-exact in LibreOffice, WPS and Word;
/// HTML is for a browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FormFormat {
    Odt,
    Html,
}

impl FormFormat {
    /// ODT for a path ending in `.odt`, else HTML.
    pub fn for_path(path: &Path) -> FormFormat {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("odt") => FormFormat::Odt,
            _ => FormFormat::Html,
        }
    }

    fn name(self) -> &'static str {
        match self {
            FormFormat::Odt => "odt",
            FormFormat::Html => "html",
        }
    }
}

fn write_doc(d: &doc::Doc, format: FormFormat, path: &Path) -> Result<()> {
    match format {
        FormFormat::Html => write_atomically(path, |tmp| write_text(tmp, &html::render(d))),
        FormFormat::Odt => write_atomically(path, |tmp| {
            let file = std::fs::File::create(tmp).map_err(|e| ReportError::output(path, e))?;
            odt::write(d, std::io::BufWriter::new(file)).map_err(|e| ReportError::Writer {
                what: "ODT",
                reason: e.to_string(),
            })
        }),
    }
}

/// Writes the 自查（督查）整改表 of one inspection, with its findings (in the order given), as
/// ODT or HTML.
///
/// # Errors
/// As [`write_ledger`].
pub fn write_inspection_form(
    env: &Env,
    insp: &Inspection,
    findings: &[Finding],
    format: FormFormat,
    path: &Path,
) -> Result<ExportSummary> {
    let d = forms::inspection_form(env, insp, findings);
    write_doc(&d, format, path)?;
    summary(path, format.name(), findings.len(), 1)
}

/// Writes one 四书 document (the step and every hazard issued under its 文号) as ODT or HTML.
///
/// # Errors
/// As [`write_ledger`].
pub fn write_notice(
    env: &Env,
    notice: &Notice,
    format: FormFormat,
    path: &Path,
) -> Result<ExportSummary> {
    let d = forms::notice(env, notice);
    write_doc(&d, format, path)?;
    summary(path, format.name(), notice.items.len(), 1)
}

/// "2026年11月29日".
pub fn cn_date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// A sort key that puts Chinese names in pinyin order (as an office index does): each Han
/// character by its toneless pinyin, anything else as itself.
pub fn pinyin_key(text: &str) -> String {
    use pinyin::ToPinyin;
    let mut key = String::with_capacity(text.len() * 3);
    for (ch, py) in text.chars().zip(text.to_pinyin()) {
        match py {
            Some(p) => key.push_str(p.plain()),
            None => key.extend(ch.to_lowercase()),
        }
        key.push(' ');
    }
    key
}

/// Where the TUI saves a ledger by default: the documents folder (else home, else the current
/// folder), named like `隐患台账-2026-11-22.xlsx`.
pub fn default_export_path(format: LedgerFormat, now: &Now) -> PathBuf {
    let dirs = directories::UserDirs::new();
    let dir = dirs
        .as_ref()
        .and_then(|d| d.document_dir().map(Path::to_path_buf))
        .or_else(|| dirs.as_ref().map(|d| d.home_dir().to_path_buf()))
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."));
    dir.join(format!("隐患台账-{}.{}", now.today(), format.extension()))
}

fn summary(path: &Path, format: &'static str, rows: usize, sheets: usize) -> Result<ExportSummary> {
    let bytes = std::fs::metadata(path)
        .map_err(|e| ReportError::output(path, e))?
        .len();
    Ok(ExportSummary {
        path: path.to_path_buf(),
        format,
        rows,
        sheets,
        bytes,
    })
}

fn write_text(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| ReportError::output(path, e))
}

/// Runs `write` on a temp file next to `path`, then renames it over `path`. On any failure the
/// temp file is removed and `path` is left as it was.
fn write_atomically(path: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    write_atomically_unless(path, write, &|| false).map(|_| ())
}

/// Writes through a temp file beside `path`, then renames it, unless `stop` says so once the
/// temp file is written (then the temp file is removed and false returned).
/// The folder an output file goes in and its file name, checked: the user's path is named in
/// the error when it is a folder, has no file name, or its folder does not exist.
fn output_folder(path: &Path) -> Result<(PathBuf, &std::ffi::OsStr)> {
    let name = path
        .file_name()
        .ok_or_else(|| ReportError::output(path, "不是文件名"))?;
    if path.is_dir() {
        return Err(ReportError::output(path, "这是一个文件夹，请给出文件名"));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(ReportError::output(path, "所在文件夹不存在"));
    }
    Ok((dir, name))
}

fn write_atomically_unless(
    path: &Path,
    write: impl FnOnce(&Path) -> Result<()>,
    stop: &dyn Fn() -> bool,
) -> Result<bool> {
    let (dir, name) = output_folder(path)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    // Probe writability first so the message names the user's path, not the temp file.
    std::fs::File::create(&tmp).map_err(|e| ReportError::output(path, e))?;
    let done = write(&tmp).and_then(|_| {
        if stop() {
            return Ok(false);
        }
        std::fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| ReportError::output(path, e))?;
        std::fs::rename(&tmp, path)
            .map(|_| true)
            .map_err(|e| ReportError::output(path, e))
    });
    if !matches!(done, Ok(true)) {
        let _ = std::fs::remove_file(&tmp);
    }
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_path_is_named_by_date_and_format() {
        let now = Now(chrono::DateTime::parse_from_rfc3339("2026-11-22T09:00:00+08:00").unwrap());
        let p = default_export_path(LedgerFormat::Xlsx, &now);
        assert_eq!(p.file_name().unwrap(), "隐患台账-2026-11-22.xlsx");
        let p = default_export_path(LedgerFormat::Csv, &now);
        assert_eq!(p.file_name().unwrap(), "隐患台账-2026-11-22.csv");
        assert!(p.parent().is_some_and(|d| !d.as_os_str().is_empty()));
    }

    #[test]
    fn names_sort_in_pinyin_order() {
        let mut v = vec![
            "中原区人民医院",
            "北苑社区卫生服务中心",
            "二七区妇幼保健院",
            "安阳市第一人民医院",
        ];
        v.sort_by_cached_key(|s| pinyin_key(s));
        assert_eq!(
            v,
            [
                "安阳市第一人民医院",
                "北苑社区卫生服务中心",
                "二七区妇幼保健院",
                "中原区人民医院"
            ]
        );
    }

    #[test]
    fn failed_write_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("台账.csv");
        std::fs::write(&out, "旧内容").unwrap();
        let r = write_atomically(&out, |tmp| {
            std::fs::write(tmp, "写了一半").unwrap();
            Err(ReportError::Writer {
                what: "CSV",
                reason: "测试".into(),
            })
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "旧内容");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
