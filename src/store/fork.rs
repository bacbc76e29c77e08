//! Forks: two different events signed under one (device, seq), as a copied data dir makes when
//! both copies keep writing. One deterministic rule settles them on every store, whatever order
//! the bundles arrive in (docs/clone.md):
//!
//! At the first seq where the two runs differ (both events linking to the same event below),
//! the run whose event there has the smaller SHA-256 hash (of the stored record, bytes
//! compared) is the device's. The other run is kept in the `quarantine` tree, never applied and
//! never dropped (`doctor` lists it).
//!
//! - A store holding the losing run when the winning one arrives moves the losing events from
//!   its log into quarantine, writes the winning ones, takes back from quarantine whatever now
//!   links onto the chain, and rebuilds its views from the log.
//! - A data dir that finds its own run is the losing one re-issues its own events from the fork
//!   on under a new identity (new key, new id; same payloads, authors, wall clocks and HLC),
//!   first a `DeviceDescribed` saying so, and continues writing under the new identity.
//! - When the two runs cannot be compared yet (the bundle starts above the fork), the bundle is
//!   quarantined and reported; bundles are read again at each sync, so a later one settles it.

use super::codec::{EventBody, Record, ZERO_HASH, log_key};
use super::identity;
use super::import::QUARANTINE_TREE;
use super::vv::Held;
use super::{META_DEVICE, Result, Store, StoreError};
use crate::domain::Payload;
use serde::Serialize;
use uuid::Uuid;

/// What settling one fork did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ForkOutcome {
    /// The bundle's run lost: its events are kept in quarantine (`events` newly so).
    Kept,
    /// The bundle's run won: `events` held events of the losing run moved to quarantine and
    /// the views were rebuilt from the log.
    Replaced,
    /// This data dir's own run lost: its `events` events from the fork on were re-issued under
    /// the new identity `new_device`; the originals are in quarantine.
    Reissued,
    /// The runs cannot be compared yet (the bundle starts above the fork): quarantined, and
    /// settled when a bundle holding the fork point arrives.
    Undecided,
}

/// One fork met in a sync and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForkNote {
    pub device: Uuid,
    /// The first seq where the two runs differ (for `Undecided`: the bundle's first seq).
    pub seq: u64,
    pub outcome: ForkOutcome,
    /// Events moved to or newly put in quarantine, or re-issued.
    pub events: u64,
    /// This device's new identity, for `Reissued`.
    pub new_device: Option<Uuid>,
}

pub use crate::domain::REISSUED_MARK;

/// Meta key: the identity this data dir left behind when it re-issued (see `devices.rs`).
pub(super) const META_REISSUED: &[u8] = b"reissued_from";

impl Store {
    /// Settles a fork `check_incoming` found in the verified run `records` of `origin` (same
    /// key as held) by the rule above. Returns None when nothing changed (a losing run seen
    /// before: idempotent across repeated syncs).
    ///
    /// # Errors
    /// Storage errors; nothing is half-applied (each change is one transaction, and a view
    /// rebuild interrupted by a kill is finished on the next open).
    pub fn settle_fork(&mut self, origin: Uuid, records: &[Record]) -> Result<Option<ForkNote>> {
        let bodies: Vec<EventBody> = records.iter().filter_map(|r| r.body().ok()).collect();
        if bodies.len() != records.len() || bodies.is_empty() {
            return Ok(None);
        }
        let Some((i, held)) = self.fork_point(origin, records, &bodies)? else {
            let n = self.quarantine(origin, records)?;
            return Ok(Some(ForkNote {
                device: origin,
                seq: bodies[0].seq,
                outcome: ForkOutcome::Undecided,
                events: n as u64,
                new_device: None,
            }));
        };
        let seq = bodies[i].seq;
        if records[i].hash() > held.hash() {
            let n = self.quarantine(origin, &records[i..])?;
            return Ok((n > 0).then_some(ForkNote {
                device: origin,
                seq,
                outcome: ForkOutcome::Kept,
                events: n as u64,
                new_device: None,
            }));
        }
        if origin == self.device {
            let (new, n) = self.reissue_own(seq, &records[i..])?;
            return Ok(Some(ForkNote {
                device: origin,
                seq,
                outcome: ForkOutcome::Reissued,
                events: n,
                new_device: Some(new),
            }));
        }
        let moved = self.replace_run(origin, seq, &records[i..])?;
        Ok(Some(ForkNote {
            device: origin,
            seq,
            outcome: ForkOutcome::Replaced,
            events: moved,
            new_device: None,
        }))
    }

