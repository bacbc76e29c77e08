//! The only code that names sled: the signed event log, derived views and their indexes.
//!
//! Trees:
//! - `log`: device(16) ‖ seq(8, BE) → record, or a run of up to eight consecutive events of
//!   the device under its first seq (`log_runs.rs`); the truth.
//! - `keys`: device(16) → ed25519 public key; `meta`: own identity, HLC, flags; `folds`:
//!   folds saved between processes (`saved_folds.rs`).
//! - `ent`: tag(1) ‖ entity(16) → the packed (device, seq) of its events: which events make
//!   which view (`ent.rs`; versions before kept one key per event, still read).
//! - `findings`, `inspections`: id(16) → JSON view; `idx`: secondary index keys → () (by
//!   conflict, 文号, photo; by inspection and number in groups, `idx_groups.rs`; status and
//!   line are read from the rows), and the
//!   read models under `#` (counters for home, inspection marks; see `models.rs`).
//!   All three are derived and rebuilt by `rebuild`.

mod apply;
mod batched;
mod checklists;
pub mod codec;
mod compact;
mod demo_mark;
mod devices;
mod doctor_check;
mod ent;
mod fork;
mod identity;
mod idx_groups;
mod import;
mod log_check;
mod log_runs;
mod models;
mod numbering;
mod pack;
mod patrol_marks;
mod peers;
mod photo_refs;
mod plan_registry;
mod query;
mod read_only;
mod rebuild;
mod reclaim;
mod recover;
mod ref_pairs;
mod registers;
mod registry;
mod retire;
mod rewrite;
mod roster;
mod row_codec;
mod saved_folds;
mod scan;
mod sign_aside;
mod sync_marks;
mod views;
mod vv;
mod walk;
mod written;

pub use crate::domain::{FindingQuery, StatusFilter};
pub use codec::{EventBody, Record};
pub use compact::compact;
pub use demo_mark::is_demo_device;
pub use fork::{ForkNote, ForkOutcome};
pub use import::{
    Applied, Auth, Checked, Deferred, FAR_FUTURE_MS, ImportError, Incoming, NewConflict, Staged,
    Verified, verify_records,
};
pub use log_runs::log_entry_events;
pub use models::{InspectionMark, RectifiedOn, RowModel, Waiting};
pub use peers::{PeerHolds, PeerStatus};
pub use photo_refs::NamedPhotos;
pub use rebuild::RebuildReport;
pub use recover::{OwnRecovered, read_device_key};
pub use registers::Register;
pub use roster::{AsideRun, ORG_KEY_FILE, OrgInfo, Promoted, SignedStatement, verify_statement};
pub use sign_aside::SigningAside;
pub use sync_marks::{Arrival, SyncMarks};
pub use vv::{Held, VersionVector};

use crate::domain::{EventRef, Hlc, Now, Payload, Wall};
use codec::{BODY_VERSION, ZERO_HASH};
use ed25519_dalek::SigningKey;
use std::path::{Path, PathBuf};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据目录 {0} 正被另一个 xuncha 进程使用；请先关闭它再试")]
    Locked(PathBuf),
    #[error("数据库错误：{0}")]
    Db(String),
    #[error("{0}")]
    Io(String),
    #[error("{0}")]
    Identity(String),
    #[error("本设备已停止写入：{0}")]
    Frozen(String),
    #[error("编号「{0}」对应 {1} 条记录，请多写几位或写完整编号")]
    Ambiguous(String, usize),
    #[error("数据损坏：{0}")]
    Corrupt(String),
    /// sled could not open the database for writing; `Store::open` then opens a copy.
    #[error("数据目录只读：{0}")]
    ReadOnly(String),
    /// The disk holding the data dir is full, so sled cannot open the database (it writes
    /// on open); `Store::open` then opens a copy, as for a read-only data dir.
    #[error("磁盘已满：{0}")]
    DiskFull(String),
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        StoreError::Db(e.to_string())
    }
}

