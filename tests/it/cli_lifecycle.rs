//! The whole closed loop through the built binary: start, answer, record, rectify, verify fail,
//! rectify, verify pass → closed; and overdue and escalation with a pinned clock.

use crate::common;
use common::Env;

#[test]
fn whole_lifecycle_through_the_cli() {
    let env = Env::new();
    let insp = env.start("南湖区人民医院", &["fire"]);
    assert_eq!(insp.len(), 36, "prints the new inspection id: {insp}");

    let out = env.ok(&["inspection", "answer", &insp, "fire.exit-clear", "fail"]);
    assert!(out.contains("不合格"), "{out}");
    env.ok(&["inspection", "answer", &insp, "fire.extinguisher", "pass"]);

    let id = env
        .ok(&[
            "finding",
            "add",
            "--inspection",
            &insp,
            "--item",
            "fire.exit-clear",
            "--description",
            "一楼东侧安全出口被杂物堵塞",
            "--location",
            "门诊楼一楼",
            "--responsible",
            "总务科 张伟",
            "--due",
            "+7",
        ])
        .trim()
        .to_string();
    let f = env.json(&["finding", "show", &id]);
    assert_eq!(f["status"], "open");
    assert_eq!(f["line"], "fire");
    assert_eq!(f["facility"], "南湖区人民医院");
    assert_eq!(f["department"], "急诊科");
    assert_eq!(f["due"], "2026-11-29");
    assert_eq!(f["overdue"], false);
    assert!(
        !f["measures"].as_str().unwrap().is_empty(),
        "measures pre-filled from the hazard library"
    );

    env.ok(&["finding", "rectify", &id, "--note", "已清理杂物"]);
    assert_eq!(env.json(&["finding", "show", &id])["status"], "rectified");
    let out = env.ok(&["finding", "verify", &id, "--fail", "--note", "仍有纸箱堆放"]);
    assert!(out.contains("不通过"), "{out}");
    let f = env.json(&["finding", "show", &id]);
    assert_eq!(f["status"], "open", "a failed verification sends it back");
    assert_eq!(f["verify_note"], "仍有纸箱堆放", "the reason is kept");

    env.ok(&["finding", "rectify", &id, "--note", "纸箱已全部清走"]);
    env.ok(&["finding", "verify", &id, "--pass"]);
    let f = env.json(&["finding", "show", &id]);
    assert_eq!(f["status"], "closed");
    let actions: Vec<&str> = f["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "登记隐患",
            "登记整改",
            "复查不通过，退回整改",
            "登记整改",
            "复查通过，销号"
        ]
    );

    // The list agrees, and a short id prefix works like the full id.
    let closed = env.json(&["finding", "list", "--status", "closed"]);
    assert_eq!(closed.as_array().unwrap().len(), 1);
    assert_eq!(closed[0]["id"], id.as_str());
    let by_prefix = env.json(&["finding", "show", &id[..8]]);
    assert_eq!(by_prefix["id"], id.as_str());

    let done = env.ok(&["inspection", "finish", &insp]);
    assert!(
        done.contains("未作答"),
        "finishing says how many are unanswered: {done}"
    );
}

#[test]
fn overdue_and_escalation_with_a_pinned_clock() {
    let mut env = Env::new();
    let insp = env.start("北苑镇卫生院", &["energy", "fire"]);
    let id = env
        .ok(&[
            "finding",
            "add",
            "--inspection",
            &insp,
            "--line",
            "energy",
            "--description",
            "配电箱周边堆放可燃物",
            "--severity",
            "major",
            "--due",
            "2026-11-25",
        ])
        .trim()
        .to_string();

    // Not overdue yet: no 逾期未整改.
    assert!(
        env.json(&["finding", "list", "--status", "overdue"])
            .as_array()
            .unwrap()
            .is_empty()
    );

    // On the due date itself it is not overdue; the day after, it is.
    env.now = "2026-11-25T18:00:00+08:00".into();
    assert_eq!(env.json(&["finding", "show", &id])["overdue"], false);
    env.now = "2026-11-26T08:00:00+08:00".into();
    assert_eq!(env.json(&["finding", "show", &id])["overdue"], true);
    let overdue = env.json(&["finding", "list", "--status", "overdue"]);
    assert_eq!(overdue.as_array().unwrap().len(), 1);

    // Rectified (late): no longer 逾期未整改, but 逾期整改 by one day, for good.
    env.ok(&["finding", "rectify", &id, "--note", "可燃物已清理"]);
    let f = env.json(&["finding", "show", &id]);
    assert_eq!(f["overdue"], false);
    env.ok(&["finding", "verify", &id, "--pass"]);
    env.now = "2027-11-26T08:00:00+08:00".into();
    let f = env.json(&["finding", "list"]);
    assert_eq!(f[0]["overdue"], false);
    assert_eq!(f[0]["late_days"], 1);
    let err = env.fails(&["finding", "escalate", &id]);
    assert!(err.contains("已销号"), "{err}");
}

