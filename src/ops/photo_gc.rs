//! Photo garbage collection (issue 18): which files of the data dir's photo folder no event
//! names, and their removal. "Unreferenced" means that no event this store holds names the
//! photo: not in the log, not kept aside for the roster, not in a fork's quarantine. A photo
//! taken off a hazard (`finding detach`) or on a retracted hazard is still named by the event
//! that attached it, so it stays: the history shows that step and its photo. What goes is what
//! no record can ever show: a photo written by an attach that was killed before its event, a
//! file copied in by hand, the small copy of either, and temp files of a killed write. See
//! docs/photos.md.

use super::{Ctx, OpsError, Result};
use serde::Serialize;
use std::collections::BTreeSet;

/// What a look at the photo folder found and, with removal, what was removed. Sizes in bytes.
#[derive(Debug, Default, Clone, Serialize)]
pub struct PhotoGcReport {
    /// Stored copies here, and their bytes.
    pub stored: usize,
    pub stored_bytes: u64,
    /// Stored copies a hazard shows now.
    pub on_hazards: usize,
    pub on_hazards_bytes: u64,
    /// Stored copies named only by the history (taken off a hazard): kept.
    pub history_only: usize,
    pub history_only_bytes: u64,
    /// Small copies here (made for forms; remade when missing), and their bytes.
    pub small: usize,
    pub small_bytes: u64,
    /// Photos a hazard shows that are not here (「照片未同步」; a later sync brings them).
    pub not_here: usize,
    /// Files no event names: stored copies, small copies, temp files (file name, bytes).
    pub unreferenced: Vec<(String, u64)>,
    pub unreferenced_bytes: u64,
    /// Files below the photo folder that are not ours (left alone).
    pub foreign: Vec<String>,
    /// Events that could not be read; while there are any nothing is removed.
    pub unreadable_events: usize,
    /// Whether the unreferenced files were removed (false: a dry run).
    pub removed: bool,
}

/// Looks at the photo folder against every event held here and, with `remove`, deletes the
/// files no event names (each removal fsynced). Never deletes a file whose hash any event
/// names or any hazard's view shows.
///
/// # Errors
/// The store could not be read; with `remove`, some events could not be read (nothing is
/// removed then), or a file could not be deleted (those before it are gone, the report says
/// which remain).
pub fn photo_gc(ctx: &Ctx, remove: bool) -> Result<PhotoGcReport> {
    let named = ctx.store.photos_named_by_events()?;
    let shown: BTreeSet<String> = ctx.store.photo_hashes()?.into_iter().collect();
    let keep = |h: &str| named.hashes.contains(h) || shown.contains(h);
    let shelf = super::photo::shelf(ctx);
    let inv = shelf.inventory();
    let mut rep = PhotoGcReport {
        unreadable_events: named.unreadable,
        ..PhotoGcReport::default()
    };
    let mut here = BTreeSet::new();
    for (hash, bytes) in &inv.stored {
        rep.stored += 1;
        rep.stored_bytes += bytes;
        here.insert(hash.as_str());
        if shown.contains(hash) {
            rep.on_hazards += 1;
            rep.on_hazards_bytes += bytes;
        } else if keep(hash) {
            rep.history_only += 1;
            rep.history_only_bytes += bytes;
        } else {
            rep.unreferenced.push((format!("{hash}.jpg"), *bytes));
        }
    }
    rep.not_here = shown.iter().filter(|h| !here.contains(h.as_str())).count();
    for (hash, bytes) in &inv.small {
        rep.small += 1;
        rep.small_bytes += bytes;
        if !keep(hash) {
            rep.unreferenced.push((format!("small/{hash}.jpg"), *bytes));
        }
    }
    for (path, bytes) in &inv.temp {
        rep.unreferenced
            .push((relative(&shelf_dir(ctx), path), *bytes));
    }
    rep.foreign = inv
        .other
        .iter()
        .map(|p| relative(&shelf_dir(ctx), p))
        .collect();
    rep.unreferenced_bytes = rep.unreferenced.iter().map(|(_, b)| b).sum();
    if !remove || rep.unreferenced.is_empty() {
        return Ok(rep);
    }
    if named.unreadable > 0 {
        return Err(OpsError::Setup(format!(
            "有 {} 条事件无法解析，无法确定它们引用哪些照片；为免误删，未删除任何照片（先运行 xuncha doctor 检查存储）",
            named.unreadable
        )));
    }
    for (hash, _) in inv.stored.iter().filter(|(h, _)| !keep(h)) {
        shelf.remove(hash, false).map_err(OpsError::Setup)?;
    }
    for (hash, _) in inv.small.iter().filter(|(h, _)| !keep(h)) {
        shelf.remove(hash, true).map_err(OpsError::Setup)?;
    }
    for (path, _) in &inv.temp {
        shelf.remove_temp(path).map_err(OpsError::Setup)?;
    }
    rep.removed = true;
    Ok(rep)
}

fn shelf_dir(ctx: &Ctx) -> std::path::PathBuf {
    ctx.store.dir().join(crate::photo::SHELF_DIR)
}

/// `path` below the photo folder, as a person reads it (control characters escaped).
fn relative(dir: &std::path::Path, path: &std::path::Path) -> String {
    let shown = path.strip_prefix(dir).unwrap_or(path).display().to_string();
    crate::domain::sanitize::escape(&shown).into_owned()
}
