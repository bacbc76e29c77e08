//! `xuncha finding attach ID FILE... [--stage before|after]`, `finding detach ID N --reason`
//! and the photo lines of `finding show` (issue 18).

use super::output::{PhotoFileJson, print_json};
use super::{Cli, CmdResult, Failure};
use crate::domain::sanitize::escape_line;
use crate::domain::{Finding, PhotoStage};
use crate::ops::human_size;
use crate::ops::{self, Ctx};
use std::path::PathBuf;

pub fn attach(
    cli: &Cli,
    ctx: &mut Ctx,
    id: &str,
    files: &[PathBuf],
    stage: Option<&str>,
) -> CmdResult {
    let stage = stage
        .map(|s| s.parse::<PhotoStage>())
        .transpose()
        .map_err(|e| Failure::usage(format!("照片阶段（--stage）：{e}")))?;
    let id = super::finding::resolve_and_sign(ctx, id)?;
    let added = ops::attach_photos(ctx, id, files, stage)?;
    let f = ctx.finding_by_id(id)?;
    if cli.json {
        return print_json(&files_json(ctx, &f));
    }
    let label = f.spoken_name();
    if added.is_empty() {
        println!("这些照片已在{label}上，未重复添加");
    } else {
        for p in &added {
            println!(
                "已添加{}照片 {}（{}×{}，{}）",
                p.stage.label(),
                escape_line(&p.name),
                p.width,
                p.height,
                human_size(p.bytes)
            );
        }
        println!("{label}共有照片 {} 张", f.photos.len());
    }
    Ok(())
}

/// `xuncha finding detach ID N --reason TEXT`: takes photo N off the hazard.
pub fn detach(cli: &Cli, ctx: &mut Ctx, id: &str, n: usize, reason: &str) -> CmdResult {
    let id = super::finding::resolve_and_sign(ctx, id)?;
    let f = ops::remove_photo(ctx, id, n, reason)?;
    if cli.json {
        return print_json(&files_json(ctx, &f));
    }
    println!(
        "已移除{}的第 {n} 张照片；还有照片 {} 张",
        f.spoken_name(),
        f.photos.len()
    );
    Ok(())
}

/// The photos of `f` for `--json`.
pub fn files_json(ctx: &Ctx, f: &Finding) -> Vec<PhotoFileJson> {
    ops::finding_photos(ctx, f)
        .into_iter()
        .map(|l| PhotoFileJson {
            n: l.n,
            path: ops::photo_file(ctx, &l.photo.hash).map(|p| p.display().to_string()),
            hash: l.photo.hash,
            stage: l.photo.stage,
            present: l.present,
        })
        .collect()
}

/// 「照片：」 and one line per photo, 整改前 first; a photo not here yet reads 照片未同步.
pub fn print_photos(ctx: &Ctx, f: &Finding) {
    let lines = ops::finding_photos(ctx, f);
    if lines.is_empty() {
        return;
    }
    println!("\n照片：");
    for l in lines {
        let place = match ops::photo_file(ctx, &l.photo.hash) {
            Some(p) => p.display().to_string(),
            None => "照片未同步（下次同步时取回）".to_string(),
        };
        println!(
            "  [{}] {}  {}  {}×{}  {}",
            l.n,
            l.photo.stage.label(),
            escape_line(&l.photo.name),
            l.photo.width,
            l.photo.height,
            escape_line(&place)
        );
    }
}
