//! Issue 9 point 2, through the binary: an event acting on a hazard that does not exist yet
//! waits until it does, then counts; nothing removes a line from a hazard's history.

use crate::common;

use common::Env;
use serde_json::Value;
use std::path::Path;

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

fn actions(f: &Value) -> Vec<String> {
    f["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn steps_delivered_before_the_hazard_wait_for_it_and_then_all_count() {
    let (laptop, office, third) = (Env::new(), Env::new(), Env::new());
    let share = laptop.tmp.path().join("share");
    std::fs::create_dir_all(&share).unwrap();
    let s = share.to_str().unwrap();
    let insp = laptop.start("东城区人民医院", &["fire"]);
    let id = laptop.add_finding(&insp, "fire", "疏散通道堆放杂物");
    laptop.ok(&["sync", "--dir", s]);

    // The office acts on the hazard: a rectification and a comment, in its own bundle.
    office.ok(&["sync", "--dir", s]);
    office.ok(&["finding", "rectify", &id, "--note", "杂物已清理"]);
    office.ok(&["finding", "comment", &id, "已电话确认"]);
    office.ok(&["sync", "--dir", s]);
    let want = office.json(&["finding", "show", &id]);

    // A third store gets the office's folder first: its steps on a hazard it does not hold.
    let office_id = office.json(&["device"])["device_id"]
        .as_str()
        .unwrap()
        .to_string();
    let laptop_id = laptop.json(&["device"])["device_id"]
        .as_str()
        .unwrap()
        .to_string();
    let only = third.tmp.path().join("only-office");
    std::fs::create_dir_all(only.join("xuncha-sync/bundles")).unwrap();
    std::fs::copy(
        share.join("xuncha-sync/FORMAT"),
        only.join("xuncha-sync/FORMAT"),
    )
    .unwrap();
    copy_dir(
        &share.join("xuncha-sync/bundles").join(&office_id),
        &only.join("xuncha-sync/bundles").join(&office_id),
    );
    let o = only.to_str().unwrap();
    let rep = third.json(&["sync", "--dir", o]);
    assert!(rep["rejected"].as_array().unwrap().is_empty(), "{rep}");
    // They wait: no hazard appears, nothing is counted, and nothing is refused.
    assert_eq!(third.json(&["finding", "list"]), Value::Array(vec![]));
    let out = third.run(&["finding", "show", &id]);
    assert_ne!(out.status.code(), Some(0), "not shown before it exists");
    let report = third.json(&["report"]);
    assert!(!report.to_string().contains("疏散通道"), "{report}");

    // The creation arrives: the hazard appears with every step, as on the office.
    copy_dir(
        &share.join("xuncha-sync/bundles").join(&laptop_id),
        &only.join("xuncha-sync/bundles").join(&laptop_id),
    );
    third.ok(&["sync", "--dir", o]);
    let got = third.json(&["finding", "show", &id]);
    assert_eq!(got, want);
    assert_eq!(got["status"], "rectified");
    let lines = actions(&got);
    assert!(lines.len() >= 3, "{lines:?}");
    assert!(lines[0].contains("登记"), "{lines:?}");

    // Nothing removes a history line: a retraction adds one and keeps the others.
    third.ok(&["finding", "retract", &id, "--reason", "重复登记"]);
    let after = actions(&third.json(&["finding", "show", &id]));
    assert_eq!(after.len(), lines.len() + 1, "{after:?}");
    assert_eq!(&after[..lines.len()], &lines[..]);
    assert!(
        third.json(&["doctor"])["view_mismatches"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}
