//! Read models kept current with the log (issue 14): what home and the rules of frequency need,
//! so they read a few thousand small entries instead of every view.
//!
//! They live in the `idx` tree under keys starting with `#` (every other index key starts with
//! a lowercase letter), so they are written in the same transaction as the events and views
//! that change them (`views::Plan`), cleared and rewritten by `doctor --rebuild`, and compared
//! with a rebuild by `doctor`:
//! - `#c` ‖ `o` ‖ line ‖ 0 ‖ deadline in force (`YYYY-MM-DD`, empty for none) → count (u64 BE):
//!   findings 待整改 (not retracted);
//! - `#c` ‖ `r` ‖ line ‖ 0 ‖ when rectified → count: findings 待复查 (not retracted). When is
//!   `d` ‖ the writer's local date (`YYYY-MM-DD`) when the writer's offset is recorded, `q` ‖
//!   the UTC quarter-hour (decimal) when it is not (every UTC offset in use is a whole number of
//!   quarter-hours, so the reader's date of the quarter's start is the reader's date of the
//!   instant), empty for none;
//! - `#s` (finished) or `#u` (unfinished) ‖ start (Unix ms, sign bit flipped, BE) ‖ id(16) →
//!   JSON [`InspectionMark`]: one per inspection, newest last, so home reads the few unfinished
//!   ones and the newest finished ones without walking them all.
//!
//! - `#r` ‖ id(16) → [`RowModel`] in the binary form of `row_codec.rs`: what a register row
//!   shows of each finding (about a fifth of the view), so the register reads 100,000 rows
//!   without decoding 100,000 views. (Versions before `models_v3` stored JSON here.)
//! - `#p` and `#v`: each patrol's visits as the rules of frequency count them
//!   (`patrol_marks.rs`); `#g`: the registered facilities as they see them
//!   (`plan_registry.rs`).
//!
//! A store written before these models existed gets them built from its views on open
//! (`Store::ensure_models`), marked done in `meta` only once complete.
//!
//! **Stamp.** A binary older than the models writes events and views but not the models, so
//! they would go stale unseen. The mark in `meta` is therefore a stamp of the log's extent when
//! the models were last known current: SHA-256 over this device's last seq and the whole `vv`
//! tree (every other device's held seqs), both of which every version moves on every write.
//! This version rewrites the stamp whenever it flushes (`Store::flush`); on open a stamp that
//! differs from the log's extent (an older binary wrote, or a mark `1` from before stamps)
//! makes the models be built again from the views, which those binaries do keep current.
//! The models of the rules of frequency (patrols, facilities) have a stamp of their own
//! (`plan_models_v2`): binaries that keep the other models but not these stamp only
//! `models_v3`, and a store they wrote has only these built again, from the patrol and
//! registry events (a few thousand), not every view.

use super::{Result, Store, StoreError};
use crate::domain::{Escalation, Finding, Inspection, LeaderRole, Mode, Severity, Stamp, Status};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sled::transaction::{ConflictableTransactionError, TransactionalTree};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Every model key starts with this byte.
pub(crate) const MODEL_PREFIX: &[u8] = b"#";
const COUNTER: &[u8] = b"#c";
const ROW: &[u8] = b"#r";
const MARK_FINISHED: &[u8] = b"#s";
const MARK_UNFINISHED: &[u8] = b"#u";
/// Set in `meta` once the models hold every view: the stamp of the log's extent they were
/// current at (see the module doc and `Store::ensure_models`).
const META_MODELS: &[u8] = b"models_v3";
/// The stamp of the versions that stored row models as JSON. This version removes it when it
/// builds its own models; finding it again means such a version rebuilt the models (in its
/// form) since, so they are built again here even when `models_v3` matches.
const META_MODELS_JSON: &[u8] = b"models_v2";
/// As `models_v3`, for the models of the rules of frequency alone (`patrol_marks.rs`,
/// `plan_registry.rs`). (`patrol_models_v1` stamped the patrol models alone, for minutes of
/// one session's main: such a store builds them again.)
pub(super) const META_PATROLS: &[u8] = b"plan_models_v2";

