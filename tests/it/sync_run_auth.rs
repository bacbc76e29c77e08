//! Bundle format 2 authenticates a device's run of hash-chained events by the head record's
//! signature and every link (docs/sync-format.md). A tampered run must be refused exactly as
//! format 1, which checks every signature, refuses it: the same verdict, the same words, and
//! nothing of it kept. Each case below builds the same records into both formats and imports
//! each into a fresh store.

use crate::sync_common;
use sync_common::*;

use std::path::Path;
use uuid::Uuid;
use xuncha::domain::{Field, Payload};
use xuncha::store::{Record, Store};
use xuncha::sync::{RejectKind, SyncReport, bundle};

/// Device A with five events of one finding; its records and public key.
fn five_events(dir: &Path) -> (Uuid, [u8; 32], Vec<Record>) {
    let mut a = Store::open(dir).unwrap();
    let now = now_ms(BASE_MS);
    let id = Uuid::from_u128(7);
    record(&mut a, &now, id, "朝阳区妇幼保健院", "库房灭火器压力不足");
    edit(&mut a, &now, id, Field::Responsible, "后勤保障科");
    edit(&mut a, &now, id, Field::Location, "二楼库房");
    for text in ["已通知后勤", "下周复查"] {
        let c = Payload::Commented {
            finding_id: id,
            text: text.into(),
        };
        a.append("王建国", &now, vec![c]).unwrap();
    }
    let origin = a.device_id();
    let key = a.device_key(origin).unwrap().unwrap();
    let records = a.records(origin, 1, 5).unwrap();
    assert_eq!(records.len(), 5);
    (origin, key, records)
}

/// What a fresh store makes of `records` (claimed to start at `first`) in format `version`:
/// the report, and how many events the store then holds.
fn import_as(
    version: u16,
    origin: Uuid,
    key: &[u8; 32],
    first: u64,
    records: &[Record],
) -> (SyncReport, usize) {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = Store::open(&tmp.path().join("office")).unwrap();
    let bytes = bundle::encode_version(version, origin, key, first, records);
    let last = first + records.len() as u64 - 1;
    let name = bundle::file_name(first, last, &bytes);
    let rep = import_bytes(
        &mut s,
        &tmp.path().join("in"),
        &origin.to_string(),
        &name,
        &bytes,
    );
    let held = s.event_count();
    (rep, held)
}

/// Format 2 gives what format 1 gives for the same records; returns format 2's report.
fn same_verdict(origin: Uuid, key: &[u8; 32], first: u64, records: &[Record]) -> SyncReport {
    let (v1, held1) = import_as(bundle::VERSION_1, origin, key, first, records);
    let (v2, held2) = import_as(bundle::VERSION, origin, key, first, records);
    let verdict = |r: &SyncReport| {
        let rejected: Vec<(RejectKind, String)> = r
            .rejected
            .iter()
            .map(|x| (x.kind, x.reason.clone()))
            .collect();
        (rejected, r.events_in_total(), r.exit_code())
    };
    assert_eq!(verdict(&v1), verdict(&v2));
    assert_eq!(held1, held2);
    v2
}

/// A record's body with `from` replaced by `to` (same byte length), signature kept.
fn altered(r: &Record, from: &str, to: &str) -> Record {
    assert_eq!(from.len(), to.len());
    let at =
        r.0.windows(from.len())
            .position(|w| w == from.as_bytes())
            .expect("text in record");
    let mut bytes = r.0.clone();
    bytes[at..at + to.len()].copy_from_slice(to.as_bytes());
    Record(bytes)
}

#[test]
fn an_untouched_run_imports_in_both_formats() {
    let tmp = tempfile::tempdir().unwrap();
    let (origin, key, records) = five_events(tmp.path());
    let rep = same_verdict(origin, &key, 1, &records);
    assert!(rep.rejected.is_empty(), "{:?}", rep.rejected);
    assert_eq!(rep.events_in_total(), 5);
    let bytes = bundle::encode(origin, &key, 1, &records);
    assert_eq!(
        &bytes[8..10],
        &bundle::VERSION.to_le_bytes(),
        "writers use format 2"
    );
    assert_eq!(bundle::decode(&bytes).unwrap().version, 2);
}