impl From<sled::transaction::TransactionError<StoreError>> for StoreError {
    fn from(e: sled::transaction::TransactionError<StoreError>) -> Self {
        match e {
            sled::transaction::TransactionError::Abort(e) => e,
            sled::transaction::TransactionError::Storage(e) => e.into(),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

pub struct Store {
    dir: PathBuf,
    db: sled::Db,
    log: sled::Tree,
    keys: sled::Tree,
    meta: sled::Tree,
    ent: sled::Tree,
    findings: sled::Tree,
    inspections: sled::Tree,
    idx: sled::Tree,
    /// Set when the data dir cannot be written: the database is a temporary copy (dropped
    /// after the trees above) and every write is refused (see `read_only.rs`).
    read_only: Option<read_only::ReadOnlyCopy>,
    device: Uuid,
    key: SigningKey,
    head_seq: u64,
    head_hash: [u8; 32],
    hlc: Hlc,
    /// How this device should describe itself; written before the next own event if the
    /// stored description differs (see `devices.rs`).
    describe: Option<crate::domain::DeviceProfile>,
    /// Why this device cannot sign (its key file is missing or damaged), if so.
    no_key: Option<String>,
    /// What opening found worth telling the user (a key readable by others, a missing key).
    warnings: Vec<String>,
    /// Bumped whenever held events are replaced or the views are rebuilt (fork resolution,
    /// roster cuts, `rebuild`): the part of [`Store::change_stamp`] the log's extent misses.
    rewrites: std::sync::atomic::AtomicU64,
    /// Events written by this handle per kind of entity, indexed by the kind's `ent` tag
    /// byte (see [`Store::kind_stamp`]).
    kind_writes: written::KindWrites,
    /// Own appends written by this handle, each one transaction (see [`Store::appends`]).
    appends: u64,
}

const META_DEVICE: &[u8] = b"device_id";
const META_HLC: &[u8] = b"hlc";
const META_FROZEN: &[u8] = b"frozen";

/// How long to wait for another xuncha (or a store just dropped in this process, whose
/// background threads still hold the file lock for a moment) to let go of the data dir.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_millis(1500);

/// sled's page cache, in bytes. sled caches 1 GiB by default; the budget is 80 MB resident for
/// any command at 100,000 hazards (issue 14). 8 MB was tried (s7): one-pass commands used
/// 3–24 MB less (`device` 136 → 112 MB, CSV export 160 → 147 MB, `finding list` 109 → 106 MB),
/// but the register's views read one after another lost their warm pages: 待整改 by deadline
/// went from 200–400 ms to 1,050–1,240 ms (`office open`, same minutes, load 9–10), against a
/// goal of ≤ 300 ms. So 32 MB stays until a command can choose its own.
const CACHE_BYTES: u64 = 32 * 1024 * 1024;

/// sled's page cache for a command that reads each view once and exits (see [`CacheUse`]).
/// With the walks of `walk.rs` the cache holds what it is given: `report` at 100,000 hazards
/// used 113 MB resident with 32 MB, 69 MB with 2 MB (no slower; 512 KB gave the same).
/// `doctor`'s check, which also reads each entity's events from the log by key, uses it too:
/// 16 MB of sled's page-size accounting held 45 MB of decoded `idx` pages at the end of its
/// walks (111 MB resident at 100,000 hazards); with 2 MB it peaks at 73 MB and spends about
/// 1.5 s more CPU (26–27 s against 25–26 s, load 5–6), which the scan's signature checks on
/// every core (`log_check.rs`) more than give back where a core is free.
const ONE_PASS_CACHE_BYTES: u64 = 2 * 1024 * 1024;

/// sled's page cache for `xuncha sync` (see [`CacheUse`]): an import writes many events and
/// reads each back about once (to fold the views after the last group). Importing 106,824
/// events into an empty store (release, alternating runs, load 6–7): 116–126 MB resident with
/// 32 MB, 80–95 MB with 8 MB, 71–83 MB with 2 MB; the CPU time was the same with 8 MB as with
/// 32 MB and about 7 % more with 2 MB (pages read again from the file).
const IMPORT_CACHE_BYTES: u64 = 8 * 1024 * 1024;

/// How much of sled's page cache a store keeps in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CacheUse {
    /// [`CACHE_BYTES`]: the TUI and anything that reads the same views again.
    #[default]
    Warm,
    /// [`ONE_PASS_CACHE_BYTES`]: a command that reads each view at most once and exits
    /// (`finding list`, `report`, `device`, `doctor`), so a page read is not read again.
    OnePass,
    /// [`IMPORT_CACHE_BYTES`]: `xuncha sync`, which writes many events and reads each back
    /// about once.
    Import,
    /// [`ONE_PASS_CACHE_BYTES`]: the TUI, which holds what it reads whole (the register's
    /// rows, the search index) instead of reading sled's pages again. At 100,000 hazards
    /// (tmux 120×35, release, with the walks of `walk.rs`): register open 90 MB resident with
    /// 2 MB, 97 MB with 8 MB, 133 MB with 32 MB; the first search 102, 108, 145 MB.
    Held,
}

impl CacheUse {
    fn bytes(self) -> u64 {
        match self {
            CacheUse::Warm => CACHE_BYTES,
            CacheUse::OnePass | CacheUse::Held => ONE_PASS_CACHE_BYTES,
            CacheUse::Import => IMPORT_CACHE_BYTES,
        }
    }
}

/// A file in the data dir saying "nothing has opened this store since I was written" (a
/// search index seal, `ops::search_seal`). Every open removes it once it holds sled's lock,
/// so a seal left by a process that held the lock is gone before any later opener can write.
pub const SEAL_FILE: &str = "search.seal";

/// Opens the sled database of the data dir `dir` (`<dir>/db`).
fn open_db(dir: &Path, cache: CacheUse) -> Result<sled::Db> {
    open_db_at(&dir.join("db"), cache)
}

/// Opens the sled database in `db_dir` (`<data dir>/db`, or a read-only data dir's copy).
fn open_db_at(db_dir: &Path, cache: CacheUse) -> Result<sled::Db> {
    let dir = db_dir.parent().unwrap_or(db_dir);
    let started = std::time::Instant::now();
    loop {
        let opened = sled::Config::new()
            .path(db_dir)
            .cache_capacity(cache.bytes())
            .open();
        match opened {
            Ok(db) => {
                // Under sled's lock, before any write: a seal must not outlive an open.
                let _ = std::fs::remove_file(dir.join(SEAL_FILE));
                return Ok(db);
            }
            Err(sled::Error::Io(io))
                if io.kind() == std::io::ErrorKind::WouldBlock
                    || io.to_string().contains("lock") =>
            {
                if started.elapsed() >= LOCK_WAIT {
                    return Err(StoreError::Locked(dir.to_path_buf()));
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(sled::Error::Io(io)) if read_only::is_read_only_error(&io) => {
                return Err(StoreError::ReadOnly(io.to_string()));
            }
            Err(sled::Error::Io(io)) if read_only::is_disk_full_error(&io) => {
                return Err(StoreError::DiskFull(io.to_string()));
            }
            Err(sled::Error::Corruption { .. }) if remove_torn_snapshots(dir)? => {}
            Err(e) => return Err(StoreError::Db(e.to_string())),
        }
    }
}

/// sled 0.34 writes a snapshot to `snap.<lsn>.generating` and renames it when complete; a
/// process killed in between leaves the partial file, and the next open fails with
/// "corrupted data" (sled issues #1527, #1533). A `.generating` file is never a complete
/// snapshot, so removing it is safe; sled then recovers from the previous snapshot and its log.
/// Returns whether anything was removed (so the open is worth retrying).
fn remove_torn_snapshots(dir: &Path) -> Result<bool> {
    let db = dir.join("db");
    let entries = std::fs::read_dir(&db)
        .map_err(|e| StoreError::Io(format!("无法读取 {}：{e}", db.display())))?;
    let mut removed = false;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            std::fs::remove_file(entry.path())
                .map_err(|e| StoreError::Io(format!("无法删除残缺快照 {name}：{e}")))?;
            removed = true;
        }
    }
    Ok(removed)
}

impl Store {
    /// Opens (creating on first use) the store in `dir`, with this device's identity.
    pub fn open(dir: &Path) -> Result<Store> {
        Self::open_with(dir, CacheUse::Warm)
    }

    /// As [`Store::open`], keeping `cache` of sled's pages in memory.
    pub fn open_with(dir: &Path, cache: CacheUse) -> Result<Store> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Io(format!("无法创建数据目录 {}：{e}", dir.display())))?;
        // A read-only data dir cannot finish a swap: it opens whatever `db` is there.
        let _ = compact::finish_compaction(dir);
        let (db, read_only) = match open_db(dir, cache) {
            Err(e @ (StoreError::ReadOnly(_) | StoreError::DiskFull(_))) => {
                let full = matches!(e, StoreError::DiskFull(_));
                let copy = read_only::ReadOnlyCopy::take(dir, full)?;
                (open_db_at(&copy.db_dir(), cache)?, Some(copy))
            }
            opened => (opened?, None),
        };
        let tree = |n: &str| db.open_tree(n);
        let mut s = Store {
            dir: dir.to_path_buf(),
            log: tree("log")?,
            keys: tree("keys")?,
            meta: tree("meta")?,
            ent: tree("ent")?,
            findings: tree("findings")?,
            inspections: tree("inspections")?,
            idx: tree("idx")?,
            read_only,
            db,
            device: Uuid::nil(),
            key: SigningKey::from_bytes(&[0; 32]),
            head_seq: 0,
            head_hash: ZERO_HASH,
            hlc: Hlc::default(),
            describe: None,
            no_key: None,
            warnings: Vec::new(),
            rewrites: Default::default(),
            kind_writes: Default::default(),
            appends: 0,
        };
        s.load_identity()?;
        s.finish_interrupted_apply()?;
        s.finish_interrupted_rebuild()?;
        s.ensure_models()?;
        s.retire_index_keys()?;
        if s.group_index_keys()? >= retire::SUGGEST_COMPACT_FROM {
            s.warnings.push(
                "索引已按检查和隐患编号合并存放（仅此一次）；请在无人使用时运行 \
                 xuncha doctor --compact 整理数据库，之后每次启动更快"
                    .into(),
            );
        }
        s.lift_old_freeze()?;
        s.forget_folds_in_meta();
        Ok(s)
    }