/// Findings waiting, as one counter of the home figures reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    /// Line id.
    pub line: String,
    /// 待整改 (`Open`) or 待复查 (`Rectified`).
    pub status: Status,
    /// For 待整改: the deadline in force (the last 四书 step's own, else 整改时限).
    pub due: Option<NaiveDate>,
    /// For 待复查: when the rectification was recorded.
    pub rectified: Option<RectifiedOn>,
    /// How many findings share all of the above.
    pub count: u64,
}

/// When a rectification was recorded, as precisely as a reader's date of it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RectifiedOn {
    /// The writer's local date (the writer's offset was recorded): the same on every reader.
    Date(NaiveDate),
    /// The start of the UTC quarter-hour it fell in (no offset recorded: read in the reader's).
    Instant(Stamp),
}

impl RectifiedOn {
    /// The date a reader at `offset` gives it (as `Now::local_date` of the exact stamp).
    pub fn date(&self, offset: &chrono::FixedOffset) -> NaiveDate {
        match self {
            RectifiedOn::Date(d) => *d,
            RectifiedOn::Instant(s) => s.date_or(offset),
        }
    }
}

/// One inspection as home and the rules of frequency pick it: who, where, when, how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InspectionMark {
    pub id: Uuid,
    pub facility: String,
    pub started_at: Stamp,
    pub finished: bool,
    pub mode: Mode,
    #[serde(default)]
    pub leader: Option<LeaderRole>,
    pub started_by: String,
    pub inspectors: Vec<String>,
}

impl InspectionMark {
    fn of(i: &Inspection) -> InspectionMark {
        InspectionMark {
            id: i.id,
            facility: i.facility.clone(),
            started_at: i.started_at,
            finished: i.is_finished(),
            mode: i.mode,
            leader: i.leader,
            started_by: i.started_by.clone(),
            inspectors: i.inspectors.clone(),
        }
    }

    /// As `Inspection::is_owner`: an inspector of it, or the person who started it.
    pub fn is_owner(&self, name: &str) -> bool {
        let name = name.trim();
        self.inspectors.iter().any(|i| i == name) || self.started_by == name
    }
}

/// What the register shows of one finding: the view's fields a row needs, with the rules
/// already applied (deadline in force, conflicted), so reading it decodes nothing else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowModel {
    pub id: Uuid,
    pub facility: String,
    pub department: String,
    /// 部位: with the facility, where a hazard's 风险等级 is looked up.
    pub location: String,
    pub line: String,
    pub description: String,
    pub severity: Severity,
    pub status: Status,
    /// The deadline in force (`Finding::due_in_force`).
    pub due: Option<NaiveDate>,
    pub escalation: Option<Escalation>,
    /// `Finding::is_conflicted`.
    pub conflict: bool,
    pub created_at: Stamp,
    pub fixed_on_spot: bool,
    pub rectified_at: Option<Stamp>,
    /// The 隐患编号 as printed.
    pub number: Option<String>,
    pub retracted: bool,
    pub retract_reason: String,
}

impl RowModel {
    fn of(f: &Finding) -> RowModel {
        RowModel {
            id: f.id,
            facility: f.facility.clone(),
            department: f.department.clone(),
            location: f.location.clone(),
            line: f.line.clone(),
            description: f.description.clone(),
            severity: f.severity,
            status: f.status,
            due: f.due_in_force(),
            escalation: f.escalation,
            conflict: f.is_conflicted(),
            created_at: f.created_at,
            fixed_on_spot: f.fixed_on_spot,
            rectified_at: f.rectified_at,
            number: f.number.as_ref().map(|n| n.code()),
            retracted: f.retracted,
            retract_reason: f.retract_reason.clone(),
        }
    }
}

fn row_entry(f: &Finding) -> (Vec<u8>, Vec<u8>) {
    let k = [ROW, f.id.as_bytes().as_slice()].concat();
    (k, super::row_codec::encode(&RowModel::of(f)))
}

