//! The clock check on start (issue 9 point 3) on a device that has only imported events,
//! all from a device whose clock once ran at 2099: it has seen no time to compare with, and
//! must not warn that its clock is "a day ahead of the latest record (1970-01-01 08:00)".

use crate::common;

use common::Env;

#[test]
fn a_device_holding_only_far_future_imports_names_no_1970_record() {
    let mut writer = Env::new();
    writer.now = "2099-03-01T10:00:00+08:00".into();
    writer.start("甲医院", &["fire"]);
    writer.now = common::NOW.into();
    let insp = writer.start("乙医院", &["fire"]);
    writer.add_finding(&insp, "fire", "一楼东侧安全出口被杂物堵塞");
    let stick = writer.tmp.path().join("stick");
    std::fs::create_dir_all(&stick).unwrap();
    writer.ok(&["sync", "--dir", stick.to_str().unwrap()]);

    let reader = Env::new();
    reader.ok(&["sync", "--dir", stick.to_str().unwrap()]);
    let out = reader.run(&["finding", "list"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("1970"), "names a 1970 record: {err}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("一楼东侧安全出口被杂物堵塞"),
        "the imported finding is listed"
    );
}
