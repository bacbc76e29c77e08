//! Importing another device's signed events: verify every signature and chain link against what
//! this store holds, then apply one bundle in one transaction through the same view path as local
//! appends, so every device holding the same events computes the same views.

use super::apply::{RefsByEntity, apply_chunked};
use super::codec::{CodecError, EventBody, Record, ZERO_HASH, log_key};
use super::roster::{self, SignedStatement};
use super::views::{self, Plan};
use super::vv::{Held, decode_held};
use super::{Result, Store, StoreError};
use crate::domain::{Admit, Entity, EventRef, Field, Payload, RosterStatement, RosterStatus};
use ed25519_dalek::VerifyingKey;
use serde::Serialize;
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// Stamps further ahead of the local clock than this are flagged and not adopted by the HLC.
pub const FAR_FUTURE_MS: i64 = 86_400_000;

/// One origin's contiguous run of records, as a bundle carries them.
pub struct Incoming<'a> {
    pub origin: Uuid,
    pub key: [u8; 32],
    /// The first seq the bundle header claims.
    pub first: u64,
    pub records: &'a [Record],
    /// How the records are authenticated (the bundle's format version).
    pub auth: Auth,
}

/// How a run of one device's records is authenticated (docs/sync-format.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// Bundle format 1: every record's own ed25519 signature is checked.
    EachRecord,
    /// Bundle format 2: the last record's signature and every hash link back to the first
    /// record. Each record's body names the chain hash of the one before (SHA-256 of its
    /// stored bytes, signature included), so the head's signature covers the whole run. Any
    /// record that does not parse, any broken link or a bad head signature falls back to
    /// [`Auth::EachRecord`], so a bad run is refused exactly as format 1 refuses it, naming
    /// the same record.
    Run,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// Nothing of the bundle was applied; the reason names what is wrong.
    #[error("{0}")]
    Rejected(String),
    /// A device id seen before, with another key: nothing applied.
    #[error("{0}")]
    Forged(String),
    /// The origin signed two different events under the same seq: kept aside, not applied.
    #[error("{reason}")]
    Fork { reason: String, seqs: Vec<u64> },
    /// Events of this device's own id above a hole in what it holds (a cloned or restored
    /// data dir whose earlier bundles have not arrived): nothing applied, read again later.
    #[error("{0}")]
    OwnAhead(String),
    #[error("{0}")]
    Store(String),
}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> Self {
        ImportError::Store(e.to_string())
    }
}

/// A conflict that an import created: two edits of one field that did not see each other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewConflict {
    pub finding_id: Uuid,
    pub facility: String,
    pub description: String,
    pub field: Field,
    pub field_label: String,
    /// Winner first.
    pub values: Vec<String>,
}

/// A verified bundle, ready to apply.
pub struct Checked {
    pub origin: Uuid,
    key: [u8; 32],
    pub fresh: Vec<(EventBody, Record)>,
    pub skipped: u64,
    pub far_future: Vec<EventRef>,
    /// Verified events the organisation's roster does not admit (yet): kept aside, not
    /// applied (seq, record). Empty in a store that belongs to no organisation.
    pub aside: Vec<(u64, Record)>,
    /// Events written after the device's revocation: refused, not kept (first, last seq).
    pub refused: Option<(u64, u64)>,
    /// Roster statements this run carries that verify against the organisation key.
    roster: Vec<(RosterStatement, SignedStatement)>,
}

/// What one applied bundle changed.
#[derive(Debug, Clone, Default)]
pub struct Applied {
    pub new_events: u64,
    pub conflicts: Vec<NewConflict>,
}

/// Verified records not written (a dry run): later bundles are checked against them too.
#[derive(Default)]
pub struct Staged {
    /// Where each staged event sits in `bodies`, by (device, seq): the record is kept once.
    records: BTreeMap<(Uuid, u64), usize>,
    keys: BTreeMap<Uuid, [u8; 32]>,
    bodies: Vec<(EventBody, Record)>,
    /// Findings and inspections the staged events create (see `creates`).
    created: BTreeSet<Entity>,
    /// Events to keep aside: `aside` tree key → record.
    aside: BTreeMap<Vec<u8>, Record>,
    /// Verified roster statements: `roster` tree key → statement.
    roster: BTreeMap<Vec<u8>, (RosterStatement, SignedStatement)>,
    /// `aside` keys of events promoted (or refused) by this import.
    pub(super) unaside: Vec<Vec<u8>>,
}

impl Staged {
    /// Events staged so far.
    pub fn events(&self) -> usize {
        self.bodies.len()
    }

    /// Events this import keeps aside.
    pub fn aside_events(&self) -> usize {
        self.aside.len()
    }

