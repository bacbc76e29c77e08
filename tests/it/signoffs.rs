//! Sign-offs by name (issue 18, point 4), through the built binary: the facility's person who
//! received the 整改通知书, who reported the rectification, and the 复查人, each by name and
//! role; printed on the forms beside the signature lines (read back from the HTML), in the
//! XLSX ledger (read back with calamine), and both receipts kept when two devices recorded one
//! without seeing each other.

use crate::common;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::Env;

/// A supervision inspection with one hazard and its 整改通知书: (inspection, hazard).
fn noticed(env: &Env) -> (String, String) {
    let insp = env.start("南湖镇卫生院", &["fire"]);
    let f = env.add_finding(&insp, "fire", "二楼疏散通道堆放杂物");
    env.ok(&["notice", &f]);
    (insp, f)
}

#[test]
fn names_are_recorded_shown_printed_and_in_the_ledger() {
    let env = Env::new();
    let (insp, f) = noticed(&env);
    let said = env.ok(&[
        "notice",
        "receive",
        &f,
        "--name",
        "张伟",
        "--role",
        "院长",
        "--promise",
        "三日内清理完毕",
    ]);
    assert!(said.contains("签收人 张伟（院长）"), "{said}");
    env.ok(&[
        "finding",
        "rectify",
        &f,
        "--note",
        "已清理杂物",
        "--by-name",
        "李强",
        "--by-role",
        "后勤科科长",
    ]);
    env.ok(&[
        "finding",
        "verify",
        &f,
        "--pass",
        "--verifier",
        "王敏",
        "--role",
        "安全生产科主任",
    ]);

    let v = env.json(&["finding", "show", &f]);
    let receipt = &v["escalations"][0]["receipts"][0];
    assert_eq!(receipt["by"]["name"], "张伟", "{v}");
    assert_eq!(receipt["by"]["role"], "院长");
    assert!(receipt["at"].is_string(), "the time of the receipt: {v}");
    assert_eq!(v["rectified_by"]["name"], "李强");
    assert_eq!(v["rectified_by"]["role"], "后勤科科长");
    assert_eq!(v["verifier"]["name"], "王敏");
    assert_eq!(v["verifier"]["role"], "安全生产科主任");
    assert_eq!(
        v["verified_by"], "测试员",
        "the account that typed it stays"
    );

    let shown = env.ok(&["finding", "show", &f]);
    for line in [
        "签收：张伟（院长）",
        "整改报告人：李强（后勤科科长）",
        "复查人：王敏（安全生产科主任）（记录人 测试员）",
    ] {
        assert!(shown.contains(line), "{line}:\n{shown}");
    }

    // The notice's 回执: the 签收人 printed in the cell beside its label.
    let notice = env.form_text(&["--finding", &f]);
    let after_label = notice.split("签收人").nth(1).unwrap_or_default();
    let cell = after_label.lines().map(str::trim).find(|l| !l.is_empty());
    assert_eq!(cell, Some("张伟（院长）　2026年11月22日"), "{notice}");
    let promise = notice.split("整改承诺").nth(1).unwrap_or_default();
    let cell = promise.lines().map(str::trim).find(|l| !l.is_empty());
    assert_eq!(cell, Some("三日内清理完毕"), "{notice}");
    // The 整改表: the reporter and the 复查人 in the hazard's row, the 复查人 by the 确认 line.
    let table = env.form_text(&["--inspection", &insp]);
    for text in [
        "整改报告人：李强（后勤科科长）　2026年11月22日",
        "复查通过　复查人：王敏（安全生产科主任）　2026年11月22日",
        "复查人：王敏（安全生产科主任）",
    ] {
        assert!(table.contains(text), "{text}:\n{table}");
    }

    // The XLSX ledger has the columns.
    let out = env.tmp.path().join("台账.xlsx");
    env.ok(&["export", "--format", "xlsx", "--out", out.to_str().unwrap()]);
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let sheet = book.worksheet_range("消防").unwrap();
    let text = |d: Option<&Data>| d.map(|d| d.to_string()).unwrap_or_default();
    let header: Vec<String> = (0..40).map(|c| text(sheet.get_value((2, c)))).collect();
    let col = |name: &str| header.iter().position(|h| h == name).expect(name) as u32;
    let at = |name: &str| text(sheet.get_value((3, col(name))));
    assert_eq!(at("复查人"), "王敏（安全生产科主任）");
    assert_eq!(at("整改报告人"), "李强（后勤科科长）");
    assert_eq!(at("签收人"), "整改通知书：张伟（院长） 2026-11-22");
}

#[test]
fn incomplete_or_misplaced_sign_offs_are_refused_and_nothing_is_saved() {
    let env = Env::new();
    let insp = env.start("南湖镇卫生院", &["fire"]);
    let f = env.add_finding(&insp, "fire", "灭火器过期");
    let before = env.events();
    let err = env.fails(&["notice", "receive", &f, "--name", "张伟", "--role", "院长"]);
    assert!(err.contains("尚未发出督办文书，无从签收"), "{err}");
    let err = env.fails(&[
        "finding",
        "rectify",
        &f,
        "--note",
        "已更换",
        "--by-name",
        "李强",
    ]);
    assert!(err.contains("整改报告人职务：不能为空"), "{err}");
    let err = env.fails(&["finding", "verify", &f, "--pass", "--role", "主任"]);
    assert!(err.contains("复查人姓名：不能为空"), "{err}");
    let long = "长".repeat(201);
    env.ok(&["notice", &f]);
    let before_long = env.events();
    let err = env.fails(&["notice", "receive", &f, "--name", &long, "--role", "院长"]);
    assert!(
        err.contains("签收人姓名：太长") && err.contains("最多 200 字"),
        "{err}"
    );
    assert_eq!(env.events(), before_long);
    assert_eq!(before + 1, before_long, "only the notice was written");

    let help = env.ok(&["finding", "rectify", "--help"]);
    assert!(help.contains("整改报告人姓名"), "{help}");
    let help = env.ok(&["notice", "receive", "--help"]);
    assert!(help.contains("签收人职务"), "{help}");
}

#[test]
fn receipts_recorded_on_two_devices_both_stay_visible() {
    let office = Env::new();
    let laptop = Env::new();
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path().to_str().unwrap();
    let (_, f) = noticed(&office);
    office.ok(&["sync", "--dir", dir]);
    laptop.ok(&["sync", "--dir", dir]);
    // Each records a receipt without seeing the other's.
    office.ok(&["notice", "receive", &f, "--name", "张伟", "--role", "院长"]);
    laptop.ok(&[
        "notice",
        "receive",
        &f,
        "--name",
        "赵丽",
        "--role",
        "副院长",
    ]);
    for _ in 0..2 {
        office.ok(&["sync", "--dir", dir]);
        laptop.ok(&["sync", "--dir", dir]);
    }
    for env in [&office, &laptop] {
        let v = env.json(&["finding", "show", &f]);
        let mut names: Vec<String> = v["escalations"][0]["receipts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["by"]["name"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        assert_eq!(names, ["张伟", "赵丽"], "{v}");
        let notice = env.form_text(&["--finding", &f]);
        assert!(
            notice.contains("张伟（院长）") && notice.contains("赵丽（副院长）"),
            "{notice}"
        );
    }
}
