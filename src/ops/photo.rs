//! Photos on a hazard (issue 18): attach (整改前 / 整改后), list with where each one is, and
//! the path a viewer opens. The bytes live in the data dir (`photo::Shelf`); the event that
//! names them is signed and travels in bundles like any other.

use super::{Cancel, Ctx, OpsError, Result};
use crate::domain::{Finding, Payload, PhotoRef, PhotoStage, Status};
use crate::photo::{Shelf, prepare_file};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use uuid::Uuid;

/// Photos one attach may bring at once (a camera card's whole day is picked in pieces).
pub const MAX_PHOTOS_PER_ATTACH: usize = 50;

/// One photo of a hazard as the faces list it: its number (from 1, in attach order), what
/// it is, and whether its bytes are here (`present`: false reads 「照片未同步」).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoLine {
    pub n: usize,
    pub photo: PhotoRef,
    pub present: bool,
}

/// Attaches the photos at `paths` to hazard `id`. With no `stage`, a hazard still 待整改 takes
/// them as 整改前 and a rectified or closed one as 整改后. Every file is checked first (size
/// cap, JPEG/PNG by content, decodable); if any is refused nothing is kept. The blobs are on
/// disk (fsynced) before the events that name them are appended and flushed. A photo already on
/// the hazard at that stage is not attached twice. Returns the photos now attached.
///
/// # Errors
/// `Invalid` naming the file and why; `NotFound` for an unknown hazard; a retracted hazard
/// takes no photos.
pub fn attach_photos(
    ctx: &mut Ctx,
    id: Uuid,
    paths: &[PathBuf],
    stage: Option<PhotoStage>,
) -> Result<Vec<PhotoRef>> {
    attach_photos_with(ctx, id, paths, stage, &mut |_, _| {}, None)
}

/// [`attach_photos`] reporting (files checked, files) to `progress` as each file is read and
/// re-encoded (a second or so each), and stopping when `cancel` is set. A stop is honoured up
/// to the moment the first photo is written: until then nothing is kept; after it the few
/// writes and the one append finish, so a photo is never half attached.
///
/// # Errors
/// As [`attach_photos`]; `Cancelled` when stopped (nothing attached).
pub fn attach_photos_with(
    ctx: &mut Ctx,
    id: Uuid,
    paths: &[PathBuf],
    stage: Option<PhotoStage>,
    progress: &mut dyn FnMut(usize, usize),
    cancel: Option<&Cancel>,
) -> Result<Vec<PhotoRef>> {
    let stopped = || cancel.is_some_and(|c| c.load(Ordering::Relaxed));
    let cancelled = || OpsError::Cancelled("未添加任何照片".into());
    let f = ctx.finding_by_id(id)?;
    if f.retracted {
        return Err(crate::domain::LifecycleError::Retracted {
            action: "添加照片"
        }
        .into());
    }
    if paths.is_empty() {
        return Err(OpsError::invalid("照片", "请给出至少一个照片文件"));
    }
    if paths.len() > MAX_PHOTOS_PER_ATTACH {
        return Err(OpsError::invalid(
            "照片",
            format!("一次最多添加 {MAX_PHOTOS_PER_ATTACH} 张照片，请分批添加"),
        ));
    }
    let stage = stage.unwrap_or_else(|| default_stage(&f));
    let mut prepared = Vec::new();
    for (i, p) in paths.iter().enumerate() {
        progress(i, paths.len());
        if stopped() {
            return Err(cancelled());
        }
        let one = prepare_file(p, ctx.photo_max_bytes, stage)
            .map_err(|why| OpsError::invalid("照片", why))?;
        let known = f
            .photos
            .iter()
            .chain(prepared.iter().map(|p: &crate::photo::Prepared| &p.photo))
            .any(|q| q.hash == one.photo.hash && q.stage == stage);
        if !known {
            prepared.push(one);
        }
    }
    progress(paths.len(), paths.len());
    if stopped() {
        return Err(cancelled());
    }
    let shelf = Shelf::of(ctx.store.dir());
    for p in &prepared {
        shelf.keep(p).map_err(OpsError::Setup)?;
    }
    let events: Vec<Payload> = prepared
        .iter()
        .map(|p| Payload::PhotoAttached {
            finding_id: id,
            photo: p.photo.clone(),
        })
        .collect();
    if !events.is_empty() {
        let author = ctx.author.clone();
        ctx.store.append(&author, &ctx.now, events)?;
    }
    Ok(prepared.into_iter().map(|p| p.photo).collect())
}

