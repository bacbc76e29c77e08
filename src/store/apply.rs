//! Writing many verified events without one transaction across trees (issue 14): sled keeps
//! every page a transaction supersedes until it commits (one epoch guard for all its writes),
//! so a 5,000-event import held ≈ 28 KB per event, and the transaction's bookkeeping cost time.
//!
//! Instead, ordered batches, each tree in chunks of [`CHUNK`] writes:
//! 1. what must precede the log (new device keys, roster statements, events kept aside), then
//!    the mark [`META_APPLYING`] in `meta`, naming the devices whose events are written;
//! 2. the `log`: the truth; what is in it after a crash is kept;
//! 3. what follows the log (the `vv` ranges, aside entries promoted);
//! 4. the derived trees: `ent`, `findings`, `inspections`, `idx` (views, index keys, models);
//!    an import's groups and the demo's batches leave them to [`Store::finish_views`], which
//!    writes each entity's once for all of them;
//! 5. the mark removed.
//!
//! sled recovers a prefix of its writes (as `doctor --rebuild` relies on, `rebuild.rs`), so a
//! process killed anywhere from 1 to 5 leaves the mark, and the next open
//! ([`Store::finish_interrupted_apply`]) recomputes the `vv` ranges of the named devices from
//! the log and rebuilds every view from the log (DESIGN: views are derived and rebuildable).
//! Nothing confirmed is lost: an event is either in the log or still in the bundle file that
//! brought it (a bundle is marked seen only after its apply returned).
//!
//! Small local appends (a confirmed `finding add`) keep one transaction: it is cheaper than
//! the mark for a few events and never leaves a rebuild behind.

use super::codec::{EventBody, Record};
use super::views::{Plan, entity_prefix};
use super::vv::{Held, VV_TREE};
use super::{META_HLC, Result, Store, StoreError};
use crate::domain::Hlc;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// Set in `meta` while an ordered apply is under way: the devices (16 bytes each) whose events
/// it writes.
pub(crate) const META_APPLYING: &[u8] = b"applying";

/// Writes per `apply_batch`: bounds the pages one epoch guard keeps alive.
const CHUNK: usize = 1000;

/// Events from which a local append is written by ordered batches instead of a transaction.
pub(crate) const ORDERED_FROM: usize = 64;

/// One key's write: a value, or `None` to remove it. Later writes of a key win.
pub(crate) type Write = (Vec<u8>, Option<Vec<u8>>);

/// Applies `writes` to `tree` in order, [`CHUNK`] at a time (each chunk atomic).
pub(crate) fn apply_chunked(tree: &sled::Tree, writes: Vec<Write>) -> Result<()> {
    let mut it = writes.into_iter().peekable();
    while it.peek().is_some() {
        let mut batch = sled::Batch::default();
        let mut writes = 0;
        for (k, v) in it.by_ref().take(CHUNK) {
            match v {
                Some(v) => batch.insert(k, v),
                None => batch.remove(k),
            }
            writes += 1;
        }
        tree.apply_batch(batch)?;
        super::reclaim::reclaim(writes);
    }
    Ok(())
}

/// What one ordered apply writes besides the log and the views (the import's bookkeeping).
#[derive(Default)]
pub(crate) struct Around {
    /// Public keys of devices seen for the first time.
    pub keys: Vec<(Uuid, [u8; 32])>,
    /// `roster` tree entries.
    pub roster: Vec<(Vec<u8>, Vec<u8>)>,
    /// `aside` tree entries to insert (before the log) and to remove (after it).
    pub aside: Vec<(Vec<u8>, Vec<u8>)>,
    pub unaside: Vec<Vec<u8>>,
    /// `vv` ranges after the apply, by device.
    pub held: Vec<(Uuid, Vec<u8>)>,
}

impl Store {
    /// Writes `records` (verified, fresh) and `plan` (their views) in the order of the module
    /// doc, with `around` and the clock `hlc` when it moves.
    /// With `plan` `None` the derived trees (`ent` and the views) are left for
    /// [`Store::finish_views`], which writes each entity's `ent` entry and view once however
    /// many batches touch it: the mark stays (its devices added to those already named), so a
    /// process stopped before they are written rebuilds them on the next open.
    ///
    /// # Errors
    /// `Db` when sled fails; the mark then stays and the next open rebuilds the views.
    pub(crate) fn write_ordered(
        &self,
        records: &[(EventBody, Record)],
        plan: Option<&Plan>,
        hlc: Option<Hlc>,
        around: Around,
    ) -> Result<()> {
        let stored = super::import::in_parallel(records, |(_, r)| r.stored());
        let mut devices: BTreeSet<Uuid> = records.iter().map(|(b, _)| b.device).collect();
        if let Some(before) = self.meta.get(META_APPLYING)? {
            devices.extend(
                before
                    .chunks_exact(16)
                    .filter_map(|b| Uuid::from_slice(b).ok()),
            );
        }

        let keys = around.keys.iter();
        apply_chunked(
            &self.keys,
            keys.map(|(d, k)| (d.as_bytes().to_vec(), Some(k.to_vec())))
                .collect(),
        )?;
        if !around.roster.is_empty() {
            let tree = self.db.open_tree(super::roster::ROSTER_TREE)?;
            apply_chunked(&tree, some(around.roster))?;
        }
        let aside = self.db.open_tree(super::roster::ASIDE_TREE)?;
        apply_chunked(&aside, some(around.aside))?;
        let mark: Vec<u8> = devices.iter().flat_map(|d| *d.as_bytes()).collect();
        self.meta.insert(META_APPLYING, mark)?;
        if let Some(h) = hlc {
            self.meta
                .insert(META_HLC, serde_json::to_vec(&h).unwrap_or_default())?;
        }

        // Consecutive events of a device go in as runs (`log_runs.rs`): an import of 100,000
        // events writes about an eighth of the keys.
        let log = super::log_runs::as_runs(
            records
                .iter()
                .zip(stored)
                .map(|((b, _), s)| (b.device, b.seq, s)),
        )
        .into_iter()
        .map(|(k, v)| (k, Some(v)))
        .collect();
        apply_chunked(&self.log, log)?;
        self.fault_point_apply("logged");

        let vv = self.db.open_tree(VV_TREE)?;
        let held = around.held.into_iter();
        apply_chunked(
            &vv,
            held.map(|(d, h)| (d.as_bytes().to_vec(), Some(h)))
                .collect(),
        )?;
        apply_chunked(
            &aside,
            around.unaside.into_iter().map(|k| (k, None)).collect(),
        )?;

        if let Some(plan) = plan {
            apply_chunked(&self.ent, self.ent_writes(refs_by_entity(records))?)?;
            plan.apply_ordered(self)?;
            self.views_written()?;
        } else {
            // What planning the views notes otherwise (`views::plan`): folds of these kinds
            // kept by this handle (`ops::registry_cache`) are stale once the events are in the
            // log, though their `ent` entries and views wait for `finish_views`.
            for (body, _) in records {
                self.note_kind_written(&body.payload.entity());
            }
        }
        Ok(())
    }

