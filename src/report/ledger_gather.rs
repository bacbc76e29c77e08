//! The ledger gathered in one pass over the findings, then put in order (issue 14: streamed
//! export). The pass writes each row to a temporary file and keeps 4 bytes a row; the order
//! (facility pinyin, 发现日期, 隐患编号) is made afterwards from the file, with no store
//! needed, so `xuncha export` makes it after closing the store, in the memory sled freed.

use super::Env as Ctx;
use super::ReportError;
use super::ledger::{InspectionBrief, Ledger, LedgerFilter, LedgerRow, RowSource};
use super::ledger_spill::{RowAt, Spill, SpillRows};
use super::pinyin_key;
use super::{Stats, Tally};
use crate::domain::{Finding, Org};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::path::Path;
use uuid::Uuid;

/// The order of rows inside one line: facility in pinyin order (its rank among the facilities
/// seen), 发现日期, 隐患编号, then the order the findings were read (the store reads them in id
/// order), which is the order of their places in the spill file.
type RowKey = (u32, NaiveDate, Box<str>, RowAt);

/// A ledger read but not yet in order: its rows in the temporary file in the order read, and
/// everything else the ledger shows. Holds no store and borrows nothing, so a command that
/// exits after the export closes the store before [`Gathered::into_ledger`] (issue 14: the
/// keys that order 100,000 rows, about 7 MB, are made in the memory sled freed, not beside
/// it).
pub struct Gathered {
    rows: SpillRows,
    /// Each row's line, in the order read: an index into `line_ids` (4 bytes a row; the
    /// line as found, before the row escaped it).
    row_lines: Vec<u32>,
    line_ids: Vec<String>,
    stats: Stats,
    facility: Option<String>,
    filter: String,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    today: NaiveDate,
    org: Org,
    created: chrono::DateTime<chrono::Utc>,
    photos: Option<crate::photo::Shelf>,
    /// The output path, for errors reading the temporary file back.
    beside: std::path::PathBuf,
}

/// Reads the findings matching `filter` in one pass over `findings`: each matching finding's
/// row is made at once and written to an unnamed temporary file in the folder of `beside`
/// (the output path), keeping in memory only its line (4 bytes) and the figures. Writers then
/// read the rows back in ledger order, so exporting 100,000 findings decodes each once and
/// holds neither the findings nor their rows (issue 14: streamed export).
///
/// # Errors
/// The first error the `findings` stream yields; `Output` naming `beside` when the temporary
/// file cannot be made or written there (a folder that cannot be written, a full disk).
pub fn gather_ledger<E: From<ReportError>>(
    ctx: &Ctx,
    filter: &LedgerFilter,
    inspections: &HashMap<Uuid, InspectionBrief>,
    findings: impl IntoIterator<Item = std::result::Result<Finding, E>>,
    beside: &Path,
) -> std::result::Result<Gathered, E> {
    let today = ctx.now.today();
    let q = &filter.query;
    // The output's own checks first (a folder that does not exist is named as such).
    let (folder, _) = super::output_folder(beside)?;
    let spill_failed = |reason: String| E::from(ReportError::output(beside, reason));
    let mut spill = Spill::new_in(&folder).map_err(spill_failed)?;
    let mut line_index: HashMap<String, u32> = HashMap::new();
    let mut line_ids: Vec<String> = Vec::new();
    let mut row_lines: Vec<u32> = Vec::new();
    let mut tally = Tally::default();
    let (mut first, mut last): (Option<NaiveDate>, Option<NaiveDate>) = (None, None);
    for f in findings {
        let f = f?;
        if !q.matches(&f, today) {
            continue;
        }
        let found = ctx.now.local_date(f.created_at);
        if filter.from.is_some_and(|d| found < d) || filter.to.is_some_and(|d| found > d) {
            continue;
        }
        first = Some(first.map_or(found, |d| d.min(found)));
        last = Some(last.map_or(found, |d| d.max(found)));
        tally.add(ctx, &f);
        let insp = f.inspection_id.and_then(|i| inspections.get(&i));
        spill
            .push(&LedgerRow::new(ctx, &f, insp))
            .map_err(spill_failed)?;
        let line = match line_index.get(&f.line) {
            Some(&i) => i,
            None => {
                let i = line_ids.len() as u32;
                line_index.insert(f.line.clone(), i);
                line_ids.push(f.line.clone());
                i
            }
        };
        row_lines.push(line);
    }
    let rows = spill.finish().map_err(spill_failed)?;
    let mut stats = tally.finish(ctx, filter.from, filter.to);
    stats
        .by_facility
        .sort_by_cached_key(|r| pinyin_key(&r.label));
    Ok(Gathered {
        rows,
        row_lines,
        line_ids,
        stats,
        facility: q.facility.clone(),
        filter: filter.describe(ctx),
        from: filter.from.or(first),
        to: filter.to.or(last),
        today,
        org: ctx.org.clone(),
        created: ctx.now.0.with_timezone(&chrono::Utc),
        photos: ctx.photos.cloned(),
        beside: beside.to_path_buf(),
    })
}

