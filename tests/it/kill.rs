//! Durability: a `xuncha` killed with SIGKILL while writing loses nothing it had confirmed.
//! Every finding whose id a process printed must be there after reopen.

use crate::common;
use common::Env;
use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Runs one `finding add`, SIGKILLed `kill_after` after its start if still running; returns
/// the id it printed (if it got that far), whether it was killed, and how long it ran.
fn add_killed_after(
    env: &Env,
    insp: &str,
    desc: &str,
    kill_after: Option<Duration>,
) -> (Option<String>, bool, Duration) {
    let started = Instant::now();
    let mut child = env
        .cmd(&[
            "finding",
            "add",
            "--inspection",
            insp,
            "--line",
            "fire",
            "--description",
            desc,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut killed = false;
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if kill_after.is_some_and(|k| started.elapsed() >= k) {
            child.kill().expect("SIGKILL");
            killed = true;
            break;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    child.wait().expect("reap");
    let ran = started.elapsed();
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let id = out.trim();
    ((id.len() == 36).then(|| id.to_string()), killed, ran)
}

#[test]
fn sigkill_while_writing_loses_no_printed_finding() {
    let env = Env::new();
    let insp = env.start("临河区妇幼保健院", &["fire"]);
    let mut printed: Vec<String> = Vec::new();
    let mut killed = 0;
    let mut rng = fastrand::Rng::with_seed(7);
    // Kill points are spread over how long a whole `finding add` takes now (the median of the
    // writers let run so far), not over a fixed span: machine load changes that tenfold, and a
    // fixed span then kills every writer before it starts, or none. Every third writer runs
    // to the end; the others are killed at a random moment up to 1.2 times that span (before,
    // during or just after the write, the flush and the printed id).
    let mut whole: Vec<Duration> = Vec::new();
    for n in 0..60 {
        let desc = format!("消防通道堵塞 第{n}处");
        let kill_after = (n % 3 != 0 && !whole.is_empty()).then(|| {
            let mut sorted = whole.clone();
            sorted.sort();
            sorted[sorted.len() / 2].mul_f64(rng.f64() * 1.2)
        });
        let (id, was_killed, ran) = add_killed_after(&env, &insp, &desc, kill_after);
        if kill_after.is_none() {
            whole.push(ran);
        }
        killed += usize::from(was_killed);
        printed.extend(id);
    }
    assert!(
        killed > 5,
        "the test must actually kill writers (killed {killed})"
    );
    assert!(!printed.is_empty(), "some writers must finish (none did)");

    let listed = env.json(&["finding", "list"]);
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    for id in &printed {
        assert!(
            ids.contains(&id.as_str()),
            "finding {id} was printed but is gone"
        );
    }
    // The views still agree with the log after all those kills.
    let doctor = env.json(&["doctor"]);
    assert_eq!(
        doctor["log_problems"].as_array().unwrap().len(),
        0,
        "{doctor}"
    );
    assert_eq!(
        doctor["view_mismatches"].as_array().unwrap().len(),
        0,
        "{doctor}"
    );
    eprintln!(
        "killed {killed} writers, {} printed ids all present",
        printed.len()
    );
}