    pub fn add(&mut self, c: Checked) {
        for (st, signed) in c.roster {
            self.roster
                .insert(roster::roster_key(st.device, &signed), (st, signed));
        }
        for (seq, r) in c.aside {
            self.aside
                .insert(roster::aside_key(c.origin, &c.key, seq), r);
        }
        if c.fresh.is_empty() && c.skipped == 0 {
            return;
        }
        self.keys.insert(c.origin, c.key);
        for (b, r) in c.fresh {
            if let Some(e) = creates(&b.payload) {
                self.created.insert(e);
            }
            self.records.insert((b.device, b.seq), self.bodies.len());
            self.bodies.push((b, r));
        }
    }
}

/// Entities whose views [`Store::finish_views`] folds and writes together. 250, not 2,000: an
/// import of 106,824 events peaked at 108–118 MB with 250 and at 162–182 MB with 2,000, in the
/// same time (alternating release runs of `xuncha sync --dir` into an empty data dir); issue 14
/// asks for ≤ 80 MB.
pub const FINISH_CHUNK: usize = 250;

/// Entities whose `ent` entries [`Store::finish_views`] merges and writes at a time.
const ENT_CHUNK: usize = 1000;

/// The derived entries an import has not written yet (see [`Store::apply_group`]): the `ent`
/// entries of every entity its groups touched, with the events they add, and the views of
/// the findings and inspections among them. 24 bytes per event (≈ 2.6 MB for 106,824) and
/// a few per entity.
#[derive(Default)]
pub struct Deferred {
    entities: BTreeSet<Entity>,
    /// The new events of each entity, for its `ent` entry (16 bytes each, `ref_pairs.rs`).
    refs: super::ref_pairs::RefPairs,
    /// Some group was written and its views are not: the mark is set.
    pending: bool,
}

impl Deferred {
    /// `records` are in the log; their `ent` entries and views not yet.
    pub(crate) fn note(&mut self, records: &[(EventBody, Record)]) {
        for (body, _) in records {
            self.note_one(body.payload.entity(), body.device, body.seq);
        }
    }

    /// Events were written under the mark (`apply.rs`) with their views left for
    /// [`Store::finish_views`] or written by other means: it still has the mark to remove.
    pub(crate) fn mark_pending(&mut self) {
        self.pending = true;
    }

    /// Event `seq` of `device`, which makes `entity`, is in the log; its `ent` entry and
    /// `entity`'s view not yet.
    pub(crate) fn note_one(&mut self, entity: Entity, device: Uuid, seq: u64) {
        self.pending = true;
        self.refs.add(views::entity_prefix(&entity), device, seq);
        if views::is_deferred(&entity) {
            self.entities.insert(entity);
        }
    }
}

impl Staged {
    /// What is staged, to apply as one group; `self` keeps only the entities created so far,
    /// so a later group that creates one again is refused as forged even while the views
    /// (which `check_creations` also reads) are deferred.
    pub fn take_group(&mut self) -> Staged {
        let created = self.created.clone();
        std::mem::replace(
            self,
            Staged {
                created,
                ..Staged::default()
            },
        )
    }
}

/// What signature checks gave for each record of a bundle, in order.
pub type Verified = Vec<std::result::Result<EventBody, CodecError>>;

/// Authenticates a bundle's records against its key as `auth` says, on both cores for large
/// bundles. Needs nothing from the store, so sync runs it for the next bundle while the
/// current one is applied. `None` when the key itself is invalid.
pub fn verify_records(key: &[u8; 32], records: &[Record], auth: Auth) -> Option<Verified> {
    let key = VerifyingKey::from_bytes(key).ok()?;
    Some(open(&key, records, &vec![None; records.len()], auth))
}

/// `open_all`, or for [`Auth::Run`] the run check with `open_all` as its fallback.
fn open(key: &VerifyingKey, records: &[Record], existing: &[Option<bool>], auth: Auth) -> Verified {
    if auth == Auth::Run
        && let Some(v) = open_run(key, records)
    {
        return v;
    }
    open_all(key, records, existing)
}

/// The run check of [`Auth::Run`]: every body parses, every record's `prev` is the chain hash
/// of the record before it, and the last record's signature verifies. `None` if anything of
/// that fails (the caller then checks record by record, to refuse and name as format 1 does).
fn open_run(key: &VerifyingKey, records: &[Record]) -> Option<Verified> {
    let head = records.last()?;
    head.check_signature(key).ok()?;
    let parsed = in_parallel(records, |r| r.body().ok().map(|b| (b, r.hash())));
    let mut prev: Option<[u8; 32]> = None;
    let mut out = Vec::with_capacity(records.len());
    for p in parsed {
        let (body, hash) = p?;
        if prev.is_some_and(|h| h != body.prev) {
            return None;
        }
        prev = Some(hash);
        out.push(Ok(body));
    }
    Some(out)
}

