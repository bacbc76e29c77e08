//! Bad bundles are rejected whole (or quarantined) with the store unchanged, and a valid import
//! afterwards still works; gaps are tracked; a cloned data dir stops writing.

use crate::sync_common;
use sync_common::*;

use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use uuid::Uuid;
use xuncha::domain::{Field, Payload};
use xuncha::store::{EventBody, Record, Store};
use xuncha::sync::{self, RejectKind, bundle};

struct Dev {
    _tmp: tempfile::TempDir,
    store: Store,
}

fn dev() -> Dev {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(tmp.path()).unwrap();
    Dev { _tmp: tmp, store }
}

/// Device A with three events (record, edit, comment), exported into `folder`; returns the file.
fn small_bundle(a: &mut Store, folder: &Path) -> PathBuf {
    let now = now_ms(BASE_MS);
    let id = Uuid::from_u128(1);
    record(a, &now, id, "西城区中医院", "消防通道堆放杂物");
    edit(a, &now, id, Field::Responsible, "后勤保障科");
    a.append(
        "王建国",
        &now,
        vec![Payload::Commented {
            finding_id: id,
            text: "已电话通知".into(),
        }],
    )
    .unwrap();
    sync_with(a, &now, folder);
    let files = bundle_files(folder);
    assert_eq!(files.len(), 1);
    files[0].clone()
}

type Snapshot = (usize, (Vec<String>, Vec<String>), String);

fn snapshot(s: &Store) -> Snapshot {
    let vv = serde_json::to_string(&s.version_vector().unwrap()).unwrap();
    (s.event_count(), views(s), vv)
}

fn origin_and_name(p: &Path) -> (String, String) {
    let name = p.file_name().unwrap().to_string_lossy().into_owned();
    let origin = p
        .parent()
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    (origin, name)
}

fn assert_valid_import_works(b: &mut Store, file: &Path, expect_events: u64) {
    let rep = sync::import_file(b, &now_ms(BASE_MS), file).unwrap();
    assert!(rep.rejected.is_empty(), "{:?}", rep.rejected);
    assert_eq!(rep.events_in_total(), expect_events);
    assert_eq!(
        b.finding(Uuid::from_u128(1)).unwrap().unwrap().responsible,
        "后勤保障科"
    );
}

/// A file cut anywhere is a copy still arriving: held back whole, read at a later sync.
#[test]
fn truncated_at_every_offset_is_held_back_whole() {
    let (mut a, mut b, folder) = (dev(), dev(), tempfile::tempdir().unwrap());
    let file = small_bundle(&mut a.store, folder.path());
    let bytes = std::fs::read(&file).unwrap();
    let (origin, name) = origin_and_name(&file);
    let scratch = tempfile::tempdir().unwrap();
    let before = snapshot(&b.store);
    for n in 0..bytes.len() {
        let rep = import_bytes(&mut b.store, scratch.path(), &origin, &name, &bytes[..n]);
        assert_eq!(
            rep.arriving.len(),
            1,
            "cut at {n} not held back: {:?}",
            rep.rejected
        );
        assert!(rep.rejected.is_empty() && rep.events_in.is_empty());
        assert_eq!(rep.exit_code(), 0);
    }
    assert_eq!(snapshot(&b.store), before);
    assert_valid_import_works(&mut b.store, &file, 3);
}

#[test]
fn any_flipped_bit_is_rejected_whole() {
    let (mut a, mut b, folder) = (dev(), dev(), tempfile::tempdir().unwrap());
    let file = small_bundle(&mut a.store, folder.path());
    let bytes = std::fs::read(&file).unwrap();
    let (origin, name) = origin_and_name(&file);
    let scratch = tempfile::tempdir().unwrap();
    let before = snapshot(&b.store);
    let mut looks_short = Vec::new();
    for i in 0..bytes.len() {
        let mut bad = bytes.clone();
        bad[i] ^= 1 << (i % 8);
        let rep = import_bytes(&mut b.store, scratch.path(), &origin, &name, &bad);
        assert!(rep.events_in.is_empty(), "flip in byte {i} applied");
        if rep.arriving.len() == 1 {
            // A length field made larger reads like a file cut short: held back, and a
            // rejection once it stays so (see the hostile-folder tests).
            looks_short.push(i);
            continue;
        }
        assert_eq!(rep.rejected.len(), 1, "flip in byte {i} was not rejected");
        assert_eq!(rep.exit_code(), 3, "flip in byte {i}");
    }
    assert!(looks_short.len() <= 3 * 4, "{looks_short:?}");
    assert_eq!(snapshot(&b.store), before);
    assert_valid_import_works(&mut b.store, &file, 3);
}

