//! A full disk still allows every read (issue 9 point 5): list, show, search, export, report,
//! doctor work on a data dir whose disk has no byte free; writes and sync are refused with the
//! reason and what to do; after space is freed, writing works and nothing was lost.
//! The full disk is a 3 MB tmpfs, which needs root (the CI runner); elsewhere the test says it
//! did not run.

use crate::common;

use common::Env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A small tmpfs mounted for the test, unmounted on drop (also when an assertion fails).
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=3m", "tmpfs"])
            .arg(at)
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then(|| Tmpfs(at.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// Writes zeros until the disk refuses another byte.
fn fill(dir: &Path) -> PathBuf {
    use std::io::Write;
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).unwrap();
    let block = vec![0u8; 64 * 1024];
    while f.write_all(&block).is_ok() {}
    let small = [0u8; 512];
    while f.write_all(&small).is_ok() {}
    let _ = f.sync_all();
    path
}

#[test]
fn a_full_disk_still_allows_every_read_and_refuses_writes_with_the_reason() {
    let outer = Env::new();
    let Some(disk) = Tmpfs::mount(&outer.tmp.path().join("disk")) else {
        eprintln!("full_disk: not run (mounting a tmpfs needs root)");
        return;
    };
    // The data dir on the small disk; config and outputs elsewhere.
    let env = Env {
        tmp: tempfile::tempdir_in(&disk.0).unwrap(),
        now: common::NOW.to_string(),
    };
    let insp = env.start("东城区人民医院", &["fire"]);
    let id = env.add_finding(&insp, "fire", "灭火器压力不足");
    let before = env.ok(&["--json", "finding", "list"]);
    let filler = fill(&disk.0);

    for args in [
        vec!["finding", "list"],
        vec!["finding", "show", id.as_str()],
        vec!["search", "灭火器"],
        vec!["report"],
        vec!["doctor"],
        vec!["device"],
    ] {
        let out = env.ok(&args);
        assert!(!out.is_empty(), "{args:?}");
    }
    assert_eq!(env.ok(&["--json", "finding", "list"]), before);
    let csv = outer.tmp.path().join("台账.csv");
    env.ok(&["export", "--format", "csv", "--out", csv.to_str().unwrap()]);
    assert!(
        std::fs::read_to_string(&csv)
            .unwrap()
            .contains("灭火器压力不足")
    );

    let err = env.fails(&[
        "finding",
        "add",
        "--inspection",
        &insp,
        "--line",
        "fire",
        "--description",
        "安全出口指示灯不亮",
    ]);
    assert!(
        err.contains("磁盘已满") && err.contains("腾出空间"),
        "{err}"
    );
    let share = outer.tmp.path().join("share");
    std::fs::create_dir_all(&share).unwrap();
    let err = env.fails(&["sync", "--dir", share.to_str().unwrap()]);
    assert!(err.contains("磁盘已满"), "{err}");

    // Space freed: writing works and nothing was lost.
    std::fs::remove_file(filler).unwrap();
    env.add_finding(&insp, "fire", "安全出口指示灯不亮");
    let list = env.ok(&["finding", "list"]);
    assert!(list.contains("灭火器压力不足") && list.contains("安全出口指示灯不亮"));
    drop(env);
}
