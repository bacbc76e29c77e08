//! The store: reopen keeps everything, the log is signed and chained, and views rebuilt from the
//! log equal the live ones.

use xuncha::catalog::Catalog;
use xuncha::domain::{Now, Payload};
use xuncha::ops::{self, Ctx, NewFinding, NewInspection};
use xuncha::store::{FindingQuery, Store};

fn now() -> Now {
    Now(chrono::DateTime::parse_from_rfc3339("2026-11-22T09:00:00+08:00").unwrap())
}

fn ctx(dir: &std::path::Path) -> Ctx {
    Ctx::new(
        Store::open(dir).expect("open store"),
        Catalog::builtin(),
        now(),
        "王建国",
    )
}

fn sample(ctx: &mut Ctx) -> (uuid::Uuid, uuid::Uuid) {
    let insp = ops::start_inspection(
        ctx,
        NewInspection {
            facility: "东城区人民医院".into(),
            departments: vec!["药剂科".into()],
            mode: Some(xuncha::domain::Mode::SelfCheck),
            inspectors: vec!["王建国".into()],
            lines: vec!["hazchem".into()],
        },
    )
    .unwrap();
    let f = ops::record_finding(
        ctx,
        NewFinding {
            inspection: Some(insp.id),
            line: Some("hazchem".into()),
            description: "酒精储存柜未上锁".into(),
            location: "药库".into(),
            responsible: "药剂科 李秀英".into(),
            ..Default::default()
        },
    )
    .unwrap();
    ops::rectify(ctx, f.id, "已加锁并专人管理").unwrap();
    (insp.id, f.id)
}

#[test]
fn reopen_keeps_everything() {
    let tmp = tempfile::tempdir().unwrap();
    let (device, findings, inspections, insp_id, fid);
    {
        let mut c = ctx(tmp.path());
        (insp_id, fid) = sample(&mut c);
        device = c.raw_store().device_id();
        findings = c.list_findings(&FindingQuery::default()).unwrap();
        inspections = c.list_inspections().unwrap();
    }
    let c = ctx(tmp.path());
    assert_eq!(
        c.raw_store().device_id(),
        device,
        "the device keeps its identity"
    );
    // The version of 危险化学品 it used, the inspection, the finding and its rectification.
    assert_eq!(c.raw_store().own_seq(), 4);
    assert_eq!(c.list_findings(&FindingQuery::default()).unwrap(), findings);
    assert_eq!(c.list_inspections().unwrap(), inspections);
    assert_eq!(
        c.finding_by_id(fid).unwrap().rectify_note,
        "已加锁并专人管理"
    );
    assert_eq!(
        c.raw_store().inspection(insp_id).unwrap().unwrap().facility,
        "东城区人民医院"
    );
    // Appending after reopen continues the chain.
    let mut c = c;
    ops::verify(&mut c, fid, true, "").unwrap();
    assert!(c.raw_store().rebuild(false).unwrap().is_clean());
}

