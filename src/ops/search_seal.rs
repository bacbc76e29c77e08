//! A seal on the search index file (issue 14): what lets a whole `xuncha search` answer from
//! `search.idx` without opening the store. At 100,000 hazards sled's open is about half of
//! such a process's time, and the index file alone answers the query.
//!
//! A command or TUI session that changed nothing (`unchanged::close_opened` decides)
//! and finds the file current as it closes (its stamp equal to the store's, `search_file`)
//! leaves `search.seal` in two steps:
//! 1. while it still holds the store (sled's lock), everything it wrote flushed: the hash of
//!    the index file's header (which names the body by length and checksum), the build, the
//!    checklists read from the config folder and what the start-up clock check reads;
//! 2. after the store is closed, holding the lock of sled's file itself (or, in a process
//!    that let the store go without sled's teardown, still holding sled's own): the
//!    identity, size, mode and times of every file of the store and of the data dir's other
//!    entries, so a store put back from a copy or changed by another program breaks the seal.
//!
//! Every store open removes the seal once it holds sled's lock ([`crate::store::SEAL_FILE`]),
//! so a seal exists only if nothing opened the store since step 1: the index file is then
//! exactly as current as when that search checked its stamp. A later search that finds the
//! seal whole, every mark equal and the config as it was reads the index file as it is.
//! Anything else (no seal, a mark that differs, a config or clock that start-up would warn
//! about, a query whose filter or id needs the store) takes the ordinary path.

use crate::catalog::Catalog;
use crate::config::{self, Config};
use crate::domain::Now;
use crate::search::Index;
use crate::store::SEAL_FILE;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;

/// A seal larger than this is not a seal (a real one is a few KB).
const MAX_SEAL_BYTES: u64 = 256 * 1024;

/// More entries than this in the store's folders: no seal (a store has a handful).
const MAX_MARKS: usize = 1024;

/// What the seal holds (JSON in the file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Seal {
    /// SHA-256 (hex) of the index file's header.
    index: String,
    /// The build that checked the stamp (`search_file::build_id`).
    build: String,
    /// SHA-256 (hex) of the checklists loaded from the config folder (before the store's
    /// recorded versions are adopted: the store is unchanged while the seal stands).
    catalog: String,
    /// What `clock_warning` reads from the store: own last wall time, HLC ms (both Unix ms),
    /// whether any event is held.
    own_last_ms: Option<i64>,
    seen_ms: i64,
    holds_events: bool,
    /// Filled in by step 2; a seal without it is not used.
    files: Option<Vec<Mark>>,
}

/// One file or folder as the file system describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Mark {
    path: String,
    dev: u64,
    ino: u64,
    mode: u32,
    len: u64,
    /// Modification and status-change times, (seconds, nanoseconds).
    mtime: (i64, i64),
    ctime: (i64, i64),
}

/// What start-up's clock check reads from the store, kept in the seal.
pub(super) struct ClockFigures {
    pub own_last_ms: Option<i64>,
    pub seen_ms: i64,
    pub holds_events: bool,
}

/// Step 1: writes the seal naming the index file whose header is `header`. False when it
/// could not be written or the config has problems start-up would report.
pub(super) fn begin(data_dir: &Path, header: &[u8], build: &str, clock: ClockFigures) -> bool {
    write_step_one(data_dir, hex::encode(Sha256::digest(header)), build, clock)
}

/// Writes a step-1 seal naming `index` (a header hash, or a pending value).
fn write_step_one(data_dir: &Path, index: String, build: &str, clock: ClockFigures) -> bool {
    let Some(catalog) = config_catalog_hash(&config::config_dir()) else {
        return false;
    };
    let seal = Seal {
        index,
        build: build.to_string(),
        catalog,
        own_last_ms: clock.own_last_ms,
        seen_ms: clock.seen_ms,
        holds_events: clock.holds_events,
        files: None,
    };
    write(data_dir, &seal)
}

/// Step 2, after the store is closed: adds the marks of the store's files to the seal this
/// process wrote, holding the lock of sled's file so no store is open meanwhile. Leaves
/// nothing when the seal is gone (an open came between) or the lock is taken.
pub(super) fn finish(data_dir: &Path) {
    let Ok(db) = std::fs::File::open(data_dir.join("db").join("db")) else {
        return;
    };
    if fs2::FileExt::try_lock_exclusive(&db).is_err() {
        return;
    }
    complete(data_dir);
    // The lock goes with `db`.
}

/// Step 2 in a process that let its store go without sled's teardown
/// (`Ctx::close_for_exit`): sled's own lock, held until this process exits, keeps every other
/// opener out as [`finish`]'s lock does. Anything sled still writes before the exit changes a
/// mark, which only makes the seal unusable.
pub(super) fn finish_holding_store(data_dir: &Path) {
    complete(data_dir);
}

/// Step 1 for a search that closes the store before it brings the index file up to date
/// (`search_detached`): written while the store is still held, like [`begin`], but naming no
/// header yet, only `pending` (a value no header hash can equal, so it is never used as it
/// stands). Every store open removes it, so finding it again in [`finish_pending`] proves no
/// store was opened since.
pub(super) fn begin_pending(
    data_dir: &Path,
    pending: &str,
    build: &str,
    clock: ClockFigures,
) -> bool {
    write_step_one(data_dir, pending.to_string(), build, clock)
}

