//! The search index kept as a file in the data dir (issue 14), so a whole `xuncha search` and
//! the TUI's first search read a few MB instead of scanning every finding view.
//!
//! The file (`search.idx`, layout in `search::persist`) is stamped with what it was built
//! from: the log's version vector (which events of which device it holds), the quarantined
//! fork events, the checklists and the executable. Before it is used the stamp is compared
//! with the store's:
//! - equal: the file is the index;
//! - the log only gained events (nothing held before is gone, no fork moved, same
//!   checklists and build): those events are read and each finding or register entry they
//!   touch is read again into the index, which is then written back;
//! - anything else, or a file that is missing, damaged or of another format: the index is
//!   built from the store and written.
//!
//! So the answer is always the one a fresh build would give. Writes in this process keep an
//! index built in memory current (`index_finding`); the file itself is brought up to date by
//! the next reader, at a cost that grows with what changed, not with the store. The file is
//! a cache: a data dir that cannot be written simply builds the index each time.

use super::{Ctx, Result};
use crate::domain::{Chemical, Entity, Equipment};
use crate::search::{FindingDoc, Index};
use crate::store::VersionVector;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use uuid::Uuid;

/// The index file's name in the data dir.
pub const INDEX_FILE: &str = "search.idx";

/// More new events than this are folded in by a full build instead (reading them one by one
/// costs more than one scan of the views).
const MAX_CATCH_UP: u64 = 20_000;

/// A file larger than this is not read (a 100,000-hazard store's index is a few MB).
const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// How the index of a search came to be, for `XUNCHA_TIMINGS` and benchmarks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexSource {
    /// Read from the file, which was current.
    File,
    /// Read from the file and brought up to date with this many new events.
    CaughtUp(u64),
    /// Built from the store (no usable file); the reason in words.
    Built(String),
}

/// What the index was built from (the file's stamp).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Stamp {
    /// The executable (size and modification time): another build may prepare texts or
    /// fold views differently.
    pub(super) build: String,
    /// SHA-256 of the checklists in force (item texts and line names are indexed).
    catalog: String,
    /// Fork events held aside: settling a fork replaces held events without new seqs.
    quarantined: Vec<String>,
    pub(super) vv: VersionVector,
}

impl Stamp {
    pub(super) fn of(ctx: &Ctx) -> Result<Stamp> {
        let catalog = serde_json::to_vec(&ctx.catalog.lines).unwrap_or_default();
        let quarantined = ctx
            .store
            .quarantined()?
            .into_iter()
            .map(|(e, h)| format!("{}:{}:{h}", e.device, e.seq))
            .collect();
        Ok(Stamp {
            build: build_id(),
            catalog: hex::encode(Sha256::digest(&catalog)),
            quarantined,
            vv: ctx.store.version_vector()?,
        })
    }

    /// Whether `now` differs from this stamp only by events the log gained.
    pub(super) fn only_gained(&self, now: &Stamp) -> bool {
        self.build == now.build
            && self.catalog == now.catalog
            && self.quarantined == now.quarantined
            && self.vv.iter().all(|(device, held)| {
                now.vv
                    .get(device)
                    .is_some_and(|h| held.ranges.iter().all(|&(a, b)| h.contains_range(a, b)))
            })
    }
}

pub(super) fn build_id() -> String {
    let meta = std::env::current_exe().and_then(std::fs::metadata);
    match meta {
        Ok(m) => {
            let mtime = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{} {} {mtime}", env!("CARGO_PKG_VERSION"), m.len())
        }
        // Not knowing the build, never trust a file: an empty id matches nothing written
        // by a build that knew its own.
        Err(_) => String::new(),
    }
}

/// The search index of this store: from the file when it is current, brought up to date
/// when the log only gained events, else built from the store; the file is written back
/// whenever it changed (not for a read-only data dir).
///
/// # Errors
/// `Store` when the store cannot be read. A missing or damaged file is not an error.
pub fn search_index(ctx: &Ctx) -> Result<(Index, IndexSource)> {
    let path = ctx.store.dir().join(INDEX_FILE);
    let now = Stamp::of(ctx)?;
    let why = match read_file(&path) {
        Err(why) => why,
        Ok(bytes) => match Index::stamp_of(&bytes).and_then(|s| serde_json::from_slice(s).ok()) {
            None => "索引文件格式不同".to_string(),
            Some(old) if !now.build.is_empty() && Stamp::only_gained(&old, &now) => {
                match Index::from_bytes(&bytes, &ctx.catalog) {
                    Err(why) => why,
                    Ok(index) if old == now => return Ok((index, IndexSource::File)),
                    Ok(mut index) => match catch_up(ctx, &mut index, &old.vv, &now.vv)? {
                        Some(n) => {
                            save(ctx, &index, &now);
                            return Ok((index, IndexSource::CaughtUp(n)));
                        }
                        None => "新事件太多".to_string(),
                    },
                }
            }
            Some(_) => "日志、检查表或程序已变".to_string(),
        },
    };
    let (index, _) = super::load_search_index(ctx)?;
    if !now.build.is_empty() {
        save(ctx, &index, &now);
    }
    Ok((index, IndexSource::Built(why)))
}