#[test]
fn an_edited_event_with_recomputed_hash_fails_its_signature() {
    let (mut a, mut b, folder) = (dev(), dev(), tempfile::tempdir().unwrap());
    let file = small_bundle(&mut a.store, folder.path());
    let mut bytes = std::fs::read(&file).unwrap();
    // Same byte length, so every length prefix still holds: 西城 → 东城.
    let at = bytes
        .windows("西城".len())
        .position(|w| w == "西城".as_bytes())
        .unwrap();
    bytes[at..at + "东城".len()].copy_from_slice("东城".as_bytes());
    let n = bytes.len() - 32;
    let footer = Sha256::digest(&bytes[..n]);
    bytes[n..].copy_from_slice(&footer);
    let (origin, name) = origin_and_name(&file);
    let (first, last, _) = bundle::parse_name(&name).unwrap();
    let new_name = bundle::file_name(first, last, &bytes);
    let before = snapshot(&b.store);
    let scratch = tempfile::tempdir().unwrap();
    let rep = import_bytes(&mut b.store, scratch.path(), &origin, &new_name, &bytes);
    assert_eq!(rep.rejected.len(), 1);
    assert!(
        rep.rejected[0].reason.contains("签名无效"),
        "{}",
        rep.rejected[0].reason
    );
    assert_eq!(snapshot(&b.store), before);
    assert_valid_import_works(&mut b.store, &file, 3);
}

#[test]
fn a_known_device_with_another_key_is_forged() {
    let (mut a, mut b, folder) = (dev(), dev(), tempfile::tempdir().unwrap());
    let file = small_bundle(&mut a.store, folder.path());
    assert_valid_import_works(&mut b.store, &file, 3);
    let before = snapshot(&b.store);

    // Someone re-signs A's next event with a key of their own and claims to be A.
    let thief = SigningKey::from_bytes(&[9; 32]);
    let origin = a.store.device_id();
    let prev = a.store.record(origin, 3).unwrap().unwrap().hash();
    let body = EventBody {
        v: 1,
        device: origin,
        seq: 4,
        prev,
        hlc: a.store.last_hlc(),
        author: "王建国".into(),
        payload: Payload::Retracted {
            finding_id: Uuid::from_u128(1),
            reason: "删掉".into(),
            after: vec![],
        },
        wall: None,
    };
    let rec = Record::seal(&body, &thief);
    let bytes = bundle::encode(origin, thief.verifying_key().as_bytes(), 4, &[rec]);
    let scratch = tempfile::tempdir().unwrap();
    let rep = import_bytes(
        &mut b.store,
        scratch.path(),
        &origin.to_string(),
        &bundle::file_name(4, 4, &bytes),
        &bytes,
    );
    assert_eq!(rep.rejected.len(), 1);
    assert_eq!(rep.rejected[0].kind, RejectKind::Forged);
    assert_eq!(snapshot(&b.store), before);
    assert!(
        !b.store
            .finding(Uuid::from_u128(1))
            .unwrap()
            .unwrap()
            .retracted
    );

    // A's own next event still imports.
    a.store
        .append(
            "王建国",
            &now_ms(BASE_MS),
            vec![Payload::Commented {
                finding_id: Uuid::from_u128(1),
                text: "复查前再看".into(),
            }],
        )
        .unwrap();
    sync_with(&mut a.store, &now_ms(BASE_MS), folder.path());
    let rep = sync_with(&mut b.store, &now_ms(BASE_MS), folder.path());
    assert_eq!(rep.events_in_total(), 1);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), t).unwrap();
        }
    }
}