    fn load_identity(&mut self) -> Result<()> {
        match self.meta.get(META_DEVICE)? {
            Some(v) => {
                self.device =
                    Uuid::from_slice(&v).map_err(|_| StoreError::Corrupt("设备编号无效".into()))?;
                // A change of identity (fork.rs) killed after the store switched: finish it.
                identity::finish_key_swap(&self.dir, self.device_key(self.device)?.as_ref())?;
                match identity::read_key(&self.dir) {
                    Ok(key) => {
                        let public = *key.verifying_key().as_bytes();
                        if let Some(known) = self.device_key(self.device)?
                            && known != public
                        {
                            return Err(StoreError::Identity(identity::mismatch_message(
                                &self.dir,
                                self.device,
                                &known,
                                &public,
                            )));
                        }
                        self.key = key;
                        if let Some(w) = identity::tighten_mode(&self.dir) {
                            self.warnings.push(w);
                        }
                    }
                    // Without the key nothing can be signed, but everything can be read.
                    Err(StoreError::Identity(why)) => {
                        self.warnings
                            .push(format!("{why}；在恢复之前只能查看，不能写入"));
                        self.no_key = Some(why);
                    }
                    Err(e) => return Err(e),
                }
            }
            None => {
                // A key without an identity in the database: the database was deleted or
                // rebuilt empty (or a first open was cut short). Replacing the key would lose
                // the link to everything this device synced, so say so instead.
                if self.dir.join(identity::KEY_FILE).exists() {
                    return Err(StoreError::Identity(identity::orphan_key_message(
                        &self.dir,
                    )));
                }
                self.key = identity::new_key()?;
                identity::write_key(&self.dir, &self.key)?;
                self.device = Uuid::now_v7();
                self.keys.insert(
                    self.device.as_bytes(),
                    self.key.verifying_key().as_bytes().as_slice(),
                )?;
                self.meta
                    .insert(META_DEVICE, self.device.as_bytes().as_slice())?;
                self.db.flush()?;
            }
        }
        if let Some(v) = self.meta.get(META_HLC)? {
            self.hlc = serde_json::from_slice(&v).unwrap_or_default();
        }
        self.load_head()
    }