    /// The first index of `records` whose held counterpart differs, with that held record,
    /// when both link onto the same event below (so the two runs can be compared there).
    fn fork_point(
        &self,
        origin: Uuid,
        records: &[Record],
        bodies: &[EventBody],
    ) -> Result<Option<(usize, Record)>> {
        for (i, (r, b)) in records.iter().zip(bodies).enumerate() {
            match self.record(origin, b.seq)? {
                Some(h) if h == *r => continue,
                Some(h) => {
                    let below = match b.seq {
                        1 => Some(ZERO_HASH),
                        s => self.record(origin, s - 1)?.map(|p| p.hash()),
                    };
                    let held_prev = h.body().ok().map(|hb| hb.prev);
                    let siblings = below.is_some_and(|p| p == b.prev && Some(p) == held_prev);
                    return Ok(siblings.then_some((i, h)));
                }
                None => continue,
            }
        }
        Ok(None)
    }

    /// Held events of `origin` from `from` on (the losing run, with anything above it), each
    /// left under its own log key (runs split, `log_runs.rs`) for the caller to remove by key.
    fn held_from(&self, origin: Uuid, from: u64) -> Result<Vec<(u64, Record)>> {
        super::log_runs::split_runs_from(&self.log, origin, from)?;
        let mut out = Vec::new();
        for kv in super::log_runs::range(&self.log, origin, from, u64::MAX)? {
            let (seq, v) = kv?;
            out.push((seq, Record::from_stored(&v)));
        }
        Ok(out)
    }

    /// Replaces the held run of another device from `from` on by the winning `winners`,
    /// keeping the losers in quarantine; then promotes and rebuilds. Returns how many moved.
    fn replace_run(&mut self, origin: Uuid, from: u64, winners: &[Record]) -> Result<u64> {
        let lost = self.held_from(origin, from)?;
        let q = self.db.open_tree(QUARANTINE_TREE)?;
        let vv = self.vv_tree()?;
        let mut held = self.held(origin)?;
        held.ranges.retain(|r| r.0 < from);
        for r in &mut held.ranges {
            r.1 = r.1.min(from - 1);
        }
        held.insert(from, from + winners.len() as u64 - 1);
        self.note_rewrite();
        use sled::Transactional;
        (&self.log, &q, &vv, &self.meta).transaction(|(log, q, vv, meta)| {
            meta.insert(super::rebuild::META_REBUILDING, &b"1"[..])?;
            for (seq, r) in &lost {
                log.remove(&log_key(origin, *seq))?;
                q.insert(quarantine_key(origin, *seq, r), r.0.as_slice())?;
            }
            for (i, r) in winners.iter().enumerate() {
                let seq = from + i as u64;
                log.insert(&log_key(origin, seq), r.stored())?;
                q.remove(quarantine_key(origin, seq, r))?;
            }
            vv.insert(
                origin.as_bytes(),
                serde_json::to_vec(&held).expect("ranges serialise"),
            )?;
            Ok::<_, sled::transaction::ConflictableTransactionError<StoreError>>(())
        })?;
        self.promote(origin)?;
        self.rebuild(true)?;
        Ok(lost.len() as u64)
    }