/// The cores this process may use, asked once. `available_parallelism` reads the cgroup files
/// on every call (a few hundred µs in a container); `in_parallel` runs once per entity in
/// `Store::finish_views`, where asking each time was 11 % of an import's CPU (perf, 106,824
/// events into an empty store).
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

thread_local! {
    /// Cores kept busy by other threads of this process for what this thread does (the
    /// demo's signer, `sign_aside.rs`): `in_parallel` leaves them alone.
    static CORES_TAKEN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Runs `f` with one core fewer for [`in_parallel`] on this thread: a thread of this process
/// keeps it busy meanwhile. On two cores, helpers started for packing or folding took turns
/// with the demo's signer, whose work every event waits for.
pub(super) fn with_core_taken<T>(f: impl FnOnce() -> T) -> T {
    CORES_TAKEN.with(|c| c.set(c.get() + 1));
    let out = f();
    CORES_TAKEN.with(|c| c.set(c.get().saturating_sub(1)));
    out
}

/// The cores [`in_parallel`] may use from this thread.
fn cores_free() -> usize {
    cores().saturating_sub(CORES_TAKEN.with(|c| c.get())).max(1)
}

/// Below this many items `in_parallel` and `open_all` stay on the calling thread: a thread
/// costs more than the work.
const PARALLEL_FROM: usize = 256;

/// `f` over `records`, in order, on every core when there are many.
pub(super) fn in_parallel<R: Sync, T: Send>(records: &[R], f: impl Fn(&R) -> T + Sync) -> Vec<T> {
    in_parallel_from(records, PARALLEL_FROM, f)
}

/// [`in_parallel`] with its own threshold: from `from` items on, every core. For items that
/// each cost far more than a thread's start (≈ 20 µs), such as folding a whole entity from
/// the log.
pub(super) fn in_parallel_from<R: Sync, T: Send>(
    records: &[R],
    from: usize,
    f: impl Fn(&R) -> T + Sync,
) -> Vec<T> {
    let threads = cores_free();
    if records.len() < from.max(2) || threads < 2 {
        return records.iter().map(f).collect();
    }
    let chunk = records.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = records
            .chunks(chunk)
            .map(|rs| s.spawn(move || rs.iter().map(f).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("parsing threads do not panic"))
            .collect()
    })
}

/// Verifies the records not held byte for byte (those are only parsed), on both cores.
fn open_all(key: &VerifyingKey, records: &[Record], existing: &[Option<bool>]) -> Verified {
    let one = |(r, e): (&Record, &Option<bool>)| {
        if *e == Some(true) {
            r.body()
        } else {
            r.verify(key)
        }
    };
    if records.len() < PARALLEL_FROM || cores() < 2 {
        return records.iter().zip(existing).map(one).collect();
    }
    let threads = cores();
    let chunk = records.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = records
            .chunks(chunk)
            .zip(existing.chunks(chunk))
            .map(|(rs, es)| s.spawn(move || rs.iter().zip(es).map(one).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("verification threads do not panic"))
            .collect()
    })
}

impl Store {
    fn held_record(&self, staged: &Staged, device: Uuid, seq: u64) -> Result<Option<Record>> {
        if let Some(&i) = staged.records.get(&(device, seq)) {
            return Ok(Some(staged.bodies[i].1.clone()));
        }
        self.record(device, seq)
    }

    /// The records of `device` from seq `first` to `last` the log holds, by seq: one range
    /// read (a run not held yet reads nothing).
    fn logged_range(&self, device: Uuid, first: u64, last: u64) -> Result<BTreeMap<u64, Record>> {
        let mut out = BTreeMap::new();
        for kv in super::log_runs::range(&self.log, device, first, last)? {
            let (seq, v) = kv?;
            out.insert(seq, Record::from_stored(&v));
        }
        Ok(out)
    }

    /// Checks one bundle's run of records against this store (and `staged`), changing nothing.
    /// `verified` is what `verify_records` gave for these records and this key, if already run.
    pub fn check_incoming(
        &self,
        inc: &Incoming,
        verified: Option<Verified>,
        staged: &Staged,
        now_ms: i64,
    ) -> std::result::Result<Checked, ImportError> {
        if let Some(org) = self.org_key()? {
            if inc.origin != self.device {
                return self.check_admitted(&org, inc, verified, staged, now_ms);
            }
            // This device's id under another key is someone else's: kept aside, never a
            // reason to stop writing (that would let a squatter freeze the real device).
            if inc.key != *self.key.verifying_key().as_bytes() {
                let here = carried_statements(&org, inc.records);
                return self.check_aside(inc, verified, here);
            }
        }
        self.check_run(inc, verified, staged, now_ms)
    }

