//! `xuncha doctor --photos [--remove]`: the photo folder against the records (issue 18). The
//! report is the dry run; `--remove` deletes only the files no event names.

use super::output::print_json;
use super::{Cli, CmdResult, context};
use crate::ops::{self, human_size};

/// Files listed by name at most; the rest are counted.
const LISTED: usize = 20;

pub fn run(cli: &Cli, remove: bool) -> CmdResult {
    let ctx = context(cli)?;
    let rep = ops::photo_gc(&ctx, remove)?;
    if cli.json {
        return print_json(&rep);
    }
    println!(
        "照片目录：照片 {} 张（{}），小图 {} 张（{}）",
        rep.stored,
        human_size(rep.stored_bytes),
        rep.small,
        human_size(rep.small_bytes)
    );
    println!(
        "  隐患上的照片 {} 张（{}）",
        rep.on_hazards,
        human_size(rep.on_hazards_bytes)
    );
    if rep.history_only > 0 {
        println!(
            "  已从隐患移除、处理记录仍引用的照片 {} 张（{}）：保留",
            rep.history_only,
            human_size(rep.history_only_bytes)
        );
    }
    if rep.not_here > 0 {
        println!(
            "  隐患上有、本机尚未收到的照片 {} 张（照片未同步，下次同步取回）",
            rep.not_here
        );
    }
    for f in &rep.foreign {
        println!("  不是本程序写的文件（未动）：{f}");
    }
    if rep.unreferenced.is_empty() {
        println!("没有无记录引用的照片文件，无需清理");
        return Ok(());
    }
    println!(
        "无任何记录引用的文件 {} 个（{}）：",
        rep.unreferenced.len(),
        human_size(rep.unreferenced_bytes)
    );
    for (name, bytes) in rep.unreferenced.iter().take(LISTED) {
        println!("  · {name}  {}", human_size(*bytes));
    }
    if rep.unreferenced.len() > LISTED {
        println!("  …… 另有 {} 个", rep.unreferenced.len() - LISTED);
    }
    if rep.removed {
        println!(
            "已删除以上 {} 个文件，释放 {}",
            rep.unreferenced.len(),
            human_size(rep.unreferenced_bytes)
        );
    } else {
        println!("只做了检查，未删除任何文件；加 --remove 删除以上文件");
    }
    Ok(())
}