#[test]
fn a_fork_is_settled_by_one_rule_and_the_losing_copy_reissues() {
    let now = now_ms(BASE_MS);
    let root = tempfile::tempdir().unwrap();
    let (dir_a, dir_clone) = (root.path().join("a"), root.path().join("clone"));
    let id = Uuid::from_u128(1);
    {
        let mut a = Store::open(&dir_a).unwrap();
        record(&mut a, &now, id, "东城区人民医院", "配电室门未上锁");
    }
    copy_dir(&dir_a, &dir_clone);
    let mut a = Store::open(&dir_a).unwrap();
    let mut clone = Store::open(&dir_clone).unwrap();
    let shared = a.device_id();
    assert_eq!(shared, clone.device_id());
    edit(&mut a, &now, id, Field::Location, "配电室");
    edit(&mut clone, &now, id, Field::Location, "地下室");

    let (usb, mut b) = (tempfile::tempdir().unwrap(), dev());
    sync_with(&mut a, &now, usb.path());
    let rep = sync_with(&mut b.store, &now, usb.path());
    assert_eq!(rep.events_in_total(), 2);

    // The copy meets the other writer of its id: one fork, settled, nobody stops writing.
    let rep = sync_with(&mut clone, &now, usb.path());
    assert_eq!(rep.forks.len(), 1, "{:?}", rep.forks);
    assert_eq!(rep.forks[0].seq, 2);
    assert!(rep.rejected.is_empty() && rep.frozen.is_none(), "{rep:#?}");
    assert_eq!(rep.exit_code(), 0);
    for _ in 0..2 {
        for s in [&mut a, &mut clone, &mut b.store] {
            let rep = sync_with(s, &now, usb.path());
            assert!(rep.frozen.is_none() && rep.exit_code() == 0, "{rep:#?}");
        }
    }
    let ids = [a.device_id(), clone.device_id()];
    assert!(
        ids.contains(&shared) && ids[0] != ids[1],
        "one copy keeps the id"
    );
    assert_eq!(views(&a), views(&b.store));
    assert_eq!(views(&clone), views(&b.store));
    // Both edits are kept: the re-issued one did not see the winner's, so they conflict.
    let f = b.store.finding_full(id).unwrap().unwrap();
    let shown: Vec<&str> = f.conflicts[0]
        .values
        .iter()
        .map(|(_, v)| v.as_str())
        .collect();
    assert!(
        shown.contains(&"配电室") && shown.contains(&"地下室"),
        "{shown:?}"
    );
    let loser = if a.device_id() == shared { &clone } else { &a };
    assert_eq!(loser.quarantined().unwrap().len(), 1);
    for s in [&a, &clone, &b.store] {
        assert!(s.rebuild(false).unwrap().is_clean());
    }
    // Both keep writing, and what they write arrives.
    for s in [&mut a, &mut clone] {
        s.append(
            "x",
            &now,
            vec![Payload::Commented {
                finding_id: id,
                text: "t".into(),
            }],
        )
        .unwrap();
        sync_with(s, &now, usb.path());
    }
    let rep = sync_with(&mut b.store, &now, usb.path());
    assert_eq!(rep.events_in_total(), 2, "{rep:#?}");

    // Valid events of other devices still import.
    let mut c = dev();
    record(
        &mut c.store,
        &now,
        Uuid::from_u128(2),
        "西城区中医院",
        "安全出口指示灯不亮",
    );
    sync_with(&mut c.store, &now, usb.path());
    let rep = sync_with(&mut b.store, &now, usb.path());
    assert_eq!(rep.events_in_total(), 1, "{rep:#?}");
}

#[test]
fn a_restored_data_dir_takes_back_its_own_later_events() {
    let now = now_ms(BASE_MS);
    let root = tempfile::tempdir().unwrap();
    let (dir_a, backup) = (root.path().join("a"), root.path().join("backup"));
    let id = Uuid::from_u128(7);
    {
        let mut a = Store::open(&dir_a).unwrap();
        record(&mut a, &now, id, "南湖镇卫生院", "氧气瓶未固定");
    }
    copy_dir(&dir_a, &backup);
    let usb = tempfile::tempdir().unwrap();
    {
        let mut a = Store::open(&dir_a).unwrap();
        edit(&mut a, &now, id, Field::Measures, "加装固定链");
        sync_with(&mut a, &now, usb.path());
    }
    let mut restored = Store::open(&backup).unwrap();
    let rep = sync_with(&mut restored, &now, usb.path());
    assert_eq!(rep.exit_code(), 0, "{rep:#?}");
    assert_eq!(restored.own_seq(), 2);
    assert_eq!(
        restored.finding(id).unwrap().unwrap().measures,
        "加装固定链"
    );
    assert!(restored.frozen().unwrap().is_none());
    // It goes on writing after the events it took back.
    edit(&mut restored, &now, id, Field::Location, "氧气储瓶间");
    let rep = sync_with(&mut restored, &now, usb.path());
    assert_eq!(rep.exit_code(), 0, "{rep:#?}");
    assert_eq!(restored.own_seq(), 3);
}