    /// The roster check of a store that belongs to an organisation (DESIGN "Trust"): the
    /// statements this run carries count at once; then the run is applied as usual (approved
    /// key), kept aside whole (unknown device, or another key than the roster's), or cut at the
    /// revocation's `last_seq` (the rest refused and reported, not kept).
    fn check_admitted(
        &self,
        org: &[u8; 32],
        inc: &Incoming,
        verified: Option<Verified>,
        staged: &Staged,
        now_ms: i64,
    ) -> std::result::Result<Checked, ImportError> {
        let here = carried_statements(org, inc.records);
        let mut list = self.roster_list(inc.origin)?;
        list.extend(
            staged
                .roster
                .values()
                .chain(here.iter())
                .filter(|(s, _)| s.device == inc.origin)
                .map(|(s, _)| s.clone()),
        );
        let status = RosterStatus::fold(&list);
        let key_hex = hex::encode(inc.key);
        let last = inc
            .first
            .saturating_add(inc.records.len() as u64)
            .saturating_sub(1);
        match status.admits(&key_hex, inc.first) {
            Admit::Aside | Admit::OtherKey => self.check_aside(inc, verified, here),
            Admit::Refused => Ok(refused_whole(inc, here, (inc.first, last))),
            Admit::Yes => {
                let cut = match status {
                    RosterStatus::Revoked { last_seq, .. } if last_seq < last => Some(last_seq),
                    _ => None,
                };
                let Some(last_seq) = cut else {
                    let mut c = self.check_run(inc, verified, staged, now_ms)?;
                    c.roster = here;
                    return Ok(c);
                };
                let keep = (last_seq + 1 - inc.first) as usize;
                let part = Incoming {
                    records: &inc.records[..keep],
                    ..*inc
                };
                let verified = verified.map(|mut v| {
                    v.truncate(keep);
                    v
                });
                let mut c = self.check_run(&part, verified, staged, now_ms)?;
                c.roster = here;
                c.refused = Some((last_seq + 1, last));
                Ok(c)
            }
        }
    }

    /// Verifies a run the roster does not admit (signatures, device, seqs, chain inside the
    /// run) and keeps it aside; records held in the log byte for byte count as skipped.
    fn check_aside(
        &self,
        inc: &Incoming,
        verified: Option<Verified>,
        here: Vec<(RosterStatement, SignedStatement)>,
    ) -> std::result::Result<Checked, ImportError> {
        let short = short_id(inc.origin);
        let vkey = VerifyingKey::from_bytes(&inc.key)
            .map_err(|_| ImportError::Rejected("包头中的公钥无效".into()))?;
        let verified = match verified {
            Some(v) if v.len() == inc.records.len() => v,
            _ => open(&vkey, inc.records, &vec![None; inc.records.len()], inc.auth),
        };
        let mut prev: Option<[u8; 32]> = None;
        let mut aside = Vec::new();
        let mut skipped = 0;
        for (i, (r, body)) in inc.records.iter().zip(verified).enumerate() {
            let seq = inc.first + i as u64;
            let body = body.map_err(|e| {
                ImportError::Rejected(format!("设备 {short} 第 {seq} 条事件：{e}，整包拒收"))
            })?;
            if body.device != inc.origin || body.seq != seq {
                return Err(ImportError::Rejected(format!(
                    "第 {} 条事件的设备或序号与包头不符，整包拒收",
                    i + 1
                )));
            }
            if prev.is_some_and(|p| p != body.prev) {
                return Err(ImportError::Rejected(format!(
                    "设备 {short} 第 {seq} 条事件：哈希链断裂，整包拒收"
                )));
            }
            prev = Some(r.hash());
            if self.record(inc.origin, seq)?.as_ref() == Some(r) {
                skipped += 1;
            } else {
                aside.push((seq, r.clone()));
            }
        }
        Ok(Checked {
            origin: inc.origin,
            key: inc.key,
            fresh: vec![],
            skipped,
            far_future: vec![],
            aside,
            refused: None,
            roster: here,
        })
    }