impl Gathered {
    /// The ledger: the rows' places grouped by line in the statistics' order (checklist order,
    /// then unknown lines), each line in facility pinyin order, then 发现日期, 隐患编号 and the
    /// order read. Reads the temporary file through once for what orders the rows.
    ///
    /// # Errors
    /// `Output` naming the output path when the temporary file cannot be read back.
    pub fn into_ledger<'a>(self) -> Result<Ledger<'a>, ReportError> {
        let Gathered {
            rows,
            row_lines,
            line_ids,
            stats,
            facility,
            filter,
            from,
            to,
            today,
            org,
            created,
            photos,
            beside,
        } = self;
        // Facilities by first appearance (about 200), so a row keeps an index, not the name.
        let mut facilities: Vec<String> = Vec::new();
        let mut facility_index: HashMap<String, u32> = HashMap::new();
        // Facility index, not rank, while reading (the ranks are known once all are seen).
        let mut by_line: HashMap<u32, Vec<RowKey>> = HashMap::new();
        let mut with_photos: std::collections::HashSet<RowAt> = Default::default();
        let mut lines_of = row_lines.iter();
        rows.scan(|at, row| {
            let line = *lines_of
                .next()
                .ok_or_else(|| "导出用的临时文件多出了行".to_string())?;
            if row.has_photos {
                with_photos.insert(at);
            }
            // The facility as the row shows it (escaped, see LedgerRow::new).
            let fac = match facility_index.get(row.facility) {
                Some(&i) => i,
                None => {
                    let i = facilities.len() as u32;
                    facility_index.insert(row.facility.to_string(), i);
                    facilities.push(row.facility.to_string());
                    i
                }
            };
            by_line
                .entry(line)
                .or_default()
                .push((fac, row.found, row.number.into(), at));
            Ok(())
        })
        .map_err(|reason| ReportError::output(&beside, reason))?;
        drop(row_lines);
        // One pinyin key per facility, not per row: 200 facilities, 100,000 rows.
        let mut by_pinyin: Vec<(String, &str, u32)> = facilities
            .iter()
            .enumerate()
            .map(|(i, fac)| (pinyin_key(fac), fac.as_str(), i as u32))
            .collect();
        by_pinyin.sort();
        let mut rank: Vec<u32> = vec![0; facilities.len()];
        let mut r = 0u32;
        for (i, (key, _, index)) in by_pinyin.iter().enumerate() {
            if i > 0 && by_pinyin[i - 1].0 != *key {
                r += 1;
            }
            rank[*index as usize] = r;
        }
        let line_of: HashMap<&str, u32> = line_ids
            .iter()
            .enumerate()
            .map(|(i, l)| (l.as_str(), i as u32))
            .collect();
        // The same line order as the statistics: checklist order, then unknown lines.
        let lines: Vec<(String, String, Vec<RowAt>)> = stats
            .by_line
            .iter()
            .filter_map(|s| {
                let keyed = line_of.get(s.key.as_str()).and_then(|l| by_line.remove(l));
                keyed.map(|mut keyed| {
                    for k in &mut keyed {
                        k.0 = rank[k.0 as usize];
                    }
                    keyed.sort();
                    // A list of their own, not the keys' memory reused (2.5 times the size).
                    let mut places = Vec::with_capacity(keyed.len());
                    places.extend(keyed.iter().map(|k| k.3));
                    (s.key.clone(), s.label.clone(), places)
                })
            })
            .collect();
        let photo_rows = lines
            .iter()
            .flat_map(|(_, _, places)| places.iter())
            .filter(|at| with_photos.contains(at))
            .copied()
            .collect();
        let source: RowSource<'a> = Box::new(move |at| rows.row(at));
        Ok(Ledger {
            lines,
            stats,
            facility,
            filter,
            from,
            to,
            today,
            org,
            created,
            photos,
            photo_rows,
            source,
        })
    }
}