    /// Reads this device's last own event (seq and chain hash) from the log.
    pub(crate) fn load_head(&mut self) -> Result<()> {
        (self.head_seq, self.head_hash) = (0, ZERO_HASH);
        // From the end of the device's key range: `Iterator::last` would read every own event.
        if let Some((seq, v)) = log_runs::last(&self.log, self.device)? {
            self.head_seq = seq;
            self.head_hash = Record::from_stored(&v).hash();
        }
        Ok(())
    }

    /// A data dir frozen by a version before the fork rule (it found its own id ahead: a
    /// copy or a restored backup) writes again: the next sync settles the fork by the rule
    /// and re-issues this copy's events if they lost, so none stays stranded.
    fn lift_old_freeze(&mut self) -> Result<()> {
        if self.read_only.is_some() || !self.meta.contains_key(META_FROZEN)? {
            return Ok(());
        }
        self.meta.remove(META_FROZEN)?;
        self.db.flush()?;
        self.warnings.push(
            "本设备曾因发现复制的数据目录而停止写入；现在按统一规则处理（见 docs/clone.md），\
             已恢复写入，下次同步时自动处理，本机记录的事件都会送出"
                .into(),
        );
        Ok(())
    }

    /// Problems opening found that did not stop it, in Chinese, one per line: a device key
    /// readable by others (now set to 0600), a missing or damaged key (read-only use).
    pub fn open_warnings(&self) -> &[String] {
        &self.warnings
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
    pub fn device_id(&self) -> Uuid {
        self.device
    }
    pub fn public_key_hex(&self) -> String {
        hex::encode(self.key.verifying_key().as_bytes())
    }
    /// Events this device has written.
    pub fn own_seq(&self) -> u64 {
        self.head_seq
    }
    /// How many appends of own events this handle has written since it was opened. Each is
    /// one sled transaction, all or nothing: a use case that must never leave half its events
    /// behind (a hazard without the patrol visit naming it) writes them in one append, and
    /// tests check that with this count.
    pub fn appends(&self) -> u64 {
        self.appends
    }

    /// Events held, all devices. Reads every entry of the log (sled keeps no count; a run
    /// counts its events): O(events), so callers that only ask "any at all?" use
    /// [`Store::holds_events`]. A log that cannot be read counts as empty.
    pub fn event_count(&self) -> usize {
        log_runs::count(&self.log).unwrap_or(0)
    }
    /// Whether the log holds any event, read from its first key only.
    pub fn holds_events(&self) -> bool {
        !self.log.is_empty()
    }
    pub fn last_hlc(&self) -> Hlc {
        self.hlc
    }

    /// The wall time (Unix ms) of this device's own last event: its recorded wall clock, or
    /// its HLC for events written before walls were recorded. None before the first event.
    pub fn own_last_wall_ms(&self) -> Result<Option<i64>> {
        let Some((_, v)) = log_runs::last(&self.log, self.device)? else {
            return Ok(None);
        };
        let body = Record::from_stored(&v)
            .body()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Some(body.wall.map_or(body.hlc.ms, |w| w.ms)))
    }

