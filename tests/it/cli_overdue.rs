//! 逾期 as the office counts it (issue 10 point 4), with the clock pinned, through
//! `report --json`, `finding list` and the XLSX ledger read back:
//! - 逾期未整改: not rectified, past the deadline in force;
//! - 逾期整改: rectified after the deadline, shown as 是（逾期N天整改）, kept forever;
//! - rectified on time and waiting for 复查 is not overdue; 待复查超过N天 is its own queue
//!   (N from config `review_days`, default 7);
//! - 按期整改率 beside 整改率.

use crate::common;
use calamine::{Data, Reader, Xlsx, open_workbook};
use common::Env;

const FOUND: &str = "2026-11-01T09:00:00+08:00";

fn text(d: Option<&Data>) -> String {
    match d {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn num(d: Option<&Data>) -> f64 {
    match d {
        Some(Data::Float(x)) => *x,
        Some(Data::Int(x)) => *x as f64,
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn overdue_late_on_time_and_the_review_queue_with_a_pinned_clock() {
    let mut env = Env::new();
    env.now = FOUND.into();
    let insp = env.start("北苑镇卫生院", &["fire"]);
    let add = |d: &str, due: &str| {
        env.ok(&[
            "finding",
            "add",
            "--inspection",
            &insp,
            "--line",
            "fire",
            "--description",
            d,
            "--due",
            due,
        ])
        .trim()
        .to_string()
    };
    let late = add("安全出口堵塞", "2026-11-05"); // rectified 11-08: 3 days late
    let waiting = add("灭火器过期", "2026-11-10"); // rectified 11-09, never verified
    let open = add("应急灯损坏", "2026-11-10"); // never rectified
    let on_time = add("消防通道堆物", "2026-11-20"); // rectified 11-06, verified 11-07

    env.now = "2026-11-06T10:00:00+08:00".into();
    env.ok(&["finding", "rectify", &on_time, "--note", "已清理"]);
    env.now = "2026-11-07T10:00:00+08:00".into();
    env.ok(&["finding", "verify", &on_time, "--pass"]);
    env.now = "2026-11-08T10:00:00+08:00".into();
    env.ok(&["finding", "rectify", &late, "--note", "已疏通"]);
    env.now = "2026-11-09T10:00:00+08:00".into();
    env.ok(&["finding", "rectify", &waiting, "--note", "已更换"]);
    env.ok(&["finding", "verify", &late, "--pass"]);

    // On 11-20: only `open` is 逾期未整改; `waiting` (rectified on time) is not overdue but
    // has waited 11 days for 复查.
    env.now = "2026-11-20T09:00:00+08:00".into();
    let ids = |env: &Env, status: &str| -> Vec<String> {
        env.json(&["finding", "list", "--status", status])
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&env, "overdue"), vec![open.clone()]);
    assert_eq!(ids(&env, "review-late"), vec![waiting.clone()]);
    let shown = env.json(&["finding", "show", &waiting]);
    assert_eq!(shown["overdue"], false);

    let r = env.json(&["report"]);
    let total = &r["total"];
    assert_eq!(total["found"], 4);
    assert_eq!(total["rectified"], 3);
    assert_eq!(total["overdue"], 1);
    assert_eq!(total["late_rectified"], 1);
    assert_eq!(total["rectified_rate"], 75.0);
    assert_eq!(total["on_time_rate"], 50.0);

    // The ledger's 是否逾期, read back from the XLSX.
    let out = env.tmp.path().join("台账.xlsx");
    env.ok(&["export", "--format", "xlsx", "--out", out.to_str().unwrap()]);
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let sheet = book.worksheet_range("消防").unwrap();
    let col = |name: &str| {
        (0..=sheet.end().unwrap().1)
            .find(|c| text(sheet.get_value((2, *c))) == name)
            .unwrap()
    };
    let (overdue_col, id_col) = (col("是否逾期"), col("记录ID"));
    let overdue_of = |id: &str| {
        let r = (3..=sheet.end().unwrap().0)
            .find(|r| text(sheet.get_value((*r, id_col))) == id)
            .unwrap();
        text(sheet.get_value((r, overdue_col)))
    };
    assert_eq!(overdue_of(&late), "是（逾期3天整改）");
    assert_eq!(overdue_of(&open), "是（逾期10天未整改）");
    assert_eq!(overdue_of(&waiting), "否");
    assert_eq!(overdue_of(&on_time), "否");
    let sum = book.worksheet_range("统计汇总").unwrap();
    let heads: Vec<String> = (0..11).map(|c| text(sum.get_value((2, c)))).collect();
    assert_eq!(heads[6], "逾期未整改");
    assert_eq!(heads[9], "逾期整改");
    assert_eq!(heads[10], "按期整改率");
    let total_row = (3..=sum.end().unwrap().0)
        .find(|r| text(sum.get_value((*r, 0))) == "合计")
        .unwrap();
    assert_eq!(num(sum.get_value((total_row, 6))), 1.0);
    assert_eq!(num(sum.get_value((total_row, 9))), 1.0);
    assert_eq!(num(sum.get_value((total_row, 10))), 0.5);

    // A year later the late rectification is still a fact.
    env.now = "2027-11-20T09:00:00+08:00".into();
    let f = env.json(&["finding", "show", &late]);
    assert_eq!(f["status"], "closed");
    assert_eq!(env.json(&["report"])["total"]["late_rectified"], 1);

    // N comes from the config.
    env.now = "2026-11-20T09:00:00+08:00".into();
    std::fs::create_dir_all(env.config()).unwrap();
    std::fs::write(env.config().join("config.toml"), "review_days = 15\n").unwrap();
    assert!(ids(&env, "review-late").is_empty());
}