/// Takes photo `n` (from 1, as [`finding_photos`] numbers them) off hazard `id`, saying why.
/// One event, flushed before it returns; the attach stays in the history, and the photo's
/// file stays here and in the sync folder (a record still names it). Returns the hazard as
/// it now reads.
///
/// # Errors
/// `Invalid` for an empty reason or a number the hazard has no photo for; `NotFound` for an
/// unknown hazard; a retracted hazard is not changed.
pub fn remove_photo(ctx: &mut Ctx, id: Uuid, n: usize, reason: &str) -> Result<Finding> {
    let f = ctx.finding_by_id(id)?;
    if f.retracted {
        return Err(crate::domain::LifecycleError::Retracted {
            action: "移除照片"
        }
        .into());
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(OpsError::invalid(
            "原因",
            "请写明移除照片的原因（如：拍错隐患、照片模糊）",
        ));
    }
    let Some(photo) = n.checked_sub(1).and_then(|i| f.photos.get(i)) else {
        return Err(OpsError::invalid(
            "照片",
            format!("该隐患没有第 {n} 张照片（共 {} 张）", f.photos.len()),
        ));
    };
    let event = Payload::PhotoRemoved {
        finding_id: id,
        hash: photo.hash.clone(),
        stage: photo.stage,
        reason: reason.to_string(),
    };
    let author = ctx.author.clone();
    ctx.store.append(&author, &ctx.now, vec![event])?;
    ctx.finding_by_id(id)
}

/// 整改前 while the hazard waits for rectification; 整改后 once it is rectified or closed.
pub fn default_stage(f: &Finding) -> PhotoStage {
    match f.status {
        Status::Open if !f.fixed_on_spot => PhotoStage::Before,
        _ => PhotoStage::After,
    }
}

/// The photos of `f`, numbered, each saying whether its bytes are here.
pub fn finding_photos(ctx: &Ctx, f: &Finding) -> Vec<PhotoLine> {
    let shelf = Shelf::of(ctx.store.dir());
    f.photos
        .iter()
        .enumerate()
        .map(|(i, p)| PhotoLine {
            n: i + 1,
            photo: p.clone(),
            present: shelf.has(&p.hash),
        })
        .collect()
}

/// The file of photo `hash` in the data dir, for a viewer; None while it has not arrived.
pub fn photo_file(ctx: &Ctx, hash: &str) -> Option<PathBuf> {
    let shelf = Shelf::of(ctx.store.dir());
    shelf.has(hash).then(|| shelf.path(hash))
}

/// Photo `hash` as a screen draws it: its small copy (made from the stored copy the first
/// time), decoded. Runs on the TUI's worker, never in a frame.
///
/// # Errors
/// 「照片未同步」 while the photo has not arrived; why it cannot be decoded otherwise.
pub fn photo_for_screen(ctx: &Ctx, hash: &str) -> std::result::Result<image::DynamicImage, String> {
    let shelf = Shelf::of(ctx.store.dir());
    if !shelf.has(hash) {
        return Err("照片未同步：下次同步时取回".into());
    }
    let bytes = shelf
        .small(hash)
        .ok_or_else(|| "照片无法解码（文件损坏）".to_string())?;
    crate::photo::decode_jpeg(&bytes)
}

/// The data dir's photo shelf (sync and the exports read it).
pub(crate) fn shelf(ctx: &Ctx) -> Shelf {
    Shelf::of(ctx.store.dir())
}