/// The counter a finding adds one to, if it is waiting (待整改 or 待复查, not retracted).
pub(crate) fn counter_key(f: &Finding) -> Option<Vec<u8>> {
    if f.retracted {
        return None;
    }
    let mut k = COUNTER.to_vec();
    match f.status {
        Status::Open => {
            k.push(b'o');
            k.extend_from_slice(f.line.as_bytes());
            k.push(0);
            if let Some(d) = f.due_in_force() {
                k.extend_from_slice(d.to_string().as_bytes());
            }
        }
        Status::Rectified => {
            k.push(b'r');
            k.extend_from_slice(f.line.as_bytes());
            k.push(0);
            if let Some(r) = f.rectified_at {
                match r.offset() {
                    Some(o) => {
                        k.push(b'd');
                        k.extend_from_slice(r.date_or(&o).to_string().as_bytes());
                    }
                    None => {
                        k.push(b'q');
                        let quarter = r.utc().timestamp_millis().div_euclid(QUARTER_MS);
                        k.extend_from_slice(quarter.to_string().as_bytes());
                    }
                }
            }
        }
        _ => return None,
    }
    Some(k)
}

const QUARTER_MS: i64 = 15 * 60 * 1000;

/// Unix ms as bytes that sort as the numbers do (negative ones first).
pub(super) fn ordered_ms(ms: i64) -> [u8; 8] {
    ((ms as u64) ^ (1 << 63)).to_be_bytes()
}

fn parse_counter(k: &[u8], v: &[u8]) -> Result<Waiting> {
    let bad = || StoreError::Corrupt(format!("计数条目无效：{}", hex::encode(k)));
    let rest = k.strip_prefix(COUNTER).ok_or_else(bad)?;
    let (&kind, rest) = rest.split_first().ok_or_else(bad)?;
    let nul = rest.iter().position(|b| *b == 0).ok_or_else(bad)?;
    let line = std::str::from_utf8(&rest[..nul]).map_err(|_| bad())?;
    let when = std::str::from_utf8(&rest[nul + 1..]).map_err(|_| bad())?;
    let count = u64::from_be_bytes(v.try_into().map_err(|_| bad())?);
    let date = |t: &str| NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| bad());
    let (status, due, rectified) = match kind {
        b'o' if when.is_empty() => (Status::Open, None, None),
        b'o' => (Status::Open, Some(date(when)?), None),
        b'r' if when.is_empty() => (Status::Rectified, None, None),
        b'r' => {
            let on = match when.split_at(1) {
                ("d", d) => RectifiedOn::Date(date(d)?),
                ("q", q) => {
                    let quarter: i64 = q.parse().map_err(|_| bad())?;
                    let utc = chrono::DateTime::from_timestamp_millis(quarter * QUARTER_MS)
                        .ok_or_else(bad)?;
                    RectifiedOn::Instant(utc.into())
                }
                _ => return Err(bad()),
            };
            (Status::Rectified, None, Some(on))
        }
        _ => return Err(bad()),
    };
    Ok(Waiting {
        line: line.to_string(),
        status,
        due,
        rectified,
        count,
    })
}

/// An inspection's mark: its key (by start, then id) and value.
pub(crate) fn mark_entry(i: &Inspection) -> (Vec<u8>, Vec<u8>) {
    let mut k = if i.is_finished() {
        MARK_FINISHED.to_vec()
    } else {
        MARK_UNFINISHED.to_vec()
    };
    k.extend_from_slice(&ordered_ms(i.started_at.utc().timestamp_millis()));
    k.extend_from_slice(i.id.as_bytes());
    let v = serde_json::to_vec(&InspectionMark::of(i)).expect("marks serialise");
    (k, v)
}

/// The model writes of one transaction: counter changes and inspection marks.
#[derive(Default)]
pub(crate) struct Delta {
    counts: BTreeMap<Vec<u8>, i64>,
    remove: Vec<Vec<u8>>,
    insert: BTreeMap<Vec<u8>, Vec<u8>>,
}

impl Delta {
    /// A finding's view changes from `old` to `new`.
    pub(crate) fn finding(&mut self, old: Option<&Finding>, new: Option<&Finding>) {
        if let Some(new) = new {
            let (k, v) = row_entry(new);
            if old.map(row_entry).is_none_or(|(_, was)| was != v) {
                self.insert.insert(k, v);
            }
        }
        let (old, new) = (old.and_then(counter_key), new.and_then(counter_key));
        if old == new {
            return;
        }
        if let Some(k) = old {
            *self.counts.entry(k).or_default() -= 1;
        }
        if let Some(k) = new {
            *self.counts.entry(k).or_default() += 1;
        }
    }

