//! The read model of patrol visits (issue 14): what the rules of frequency count of each patrol,
//! kept current with the log, so the home plan panel reads the visits of the last days instead
//! of folding every patrol event ever written (one random log read each: most of home at an
//! office's 100,000 hazards).
//!
//! Two kinds of entries in the `idx` tree, among the other read models (`models.rs`), written
//! in the same transaction as the patrol events that change them (`views::Plan`), rebuilt by
//! `doctor --rebuild` and compared with a rebuild by `doctor`:
//! - `#p` ‖ patrol id(16) → the patrol as counted: facility id(16) ‖ night(1) ‖ per visit, in
//!   the order made: place id(16) ‖ stamp. What a later write diffs against (the patrol's
//!   entries before), as a finding's stored view is for its index keys;
//! - `#v` ‖ visit time (Unix ms, sign bit flipped, BE) ‖ patrol id(16) ‖ place id(16) →
//!   facility id(16) ‖ night(1) ‖ stamp: one per place a patrol visited at one millisecond,
//!   so a range read gives the visits of any span of time, oldest first.
//!
//! stamp = Unix seconds (i64 LE) ‖ nanoseconds (u32 LE) ‖ 0, or 1 and the writer's UTC offset
//! (i32 LE, seconds east). A patrol whose start is not held has no entries (its visits count
//! for nothing until it arrives, as in `Patrol::fold_all`).
//!
//! They have their own stamp in `meta` (`plan_models_v2`, see `models.rs`), so a store last
//! written by a version without them builds only these on open, from the patrol events.

use super::models::ordered_ms;
use super::row_codec::put_stamp;
use super::views::entity_prefix;
use super::{Result, Store, StoreError};
use crate::domain::{Entity, Patrol, PatrolVisit, Stamp};
use chrono::{DateTime, FixedOffset, Utc};
use std::collections::BTreeMap;
use uuid::Uuid;

const PATROL: &[u8] = b"#p";
const VISIT: &[u8] = b"#v";

/// What the rules of frequency need of one patrol: its facility, its kind and each visit's
/// place and time, in the order made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PatrolMark {
    facility: Uuid,
    night: bool,
    visits: Vec<(Uuid, Stamp)>,
}

impl PatrolMark {
    pub(crate) fn of(p: &Patrol) -> PatrolMark {
        PatrolMark {
            facility: p.facility_id,
            night: p.night,
            visits: p.visits.iter().map(|v| (v.place_id, v.at)).collect(),
        }
    }

    /// The model entries of patrol `id`, key → value: its own and one per visit (two visits
    /// of one place in the same millisecond make one, the later one's).
    pub(crate) fn entries(&self, id: Uuid) -> BTreeMap<Vec<u8>, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut own = Vec::with_capacity(17 + self.visits.len() * 29);
        own.extend_from_slice(self.facility.as_bytes());
        own.push(u8::from(self.night));
        for (place, at) in &self.visits {
            own.extend_from_slice(place.as_bytes());
            put_stamp(&mut own, at);
            let key = [
                VISIT,
                &ordered_ms(at.utc().timestamp_millis()),
                id.as_bytes(),
                place.as_bytes(),
            ]
            .concat();
            let mut v = Vec::with_capacity(30);
            v.extend_from_slice(self.facility.as_bytes());
            v.push(u8::from(self.night));
            put_stamp(&mut v, at);
            out.insert(key, v);
        }
        out.insert([PATROL, id.as_bytes()].concat(), own);
        out
    }

    fn decode(v: &[u8]) -> Option<PatrolMark> {
        let mut r = Reader(v);
        let facility = r.uuid()?;
        let night = r.flag()?;
        let mut visits = Vec::new();
        while !r.0.is_empty() {
            visits.push((r.uuid()?, r.stamp()?));
        }
        Some(PatrolMark {
            facility,
            night,
            visits,
        })
    }
}

/// Reads an entry front to back; every read checks the bytes are there (None when not).
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }

    fn uuid(&mut self) -> Option<Uuid> {
        self.take::<16>().map(Uuid::from_bytes)
    }

    fn flag(&mut self) -> Option<bool> {
        match self.take::<1>()? {
            [0] => Some(false),
            [1] => Some(true),
            _ => None,
        }
    }

    fn stamp(&mut self) -> Option<Stamp> {
        let secs = i64::from_le_bytes(self.take()?);
        let nanos = u32::from_le_bytes(self.take()?);
        let utc = DateTime::<Utc>::from_timestamp(secs, nanos)?;
        Some(if self.flag()? {
            let off = FixedOffset::east_opt(i32::from_le_bytes(self.take()?))?;
            utc.with_timezone(&off).into()
        } else {
            utc.into()
        })
    }
}

fn damaged(k: &[u8]) -> StoreError {
    StoreError::Corrupt(format!("巡查读模型条目无效：{}", hex::encode(k)))
}

impl Store {
    /// Patrol `id` as the read model holds it (None before its start is held).
    pub(crate) fn patrol_mark(&self, id: Uuid) -> Result<Option<PatrolMark>> {
        let k = [PATROL, id.as_bytes()].concat();
        match self.idx.get(&k)? {
            Some(v) => PatrolMark::decode(&v).map(Some).ok_or_else(|| damaged(&k)),
            None => Ok(None),
        }
    }

