//! `xuncha sync` through the built binary: three data dirs (two inspectors and the office) and
//! one USB folder.

use crate::common;
use common::Env;
use std::path::Path;

fn sync(env: &Env, dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["sync", "--dir", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    env.run(&args)
}

fn sync_json(env: &Env, dir: &Path) -> serde_json::Value {
    env.json(&["sync", "--dir", dir.to_str().unwrap()])
}

fn device(env: &Env) -> String {
    env.json(&["device"])["device_id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn events_in(rep: &serde_json::Value) -> u64 {
    rep["events_in"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["events"].as_u64().unwrap())
        .sum()
}

fn bundles(usb: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for o in std::fs::read_dir(usb.join("xuncha-sync/bundles")).unwrap() {
        for f in std::fs::read_dir(o.unwrap().path()).unwrap() {
            out.push(f.unwrap().path());
        }
    }
    out
}

#[test]
fn two_inspectors_and_the_office_converge_through_one_folder() {
    let (a, b, office) = (Env::new(), Env::new(), Env::new());
    let usb = tempfile::tempdir().unwrap();
    let usb = usb.path();

    let insp = a.start("东城区人民医院", &["fire"]);
    let f = a.add_finding(&insp, "fire", "消防通道堆放杂物");
    let insp_b = b.start("南湖镇卫生院", &["fire"]);
    b.add_finding(&insp_b, "fire", "灭火器压力不足");

    // Each device's first event is its self-description (who works on it, the host name); then
    // the version of 消防 its inspection used, the inspection and the finding.
    let out = a.ok(&["sync", "--dir", usb.to_str().unwrap()]);
    assert!(out.contains("本机新事件 4 条"), "{out}");
    assert!(usb.join("xuncha-sync/FORMAT").exists());

    let rep = sync_json(&b, usb);
    assert_eq!(rep["events_in"][0]["device"], device(&a));
    assert_eq!(events_in(&rep), 4);
    assert_eq!(rep["own_events_out"], 4);

    let rep = sync_json(&office, usb);
    assert_eq!(events_in(&rep), 8);
    assert_eq!(
        rep["events_in"].as_array().unwrap().len(),
        2,
        "events in per device"
    );
    assert_eq!(events_in(&sync_json(&a, usb)), 4);

    // Both inspectors change who is responsible without seeing each other's change.
    a.ok(&["finding", "edit", &f, "responsible", "总务科"]);
    b.ok(&["finding", "edit", &f, "responsible", "保卫科"]);
    sync_json(&a, usb);
    let rep = sync_json(&b, usb);
    assert_eq!(rep["conflicts"].as_array().unwrap().len(), 1, "{rep}");
    assert_eq!(rep["conflicts"][0]["field"], "responsible");
    let out = office.ok(&["sync", "--dir", usb.to_str().unwrap()]);
    assert!(out.contains("冲突：1 处"), "{out}");
    sync_json(&a, usb);

    let list = |e: &Env| e.json(&["finding", "list"]);
    assert_eq!(list(&a), list(&b));
    assert_eq!(list(&a), list(&office));
    assert_eq!(list(&office).as_array().unwrap().len(), 2);
    let shown = office.json(&["finding", "show", &f]);
    assert_eq!(shown["conflicts"].as_array().unwrap().len(), 1, "{shown}");

    // A dry run shows what would come in and changes nothing.
    a.ok(&["finding", "rectify", &f, "--note", "已清理"]);
    sync_json(&a, usb);
    let before = office.events();
    let files = bundles(usb).len();
    let rep = office.json(&["sync", "--dir", usb.to_str().unwrap(), "--dry-run"]);
    assert_eq!(rep["dry_run"], true);
    assert_eq!(events_in(&rep), 1);
    assert_eq!(office.events(), before);
    assert_eq!(bundles(usb).len(), files);
    assert_eq!(events_in(&sync_json(&office, usb)), 1);
    assert_eq!(office.events(), before + 1);
}

#[test]
fn a_torn_bundle_is_read_later_and_repaired_by_the_next_export() {
    let (a, office) = (Env::new(), Env::new());
    let usb = tempfile::tempdir().unwrap();
    let usb = usb.path();
    let insp = a.start("西城区中医院", &["fire"]);
    a.add_finding(&insp, "fire", "安全出口指示灯不亮");
    sync_json(&a, usb);
    let file = bundles(usb).pop().unwrap();
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() - 40]).unwrap();

    // Cut short with no footer: a copy still arriving, not damage. Exit 0, nothing applied.
    let out = sync(&office, usb, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("未传完，下次再读"), "{stdout}");
    assert!(!stdout.contains("拒收"), "{stdout}");
    assert_eq!(office.events(), 0);

    let out = a.ok(&["sync", "--dir", usb.to_str().unwrap()]);
    assert!(out.contains("修复"), "{out}");
    let out = sync(&office, usb, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        office.events(),
        4,
        "description, checklist version, inspection, finding"
    );
}

