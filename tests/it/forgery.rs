//! Checks that need no key: a bundle that re-creates a held finding is refused as forged and
//! named, the store's views stay byte-identical and every history line stays; an event acting
//! on a finding not held yet changes nothing until the finding arrives, then counts.

use crate::sync_common;
use sync_common::*;

use ed25519_dalek::SigningKey;
use std::path::Path;
use uuid::Uuid;
use xuncha::domain::{HistoryEntry, Payload, Status};
use xuncha::store::{EventBody, Record, Store};
use xuncha::sync::{RejectKind, bundle};

/// Writes a bundle of `payloads` signed by an invented device, stamped at `ms`, into the
/// sync folder as that device's first bundle.
fn forged_bundle(folder: &Path, ms: i64, payloads: Vec<Payload>) -> Uuid {
    let key = SigningKey::from_bytes(&[42; 32]);
    let origin = Uuid::now_v7();
    let mut prev = [0u8; 32];
    let mut records = vec![];
    for (i, payload) in payloads.into_iter().enumerate() {
        let body = EventBody {
            v: 1,
            device: origin,
            seq: i as u64 + 1,
            prev,
            hlc: xuncha::domain::Hlc { ms, c: i as u32 },
            author: "王建国".into(),
            wall: None,
            payload,
        };
        let r = Record::seal(&body, &key);
        prev = r.hash();
        records.push(r);
    }
    let bytes = bundle::encode(origin, key.verifying_key().as_bytes(), 1, &records);
    let name = bundle::file_name(1, records.len() as u64, &bytes);
    let dir = folder
        .join("xuncha-sync")
        .join("bundles")
        .join(origin.to_string());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
    origin
}

fn history_lines(s: &Store, id: Uuid) -> Vec<HistoryEntry> {
    s.finding_full(id).unwrap().unwrap().history
}

#[test]
fn the_forged_1970_closure_is_refused_and_named_and_nothing_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("usb");
    std::fs::create_dir(&folder).unwrap();
    let mut a = Store::open(&tmp.path().join("a")).unwrap();
    let mut victim = Store::open(&tmp.path().join("victim")).unwrap();
    let now = now_ms(BASE_MS);
    let id = Uuid::now_v7();
    record(&mut a, &now, id, "西城区中医院", "配电室门未上锁");
    sync_with(&mut a, &now, &folder);
    sync_with(&mut victim, &now, &folder);
    let views_before = views(&victim);
    let history_before = history_lines(&victim, id);
    assert_eq!(victim.finding(id).unwrap().unwrap().status, Status::Open);

    // The field trial's forgery: the same finding id, "recorded" in 1970 as harmless, then
    // rectified and verified, signed by a device nobody knows.
    let mut fake = record_payload(id, "西城区中医院", "无问题（已核实）");
    if let Payload::FindingRecorded { fixed_on_spot, .. } = &mut fake {
        *fixed_on_spot = true;
    }
    let forger = forged_bundle(
        &folder,
        0,
        vec![
            fake,
            Payload::Rectified {
                reported_by: None,
                finding_id: id,
                note: "已整改".into(),
                completed_on: None,
                after: vec![],
            },
            Payload::Verified {
                verifier: None,
                finding_id: id,
                passed: true,
                note: "无问题（已核实）".into(),
                after: vec![],
            },
        ],
    );
    let rep = sync_with(&mut victim, &now, &folder);
    assert_eq!(rep.exit_code(), 3, "a person must look: {rep:#?}");
    let r = rep
        .rejected
        .iter()
        .find(|r| r.file.contains(&forger.to_string()))
        .expect("the forged bundle is named");
    assert_eq!(r.kind, RejectKind::Forged);
    assert!(
        r.reason.contains("再次创建已存在的隐患") && r.reason.contains(&id.to_string()),
        "{}",
        r.reason
    );
    assert!(
        r.reason.contains("1970-01-01"),
        "the stamp is shown: {}",
        r.reason
    );
    assert_eq!(views(&victim), views_before, "views byte-identical");
    assert_eq!(
        history_lines(&victim, id),
        history_before,
        "no line removed"
    );
    assert_eq!(victim.finding(id).unwrap().unwrap().status, Status::Open);
    assert!(victim.rebuild(false).unwrap().is_clean());

    // Nothing of it is relayed: the office that syncs after the victim never sees it applied.
    let mut office = Store::open(&tmp.path().join("office")).unwrap();
    let rep = sync_with(&mut office, &now, &folder);
    assert!(rep.rejected.iter().any(|r| r.kind == RejectKind::Forged));
    assert_eq!(office.finding(id).unwrap().unwrap().status, Status::Open);
    assert_eq!(
        office.finding(id).unwrap().unwrap().description,
        "配电室门未上锁"
    );
}

#[test]
fn an_event_on_a_finding_not_held_yet_waits_for_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (usb_a, usb_c) = (tmp.path().join("usb-a"), tmp.path().join("usb-c"));
    std::fs::create_dir(&usb_a).unwrap();
    std::fs::create_dir(&usb_c).unwrap();
    let mut a = Store::open(&tmp.path().join("a")).unwrap();
    let mut c = Store::open(&tmp.path().join("c")).unwrap();
    let mut b = Store::open(&tmp.path().join("b")).unwrap();
    let now = now_ms(BASE_MS);
    let id = Uuid::now_v7();
    record(&mut a, &now, id, "南湖镇卫生院", "氧气瓶未固定");
    sync_with(&mut a, &now, &usb_a);
    sync_with(&mut c, &now, &usb_a);
    c.append(
        "李秀英",
        &now_ms(BASE_MS + DAY_MS),
        vec![Payload::Commented {
            finding_id: id,
            text: "已电话通知院方".into(),
        }],
    )
    .unwrap();
    // C's own bundle alone (without A's) reaches B first.
    sync_with(&mut c, &now, &usb_c);
    let c_dir = usb_c
        .join("xuncha-sync/bundles")
        .join(c.device_id().to_string());
    let rep = xuncha::sync::import_file(
        &mut b,
        &now,
        &std::fs::read_dir(&c_dir)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path(),
    )
    .unwrap();
    assert!(rep.rejected.is_empty(), "{rep:#?}");
    assert!(b.finding(id).unwrap().is_none(), "nothing to show yet");
    assert_eq!(b.finding_count(), 0);

    // A's bundle arrives: the finding shows with the comment that waited for it.
    sync_with(&mut b, &now, &usb_a);
    let f = b.finding_full(id).unwrap().unwrap();
    assert!(
        f.history.iter().any(|h| h.note.contains("已电话通知院方")),
        "{:#?}",
        f.history
    );
    assert_eq!(views(&b).0.len(), 1);
    assert!(b.rebuild(false).unwrap().is_clean());
}
