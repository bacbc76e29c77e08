//! End-of-day sync through a folder: import every bundle this store lacks, then export what it
//! holds (own events and relays) as immutable bundles. No server; any order, any repetition.

pub mod bundle;
mod demo_guard;
mod export;
pub mod folder;
mod forks;
pub mod holds;
mod load;
pub mod names;
pub mod org;
pub mod photos;
pub mod plan;
pub mod report;

pub use report::{
    ArrivingNote, BundleNote, DeviceCount, DeviceGaps, EventNote, IgnoredNote, RefusedNote,
    RejectKind, Rejection, SkippedNote, SyncReport, SyncStatus, TrustNote,
};

use crate::domain::Now;
use crate::store::{Deferred, Staged, Store, StoreError};
use export::Verdicts;
use folder::{Listed, Listing};
use load::Verdict;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use uuid::Uuid;

/// Events per bundle; bundles start at multiples of this, so relays write the same files.
pub const DEFAULT_CHUNK: u64 = 1000;

/// Verified bundles are applied together once they hold this many new events (each bundle
/// still whole or not at all). A group writes only the log and its bookkeeping: the `ent`
/// entries and views wait for the end of the import ([`Pending::finish`]), so a group costs
/// little and its size only bounds the memory an import holds (every staged event is held
/// parsed and signed, ≈ 5 KB). Importing 106,824 events into an empty store (8 MB page
/// cache, `CacheUse::Import`) peaked at 98–104 MB with 5,000 and 80–95 MB with 1,000, in the
/// same time (alternating release runs, load 6–7). A store of an organisation writes the
/// views after each group (see [`Pending::apply`]).
pub(crate) const GROUP_EVENTS: usize = 1000;

/// Checked bundles not yet applied, with the files to mark as held once they are, and the
/// views of the groups applied so far that are not written yet.
#[derive(Default)]
pub(crate) struct Pending {
    staged: Staged,
    files: Vec<(String, u64, i64)>,
    deferred: Deferred,
}

impl Pending {
    /// Applies what is staged as one group; its views wait for [`Pending::finish`] (written
    /// once per import, not once per group), except in a store of an organisation, where a
    /// roster statement may promote events kept aside, whose apply reads the views.
    pub(crate) fn apply(
        &mut self,
        store: &mut Store,
        now_ms: i64,
        rep: &mut SyncReport,
    ) -> Result<(), SyncError> {
        let group = self.staged.take_group();
        store.apply_group(group, now_ms, &mut self.deferred)?;
        // A roster statement just applied may admit events kept aside (now or before).
        if rep.trust.org.is_some() {
            rep.conflicts
                .extend(store.finish_views(&mut self.deferred)?);
            let p = store.promote_aside(now_ms)?;
            for (d, n) in p.applied {
                rep.add_in(d, n);
                report::add_count(&mut rep.trust.promoted, d, n);
            }
            rep.trust.problems = p.problems;
            rep.conflicts.extend(p.conflicts);
        }
        // Marked before the views are written: a process stopped in between leaves the mark
        // of `apply_group`, and the next open rebuilds the views from the log.
        for (label, size, mtime) in self.files.drain(..) {
            store.mark_bundle_seen(&label, size, mtime)?;
        }
        Ok(())
    }

    /// The import stops on `e`: the views of the groups already written are written if the
    /// store lets them be, so this handle does not go on with views behind its log (if it
    /// does not, the mark stays and the next open rebuilds them).
    pub(crate) fn abandon(&mut self, store: &mut Store, e: SyncError) -> SyncError {
        let _ = store.finish_views(&mut self.deferred);
        e
    }

