//! `xuncha doctor [--rebuild]` and `xuncha demo [--scale N]`.

use super::args::{DemoArgs, DoctorArgs};
use super::output::print_json;
use super::{Cli, CmdResult, Failure};
use crate::ops;
use std::time::Instant;

pub fn run(cli: &Cli, args: &DoctorArgs) -> CmdResult {
    if args.recover {
        return super::recover::run(cli, &args.from);
    }
    if args.compact {
        return compact(cli);
    }
    if args.photos {
        return super::photo_gc::run(cli, args.remove);
    }
    // The check reads the log and each view once, and a rebuild writes each view once: both
    // with the small cache (a rebuild at 100,000 hazards: 88 → 66 MB resident, no slower).
    let mut ctx = super::context_one_pass(cli).map_err(super::recover::open_failure)?;
    let t = Instant::now();
    let rep = ops::doctor(&mut ctx, args.rebuild)?;
    let trust = ops::trust_lines(&ctx)?;
    if cli.json {
        let mut v = serde_json::to_value(&rep).unwrap_or_default();
        v["trust"] = serde_json::json!(trust);
        print_json(&v)?;
    } else {
        println!(
            "事件 {} 条（{} 台设备），隐患 {} 条，检查 {} 次；用时 {:.2} 秒",
            rep.events,
            rep.devices,
            rep.findings,
            rep.inspections,
            t.elapsed().as_secs_f64()
        );
        for p in &rep.log_problems {
            println!("日志问题：{p}");
        }
        for p in &rep.view_mismatches {
            println!("视图不一致：{p}");
        }
        if !rep.quarantined.is_empty() {
            println!(
                "隔离区：{} 条分叉中落选的事件（同一设备同一序号签过两种内容，多为复制的数据目录；按规则未计入视图，保留备查）",
                rep.quarantined.len()
            );
            for q in rep.quarantined.iter().take(20) {
                println!("  · {q}");
            }
        }
        for l in &trust {
            println!("{}", crate::domain::sanitize::escape_line(l));
        }
        if rep.rebuilt {
            println!("已从日志重建全部视图");
        } else if rep.is_clean() {
            println!(
                "检查通过：视图与日志重建结果一致（含索引和读模型：首页计数、检查标记、台账行）"
            );
        }
    }
    if !rep.log_problems.is_empty() || (!rep.view_mismatches.is_empty() && !rep.rebuilt) {
        return Err(Failure {
            code: 1,
            message: "存储检查发现问题（视图问题可用 xuncha doctor --rebuild 修复）".into(),
        });
    }
    Ok(())
}

pub fn demo(cli: &Cli, args: &DemoArgs) -> CmdResult {
    refuse_foreign_files(&super::data_dir(cli))?;
    // Writes many events and reads each back about once, as an import does: its page cache.
    let mut ctx = super::context_import(cli)?;
    if ctx.catalog.lines.is_empty() {
        return Err(Failure::usage("没有可用的检查表"));
    }
    let t = Instant::now();
    let s = ops::demo_store(&mut ctx, args.scale)?;
    // Compacted below, in this process: sled's whole teardown first, and the memory the
    // demo freed given back (without, the compaction's peak stacked on the demo's freed
    // heap: 215 MB resident at 100,000 hazards).
    ctx.release();
    ops::trim_heap();
    let secs = t.elapsed().as_secs_f64();
    // Thousands of batches leave sled about three times the live bytes on disk; the demo's
    // store is new, so it is rewritten whole before anyone opens it (issue 14: ≤ 1 KB/event).
    let t = Instant::now();
    ops::compact_data_dir(&super::data_dir(cli))?;
    let compact_secs = t.elapsed().as_secs_f64();
    if cli.json {
        let mut v = serde_json::to_value(&s).unwrap_or_default();
        v["seconds"] = serde_json::json!(secs);
        v["compact_seconds"] = serde_json::json!(compact_secs);
        return print_json(&v);
    }
    println!(
        "已生成演示数据：{} 家单位，{} 次检查，{} 条隐患，{} 个事件；用时 {:.1} 秒（{:.0} 事件/秒），\
         整理数据库 {:.1} 秒",
        s.facilities,
        s.inspections,
        s.findings,
        s.events,
        secs,
        s.events as f64 / secs.max(1e-9),
        compact_secs
    );
    Ok(())
}

/// `doctor --compact`: the database rewritten without sled's old page versions.
fn compact(cli: &Cli) -> CmdResult {
    let t = Instant::now();
    let (before, after) = ops::compact_data_dir(&super::data_dir(cli))?;
    if cli.json {
        return print_json(&serde_json::json!({
            "bytes_before": before,
            "bytes_after": after,
            "seconds": t.elapsed().as_secs_f64(),
        }));
    }
    // In KB below 1 MB: a small store compacted read "0.5 MB → 0.0 MB".
    println!(
        "数据库已整理：{} → {}；用时 {:.1} 秒",
        ops::human_size(before),
        ops::human_size(after),
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The demo writes only into a data dir that is new or holds nothing but a store: a folder
/// with other files (a home or documents folder given by mistake) is refused, named.
fn refuse_foreign_files(dir: &std::path::Path) -> CmdResult {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    let foreign: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "db" && !n.ends_with(".key"))
        .collect();
    if let Some(first) = foreign.first() {
        return Err(Failure::usage(format!(
            "数据目录：{} 里还有别的文件（{first} 等 {} 项），不是 xuncha 的空数据目录；\
             演示数据只生成在新的空数据目录里，例如：xuncha --data-dir /tmp/xuncha-demo demo",
            dir.display(),
            foreign.len()
        )));
    }
    Ok(())
}