    /// Why this device may no longer write (a cloned or restored data dir), if so.
    pub fn frozen(&self) -> Result<Option<String>> {
        if let Some(copy) = &self.read_only {
            return Ok(Some(copy.reason()));
        }
        Ok(self
            .meta
            .get(META_FROZEN)?
            .map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    /// Why nothing may be written to this data dir at all (it is read-only), if so: unlike
    /// `frozen`, this also stops imports, sync and `doctor --rebuild`.
    pub fn read_only(&self) -> Option<String> {
        self.read_only.as_ref().map(|c| c.reason())
    }

    /// Stops this device writing, with the reason. Versions before the fork rule
    /// (docs/clone.md) froze a data dir that found its own id ahead; such a mark is lifted
    /// on open (`lift_old_freeze`). Kept so tests can make a store as those versions left it.
    pub fn freeze(&self, reason: &str) -> Result<()> {
        self.meta.insert(META_FROZEN, reason.as_bytes())?;
        self.db.flush()?;
        Ok(())
    }

    /// Closes the store for a process that ends right after: waits until everything
    /// written is on disk, then lets the database go without sled's teardown, which frees
    /// its page table one page at a time (about an eighth of a whole `finding add` at
    /// 100,000 hazards, issue 14). The operating system reclaims the memory and the file
    /// lock when the process exits, so nothing else in this process may open the data dir
    /// again. A read-only copy (see `read_only.rs`) is dropped normally, so its temporary
    /// folder is removed.
    ///
    /// # Errors
    /// `Db` when the flush fails; the store is then dropped as usual.
    pub fn close_for_exit(self) -> Result<()> {
        if self.read_only.is_none() {
            self.db.flush()?;
            // The forgotten handle keeps every tree alive, so none is torn down below.
            std::mem::forget(self.db.clone());
        }
        Ok(())
    }

    /// Appends events, updates their views, and flushes to disk before returning.
    pub fn append(
        &mut self,
        author: &str,
        now: &Now,
        payloads: Vec<Payload>,
    ) -> Result<Vec<EventRef>> {
        let refs = self.append_unflushed(author, now, payloads)?;
        self.flush()?;
        Ok(refs)
    }

    /// Waits until everything written is on disk, with the read models' stamp (`models.rs`)
    /// moved to the log's extent: this version keeps the models current in every write.
    pub fn flush(&self) -> Result<()> {
        self.restamp_models()?;
        self.db.flush()?;
        Ok(())
    }

    /// Appends in one transaction without waiting for the disk; for bulk loads that flush once.
    pub fn append_unflushed(
        &mut self,
        author: &str,
        now: &Now,
        payloads: Vec<Payload>,
    ) -> Result<Vec<EventRef>> {
        let wall = now.wall();
        self.append_walled(
            payloads
                .into_iter()
                .map(|p| (author.to_string(), wall, p))
                .collect(),
        )
    }

    /// Appends events each with its own author and wall time in UTC milliseconds, recorded
    /// with offset +00:00. Prefer `append_walled`, which keeps the writer's offset.
    pub fn append_timed(&mut self, items: Vec<(String, i64, Payload)>) -> Result<Vec<EventRef>> {
        self.append_walled(
            items
                .into_iter()
                .map(|(a, ms, p)| (a, Wall { ms, off: 0 }, p))
                .collect(),
        )
    }

    /// Appends events each with its own author and wall clock (the demo backdates its events).
    /// The wall clock is recorded in the event (dates people read come from it); the HLC,
    /// which only orders, ticks from it.
    pub fn append_walled(&mut self, items: Vec<(String, Wall, Payload)>) -> Result<Vec<EventRef>> {
        self.append_walled_in(items, None)
    }

    /// [`Store::append_walled`] for one batch of many (the demo's): the views of the findings
    /// and inspections it touches are left for [`Store::finish_views`], written once however
    /// many batches touch them. Until then this handle's views lag its log (`apply_group`).
    pub fn append_walled_deferred(
        &mut self,
        items: Vec<(String, Wall, Payload)>,
        deferred: &mut Deferred,
    ) -> Result<Vec<EventRef>> {
        self.append_walled_in(items, Some(deferred))
    }

    fn append_walled_in(
        &mut self,
        items: Vec<(String, Wall, Payload)>,
        deferred: Option<&mut Deferred>,
    ) -> Result<Vec<EventRef>> {
        if let Some(reason) = self.frozen()? {
            return Err(StoreError::Frozen(reason));
        }
        if let Some(why) = &self.no_key {
            return Err(StoreError::Identity(format!(
                "本设备不能签名新记录：{why}。查看、搜索、导出、报表和 doctor 仍可使用"
            )));
        }
        let mut items = items;
        let described = self.description_due(&items)?;
        if let Some(d) = described.clone() {
            items.insert(0, d);
        }
        let mut seq = self.head_seq;
        let mut prev = self.head_hash;
        let mut hlc = self.hlc;
        let mut records = Vec::with_capacity(items.len());
        for (author, wall, payload) in items {
            seq += 1;
            hlc = Hlc::tick(hlc, wall.ms);
            let body = EventBody {
                v: BODY_VERSION,
                device: self.device,
                seq,
                prev,
                hlc,
                author,
                payload,
                wall: Some(wall),
            };
            let rec = Record::seal(&body, &self.key);
            prev = rec.hash();
            records.push((body, rec));
        }
        let skip = usize::from(described.is_some());
        let refs = records
            .iter()
            .skip(skip)
            .map(|(b, _)| b.event_ref())
            .collect();
        match deferred {
            Some(d) if records.len() >= apply::ORDERED_FROM => {
                self.write_ordered(&records, None, Some(hlc), apply::Around::default())?;
                d.note(&records);
            }
            _ => self.write_events(records, Some(hlc))?,
        }
        self.appends += 1;
        if described.is_some() {
            self.description_written();
        }
        self.head_seq = seq;
        self.head_hash = prev;
        self.hlc = hlc;
        Ok(refs)
    }

    /// Writes verified events (own or imported) to the log and refreshes the views they touch:
    /// a few in one transaction, many (the demo's batches) by ordered batches (`apply.rs`).
    pub(crate) fn write_events(
        &self,
        records: Vec<(EventBody, Record)>,
        new_hlc: Option<Hlc>,
    ) -> Result<()> {
        let plan = views::plan(self, &records)?;
        if records.len() >= apply::ORDERED_FROM {
            return self.write_ordered(&records, Some(&plan), new_hlc, apply::Around::default());
        }
        use sled::Transactional;
        (
            &self.log,
            &self.ent,
            &self.findings,
            &self.inspections,
            &self.idx,
            &self.meta,
        )
            .transaction(|(log, ent, fnd, ins, idx, meta)| {
                views::write_batch(log, ent, fnd, ins, idx, meta, &records, &plan, new_hlc)
            })?;
        Ok(())
    }
}