#[test]
fn fixed_on_spot_is_closed_at_once() {
    let env = Env::new();
    let insp = env.start("滨江区疾病预防控制中心", &["hazchem"]);
    let f = env.json(&[
        "finding",
        "add",
        "--inspection",
        &insp,
        "--line",
        "hazchem",
        "--description",
        "酒精与含氯消毒剂混放",
        "--fixed-on-spot",
    ]);
    assert_eq!(f["status"], "closed");
    assert_eq!(f["fixed_on_spot"], true);
    let id = f["id"].as_str().unwrap();
    let err = env.fails(&["finding", "rectify", id, "--note", "x"]);
    assert!(err.contains("已销号"), "{err}");
}

#[test]
fn adding_without_the_fields_the_forms_need_saves_and_names_their_flags() {
    let env = Env::new();
    let insp = env.start("滨江区疾病预防控制中心", &["hazchem"]);
    let out = env.run(&[
        "finding",
        "add",
        "--inspection",
        &insp,
        "--line",
        "hazchem",
        "--description",
        "酒精与含氯消毒剂混放",
    ]);
    assert!(out.status.success());
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let err = String::from_utf8(out.stderr).unwrap();
    let warn = err
        .lines()
        .find(|l| l.starts_with("提醒："))
        .unwrap_or_else(|| panic!("no reminder: {err}"));
    assert!(
        warn.contains(
            "未填 部位（--location）、整改措施（--measures）、责任单位及人员（--responsible）"
        ) && warn.contains("finding edit")
            && warn.contains("location|measures|responsible"),
        "{warn}"
    );
    // The command it names works with the id it prints.
    let short = warn
        .split("finding edit ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap();
    env.ok(&["finding", "edit", short, "responsible", "总务科 王强"]);
    let f = env.json(&["finding", "show", &id]);
    assert_eq!(f["responsible"], "总务科 王强");
    // With every field given there is nothing to remind of.
    let out = env.run(&[
        "finding",
        "add",
        "--inspection",
        &insp,
        "--line",
        "hazchem",
        "--description",
        "危化品柜未上锁",
        "--location",
        "检验科库房",
        "--measures",
        "加锁并双人管理",
        "--responsible",
        "检验科 李四",
    ]);
    assert!(out.status.success());
    assert!(!String::from_utf8(out.stderr).unwrap().contains("提醒"));
}

#[test]
fn report_counts_per_line() {
    let env = Env::new();
    let insp = env.start("青山口腔医院", &["fire", "energy"]);
    for (line, fixed) in [("fire", false), ("fire", true), ("energy", false)] {
        let mut args = vec![
            "finding",
            "add",
            "--inspection",
            &insp,
            "--line",
            line,
            "--description",
            "测试隐患",
        ];
        if fixed {
            args.push("--fixed-on-spot");
        }
        env.ok(&args);
    }
    let r = env.json(&["report"]);
    assert_eq!(r["total"]["found"], 3);
    assert_eq!(r["total"]["fixed_on_spot"], 1);
    let fire = r["by_line"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["key"] == "fire")
        .unwrap();
    assert_eq!(fire["found"], 2);
    assert_eq!(fire["closed"], 1);
    let text = env.ok(&["report"]);
    assert!(
        text.contains("消防") && text.contains("青山口腔医院"),
        "{text}"
    );
}

#[test]
fn without_a_configured_name_the_cli_signs_as_the_inspector() {
    let env = Env::new();
    let run = |args: &[&str]| {
        let out = env
            .cmd(args)
            .env_remove("XUNCHA_USER")
            .env_remove("USER")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let insp = run(&[
        "inspection",
        "start",
        "--facility",
        "中牟镇卫生院",
        "--mode",
        "self",
        "--inspector",
        "赵磊",
        "--inspector",
        "黄敏",
        "--line",
        "fire",
    ]);
    let id = run(&[
        "finding",
        "add",
        "--inspection",
        &insp,
        "--line",
        "fire",
        "--description",
        "灭火器过期",
    ]);
    run(&["finding", "rectify", &id, "--note", "已更换"]);
    let f = env.json(&["finding", "show", &id]);
    for h in f["history"].as_array().unwrap() {
        assert_eq!(h["author"], "赵磊", "{h}");
    }
}

#[test]
fn an_answers_note_is_shown_by_inspection_show() {
    let env = Env::new();
    let insp = env.start("滨江区疾病预防控制中心", &["fire"]);
    env.ok(&[
        "inspection",
        "answer",
        &insp,
        "fire.extinguisher",
        "fail",
        "--note",
        "3楼2具灭火器压力在红区",
    ]);
    let text = env.ok(&["inspection", "show", &insp]);
    let at = text.find("fire.extinguisher").expect("the item is listed");
    let next = text[at..].lines().nth(1).unwrap_or("");
    assert_eq!(next.trim(), "备注：3楼2具灭火器压力在红区", "{text}");
}
