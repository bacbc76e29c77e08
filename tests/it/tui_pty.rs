//! The real binary in a pseudo-terminal: first run, a short inspection with one failed item
//! saved from its pre-filled form, Ctrl-c; then the CLI sees exactly what was typed.

use crate::common;

use common::pty::{Screen, spawn};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use xuncha::catalog::Catalog;

const BIN: &str = env!("CARGO_BIN_EXE_xuncha");
const NOW: &str = "2026-11-22T09:00:00+08:00";

fn cli(data: &Path, config: &Path, args: &[&str]) -> serde_json::Value {
    let out = Command::new(BIN)
        .args(args)
        .env("XUNCHA_DATA_DIR", data)
        .env("XUNCHA_CONFIG_DIR", config)
        .env("XUNCHA_NOW", NOW)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_short_inspection_typed_in_a_real_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = dir.path().join("config");
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 30,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(BIN);
    cmd.env("XUNCHA_DATA_DIR", &data);
    cmd.env("XUNCHA_CONFIG_DIR", &config);
    cmd.env("XUNCHA_NOW", NOW);
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("NO_COLOR");
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let mut keys = pty.master.take_writer().unwrap();
    let screen = Screen {
        out: Arc::new(Mutex::new(Vec::new())),
    };
    let sink = screen.out.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    let mut send = |s: &str| {
        keys.write_all(s.as_bytes()).unwrap();
        keys.flush().unwrap();
        std::thread::sleep(Duration::from_millis(150));
    };
    let mut seen = 0;
    screen.wait_for("欢迎使用巡查", &mut seen);
    send("赵六");
    send("\r");
    screen.wait_for("待同步事件", &mut seen);
    send("n");
    screen.wait_for("受检单位", &mut seen);
    send("北苑社区卫生服务中心");
    send("\t\t\t\t");
    let catalog = Catalog::builtin();
    let fire = catalog.lines.iter().position(|l| l.line == "fire").unwrap() + 1;
    send(&fire.to_string());
    send("\x13"); // Ctrl-s: start
    screen.wait_for("总进度", &mut seen);
    send("p");
    send("f");
    screen.wait_for("登记隐患", &mut seen);
    // Ctrl-s names the blank 部位 and 责任单位及人员; a second Ctrl-s saves on purpose.
    send("\x13");
    send("\x13");
    screen.wait_for("已保存", &mut seen);
    send("p");
    send("\x03"); // Ctrl-c
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "xuncha did not quit on Ctrl-c");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    // The terminal was given back: the alternate screen was left at the end.
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        screen.text().contains("\x1b[?1049l"),
        "alternate screen not left"
    );

    let second = catalog
        .items_of(&["fire".to_string()])
        .nth(1)
        .unwrap()
        .clone();
    let findings = cli(&data, &config, &["finding", "list", "--json"]);
    let list = findings.as_array().unwrap();
    assert_eq!(list.len(), 1, "{findings}");
    let f = &list[0];
    assert_eq!(f["facility"], "北苑社区卫生服务中心");
    assert_eq!(f["item_id"], second.id.as_str());
    assert_eq!(f["description"], second.hazard.as_str());
    assert_eq!(f["status"], "open");
    assert_eq!(f["line"], "fire");
    let insp = cli(&data, &config, &["inspection", "list", "--json"]);
    assert_eq!(insp[0]["answered"], 3);
    assert_eq!(insp[0]["inspectors"][0], "赵六");
    assert!(insp[0]["finished_at"].is_null());
    let cfg = std::fs::read_to_string(config.join("config.toml")).unwrap();
    assert!(cfg.contains("赵六"));
}

#[test]
fn a_form_killed_mid_typing_comes_back_on_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = dir.path().join("config");
    let (mut child, screen, mut keys, _master) = spawn(&data, &config);
    let send = |keys: &mut Box<dyn Write + Send>, s: &str| {
        keys.write_all(s.as_bytes()).unwrap();
        keys.flush().unwrap();
        std::thread::sleep(Duration::from_millis(150));
    };
    let mut seen = 0;
    screen.wait_for("欢迎使用巡查", &mut seen);
    send(&mut keys, "赵六");
    send(&mut keys, "\r");
    screen.wait_for("待同步事件", &mut seen);
    send(&mut keys, "n");
    screen.wait_for("受检单位", &mut seen);
    send(&mut keys, "北苑社区卫生服务中心");
    send(&mut keys, "\t\t\t\t");
    let catalog = Catalog::builtin();
    let fire = catalog.lines.iter().position(|l| l.line == "fire").unwrap() + 1;
    send(&mut keys, &fire.to_string());
    send(&mut keys, "\x13"); // Ctrl-s: start
    screen.wait_for("总进度", &mut seen);
    send(&mut keys, "p");
    send(&mut keys, "f");
    screen.wait_for("登记隐患", &mut seen);
    send(&mut keys, "住院部5楼");
    screen.wait_for("住院部5楼", &mut seen);
    // The draft is written once typing pauses (debounced); then the process is killed.
    std::thread::sleep(Duration::from_millis(1200));
    let pid = child.process_id().expect("a pid");
    let killed = Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "xuncha survived kill -9");
        std::thread::sleep(Duration::from_millis(50));
    }
    let second = catalog
        .items_of(&["fire".to_string()])
        .nth(1)
        .unwrap()
        .clone();
    // Nothing of the form was stored: no finding, the item not answered.
    let findings = cli(&data, &config, &["finding", "list", "--json"]);
    assert_eq!(findings.as_array().unwrap().len(), 0, "{findings}");
    let insp = cli(&data, &config, &["inspection", "list", "--json"]);
    assert_eq!(insp[0]["answered"], 1);

    // Reopen: home says there is a draft; Enter on the inspection brings the form back.
    let (mut child, screen, mut keys, _master) = spawn(&data, &config);
    let mut seen = 0;
    screen.wait_for("未保存的隐患草稿", &mut seen);
    send(&mut keys, "\r");
    // Only changed cells are redrawn: the message's 已恢复 may already be on screen.
    screen.wait_for("上次未保存的隐患草稿", &mut seen);
    assert!(screen.plain().contains("住院部5楼"));
    // Ctrl-s names the blank 责任单位及人员; a second saves the answer and the hazard.
    send(&mut keys, "\x13");
    send(&mut keys, "\x13");
    screen.wait_for("已保存", &mut seen);
    send(&mut keys, "\x03"); // Ctrl-c
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "xuncha did not quit on Ctrl-c");
        std::thread::sleep(Duration::from_millis(50));
    }
    let findings = cli(&data, &config, &["finding", "list", "--json"]);
    let list = findings.as_array().unwrap();
    assert_eq!(list.len(), 1, "{findings}");
    assert_eq!(list[0]["item_id"], second.id.as_str());
    assert_eq!(list[0]["location"], "住院部5楼");
    let insp = cli(&data, &config, &["inspection", "list", "--json"]);
    assert_eq!(insp[0]["answered"], 2);
    assert!(!data.join("drafts").join("finding.json").exists());
}
