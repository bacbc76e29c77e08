//! Who holds what: every sync leaves the device's version vector in the folder, and the sync
//! report and `device` say, per other device by the person's name, when it last synced and
//! whether it holds our events.

use crate::common;

use common::Env;

fn at(e: &mut Env, now: &str) {
    e.now = now.to_string();
}

/// Runs as the person `who` (the name a device's events are signed with); must succeed.
fn ok_as(e: &Env, who: &str, args: &[&str]) -> String {
    let o = e.cmd(args).env("XUNCHA_USER", who).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn sync(e: &Env, dir: &std::path::Path) -> String {
    let mut c = e.cmd(&["sync", "--dir", dir.to_str().unwrap()]);
    let o = c.output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    text
}

#[test]
fn the_report_names_a_device_that_lacks_our_events() {
    let mut a = Env::new();
    let mut office = Env::new();
    let folder = a.tmp.path().join("share");
    std::fs::create_dir_all(&folder).unwrap();

    // Day 1: the office (王芳) syncs first; then inspector 张三 records 13 events (its
    // self-description, the version of 消防 it used, an inspection, ten findings) and syncs.
    at(&mut office, "2026-12-01T09:00:00+08:00");
    let oi = ok_as(
        &office,
        "王芳",
        &[
            "inspection",
            "start",
            "--facility",
            "卫健局",
            "--mode",
            "supervision",
            "--inspector",
            "王芳",
            "--line",
            "fire",
        ],
    );
    assert!(!oi.trim().is_empty());
    let o = sync(&office, &folder);
    assert!(!o.contains("尚未收到"), "{o}");

    at(&mut a, "2026-12-01T10:00:00+08:00");
    let ia = ok_as(
        &a,
        "张三",
        &[
            "inspection",
            "start",
            "--facility",
            "市第一人民医院",
            "--mode",
            "self",
            "--inspector",
            "张三",
            "--line",
            "fire",
        ],
    );
    for k in 1..=10 {
        let d = format!("灭火器过期 {k}");
        ok_as(
            &a,
            "张三",
            &[
                "finding",
                "add",
                "--inspection",
                ia.trim(),
                "--line",
                "fire",
                "--description",
                &d,
            ],
        );
    }
    sync(&a, &folder);

    // Day 4: the office has not synced since; 张三's sync and `device` say so, by name.
    at(&mut a, "2026-12-04T17:00:00+08:00");
    let out = sync(&a, &folder);
    assert!(
        out.contains("王芳") && out.contains("尚未收到本机 3 天以来的 13 条事件"),
        "{out}"
    );
    assert!(out.contains("上次同步 2026-12-01 09:00"), "{out}");
    let dev = a.ok(&["device"]);
    assert!(
        dev.contains("王芳") && dev.contains("尚未收到本机 3 天以来的 13 条事件"),
        "{dev}"
    );
    let list = a.ok(&["device", "list"]);
    assert!(
        list.contains("王芳") && list.contains("尚未收到本机 3 天以来的 13 条事件"),
        "{list}"
    );
    let rows = a.json(&["device", "list"]);
    assert_eq!(rows[0]["lacks"], 13, "{rows}");
    assert!(rows[0]["name"].as_str().unwrap().contains("王芳"), "{rows}");
    let peers = a.json(&["device"])["peers"].clone();
    assert_eq!(peers.as_array().unwrap().len(), 1, "{peers}");
    assert_eq!(peers[0]["lacks"], 13);

    // The office syncs; now 张三 sees that it holds everything.
    at(&mut office, "2026-12-04T18:00:00+08:00");
    let o = sync(&office, &folder);
    assert!(
        o.contains("张三") && o.contains("已收到本机全部事件"),
        "{o}"
    );
    at(&mut a, "2026-12-04T19:00:00+08:00");
    let out = sync(&a, &folder);
    assert!(
        out.contains("王芳") && out.contains("已收到本机全部事件（上次同步 2026-12-04 18:00）"),
        "{out}"
    );
    assert_eq!(a.json(&["device"])["peers"][0]["lacks"], 0);
}

#[test]
fn a_device_that_never_left_a_note_is_named_as_such() {
    let a = Env::new();
    let b = Env::new();
    let folder = a.tmp.path().join("share");
    std::fs::create_dir_all(&folder).unwrap();
    let ib = b.start("区妇幼保健院", &["fire"]);
    b.add_finding(&ib, "fire", "消防栓被遮挡");
    sync(&b, &folder);
    // An older xuncha (or a note lost on the way) leaves no holds note: remove B's.
    std::fs::remove_dir_all(folder.join("xuncha-sync/holds")).unwrap();
    let out = sync(&a, &folder);
    assert!(
        out.contains("测试员") && out.contains("没有留下同步记录"),
        "{out}"
    );
}
