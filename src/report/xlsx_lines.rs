//! The ledger's line sheets written side by side on the machine's cores (issue 14: XLSX export
//! of 100,000 hazards).
//!
//! Each line sheet is a constant-memory worksheet whose XML goes to its own temporary file as
//! its rows are written, so sheets do not depend on each other and are shared out to worker
//! threads. Most of an export's time is spent here (the writer's XML per cell), and a
//! 100,000-hazard ledger has about 14 line sheets of similar size, so two cores nearly halve it.
//!
//! The workbook must not depend on which thread got which sheet. The writer numbers a cell
//! format the first time any sheet uses it, so every format of the line sheets is numbered
//! before the threads start, in the order the first sheet written alone met them (when it has
//! both plain and red rows; else the same styles come in another order). The styles and every
//! cell's style number are the same on every run.

use super::Result;
use super::xlsx_style::{Styles, fail};
use rust_xlsxwriter::{Workbook, Worksheet};
use std::sync::Mutex;

/// Writes `sheets[i]` with `write_one(sheet, i)` for every i, on up to [`MAX_THREADS`] threads.
/// `first_late`: the first sheet's first row is flagged (red), which decides the order the
/// row formats are numbered in. Returns the error of the lowest-numbered sheet that failed, if
/// any (every sheet is attempted, as the writer leaves no partial file behind).
///
/// # Errors
/// The writer's, or the reason a row could not be made (from `write_one`).
pub(super) fn write_sheets(
    book: &mut Workbook,
    sheets: &mut [Worksheet],
    write_one: &(dyn Fn(&mut Worksheet, usize) -> Result<()> + Sync),
    styles: &Styles,
    first_late: bool,
) -> Result<()> {
    if sheets.is_empty() {
        return Ok(());
    }
    number_row_formats(book, styles, first_late)?;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_THREADS)
        .min(sheets.len());
    let queue = Mutex::new(sheets.iter_mut().enumerate());
    let failures = Mutex::new(Vec::new());
    let work = || {
        loop {
            // The lock is held only to take the next sheet.
            let next = queue.lock().map(|mut q| q.next());
            let Ok(Some((i, sheet))) = next else { return };
            if let Err(e) = write_one(sheet, i)
                && let Ok(mut f) = failures.lock()
            {
                f.push((i, e));
            }
        }
    };
    std::thread::scope(|s| {
        for _ in 1..threads {
            s.spawn(work);
        }
        work();
    });
    let mut failures = failures.into_inner().unwrap_or_default();
    failures.sort_by_key(|(i, _)| *i);
    match failures.into_iter().next() {
        Some((_, e)) => Err(e),
        None => Ok(()),
    }
}

/// At most this many sheets are written at once: each thread holds one row and a file buffer,
/// so memory stays flat, and the workbook's format table is shared behind one lock.
pub(super) const MAX_THREADS: usize = 4;

/// Numbers every format a line sheet uses by writing blank cells with them to a scratch sheet
/// that is never added to the workbook, in the order the first sheet written alone met them:
/// its head (title, the 单位/时间 line, the header row), then its first row's kind (plain, or
/// red when `first_late`) and the other kind, each in column order (centred, text, date), then
/// the sign-off line. (The statistics sheet's formats are numbered when the workbook is saved,
/// after these.)
fn number_row_formats(book: &mut Workbook, s: &Styles, first_late: bool) -> Result<()> {
    let mut scratch = book.new_worksheet_with_constant_memory().map_err(fail)?;
    let head = [&s.title, &s.meta_left, &s.meta_right, &s.header];
    let plain = [&s.center, &s.text, &s.date];
    let late = [&s.late_center, &s.late_text, &s.late_date];
    let (first, then) = if first_late {
        (late, plain)
    } else {
        (plain, late)
    };
    let order = head.into_iter().chain(first).chain(then).chain([&s.sign]);
    for (c, format) in order.enumerate() {
        scratch.write_blank(0, c as u16, format).map_err(fail)?;
    }
    Ok(())
}
