//! `doctor --compact` and the demo's own compaction rewrite the database without sled's old
//! page versions: the data dir gets smaller, nothing of the record changes, and no working
//! file is left beside `db`.

use crate::common;
use common::Env;

fn listing(env: &Env) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(env.data())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn compacting_keeps_every_record_and_frees_space() {
    let env = Env::new();
    let insp = env.start("朝阳区妇幼保健院", &["fire"]);
    for i in 0..30 {
        let id = env.add_finding(&insp, "fire", &format!("库房灭火器压力不足（第{i}处）"));
        env.ok(&["finding", "rectify", &id, "--note", "已更换灭火器"]);
    }
    let before_list = env.ok(&["finding", "list"]);
    let events = env.events();
    let out = env.json(&["doctor", "--compact"]);
    let (before, after) = (
        out["bytes_before"].as_u64().unwrap(),
        out["bytes_after"].as_u64().unwrap(),
    );
    assert!(after < before, "{before} → {after}");
    assert_eq!(listing(&env), ["db", "device.key"]);
    assert_eq!(env.ok(&["finding", "list"]), before_list);
    assert_eq!(env.events(), events);
    let doctor = env.ok(&["doctor"]);
    assert!(doctor.contains("视图与日志重建结果一致"), "{doctor}");
    // And it keeps writing.
    env.add_finding(&insp, "fire", "疏散指示灯不亮");
    assert!(env.ok(&["finding", "list"]).contains("疏散指示灯不亮"));
    // A small store's sizes read in KB, not as "0.0 MB".
    let said = env.ok(&["doctor", "--compact"]);
    assert!(said.contains(" KB；用时"), "{said}");
    assert!(!said.contains("0.0 MB"), "{said}");
}

#[test]
fn the_demo_leaves_a_compacted_store() {
    let env = Env::new();
    let out = env.ok(&["demo", "--scale", "60"]);
    assert!(out.contains("60 条隐患"), "{out}");
    assert_eq!(listing(&env), ["db", "device.key"]);
    let doctor = env.ok(&["doctor"]);
    assert!(doctor.contains("视图与日志重建结果一致"), "{doctor}");
    let list = env.json(&["finding", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 60);
}