    /// Checks one run against the log: signatures, chain links, forks, creations.
    fn check_run(
        &self,
        inc: &Incoming,
        verified: Option<Verified>,
        staged: &Staged,
        now_ms: i64,
    ) -> std::result::Result<Checked, ImportError> {
        let origin = inc.origin;
        let short = short_id(origin);
        let known = match staged.keys.get(&origin) {
            Some(k) => Some(*k),
            None => self.device_key(origin)?,
        };
        if let Some(k) = known
            && k != inc.key
        {
            return Err(ImportError::Forged(format!(
                "伪造：设备 {short} 的公钥与本机已知的不同，整包拒收"
            )));
        }
        let vkey = VerifyingKey::from_bytes(&inc.key)
            .map_err(|_| ImportError::Rejected("包头中的公钥无效".into()))?;
        let Some(first) = inc.records.first() else {
            return Err(ImportError::Rejected("包中没有事件".into()));
        };
        let first_seq = first
            .body()
            .map_err(|e| ImportError::Rejected(format!("第 1 条事件：{e}")))?
            .seq;
        if first_seq != inc.first || first_seq.checked_add(inc.records.len() as u64).is_none() {
            return Err(ImportError::Rejected(format!(
                "包头的起始序号 {} 与第 1 条事件的序号 {first_seq} 不符，整包拒收",
                inc.first
            )));
        }

        // What this store already holds at each position (staged, else in the log),
        // byte-compared. The log is read as one range: a lookup per record cost 4 % of an
        // import's CPU (perf, 106,824 events into an empty store), where the range is empty.
        let last_seq = first_seq + (inc.records.len() as u64 - 1);
        let logged = self.logged_range(origin, first_seq, last_seq)?;
        let mut existing = Vec::with_capacity(inc.records.len());
        for (i, r) in inc.records.iter().enumerate() {
            let seq = first_seq + i as u64;
            let held = match staged.records.get(&(origin, seq)) {
                Some(&j) => Some(&staged.bodies[j].1),
                None => logged.get(&seq),
            };
            existing.push(held.map(|old| old == r));
        }
        let verified = match verified {
            Some(v) if v.len() == inc.records.len() => v,
            _ => open(&vkey, inc.records, &existing, inc.auth),
        };
        // A record held byte for byte was verified when it was stored: parse it whatever the
        // fresh check said, as before.
        let bodies =
            verified
                .into_iter()
                .zip(inc.records)
                .zip(&existing)
                .map(|((v, r), e)| match (v, e) {
                    (Err(_), Some(true)) => r.body(),
                    (v, _) => v,
                });

        let mut prev_hash: Option<[u8; 32]> = None;
        let mut fresh = Vec::new();
        let mut forks = Vec::new();
        let mut far_future = Vec::new();
        let mut skipped = 0;
        for (i, (r, body)) in inc.records.iter().zip(bodies).enumerate() {
            let seq = first_seq + i as u64;
            let body = body.map_err(|e| {
                ImportError::Rejected(format!("设备 {short} 第 {seq} 条事件：{e}，整包拒收"))
            })?;
            if body.device != origin || body.seq != seq {
                return Err(ImportError::Rejected(format!(
                    "第 {} 条事件的设备或序号与包头不符，整包拒收",
                    i + 1
                )));
            }
            if let Some(p) = prev_hash
                && body.prev != p
            {
                return Err(ImportError::Rejected(format!(
                    "设备 {short} 第 {seq} 条事件：哈希链断裂，整包拒收"
                )));
            }
            prev_hash = Some(r.hash());
            match existing[i] {
                Some(true) => skipped += 1,
                Some(false) => forks.push(seq),
                None => {
                    if body.hlc.ms > now_ms + FAR_FUTURE_MS {
                        far_future.push(body.event_ref());
                    }
                    fresh.push((body, r.clone()));
                }
            }
        }

        // This device's own id: a run that extends its log is adopted (a restored backup, or
        // a copy that has not written since); a run above a hole waits for the hole; a
        // different event under an own seq is a fork, settled by `Store::settle_fork`.
        if origin == self.device && forks.is_empty() && first_seq > self.head_seq + 1 {
            return Err(ImportError::OwnAhead(format!(
                "同步文件夹里有本设备（{short}）第 {first_seq} 条起的事件，本机只有前 {} 条，\
                 中间的还没到；等缺的同步包到达后再处理",
                self.head_seq
            )));
        }
        // Chain links to what is held just below and just above this run.
        let first_body = fresh.first().map(|(b, _)| b.clone());
        if forks.is_empty() && first_body.is_some() {
            let below = if first_seq == 1 {
                Some(ZERO_HASH)
            } else {
                self.held_record(staged, origin, first_seq - 1)?
                    .map(|r| r.hash())
            };
            let first_prev = inc.records[0].body().map(|b| b.prev).unwrap_or(ZERO_HASH);
            if below.is_some_and(|h| h != first_prev) {
                forks.push(first_seq);
            }
            if let Some(above) = self.held_record(staged, origin, last_seq + 1)?
                && let Ok(b) = above.body()
                && Some(b.prev) != prev_hash
            {
                forks.push(last_seq);
            }
        }
        if !forks.is_empty() {
            return Err(ImportError::Fork {
                reason: format!(
                    "分叉：设备 {short} 对第 {} 条事件签过两种不同内容，已隔离，整包未应用",
                    forks[0]
                ),
                seqs: forks,
            });
        }
        self.check_creations(&fresh, staged, &short)?;
        Ok(Checked {
            origin,
            key: inc.key,
            fresh,
            skipped,
            far_future,
            aside: vec![],
            refused: None,
            roster: vec![],
        })
    }