#[test]
fn gaps_are_tracked_and_events_above_a_gap_apply() {
    let now = now_ms(BASE_MS);
    let (mut a, mut b) = (dev(), dev());
    let ids: Vec<Uuid> = (1..=10).map(|i| Uuid::from_u128(i as u128)).collect();
    for (i, id) in ids.iter().enumerate() {
        record(
            &mut a.store,
            &now,
            *id,
            "高新区疾病预防控制中心",
            &format!("隐患 {}", i + 1),
        );
    }
    let origin = a.store.device_id();
    let key = a.store.device_key(origin).unwrap().unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let import = |s: &mut Store, first: u64, last: u64| {
        let recs = a.store.records(origin, first, last).unwrap();
        let bytes = bundle::encode(origin, &key, first, &recs);
        import_bytes(
            s,
            scratch.path(),
            &origin.to_string(),
            &bundle::file_name(first, last, &bytes),
            &bytes,
        )
    };
    import(&mut b.store, 1, 5);
    let rep = import(&mut b.store, 8, 10);
    assert!(rep.rejected.is_empty());
    let held = b.store.held(origin).unwrap();
    assert_eq!(held.frontier(), 5);
    assert_eq!(held.gaps(), vec![(6, 7)]);
    assert_eq!(rep.gaps[0].gaps, vec![(6, 7)]);
    assert!(
        b.store.finding(ids[8]).unwrap().is_some(),
        "events above a gap are shown"
    );
    assert!(b.store.finding(ids[6]).unwrap().is_none());

    let rep = import(&mut b.store, 6, 7);
    assert_eq!(rep.events_in_total(), 2);
    assert_eq!(b.store.held(origin).unwrap().frontier(), 10);
    assert!(rep.gaps.is_empty());
    assert_eq!(views(&b.store), views(&a.store));
    assert!(b.store.rebuild(false).unwrap().is_clean());
}

#[test]
fn far_future_stamps_are_flagged_and_not_adopted() {
    let (mut a, mut b, usb) = (dev(), dev(), tempfile::tempdir().unwrap());
    let here = now_ms(BASE_MS);
    record(
        &mut a.store,
        &now_ms(BASE_MS + 12 * 3_600_000),
        Uuid::from_u128(1),
        "甲",
        "a",
    );
    sync_with(&mut a.store, &here, usb.path());
    let rep = sync_with(&mut b.store, &here, usb.path());
    assert!(rep.far_future.is_empty());
    assert_eq!(
        b.store.last_hlc().ms,
        BASE_MS + 12 * 3_600_000,
        "a stamp within a day is adopted"
    );

    record(
        &mut a.store,
        &now_ms(BASE_MS + 3 * DAY_MS),
        Uuid::from_u128(2),
        "甲",
        "b",
    );
    sync_with(&mut a.store, &here, usb.path());
    let rep = sync_with(&mut b.store, &here, usb.path());
    assert_eq!(rep.far_future.len(), 1);
    assert_eq!(rep.events_in_total(), 1);
    assert_eq!(
        b.store.last_hlc().ms,
        BASE_MS + 12 * 3_600_000,
        "far-future stamp not adopted"
    );
}

#[test]
fn a_torn_bundle_is_repaired_by_a_later_export() {
    let (mut a, mut b, usb) = (dev(), dev(), tempfile::tempdir().unwrap());
    let file = small_bundle(&mut a.store, usb.path());
    let good = std::fs::read(&file).unwrap();
    std::fs::write(&file, &good[..good.len() / 2]).unwrap();
    let rep = sync_with(&mut b.store, &now_ms(BASE_MS), usb.path());
    assert_eq!(rep.exit_code(), 0, "cut short: still arriving");
    assert_eq!(rep.arriving.len(), 1);
    assert_eq!(rep.events_in_total(), 0);
    let rep = sync_with(&mut a.store, &now_ms(BASE_MS), usb.path());
    assert_eq!(rep.bundles_written.len(), 1);
    assert!(rep.bundles_written[0].repaired);
    assert_eq!(std::fs::read(&file).unwrap(), good);
    let rep = sync_with(&mut b.store, &now_ms(BASE_MS), usb.path());
    assert_eq!((rep.exit_code(), rep.events_in_total()), (0, 3));
}

