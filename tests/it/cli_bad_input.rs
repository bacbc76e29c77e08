//! Every kind of bad input gets a clear message naming the field, exit status 2, and nothing
//! is written (the event count is unchanged).

use crate::common;
use common::{Env, finding_add};

#[test]
fn bad_input_is_refused_and_nothing_is_written() {
    let env = Env::new();
    let insp = env.start("西城区中医院", &["fire"]);
    let id = env.add_finding(&insp, "fire", "灭火器过期");
    let before = env.events();

    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "inspection",
                "start",
                "--facility",
                "甲医院",
                "--mode",
                "self",
                "--inspector",
                "王",
                "--line",
                "firee",
            ],
            "firee",
        ),
        (
            vec![
                "inspection",
                "start",
                "--facility",
                "  ",
                "--mode",
                "self",
                "--inspector",
                "王",
                "--line",
                "fire",
            ],
            "单位",
        ),
        (
            vec![
                "inspection",
                "answer",
                &insp,
                "hazchem.alcohol-limit",
                "pass",
            ],
            "不在本次检查的防线",
        ),
        (
            vec!["inspection", "answer", &insp, "fire.no-such-item", "pass"],
            "未知检查项",
        ),
        (
            vec!["inspection", "answer", &insp, "fire.exit-clear", "maybe"],
            "检查结果",
        ),
        (
            finding_add(&insp, "fire", "x", &["--due", "2026-02-30"]),
            "整改时限",
        ),
        (
            finding_add(&insp, "fire", "x", &["--due", "2026-11-01"]),
            "早于发现日期",
        ),
        (finding_add(&insp, "fire", "   ", &[]), "问题隐患"),
        (
            finding_add(&insp, "fire", "x", &["--severity", "huge"]),
            "隐患等级",
        ),
        (
            vec![
                "finding",
                "add",
                "--inspection",
                &insp,
                "--item",
                "energy.old-wiring",
                "--description",
                "x",
            ],
            "检查项",
        ),
        (finding_add("0000000000", "fire", "x", &[]), "找不到检查"),
        (vec!["finding", "show", "deadbeefdead"], "找不到隐患"),
        (vec!["finding", "verify", &id, "--pass"], "须先登记整改"),
        (vec!["finding", "verify", &id, "--fail"], "原因"),
        (
            vec!["finding", "rectify", &id, "--note", " "],
            "整改落实情况",
        ),
        (vec!["finding", "edit", &id, "colour", "红"], "未知字段"),
        (vec!["finding", "edit", &id, "due", "+x"], "整改时限"),
        (vec!["finding", "list", "--status", "pending"], "状态"),
        (vec!["report", "--from", "2026-13-01"], "--from"),
        (
            finding_add(&insp, "hazwaste", "x", &[]),
            "不在本次检查的防线",
        ),
        (
            vec![
                "inspection",
                "start",
                "--facility",
                "甲医院",
                "--mode",
                "bogus",
                "--inspector",
                "王",
                "--line",
                "fire",
            ],
            "参数 --mode",
        ),
        (vec!["finding", "rectify", &id], "缺少必填参数：--note"),
    ];
    for (args, needle) in cases {
        let err = env.fails(&args);
        assert!(
            err.contains(needle),
            "{args:?}: expected「{needle}」in: {err}"
        );
        assert_eq!(env.events(), before, "{args:?} wrote something");
    }
}

#[test]
fn a_bad_clock_override_names_the_variable() {
    let mut env = Env::new();
    env.now = "yesterday".into();
    let err = env.fails(&["finding", "list"]);
    assert!(err.contains("XUNCHA_NOW"), "{err}");
}

#[test]
fn checklist_validate_reports_file_and_line() {
    let env = Env::new();
    let dir = env.tmp.path();
    let bad = dir.join("fire.toml");
    std::fs::write(
        &bad,
        r#"line = "fire"
name = "消防"
order = 4
core = true
description = "测试"

[[sections]]
id = "a"
name = "甲"

[[sections.items]]
id = "fire.one"
check = "安全出口畅通"
how = "看"
basis = "实务补充：测试"
severity = "general"
keywords = ["出口"]
hazard = "出口堵塞"
measures = "清理"

[[sections.items]]
id = "fire.one"
check = ""
how = "看"
basis = "实务补充：测试"
severity = "grave"
colour = "red"
keywords = ["出口"]
hazard = "出口堵塞"
measures = "清理"
"#,
    )
    .unwrap();
    let out = env.run(&["checklist", "validate", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    for needle in [
        "fire.toml:22",
        "fire.toml:23",
        "fire.toml:26",
        "fire.toml:27",
    ] {
        assert!(err.contains(needle), "expected {needle} in:\n{err}");
    }
    assert!(err.contains("colour") && err.contains("grave"), "{err}");

    let good = env.ok(&["checklist", "validate", "data/checklists/fire.toml"]);
    assert!(good.contains("通过"), "{good}");
}

#[test]
fn a_data_dir_held_by_another_process_gets_a_clear_message() {
    let env = Env::new();
    env.ok(&["device"]);
    let _held = xuncha::store::Store::open(&env.data()).expect("open");
    let err = env.fails(&["finding", "list"]);
    assert!(err.contains("正被另一个 xuncha 进程使用"), "{err}");
}
