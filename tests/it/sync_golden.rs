//! Format stability: bundles written once by this version (tests/golden/) must verify and import
//! forever. Regenerate only on a deliberate format change:
//! `XUNCHA_WRITE_GOLDEN=1 cargo test --test it sync_golden::write_golden -- --ignored`.

use crate::sync_common;
use sync_common::*;

use std::path::{Path, PathBuf};
use uuid::Uuid;
use xuncha::domain::{Field, Payload, Status};
use xuncha::store::Store;
use xuncha::sync::bundle;

const FINDING: u128 = 0x0190_0000_0000_7000_8000_0000_0000_0001;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

#[test]
#[ignore]
fn write_golden() {
    if std::env::var("XUNCHA_WRITE_GOLDEN").is_err() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let usb = tmp.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let id = Uuid::from_u128(FINDING);
    let mut a = Store::open(&tmp.path().join("a")).unwrap();
    let mut b = Store::open(&tmp.path().join("b")).unwrap();
    let t0 = now_ms(BASE_MS);
    record(
        &mut a,
        &t0,
        id,
        "东城区人民医院",
        "配电室内堆放纸箱等可燃物",
    );
    sync_with(&mut a, &t0, &usb);
    sync_with(&mut b, &t0, &usb);
    edit(&mut a, &t0, id, Field::Responsible, "后勤保障科");
    edit(
        &mut b,
        &now_ms(BASE_MS + 3_600_000),
        id,
        Field::Responsible,
        "设备科",
    );
    a.append(
        "王建国",
        &t0,
        vec![Payload::Rectified {
            reported_by: None,
            finding_id: id,
            note: "纸箱已清走".into(),
            completed_on: None,
            after: vec![],
        }],
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    sync_with(&mut a, &t0, out.path());
    sync_with(&mut b, &t0, out.path());
    let _ = std::fs::remove_dir_all(golden_dir());
    for f in bundle_files(out.path()) {
        let origin = f.parent().unwrap().file_name().unwrap();
        let dir = golden_dir().join(origin);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(&f, dir.join(f.file_name().unwrap())).unwrap();
    }
}

fn golden_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for o in std::fs::read_dir(golden_dir()).unwrap() {
        for f in std::fs::read_dir(o.unwrap().path()).unwrap() {
            out.push(f.unwrap().path());
        }
    }
    out.sort();
    out
}

#[test]
fn golden_bundles_decode_with_their_names() {
    let files = golden_files();
    assert_eq!(files.len(), 2, "{files:?}");
    let mut counts = Vec::new();
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        assert_eq!(&bytes[..10], b"XUNCHA\0B\x01\x00", "magic and version 1");
        let b = bundle::decode(&bytes).unwrap();
        let name = f.file_name().unwrap().to_string_lossy();
        assert_eq!(
            bundle::parse_name(&name),
            Some((b.first, b.last, bundle::hash16(&bytes)))
        );
        assert_eq!(
            f.parent().unwrap().file_name().unwrap().to_string_lossy(),
            b.origin.to_string()
        );
        counts.push(b.records.len());
    }
    counts.sort();
    assert_eq!(counts, vec![1, 3]);
}

#[test]
fn golden_bundles_import_into_a_fresh_store() {
    let tmp = tempfile::tempdir().unwrap();
    let usb = tmp.path().join("usb");
    let bundles = usb.join("xuncha-sync/bundles");
    for f in golden_files() {
        let origin = f.parent().unwrap().file_name().unwrap();
        std::fs::create_dir_all(bundles.join(origin)).unwrap();
        std::fs::copy(&f, bundles.join(origin).join(f.file_name().unwrap())).unwrap();
    }
    std::fs::write(usb.join("xuncha-sync/FORMAT"), "xuncha-sync 1\n").unwrap();
    let mut s = Store::open(&tmp.path().join("office")).unwrap();
    let rep = sync_with(&mut s, &now_ms(BASE_MS + DAY_MS), &usb);
    assert!(rep.rejected.is_empty(), "{:?}", rep.rejected);
    assert_eq!(rep.events_in_total(), 4);
    assert_eq!(rep.conflicts.len(), 1);

    let f = s.finding(Uuid::from_u128(FINDING)).unwrap().unwrap();
    assert_eq!(f.facility, "东城区人民医院");
    assert_eq!(f.description, "配电室内堆放纸箱等可燃物");
    assert_eq!(f.status, Status::Rectified);
    assert_eq!(f.rectify_note, "纸箱已清走");
    assert_eq!(f.responsible, "设备科", "the later concurrent edit wins");
    assert_eq!(f.conflicts.len(), 1);
    let values: Vec<&str> = f.conflicts[0]
        .values
        .iter()
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(values, vec!["设备科", "后勤保障科"]);
    assert!(s.rebuild(false).unwrap().is_clean());
}
