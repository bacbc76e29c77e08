//! `xuncha export`: the ledger (台账) as CSV or XLSX, or a printable form as HTML.

use super::args::{ExportArgs, ExportFormat};
use super::output::print_json;
use super::{Cli, CmdResult, Failure, context, context_one_pass, finding::query};
use crate::domain::{Escalation, parse_date_input};
use crate::ops::{self, ExportSummary, FormFormat, LedgerFilter, LedgerFormat};

pub fn run(cli: &Cli, args: &ExportArgs) -> CmdResult {
    let form = match (&args.inspection, &args.finding) {
        (Some(_), Some(_)) => {
            return Err(Failure::usage(
                "--inspection 与 --finding 只能选一个：整改表按检查导出，通知书按隐患导出",
            ));
        }
        (Some(i), None) => Some(Form::Inspection(i)),
        (None, Some(f)) => Some(Form::Finding(f)),
        (None, None) => None,
    };
    let summary = match (args.format, form) {
        (ExportFormat::Html | ExportFormat::Odt, None) => {
            return Err(Failure::usage(
                "html/odt 格式导出的是打印表单：请用 --inspection 检查编号 导出自查（督查）整改表，\
                 或用 --finding 隐患编号 导出已发出的督办文书",
            ));
        }
        (ExportFormat::Csv | ExportFormat::Xlsx, Some(_)) => {
            return Err(Failure::usage(
                "--inspection / --finding 只用于 html/odt 表单；导出台账（csv/xlsx）请用 \
                 --status/--line/--facility/--severity 筛选",
            ));
        }
        (fmt @ (ExportFormat::Html | ExportFormat::Odt), Some(form)) => {
            let ctx = context(cli)?;
            let fmt = if fmt == ExportFormat::Odt {
                FormFormat::Odt
            } else {
                FormFormat::Html
            };
            match form {
                Form::Inspection(id) => ops::export_inspection_form_as(&ctx, id, fmt, &args.out)?,
                Form::Finding(id) => {
                    let level = args
                        .level
                        .as_deref()
                        .map(|l| l.parse::<Escalation>())
                        .transpose()
                        .map_err(|e| Failure::usage(format!("文书（--level）：{e}")))?;
                    ops::export_notice(&ctx, id, level, fmt, &args.out)?
                }
            }
        }
        (fmt, None) => {
            let mut q = query(&args.filter)?;
            q.include_retracted = args.include_retracted;
            // Before the store starts its threads (see `lean_heap`).
            lean_heap();
            // The ledger reads each finding once: sled's small page cache (issue 14).
            let ctx = context_one_pass(cli)?;
            ops::resolve_filter(&ctx, &mut q)?;
            let fmt = if fmt == ExportFormat::Xlsx {
                LedgerFormat::Xlsx
            } else {
                LedgerFormat::Csv
            };
            let day = |field: &str, v: &Option<String>| {
                v.as_deref()
                    .map(|d| parse_date_input(d, ctx.now.today()))
                    .transpose()
                    .map_err(|e| Failure::usage(format!("{field}：{e}")))
            };
            let filter = LedgerFilter {
                query: q,
                from: day("发现日期起（--from）", &args.from)?,
                to: day("发现日期止（--to）", &args.to)?,
            };
            ops::export_ledger_closing(ctx, &filter, fmt, &args.out)?
        }
    };
    if cli.json {
        return print_json(&summary);
    }
    println!("{}", describe(&summary));
    Ok(())
}

/// Tunes glibc's allocator for the export, which reads the whole store then writes a large
/// file and exits (issue 14: XLSX of 100,000 hazards within 100 MB resident).
///
/// - One heap ("arena") for every thread. By default glibc gives threads heaps of their own
///   (up to eight per core); what the store's reader thread and the XLSX writer threads free
///   stays in their heaps, so the memory sled frees when it is closed was not reused by the
///   writers: 128–131 MB resident, 108 MB with one heap (same minutes, load 5–8), no slower.
/// - A fixed trim threshold (128 KB, glibc's initial one). Left alone, glibc raises its
///   threshold for serving large blocks by mmap to the size of each such block freed (sled's
///   16 MB snapshot buffer at open), so later large blocks came from the heap and left holes
///   when freed; fixing the trim threshold keeps both where they start, and free memory at the
///   heap's top goes back to the system: 92 → 84 MB (5 runs each alternated, load 5–6; median
///   time 4.52 → 4.63 s, within the noise of the load).
///
/// Other libcs (musl) and systems have neither tunable: nothing to do there.
fn lean_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets tunables of glibc's allocator; both values are accepted.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 * 1024);
    }
}

enum Form<'a> {
    Inspection(&'a str),
    Finding(&'a str),
}

fn describe(s: &ExportSummary) -> String {
    let size = if s.bytes >= 1 << 20 {
        format!("{:.1} MB", s.bytes as f64 / (1u64 << 20) as f64)
    } else {
        format!("{:.1} KB", s.bytes as f64 / 1024.0)
    };
    let what = match s.format {
        "html" | "odt" => "打印表单".to_string(),
        "xlsx" => format!("隐患台账 {} 条（{} 个工作表）", s.rows, s.sheets),
        _ => format!("隐患台账 {} 条", s.rows),
    };
    format!("已导出{what}：{}（{size}）", s.path.display())
}
