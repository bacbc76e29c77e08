//! `doctor --rebuild` is kill-safe: killed at any moment, the next open shows every finding.
//! The rebuild is stopped at each of its steps (an abort, which like SIGKILL runs no destructor
//! and flushes nothing), and also killed with SIGKILL at several moments of a real run.

use crate::common;
use common::Env;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// The ids `finding list` shows, sorted.
fn listed(env: &Env) -> Vec<String> {
    let v = env.json(&["finding", "list"]);
    let mut ids: Vec<String> = v
        .as_array()
        .expect("array")
        .iter()
        .map(|f| f["id"].as_str().expect("id").to_string())
        .collect();
    ids.sort();
    ids
}

fn demo_env(scale: &str) -> (Env, Vec<String>) {
    let env = Env::new();
    env.ok(&["demo", "--scale", scale]);
    let ids = listed(&env);
    assert!(ids.len() > 10, "the demo must give findings to lose");
    (env, ids)
}

fn assert_whole(env: &Env, ids: &[String], when: &str) {
    assert_eq!(
        listed(env),
        ids,
        "after a kill {when}, findings went missing"
    );
    let doctor = env.json(&["doctor"]);
    assert!(
        doctor["view_mismatches"].as_array().unwrap().is_empty(),
        "after a kill {when}, the views differ from the log: {doctor}"
    );
}

#[test]
fn rebuild_stopped_at_every_step_is_finished_on_the_next_open() {
    for point in ["marked", "cleared", "half", "written", "flushed"] {
        let (env, ids) = demo_env("60");
        let out = env
            .cmd(&["doctor", "--rebuild"])
            .env("XUNCHA_FAULT_REBUILD", point)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run");
        assert!(
            !out.success(),
            "the rebuild must have been stopped at {point}"
        );
        assert_whole(&env, &ids, &format!("at step {point}"));
    }
}

#[test]
fn rebuild_killed_at_several_moments_loses_no_finding() {
    let (env, ids) = demo_env("400");
    // How long one whole rebuild takes here, so the kills land inside it.
    let t = Instant::now();
    env.ok(&["doctor", "--rebuild"]);
    let whole = t.elapsed();
    for tenth in [1u32, 3, 5, 7, 9] {
        let mut child = env
            .cmd(&["doctor", "--rebuild"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(whole * tenth / 10);
        let _ = child.kill();
        child.wait().expect("reap");
        assert_whole(&env, &ids, &format!("at {tenth}/10 of a rebuild"));
    }
    assert!(whole < Duration::from_secs(120));
}
