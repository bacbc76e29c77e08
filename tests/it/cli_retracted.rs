//! A retracted hazard through the binary (issue 10 point 3): 已撤销 with its reason in show,
//! `list --status retracted` and the ledger; out of the default list, the counts and the
//! export unless asked (`export --include-retracted`); found by search, marked 已撤销.

use crate::common;
use common::Env;

#[test]
fn retract_then_show_list_ledger_search_and_counts() {
    let env = Env::new();
    let insp = env.start("某某市第三人民医院", &["fire"]);
    let live = env.add_finding(&insp, "fire", "门诊楼灭火器压力不足");
    let gone = env.add_finding(&insp, "fire", "住院部安全出口上锁");
    let before = env.json(&["report"]);
    assert_eq!(before["total"]["found"], 2);

    env.ok(&["finding", "retract", &gone, "--reason", "与上一条重复登记"]);

    // show: the status and the reason.
    let show = env.ok(&["finding", "show", &gone]);
    assert!(show.contains("状态：已撤销"), "{show}");
    assert!(show.contains("撤销原因：与上一条重复登记"), "{show}");

    // list: out by default, listed (as 已撤销) when asked.
    let list = env.json(&["finding", "list"]);
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![live.as_str()]);
    let retracted = env.ok(&["finding", "list", "--status", "retracted"]);
    assert!(
        retracted.contains("已撤销") && retracted.contains("住院部安全出口上锁"),
        "{retracted}"
    );
    assert!(!retracted.contains("门诊楼灭火器压力不足"));

    // counts: the retracted hazard is not counted.
    let after = env.json(&["report"]);
    assert_eq!(after["total"]["found"], 1);
    assert_eq!(after["total"]["overdue"], 0);

    // search: found, marked 已撤销.
    let hits = env.ok(&["search", "住院部安全出口上锁"]);
    let row = hits
        .lines()
        .find(|l| l.contains("住院部安全出口上锁"))
        .unwrap_or_else(|| panic!("search finds the retracted hazard:\n{hits}"));
    assert!(row.starts_with("已撤销"), "{row}");

    // the ledger: left out unless asked; asked, its 状态 reads 已撤销 with the reason.
    let plain = env.tmp.path().join("台账.csv");
    env.ok(&[
        "export",
        "--format",
        "csv",
        "--out",
        plain.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&plain).unwrap();
    assert!(text.contains("门诊楼灭火器压力不足"));
    assert!(!text.contains("住院部安全出口上锁"), "{text}");
    let all = env.tmp.path().join("台账-含撤销.csv");
    env.ok(&[
        "export",
        "--format",
        "csv",
        "--include-retracted",
        "--out",
        all.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&all).unwrap();
    let row = text
        .lines()
        .find(|l| l.contains("住院部安全出口上锁"))
        .unwrap_or_else(|| panic!("asked for, the retracted hazard is in the ledger:\n{text}"));
    assert!(row.contains(",已撤销：与上一条重复登记,"), "{row}");
    let xlsx = env.tmp.path().join("台账-含撤销.xlsx");
    let said = env.ok(&[
        "export",
        "--format",
        "xlsx",
        "--include-retracted",
        "--out",
        xlsx.to_str().unwrap(),
    ]);
    assert!(said.contains("2 条"), "{said}");
}