    /// An inspection's view changes from `old` to `new`.
    pub(crate) fn inspection(&mut self, old: Option<&Inspection>, new: &Inspection) {
        let old = old.map(mark_entry);
        let new = mark_entry(new);
        if old.as_ref() == Some(&new) {
            return;
        }
        if let Some((k, _)) = old
            && k != new.0
        {
            self.remove.push(k);
        }
        self.insert.insert(new.0, new.1);
    }

    /// A patrol's mark changes from `old` to `new` (None: its start is not held).
    pub(crate) fn patrol(
        &mut self,
        id: Uuid,
        old: Option<&super::patrol_marks::PatrolMark>,
        new: Option<&super::patrol_marks::PatrolMark>,
    ) {
        let old = old.map(|m| m.entries(id)).unwrap_or_default();
        let new = new.map(|m| m.entries(id)).unwrap_or_default();
        // Each key once: a batch of `apply_ordered` writes in key order, so a key both
        // removed and inserted could end either way.
        self.remove
            .extend(old.keys().filter(|k| !new.contains_key(*k)).cloned());
        for (k, v) in new {
            if old.get(&k) != Some(&v) {
                self.insert.insert(k, v);
            }
        }
    }

    /// A single-entry model changes from `old` to `new` (None: no entry).
    pub(crate) fn entry(&mut self, key: Vec<u8>, old: Option<Vec<u8>>, new: Option<Vec<u8>>) {
        if old == new {
            return;
        }
        match new {
            Some(v) => {
                self.insert.insert(key, v);
            }
            None => self.remove.push(key),
        }
    }

    /// Writes the changes inside the transaction of the events that cause them.
    pub(crate) fn apply(
        &self,
        idx: &TransactionalTree,
    ) -> std::result::Result<(), ConflictableTransactionError<StoreError>> {
        for (k, d) in &self.counts {
            if *d == 0 {
                continue;
            }
            let next = counted(idx.get(k.as_slice())?, *d);
            if next == 0 {
                idx.remove(k.as_slice())?;
            } else {
                idx.insert(k.as_slice(), &next.to_be_bytes())?;
            }
        }
        for k in &self.remove {
            idx.remove(k.as_slice())?;
        }
        for (k, v) in &self.insert {
            idx.insert(k.as_slice(), v.as_slice())?;
        }
        Ok(())
    }
}

/// A counter stored as `current` (8 bytes big-endian, absent = 0) after adding `d`, never
/// below 0.
fn counted(current: Option<sled::IVec>, d: i64) -> u64 {
    let now = current.map_or(0, |v| {
        u64::from_be_bytes(v.as_ref().try_into().unwrap_or([0; 8]))
    });
    (now as i64).saturating_add(d).max(0) as u64
}

impl Delta {
    /// The same writes as [`Delta::apply`], appended to `out` for a batch of `idx`: counters
    /// read from the tree as it is.
    pub(crate) fn writes(
        &self,
        idx: &sled::Tree,
        out: &mut Vec<super::apply::Write>,
    ) -> Result<()> {
        for (k, d) in &self.counts {
            if *d == 0 {
                continue;
            }
            let next = counted(idx.get(k.as_slice())?, *d);
            out.push((k.clone(), (next != 0).then(|| next.to_be_bytes().to_vec())));
        }
        out.extend(self.remove.iter().map(|k| (k.clone(), None)));
        out.extend(
            self.insert
                .iter()
                .map(|(k, v)| (k.clone(), Some(v.clone()))),
        );
        Ok(())
    }
}

/// The models a set of views makes, key → value, as a rebuild writes them.
#[derive(Default)]
pub(crate) struct Fresh {
    counts: BTreeMap<Vec<u8>, u64>,
    /// Rows and marks.
    marks: BTreeMap<Vec<u8>, Vec<u8>>,
}

impl Fresh {
    pub(crate) fn add_finding(&mut self, f: &Finding) {
        let (k, v) = row_entry(f);
        self.marks.insert(k, v);
        if let Some(k) = counter_key(f) {
            *self.counts.entry(k).or_default() += 1;
        }
    }

