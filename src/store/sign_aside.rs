//! Bulk appends whose signing runs on a thread of its own (issue 14: the demo's write rate).
//!
//! Each event's body names the chain hash of the event before, and that hash covers the
//! signature, so signing is strictly sequential: about 11 µs an event, a third of the demo's
//! time when it was done between the writes. Here the caller's thread numbers and encodes
//! each batch and writes the batch signed before while one thread signs the next: it fills
//! in the previous event's hash, signs and hashes, nothing else. The records are the bytes
//! [`Record::seal`] makes: the body is encoded with a zero `prev`, whose 64 hex digits are
//! then written over in place (the body's fields are encoded in a fixed order, `prev` before
//! anything of variable content, so it is found where the encoding put it).
//!
//! The caller's thread has time to spare while the signer works, so the views of entities
//! whose last event a batch holds (the caller says which) are written once it is in the log,
//! rather than all at the end by [`Store::finish_views`]: that alone was a quarter of the
//! demo's time, with the signer done and a core idle.

use super::apply::{Around, ORDERED_FROM, Write, apply_chunked};
use super::codec::{BODY_VERSION, EventBody, Record, ZERO_HASH};
use super::ent::Ref;
use super::import::{Deferred, with_core_taken};
use super::views::{self, entity_prefix};
use super::{Result, Store, StoreError};
use crate::domain::{Entity, Hlc, Payload, StoredEvent, Wall};
use ed25519_dalek::SigningKey;
use ed25519_dalek::hazmat::{ExpandedSecretKey, raw_sign};
use sha2::{Digest, Sha256, Sha512};
use std::collections::{HashMap, VecDeque};
use std::sync::mpsc;

/// An event encoded for the signer: `len (u32 LE) | body json` with room for the signature,
/// and where the hex digits of the body's `prev` start.
struct Unsigned {
    body: EventBody,
    bytes: Vec<u8>,
    prev_at: usize,
}

/// An entity's events written by this append, its view not yet.
struct Open {
    entity: Entity,
    refs: Vec<Ref>,
    /// The events, to fold its view from without reading them back; `None` once some were
    /// not kept ([`KEPT_MAX`]): the view is folded from the log.
    events: Option<Vec<StoredEvent>>,
}

/// Events of open findings and patrols kept for folding, at most (about 700 bytes each). An
/// inspection's all come within a day, so the few open at a time keep theirs; a finding stays
/// open for weeks or months of the demo's time, and keeping the events of all those open
/// took 10 MB at 100,000 hazards (`xuncha demo`'s peak 70 → 80 MB). Beyond this many the
/// views are folded from the log, as `finish_views` does. Tests keep few, so their demos
/// fold views both ways.
const KEPT_MAX: usize = if cfg!(test) { 50 } else { 4_000 };

/// A batch signed: its events, and the chain hash of its last.
type Signed = (Vec<(EventBody, Record)>, [u8; 32]);

/// How `prev` is encoded in a body (`codec::EventBody`): what comes before its hex digits.
const PREV_FIELD: &[u8] = b"\"prev\":\"";

/// Appends batches of own events as [`Store::append_walled_deferred`] does, each signed on
/// the signing thread of [`Store::append_signing_aside`] while this one makes the next.
/// Memory: at most three batches in flight (one waiting, one being signed, one written).
pub struct SigningAside<'a> {
    store: &'a mut Store,
    deferred: &'a mut Deferred,
    /// Closed (dropped) on the way out, so the signer stops.
    to_sign: Option<mpsc::SyncSender<Vec<Unsigned>>>,
    signed: mpsc::Receiver<Signed>,
    /// Events in `open` of entities other than inspections ([`KEPT_MAX`]).
    kept: usize,
    /// For each batch sent to the signer and not written yet, the entities it completes.
    in_flight: VecDeque<Vec<Entity>>,
    /// The events written of entities with a view not yet written (`views::has_view`):
    /// their refs for the `ent` entry, and the events to fold the view from.
    open: HashMap<[u8; 17], Open>,
    /// The seq and clock of the last event encoded (the store's own move as batches land).
    seq: u64,
    hlc: Hlc,
    /// No batch encoded yet: the device statement may be due before the first event.
    first: bool,
    /// The batch in flight first carries the device statement (`devices.rs`).
    describing: bool,
}

