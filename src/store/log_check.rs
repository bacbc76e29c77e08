//! The per-event work of the log scan (`Store::scan_log`, run by `doctor` and `rebuild`):
//! unpacking, the signature, the body and the chain hash of each event, a batch at a time
//! spread over the machine's cores (issue 14). At 100,000 hazards (628k events) the signature
//! checks were about two thirds of `doctor`'s time on one core; what the scan does with the
//! results (chains, counts, problems in log order) stays in one thread, in log order.

use super::codec::{CodecError, Record};
use crate::domain::Entity;
use ed25519_dalek::VerifyingKey;
use sled::IVec;
use uuid::Uuid;

/// Events read from the log before their checks are shared out: enough that starting the
/// threads costs nothing beside the checks (≈ 50 µs each), few enough to hold (about 1 MB).
pub(super) const BATCH: usize = 1024;

/// Threads at most, whatever the machine has: the scan reads the log in one thread, so more
/// would wait on it.
const MAX_THREADS: usize = 8;

/// One event as read from the log, waiting for its checks.
pub(super) struct Pending {
    pub device: Uuid,
    pub seq: u64,
    /// The first event of its device's run in the log (the chain starts again).
    pub starts_run: bool,
    /// Its device's key, as an index into the batch's keys.
    pub key: usize,
    pub stored: IVec,
}

/// What the scan needs of one event whose signature and body are sound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Checked {
    /// As the body says (the scan compares them with the log key).
    pub device: Uuid,
    pub seq: u64,
    pub prev: [u8; 32],
    pub entity: Entity,
    /// The chain hash of the record (`Record::hash`).
    pub hash: [u8; 32],
}

/// Checks one stored event: the signature under `key` when the device has one (else the
/// body is only read), then the body.
fn check(stored: &[u8], key: Option<&VerifyingKey>) -> Result<Checked, CodecError> {
    let rec = Record::from_stored(stored);
    let body = match key {
        Some(key) => rec.verify(key)?,
        None => rec.body()?,
    };
    Ok(Checked {
        device: body.device,
        seq: body.seq,
        prev: body.prev,
        entity: body.payload.entity(),
        hash: rec.hash(),
    })
}

/// The checks of every event of `batch` (keys from `keys`), in the batch's order, on as many
/// threads as the machine has cores (at most [`MAX_THREADS`]).
pub(super) fn check_batch(
    batch: &[Pending],
    keys: &[Option<VerifyingKey>],
) -> Vec<Result<Checked, CodecError>> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.clamp(1, MAX_THREADS).min(batch.len().max(1));
    let run = |part: &[Pending]| -> Vec<Result<Checked, CodecError>> {
        part.iter()
            .map(|p| check(&p.stored, keys.get(p.key).and_then(Option::as_ref)))
            .collect()
    };
    if threads == 1 {
        return run(batch);
    }
    let mut parts = batch.chunks(batch.len().div_ceil(threads));
    let first = parts.next().unwrap_or_default();
    std::thread::scope(|s| {
        let others: Vec<_> = parts.map(|part| s.spawn(move || run(part))).collect();
        let mut out = run(first);
        for other in others {
            // A check does not panic on any input; if one did, it panics here as it would have
            // in one thread.
            out.extend(
                other
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            );
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Hlc, Payload};
    use crate::store::codec::{EventBody, ZERO_HASH};
    use ed25519_dalek::SigningKey;

    fn event(key: &SigningKey, device: Uuid, seq: u64) -> IVec {
        let body = EventBody {
            v: super::super::codec::BODY_VERSION,
            device,
            seq,
            prev: ZERO_HASH,
            hlc: Hlc::default(),
            author: "测试".into(),
            payload: Payload::InspectionFinished {
                inspection_id: Uuid::from_u128(u128::from(seq)),
            },
            wall: None,
        };
        IVec::from(Record::seal(&body, key).stored())
    }

    #[test]
    fn a_batch_is_checked_in_order_and_a_bad_signature_is_found_where_it_is() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let other = SigningKey::from_bytes(&[8; 32]);
        let device = Uuid::from_u128(1);
        let batch: Vec<Pending> = (1..=300u64)
            .map(|seq| Pending {
                device,
                seq,
                starts_run: seq == 1,
                key: 0,
                // One event signed by another key: its signature must fail, and only its.
                stored: event(if seq == 123 { &other } else { &key }, device, seq),
            })
            .collect();
        let keys = [Some(key.verifying_key())];
        let out = check_batch(&batch, &keys);
        assert_eq!(out.len(), 300);
        for (i, r) in out.iter().enumerate() {
            let seq = i as u64 + 1;
            match r {
                Ok(c) => {
                    assert_ne!(seq, 123, "a forged signature passed");
                    assert_eq!((c.device, c.seq), (device, seq));
                    assert_eq!(
                        c.entity,
                        Entity::Inspection(Uuid::from_u128(u128::from(seq)))
                    );
                }
                Err(e) => {
                    assert_eq!(seq, 123);
                    assert!(matches!(e, CodecError::BadSignature), "{e}");
                }
            }
        }
        // Without a key the bodies are still read.
        assert!(check_batch(&batch, &[None]).iter().all(Result::is_ok));
        assert!(check_batch(&[], &keys).is_empty());
    }

    /// Across batches the scan counts every event once, keeps each device's chain and names a
    /// damaged event where it lies: here the first event of the second batch.
    #[test]
    fn the_log_scan_names_a_damaged_event_across_batches() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = crate::store::Store::open(dir.path()).unwrap();
        let now = crate::domain::Now(
            chrono::DateTime::parse_from_rfc3339("2026-11-22T09:00:00+08:00").unwrap(),
        );
        let n = 2 * BATCH + 5;
        let payloads = (0..n as u128)
            .map(|i| Payload::InspectionFinished {
                inspection_id: Uuid::from_u128(i + 1),
            })
            .collect();
        store.append("测试", &now, payloads).unwrap();
        let clean = |store: &crate::store::Store| {
            let mut rep = super::super::rebuild::RebuildReport::default();
            let mut seen = 0;
            store.scan_log(&mut rep, &mut |_, _, _| seen += 1).unwrap();
            (rep, seen)
        };
        let (rep, seen) = clean(&store);
        assert!(rep.log_problems.is_empty(), "{:?}", rep.log_problems);
        assert_eq!((rep.events, rep.devices, seen), (n, 1, n));

        // Event BATCH + 1's record with one byte of its signature changed (the append wrote
        // runs: each event under its own key first).
        super::super::log_runs::split_runs_from(&store.log, store.device_id(), 1).unwrap();
        let (k, v) = store.log.iter().nth(BATCH).unwrap().unwrap();
        let mut rec = Record::from_stored(&v);
        let last = rec.0.len() - 1;
        rec.0[last] ^= 1;
        store.log.insert(k, rec.stored()).unwrap();
        let (rep, seen) = clean(&store);
        assert_eq!((rep.events, rep.devices, seen), (n, 1, n - 1));
        assert_eq!(rep.log_problems.len(), 1, "{:?}", rep.log_problems);
        let named = format!("#{}：事件签名无效", BATCH + 1);
        assert!(
            rep.log_problems[0].ends_with(&named),
            "{:?}",
            rep.log_problems
        );
    }
}
