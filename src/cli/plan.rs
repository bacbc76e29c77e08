//! `xuncha plan status [--from --to] [--facility]` (issue 16 point 4): per facility and rule,
//! what is done, due and missed.

use super::output::{cell, print_json};
use super::{Cli, CmdResult, Failure, context};
use crate::domain::{PlanState, sanitize::escape_line};
use crate::ops;
use chrono::NaiveDate;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum PlanCmd {
    /// 各单位各规则在各期间的应做、已做、未做（默认今天所在的各期间）
    Status {
        /// 起始日期 YYYY-MM-DD（默认今天）
        #[arg(long)]
        from: Option<String>,
        /// 截止日期 YYYY-MM-DD（默认今天）
        #[arg(long)]
        to: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        facility: Option<String>,
    },
    /// 列出频次规则及其出处
    Rules,
    /// 导出频次完成情况（XLSX），范围同 plan status
    Export {
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        facility: Option<String>,
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

fn date(flag: &str, s: &Option<String>) -> Result<Option<NaiveDate>, Failure> {
    s.as_deref()
        .map(|d| {
            NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| {
                Failure::usage(format!(
                    "{flag}：「{}」不是有效日期（YYYY-MM-DD）",
                    escape_line(d)
                ))
            })
        })
        .transpose()
}

pub fn run(cli: &Cli, cmd: &PlanCmd) -> CmdResult {
    let ctx = context(cli)?;
    match cmd {
        PlanCmd::Rules => {
            if cli.json {
                return print_json(&ctx.rules);
            }
            for r in &ctx.rules {
                println!("{}（{}）：每期至少 {} 次", r.name, r.id, r.min);
                println!("  出处：{}", r.source);
            }
            Ok(())
        }
        PlanCmd::Export {
            from,
            to,
            facility,
            out,
        } => {
            let s = ops::export_coverage(
                &ctx,
                date("--from", from)?,
                date("--to", to)?,
                facility.as_deref(),
                out,
            )?;
            if cli.json {
                return print_json(&s);
            }
            println!(
                "已导出频次完成情况：{}（{} 行）",
                escape_line(&s.path.display().to_string()),
                s.rows
            );
            Ok(())
        }
        PlanCmd::Status { from, to, facility } => {
            let from = date("--from", from)?;
            let to = date("--to", to)?;
            let rows = ops::plan_status(&ctx, from, to, facility.as_deref())?;
            if cli.json {
                return print_json(&rows);
            }
            if rows.is_empty() {
                println!("没有可统计的单位：先登记单位（xuncha facility add / facility import）");
                return Ok(());
            }
            println!(
                "{}  {}  {}  {}  状态",
                cell("单位", 22),
                cell("规则", 24),
                cell("期间", 16),
                cell("完成/要求", 9),
            );
            for r in &rows {
                let need = match r.max {
                    Some(m) if m > r.required => format!("{}–{m}", r.required),
                    _ => r.required.to_string(),
                };
                let mut state = r.state_label.clone();
                if r.state != PlanState::Done && !r.sites.is_empty() {
                    let short: Vec<String> = r
                        .sites
                        .iter()
                        .filter(|s| s.done < r.required)
                        .map(|s| format!("{} {}/{}", s.site, s.done, r.required))
                        .collect();
                    state.push_str(&format!("（{}）", short.join("，")));
                }
                println!(
                    "{}  {}  {}  {}  {}",
                    cell(&r.facility, 22),
                    cell(&r.rule_name, 24),
                    cell(&r.period, 16),
                    cell(&format!("{}/{need}", r.done), 9),
                    escape_line(&state)
                );
            }
            let panel = ops::plan_panel(&ctx)?;
            if !panel.is_empty() {
                println!();
                for l in panel {
                    println!("{}", escape_line(&l));
                }
            }
            Ok(())
        }
    }
}