impl Store {
    /// Runs `make`, which appends batches of own events through the [`SigningAside`] it is
    /// given, while a thread of its own signs them; returns what `make` returns once every
    /// batch is written. The events, their order, seqs and records are the ones
    /// [`Store::append_walled_deferred`] would write for the same batches.
    ///
    /// # Errors
    /// `Frozen` and `Identity` as [`Store::append_walled`]; `make`'s error, or the first
    /// write's (`Db`), after which nothing more is written: both threads stop (the channel
    /// to the signer is dropped), and the batches signed but not written are lost with the
    /// process, as an append that failed.
    pub fn append_signing_aside<R, E: From<StoreError>>(
        &mut self,
        deferred: &mut Deferred,
        make: impl FnOnce(&mut SigningAside<'_>) -> std::result::Result<R, E>,
    ) -> std::result::Result<R, E> {
        self.may_sign()?;
        let (key, prev) = (self.key.clone(), self.head_hash);
        let (seq, hlc) = (self.head_seq, self.hlc);
        std::thread::scope(|s| {
            // One batch waits while one is signed: the caller is a batch ahead, no more.
            let (to_sign, batches) = mpsc::sync_channel(1);
            let (done, signed) = mpsc::sync_channel(1);
            s.spawn(move || sign_all(&key, prev, batches, done));
            let mut aside = SigningAside {
                store: self,
                deferred,
                to_sign: Some(to_sign),
                signed,
                kept: 0,
                in_flight: VecDeque::new(),
                open: HashMap::new(),
                seq,
                hlc,
                first: true,
                describing: false,
            };
            // This thread leaves the signer's core alone (`in_parallel`).
            with_core_taken(|| {
                let made = make(&mut aside)?;
                aside.finish()?;
                Ok(made)
            })
        })
    }

    /// Refuses when this device may not sign new events (as every append does).
    fn may_sign(&self) -> Result<()> {
        if let Some(reason) = self.frozen()? {
            return Err(StoreError::Frozen(reason));
        }
        if let Some(why) = &self.no_key {
            return Err(StoreError::Identity(format!(
                "本设备不能签名新记录：{why}。查看、搜索、导出、报表和 doctor 仍可使用"
            )));
        }
        Ok(())
    }
}

impl SigningAside<'_> {
    /// Encodes `items` (author, wall clock, payload) as the next events and hands them to
    /// the signer; writes the batch signed before, if any, before returning. `done` names
    /// entities none of whose events come after these: their views (findings, inspections,
    /// patrols) are written once this batch is, the rest left for [`Store::finish_views`].
    /// Naming one too early costs time, not correctness: its events written later are
    /// noted again, so its view is written again after them.
    ///
    /// # Errors
    /// `Db` when a write fails; `Corrupt` for a held `ent` entry or event that does not
    /// decode; `Io` if the signer has stopped (it does not, but for a panic).
    pub fn push(
        &mut self,
        mut items: Vec<(String, Wall, Payload)>,
        done: Vec<Entity>,
    ) -> Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        if std::mem::take(&mut self.first)
            && let Some(d) = self.store.description_due(&items)?
        {
            items.insert(0, d);
            self.describing = true;
        }
        let mut batch = Vec::with_capacity(items.len());
        for (author, wall, payload) in items {
            self.seq += 1;
            self.hlc = Hlc::tick(self.hlc, wall.ms);
            batch.push(encode(EventBody {
                v: BODY_VERSION,
                device: self.store.device,
                seq: self.seq,
                prev: ZERO_HASH,
                hlc: self.hlc,
                author,
                payload,
                wall: Some(wall),
            })?);
        }
        let sent = self.to_sign.as_ref().map(|tx| tx.send(batch));
        if !matches!(sent, Some(Ok(()))) {
            return Err(signer_stopped());
        }
        self.in_flight.push_back(done);
        // The batch before is signed by now or soon; this one keeps the signer busy while
        // it is written and the next is made.
        while self.in_flight.len() > 1 {
            self.write_next()?;
        }
        Ok(())
    }

    /// Writes every batch still in flight, the signer's channel closed; the views not
    /// written yet are left to [`Store::finish_views`].
    fn finish(&mut self) -> Result<()> {
        self.to_sign = None;
        while !self.in_flight.is_empty() {
            self.write_next()?;
        }
        for (_, open) in self.open.drain() {
            for (device, seq) in open.refs {
                self.deferred.note_one(open.entity, device, seq);
            }
        }
        Ok(())
    }

    /// Waits for the next signed batch and writes it as `append_walled_deferred` does.
    fn write_next(&mut self) -> Result<()> {
        let (records, hash) = self.signed.recv().map_err(|_| signer_stopped())?;
        let done = self.in_flight.pop_front().unwrap_or_default();
        let Some((last, _)) = records.last() else {
            return Ok(());
        };
        let (seq, hlc) = (last.seq, last.hlc);
        let store = &mut *self.store;
        if records.len() >= ORDERED_FROM {
            store.write_ordered(&records, None, Some(hlc), Around::default())?;
            self.deferred.mark_pending();
            for (body, _) in records {
                let entity = body.payload.entity();
                if views::has_view(&entity) {
                    let open = self
                        .open
                        .entry(entity_prefix(&entity))
                        .or_insert_with(|| Open {
                            entity,
                            refs: Vec::new(),
                            events: Some(Vec::new()),
                        });
                    open.refs.push((body.device, body.seq));
                    let short = matches!(entity, Entity::Inspection(_));
                    match &mut open.events {
                        Some(events) if short => events.push(body.into_stored()),
                        Some(events) if self.kept < KEPT_MAX => {
                            events.push(body.into_stored());
                            self.kept += 1;
                        }
                        Some(events) => {
                            self.kept -= events.len();
                            open.events = None;
                        }
                        None => {}
                    }
                } else {
                    self.deferred.note_one(entity, body.device, body.seq);
                }
            }
        } else {
            // `ent` entries and views written with the events, from those `ent` names: an
            // entity still open is folded from the log when done, or by `finish_views`.
            store.write_events(records, Some(hlc))?;
        }
        self.finish_done(done)?;
        let store = &mut *self.store;
        store.appends += 1;
        if std::mem::take(&mut self.describing) {
            store.description_written();
        }
        store.head_seq = seq;
        store.head_hash = hash;
        store.hlc = hlc;
        Ok(())
    }
}

