//! `xuncha report [--from] [--to]`: statistics per line and per facility.

use super::args::ReportArgs;
use super::output::{cell, print_json, rcell};
use super::{Cli, CmdResult, Failure, context_one_pass};
use crate::ops::{self, StatsRow};
use chrono::NaiveDate;

fn date(flag: &str, s: &Option<String>) -> Result<Option<NaiveDate>, Failure> {
    s.as_deref()
        .map(|d| {
            NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                .map_err(|_| Failure::usage(format!("{flag}：「{d}」不是有效日期（YYYY-MM-DD）")))
        })
        .transpose()
}

pub fn run(cli: &Cli, args: &ReportArgs) -> CmdResult {
    let from = date("--from", &args.from)?;
    let to = date("--to", &args.to)?;
    if let (Some(a), Some(b)) = (from, to)
        && a > b
    {
        return Err(Failure::usage(format!("--from {a} 晚于 --to {b}")));
    }
    let ctx = context_one_pass(cli)?;
    let s = ops::stats(&ctx, from, to)?;
    if cli.json {
        return print_json(&s);
    }
    let range = match (from, to) {
        (None, None) => "全部".to_string(),
        (a, b) => format!(
            "{} 至 {}",
            a.map(|d| d.to_string()).unwrap_or_else(|| "最早".into()),
            b.map(|d| d.to_string()).unwrap_or_else(|| "今天".into())
        ),
    };
    println!(
        "隐患排查整治统计（发现日期：{range}；截至 {}）\n",
        ctx.now.today()
    );
    table("按防线", &s.by_line, &s.total);
    println!();
    table("按单位", &s.by_facility, &s.total);
    Ok(())
}

fn table(title: &str, rows: &[StatsRow], total: &StatsRow) {
    const HEAD: [&str; 10] = [
        "发现",
        "重大",
        "立查立改",
        "已整改",
        "已销号",
        "逾期未整改",
        "督办",
        "整改率",
        "逾期整改",
        "按期整改率",
    ];
    let mut line = cell(title, 26);
    for h in HEAD {
        line.push_str(&rcell(h, 10));
    }
    println!("{line}");
    for r in rows.iter().chain(std::iter::once(total)) {
        let mut line = cell(&r.label, 26);
        for n in [
            r.found,
            r.major,
            r.fixed_on_spot,
            r.rectified,
            r.closed,
            r.overdue,
            r.escalated,
        ] {
            line.push_str(&rcell(&n.to_string(), 10));
        }
        line.push_str(&rcell(&format!("{:.1}%", r.rate()), 10));
        line.push_str(&rcell(&r.late_rectified.to_string(), 10));
        line.push_str(&rcell(&format!("{:.1}%", r.on_time_rate()), 10));
        println!("{line}");
    }
}
