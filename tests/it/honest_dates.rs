//! Honest dates (issue 9 point 3): the dates people read come from the writing device's wall
//! clock and offset recorded in each event; the HLC only orders. A clock out of line with what
//! the device holds is named on start, before anything is written.

use crate::common;
use common::Env;

fn with_now(env: &mut Env, now: &str) {
    env.now = now.to_string();
}

fn finding_date(env: &Env, id: &str) -> String {
    let f = env.json(&["finding", "show", id]);
    f["created_at"].as_str().unwrap()[..10].to_string()
}

/// The 发现日期 column of the CSV ledger, by finding id.
fn csv_found(env: &Env, id: &str) -> String {
    let out = env.tmp.path().join(format!("台账-{}.csv", &id[..8]));
    env.ok(&["export", "--format", "csv", "--out", out.to_str().unwrap()]);
    let text = std::fs::read_to_string(&out).unwrap();
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let head = r.headers().unwrap().clone();
    let col = |t: &str| head.iter().position(|h| h == t).unwrap();
    for row in r.records() {
        let row = row.unwrap();
        if &row[col("记录ID")] == id {
            return row[col("发现日期")].to_string();
        }
    }
    panic!("{id} not in the ledger");
}

#[test]
fn one_write_with_the_clock_at_2099_dates_only_that_write() {
    let mut env = Env::new();
    let insp = env.start("临河区人民医院", &["fire"]);
    with_now(&mut env, "2099-03-01T10:00:00+08:00");
    let wrong = env.add_finding(&insp, "fire", "配电室堆放杂物");
    with_now(&mut env, "2026-11-23T10:00:00+08:00");
    // Named on start: the clock is before this device's own last event (2099).
    let out = env.run(&["finding", "list"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("本机时钟（2026-11-23 10:00）早于本机上一条记录的时间（2099-03-01 10:00）"),
        "{err}"
    );
    let right = env.add_finding(&insp, "fire", "消防通道堵塞");
    env.ok(&["finding", "rectify", &right, "--note", "已清理"]);
    assert_eq!(finding_date(&env, &wrong), "2099-03-01");
    assert_eq!(finding_date(&env, &right), "2026-11-23");
    assert_eq!(csv_found(&env, &right), "2026-11-23");
    let f = env.json(&["finding", "show", &right]);
    for h in f["history"].as_array().unwrap() {
        assert!(
            h["at"]
                .as_str()
                .unwrap()
                .starts_with("2026-11-23T10:00:00+08:00"),
            "{h}"
        );
    }
    let shown = env.ok(&["finding", "show", &right]);
    assert!(shown.contains("2026-11-23 10:00"), "{shown}");
    assert!(!shown.contains("2099"), "{shown}");
    // The report counts it on its own day.
    let r = env.json(&["report", "--from", "2026-11-23", "--to", "2026-11-23"]);
    assert_eq!(r["total"]["found"], 1, "{r}");
    // The HLC still orders: the later write sorts after the 2099 one.
    let list = env.json(&["finding", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
}

#[test]
fn the_found_date_is_the_writers_whatever_the_readers_time_zone() {
    let mut env = Env::new();
    // 07:30 in Beijing is the previous day in UTC and in New York.
    with_now(&mut env, "2026-11-22T07:30:00+08:00");
    let insp = env.start("临河区人民医院", &["fire"]);
    let id = env.add_finding(&insp, "fire", "消防通道堵塞");
    for reader in [
        "2026-11-22T07:31:00+08:00",
        "2026-11-21T23:31:00+00:00",
        "2026-11-21T18:31:00-05:00",
    ] {
        with_now(&mut env, reader);
        assert_eq!(finding_date(&env, &id), "2026-11-22", "reader at {reader}");
        assert_eq!(csv_found(&env, &id), "2026-11-22", "reader at {reader}");
        let r = env.json(&["report", "--from", "2026-11-22", "--to", "2026-11-22"]);
        assert_eq!(r["total"]["found"], 1, "reader at {reader}: {r}");
        let f = env.json(&["finding", "show", &id]);
        assert_eq!(f["created_at"], "2026-11-22T07:30:00+08:00");
    }
}

#[test]
fn a_clock_far_ahead_of_everything_held_is_named_before_anything_is_written() {
    let mut env = Env::new();
    let insp = env.start("临河区人民医院", &["fire"]);
    env.add_finding(&insp, "fire", "消防通道堵塞");
    let before = env.events();
    // Same clock: nothing to say.
    let out = env.run(&["finding", "list"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("本机时钟"));
    // Two days ahead: named, first thing on stderr, before the write happens.
    with_now(&mut env, "2026-11-24T09:30:00+08:00");
    let out = env.run(&[
        "finding",
        "add",
        "--inspection",
        &insp,
        "--line",
        "fire",
        "--description",
        "灭火器过期",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("警告：本机时钟（2026-11-24 09:30）比本机保存的最晚一条记录（2026-11-22 09:00）晚一天以上"),
        "{err}"
    );
    assert!(out.status.success());
    assert_eq!(env.events(), before + 1);
    // Less than a day ahead: quiet.
    with_now(&mut env, "2026-11-25T08:00:00+08:00");
    let out = env.run(&["finding", "list"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("本机时钟"));
}

/// The TUI names the clock on start too: the real binary in a pseudo-terminal.
#[test]
fn the_tui_names_a_clock_before_the_last_own_event_on_start() {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    use std::io::Read;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    let mut env = Env::new();
    with_now(&mut env, "2099-03-01T10:00:00+08:00");
    let insp = env.start("临河区人民医院", &["fire"]);
    env.add_finding(&insp, "fire", "配电室堆放杂物");
    std::fs::create_dir_all(env.config()).unwrap();
    std::fs::write(env.config().join("config.toml"), "inspector = \"王检查\"\n").unwrap();

    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 30,
            cols: 160,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_xuncha"));
    cmd.env("XUNCHA_DATA_DIR", env.data());
    cmd.env("XUNCHA_CONFIG_DIR", env.config());
    cmd.env("XUNCHA_NOW", "2026-11-23T10:00:00+08:00");
    cmd.env("TERM", "xterm-256color");
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let mut keys = pty.master.take_writer().unwrap();
    let out = Arc::new(Mutex::new(Vec::new()));
    let sink = out.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    // Text without escape sequences (ratatui moves the cursor around wide glyphs).
    let plain = || {
        let raw = String::from_utf8_lossy(&out.lock().unwrap()).into_owned();
        let mut s = String::new();
        let mut cs = raw.chars().peekable();
        while let Some(c) = cs.next() {
            if c == '\x1b' {
                if cs.peek() == Some(&'[') {
                    cs.next();
                    for d in cs.by_ref() {
                        if ('@'..='~').contains(&d) {
                            break;
                        }
                    }
                } else {
                    cs.next();
                }
            } else {
                s.push(c);
            }
        }
        s
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while !plain().contains("本机时钟") {
        assert!(
            Instant::now() < deadline,
            "the TUI did not name the clock; screen so far:\n{}",
            plain()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    use std::io::Write;
    keys.write_all(b"\x03").unwrap();
    keys.flush().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("xuncha did not quit on Ctrl-c");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
