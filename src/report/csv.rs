//! The ledger as CSV: UTF-8 with a byte-order mark, so Excel and WPS detect the encoding and
//! show the Chinese text right when the file is double-clicked.

use super::ledger::{COLUMNS, Ledger, Value};
use super::{ReportError, Result};
use crate::domain::sanitize;
use std::io::Write;
use std::path::Path;

const BOM: &[u8] = "\u{feff}".as_bytes();

pub fn write(ledger: &Ledger, path: &Path) -> Result<()> {
    let file = std::fs::File::create(path).map_err(|e| ReportError::output(path, e))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
    out.write_all(BOM)
        .map_err(|e| ReportError::output(path, e))?;
    let mut w = ::csv::Writer::from_writer(out);
    let fail = |e: ::csv::Error| ReportError::Writer {
        what: "CSV",
        reason: e.to_string(),
    };
    w.write_record(COLUMNS.iter().map(|c| c.title))
        .map_err(fail)?;
    let mut cells: Vec<String> = Vec::with_capacity(COLUMNS.len());
    for (i, row) in ledger.rows().enumerate() {
        let row = row.map_err(|reason| ReportError::Writer {
            what: "CSV",
            reason,
        })?;
        cells.clear();
        cells.extend(row.values(i + 1).iter().map(|v| match v {
            Value::Text(s) => sanitize::spreadsheet_cell(s).into_owned(),
            Value::Date(d) => d.map(|d| d.to_string()).unwrap_or_default(),
            Value::Number(n) => n.to_string(),
        }));
        w.write_record(&cells).map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| ReportError::output(path, e.error()))?
        .flush()
        .map_err(|e| ReportError::output(path, e))
}