/// Closes the store of a context that changed nothing (`unchanged::close_opened` decides that),
/// with sled's whole teardown, first sealing the index file when it is current (its stamp
/// equal to the store's now) so the next whole `xuncha search` can read it without opening
/// the store (`search_seal`). Nothing is sealed for a read-only store, a store that opened
/// with warnings or a clock start-up warns about: those take the ordinary path each time.
pub(super) fn close_sealing_index(ctx: super::Ctx) {
    let dir = ctx.store.dir().to_path_buf();
    let begun = begin_seal(&ctx);
    drop(ctx);
    if begun {
        super::search_seal::finish(&dir);
    }
}

/// As [`close_sealing_index`], for a process that exits next (`Ctx::close_for_exit`, no sled
/// teardown): every open removes the seal, so without this a search after a `report` or a
/// `finding show` opened the store again (≈ 55 MB of sled's page table at 100,000 hazards)
/// only to find the file current.
///
/// # Errors
/// `Store` when the final flush fails.
pub(super) fn close_for_exit_sealing_index(ctx: super::Ctx) -> Result<()> {
    let dir = ctx.store.dir().to_path_buf();
    let begun = begin_seal(&ctx);
    ctx.close_for_exit()?;
    if begun {
        super::search_seal::finish_holding_store(&dir);
    }
    Ok(())
}

fn begin_seal(ctx: &Ctx) -> bool {
    let Some((now, clock)) = seal_inputs(ctx) else {
        return false;
    };
    let Some(header) = read_header(&ctx.store.dir().join(INDEX_FILE)) else {
        return false;
    };
    let current = Index::stamp_of(&header)
        .and_then(|s| serde_json::from_slice::<Stamp>(s).ok())
        .is_some_and(|old| old == now);
    if !current {
        return false;
    }
    super::search_seal::begin(ctx.store.dir(), &header, &now.build, clock)
}

/// The store's stamp now and what start-up's clock check reads, when a seal may be written
/// for this context: a writable store that opened without warnings, a known build, no clock
/// warning, everything written flushed. None: never sealed.
pub(super) fn seal_inputs(ctx: &Ctx) -> Option<(Stamp, super::search_seal::ClockFigures)> {
    if ctx.store.read_only().is_some() || !ctx.store.open_warnings().is_empty() {
        return None;
    }
    let now = Stamp::of(ctx).ok()?;
    let own_last_ms = ctx.store.own_last_wall_ms().ok()?;
    let clock = super::search_seal::ClockFigures {
        own_last_ms,
        seen_ms: ctx.store.last_hlc().ms,
        holds_events: ctx.store.holds_events(),
    };
    let warned = super::clock_warning_at(
        &ctx.now,
        clock.own_last_ms,
        clock.seen_ms,
        clock.holds_events,
    );
    if now.build.is_empty() || warned.is_some() || ctx.store.flush().is_err() {
        return None;
    }
    Some((now, clock))
}

/// The index file's header (magic, format, stamp, body length and checksum), read without
/// the body.
pub(super) fn read_header(path: &std::path::Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).ok()?;
    let mut head = vec![0u8; 12];
    file.read_exact(&mut head).ok()?;
    let stamp = u32::from_le_bytes(head[8..12].try_into().ok()?) as u64;
    if stamp > MAX_FILE_BYTES {
        return None;
    }
    file.take(stamp + 8).read_to_end(&mut head).ok()?;
    Index::header_of(&head).map(<[u8]>::to_vec)
}

/// Drops the index file (after views were rebuilt or replaced without new events).
pub(crate) fn forget_index_file(ctx: &Ctx) {
    let _ = std::fs::remove_file(ctx.store.dir().join(INDEX_FILE));
}

pub(super) fn read_file(path: &std::path::Path) -> std::result::Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|_| "没有索引文件".to_string())?;
    if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
        return Err("索引文件不是普通文件或过大".into());
    }
    std::fs::read(path).map_err(|e| format!("索引文件无法读取：{e}"))
}

/// Writes the file beside its final name and renames it over, so a reader sees the old file
/// or the new one; a failure leaves the cache as it was (it is only a cache).
fn save(ctx: &Ctx, index: &Index, stamp: &Stamp) {
    if ctx.store.read_only().is_none() {
        save_at(ctx.store.dir(), index, stamp);
    }
}