#[test]
fn an_altered_bundle_is_rejected_with_exit_3_and_repaired_by_the_next_export() {
    let (a, office) = (Env::new(), Env::new());
    let usb = tempfile::tempdir().unwrap();
    let usb = usb.path();
    let insp = a.start("西城区中医院", &["fire"]);
    a.add_finding(&insp, "fire", "安全出口指示灯不亮");
    sync_json(&a, usb);
    let file = bundles(usb).pop().unwrap();
    let written = std::fs::metadata(&file).unwrap().modified().unwrap();
    let mut bytes = std::fs::read(&file).unwrap();
    let n = bytes.len();
    bytes[n - 50] ^= 0x01;
    std::fs::write(&file, &bytes).unwrap();
    // The same size; and a file system's clock ticks coarsely (4 ms here, 2 s on a FAT
    // stick), so a rewrite this quick may keep the very mtime the writer noted, and the writer
    // would take the file for the one it verified (name, size, mtime) and not repair it. An
    // alteration on a stick comes later than that: say so, whatever the machine's load.
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(written + std::time::Duration::from_secs(3))
        .unwrap();

    let out = sync(&office, usb, &[]);
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("拒收：1 个同步包") && stdout.contains("校验和不符"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("拒收"));
    assert_eq!(office.events(), 0);

    let out = a.ok(&["sync", "--dir", usb.to_str().unwrap()]);
    assert!(out.contains("修复"), "{out}");
    let out = sync(&office, usb, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        office.events(),
        4,
        "description, checklist version, inspection, finding"
    );
}

#[test]
fn an_unusable_folder_exits_2_with_the_reason() {
    let env = Env::new();
    let missing = env.tmp.path().join("stick-not-plugged-in");
    let out = sync(&env, &missing, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不存在"));

    let other = tempfile::tempdir().unwrap();
    std::fs::create_dir(other.path().join("xuncha-sync")).unwrap();
    std::fs::write(other.path().join("xuncha-sync/notes.txt"), "mine").unwrap();
    let err = env.fails(&["sync", "--dir", other.path().to_str().unwrap()]);
    assert!(err.contains("不是 xuncha 同步文件夹"), "{err}");
    assert!(
        !other.path().join("xuncha-sync/bundles").exists(),
        "nothing written"
    );
}

/// The field trial's smallest repro (real-sync.md F1): a Syncthing conflict copy of a bundle
/// made every sync on every device exit 3. It is the engine's file: ignored, exit 0, always.
#[test]
fn a_syncthing_conflict_copy_is_ignored_with_exit_0() {
    let (a, office) = (Env::new(), Env::new());
    let usb = tempfile::tempdir().unwrap();
    let usb = usb.path();
    let insp = a.start("医院", &["fire"]);
    a.add_finding(&insp, "fire", "灭火器过期");
    sync_json(&a, usb);
    let b = bundles(usb).pop().unwrap();
    let stem = b.file_stem().unwrap().to_string_lossy().into_owned();
    let copy = b.with_file_name(format!(
        "{stem}.sync-conflict-20261201-090000-GPVCES7.bundle"
    ));
    std::fs::copy(&b, &copy).unwrap();
    let mut cut = std::fs::read(&b).unwrap();
    cut.truncate(cut.len() - 100);
    std::fs::write(
        b.with_file_name(format!(
            "{stem}.sync-conflict-20261129-184536-GPVCES7.bundle"
        )),
        cut,
    )
    .unwrap();
    for env in [&a, &office, &a, &office] {
        let out = sync(env, usb, &[]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{stdout}");
        assert!(
            stdout.contains("忽略：2 个不属于 xuncha 的文件（同步软件的冲突副本 2 个）"),
            "{stdout}"
        );
        assert!(
            !stdout.contains("损坏") && !stdout.contains("拒收"),
            "{stdout}"
        );
    }
    assert_eq!(office.events(), a.events());
}
