//! `xuncha sync --dir PATH [--dry-run]`: exchange bundles with a USB stick or shared folder.

use super::args::SyncArgs;
use super::output::{print_json, short};
use super::{Cli, CmdResult, Failure, context_import};
use crate::domain::sanitize::escape_line;
use crate::ops::{self, RejectKind, SyncOptions, SyncReport};
use std::io::{IsTerminal, Write};

pub fn run(cli: &Cli, args: &SyncArgs) -> CmdResult {
    let mut ctx = context_import(cli)?;
    let opts = SyncOptions {
        dry_run: args.dry_run,
        ..SyncOptions::default()
    };
    let show_progress = !cli.json && std::io::stderr().is_terminal();
    let mut progress = |done: usize, total: usize| {
        if show_progress {
            eprint!("\r同步中 {done}/{total} ");
            let _ = std::io::stderr().flush();
        }
    };
    let rep = ops::sync(&mut ctx, &args.dir, &opts, &mut progress)?;
    if show_progress {
        eprint!("\r\x1b[K");
    }
    if cli.json {
        print_json(&rep)?;
    } else {
        print_text(&rep, &|d| ops::device_name(&ctx, d));
        let namer = ops::roster_namer(&ctx);
        for l in rep.trust.lines(&namer) {
            println!("{}", escape_line(&l));
        }
        let lines = ops::peer_lines(&ctx, &rep.peers);
        if !lines.is_empty() {
            println!("各设备：");
            for l in lines {
                println!("  · {}", escape_line(&l));
            }
        }
    }
    match rep.exit_code() {
        0 => Ok(()),
        code => Err(Failure {
            code,
            message: if rep.frozen.is_some() {
                "本机已停止写入（见上文的原因与修复办法）".into()
            } else if !rep.trust.refused.is_empty() {
                "有已吊销设备在吊销后写的事件，已拒收（见上）；其余有效内容均已导入".into()
            } else {
                "有同步包被拒收（原因见上）；其余有效内容均已导入".into()
            },
        }),
    }
}