    /// Moves quarantined events of `origin` that now link onto the top of its held chain
    /// back into the log (the smaller hash first when two compete), one seq at a time.
    fn promote(&self, origin: Uuid) -> Result<()> {
        let q = self.db.open_tree(QUARANTINE_TREE)?;
        let vv = self.vv_tree()?;
        loop {
            let Some((seq, top)) = super::log_runs::last(&self.log, origin)? else {
                return Ok(());
            };
            let top_hash = Record::from_stored(&top).hash();
            let next = log_key(origin, seq + 1);
            let best = q
                .scan_prefix(next)
                .filter_map(|kv| kv.ok())
                .map(|(_, v)| Record(v.to_vec()))
                .filter(|r| r.body().is_ok_and(|b| b.prev == top_hash))
                .min_by_key(|r| r.hash());
            let Some(r) = best else {
                return Ok(());
            };
            let mut held = self.held(origin)?;
            held.insert(seq + 1, seq + 1);
            self.log.insert(&next[..], r.stored())?;
            q.remove(quarantine_key(origin, seq + 1, &r))?;
            if origin != self.device {
                vv.insert(
                    origin.as_bytes(),
                    serde_json::to_vec(&held).expect("ranges serialise"),
                )?;
            }
        }
    }

    /// This data dir's own run lost at `from`: re-issues its own events from there under a
    /// new identity, puts the winning `winners` in their place, and switches identity.
    /// Returns the new device id and how many events were re-issued.
    fn reissue_own(&mut self, from: u64, winners: &[Record]) -> Result<(Uuid, u64)> {
        let old = self.device;
        let lost = self.held_from(old, from)?;
        let lost_bodies: Vec<EventBody> = lost
            .iter()
            .map(|(_, r)| r.body().map_err(|e| StoreError::Corrupt(e.to_string())))
            .collect::<Result<_>>()?;
        let key = identity::new_key()?;
        let new = Uuid::now_v7();
        let _ = std::fs::remove_file(self.dir.join(identity::NEXT_KEY_FILE));
        identity::write_key_as(&self.dir, identity::NEXT_KEY_FILE, &key)?;

        // The new identity's first event says what it is; then each own event, re-signed.
        let profile = self.device_profile(old)?.unwrap_or_default();
        let host = match profile.host.trim() {
            "" => REISSUED_MARK.to_string(),
            h => format!("{h}，{REISSUED_MARK}"),
        };
        let first = &lost_bodies[0];
        let mut items = vec![(
            first.author.clone(),
            first.wall,
            first.hlc,
            Payload::DeviceDescribed {
                device: new,
                inspector: profile.inspector.clone(),
                host,
            },
        )];
        let mut renumber = std::collections::BTreeMap::new();
        for b in &lost_bodies {
            if matches!(b.payload, Payload::DeviceDescribed { .. }) {
                continue;
            }
            renumber.insert(b.seq, items.len() as u64 + 1);
            items.push((b.author.clone(), b.wall, b.hlc, b.payload.clone()));
        }
        let mut prev = ZERO_HASH;
        let mut fresh = Vec::with_capacity(items.len());
        for (i, (author, wall, hlc, payload)) in items.into_iter().enumerate() {
            let body = EventBody {
                v: super::codec::BODY_VERSION,
                device: new,
                seq: i as u64 + 1,
                prev,
                hlc,
                author,
                payload: remap(payload, old, new, &renumber),
                wall,
            };
            let rec = Record::seal(&body, &key);
            prev = rec.hash();
            fresh.push(rec);
        }

        let q = self.db.open_tree(QUARANTINE_TREE)?;
        let vv = self.vv_tree()?;
        let held_old = Held::contiguous(from - 1 + winners.len() as u64);
        let mut marks = self.sync_marks()?;
        marks.exported_seq = 0;
        let public = *key.verifying_key().as_bytes();
        self.note_rewrite();
        use sled::Transactional;
        (&self.log, &q, &vv, &self.meta, &self.keys).transaction(|(log, q, vv, meta, keys)| {
            meta.insert(super::rebuild::META_REBUILDING, &b"1"[..])?;
            for (seq, r) in &lost {
                log.remove(&log_key(old, *seq))?;
                q.insert(quarantine_key(old, *seq, r), r.0.as_slice())?;
            }
            for (i, r) in winners.iter().enumerate() {
                log.insert(&log_key(old, from + i as u64), r.stored())?;
            }
            for (i, r) in fresh.iter().enumerate() {
                log.insert(&log_key(new, i as u64 + 1), r.stored())?;
            }
            vv.insert(
                old.as_bytes(),
                serde_json::to_vec(&held_old).expect("ranges serialise"),
            )?;
            keys.insert(new.as_bytes(), public.as_slice())?;
            meta.insert(META_DEVICE, new.as_bytes().as_slice())?;
            meta.insert(META_REISSUED, old.as_bytes().as_slice())?;
            meta.insert(
                super::sync_marks::META_SYNC,
                serde_json::to_vec(&marks).expect("marks serialise"),
            )?;
            Ok::<_, sled::transaction::ConflictableTransactionError<StoreError>>(())
        })?;
        self.flush()?;
        identity::finish_key_swap(&self.dir, Some(&public))?;
        self.device = new;
        self.key = key;
        self.describe = None;
        self.load_head()?;
        self.promote(old)?;
        self.rebuild(true)?;
        Ok((new, fresh.len() as u64 - 1))
    }
}