    /// Every visit of a held patrol made in `[from_ms, to_ms)` (Unix ms, UTC), oldest first:
    /// a range read of the visit entries, whatever the number of patrols ever made.
    ///
    /// # Errors
    /// `Db`; `Corrupt` for an entry that cannot be read.
    pub fn patrol_visits_between(&self, from_ms: i64, to_ms: i64) -> Result<Vec<PatrolVisit>> {
        let start = [VISIT, &ordered_ms(from_ms)].concat();
        let end = [VISIT, &ordered_ms(to_ms)].concat();
        let mut out = Vec::new();
        for kv in self.idx.range(start..end) {
            let (k, v) = kv?;
            let ids = k.get(VISIT.len() + 8..).ok_or_else(|| damaged(&k))?;
            let mut key = Reader(ids);
            let mut val = Reader(&v);
            let visit = (|| {
                Some(PatrolVisit {
                    patrol_id: key.uuid()?,
                    place_id: key.uuid()?,
                    facility_id: val.uuid()?,
                    night: val.flag()?,
                    at: val.stamp()?,
                })
            })()
            .filter(|_| key.0.is_empty() && val.0.is_empty())
            .ok_or_else(|| damaged(&k))?;
            out.push(visit);
        }
        Ok(out)
    }

    /// Every held patrol's mark, folded afresh from the patrol events (what a store written
    /// before the model gets on open).
    pub(crate) fn fresh_patrol_marks(&self) -> Result<Vec<(Uuid, PatrolMark)>> {
        let tag = entity_prefix(&Entity::Patrol(Uuid::nil()))[0];
        Ok(Patrol::fold_all(&self.events_with_prefix(&[tag])?)
            .iter()
            .map(|p| (p.id, PatrolMark::of(p)))
            .collect())
    }

    /// Clears the patrol model's entries (before they are built again).
    pub(crate) fn clear_patrol_models(&self) -> Result<()> {
        let mut batch = sled::Batch::default();
        for prefix in [PATROL, VISIT] {
            for k in self.idx.scan_prefix(prefix).keys() {
                batch.remove(k?);
            }
        }
        self.idx.apply_batch(batch)?;
        Ok(())
    }

    /// Test hook: what a version that keeps the other read models but not this one leaves
    /// after writing: no patrol entries, and its stamp not the log's extent.
    #[cfg(test)]
    pub(crate) fn forget_patrol_models(&self) -> Result<()> {
        self.clear_patrol_models()?;
        self.clear_plan_facilities()?;
        self.meta.remove(super::models::META_PATROLS)?;
        self.db.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Visit;

    fn stamp(text: &str) -> Stamp {
        let t = DateTime::parse_from_rfc3339(text).unwrap();
        if text.ends_with('Z') {
            t.with_timezone(&Utc).into()
        } else {
            t.into()
        }
    }

    fn patrol(visits: &[(Uuid, &str)]) -> Patrol {
        Patrol {
            id: Uuid::from_u128(7),
            facility_id: Uuid::from_u128(1),
            night: true,
            patroller: "李四".into(),
            started_at: stamp("2026-11-21T22:00:00+08:00"),
            visits: visits
                .iter()
                .map(|(place, at)| Visit {
                    place_id: *place,
                    ok: true,
                    note: String::new(),
                    finding_id: None,
                    at: stamp(at),
                    author: "李四".into(),
                })
                .collect(),
            finished_at: None,
        }
    }

    #[test]
    fn a_mark_reads_back_as_written_with_offsets_and_nanoseconds() {
        let (a, b) = (Uuid::from_u128(11), Uuid::from_u128(12));
        let p = patrol(&[
            (a, "2026-11-21T22:04:00.123456789+08:00"),
            (b, "2026-11-21T14:08:00Z"),
            (a, "1969-12-31T23:59:59-05:30"),
        ]);
        let mark = PatrolMark::of(&p);
        let entries = mark.entries(p.id);
        let own = &entries[&[PATROL, p.id.as_bytes()].concat()];
        assert_eq!(PatrolMark::decode(own), Some(mark));
        // One entry per visit, and the patrol's own.
        assert_eq!(entries.len(), 4);
    }

    /// Hundreds of events of one kind are read on every core (`events_with_prefix`): the
    /// same events, in the same order, as read one by one.
    #[test]
    fn many_events_read_on_every_core_come_as_read_one_by_one() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let now = crate::domain::Now(
            chrono::DateTime::parse_from_rfc3339("2026-11-22T09:00:00+08:00").unwrap(),
        );
        let visits = (0..600u128)
            .map(|n| crate::domain::Payload::PatrolVisited {
                patrol_id: Uuid::from_u128(n % 7 + 1),
                place_id: Uuid::from_u128(n),
                ok: true,
                note: format!("第 {n} 处"),
                finding_id: None,
            })
            .collect();
        store.append("李四", &now, visits).unwrap();
        let mut one_by_one = Vec::new();
        store
            .for_each_entity(b"p", &mut |_, refs| {
                for (device, seq) in refs {
                    one_by_one.push(store.stored_event(device, seq)?);
                }
                Ok(())
            })
            .unwrap();
        assert_eq!(one_by_one.len(), 600);
        assert_eq!(store.patrol_events().unwrap(), one_by_one);
    }

    #[test]
    fn a_damaged_mark_is_refused_not_misread() {
        let p = patrol(&[(Uuid::from_u128(11), "2026-11-21T22:04:00+08:00")]);
        let own = PatrolMark::of(&p).entries(p.id)[&[PATROL, p.id.as_bytes()].concat()].clone();
        for cut in 0..own.len() {
            if cut != 17 {
                assert_eq!(PatrolMark::decode(&own[..cut]), None, "cut at {cut}");
            }
        }
        let mut bad = own.clone();
        bad[16] = 2;
        assert_eq!(PatrolMark::decode(&bad), None);
    }
}
