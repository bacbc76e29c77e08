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
            // One heap, before the store starts its threads: the writers reuse what sled frees.
            ops::lean_heap(1);
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
            let (ctx, close) = ctx.hand_over();
            ops::export_ledger_closing(ctx, close, &filter, fmt, &args.out)?
        }
    };
    if cli.json {
        return print_json(&summary);
    }
    println!("{}", describe(&summary));
    Ok(())
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