/// Quarantine key: device(16) ‖ seq(8, BE) ‖ first 8 bytes of the record's hash.
fn quarantine_key(origin: Uuid, seq: u64, r: &Record) -> Vec<u8> {
    let mut k = log_key(origin, seq).to_vec();
    k.extend_from_slice(&r.hash()[..8]);
    k
}

/// The payload with every event reference to a re-issued own event (`old`, seq in
/// `renumber`) pointing at its new (`new`, seq). References are found by shape (an object
/// of exactly `device` and `seq`), so payload kinds added later are covered too.
fn remap(
    p: Payload,
    old: Uuid,
    new: Uuid,
    renumber: &std::collections::BTreeMap<u64, u64>,
) -> Payload {
    fn walk(
        v: &mut serde_json::Value,
        old: &str,
        new: &str,
        map: &std::collections::BTreeMap<u64, u64>,
    ) {
        match v {
            serde_json::Value::Object(o) => {
                let is_ref = o.len() == 2
                    && o.get("device").and_then(|d| d.as_str()) == Some(old)
                    && o.get("seq").is_some_and(|s| s.is_u64());
                if is_ref {
                    let seq = o["seq"].as_u64().unwrap_or_default();
                    if let Some(n) = map.get(&seq) {
                        o.insert("device".into(), new.into());
                        o.insert("seq".into(), (*n).into());
                    }
                    return;
                }
                for x in o.values_mut() {
                    walk(x, old, new, map);
                }
            }
            serde_json::Value::Array(a) => {
                for x in a {
                    walk(x, old, new, map);
                }
            }
            _ => {}
        }
    }
    let Ok(mut v) = serde_json::to_value(&p) else {
        return p;
    };
    walk(&mut v, &old.to_string(), &new.to_string(), renumber);
    serde_json::from_value(v).unwrap_or(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::EventRef;

    #[test]
    fn remap_points_references_at_the_reissued_events() {
        let (old, new, other) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let r = |device, seq| EventRef { device, seq };
        let p = Payload::FieldSet {
            finding_id: Uuid::from_u128(9),
            field: crate::domain::Field::Location,
            value: "配电室".into(),
            supersedes: vec![r(old, 7), r(old, 3), r(other, 7)],
            after: vec![r(old, 8)],
        };
        let map = [(7, 2), (8, 3)].into_iter().collect();
        let Payload::FieldSet {
            supersedes, after, ..
        } = remap(p, old, new, &map)
        else {
            panic!("kind kept");
        };
        assert_eq!(supersedes, vec![r(new, 2), r(old, 3), r(other, 7)]);
        assert_eq!(after, vec![r(new, 3)]);
    }
}
