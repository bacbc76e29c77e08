//! An import (and a demo's bulk write) stopped between the log and the views loses nothing:
//! the next open rebuilds the views from the log, every imported finding is there once, and
//! the next sync brings nothing twice. The stop is an abort at a named point
//! (`XUNCHA_FAULT_APPLY`), which like SIGKILL runs no destructor.

use crate::common;
use common::Env;
use std::path::Path;
use std::process::Stdio;

/// `finding list --json` as (id, status, description), sorted.
fn findings(env: &Env) -> Vec<(String, String, String)> {
    let v = env.json(&["finding", "list"]);
    let mut rows: Vec<_> = v
        .as_array()
        .expect("array")
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (s("id"), s("status"), s("description"))
        })
        .collect();
    rows.sort();
    rows
}

fn assert_views_match_log(env: &Env, when: &str) {
    let doctor = env.json(&["doctor"]);
    for k in ["view_mismatches", "log_problems"] {
        assert!(
            doctor[k].as_array().expect(k).is_empty(),
            "after a stop {when}, doctor finds {k}: {doctor}"
        );
    }
}

fn sync_dir(usb: &Path) -> [&str; 3] {
    ["sync", "--dir", usb.to_str().expect("utf-8 path")]
}

/// An inspector's store with findings in several states, written to `usb`.
fn source(usb: &Path) -> Env {
    let a = Env::new();
    let insp = a.start("东城区人民医院", &["fire"]);
    for d in ["消防通道堆放杂物", "灭火器压力不足", "应急照明不亮"] {
        a.add_finding(&insp, "fire", d);
    }
    let f = a.add_finding(&insp, "fire", "安全出口指示牌损坏");
    a.ok(&["finding", "rectify", &f, "--note", "已更换指示牌"]);
    a.ok(&sync_dir(usb));
    a
}

#[test]
fn import_stopped_between_log_and_views_keeps_every_event_once() {
    for point in ["logged", "viewed"] {
        let usb = tempfile::tempdir().expect("usb");
        let a = source(usb.path());
        let office = Env::new();
        let stopped = office
            .cmd(&sync_dir(usb.path()))
            .env("XUNCHA_FAULT_APPLY", point)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run");
        assert!(
            !stopped.success(),
            "the import must have stopped at {point}"
        );

        // The next command opens the store: the views are rebuilt from the log first.
        assert_eq!(findings(&office), findings(&a), "stopped at {point}");
        assert_views_match_log(&office, &format!("at {point}"));
        let events = office.events();

        // The bundle is read again: nothing in it is new, nothing is added twice.
        let again = office.json(&sync_dir(usb.path()));
        let new: u64 = again["events_in"]
            .as_array()
            .expect("events_in")
            .iter()
            .map(|d| d["events"].as_u64().expect("events"))
            .sum();
        assert_eq!(new, 0, "stopped at {point}, the resync brought {again}");
        assert_eq!(office.events(), events);
        assert_eq!(findings(&office), findings(&a));
        assert_views_match_log(&office, &format!("at {point}, then a sync"));
    }
}

#[test]
fn demo_stopped_between_log_and_views_opens_with_views_equal_to_the_log() {
    let env = Env::new();
    let stopped = env
        .cmd(&["demo", "--scale", "60"])
        .env("XUNCHA_FAULT_APPLY", "logged")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run");
    assert!(!stopped.success(), "the demo must have stopped");
    let written = env.events();
    assert!(
        written > 64,
        "the stopped batch is in the log: {written} events"
    );
    assert!(!findings(&env).is_empty(), "its findings are shown");
    assert_views_match_log(&env, "in a demo batch");
}