fn print_text(r: &SyncReport, name: &dyn Fn(uuid::Uuid) -> String) {
    let dry = if r.dry_run {
        "（试运行：只显示将会发生的变化，未做任何改动）"
    } else {
        ""
    };
    println!("同步文件夹：{}{dry}", r.folder);
    let verb = |done: &'static str, would: &'static str| if r.dry_run { would } else { done };
    println!(
        "送出：本机新事件 {} 条；{}同步包 {} 个，共 {} 条事件（含转交其他设备的）",
        r.own_events_out,
        verb("写入", "将写入"),
        r.bundles_written.len(),
        r.events_out
    );
    for b in r.bundles_written.iter().filter(|b| b.repaired) {
        println!("  · {}修复损坏的同步包 {}", verb("已", "将"), b.file);
    }
    if r.events_in.is_empty() {
        println!(
            "收到：没有新事件（读取同步包 {} 个，已导入过的 {} 个）",
            r.bundles_read, r.bundles_known
        );
    } else {
        println!(
            "收到：{} 条新事件（读取同步包 {} 个，已导入过的 {} 个）",
            r.events_in_total(),
            r.bundles_read,
            r.bundles_known
        );
        for d in &r.events_in {
            println!("  · {}：{} 条", escape_line(&name(d.device)), d.events);
        }
    }
    if !r.conflicts.is_empty() {
        println!(
            "冲突：{} 处（同一字段被两台设备各自修改；已按规则暂定一个值，两个值都保留，请办公室裁定）",
            r.conflicts.len()
        );
        for c in &r.conflicts {
            let values: Vec<String> = c
                .values
                .iter()
                .map(|v| format!("「{}」", escape_line(v)))
                .collect();
            println!(
                "  · 隐患 {} {} {}：{} {}（前者暂定）",
                short(c.finding_id),
                escape_line(&c.facility),
                escape_line(&c.description),
                c.field_label,
                values.join(" / ")
            );
        }
    }
    for f in &r.forks {
        println!("{}", escape_line(&fork_line(f, name)));
    }
    if !r.rejected.is_empty() {
        println!("拒收：{} 个同步包", r.rejected.len());
        for x in &r.rejected {
            let kind = match x.kind {
                RejectKind::Damaged => "损坏",
                RejectKind::Forged => "伪造",
                RejectKind::Fork => "分叉",
                RejectKind::Clone => "本机身份冲突",
                RejectKind::Demo => "演示数据",
            };
            let fixed = if x.repaired {
                "（本次已用本机数据修复）"
            } else if x.covered {
                "（其中的事件都在文件夹里另一个完整的同步包中，无需处理）"
            } else {
                ""
            };
            println!(
                "  · [{kind}] {}：{}{fixed}",
                escape_line(&x.file),
                escape_line(&x.reason)
            );
        }
    }
    for a in &r.arriving {
        let fixed = if a.repaired {
            "（本机有这些事件，已重写完整）"
        } else {
            ""
        };
        println!(
            "未传完，下次再读：{}（现有 {} 字节：{}）{fixed}",
            a.file, a.size, a.reason
        );
    }
    if !r.ignored.is_empty() {
        let mut kinds: std::collections::BTreeMap<_, usize> = Default::default();
        for i in &r.ignored {
            *kinds.entry(i.kind).or_default() += 1;
        }
        let parts: Vec<String> = kinds
            .iter()
            .map(|(k, n)| format!("{} {n} 个", k.label()))
            .collect();
        println!(
            "忽略：{} 个不属于 xuncha 的文件（{}），未读取，无需处理",
            r.ignored.len(),
            parts.join("、")
        );
    }
    for s in &r.skipped {
        println!("⚠ 已跳过 {}：{}", s.file, s.reason);
    }
    for (warn, l) in r.photos.lines(r.dry_run) {
        println!("{}{}", if warn { "⚠ " } else { "" }, escape_line(&l));
    }
    if !r.removed.is_empty() {
        println!(
            "整理：{}移除本机已被更大同步包覆盖的旧同步包 {} 个",
            verb("已", "将"),
            r.removed.len()
        );
    }
    if !r.far_future.is_empty() {
        println!(
            "时间异常：{} 条事件的时间比本机时钟晚一天以上，已保留，但不用来校准本机时钟",
            r.far_future.len()
        );
    }
    for g in &r.gaps {
        let gaps: Vec<String> = g.gaps.iter().map(|(a, b)| format!("{a}–{b}")).collect();
        println!(
            "缺口：{} 已连续收到前 {} 条，缺第 {} 条（已收到的后续事件照常显示，等缺的到达后补齐）",
            escape_line(&name(g.device)),
            g.frontier,
            gaps.join("、")
        );
    }
    if let Some(reason) = &r.frozen {
        println!("⚠ 本机已停止写入，也不再向同步文件夹写入：{reason}");
    }
}

/// One settled fork, as the sync report says it (the rule is in docs/clone.md).
fn fork_line(f: &ops::ForkNote, name: &dyn Fn(uuid::Uuid) -> String) -> String {
    let who = name(f.device);
    let head = format!(
        "分叉（复制的数据目录）：{who} 第 {} 条起有两种不同内容，按规则保留该处哈希较小的一支",
        f.seq
    );
    match f.outcome {
        ops::ForkOutcome::Kept => format!(
            "{head}；本机已有保留的一支，另一支 {} 条事件已隔离（xuncha doctor 可查看）",
            f.events
        ),
        ops::ForkOutcome::Replaced => format!(
            "{head}；本机原先收到的是落选的一支，已换成保留的一支，落选的 {} 条事件已隔离（xuncha doctor 可查看），视图已从日志重建",
            f.events
        ),
        ops::ForkOutcome::Reissued => format!(
            "{head}：本数据目录是复制的，本机这一支落选。本机已换新身份 {}（新密钥），把本机记录的 {} 条事件以新身份重新签发，内容、记录人和时间不变，其他设备同步后都会收到；原事件保留在隔离区。以后本机以新身份写入",
            f.new_device.map(|d| d.to_string()).unwrap_or_default(),
            f.events
        ),
        ops::ForkOutcome::Undecided => format!("{head}：暂时无法判定"),
    }
}
