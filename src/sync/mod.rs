//! End-of-day sync through a folder: import every bundle this store lacks, then export what it
//! holds (own events and relays) as immutable bundles. No server; any order, any repetition.

pub mod bundle;
mod demo_guard;
pub mod folder;
pub mod report;

pub use report::{
    BundleNote, DeviceCount, DeviceGaps, EventNote, RejectKind, Rejection, SyncReport, SyncStatus,
};

use crate::domain::Now;
use crate::store::{ImportError, Incoming, Staged, Store, StoreError, Verified, verify_records};
use bundle::Bundle;
use folder::{Listed, SyncFolder};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use uuid::Uuid;

/// Events per bundle; bundles start at multiples of this, so relays write the same files.
pub const DEFAULT_CHUNK: u64 = 1000;

/// Verified bundles are applied together once they hold this many new events: one
/// transaction and one view refresh per group instead of per bundle (each bundle still
/// whole or not at all). Bounds the memory an import holds.
const GROUP_EVENTS: usize = 5000;

/// Checked bundles not yet applied, with the files to mark as held once they are.
#[derive(Default)]
struct Pending {
    staged: Staged,
    files: Vec<(String, u64)>,
}

impl Pending {
    fn apply(
        &mut self,
        store: &mut Store,
        now_ms: i64,
        rep: &mut SyncReport,
    ) -> Result<(), SyncError> {
        let applied = store.apply_staged(std::mem::take(&mut self.staged), now_ms)?;
        rep.conflicts.extend(applied.conflicts);
        for (label, size) in self.files.drain(..) {
            store.mark_bundle_seen(&label, size)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
pub struct SyncOptions {
    pub dry_run: bool,
    pub chunk: u64,
    /// Set from another thread to stop: no further bundle is read or written; bundles already
    /// verified whole are applied (never part of one), and the sync marks stay as they were.
    pub cancel: Option<Arc<AtomicBool>>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            dry_run: false,
            chunk: DEFAULT_CHUNK,
            cancel: None,
        }
    }
}

impl SyncOptions {
    fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The folder cannot be used (missing, not writable, not a sync folder).
    #[error("{0}")]
    Folder(String),
    /// This store may not sync at all (a demo store).
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SyncError {
    pub fn exit_code(&self) -> i32 {
        match self {
            SyncError::Folder(_) | SyncError::Refused(_) => 2,
            SyncError::Store(StoreError::Locked(_)) => 2,
            SyncError::Store(_) => 1,
        }
    }
}

/// Own events not yet exported, and when the last sync ran. Cheap: two meta reads.
pub fn status(store: &Store) -> Result<SyncStatus, StoreError> {
    let marks = store.sync_marks()?;
    Ok(SyncStatus {
        unsynced_events: store.unsynced_events()?,
        last_sync: marks
            .last_sync_ms
            .and_then(chrono::DateTime::from_timestamp_millis),
        last_dir: marks.last_dir,
        frozen: store.frozen()?,
    })
}

/// Runs one sync (or dry run) with `dir`; `progress(done, total)` after each bundle.
pub fn sync(
    store: &mut Store,
    now: &Now,
    dir: &Path,
    opts: &SyncOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<SyncReport, SyncError> {
    demo_guard::refuse_demo_store(store)?;
    let folder = folder::open(dir, opts.dry_run).map_err(SyncError::Folder)?;
    let files = if folder.exists {
        folder
            .list()
            .map_err(|e| SyncError::Folder(format!("无法读取同步文件夹 {}：{e}", dir.display())))?
    } else {
        vec![]
    };
    let mut rep = new_report(store, now, dir, opts.dry_run);
    let chunk = opts.chunk.max(1);
    let mut total = files.len() + plan_chunks(store, chunk)?.len();
    let mut pending = Pending::default();
    let mut damaged: Vec<Listed> = Vec::new();
    // Bundles already held whole are not read again; the rest are read and their signatures
    // checked on another thread one bundle ahead, while this one applies the previous bundle.
    let mut unseen = Vec::new();
    for f in &files {
        unseen.push(!demo_guard::from_demo_device(f) && !store.bundle_seen(&f.label(), f.size)?);
    }
    let to_load: Vec<Listed> = files
        .iter()
        .zip(&unseen)
        .filter(|(_, u)| **u)
        .map(|(f, _)| f.clone())
        .collect();
    std::thread::scope(|s| -> Result<(), SyncError> {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        s.spawn(move || {
            for f in &to_load {
                if tx.send(load(f)).is_err() {
                    break;
                }
            }
        });
        for (i, (f, unseen)) in files.iter().zip(unseen).enumerate() {
            if opts.cancelled() {
                rep.cancelled = true;
                break;
            }
            if demo_guard::from_demo_device(f) {
                reject(&mut rep, f, RejectKind::Demo, demo_guard::demo_reason(f));
            } else if !unseen {
                rep.bundles_known += 1;
            } else {
                let loaded = rx
                    .recv()
                    .expect("the loader sends one result per unseen file");
                if import_loaded(store, now, f, loaded, opts.dry_run, &mut pending, &mut rep)?
                    == Some(RejectKind::Damaged)
                {
                    damaged.push(f.clone());
                }
            }
            progress(i + 1, total);
        }
        Ok(())
    })?;
    if opts.dry_run {
        rep.conflicts = store.preview_conflicts(&pending.staged)?;
    } else {
        pending.apply(store, now.millis(), &mut rep)?;
    }
    rep.frozen = store.frozen()?;
    if rep.frozen.is_none() && !rep.cancelled {
        let chunks = plan_chunks(store, chunk)?;
        total = files.len() + chunks.len();
        for (i, c) in chunks.iter().enumerate() {
            if opts.cancelled() {
                rep.cancelled = true;
                break;
            }
            export_chunk(store, &folder, c, opts.dry_run, &mut rep)?;
            progress(files.len() + i + 1, total);
        }
        if !rep.cancelled {
            repair(store, &folder, &damaged, opts.dry_run, &mut rep)?;
        }
        rep.own_events_out = store.unsynced_events()?;
    }
    rep.gaps = gaps(store)?;
    if !opts.dry_run && !rep.cancelled {
        let mut marks = store.sync_marks()?;
        if rep.frozen.is_none() {
            marks.exported_seq = store.own_seq();
        }
        marks.last_sync_ms = Some(now.millis());
        marks.last_dir = Some(dir.display().to_string());
        store.set_sync_marks(&marks)?;
    }
    Ok(rep)
}

/// Imports one bundle file (its parent folder names the origin); for tests and tools.
pub fn import_file(store: &mut Store, now: &Now, path: &Path) -> Result<SyncReport, SyncError> {
    let meta = std::fs::metadata(path)
        .map_err(|e| SyncError::Folder(format!("无法读取 {}：{e}", path.display())))?;
    let name = |p: Option<&std::ffi::OsStr>| p.map(|s| s.to_string_lossy().into_owned());
    let listed = Listed {
        origin_dir: name(path.parent().and_then(|p| p.file_name())).unwrap_or_default(),
        name: name(path.file_name()).unwrap_or_default(),
        path: path.to_path_buf(),
        size: meta.len(),
    };
    demo_guard::refuse_demo_store(store)?;
    let mut rep = new_report(store, now, path, false);
    if demo_guard::from_demo_device(&listed) {
        reject(
            &mut rep,
            &listed,
            RejectKind::Demo,
            demo_guard::demo_reason(&listed),
        );
    } else if store.bundle_seen(&listed.label(), listed.size)? {
        rep.bundles_known += 1;
    } else {
        let loaded = load(&listed);
        let mut pending = Pending::default();
        import_loaded(store, now, &listed, loaded, false, &mut pending, &mut rep)?;
        pending.apply(store, now.millis(), &mut rep)?;
    }
    rep.gaps = gaps(store)?;
    store.flush()?;
    Ok(rep)
}

fn new_report(store: &Store, now: &Now, dir: &Path, dry_run: bool) -> SyncReport {
    SyncReport {
        dry_run,
        folder: dir.display().to_string(),
        device: store.device_id(),
        at: now.utc(),
        own_events_out: 0,
        events_out: 0,
        bundles_written: vec![],
        events_in: vec![],
        bundles_read: 0,
        bundles_known: 0,
        conflicts: vec![],
        rejected: vec![],
        far_future: vec![],
        gaps: vec![],
        frozen: None,
        cancelled: false,
    }
}

fn reject(
    rep: &mut SyncReport,
    f: &Listed,
    kind: RejectKind,
    reason: String,
) -> Option<RejectKind> {
    rep.rejected.push(Rejection {
        file: f.label(),
        kind,
        reason,
        repaired: false,
    });
    Some(kind)
}

/// A bundle file read, its bytes and names checked, and its signatures verified; or why not.
type Loaded = Result<(Bundle, Option<Verified>), String>;

/// Reads one bundle file and checks everything that needs no store: footer, shape, the names
/// of its folder and file, every signature against the key it carries.
fn load(f: &Listed) -> Loaded {
    let bytes = std::fs::read(&f.path).map_err(|e| format!("无法读取：{e}"))?;
    let b = bundle::decode(&bytes)?;
    if f.origin_dir != b.origin.to_string() {
        return Err(format!("所在目录与包内设备 {} 不符", b.origin));
    }
    if bundle::parse_name(&f.name) != Some((b.first, b.last, bundle::hash16(&bytes))) {
        return Err("文件名与内容（序号范围或校验和）不符".to_string());
    }
    let verified = verify_records(&b.key, &b.records);
    Ok((b, verified))
}

/// Checks a loaded bundle against the store and applies it; returns how it was rejected, if
/// it was.
fn import_loaded(
    store: &mut Store,
    now: &Now,
    f: &Listed,
    loaded: Loaded,
    dry_run: bool,
    pending: &mut Pending,
    rep: &mut SyncReport,
) -> Result<Option<RejectKind>, SyncError> {
    let label = f.label();
    rep.bundles_read += 1;
    let (b, verified) = match loaded {
        Ok(l) => l,
        Err(reason) => return Ok(reject(rep, f, RejectKind::Damaged, reason)),
    };
    let inc = Incoming {
        origin: b.origin,
        key: b.key,
        first: b.first,
        records: &b.records,
    };
    let now_ms = now.millis();
    match store.check_incoming(&inc, verified, &pending.staged, now_ms) {
        Ok(c) => {
            rep.far_future
                .extend(c.far_future.iter().map(|r| EventNote {
                    device: r.device,
                    seq: r.seq,
                }));
            rep.add_in(c.origin, c.fresh.len() as u64);
            pending.staged.add(c);
            if !dry_run {
                pending.files.push((label, f.size));
                if pending.staged.events() >= GROUP_EVENTS {
                    pending.apply(store, now_ms, rep)?;
                }
            }
            Ok(None)
        }
        Err(ImportError::Rejected(r)) => Ok(reject(rep, f, RejectKind::Damaged, r)),
        Err(ImportError::Forged(r)) => Ok(reject(rep, f, RejectKind::Forged, r)),
        Err(ImportError::Fork { reason, .. }) => {
            if !dry_run {
                // Quarantine compares with the log: what is checked must be in it first.
                pending.apply(store, now_ms, rep)?;
                store.quarantine(b.origin, &b.records)?;
            }
            Ok(reject(rep, f, RejectKind::Fork, reason))
        }
        Err(ImportError::OwnAhead(r)) => {
            if !dry_run {
                store.freeze(&r)?;
            }
            Ok(reject(rep, f, RejectKind::Clone, r))
        }
        Err(ImportError::Store(e)) => Err(SyncError::Store(StoreError::Db(e))),
    }
}

/// One bundle to export: a run of one origin's held seqs within one chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Chunk {
    origin: Uuid,
    first: u64,
    last: u64,
}

/// Every held run of every device, cut at multiples of `chunk`.
fn plan_chunks(store: &Store, chunk: u64) -> Result<Vec<Chunk>, StoreError> {
    let mut out = Vec::new();
    for (origin, held) in store.version_vector()? {
        for (a, b) in held.ranges {
            let mut first = a;
            while first <= b {
                let last = b.min(((first - 1) / chunk + 1) * chunk);
                out.push(Chunk {
                    origin,
                    first,
                    last,
                });
                first = last + 1;
            }
        }
    }
    Ok(out)
}

fn bundle_bytes(store: &Store, origin: Uuid, first: u64, last: u64) -> Result<Vec<u8>, StoreError> {
    let key = store
        .device_key(origin)?
        .ok_or_else(|| StoreError::Corrupt(format!("设备 {origin} 没有公钥")))?;
    let records = store.records(origin, first, last)?;
    if records.len() as u64 != last - first + 1 {
        return Err(StoreError::Corrupt(format!(
            "设备 {origin} 的事件 {first}-{last} 不完整"
        )));
    }
    Ok(bundle::encode(origin, &key, first, &records))
}

/// Writes one chunk unless a file with exactly these bytes is already there.
fn export_chunk(
    store: &Store,
    folder: &SyncFolder,
    c: &Chunk,
    dry_run: bool,
    rep: &mut SyncReport,
) -> Result<(), SyncError> {
    let bytes = bundle_bytes(store, c.origin, c.first, c.last)?;
    let name = bundle::file_name(c.first, c.last, &bytes);
    let origin_dir = c.origin.to_string();
    let path = folder.bundle_path(&origin_dir, &name);
    let repaired = match std::fs::read(&path) {
        Ok(existing) if existing == bytes => return Ok(()),
        Ok(_) => true,
        Err(_) => false,
    };
    write(store, folder, &origin_dir, &name, &bytes, dry_run)?;
    rep.events_out += c.last - c.first + 1;
    rep.bundles_written.push(BundleNote {
        file: format!("{origin_dir}/{name}"),
        origin: c.origin,
        first: c.first,
        last: c.last,
        events: c.last - c.first + 1,
        repaired,
    });
    Ok(())
}

fn write(
    store: &Store,
    folder: &SyncFolder,
    origin_dir: &str,
    name: &str,
    bytes: &[u8],
    dry_run: bool,
) -> Result<(), SyncError> {
    if dry_run {
        return Ok(());
    }
    folder
        .write_bundle(origin_dir, name, bytes)
        .map_err(|e| SyncError::Folder(format!("写入同步包 {origin_dir}/{name} 失败：{e}")))?;
    store.mark_bundle_seen(&format!("{origin_dir}/{name}"), bytes.len() as u64)?;
    Ok(())
}

/// Rewrites damaged files this store can reproduce byte for byte (same range, same hash).
fn repair(
    store: &Store,
    folder: &SyncFolder,
    damaged: &[Listed],
    dry_run: bool,
    rep: &mut SyncReport,
) -> Result<(), SyncError> {
    for f in damaged {
        let label = f.label();
        let mut fixed = rep.bundles_written.iter().any(|b| b.file == label);
        if !fixed
            && let Ok(origin) = Uuid::parse_str(&f.origin_dir)
            && let Some((first, last, hash)) = bundle::parse_name(&f.name)
            && store.held(origin)?.contains_range(first, last)
        {
            let bytes = bundle_bytes(store, origin, first, last)?;
            if bundle::hash16(&bytes) == hash {
                write(store, folder, &f.origin_dir, &f.name, &bytes, dry_run)?;
                rep.events_out += last - first + 1;
                rep.bundles_written.push(BundleNote {
                    file: label.clone(),
                    origin,
                    first,
                    last,
                    events: last - first + 1,
                    repaired: true,
                });
                fixed = true;
            }
        }
        if fixed {
            for r in rep.rejected.iter_mut().filter(|r| r.file == label) {
                r.repaired = true;
            }
        }
    }
    Ok(())
}

fn gaps(store: &Store) -> Result<Vec<DeviceGaps>, StoreError> {
    Ok(store
        .version_vector()?
        .into_iter()
        .filter_map(|(device, held)| {
            let gaps = held.gaps();
            (!gaps.is_empty()).then(|| DeviceGaps {
                device,
                frontier: held.frontier(),
                gaps,
            })
        })
        .collect())
}