    /// The views of every event written under the mark are written: the mark goes.
    pub(crate) fn views_written(&self) -> Result<()> {
        self.fault_point_apply("viewed");
        self.meta.remove(META_APPLYING)?;
        Ok(())
    }

    /// The packed `ent` entries of the entities in `refs` (entity key → its new events), each
    /// the entry held merged with the new events.
    ///
    /// # Errors
    /// `Db` when sled fails; `Corrupt` for a held entry that does not decode.
    pub(crate) fn ent_writes(&self, refs: RefsByEntity) -> Result<Vec<Write>> {
        let mut out = Vec::with_capacity(refs.len());
        for (key, mut new) in refs {
            if let Some(v) = self.ent.get(key)? {
                let held = super::ent::decode(&v).ok_or_else(|| {
                    StoreError::Corrupt(format!("事件归属条目 {} 无法读取", hex::encode(key)))
                })?;
                new.extend(held);
            }
            out.push((key.to_vec(), Some(super::ent::encode(&new))));
        }
        Ok(out)
    }

    /// Called on open: an ordered apply that was stopped (killed, or a storage error) left the
    /// log ahead of the views. The named devices' `vv` ranges are recomputed from the log and
    /// every view is rebuilt from it. Returns whether it ran.
    ///
    /// # Errors
    /// `Db` when sled fails; `Corrupt` for a log key that cannot be read.
    pub(crate) fn finish_interrupted_apply(&mut self) -> Result<bool> {
        let Some(mark) = self.meta.get(META_APPLYING)? else {
            return Ok(false);
        };
        let vv = self.db.open_tree(VV_TREE)?;
        for device in mark
            .chunks_exact(16)
            .filter_map(|b| Uuid::from_slice(b).ok())
        {
            if device == self.device && !vv.contains_key(device.as_bytes())? {
                continue;
            }
            let held = self.held_in_log(device)?;
            vv.insert(
                device.as_bytes(),
                serde_json::to_vec(&held).expect("ranges serialise"),
            )?;
        }
        self.load_head()?;
        self.rebuild(true)?;
        self.meta.remove(META_APPLYING)?;
        self.flush()?;
        Ok(true)
    }

    /// The seqs of `device` the log holds, as ranges (one pass over its keys).
    fn held_in_log(&self, device: Uuid) -> Result<Held> {
        let mut held = Held::default();
        let mut run: Option<(u64, u64)> = None;
        for kv in super::log_runs::range(&self.log, device, 0, u64::MAX)? {
            let (seq, _) = kv?;
            run = match run {
                Some((a, b)) if seq == b + 1 => Some((a, seq)),
                Some((a, b)) => {
                    held.insert(a, b);
                    Some((seq, seq))
                }
                None => Some((seq, seq)),
            };
        }
        if let Some((a, b)) = run {
            held.insert(a, b);
        }
        Ok(held)
    }

    /// Test hook for `tests/it/kill_import.rs`: when `XUNCHA_FAULT_APPLY` names this point
    /// (`logged`: after the log, before the views; `viewed`: after the views, before the mark
    /// is removed), the process flushes what it wrote and aborts there as a SIGKILL would.
    fn fault_point_apply(&self, name: &str) {
        if std::env::var_os("XUNCHA_FAULT_APPLY").is_some_and(|v| v == name) {
            let _ = self.db.flush();
            std::process::abort();
        }
    }
}

/// New events by the `ent` key of their entity (tag ‖ id).
pub(crate) type RefsByEntity = BTreeMap<[u8; 17], Vec<super::ent::Ref>>;

/// Adds the (device, seq) of each of `records` to `refs`, under its entity.
pub(crate) fn add_refs(refs: &mut RefsByEntity, records: &[(EventBody, Record)]) {
    for (body, _) in records {
        refs.entry(entity_prefix(&body.payload.entity()))
            .or_default()
            .push((body.device, body.seq));
    }
}

fn refs_by_entity(records: &[(EventBody, Record)]) -> RefsByEntity {
    let mut refs = RefsByEntity::new();
    add_refs(&mut refs, records);
    refs
}

fn some(entries: Vec<(Vec<u8>, Vec<u8>)>) -> Vec<Write> {
    entries.into_iter().map(|(k, v)| (k, Some(v))).collect()
}
