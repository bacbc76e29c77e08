//! A data dir written before events were stored packed (issue 14) opens and reads as before,
//! takes new (packed) events beside its old ones, syncs them to another store whose signature
//! and chain checks accept every record, and `doctor` still finds the views equal a rebuild.
//! `tests/golden_store/v1` was made by the build of main at 9cc0f40 with
//! `XUNCHA_NOW=2026-11-22T09:00:00+08:00`: `inspection start --facility 东城区人民医院 --mode self
//! --inspector 王建国 --line fire`, two `finding add`, one `finding rectify` (6 events).

mod common;
use common::Env;
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

/// An env whose data dir is a copy of the golden store (sled writes on open).
fn golden() -> Env {
    let env = Env::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden_store/v1");
    copy_dir(&src, &env.data());
    env
}

#[test]
fn a_store_written_before_packing_reads_the_same() {
    let env = golden();
    let list = env.json(&["finding", "list"]);
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let first = rows
        .iter()
        .find(|r| r["description"] == "配电室内堆放纸箱等可燃物")
        .expect("the first hazard");
    assert_eq!(first["number"], "YH-2026-GG2-0001", "{first}");
    assert_eq!(first["status"], "rectified");
    assert_eq!(first["responsible"], "后勤保障科");
    let shown = env.ok(&["finding", "show", "YH-2026-GG2-0001"]);
    assert!(shown.contains("纸箱已清走"), "{shown}");
    assert_eq!(env.events(), 6);
    let doctor = env.ok(&["doctor"]);
    assert!(doctor.contains("视图与日志重建结果一致"), "{doctor}");
}

#[test]
fn old_and_packed_events_live_together_and_sync_out_whole() {
    let env = golden();
    let insp = env.json(&["inspection", "list"])[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    env.add_finding(&insp, "fire", "灭火器压力不足，指针位于红区");
    // The hazard, and the device's new self-description (another inspector name).
    assert!(env.events() >= 7);
    let doctor = env.ok(&["doctor"]);
    assert!(doctor.contains("视图与日志重建结果一致"), "{doctor}");

    // Everything goes out through a folder; another store checks every signature and link.
    let folder = env.tmp.path().join("usb");
    std::fs::create_dir_all(&folder).unwrap();
    let dir = folder.to_str().unwrap();
    env.ok(&["sync", "--dir", dir]);
    let office = Env::new();
    let out = office.ok(&["sync", "--dir", dir]);
    assert!(!out.contains("拒收"), "{out}");
    let list = office.json(&["finding", "list"]);
    let mut got: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["description"].as_str().unwrap())
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            "灭火器压力不足，指针位于红区",
            "疏散通道堆放杂物",
            "配电室内堆放纸箱等可燃物"
        ]
    );
    let doctor = office.ok(&["doctor"]);
    assert!(doctor.contains("视图与日志重建结果一致"), "{doctor}");
}
