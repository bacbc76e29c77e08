//! Exports: the hazard ledger (台账) as XLSX or CSV, and the printable seed forms as HTML.
//!
//! Every export is written to a temp file in the target folder and renamed into place, so a
//! failed export never leaves a half-written file under the name the user asked for.

mod csv;
pub mod doc;
pub mod forms;
mod html;
mod ledger;
mod odt;
mod xlsx;

pub use ledger::{
    COLUMNS, Column, Ledger, LedgerFilter, LedgerRow, PRINTED, ledger, ledger_filtered,
};

use crate::domain::{Escalation, EscalationStep, Finding, Now};
use crate::ops::{Ctx, OpsError};
use crate::store::FindingQuery;
use serde::Serialize;
use std::path::{Path, PathBuf};

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

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Ops(#[from] OpsError),
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
            ReportError::Ops(e) => e.is_user_error(),
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

impl From<crate::store::StoreError> for ReportError {
    fn from(e: crate::store::StoreError) -> Self {
        ReportError::Ops(e.into())
    }
}

pub type Result<T> = std::result::Result<T, ReportError>;

/// Writes the hazard ledger of the findings matching `q` to `path`.
pub fn export_ledger(
    ctx: &Ctx,
    q: &FindingQuery,
    format: LedgerFormat,
    path: &Path,
) -> Result<ExportSummary> {
    let filter = LedgerFilter {
        query: q.clone(),
        ..Default::default()
    };
    export_ledger_filtered(ctx, &filter, format, path)
}

/// Writes the hazard ledger of the findings matching `filter` (filters and a 发现日期 range).
pub fn export_ledger_filtered(
    ctx: &Ctx,
    filter: &LedgerFilter,
    format: LedgerFormat,
    path: &Path,
) -> Result<ExportSummary> {
    let ledger = ledger_filtered(ctx, filter)?;
    let sheets = match format {
        LedgerFormat::Xlsx => {
            write_atomically(path, |tmp| xlsx::write(&ledger, tmp))?;
            1 + ledger.lines.len()
        }
        LedgerFormat::Csv => {
            write_atomically(path, |tmp| csv::write(&ledger, tmp))?;
            1
        }
    };
    summary(path, format.extension(), ledger.len(), sheets)
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

/// Writes the 自查（督查）整改表 of one inspection (HTML, or ODT for a `.odt` path).
pub fn export_inspection_form(ctx: &Ctx, inspection: &str, path: &Path) -> Result<ExportSummary> {
    export_inspection_form_as(ctx, inspection, FormFormat::for_path(path), path)
}

/// Writes the 自查（督查）整改表 of one inspection in `format`.
pub fn export_inspection_form_as(
    ctx: &Ctx,
    inspection: &str,
    format: FormFormat,
    path: &Path,
) -> Result<ExportSummary> {
    let insp = ctx.inspection(inspection)?;
    let mut findings = ctx.list_findings(&FindingQuery {
        inspection: Some(insp.id),
        ..Default::default()
    })?;
    findings.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    let d = forms::inspection_form(ctx, &insp, &findings);
    write_doc(&d, format, path)?;
    summary(path, format.name(), findings.len(), 1)
}

/// Writes the 四书 document a finding has reached (HTML, or ODT for a `.odt` path).
pub fn export_finding_notice(ctx: &Ctx, finding: &str, path: &Path) -> Result<ExportSummary> {
    export_notice(ctx, finding, None, FormFormat::for_path(path), path)
}

/// Writes one 四书 document of a finding: the step `level`, else the last step taken, with every
/// hazard issued under the same 文号. A finding with no such step has no document: refused.
pub fn export_notice(
    ctx: &Ctx,
    finding: &str,
    level: Option<Escalation>,
    format: FormFormat,
    path: &Path,
) -> Result<ExportSummary> {
    let f = ctx.finding(finding)?;
    let step = match level {
        Some(l) => f.escalations.iter().find(|s| s.level == l),
        None => f.escalations.last(),
    };
    let Some(step) = step else {
        let what = level.map(|l| l.label()).unwrap_or("督办文书");
        return Err(OpsError::invalid(
            "隐患",
            format!(
                "该隐患尚未发出{what}，没有可打印的文书；文书在发出（xuncha finding escalate 或 \
                 xuncha notice）时才产生"
            ),
        )
        .into());
    };
    let level = step.level;
    let mut listed: Vec<Finding> = Vec::new();
    if let Some(issued) = &step.issued {
        for id in ctx.store.findings_by_wenhao(&issued.wenhao)? {
            let other = if id == f.id {
                f.clone()
            } else {
                ctx.finding_by_id(id)?
            };
            listed.push(other);
        }
    }
    if !listed.iter().any(|x| x.id == f.id) {
        listed.insert(0, f.clone());
    }
    let wenhao = step.issued.as_ref().map(|i| i.wenhao.clone());
    let step_of = |x: &Finding| -> Option<EscalationStep> {
        x.escalations
            .iter()
            .find(|s| match &wenhao {
                Some(w) => s.issued.as_ref().is_some_and(|i| &i.wenhao == w),
                None => s.level == level,
            })
            .cloned()
    };
    let mut pairs: Vec<(Finding, EscalationStep)> = listed
        .into_iter()
        .filter_map(|x| step_of(&x).map(|s| (x, s)))
        .collect();
    pairs.sort_by_key(|(x, s)| {
        (
            s.issued.as_ref().map(|i| i.hazard.number.clone()),
            x.created_at,
            x.id,
        )
    });
    let insp = match f.inspection_id {
        Some(id) => ctx.store.inspection(id)?,
        None => None,
    };
    let notice = forms::Notice {
        level,
        items: pairs.iter().map(|(x, s)| (x, s)).collect(),
        inspection: insp.as_ref(),
    };
    let d = forms::notice(ctx, &notice);
    write_doc(&d, format, path)?;
    summary(path, format.name(), pairs.len(), 1)
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
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    // Probe writability first so the message names the user's path, not the temp file.
    std::fs::File::create(&tmp).map_err(|e| ReportError::output(path, e))?;
    let done = write(&tmp).and_then(|_| {
        std::fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| ReportError::output(path, e))?;
        std::fs::rename(&tmp, path).map_err(|e| ReportError::output(path, e))
    });
    if done.is_err() {
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
