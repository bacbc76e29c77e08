//! The log in runs: `doctor --compact` keeps up to eight consecutive events of a device under
//! one key (`store::log_runs`). A compacted store reads, syncs, and settles a fork whose losing
//! events sit inside a run exactly as a store of single keys does.

use crate::common;
use common::{Env, copy_dir};
use std::path::Path;

fn descriptions(env: &Env) -> Vec<String> {
    let mut d: Vec<String> = env
        .json(&["finding", "list"])
        .as_array()
        .expect("list")
        .iter()
        .map(|f| f["description"].as_str().expect("description").to_string())
        .collect();
    d.sort();
    d
}

fn sync(env: &Env, folder: &Path) {
    env.ok(&["sync", "--dir", folder.to_str().expect("utf-8 path")]);
}

fn device(env: &Env) -> String {
    env.json(&["device"])["device_id"]
        .as_str()
        .expect("device id")
        .to_string()
}

fn clean(env: &Env) {
    let doctor = env.ok(&["doctor"]);
    assert!(doctor.contains("视图与日志重建结果一致"), "{doctor}");
}

#[test]
fn a_fork_inside_runs_settles_and_every_store_ends_with_every_hazard() {
    let original = Env::new();
    let insp = original.start("西城区中医医院", &["fire"]);
    let mut expected = vec![];
    for i in 0..4 {
        let d = format!("灭火器压力不足（第{i}处）");
        original.add_finding(&insp, "fire", &d);
        expected.push(d);
    }
    let copy = Env::new();
    copy_dir(&original.data(), &copy.data());
    // Both write under the one device id from the same seq on, then keep them in runs: the
    // losing side's events from the fork on sit inside a run.
    for (env, who) in [(&original, "甲"), (&copy, "乙")] {
        for i in 0..5 {
            let d = format!("{who}：疏散通道堆放杂物（第{i}处）");
            env.add_finding(&insp, "fire", &d);
            expected.push(d);
        }
        let events = env.events();
        env.ok(&["doctor", "--compact"]);
        assert_eq!(env.events(), events);
        clean(env);
    }
    expected.sort();
    let office = Env::new();
    let folder = office.tmp.path().join("share");
    std::fs::create_dir_all(&folder).expect("folder");
    let id = device(&original);
    for _ in 0..3 {
        for env in [&original, &copy, &office] {
            sync(env, &folder);
        }
    }
    for env in [&original, &copy, &office] {
        assert_eq!(descriptions(env), expected);
        clean(env);
    }
    // Exactly one of the two copies kept the id.
    let kept = [&original, &copy]
        .iter()
        .filter(|e| device(e) == id)
        .count();
    assert_eq!(kept, 1);
    // And the office compacts what it received and still reads it all.
    office.ok(&["doctor", "--compact"]);
    assert_eq!(descriptions(&office), expected);
    clean(&office);
}
