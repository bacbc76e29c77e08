//! A filter value that names nothing is refused with the values that exist (exit 2), never
//! answered with an empty list or an empty ledger; Chinese line names and a unique part of a
//! facility name are understood.

use crate::common;
use common::Env;

fn run(env: &Env, args: &[&str]) -> (i32, String, String) {
    let out = env.cmd(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn line_and_facility_filters_are_understood_or_refused() {
    let env = Env::new();
    let insp = env.start("西城区中医院", &["fire"]);
    env.add_finding(&insp, "fire", "灭火器过期");

    let (code, out, _) = run(&env, &["finding", "list", "--line", "消防"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("灭火器过期"),
        "a Chinese line name works: {out}"
    );

    let (code, out, _) = run(&env, &["finding", "list", "--facility", "西城区"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("灭火器过期"),
        "a unique part of a name works: {out}"
    );

    let (code, _, err) = run(&env, &["finding", "list", "--line", "消防站"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--line") && err.contains("fire（消防）"),
        "{err}"
    );

    let (code, _, err) = run(&env, &["finding", "list", "--facility", "东城区"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--facility") && err.contains("西城区中医院"),
        "{err}"
    );

    let (code, _, err) = run(&env, &["finding", "list", "--status", "done"]);
    assert_eq!(code, 2);
    assert!(err.contains("open|rectified|closed|overdue"), "{err}");

    let out_file = env.data().join("台账.csv");
    let out_path = out_file.to_str().unwrap();
    let (code, _, err) = run(
        &env,
        &[
            "export",
            "--format",
            "csv",
            "--out",
            out_path,
            "--line",
            "消防站",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(!out_file.exists(), "no empty ledger is written");
}