impl SigningAside<'_> {
    /// Writes the `ent` entries and views of the entities `done` (their events all in the
    /// log): folded from the events kept here, or, for an entity `ent` already names events
    /// of (written before this append, or with a small batch), from the log.
    fn finish_done(&mut self, done: Vec<Entity>) -> Result<()> {
        let store = &*self.store;
        let mut ent: Vec<Write> = Vec::with_capacity(done.len());
        let (mut given, mut held) = (Vec::with_capacity(done.len()), Vec::new());
        for entity in done {
            let key = entity_prefix(&entity);
            let Some(open) = self.open.remove(&key) else {
                continue;
            };
            if let (Some(events), false) = (&open.events, matches!(entity, Entity::Inspection(_))) {
                self.kept -= events.len();
            }
            // Its packed entry, or keys of the layout before (`ent.rs`), come first.
            let new = store.ent.scan_prefix(key).next().is_none();
            if new {
                ent.push((key.to_vec(), Some(super::ent::encode(&open.refs))));
            } else {
                ent.extend(store.ent_writes([(key, open.refs)].into())?);
            }
            match open.events {
                Some(events) if new => given.push((open.entity, events)),
                _ => held.push(open.entity),
            }
        }
        apply_chunked(&store.ent, ent)?;
        if !given.is_empty() {
            views::plan_given(store, &given)?.apply_ordered(store)?;
        }
        if !held.is_empty() {
            views::plan_held(store, &held)?.apply_ordered(store)?;
        }
        Ok(())
    }
}

fn signer_stopped() -> StoreError {
    StoreError::Io("签名线程意外停止，记录未全部写入".into())
}