#[test]
fn private_key_file_is_private() {
    let tmp = tempfile::tempdir().unwrap();
    let _c = ctx(tmp.path());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(tmp.path().join("device.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn rebuild_equals_live_views_on_a_demo_store() {
    let tmp = tempfile::tempdir().unwrap();
    let mut c = ctx(tmp.path());
    let s = ops::demo(&mut c, 600).unwrap();
    assert_eq!(s.findings, 600);
    let rep = c.raw_store().rebuild(false).unwrap();
    assert!(rep.is_clean(), "{rep:?}");
    assert_eq!(rep.findings, 600);
    assert_eq!(rep.events, c.raw_store().event_count());
    // doctor's bounded-memory check gives the same report.
    let quick = c.raw_store().check().unwrap();
    assert!(quick.is_clean(), "{quick:?}");
    assert_eq!(
        (
            quick.events,
            quick.devices,
            quick.findings,
            quick.inspections
        ),
        (rep.events, rep.devices, rep.findings, rep.inspections)
    );

    // Every lifecycle state and some overdue and escalated findings are in the demo.
    let all = c.list_findings(&FindingQuery::default()).unwrap();
    use xuncha::domain::Status;
    for st in [Status::Open, Status::Rectified, Status::Closed] {
        assert!(all.iter().any(|f| f.status == st), "demo lacks {st:?}");
    }
    assert!(
        all.iter().any(|f| f.is_overdue(&c.now)),
        "demo lacks overdue"
    );
    assert!(
        all.iter().any(|f| f.escalation.is_some()),
        "demo lacks escalated"
    );
    assert!(all.iter().any(|f| f.fixed_on_spot));
    let lines: std::collections::BTreeSet<&str> = all.iter().map(|f| f.line.as_str()).collect();
    for l in xuncha::domain::CORE_LINES {
        assert!(lines.contains(l), "demo lacks line {l}");
    }

    // The indexed overdue query agrees with a full scan.
    let today = c.now.today();
    let q = FindingQuery {
        status: Some(xuncha::store::StatusFilter::Overdue),
        ..Default::default()
    };
    let indexed = c.raw_store().query(&q, today).unwrap();
    let scanned: Vec<_> = all
        .iter()
        .filter(|f| f.is_overdue(&c.now))
        .cloned()
        .collect();
    assert_eq!(indexed, scanned);

    // Every status, line and facility filter (read from the register rows) agrees with the
    // full scan.
    use xuncha::store::StatusFilter as S;
    let facilities: std::collections::BTreeSet<String> =
        all.iter().map(|f| f.facility.clone()).collect();
    let mut queries: Vec<FindingQuery> = [
        S::Open,
        S::Rectified,
        S::Closed,
        S::Overdue,
        S::ReviewLate,
        S::Retracted,
    ]
    .into_iter()
    .map(|s| FindingQuery {
        status: Some(s),
        ..Default::default()
    })
    .collect();
    queries.extend(lines.iter().map(|l| FindingQuery {
        line: Some(l.to_string()),
        ..Default::default()
    }));
    queries.extend(facilities.iter().take(5).map(|f| FindingQuery {
        facility: Some(f.clone()),
        ..Default::default()
    }));
    for q in &queries {
        let read = c.raw_store().query(q, today).unwrap();
        let scanned: Vec<_> = all
            .iter()
            .filter(|f| q.matches(f, today))
            .cloned()
            .collect();
        assert_eq!(read, scanned, "{q:?}");
    }

    // A rebuild that rewrites the views leaves them exactly as they were.
    let before = c.list_findings(&FindingQuery::default()).unwrap();
    let rep = c.raw_store().rebuild(true).unwrap();
    assert!(rep.rebuilt);
    assert_eq!(c.list_findings(&FindingQuery::default()).unwrap(), before);
    assert!(c.raw_store().rebuild(false).unwrap().is_clean());
}

#[test]
fn doctor_notices_a_view_that_drifted_from_the_log() {
    let tmp = tempfile::tempdir().unwrap();
    let mut c = ctx(tmp.path());
    let (_, fid) = sample(&mut c);
    // Write an event whose view update we then undo by hand through a second, stale append:
    // simulate drift by appending an event for an entity and deleting its view.
    let now = c.now;
    c.raw_store_mut()
        .append(
            "王建国",
            &now,
            vec![Payload::Commented {
                finding_id: fid,
                text: "备注".into(),
            }],
        )
        .unwrap();
    let good = c.raw_store().rebuild(false).unwrap();
    assert!(good.is_clean(), "{good:?}");
    drop(c);
    // Tamper with the derived tree directly, as a crash between trees (or a bug) would.
    {
        let db = raw_sled(&tmp.path().join("db"));
        db.open_tree("findings")
            .unwrap()
            .remove(fid.as_bytes())
            .unwrap();
        db.flush().unwrap();
    }
    let c = ctx(tmp.path());
    let rep = c.raw_store().rebuild(false).unwrap();
    assert!(!rep.is_clean());
    assert!(
        rep.view_mismatches
            .iter()
            .any(|m| m.contains(&fid.to_string())),
        "{rep:?}"
    );
    let rep = c.raw_store().rebuild(true).unwrap();
    assert!(rep.rebuilt);
    assert!(c.raw_store().rebuild(false).unwrap().is_clean());
    assert!(c.raw_store().finding(fid).unwrap().is_some());
}

#[test]
fn doctors_bounded_check_finds_every_drift_the_full_comparison_names() {
    let tmp = tempfile::tempdir().unwrap();
    let mut c = ctx(tmp.path());
    ops::demo(&mut c, 40).unwrap();
    assert!(c.raw_store().check().unwrap().is_clean());
    let ids: Vec<Vec<u8>> = {
        drop(c);
        let db = raw_sled(&tmp.path().join("db"));
        let v = db
            .open_tree("findings")
            .unwrap()
            .iter()
            .keys()
            .take(2)
            .map(|k| k.unwrap().to_vec())
            .collect();
        db.flush().unwrap();
        v
    };
    type Tamper = Box<dyn Fn(&sled::Db)>;
    let (a, b) = (ids[0].clone(), ids[1].clone());
    let tampers: Vec<(&str, Tamper)> = vec![
        (
            "an extra index key",
            Box::new(|db| {
                db.open_tree("idx").unwrap().insert(b"c\0zz", &[]).unwrap();
            }),
        ),
        (
            "a lost event-ownership key",
            Box::new(|db| {
                let ent = db.open_tree("ent").unwrap();
                let k = ent.iter().keys().nth(3).unwrap().unwrap();
                ent.remove(k).unwrap();
            }),
        ),
        (
            "one hazard's view holding another's",
            Box::new(move |db| {
                let t = db.open_tree("findings").unwrap();
                let other = t.get(&b).unwrap().unwrap();
                t.insert(&a, other).unwrap();
            }),
        ),
    ];
    for (what, tamper) in tampers {
        let copy = tempfile::tempdir().unwrap();
        let status = std::process::Command::new("cp")
            .arg("-a")
            .arg(format!("{}/.", tmp.path().display()))
            .arg(copy.path())
            .status()
            .unwrap();
        assert!(status.success());
        {
            let db = raw_sled(&copy.path().join("db"));
            tamper(&db);
            db.flush().unwrap();
        }
        let c = ctx(copy.path());
        let full = c.raw_store().rebuild(false).unwrap();
        let quick = c.raw_store().check().unwrap();
        assert!(!full.is_clean(), "{what}: {full:?}");
        assert_eq!(quick.view_mismatches, full.view_mismatches, "{what}");
    }
}

#[test]
fn a_snapshot_torn_by_a_crash_does_not_lock_the_user_out() {
    // sled 0.34 leaves `snap.<lsn>.generating` behind when killed mid-snapshot, and then
    // refuses to open ("Read corrupted data"). The store must open and keep every finding.
    let tmp = tempfile::tempdir().unwrap();
    let fid = {
        let mut c = ctx(tmp.path());
        sample(&mut c).1
    };
    std::thread::sleep(std::time::Duration::from_millis(100));
    let torn = tmp
        .path()
        .join("db")
        .join("snap.7FFFFFFFFFFFFFFF.generating");
    std::fs::write(&torn, b"").unwrap();
    let c = ctx(tmp.path());
    assert!(c.raw_store().finding(fid).unwrap().is_some());
    assert!(!torn.exists(), "the torn snapshot is cleared away");
    assert!(c.raw_store().rebuild(false).unwrap().is_clean());
}

/// The data dir's sled database opened bare, to tamper with it. A store just dropped lets go
/// of sled's lock when sled's own threads end, a moment later: wait for it (up to 10 s) as
/// `Store::open` does, instead of failing on the first try.
fn raw_sled(db: &std::path::Path) -> sled::Db {
    let started = std::time::Instant::now();
    loop {
        match sled::open(db) {
            Ok(db) => return db,
            Err(e) if started.elapsed() < std::time::Duration::from_secs(10) => {
                assert!(e.to_string().contains("lock"), "{e}");
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(e) => panic!("{e}"),
        }
    }
}