#[test]
fn concurrent_edits_conflict_and_a_settling_edit_clears_it() {
    let now = now_ms(BASE_MS);
    let (mut a, mut b, usb) = (dev(), dev(), tempfile::tempdir().unwrap());
    let id = Uuid::from_u128(3);
    record(
        &mut a.store,
        &now,
        id,
        "北苑社区卫生服务中心",
        "灭火器压力不足",
    );
    sync_with(&mut a.store, &now, usb.path());
    sync_with(&mut b.store, &now, usb.path());
    edit(&mut a.store, &now, id, Field::Responsible, "总务科");
    edit(
        &mut b.store,
        &now_ms(BASE_MS - 2 * DAY_MS),
        id,
        Field::Responsible,
        "保卫科",
    );
    sync_with(&mut a.store, &now, usb.path());
    let before = snapshot(&b.store);
    let dry = sync::SyncOptions {
        dry_run: true,
        ..Default::default()
    };
    let rep = sync::sync(&mut b.store, &now, usb.path(), &dry, &mut |_, _| {}).unwrap();
    assert_eq!(
        rep.conflicts.len(),
        1,
        "a dry run shows the conflict it would create"
    );
    assert_eq!(snapshot(&b.store), before);
    let rep_b = sync_with(&mut b.store, &now, usb.path());
    let rep_a = sync_with(&mut a.store, &now, usb.path());
    assert_eq!(rep_b.conflicts.len(), 1);
    assert_eq!(rep_a.conflicts.len(), 1);
    assert_eq!(rep_b.conflicts[0].field, Field::Responsible);
    assert_eq!(views(&a.store), views(&b.store));
    let f = a.store.finding(id).unwrap().unwrap();
    let mut values = f.conflicts[0]
        .values
        .iter()
        .map(|(_, v)| v.clone())
        .collect::<Vec<_>>();
    assert_eq!(values[0], f.responsible, "the winner is shown");
    values.sort();
    assert_eq!(values, vec!["保卫科", "总务科"]);

    edit(&mut b.store, &now, id, Field::Responsible, "保卫科");
    sync_with(&mut b.store, &now, usb.path());
    let rep = sync_with(&mut a.store, &now, usb.path());
    assert!(rep.conflicts.is_empty());
    let f = a.store.finding(id).unwrap().unwrap();
    assert!(f.conflicts.is_empty());
    assert_eq!(f.responsible, "保卫科");
    assert_eq!(views(&a.store), views(&b.store));
}

#[test]
fn dry_run_changes_nothing_and_reimport_is_a_no_op() {
    let now = now_ms(BASE_MS);
    let (mut a, mut b, usb) = (dev(), dev(), tempfile::tempdir().unwrap());
    small_bundle(&mut a.store, usb.path());
    let before = snapshot(&b.store);
    let opts = sync::SyncOptions {
        dry_run: true,
        ..Default::default()
    };
    let rep = sync::sync(&mut b.store, &now, usb.path(), &opts, &mut |_, _| {}).unwrap();
    assert_eq!(rep.events_in_total(), 3);
    assert_eq!(snapshot(&b.store), before);
    assert_eq!(bundle_files(usb.path()).len(), 1);
    assert!(sync::status(&b.store).unwrap().last_sync.is_none());

    sync_with(&mut b.store, &now, usb.path());
    let after = snapshot(&b.store);
    for f in bundle_files(usb.path()) {
        let rep = sync::import_file(&mut b.store, &now, &f).unwrap();
        assert!(rep.events_in.is_empty() && rep.rejected.is_empty());
    }
    assert_eq!(snapshot(&b.store), after);
    let st = sync::status(&b.store).unwrap();
    assert_eq!(st.unsynced_events, 0);
    assert!(st.last_sync.is_some());
}

#[test]
fn unusable_folders_are_refused_with_the_reason() {
    let mut b = dev();
    let now = now_ms(BASE_MS);
    let missing = b._tmp.path().join("no-such-stick");
    let opts = Default::default();
    let err = sync::sync(&mut b.store, &now, &missing, &opts, &mut |_, _| {}).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("不存在"));
    let other = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(other.path().join("xuncha-sync")).unwrap();
    std::fs::write(other.path().join("xuncha-sync/FORMAT"), "something else").unwrap();
    let err = sync::sync(&mut b.store, &now, other.path(), &opts, &mut |_, _| {}).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("不是 xuncha 同步文件夹"), "{err}");
}

/// A data dir an older version froze (it found its own id ahead) writes again after the
/// upgrade, says so on open, and its events go out at the next sync.
#[test]
fn a_data_dir_frozen_by_an_older_version_writes_again() {
    let now = now_ms(BASE_MS);
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("a");
    let id = Uuid::from_u128(5);
    {
        let mut a = Store::open(&dir).unwrap();
        record(&mut a, &now, id, "南湖镇卫生院", "氧气瓶未固定");
        a.freeze("同步文件夹里有本设备的第 2 条事件……本机已停止写入")
            .unwrap();
        assert!(a.frozen().unwrap().is_some());
    }
    let mut a = Store::open(&dir).unwrap();
    assert!(a.frozen().unwrap().is_none());
    assert!(
        a.open_warnings().iter().any(|w| w.contains("已恢复写入")),
        "{:?}",
        a.open_warnings()
    );
    edit(&mut a, &now, id, Field::Location, "氧气储瓶间");
    let usb = tempfile::tempdir().unwrap();
    let rep = sync_with(&mut a, &now, usb.path());
    assert_eq!(rep.exit_code(), 0);
    assert_eq!(rep.own_events_out, 2);
}