#[test]
fn a_forged_event_in_the_middle_is_refused_and_named_as_in_format_1() {
    let tmp = tempfile::tempdir().unwrap();
    let (origin, key, mut records) = five_events(tmp.path());
    // Event 3 now says 三楼 where A wrote 二楼; its signature and the links are A's.
    records[2] = altered(&records[2], "二楼", "三楼");
    let rep = same_verdict(origin, &key, 1, &records);
    assert_eq!(rep.rejected.len(), 1);
    assert_eq!(rep.rejected[0].kind, RejectKind::Damaged);
    let reason = &rep.rejected[0].reason;
    assert!(
        reason.contains("第 3 条事件") && reason.contains("签名无效"),
        "{reason}"
    );
    assert_eq!(rep.events_in_total(), 0, "nothing of the run is kept");
}

#[test]
fn a_forged_event_with_the_links_after_it_made_good_is_still_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (origin, key, mut records) = five_events(tmp.path());
    // The forger also rewrites each later event's prev to the forged chain: every link holds,
    // so only signatures can tell, and the head's does.
    records[2] = altered(&records[2], "二楼", "三楼");
    for i in 3..records.len() {
        let old_prev = hex::encode(records[i - 1].hash());
        let real_prev = {
            let body = records[i].body().unwrap();
            hex::encode(body.prev)
        };
        records[i] = altered(&records[i], &real_prev, &old_prev);
    }
    let rep = same_verdict(origin, &key, 1, &records);
    assert_eq!(rep.rejected.len(), 1);
    let reason = &rep.rejected[0].reason;
    assert!(
        reason.contains("第 3 条事件") && reason.contains("签名无效"),
        "{reason}"
    );
    assert_eq!(rep.events_in_total(), 0);
}

#[test]
fn a_truncated_run_keeps_only_what_the_device_signed() {
    let tmp = tempfile::tempdir().unwrap();
    let (origin, key, records) = five_events(tmp.path());
    // Re-wrapped without its last two events: the three left are A's own, with A's links.
    let rep = same_verdict(origin, &key, 1, &records[..3]);
    assert!(rep.rejected.is_empty(), "{:?}", rep.rejected);
    assert_eq!(rep.events_in_total(), 3);

    // The header still naming the old head (the file claims a run it does not hold): damaged.
    let mut bytes = bundle::encode(origin, &key, 1, &records[..3]);
    let head_at = 8 + 2 + 16 + 32 + 8 + 8 + 8;
    bytes[head_at..head_at + 32].copy_from_slice(&records[4].hash());
    let n = bytes.len() - 32;
    let footer: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(&bytes[..n]).into();
    bytes[n..].copy_from_slice(&footer);
    let err = bundle::decode(&bytes).unwrap_err();
    assert!(err.contains("链头"), "{err}");

    // A count that claims more records than the file holds reads as a file still arriving.
    let cut = bundle::encode(origin, &key, 1, &records);
    let first_four = cut.len() - 32 - records[4].0.len();
    assert!(bundle::decode(&cut[..first_four]).is_err());
}

#[test]
fn a_reordered_run_is_refused_as_in_format_1() {
    let tmp = tempfile::tempdir().unwrap();
    let (origin, key, mut records) = five_events(tmp.path());
    records.swap(1, 3);
    let rep = same_verdict(origin, &key, 1, &records);
    assert_eq!(rep.rejected.len(), 1, "{rep:?}");
    assert!(
        rep.rejected[0].reason.contains("序号"),
        "{}",
        rep.rejected[0].reason
    );
    assert_eq!(rep.events_in_total(), 0);
}

#[test]
fn a_run_signed_by_another_key_is_refused_as_in_format_1() {
    let tmp = tempfile::tempdir().unwrap();
    let (origin, _, records) = five_events(tmp.path());
    let other = ed25519_dalek::SigningKey::from_bytes(&[5; 32]);
    let rep = same_verdict(origin, other.verifying_key().as_bytes(), 1, &records);
    assert_eq!(rep.rejected.len(), 1);
    assert!(
        rep.rejected[0].reason.contains("签名无效"),
        "{}",
        rep.rejected[0].reason
    );
}
