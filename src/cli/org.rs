//! `xuncha org init|join|show` (the organisation and its key) and `xuncha device
//! approve|revoke` plus the roster part of `device list`. The profile flags of `xuncha org`
//! stay in `notice.rs`.

use super::args::OrgCmd;
use super::output::print_json;
use super::{Cli, CmdResult, Failure, context};
use crate::config::{self, Config};
use crate::domain::sanitize::escape_line;
use crate::ops::{self, Roster, RosterRow};
use std::io::{BufRead, IsTerminal, Write};

pub fn run(cli: &Cli, cmd: &OrgCmd) -> CmdResult {
    match cmd {
        OrgCmd::Init { name } => init(cli, name),
        OrgCmd::Join {
            dir,
            yes,
            inspector,
        } => join(cli, dir, *yes, inspector),
        OrgCmd::Show => show(cli),
    }
}

fn init(cli: &Cli, name: &str) -> CmdResult {
    let mut ctx = context(cli)?;
    let info = ops::org_init(&mut ctx, name)?;
    // The forms' issuing authority defaults to the organisation's name.
    let dir = config::config_dir();
    if let Ok(mut cfg) = Config::load(&dir)
        && cfg.org.get("authority").unwrap_or_default().is_empty()
    {
        cfg.org.set("authority", info.name.clone());
        cfg.save(&dir).map_err(Failure::usage)?;
    }
    if cli.json {
        return print_json(&info);
    }
    println!(
        "已创建单位「{}」，本机已批准为办公室设备。",
        escape_line(&info.name)
    );
    println!("单位指纹：{}", info.fingerprint);
    println!(
        "单位密钥只保存在本机数据目录（org.key），任何命令都不会显示或导出它；请备份数据目录。"
    );
    println!("下一步：运行 xuncha sync --dir 同步文件夹，把单位信息写进文件夹；");
    println!("各笔记本运行 xuncha org join --dir 同步文件夹，核对指纹与上面一致。");
    Ok(())
}

fn join(cli: &Cli, dir: &std::path::Path, yes: bool, inspector: &str) -> CmdResult {
    let mut ctx = context(cli)?;
    let card = ops::org_card(dir)?;
    if !cli.json || !yes {
        eprintln!("单位：{}", escape_line(&card.name));
        eprintln!("单位指纹：{}", card.fingerprint);
        eprintln!("请与办公室电脑上 xuncha org show 显示的指纹逐位核对。");
    }
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(Failure::usage(
                "需要确认指纹：请在终端中运行，或核对无误后加 --yes",
            ));
        }
        eprint!("指纹一致吗？输入 y 加入，其他任意键取消：");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        let _ = std::io::stdin().lock().read_line(&mut line);
        if !matches!(line.trim(), "y" | "Y" | "yes" | "是") {
            return Err(Failure {
                code: 1,
                message: "已取消，未加入单位".into(),
            });
        }
    }
    let path = ops::org_join(&mut ctx, dir, &card, inspector)?;
    if cli.json {
        return print_json(&serde_json::json!({
            "org": card,
            "request": path.display().to_string(),
        }));
    }
    println!("已加入单位「{}」。", escape_line(&card.name));
    println!("入网申请已留在 {}", path.display());
    println!(
        "请办公室同步后运行 xuncha device approve {}",
        device_id(&ctx)
    );
    println!("批准之前，本机的记录在其他电脑上暂存，不进台账。");
    Ok(())
}

fn device_id(ctx: &ops::Ctx) -> String {
    ops::device(ctx)
        .map(|d| d.device_id.to_string())
        .unwrap_or_default()
}

fn show(cli: &Cli) -> CmdResult {
    let ctx = context(cli)?;
    let info = ops::org_info(&ctx)?;
    if cli.json {
        return print_json(&info);
    }
    match info {
        None => println!("本机未加入单位，接受任何设备的事件。"),
        Some(o) => {
            println!("单位：{}", escape_line(&o.name));
            println!("单位指纹：{}", o.fingerprint);
            println!(
                "本机：{}",
                if o.office {
                    "办公室电脑（持有单位密钥，可批准、吊销设备）"
                } else {
                    "成员设备"
                }
            );
        }
    }
    Ok(())
}

/// `device approve ID`.
pub fn approve(cli: &Cli, id: &str) -> CmdResult {
    let mut ctx = context(cli)?;
    let done = ops::approve(&mut ctx, id)?;
    if cli.json {
        return print_json(&done);
    }
    println!(
        "已批准 {}（{}）",
        escape_line(&done.row.name),
        done.row.device
    );
    let n: u64 = done.promoted.applied.iter().map(|(_, n)| n).sum();
    if n > 0 {
        println!("其暂存的 {n} 条事件已导入台账。");
    }
    for p in &done.promoted.problems {
        println!("⚠ 暂存事件未能导入：{}", escape_line(p));
    }
    println!("批准记录会在下次同步时送到各设备。");
    Ok(())
}

/// `device revoke ID --reason TEXT`.
pub fn revoke(cli: &Cli, id: &str, reason: &str) -> CmdResult {
    let mut ctx = context(cli)?;
    let row = ops::revoke(&mut ctx, id, reason)?;
    if cli.json {
        return print_json(&row);
    }
    println!("已吊销 {}（{}）", escape_line(&row.name), row.device);
    println!(
        "本机已有它的前 {} 条事件，照常保留；此后它写的事件在各设备上一律拒收。",
        row.last_seq.unwrap_or(0)
    );
    println!("吊销记录会在下次同步时送到各设备。");
    Ok(())
}

/// The roster part of `device list`, in text.
pub fn print_roster(r: &Roster) {
    let Some(org) = &r.org else { return };
    println!(
        "单位「{}」（指纹 {}）的设备：",
        escape_line(&org.name),
        org.fingerprint
    );
    for (code, title) in [
        ("approved", "已批准"),
        ("pending", "待批准"),
        ("revoked", "已吊销"),
    ] {
        let rows: Vec<&RosterRow> = r.rows.iter().filter(|x| x.status == code).collect();
        if rows.is_empty() {
            continue;
        }
        println!("{title}：");
        for x in rows {
            println!("  · {}", escape_line(&row_text(x)));
        }
    }
}

fn row_text(x: &RosterRow) -> String {
    let mut s = format!("{}  {}", x.name, x.device);
    if x.this_device {
        s.push_str("（本机）");
    }
    if !x.key_fingerprint.is_empty() {
        s.push_str(&format!("  密钥指纹 {}", x.key_fingerprint));
    }
    if x.status == "pending" {
        s.push_str(if x.requested {
            "  已申请"
        } else {
            "  未申请"
        });
    }
    if x.aside_events > 0 {
        s.push_str(&format!("  暂存事件 {} 条", x.aside_events));
    }
    if let (Some(l), Some(reason)) = (x.last_seq, &x.reason) {
        s.push_str(&format!("  保留前 {l} 条  原因：{reason}"));
    }
    s
}