    /// Checks that need no key (DESIGN "Trust"): an event may not create a finding or an
    /// inspection whose id this store (or an earlier event of this import) already holds.
    /// Such an event could only replace the real record's first history line (a forged
    /// "登记" stamped 1970 sorts first), so the whole bundle is refused as forged and named.
    /// Events acting on an entity not held yet are kept: they change no view until the
    /// creating event arrives (the fold needs it), and then count in HLC order.
    fn check_creations(
        &self,
        fresh: &[(EventBody, Record)],
        staged: &Staged,
        short: &str,
    ) -> std::result::Result<(), ImportError> {
        let mut here = BTreeSet::new();
        for (b, _) in fresh {
            let Some(entity) = creates(&b.payload) else {
                continue;
            };
            let (what, id, held) = match entity {
                Entity::Finding(id) => ("隐患", id, self.finding(id)?.is_some()),
                Entity::Inspection(id) => ("检查", id, self.inspection(id)?.is_some()),
                Entity::Device(_) => continue,
                Entity::Chemical(id) => ("化学品", id, self.register_created(entity)?),
                Entity::Equipment(id) => ("特种设备", id, self.register_created(entity)?),
                Entity::Facility(id) => ("单位", id, self.entity_created(&entity)?),
                Entity::Patrol(id) => ("巡查", id, self.entity_created(&entity)?),
                // Content-addressed: two devices may record the same checklist version; the
                // fold keeps one whose content matches its hash.
                Entity::Checklist(_) => continue,
            };
            if held || staged.created.contains(&entity) || !here.insert(entity) {
                return Err(ImportError::Forged(format!(
                    "伪造：设备 {short} 第 {} 条事件（时间戳 {}）要再次创建已存在的{what} {id}；\
                     编号只能创建一次，整包拒收，本机记录未改变",
                    b.seq,
                    b.hlc.to_utc().format("%Y-%m-%d %H:%M"),
                )));
            }
        }
        Ok(())
    }

    /// Applies a checked bundle as [`Store::apply_staged`] does: log, entity links, views,
    /// version vector, the device key on first sight, and the HLC (never past far-future
    /// stamps).
    pub fn apply_checked(&mut self, c: Checked, now_ms: i64) -> Result<Applied> {
        let mut staged = Staged::default();
        staged.add(c);
        self.apply_staged(staged, now_ms)
    }

    /// Applies every bundle checked into `staged` by ordered batches (`apply.rs`): the log
    /// first, then the views, with one view refresh for the entities they share. Stopped
    /// half-way (killed, a storage error), the events written stay and the next open rebuilds
    /// the views from the log; a bundle whose events are not all in yet is read again by the
    /// next sync.
    pub fn apply_staged(&mut self, staged: Staged, now_ms: i64) -> Result<Applied> {
        self.write_staged(staged, now_ms, None)
    }

    /// Writes the events of `staged` as [`Store::apply_staged`] does, but not the views of
    /// the findings and inspections they touch: those are noted in `deferred` and written
    /// once, by [`Store::finish_views`], however many groups of an import touch them (a
    /// finding's events sit in several groups; each group rewrote its view, index keys and
    /// register row). Until then the mark [`apply::META_APPLYING`](super::apply) stays, so a
    /// process stopped in between rebuilds the views on the next open; and this handle's
    /// views and read models lag the log, so nothing may read or write them before
    /// `finish_views` (the caller's rule: sync finishes before settling a fork, promoting
    /// events kept aside, or reporting).
    pub fn apply_group(
        &mut self,
        staged: Staged,
        now_ms: i64,
        deferred: &mut Deferred,
    ) -> Result<Applied> {
        self.write_staged(staged, now_ms, Some(deferred))
    }