    /// Applies what is staged and writes every deferred view: before anything reads the
    /// views again (settling a fork, the end of the import).
    pub(crate) fn finish(
        &mut self,
        store: &mut Store,
        now_ms: i64,
        rep: &mut SyncReport,
    ) -> Result<(), SyncError> {
        self.apply(store, now_ms, rep)?;
        rep.conflicts
            .extend(store.finish_views(&mut self.deferred)?);
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
///
/// Reads every bundle file not held whole before (one file ahead on another thread), applies
/// what verifies, then writes what the folder lacks, repairs what it can, and compacts this
/// device's own files. Foreign names are counted and never read; a file that vanishes while
/// read makes the folder be listed again, so files that replaced it are read in this sync.
pub fn sync(
    store: &mut Store,
    now: &Now,
    dir: &Path,
    opts: &SyncOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<SyncReport, SyncError> {
    demo_guard::refuse_demo_store(store)?;
    // A read-only data dir is a temporary copy: what sync imported would be lost.
    if let Some(why) = store.read_only() {
        return Err(SyncError::Refused(why));
    }
    let folder = folder::open(dir, opts.dry_run).map_err(SyncError::Folder)?;
    let list = || -> Result<Listing, SyncError> {
        if !folder.exists {
            return Ok(Listing::default());
        }
        folder
            .list()
            .map_err(|e| SyncError::Folder(format!("无法读取同步文件夹 {}：{e}", dir.display())))
    };
    let listing = list()?;
    let mut rep = new_report(store, now, dir, opts.dry_run);
    note_listing(&mut rep, &listing);
    let chunk = opts.chunk.max(1);
    let mut marks = store.sync_marks()?;
    let mut arrivals = load::Arrivals {
        before: std::mem::take(&mut marks.arriving),
        after: Default::default(),
    };
    let mut pending = Pending::default();
    // Files listed when this sync began: only they may justify removing a file.
    let mut start: Verdicts = Verdicts::new();
    let mut later: Verdicts = Verdicts::new();
    let mut files = listing.bundles;
    let mut done = 0;
    for pass in 0..3 {
        let total = done + files.len();
        let verdicts = import_pass(
            store,
            now,
            &files,
            opts,
            &mut pending,
            &mut arrivals,
            &mut rep,
            &mut |i| progress(done + i, total),
        )
        .map_err(|e| pending.abandon(store, e))?;
        done += files.len();
        let vanished = verdicts.values().any(|(_, v)| *v == Verdict::Vanished);
        if pass == 0 {
            start = verdicts;
        } else {
            later.extend(verdicts);
        }
        if !vanished || rep.cancelled {
            break;
        }
        // Another device compacted while this one read: read what replaced those files.
        let again = list().map_err(|e| pending.abandon(store, e))?;
        files = again
            .bundles
            .into_iter()
            .filter(|f| {
                let l = f.label();
                let known = |v: &Verdicts| {
                    v.get(&l)
                        .is_some_and(|(o, v)| o.size == f.size && *v != Verdict::Vanished)
                };
                !known(&start) && !known(&later)
            })
            .collect();
    }
    if opts.dry_run {
        rep.conflicts = store.preview_conflicts(&pending.staged)?;
    } else {
        pending.finish(store, now.millis(), &mut rep)?;
    }
    let mut all = start.clone();
    for (k, v) in later {
        match all.get(&k) {
            Some((_, Verdict::Valid)) => {}
            _ => {
                all.insert(k, v);
            }
        }
    }
    // Photos before the bundles: a device reading this folder later finds a photo no later
    // than the event that names it.
    if !rep.cancelled && (folder.exists || !opts.dry_run) {
        let wanted = store.photo_hashes()?;
        if !wanted.is_empty() {
            let shelf = crate::photo::Shelf::of(store.dir());
            rep.photos = photos::exchange(&shelf, &wanted, &folder.root, opts.dry_run);
        }
    }
    rep.frozen = store.frozen()?;
    if rep.frozen.is_none() && !rep.cancelled {
        let cancelled = || opts.cancelled();
        export::export(
            store,
            &folder,
            &all,
            chunk,
            opts.dry_run,
            &cancelled,
            &mut rep,
        )?;
        if !rep.cancelled {
            export::repair(store, &folder, &all, opts.dry_run, &mut rep)?;
            export::compact(store, &folder, &start, opts.dry_run, &mut rep)?;
            if !opts.dry_run {
                folder.clean_stale_temps();
            }
        }
        rep.own_events_out = store.unsynced_events()?;
    } else {
        export::mark_covered(&all, &mut rep);
    }
    let steps = done + rep.bundles_written.len();
    progress(steps.max(1), steps.max(1));
    rep.gaps = gaps(store)?;
    if !opts.dry_run && !rep.cancelled {
        if rep.frozen.is_none() {
            marks.exported_seq = store.own_seq();
        }
        marks.last_sync_ms = Some(now.millis());
        marks.last_dir = Some(dir.display().to_string());
        marks.arriving = arrivals.after;
        store.set_sync_marks(&marks)?;
        holds::publish(store, &folder.root, now.millis()).map_err(|e| {
            SyncError::Folder(format!("写入本机的同步记录（{}/）失败：{e}", holds::DIR))
        })?;
    }
    if folder.exists {
        holds::take_in(store, &folder.root)?;
    }
    if !opts.dry_run && !rep.cancelled {
        trust_files(store, &folder.root, &mut rep)?;
    }
    rep.trust.held_aside = store.aside_runs()?;
    rep.trust.self_approved = trust_note(store).self_approved;
    rep.peers = store.peer_statuses()?;
    Ok(rep)
}

/// The office publishes the organisation's card and takes in enrollment requests; a device
/// that joined but is not approved yet leaves its request again if it is gone.
fn trust_files(store: &Store, root: &Path, rep: &mut SyncReport) -> Result<(), SyncError> {
    let Some(info) = store.org()? else {
        return Ok(());
    };
    let folder_err = |what: &str, e: std::io::Error| {
        SyncError::Folder(format!("写入{what}失败：{}", folder::io_text(&e)))
    };
    if info.office {
        let card = crate::domain::OrgCard {
            v: 1,
            name: info.name.clone(),
            key: info.key.clone(),
            fingerprint: info.fingerprint.clone(),
        };
        org::publish_card(root, &card).map_err(|e| folder_err("单位信息 org.json ", e))?;
        let (requests, problems) = org::read_requests(root, &info.key);
        for r in &requests {
            store.record_request(r)?;
        }
        rep.trust.problems.extend(problems);
    }
    Ok(())
}

/// The trust part of a report before anything happened: the organisation and where this
/// device stands on its roster.
pub fn trust_note(store: &Store) -> TrustNote {
    let org = store.org().ok().flatten();
    let me = store.device_id();
    let approved = store
        .roster_status(me)
        .is_ok_and(|s| s.admits(&store.public_key_hex(), 1) == crate::domain::Admit::Yes);
    TrustNote {
        office: org.as_ref().is_some_and(|o| o.office),
        self_approved: org.is_none() || approved,
        org: org.map(|o| o.name),
        ..TrustNote::default()
    }
}

fn note_listing(rep: &mut SyncReport, listing: &Listing) {
    rep.ignored
        .extend(listing.ignored.iter().map(|i| IgnoredNote {
            file: i.file.clone(),
            kind: i.kind,
        }));
    rep.skipped
        .extend(listing.skipped.iter().map(|s| SkippedNote {
            file: s.file.clone(),
            reason: s.reason.clone(),
        }));
}

/// Reads and stages `files` (those not held whole before), returning what became of each.
#[allow(clippy::too_many_arguments)]
fn import_pass(
    store: &mut Store,
    now: &Now,
    files: &[Listed],
    opts: &SyncOptions,
    pending: &mut Pending,
    arrivals: &mut load::Arrivals,
    rep: &mut SyncReport,
    progress: &mut dyn FnMut(usize),
) -> Result<Verdicts, SyncError> {
    let dry_run = opts.dry_run;
    let mut out = Verdicts::new();
    let mut unseen = Vec::new();
    for f in files {
        unseen.push(
            !demo_guard::from_demo_device(f)
                && !store.bundle_seen(&f.label(), f.size, f.mtime_ms)?,
        );
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
                if tx.send(load::load(f)).is_err() {
                    break;
                }
            }
        });
        for (i, (f, unseen)) in files.iter().zip(unseen).enumerate() {
            if opts.cancelled() {
                rep.cancelled = true;
                break;
            }
            let verdict = if demo_guard::from_demo_device(f) {
                load::reject(rep, f, RejectKind::Demo, demo_guard::demo_reason(f))
            } else if !unseen {
                rep.bundles_known += 1;
                Verdict::Valid
            } else {
                let loaded = rx
                    .recv()
                    .expect("the loader sends one result per unseen file");
                load::import_loaded(store, now, f, loaded, dry_run, pending, arrivals, rep)?
            };
            out.insert(f.label(), (f.clone(), verdict));
            progress(i + 1);
        }
        Ok(())
    })?;
    Ok(out)
}