    pub(crate) fn add_inspection(&mut self, i: &Inspection) {
        let (k, v) = mark_entry(i);
        self.marks.insert(k, v);
    }

    /// Hands over the rows and marks made so far and forgets them: `doctor`'s check digests
    /// them one entity at a time rather than hold 100,000 rows (≈33 MB, issue 14).
    pub(crate) fn drain_marks(&mut self) -> BTreeMap<Vec<u8>, Vec<u8>> {
        std::mem::take(&mut self.marks)
    }

    pub(crate) fn add_patrol(&mut self, id: Uuid, p: &super::patrol_marks::PatrolMark) {
        self.marks.extend(p.entries(id));
    }

    /// A single-entry model's entry (None: no entry).
    pub(crate) fn add_entry(&mut self, (key, value): (Vec<u8>, Option<Vec<u8>>)) {
        if let Some(v) = value {
            self.marks.insert(key, v);
        }
    }

    pub(crate) fn entries(self) -> impl Iterator<Item = (Vec<u8>, Vec<u8>)> {
        self.counts
            .into_iter()
            .map(|(k, n)| (k, n.to_be_bytes().to_vec()))
            .chain(self.marks)
    }
}

impl Store {
    /// The counters of findings waiting (待整改 and 待复查), one per line, deadline and day of
    /// rectification: a few thousand entries at 100,000 findings.
    ///
    /// # Errors
    /// `Db`; `Corrupt` for an entry that cannot be read.
    pub fn waiting_counts(&self) -> Result<Vec<Waiting>> {
        self.idx
            .scan_prefix(COUNTER)
            .map(|kv| {
                let (k, v) = kv?;
                parse_counter(&k, &v)
            })
            .collect()
    }