    /// Writes what `deferred` names: each entity's `ent` entry once, with all the events the
    /// groups added; then the views, in chunks of [`FINISH_CHUNK`] entities, each folded from
    /// all its events in the log; then removes the mark. Returns the field conflicts these
    /// views hold that the views before the import did not.
    ///
    /// One thread (with helpers on every core) folds the next chunks while this one writes
    /// the chunk before into sled: reading and folding a chunk took longer than writing it,
    /// and each alone left a core idle. The chunks name disjoint entities, and what a plan
    /// shares with the next (the read models' counters, the facilities the rules see) is
    /// read when written, or folded whole from the log, so the views written are the ones
    /// folding chunk by chunk in turn would write.
    ///
    /// # Errors
    /// `Db` when sled fails (the mark then stays and the next open rebuilds the views);
    /// `Corrupt` for an event, `ent` entry or view that cannot be read.
    pub fn finish_views(&mut self, deferred: &mut Deferred) -> Result<Vec<NewConflict>> {
        if !deferred.pending {
            return Ok(vec![]);
        }
        // Each entity's entry once, in chunks of entities (each read, merged and written).
        let sorted = std::mem::take(&mut deferred.refs).into_sorted();
        let mut chunk = RefsByEntity::new();
        for (key, refs) in sorted.groups() {
            chunk.insert(key, refs);
            if chunk.len() == ENT_CHUNK {
                apply_chunked(&self.ent, self.ent_writes(std::mem::take(&mut chunk))?)?;
            }
        }
        apply_chunked(&self.ent, self.ent_writes(chunk)?)?;
        drop(sorted);
        let entities: Vec<Entity> = std::mem::take(&mut deferred.entities).into_iter().collect();
        let store: &Store = self;
        let conflicts = std::thread::scope(|s| -> Result<Vec<NewConflict>> {
            // One plan waits while one is written: at most three chunks' plans in memory.
            let (tx, rx) = std::sync::mpsc::sync_channel(1);
            s.spawn(move || {
                for chunk in entities.chunks(FINISH_CHUNK) {
                    // A closed channel: the writer stopped on an error.
                    if tx.send(views::plan_held(store, chunk)).is_err() {
                        break;
                    }
                }
            });
            let mut conflicts = Vec::new();
            for plan in rx {
                let plan = plan?;
                conflicts.extend(store.new_conflicts(&plan)?);
                plan.apply_ordered(store)?;
            }
            Ok(conflicts)
        })?;
        self.views_written()?;
        deferred.pending = false;
        Ok(conflicts)
    }

    fn write_staged(
        &mut self,
        staged: Staged,
        now_ms: i64,
        deferred: Option<&mut Deferred>,
    ) -> Result<Applied> {
        let fresh = staged.bodies;
        if fresh.is_empty()
            && staged.aside.is_empty()
            && staged.roster.is_empty()
            && staged.unaside.is_empty()
        {
            return Ok(Applied::default());
        }
        let (plan, conflicts) = match &deferred {
            Some(_) => (None, vec![]),
            None => {
                let plan = views::plan(self, &fresh)?;
                let conflicts = self.new_conflicts(&plan)?;
                (Some(plan), conflicts)
            }
        };
        let vv = self.vv_tree()?;
        let mut helds: BTreeMap<Uuid, Held> = BTreeMap::new();
        for (b, _) in &fresh {
            let held = match helds.entry(b.device) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => e.insert(match vv.get(b.device.as_bytes())? {
                    Some(v) => decode_held(&v)?,
                    None => Held::default(),
                }),
            };
            held.insert(b.seq, b.seq);
        }
        let helds: Vec<(Uuid, Vec<u8>)> = helds
            .into_iter()
            .map(|(d, h)| (d, serde_json::to_vec(&h).expect("ranges serialise")))
            .collect();
        let mut new_keys = Vec::new();
        for (device, key) in &staged.keys {
            if self.device_key(*device)?.is_none() {
                new_keys.push((*device, *key));
            }
        }
        let adopt = fresh
            .iter()
            .map(|(b, _)| b.hlc)
            .filter(|h| h.ms <= now_ms + FAR_FUTURE_MS)
            .max()
            .filter(|h| *h > self.hlc);
        let around = super::apply::Around {
            keys: new_keys,
            roster: staged
                .roster
                .iter()
                .map(|(k, (_, signed))| {
                    (k.clone(), serde_json::to_vec(signed).expect("serialises"))
                })
                .collect(),
            aside: staged
                .aside
                .iter()
                .map(|(k, r)| (k.clone(), r.0.clone()))
                .collect(),
            unaside: staged.unaside,
            held: helds,
        };
        self.write_ordered(&fresh, plan.as_ref(), adopt, around)?;
        if let Some(d) = deferred {
            d.note(&fresh);
        }
        if let Some(h) = adopt {
            self.hlc = h;
        }
        if fresh.iter().any(|(b, _)| b.device == self.device) {
            self.load_head()?;
        }
        Ok(Applied {
            new_events: fresh.len() as u64,
            conflicts,
        })
    }

    /// The conflicts a dry run's staged events would create, without writing anything.
    pub fn preview_conflicts(&self, staged: &Staged) -> Result<Vec<NewConflict>> {
        if staged.bodies.is_empty() {
            return Ok(vec![]);
        }
        let plan = views::plan(self, &staged.bodies)?;
        self.new_conflicts(&plan)
    }

    /// Field conflicts in the planned finding views that the current views do not have.
    fn new_conflicts(&self, plan: &Plan) -> Result<Vec<NewConflict>> {
        let mut out = Vec::new();
        for (new, old) in plan.conflicted() {
            for c in &new.conflicts {
                let before = old
                    .as_ref()
                    .and_then(|o| o.conflicts.iter().find(|oc| oc.field == c.field));
                if before.is_some_and(|b| b.values == c.values) {
                    continue;
                }
                out.push(NewConflict {
                    finding_id: new.id,
                    facility: new.facility.clone(),
                    description: new.description.clone(),
                    field: c.field,
                    field_label: c.field.label().to_string(),
                    values: c.values.iter().map(|(_, v)| v.clone()).collect(),
                });
            }
        }
        Ok(out)
    }

    /// Keeps the records of a fork aside (never dropped silently), keyed by event and content.
    pub fn quarantine(&self, origin: Uuid, records: &[Record]) -> Result<usize> {
        let q = self.db.open_tree(QUARANTINE_TREE)?;
        let mut n = 0;
        for r in records {
            let Ok(body) = r.body() else { continue };
            if body.device != origin {
                continue;
            }
            if self.record(origin, body.seq)?.as_ref() == Some(r) {
                continue;
            }
            let mut k = log_key(origin, body.seq).to_vec();
            k.extend_from_slice(&r.hash()[..8]);
            if q.insert(k, r.0.as_slice())?.is_none() {
                n += 1;
            }
        }
        self.flush()?;
        Ok(n)
    }

    /// Quarantined fork events: (event, content hash prefix).
    pub fn quarantined(&self) -> Result<Vec<(EventRef, String)>> {
        let q = self.db.open_tree(QUARANTINE_TREE)?;
        let mut out = Vec::new();
        for kv in q.iter() {
            let (k, _) = kv?;
            if let Some((device, seq)) = super::codec::split_log_key(&k[..24.min(k.len())]) {
                out.push((EventRef { device, seq }, hex::encode(&k[24..])));
            }
        }
        Ok(out)
    }
}

