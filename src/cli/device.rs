//! `xuncha device`: this device's identity; `xuncha device list`: who holds what.

use super::args::{DeviceArgs, DeviceCmd};
use super::output::print_json;
use super::{Cli, CmdResult, context_one_pass};
use crate::domain::sanitize::escape_line;
use crate::ops;

pub fn run(cli: &Cli, args: &DeviceArgs) -> CmdResult {
    match &args.cmd {
        Some(DeviceCmd::Approve { id }) => return super::org::approve(cli, id),
        Some(DeviceCmd::Revoke { id, reason }) => return super::org::revoke(cli, id, reason),
        _ => {}
    }
    let ctx = context_one_pass(cli)?;
    let d = ops::device(&ctx)?;
    if let Some(DeviceCmd::List) = args.cmd {
        let lines = ops::peer_lines(&ctx, &d.peers);
        let roster = ops::roster(&ctx)?;
        if cli.json && roster.org.is_some() {
            // A store in an organisation lists its roster, each row with its sync line.
            let rows: Vec<serde_json::Value> = roster
                .rows
                .iter()
                .map(|r| {
                    let mut v = serde_json::to_value(r).unwrap_or_default();
                    if let Some(i) = d.peers.iter().position(|p| p.device == r.device) {
                        v["peer"] = serde_json::to_value(&d.peers[i]).unwrap_or_default();
                        v["text"] = lines[i].clone().into();
                    }
                    v
                })
                .collect();
            return print_json(&rows);
        }
        if !cli.json {
            super::org::print_roster(&roster);
            if roster.org.is_none() {
                println!("本机未加入单位，接受任何设备的事件。");
            }
        }
        if cli.json {
            let rows: Vec<serde_json::Value> = d
                .peers
                .iter()
                .zip(&lines)
                .map(|(p, l)| {
                    let mut v = serde_json::to_value(p).unwrap_or_default();
                    v["name"] = ops::device_name(&ctx, p.device).into();
                    v["text"] = l.clone().into();
                    v
                })
                .collect();
            return print_json(&rows);
        }
        if lines.is_empty() && roster.org.is_none() {
            println!("还没有其他设备（尚未与任何设备同步过）");
        }
        for l in lines {
            println!("{l}");
        }
        return Ok(());
    }
    if cli.json {
        return print_json(&d);
    }
    println!("本机：{}", escape_line(&d.label));
    println!("设备编号：{}", d.device_id);
    println!("公钥：{}", d.public_key);
    println!("本机事件：{}  共存事件：{}", d.own_events, d.events);
    println!("数据目录：{}", d.data_dir.display());
    if let Some(r) = &d.frozen {
        println!("⚠ 已停止写入：{}", escape_line(r));
    }
    let lines = ops::peer_lines(&ctx, &d.peers);
    if !lines.is_empty() {
        println!("各设备（据各自最近一次同步留下的记录）：");
        for l in lines {
            // Names and labels come from other devices' events: never raw to the terminal.
            println!("  · {}", escape_line(&l));
        }
    }
    Ok(())
}
