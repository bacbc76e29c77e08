//! `xuncha doctor --recover --from PATH...`, and what `doctor` says when the store does not open.

use super::output::print_json;
use super::{Cli, CmdResult, Failure, data_dir};
use crate::config::{self, Config};
use crate::ops::{self, RecoverError};
use std::path::PathBuf;

/// `doctor` on a store that does not open: what happened and the way forward, in Chinese.
pub fn open_failure(f: Failure) -> Failure {
    if f.message.contains("正被另一个") {
        return f;
    }
    let from = Config::load(&config::config_dir())
        .ok()
        .and_then(|c| c.sync_dir)
        .map_or("同步文件夹".to_string(), |p| p.display().to_string());
    Failure {
        code: 1,
        message: format!(
            "数据库无法打开：{}\n\
             本机同步过的数据还在同步文件夹里。可以运行\n  \
             xuncha doctor --recover --from {from}\n\
             从同步包重建数据目录（原数据库移到 db.broken-… 保留，不删除；未同步过的事件无法恢复）",
            f.message
        ),
    }
}

pub fn run(cli: &Cli, from: &[PathBuf]) -> CmdResult {
    let now = config::now().map_err(Failure::usage)?;
    let rep = ops::recover(&data_dir(cli), from, &now).map_err(|e| match e {
        RecoverError::Refused(m) => Failure::usage(m),
        RecoverError::Failed(m) => Failure {
            code: 1,
            message: format!("恢复未完成：{m}"),
        },
    })?;
    if cli.json {
        return print_json(&rep);
    }
    println!("已从同步文件夹重建数据目录 {}", rep.data_dir.display());
    if let Some(p) = &rep.moved_to {
        println!("  原数据库已移到 {}（未删除）", p.display());
    }
    println!(
        "  取回事件 {} 条（{} 台设备，读取同步包 {} 个）：隐患 {} 条，检查 {} 次",
        rep.events, rep.devices, rep.bundles_read, rep.findings, rep.inspections
    );
    match (rep.kept_identity_through, &rep.identity_note) {
        (Some(last), _) => println!(
            "  本机身份不变（{}）：本机第 1–{last} 条事件已取回；此后未同步过的事件不在同步文件夹里，无法恢复。\
             如本机还同步到过别的文件夹（另一个 U 盘），请用 --from 一并给出后再写入新数据",
            rep.device
        ),
        (None, why) => println!(
            "  本机改用新的设备身份 {}（{}）；原身份的事件作为另一台设备的事件保留",
            rep.device,
            why.as_deref().unwrap_or("")
        ),
    }
    if !rep.rejected.is_empty() {
        println!("无法取回：{} 个同步包", rep.rejected.len());
        for r in &rep.rejected {
            println!("  · {}：{}", r.file, r.reason);
        }
    }
    for g in &rep.gaps {
        let spans: Vec<String> = g.gaps.iter().map(|(a, b)| format!("{a}–{b}")).collect();
        println!(
            "缺口：设备 {} 缺第 {} 条事件（同步文件夹里没有）",
            g.device,
            spans.join("、")
        );
    }
    Ok(())
}
