//! `xuncha device`: this device's identity.

use super::output::print_json;
use super::{Cli, CmdResult, context};
use serde_json::json;

pub fn run(cli: &Cli) -> CmdResult {
    let ctx = context(cli)?;
    let s = &ctx.store;
    let frozen = s.frozen()?;
    if cli.json {
        return print_json(&json!({
            "device_id": s.device_id(), "public_key": s.public_key_hex(),
            "own_events": s.own_seq(), "events": s.event_count(),
            "data_dir": s.dir(), "frozen": frozen,
            "label": ctx.device_label(s.device_id()),
        }));
    }
    println!("本机：{}", ctx.device_label(s.device_id()));
    println!("设备编号：{}", s.device_id());
    println!("公钥：{}", s.public_key_hex());
    println!("本机事件：{}  共存事件：{}", s.own_seq(), s.event_count());
    println!("数据目录：{}", s.dir().display());
    if let Some(r) = frozen {
        println!("⚠ 已停止写入：{r}");
    }
    Ok(())
}