/// Step 2 of a [`begin_pending`] seal, after the index file was written: holding the lock of
/// sled's file, and only if the seal is still this process's pending one (no open came
/// between), names the index file's `header` and adds the marks. Anything else removes the
/// seal. True when the seal was completed.
pub(super) fn finish_pending(data_dir: &Path, pending: &str, header: &[u8]) -> bool {
    let Ok(db) = std::fs::File::open(data_dir.join("db").join("db")) else {
        return false;
    };
    if fs2::FileExt::try_lock_exclusive(&db).is_err() {
        return false;
    }
    let finished = read(data_dir)
        .filter(|seal| seal.files.is_none() && seal.index == pending)
        .zip(marks(data_dir))
        .map(|(seal, files)| Seal {
            index: hex::encode(Sha256::digest(header)),
            files: Some(files),
            ..seal
        });
    match finished {
        Some(seal) => write(data_dir, &seal),
        None => {
            let _ = std::fs::remove_file(data_dir.join(SEAL_FILE));
            false
        }
    }
    // The lock goes with `db`.
}

/// Adds the marks to this process's seal, or removes a seal that is not this process's own
/// step 1 (an open came between); the caller keeps other openers out.
fn complete(data_dir: &Path) {
    let finished = read(data_dir)
        .filter(|seal| seal.files.is_none())
        .zip(marks(data_dir))
        .map(|(seal, files)| Seal {
            files: Some(files),
            ..seal
        });
    match finished {
        Some(seal) => _ = write(data_dir, &seal),
        None => _ = std::fs::remove_file(data_dir.join(SEAL_FILE)),
    }
}

/// The index in `data_dir`'s file and the clock, when the seal proves the file current and
/// start-up would say nothing; None sends the caller the ordinary way (open the store).
pub fn sealed_search_index(data_dir: &Path) -> Option<(Index, Now)> {
    let seal = read(data_dir)?;
    let files = seal.files.as_ref()?;
    let build = super::search_file::build_id();
    if build.is_empty() || seal.build != build {
        return None;
    }
    let config_dir = config::config_dir();
    let now = config::now().ok()?;
    let cfg = Config::load(&config_dir).ok()?;
    super::setup::checked_settings(&cfg, &config_dir).ok()?;
    if super::load_rules(&config_dir).1.is_some()
        || config_catalog_hash(&config_dir)? != seal.catalog
        || super::clock_warning_at(&now, seal.own_last_ms, seal.seen_ms, seal.holds_events)
            .is_some()
        || marks(data_dir)? != *files
    {
        return None;
    }
    let bytes = super::search_file::read_file(&data_dir.join(super::INDEX_FILE)).ok()?;
    if hex::encode(Sha256::digest(Index::header_of(&bytes)?)) != seal.index {
        return None;
    }
    Some((Index::from_bytes_unchecked(&bytes).ok()?, now))
}

/// SHA-256 (hex) of the checklists the config folder gives; None when loading them reports
/// a problem (start-up would print it, so the ordinary path runs).
fn config_catalog_hash(config_dir: &Path) -> Option<String> {
    let (catalog, problems) = Catalog::load(Some(&config_dir.join("checklists")));
    if !problems.is_empty() {
        return None;
    }
    let json = serde_json::to_vec(&catalog.lines).ok()?;
    Some(hex::encode(Sha256::digest(&json)))
}

fn read(data_dir: &Path) -> Option<Seal> {
    let path = data_dir.join(SEAL_FILE);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > MAX_SEAL_BYTES {
        return None;
    }
    serde_json::from_slice(&std::fs::read(&path).ok()?).ok()
}

/// Writes beside the final name and renames over it: a reader sees a whole seal or none.
fn write(data_dir: &Path, seal: &Seal) -> bool {
    let Ok(json) = serde_json::to_vec(seal) else {
        return false;
    };
    let path = data_dir.join(SEAL_FILE);
    let tmp = data_dir.join(format!("{SEAL_FILE}.tmp"));
    if std::fs::write(&tmp, json).is_ok() && std::fs::rename(&tmp, &path).is_ok() {
        return true;
    }
    let _ = std::fs::remove_file(&tmp);
    false
}

/// The marks of every entry of the data dir but the index file and the seal, and of every
/// file under `db` (sled's files), in name order. None when one cannot be read or there are
/// too many.
#[cfg(unix)]
fn marks(data_dir: &Path) -> Option<Vec<Mark>> {
    use std::os::unix::fs::MetadataExt;
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(data_dir).ok()? {
        let path = entry.ok()?.path();
        if !path.file_name()?.to_string_lossy().starts_with("search.") {
            paths.push(path);
        }
    }
    let mut folders = vec![data_dir.join("db")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).ok()? {
            let entry = entry.ok()?;
            if entry.file_type().ok()?.is_dir() {
                folders.push(entry.path());
            }
            paths.push(entry.path());
            if paths.len() > MAX_MARKS {
                return None;
            }
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let m = std::fs::symlink_metadata(&path).ok()?;
            Some(Mark {
                path: path
                    .strip_prefix(data_dir)
                    .ok()?
                    .to_string_lossy()
                    .into_owned(),
                dev: m.dev(),
                ino: m.ino(),
                mode: m.mode(),
                len: m.len(),
                mtime: (m.mtime(), m.mtime_nsec()),
                ctime: (m.ctime(), m.ctime_nsec()),
            })
        })
        .collect()
}

/// Without unix file identities there is nothing exact to compare: never sealed.
#[cfg(not(unix))]
fn marks(_data_dir: &Path) -> Option<Vec<Mark>> {
    None
}