/// Imports one bundle file (its parent folder names the origin); for tests and tools.
pub fn import_file(store: &mut Store, now: &Now, path: &Path) -> Result<SyncReport, SyncError> {
    demo_guard::refuse_demo_store(store)?;
    let meta = std::fs::symlink_metadata(path)
        .map_err(|e| SyncError::Folder(format!("无法读取 {}：{e}", path.display())))?;
    let name = |p: Option<&std::ffi::OsStr>| p.map(|s| s.to_string_lossy().into_owned());
    let origin_dir = name(path.parent().and_then(|p| p.file_name())).unwrap_or_default();
    let file = name(path.file_name()).unwrap_or_default();
    let mut rep = new_report(store, now, path, false);
    let parsed = (Uuid::try_parse(&origin_dir).ok(), bundle::parse_name(&file));
    let (Some(origin), Some((first, last, hash))) = parsed else {
        rep.rejected.push(Rejection {
            file: format!("{origin_dir}/{file}"),
            kind: RejectKind::Damaged,
            reason: "文件名或所在目录不是同步包的名字".into(),
            repaired: false,
            covered: false,
        });
        return Ok(rep);
    };
    let listed = Listed {
        origin_dir,
        name: file,
        path: path.to_path_buf(),
        size: meta.len(),
        mtime_ms: folder::mtime_ms(&meta),
        origin,
        first,
        last,
        hash,
    };
    if demo_guard::from_demo_device(&listed) {
        load::reject(
            &mut rep,
            &listed,
            RejectKind::Demo,
            demo_guard::demo_reason(&listed),
        );
    } else if store.bundle_seen(&listed.label(), listed.size, listed.mtime_ms)? {
        rep.bundles_known += 1;
    } else {
        let loaded = load::load(&listed);
        let mut pending = Pending::default();
        let mut arrivals = load::Arrivals::default();
        load::import_loaded(
            store,
            now,
            &listed,
            loaded,
            false,
            &mut pending,
            &mut arrivals,
            &mut rep,
        )?;
        pending.finish(store, now.millis(), &mut rep)?;
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
        peers: vec![],
        cancelled: false,
        ignored: vec![],
        skipped: vec![],
        arriving: vec![],
        removed: vec![],
        vanished: 0,
        forks: vec![],
        trust: trust_note(store),
        photos: photos::PhotoNote::default(),
    }
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
