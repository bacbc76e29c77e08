//! `xuncha patrol start|visit|finish|log` (issue 16 point 3).

use super::output::{cell, local, print_json};
use super::{Cli, CmdResult, Failure, context};
use crate::domain::sanitize::escape_line;
use crate::ops;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum PatrolCmd {
    /// 开始巡查一个单位的重点部位，输出巡查编号和待巡部位
    Start {
        #[arg(long, allow_hyphen_values = true)]
        facility: String,
        /// 夜间防火巡查
        #[arg(long)]
        night: bool,
        /// 巡查人（默认：本机检查人员）
        #[arg(long, allow_hyphen_values = true)]
        patroller: Option<String>,
    },
    /// 记录一个部位：ok（正常）或 abnormal（异常，须 --note，登记为隐患）
    Visit {
        id: String,
        site: String,
        result: String,
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        note: String,
    },
    /// 结束巡查
    Finish { id: String },
    /// 巡查记录（最新在前），可按单位、部位筛选
    Log {
        #[arg(long, allow_hyphen_values = true)]
        facility: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        site: Option<String>,
    },
}

pub fn run(cli: &Cli, cmd: &PatrolCmd) -> CmdResult {
    let mut ctx = context(cli)?;
    match cmd {
        PatrolCmd::Start {
            facility,
            night,
            patroller,
        } => {
            let (p, f) = ops::start_patrol(&mut ctx, facility, *night, patroller.as_deref())?;
            if cli.json {
                return print_json(&p);
            }
            println!("{}", p.id);
            eprintln!(
                "{} {}：{} 个重点部位 {}",
                p.kind_label(),
                escape_line(&f.name),
                f.key_sites().count(),
                escape_line(
                    &f.key_sites()
                        .map(|s| s.name.as_str())
                        .collect::<Vec<_>>()
                        .join(" → ")
                )
            );
            Ok(())
        }
        PatrolCmd::Visit {
            id,
            site,
            result,
            note,
        } => {
            let ok = match result.trim() {
                "ok" | "正常" => true,
                "abnormal" | "异常" => false,
                other => {
                    return Err(Failure::usage(format!(
                        "巡查结果：「{}」应为 ok（正常）或 abnormal（异常）",
                        escape_line(other)
                    )));
                }
            };
            let out = ops::patrol_visit(&mut ctx, id, site, ok, note)?;
            if cli.json {
                return print_json(&serde_json::json!({
                    "patrol": out.patrol,
                    "finding_id": out.finding.as_ref().map(|f| f.id),
                }));
            }
            match &out.finding {
                Some(f) => println!("异常，已登记 {}", f.spoken_name()),
                None => println!("正常"),
            }
            Ok(())
        }
        PatrolCmd::Finish { id } => {
            let p = ops::finish_patrol(&mut ctx, id)?;
            if cli.json {
                return print_json(&p);
            }
            println!("巡查结束：{} 个部位，异常 {}", p.visits.len(), p.abnormal());
            Ok(())
        }
        PatrolCmd::Log { facility, site } => {
            let rows = ops::patrol_log(&ctx, facility.as_deref(), site.as_deref())?;
            if cli.json {
                return print_json(&rows);
            }
            println!(
                "{}  {}  {}  {}  {}  {}  情况",
                cell("时间", 16),
                cell("单位", 20),
                cell("部位", 20),
                cell("班次", 4),
                cell("结果", 4),
                cell("巡查人", 8),
            );
            for r in rows {
                println!(
                    "{}  {}  {}  {}  {}  {}  {}",
                    cell(&local(&ctx.now, r.at), 16),
                    cell(&r.facility, 20),
                    cell(&r.site, 20),
                    cell(if r.night { "夜间" } else { "日间" }, 4),
                    cell(r.result, 4),
                    cell(&r.patroller, 8),
                    escape_line(&r.note)
                );
            }
            Ok(())
        }
    }
}