/// `body` encoded as [`Record::seal`] encodes it, with its `prev` (zero) still to be written.
fn encode(body: EventBody) -> Result<Unsigned> {
    // Most of the demo's bodies fit; the signature's 64 bytes follow without a copy.
    let mut bytes = Vec::with_capacity(1024);
    bytes.extend_from_slice(&[0; 4]);
    serde_json::to_writer(&mut bytes, &body).map_err(|e| StoreError::Io(e.to_string()))?;
    let len = (bytes.len() - 4) as u32;
    bytes[..4].copy_from_slice(&len.to_le_bytes());
    bytes.reserve_exact(64);
    // `v`, `device` (a uuid) and `seq` come first: nothing before `prev` can hold its name.
    let prev_at = bytes
        .windows(PREV_FIELD.len())
        .position(|w| w == PREV_FIELD)
        .map(|at| at + PREV_FIELD.len())
        .filter(|&at| {
            bytes
                .get(at..at + 65)
                .is_some_and(|h| h[..64].iter().all(|&c| c == b'0') && h[64] == b'"')
        })
        .ok_or_else(|| StoreError::Io("事件编码中找不到 prev 字段".into()))?;
    Ok(Unsigned {
        body,
        bytes,
        prev_at,
    })
}

/// The signing thread: each batch's events chained to the one before (`prev`), signed, and
/// sent back in order. Stops when either channel closes.
fn sign_all(
    key: &SigningKey,
    mut prev: [u8; 32],
    batches: mpsc::Receiver<Vec<Unsigned>>,
    done: mpsc::SyncSender<Signed>,
) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    // What `SigningKey::sign` derives from the key on every call, once.
    let expanded = ExpandedSecretKey::from(key.as_bytes());
    let public = key.verifying_key();
    for batch in batches {
        let mut out = Vec::with_capacity(batch.len());
        for Unsigned {
            mut body,
            mut bytes,
            prev_at,
        } in batch
        {
            for (i, b) in prev.iter().enumerate() {
                bytes[prev_at + 2 * i] = HEX[usize::from(b >> 4)];
                bytes[prev_at + 2 * i + 1] = HEX[usize::from(b & 0xF)];
            }
            let signature = raw_sign::<Sha512>(&expanded, &bytes[4..], &public);
            bytes.extend_from_slice(&signature.to_bytes());
            body.prev = prev;
            prev = Sha256::digest(&bytes).into();
            out.push((body, Record(bytes)));
        }
        if done.send((out, prev)).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        (dir, store)
    }

    fn items(n: usize, from_ms: i64) -> Vec<(String, Wall, Payload)> {
        (0..n)
            .map(|i| {
                (
                    format!("作者{i}"),
                    Wall {
                        ms: from_ms + i as i64 / 3,
                        off: 28_800,
                    },
                    Payload::InspectionFinished {
                        inspection_id: uuid::Uuid::from_u128(i as u128),
                    },
                )
            })
            .collect()
    }

    /// The records signed aside are the ones `append_walled_deferred` seals: the same bytes
    /// under the same key, chained, with the store's head where the last one left it.
    #[test]
    fn signing_aside_writes_the_records_sealing_in_turn_writes() {
        let batches = [items(70, 1_000), items(3, 2_000), items(130, 3_000)];
        let (_a, mut inline) = store();
        let (_b, mut aside) = store();
        aside.key = inline.key.clone();
        aside.device = inline.device;
        let mut deferred = Deferred::default();
        for b in batches.clone() {
            inline.append_walled_deferred(b, &mut deferred).unwrap();
        }
        inline.finish_views(&mut deferred).unwrap();
        let mut deferred = Deferred::default();
        aside
            .append_signing_aside(&mut deferred, |out| -> Result<()> {
                for b in batches {
                    out.push(b, vec![])?;
                }
                Ok(())
            })
            .unwrap();
        aside.finish_views(&mut deferred).unwrap();
        let device = inline.device;
        let want = inline.records(device, 1, u64::MAX).unwrap();
        assert_eq!(want.len(), 70 + 3 + 130);
        assert_eq!(aside.records(device, 1, u64::MAX).unwrap(), want);
        assert_eq!(
            (aside.head_seq, aside.head_hash, aside.hlc),
            (inline.head_seq, inline.head_hash, inline.hlc)
        );
    }

    /// A failing `make` stops the signer (no hang) and comes back as the error.
    #[test]
    fn an_error_stops_both_threads() {
        let (_a, mut s) = store();
        let mut deferred = Deferred::default();
        let got = s.append_signing_aside(&mut deferred, |out| -> Result<()> {
            out.push(items(100, 1_000), vec![])?;
            out.push(items(100, 2_000), vec![])?;
            out.push(items(100, 3_000), vec![])?;
            Err(StoreError::Io("停".into()))
        });
        assert!(matches!(got, Err(StoreError::Io(m)) if m == "停"));
    }
}