    /// Every finding's register row, in id (creation) order, or newest first with `newest`.
    pub fn register_row_models(
        &self,
        newest: bool,
    ) -> Box<dyn Iterator<Item = Result<RowModel>> + '_> {
        let decode = |kv: sled::Result<(sled::IVec, sled::IVec)>| {
            let (k, v) = kv?;
            super::row_codec::decode(&v).map_err(|e| {
                StoreError::Corrupt(format!("台账行无法解析（{}）：{e}", hex::encode(&k)))
            })
        };
        let rows = self.idx.scan_prefix(ROW);
        if newest {
            // The first screen's few rows: read lazily, a few leaf pages.
            Box::new(rows.rev().map(decode))
        } else {
            // The whole register: a walk that lets sled's cache page the rows out as it goes
            // (`walk.rs`); a plain iteration kept every leaf page of the 100,000 rows it read
            // until the walk ended.
            Box::new(super::walk::walk(&self.idx, rows).map(decode))
        }
    }

    /// Hands the filter fields of every register row to `each`, in id order, reading each row
    /// in place (`row_codec::decode_keys`): the walk behind status, deadline, line and
    /// facility filters.
    ///
    /// # Errors
    /// `Db`; `Corrupt` naming a row that cannot be read.
    pub(crate) fn for_each_row_keys(
        &self,
        mut each: impl FnMut(&super::row_codec::RowKeys),
    ) -> Result<()> {
        for kv in super::walk::walk(&self.idx, self.idx.scan_prefix(ROW)) {
            let (k, v) = kv?;
            let keys = super::row_codec::decode_keys(&v).map_err(|e| {
                StoreError::Corrupt(format!("台账行无法解析（{}）：{e}", hex::encode(&k)))
            })?;
            each(&keys);
        }
        Ok(())
    }

    /// Hands the facility of every finding (retracted ones too) to `each`, in id order, as its
    /// register row names it: no view is read.
    ///
    /// # Errors
    /// `Db`; `Corrupt` naming a row that cannot be read.
    pub fn for_each_finding_facility(&self, mut each: impl FnMut(&str)) -> Result<()> {
        self.for_each_row_keys(|r| each(r.facility))
    }

    /// Marks of the finished (or the unfinished) inspections, newest start first (then the
    /// larger id first), read lazily.
    pub fn inspection_marks_newest(
        &self,
        finished: bool,
    ) -> impl Iterator<Item = Result<InspectionMark>> + '_ {
        let prefix = if finished {
            MARK_FINISHED
        } else {
            MARK_UNFINISHED
        };
        self.idx.scan_prefix(prefix).rev().map(decode_mark)
    }

    /// Marks of the inspections started at or after `since_ms` (Unix ms), finished or not.
    ///
    /// # Errors
    /// `Db`; `Corrupt` for a mark that cannot be read.
    pub fn inspection_marks_since(&self, since_ms: i64) -> Result<Vec<InspectionMark>> {
        let mut out = Vec::new();
        for prefix in [MARK_FINISHED, MARK_UNFINISHED] {
            let start = [prefix, &ordered_ms(since_ms)].concat();
            let end = [prefix, &[0xff; 9]].concat();
            for kv in self.idx.range(start..end) {
                out.push(decode_mark(kv)?);
            }
        }
        Ok(out)
    }

    /// Builds the models from the views when this store has none yet (written by a version
    /// before them): once, then marked in `meta`. A run killed half-way leaves no mark, and
    /// the next open starts again from a cleared prefix.
    /// Also rebuilds them when the stamp in `meta` is not the log's extent: something that
    /// does not keep the models (an older binary) wrote since; only the patrol models when
    /// only their stamp is not (a binary that keeps the others but not these wrote).
    pub(crate) fn ensure_models(&self) -> Result<()> {
        let stamp = self.models_stamp()?;
        let current = |key: &[u8]| -> Result<bool> {
            Ok(self.meta.get(key)?.as_deref() == Some(stamp.as_slice()))
        };
        let rows = current(META_MODELS)? && !self.meta.contains_key(META_MODELS_JSON)?;
        let patrols = current(META_PATROLS)?;
        if rows && patrols {
            return Ok(());
        }
        let mut fresh = Fresh::default();
        if rows {
            self.clear_patrol_models()?;
            self.clear_plan_facilities()?;
        } else {
            self.clear_models()?;
            for f in self.all_findings() {
                fresh.add_finding(&f?);
            }
            for i in self.all_inspections()? {
                fresh.add_inspection(&i);
            }
        }
        for (id, p) in self.fresh_patrol_marks()? {
            fresh.add_patrol(id, &p);
        }
        fresh.add_entry(self.fresh_plan_facilities()?);
        let mut batch = sled::Batch::default();
        for (k, v) in fresh.entries() {
            batch.insert(k, v);
        }
        self.idx.apply_batch(batch)?;
        self.mark_models_built()
    }

    pub(crate) fn clear_models(&self) -> Result<()> {
        let mut batch = sled::Batch::default();
        for k in self.idx.scan_prefix(MODEL_PREFIX).keys() {
            batch.remove(k?);
        }
        self.idx.apply_batch(batch)?;
        Ok(())
    }

    pub(crate) fn mark_models_built(&self) -> Result<()> {
        self.meta.remove(META_MODELS_JSON)?;
        self.restamp_models()?;
        self.flush()
    }

    /// The log's extent as the models' stamp: SHA-256 over this device's id and last seq and
    /// every entry of the `vv` tree. Reads one entry per device known, not the log.
    pub(crate) fn models_stamp(&self) -> Result<[u8; 32]> {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(self.device.as_bytes());
        h.update(self.head_seq.to_be_bytes());
        for kv in self.vv_tree()?.iter() {
            let (k, v) = kv?;
            h.update((k.len() as u64).to_be_bytes());
            h.update(&k);
            h.update((v.len() as u64).to_be_bytes());
            h.update(&v);
        }
        Ok(h.finalize().into())
    }

    /// A stamp that changes whenever the log does, in this process: the log's extent
    /// ([`Store::models_stamp`]: every append and import moves it) and a count of the rewrites
    /// that replace held events without moving it. For caches of things folded from the log
    /// (the facility registry): equal stamps, same log. A few reads, one per device known.
    ///
    /// # Errors
    /// `Db` when the `vv` tree cannot be read.
    pub fn change_stamp(&self) -> Result<[u8; 32]> {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(self.models_stamp()?);
        h.update(
            self.rewrites
                .load(std::sync::atomic::Ordering::SeqCst)
                .to_be_bytes(),
        );
        Ok(h.finalize().into())
    }

    /// Counts a rewrite of held events or views (see [`Store::change_stamp`]), and forgets
    /// the folds saved on disk (`saved_folds.rs`): their events may change in place.
    pub(crate) fn note_rewrite(&self) {
        self.forget_saved_folds();
        self.rewrites
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// Records that the models are current with the log as it is now (called by this
    /// version, which keeps them current in every write, before it flushes). Not while a
    /// rebuild is under way: its finish stamps.
    pub(crate) fn restamp_models(&self) -> Result<()> {
        if self.rebuild_interrupted()? {
            return Ok(());
        }
        let stamp = self.models_stamp()?;
        for key in [META_MODELS, META_PATROLS] {
            if self.meta.get(key)?.as_deref() != Some(stamp.as_slice()) {
                self.meta.insert(key, stamp.as_slice())?;
            }
        }
        // Index groups (`idx_groups.rs`): this version keeps them, once they are made.
        let grouped = super::retire::META_GROUPED;
        if let Some(was) = self.meta.get(grouped)?
            && was.as_ref() != stamp.as_slice()
        {
            self.meta.insert(grouped, stamp.as_slice())?;
        }
        Ok(())
    }

    /// Test hook: puts the model entries and their stamp back as they were (what a binary
    /// that does not know the models leaves after writing events).
    #[cfg(test)]
    pub(crate) fn set_models_as(
        &self,
        models: &BTreeMap<Vec<u8>, Vec<u8>>,
        stamp: Option<Vec<u8>>,
    ) -> Result<()> {
        self.clear_models()?;
        for (k, v) in models {
            self.idx.insert(k.as_slice(), v.as_slice())?;
        }
        for key in [META_MODELS, META_PATROLS] {
            match &stamp {
                Some(s) => self.meta.insert(key, s.as_slice())?,
                None => self.meta.remove(key)?,
            };
        }
        self.db.flush()?;
        Ok(())
    }

    /// Test hook: the stamp stored in `meta`.
    #[cfg(test)]
    pub(crate) fn stored_models_stamp(&self) -> Result<Option<Vec<u8>>> {
        Ok(self.meta.get(META_MODELS)?.map(|v| v.to_vec()))
    }

    /// Test hook: the row models as the versions before `models_v3` left them: JSON, under
    /// their stamp, while this version's stamp still matches (what a run of such a version
    /// that rebuilt the models leaves).
    #[cfg(test)]
    pub(crate) fn set_rows_as_json(&self) -> Result<()> {
        for kv in self.idx.scan_prefix(ROW) {
            let (k, v) = kv?;
            let row = super::row_codec::decode(&v).map_err(StoreError::Corrupt)?;
            self.idx
                .insert(k, serde_json::to_vec(&row).expect("rows serialise"))?;
        }
        self.meta
            .insert(META_MODELS_JSON, self.models_stamp()?.as_slice())?;
        self.db.flush()?;
        Ok(())
    }

    /// Test hook: adds one to the first counter, as a lost or doubled write would.
    #[cfg(test)]
    pub(crate) fn damage_a_counter(&self) -> Result<()> {
        let (k, v) = self
            .idx
            .scan_prefix(COUNTER)
            .next()
            .ok_or_else(|| StoreError::Corrupt("no counter".into()))??;
        let n = u64::from_be_bytes(v.as_ref().try_into().unwrap_or([0; 8])) + 1;
        self.idx.insert(k, &n.to_be_bytes())?;
        Ok(())
    }

    /// The live model entries, key → value, for `doctor` to compare with a rebuild.
    pub(crate) fn live_models(&self) -> Result<BTreeMap<Vec<u8>, Vec<u8>>> {
        self.idx
            .scan_prefix(MODEL_PREFIX)
            .map(|kv| {
                let (k, v) = kv?;
                Ok((k.to_vec(), v.to_vec()))
            })
            .collect()
    }
}

fn decode_mark(kv: sled::Result<(sled::IVec, sled::IVec)>) -> Result<InspectionMark> {
    let (_, v) = kv?;
    serde_json::from_slice(&v).map_err(|e| StoreError::Corrupt(format!("检查标记无法解析：{e}")))
}
