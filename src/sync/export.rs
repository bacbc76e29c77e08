//! Writing the folder: every held event in some verified file, new events as small files,
//! complete chunks whole, own small files merged; damaged files this store can reproduce are
//! rewritten; own files another own file covers are removed (see `plan` for the rule).

use super::SyncError;
use super::bundle;
use super::folder::{Listed, SyncFolder, io_text};
use super::load::Verdict;
use super::plan::{self, Span};
use super::report::{BundleNote, SkippedNote, SyncReport};
use crate::store::{Record, Store, StoreError};
use std::collections::BTreeMap;
use std::io::BufReader;
use uuid::Uuid;

/// Each listed file with what became of it, by `<origin>/<name>`.
pub type Verdicts = BTreeMap<String, (Listed, Verdict)>;

/// Held records of one origin, `first..=last`, checked complete.
fn records(store: &Store, origin: Uuid, s: Span) -> Result<Vec<Record>, StoreError> {
    let records = store.records(origin, s.first, s.last)?;
    if records.len() as u64 != s.events() {
        return Err(StoreError::Corrupt(format!(
            "设备 {origin} 的事件 {}-{} 不完整",
            s.first, s.last
        )));
    }
    Ok(records)
}

/// The bundles that hold one span, split so none exceeds [`bundle::WRITE_LIMIT`].
fn bundles_for(store: &Store, origin: Uuid, s: Span) -> Result<Vec<(Span, Vec<u8>)>, StoreError> {
    let key = store
        .device_key(origin)?
        .ok_or_else(|| StoreError::Corrupt(format!("设备 {origin} 没有公钥")))?;
    let records = records(store, origin, s)?;
    let mut out = Vec::new();
    let mut start = 0;
    let mut bytes = 0u64;
    for (i, r) in records.iter().enumerate() {
        let n = r.0.len() as u64;
        if i > start && bytes + n + 200 > bundle::WRITE_LIMIT {
            out.push((start, i));
            start = i;
            bytes = 0;
        }
        bytes += n;
    }
    out.push((start, records.len()));
    Ok(out
        .into_iter()
        .map(|(a, b)| {
            let first = s.first + a as u64;
            let span = Span::new(first, s.first + b as u64 - 1);
            (span, bundle::encode(origin, &key, first, &records[a..b]))
        })
        .collect())
}

/// Writes one bundle under its name unless a verified file of that name is there.
fn put(
    (store, folder, verdicts): (&Store, &SyncFolder, &Verdicts),
    origin: Uuid,
    span: Span,
    bytes: &[u8],
    dry_run: bool,
    rep: &mut SyncReport,
) -> Result<(), SyncError> {
    let origin_dir = origin.to_string();
    let name = bundle::file_name(span.first, span.last, bytes);
    let label = format!("{origin_dir}/{name}");
    let repaired = match verdicts.get(&label) {
        Some((_, Verdict::Valid)) => return Ok(()),
        Some((_, Verdict::Vanished)) | None => false,
        Some(_) => true,
    };
    if rep.bundles_written.iter().any(|b| b.file == label) {
        return Ok(());
    }
    if !dry_run {
        let written = folder
            .write_bundle(&origin_dir, &name, bytes)
            .map_err(|e| SyncError::Folder(format!("写入同步包 {label} 失败：{}", io_text(&e))))?;
        let Some(mtime) = written else {
            rep.skipped.push(SkippedNote {
                file: label,
                reason: "这个名字已被文件夹或链接占用，未能写入".into(),
            });
            return Ok(());
        };
        store.mark_bundle_seen(&label, bytes.len() as u64, mtime)?;
    }
    rep.events_out += span.events();
    rep.bundles_written.push(BundleNote {
        file: label,
        origin,
        first: span.first,
        last: span.last,
        events: span.events(),
        repaired,
    });
    Ok(())
}

/// Spans of the verified files of one origin.
fn present(verdicts: &Verdicts, origin: Uuid) -> Vec<Span> {
    verdicts
        .values()
        .filter(|(l, v)| l.origin == origin && *v == Verdict::Valid)
        .map(|(l, _)| Span::new(l.first, l.last))
        .collect()
}

/// Writes what the folder lacks of everything held, and merges this device's small files.
pub fn export(
    store: &Store,
    folder: &SyncFolder,
    verdicts: &Verdicts,
    chunk: u64,
    dry_run: bool,
    cancelled: &dyn Fn() -> bool,
    rep: &mut SyncReport,
) -> Result<(), SyncError> {
    let own = store.device_id();
    for (origin, held) in store.version_vector()? {
        if cancelled() {
            rep.cancelled = true;
            return Ok(());
        }
        let spans = plan::writes(
            &held.ranges,
            &present(verdicts, origin),
            chunk,
            origin == own,
        );
        for s in spans {
            for (span, bytes) in bundles_for(store, origin, s)? {
                put(
                    (store, folder, verdicts),
                    origin,
                    span,
                    &bytes,
                    dry_run,
                    rep,
                )?;
            }
        }
    }
    Ok(())
}