pub(super) const QUARANTINE_TREE: &str = "quarantine";

/// A run written wholly after its device's revocation: nothing of it is kept.
fn refused_whole(
    inc: &Incoming,
    here: Vec<(RosterStatement, SignedStatement)>,
    span: (u64, u64),
) -> Checked {
    Checked {
        origin: inc.origin,
        key: inc.key,
        fresh: vec![],
        skipped: 0,
        far_future: vec![],
        aside: vec![],
        refused: Some(span),
        roster: here,
    }
}

/// The roster statements a run carries that verify against `org`. Statements prove
/// themselves by the organisation's signature, so the carrying event's own standing does not
/// matter; only records that mention a roster change are parsed.
fn carried_statements(
    org: &[u8; 32],
    records: &[Record],
) -> Vec<(RosterStatement, SignedStatement)> {
    const MARK: &[u8] = br#""kind":"roster""#;
    let bodies: Vec<EventBody> = records
        .iter()
        .filter(|r| r.0.windows(MARK.len()).any(|w| w == MARK))
        .filter_map(|r| r.body().ok())
        .collect();
    roster::statements_in(org, bodies.iter().map(|b| &b.payload))
}

/// The finding or inspection an event creates, if it creates one.
fn creates(p: &Payload) -> Option<Entity> {
    match p {
        Payload::FindingRecorded { finding_id, .. } => Some(Entity::Finding(*finding_id)),
        Payload::InspectionStarted { inspection_id, .. } => {
            Some(Entity::Inspection(*inspection_id))
        }
        Payload::ChemicalAdded(a) => Some(Entity::Chemical(a.chemical_id)),
        Payload::EquipmentAdded(a) => Some(Entity::Equipment(a.equipment_id)),
        Payload::FacilityAdded { facility_id, .. } => Some(Entity::Facility(*facility_id)),
        Payload::PatrolStarted { patrol_id, .. } => Some(Entity::Patrol(*patrol_id)),
        _ => None,
    }
}

/// Devices are named in full: UUIDv7 prefixes are timestamps and look alike.
fn short_id(id: Uuid) -> String {
    id.to_string()
}

#[cfg(test)]
mod tests {
    use super::{PARALLEL_FROM, in_parallel, in_parallel_from};

    /// Results come back in input order whether the work stays on this thread or is split
    /// across cores (the import pairs each verified body with its record by position).
    #[test]
    fn in_parallel_keeps_input_order() {
        for n in [0, 1, PARALLEL_FROM - 1, PARALLEL_FROM, 10_007] {
            let items: Vec<u64> = (0..n as u64).collect();
            let out = in_parallel(&items, |x| x * 3 + 1);
            assert_eq!(
                out,
                items.iter().map(|x| x * 3 + 1).collect::<Vec<_>>(),
                "n = {n}"
            );
        }
    }

    /// The same with a low threshold, as the import's folding of views uses it: two items
    /// already split, uneven splits included.
    #[test]
    fn in_parallel_from_keeps_input_order_from_two_items() {
        for n in [0, 1, 2, 3, 16, 17, 250] {
            let items: Vec<u64> = (0..n as u64).collect();
            let out = in_parallel_from(&items, 2, |x| x * 3 + 1);
            assert_eq!(
                out,
                items.iter().map(|x| x * 3 + 1).collect::<Vec<_>>(),
                "n = {n}"
            );
        }
    }
}
