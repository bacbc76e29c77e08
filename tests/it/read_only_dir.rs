//! A data dir this user cannot write still allows every read (issue 9 point 5): list, show,
//! search, export, report, doctor — and every write is refused with the reason, nothing
//! changed. As root (the test runner) the binary runs as `nobody` through `setpriv`, since
//! root ignores file modes; otherwise the data dir is made read-only with chmod.

use crate::common;

use common::Env;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

const NOBODY: &str = "65534";

fn is_root() -> bool {
    let out = Command::new("id").arg("-u").output().expect("id -u");
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

fn chmod_tree(p: &Path, write: bool) {
    let meta = std::fs::symlink_metadata(p).unwrap();
    let mut mode = meta.permissions().mode();
    mode = if write { mode | 0o200 } else { mode & !0o222 };
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    if meta.is_dir() {
        for e in std::fs::read_dir(p).unwrap() {
            chmod_tree(&e.unwrap().path(), write);
        }
    }
}

/// Runs xuncha as a user who can read but not write the data dir.
fn run_read_only(env: &Env, args: &[&str]) -> Output {
    let mut c = env.cmd(args);
    if is_root() {
        let program = c.get_program().to_owned();
        let mut s = Command::new("setpriv");
        s.args(["--reuid", NOBODY, "--regid", NOBODY, "--clear-groups"])
            .arg(program)
            .args(c.get_args());
        for (k, v) in c.get_envs() {
            match v {
                Some(v) => s.env(k, v),
                None => s.env_remove(k),
            };
        }
        c = s;
    }
    c.output().expect("run xuncha")
}

fn ok(env: &Env, args: &[&str]) -> String {
    let out = run_read_only(env, args);
    assert!(
        out.status.success(),
        "xuncha {args:?} on a read-only data dir failed ({:?}):\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_read_only_data_dir_reads_everything_and_refuses_writes() {
    let env = Env::new();
    let insp = env.start("南湖区人民医院", &["fire"]);
    let id = env.add_finding(&insp, "fire", "一楼东侧安全出口被杂物堵塞");
    let before = env.ok(&["--json", "finding", "list"]);
    let out_dir = env.tmp.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    if is_root() {
        // nobody must reach the binary's inputs and write only the exports.
        std::fs::set_permissions(env.tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(&out_dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        let st = Command::new("chown")
            .args(["-R", &format!("{NOBODY}:{NOBODY}")])
            .arg(env.data())
            .status()
            .unwrap();
        assert!(st.success());
        if Command::new("setpriv").arg("--version").output().is_err() {
            eprintln!("setpriv missing: cannot drop root; test not run");
            return;
        }
    }
    chmod_tree(&env.data(), false);

    let list = ok(&env, &["--json", "finding", "list"]);
    assert_eq!(list, before, "the same findings, read from a read-only dir");
    assert!(ok(&env, &["finding", "show", &id]).contains("一楼东侧安全出口被杂物堵塞"));
    ok(&env, &["search", "安全出口"]);
    assert!(ok(&env, &["report"]).contains("南湖区人民医院"));
    assert!(ok(&env, &["doctor"]).contains("检查通过"));
    for (format, name) in [("csv", "t.csv"), ("xlsx", "t.xlsx")] {
        let path = out_dir.join(name);
        ok(
            &env,
            &[
                "export",
                "--format",
                format,
                "--out",
                path.to_str().unwrap(),
            ],
        );
        assert!(path.exists(), "{name} written");
    }

    let stick = env.tmp.path().join("stick");
    for args in [
        vec!["finding", "comment", id.as_str(), "写不进去"],
        vec!["doctor", "--rebuild"],
        vec!["sync", "--dir", stick.to_str().unwrap()],
    ] {
        let out = run_read_only(&env, &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("只读"),
            "{args:?} names the read-only dir: {err}"
        );
    }

    chmod_tree(&env.data(), true);
    assert_eq!(
        env.ok(&["--json", "finding", "list"]),
        before,
        "nothing changed"
    );
    assert!(!stick.exists(), "sync wrote nothing");
}