/// Rewrites damaged or cut-short files this store can reproduce byte for byte (same range,
/// same hash); then marks damaged files a verified file covers as needing nobody.
pub fn repair(
    store: &Store,
    folder: &SyncFolder,
    verdicts: &Verdicts,
    dry_run: bool,
    rep: &mut SyncReport,
) -> Result<(), SyncError> {
    for (label, (f, v)) in verdicts {
        if !matches!(
            v,
            Verdict::Arriving | Verdict::Rejected(super::RejectKind::Damaged)
        ) {
            continue;
        }
        let span = Span::new(f.first, f.last);
        let mut fixed = rep.bundles_written.iter().any(|b| &b.file == label);
        if !fixed && store.held(f.origin)?.contains_range(f.first, f.last) {
            let key = store.device_key(f.origin)?;
            let records = records(store, f.origin, span)?;
            if let Some(key) = key {
                // The file may have been written in either format: rebuild it in the one
                // whose hash its name carries.
                let bytes = [bundle::VERSION, bundle::VERSION_1]
                    .into_iter()
                    .map(|v| bundle::encode_version(v, f.origin, &key, f.first, &records))
                    .find(|b| bundle::hash16(b) == f.hash)
                    .unwrap_or_default();
                if bundle::hash16(&bytes) == f.hash && !dry_run {
                    let written = folder
                        .write_bundle(&f.origin_dir, &f.name, &bytes)
                        .map_err(|e| {
                            SyncError::Folder(format!("修复同步包 {label} 失败：{}", io_text(&e)))
                        })?;
                    if let Some(mtime) = written {
                        store.mark_bundle_seen(label, bytes.len() as u64, mtime)?;
                    }
                    fixed = written.is_some();
                } else if bundle::hash16(&bytes) == f.hash {
                    fixed = true;
                }
                if fixed {
                    rep.events_out += span.events();
                    rep.bundles_written.push(BundleNote {
                        file: label.clone(),
                        origin: f.origin,
                        first: f.first,
                        last: f.last,
                        events: span.events(),
                        repaired: true,
                    });
                }
            }
        }
        for r in rep.rejected.iter_mut().filter(|r| &r.file == label) {
            r.repaired |= fixed;
        }
        for a in rep.arriving.iter_mut().filter(|a| &a.file == label) {
            a.repaired |= fixed;
        }
    }
    mark_covered(verdicts, rep);
    Ok(())
}

/// Damaged files whose every event a verified file in the folder holds need nobody.
pub fn mark_covered(verdicts: &Verdicts, rep: &mut SyncReport) {
    for (label, (f, v)) in verdicts {
        if *v != Verdict::Rejected(super::RejectKind::Damaged) {
            continue;
        }
        let span = Span::new(f.first, f.last);
        let covered = verdicts.values().any(|(g, gv)| {
            *gv == Verdict::Valid
                && g.origin == f.origin
                && Span::new(g.first, g.last).contains(&span)
                && g.label() != *label
        });
        for r in rep.rejected.iter_mut().filter(|r| &r.file == label) {
            r.covered |= covered;
        }
    }
}

/// Whether a file still holds exactly this store's records for its name (read whole now).
fn still_whole(store: &Store, g: &Listed) -> bool {
    let Ok((file, _)) = super::folder::open_regular(&g.path, bundle::READ_LIMIT) else {
        return false;
    };
    let Ok((b, hash)) = bundle::read_from(&mut BufReader::new(file)) else {
        return false;
    };
    (b.origin, b.first, b.last, hash.as_str()) == (g.origin, g.first, g.last, g.hash.as_str())
        && records(store, g.origin, Span::new(g.first, g.last)).is_ok_and(|r| r == b.records)
}

/// Removes this device's own files that another own file strictly covers, when that file was
/// in the folder as this sync began and still reads back whole with this store's events.
/// Files only cut short (maybe still being copied in) are left alone.
pub fn compact(
    store: &Store,
    folder: &SyncFolder,
    verdicts: &Verdicts,
    dry_run: bool,
    rep: &mut SyncReport,
) -> Result<(), SyncError> {
    let own = store.device_id();
    let mine: Vec<&Listed> = verdicts
        .values()
        .filter(|(l, v)| {
            l.origin == own
                && matches!(
                    v,
                    Verdict::Valid | Verdict::Rejected(super::RejectKind::Damaged)
                )
        })
        .map(|(l, _)| l)
        .collect();
    let spans: Vec<Span> = mine.iter().map(|l| Span::new(l.first, l.last)).collect();
    // Only valid files may cover another.
    let canonical: Vec<bool> = mine
        .iter()
        .map(|l| bundle::is_canonical_name(&l.name))
        .collect();
    let valid: Vec<bool> = mine
        .iter()
        .map(|l| {
            verdicts
                .get(&l.label())
                .is_some_and(|(_, v)| *v == Verdict::Valid)
        })
        .collect();
    let mut checked: BTreeMap<usize, bool> = BTreeMap::new();
    for (i, j) in plan::dominated(&spans, &canonical, &valid) {
        let whole = *checked
            .entry(j)
            .or_insert_with(|| still_whole(store, mine[j]));
        if !whole {
            continue;
        }
        let f = mine[i];
        if !dry_run && let Err(e) = folder.remove_bundle(&f.origin_dir, &f.name) {
            // A share may refuse while another machine reads it: try again next sync.
            rep.skipped.push(SkippedNote {
                file: f.label(),
                reason: format!("已被更大的同步包覆盖，但这次未能移除（{e}），下次再试"),
            });
            continue;
        }
        rep.removed.push(f.label());
        for r in rep.rejected.iter_mut().filter(|r| r.file == f.label()) {
            r.covered = true;
        }
    }
    Ok(())
}
