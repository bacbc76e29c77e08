//! Durability: a `xuncha` killed with SIGKILL while writing loses nothing it had confirmed.
//! Every finding whose id a process printed must be there after reopen.

mod common;
use common::Env;
use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

#[test]
fn sigkill_while_writing_loses_no_printed_finding() {
    let env = Env::new();
    let insp = env.start("临河区妇幼保健院", &["fire"]);
    let mut printed: Vec<String> = Vec::new();
    let mut killed = 0;
    let mut rng = fastrand::Rng::with_seed(7);
    for n in 0..60 {
        let desc = format!("消防通道堵塞 第{n}处");
        let mut child = env
            .cmd(&["finding", "add", "--inspection", &insp, "--line", "fire", "--description", &desc])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        // Kill at a random moment: before, during or after the write and the flush.
        let deadline = Instant::now() + Duration::from_micros(rng.u64(0..60_000));
        loop {
            if child.try_wait().expect("wait").is_some() {
                break;
            }
            if Instant::now() >= deadline {
                child.kill().expect("SIGKILL");
                killed += 1;
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        child.wait().expect("reap");
        let mut out = String::new();
        child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
        let id = out.trim();
        if id.len() == 36 {
            printed.push(id.to_string());
        }
    }
    assert!(killed > 5, "the test must actually kill writers (killed {killed})");
    assert!(!printed.is_empty(), "some writers must finish (none did)");

    let listed = env.json(&["finding", "list"]);
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    for id in &printed {
        assert!(ids.contains(&id.as_str()), "finding {id} was printed but is gone");
    }
    // The views still agree with the log after all those kills.
    let doctor = env.json(&["doctor"]);
    assert_eq!(doctor["log_problems"].as_array().unwrap().len(), 0, "{doctor}");
    assert_eq!(doctor["view_mismatches"].as_array().unwrap().len(), 0, "{doctor}");
    eprintln!("killed {killed} writers, {} printed ids all present", printed.len());
}