/// As [`save`], into the data dir `dir` (a writable one: the caller knows). True when the
/// file was written.
pub(super) fn save_at(dir: &std::path::Path, index: &Index, stamp: &Stamp) -> bool {
    let Ok(stamp) = serde_json::to_vec(stamp) else {
        return false;
    };
    let path = dir.join(INDEX_FILE);
    let tmp = dir.join(format!("{INDEX_FILE}.tmp"));
    let written = std::fs::File::create(&tmp).and_then(|f| {
        let mut out = std::io::BufWriter::with_capacity(64 * 1024, f);
        index.write_to(&stamp, &mut out)?;
        out.into_inner().map_err(|e| e.into_error())?;
        Ok(())
    });
    if written.is_ok() && std::fs::rename(&tmp, &path).is_ok() {
        return true;
    }
    let _ = std::fs::remove_file(&tmp);
    false
}

/// Reads the events `now` holds beyond `old` and puts every finding and register entry they
/// touch into `index` as it now stands. None when a full build is the better way (too many
/// events) or an event cannot be read.
fn catch_up(
    ctx: &Ctx,
    index: &mut Index,
    old: &VersionVector,
    now: &VersionVector,
) -> Result<Option<u64>> {
    Ok(changes_since(ctx, old, now, MAX_CATCH_UP)?.map(|changes| changes.apply_to(index)))
}

/// What the log gained since an index file was written, read from the store in the form the
/// index takes it, so it can be put into the index after the store is closed.
pub(super) struct Changes {
    /// New events read.
    events: u64,
    /// Each finding the new events touch, as it now stands (None: gone).
    findings: Vec<(Uuid, Option<FindingDoc<'static>>)>,
    chemicals: Vec<Chemical>,
    equipment: Vec<Equipment>,
}

impl Changes {
    /// Puts every change into `index`; returns the count of new events they came from.
    pub(super) fn apply_to(&self, index: &mut Index) -> u64 {
        for (id, doc) in &self.findings {
            match doc {
                Some(doc) => index.upsert_doc(doc),
                None => index.remove(*id),
            }
        }
        for c in &self.chemicals {
            index.upsert_chemical(c);
        }
        for q in &self.equipment {
            index.upsert_equipment(q);
        }
        self.events
    }
}

/// The changes of the events `now` holds beyond `old`; None when there are more than
/// `max_events` of them (a full build is the better way) or an event cannot be read.
pub(super) fn changes_since(
    ctx: &Ctx,
    old: &VersionVector,
    now: &VersionVector,
    max_events: u64,
) -> Result<Option<Changes>> {
    let mut spans = Vec::new();
    let mut count = 0u64;
    for (device, held) in now {
        let before = old.get(device).cloned().unwrap_or_default();
        for &(a, b) in &held.ranges {
            let mut seq = a;
            while seq <= b {
                if before.contains(seq) {
                    seq += 1;
                    continue;
                }
                let mut end = seq;
                while end < b && !before.contains(end + 1) {
                    end += 1;
                }
                spans.push((*device, seq, end));
                count += end - seq + 1;
                if count > max_events {
                    return Ok(None);
                }
                seq = end + 1;
            }
        }
    }
    let (mut findings, mut chemicals, mut equipment) = (
        BTreeSet::new(),
        BTreeSet::<Uuid>::new(),
        BTreeSet::<Uuid>::new(),
    );
    for (device, first, last) in spans {
        for record in ctx.store.records(device, first, last)? {
            let Ok(body) = record.body() else {
                return Ok(None);
            };
            match body.payload.entity() {
                Entity::Finding(id) => _ = findings.insert(id),
                Entity::Chemical(id) => _ = chemicals.insert(id),
                Entity::Equipment(id) => _ = equipment.insert(id),
                // Checklist texts and line names are in the stamp's catalog hash.
                Entity::Checklist(_)
                | Entity::Inspection(_)
                | Entity::Device(_)
                | Entity::Facility(_)
                | Entity::Patrol(_) => {}
            }
        }
    }
    let mut changes = Changes {
        events: count,
        findings: Vec::with_capacity(findings.len()),
        chemicals: Vec::new(),
        equipment: Vec::new(),
    };
    for id in findings {
        let doc = ctx
            .store
            .finding(id)?
            .map(|f| FindingDoc::from(&f).into_owned());
        changes.findings.push((id, doc));
    }
    for id in chemicals {
        if let Ok(c) = super::chem::chemical_by_id(ctx, id) {
            changes.chemicals.push(c);
        }
    }
    for id in equipment {
        if let Ok(q) = super::equipment::equipment_by_id(ctx, id) {
            changes.equipment.push(q);
        }
    }
    Ok(Some(changes))
}
