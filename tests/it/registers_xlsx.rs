//! Issue 17: the 危险化学品 ledgers and the 特种设备安全清单 exported as XLSX through the built
//! binary and read back with calamine: the forms' columns, computed balances as number cells,
//! real date cells, flagged rows, the hazard with the chemical named, and the per-unit 一张表.

use crate::common;
use calamine::{Data, Reader, Xlsx, open_workbook};
use common::Env;
use common::registers::{chem_add, chem_move};

fn text(d: Option<&Data>) -> String {
    match d {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn number(d: Option<&Data>) -> f64 {
    match d {
        Some(Data::Float(f)) => *f,
        Some(Data::Int(i)) => *i as f64,
        other => panic!("expected a number, got {other:?}"),
    }
}

fn date(d: Option<&Data>) -> chrono::NaiveDate {
    match d {
        Some(Data::DateTime(x)) => {
            chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()
                + chrono::Duration::days(x.as_f64() as i64)
        }
        other => panic!("expected a date cell, got {other:?}"),
    }
}

#[test]
fn the_three_ledgers_and_the_usage_table_read_back() {
    let env = Env::new(); // 2026-11-22
    env.ethanol();
    env.ok(&chem_add("供应室", "过氧乙酸", "千克", "10", &[]));
    for (step, qty, by, purpose, date) in [
        ("receive", "30", "张敏", "采购", "2026-10-20"),
        ("issue", "5", "李护士", "手术室消毒", "2026-11-02"),
        ("issue", "2.5", "王护士", "病区消毒", "2026-11-20"),
    ] {
        env.ok(&chem_move(
            step,
            "乙醇",
            qty,
            by,
            &["--purpose", purpose, "--date", date],
        ));
    }
    let insp = env.start("市第一人民医院", &["hazchem"]);
    let f = env.add_finding(&insp, "hazchem", "酒精与含氯消毒剂混放");
    env.ok(&["chem", "link", "乙醇@药剂科危化品库", "--finding", &f]);

    let out = env.tmp.path().join("危化品台账.xlsx");
    let rep = env.json(&[
        "chem",
        "export",
        "--out",
        out.to_str().unwrap(),
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
    ]);
    assert_eq!(rep["sheets"][1], serde_json::json!(["管理使用台账", 3]));
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(
        book.sheet_names(),
        vec![
            "储存台账",
            "管理使用台账",
            "隐患排查整治台账",
            "使用统计一张表"
        ]
    );

    let s = book.worksheet_range("储存台账").unwrap();
    assert_eq!(text(s.get((0, 0))), "危险化学品储存台账");
    let head: Vec<String> = (0..12).map(|c| text(s.get((2, c)))).collect();
    assert_eq!(
        head,
        [
            "序号",
            "单位",
            "储存地点",
            "名称",
            "类别",
            "CAS号",
            "计量单位",
            "结存数量",
            "最大储存量",
            "包装容器",
            "储存条件",
            "标记"
        ]
    );
    // Sorted by 单位, 储存地点: 供应室 before 药剂科危化品库.
    assert_eq!(text(s.get((4, 3))), "乙醇");
    assert_eq!(text(s.get((4, 4))), "易燃液体");
    assert_eq!(text(s.get((4, 5))), "64-17-5");
    assert_eq!(
        number(s.get((4, 7))),
        22.5,
        "balance = 30 − 5 − 2.5, a number cell"
    );
    assert_eq!(number(s.get((4, 8))), 50.0);
    assert_eq!(text(s.get((3, 3))), "过氧乙酸");
    assert_eq!(number(s.get((3, 7))), 0.0);

    let u = book.worksheet_range("管理使用台账").unwrap();
    assert_eq!(date(u.get((3, 1))).to_string(), "2026-10-20");
    assert_eq!(text(u.get((4, 4))), "领用");
    assert_eq!(number(u.get((4, 5))), 5.0);
    assert_eq!(number(u.get((4, 7))), 25.0);
    assert_eq!(text(u.get((5, 8))), "王护士");
    assert_eq!(text(u.get((5, 9))), "病区消毒");

    let h = book.worksheet_range("隐患排查整治台账").unwrap();
    assert_eq!(text(h.get((2, 4))), "危险化学品");
    assert_eq!(text(h.get((3, 4))), "乙醇（药剂科危化品库）");
    assert_eq!(text(h.get((3, 5))), "酒精与含氯消毒剂混放");

    let t = book.worksheet_range("使用统计一张表").unwrap();
    assert_eq!(
        text(t.get((0, 0))),
        "危险化学品使用统计一张表（2026-11-01 至 2026-11-30）"
    );
    // 乙醇: 期初 30 (received in October), 本期入库 0, 本期领用 7.5, 期末 22.5.
    let row: Vec<f64> = (6..10).map(|c| number(t.get((4, c)))).collect();
    assert_eq!(row, [30.0, 0.0, 7.5, 22.5]);
}

#[test]
fn the_equipment_list_reads_back_with_due_states() {
    let env = Env::new(); // 2026-11-22
    env.elevator(&[
        "--place",
        "1号病房楼",
        "--maker",
        "某电梯有限公司",
        "--factory-no",
        "E2019-0456",
        "--next-due",
        "2026-11-01",
    ]);
    env.ok(&[
        "equipment",
        "maintain",
        "梯11吉A00123",
        "--by",
        "某电梯维保公司",
        "--result",
        "正常",
        "--date",
        "2026-11-15",
    ]);
    env.ok(&[
        "equipment",
        "operator",
        "梯11吉A00123",
        "--name",
        "王伟",
        "--cert-no",
        "T-001",
        "--expires",
        "2026-06-30",
    ]);
    let out = env.tmp.path().join("特种设备.xlsx");
    env.ok(&["equipment", "export", "--out", out.to_str().unwrap()]);
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let s = book.worksheet_range("特种设备安全清单").unwrap();
    assert_eq!(text(s.get((2, 4))), "使用登记证号");
    assert_eq!(text(s.get((3, 2))), "1号病房楼客梯");
    assert_eq!(text(s.get((3, 3))), "电梯");
    assert_eq!(text(s.get((3, 4))), "梯11吉A00123");
    assert_eq!(date(s.get((3, 9))).to_string(), "2026-11-01");
    assert_eq!(text(s.get((3, 10))), "超期未检（21天）；证书过期");
    assert_eq!(text(s.get((3, 11))), "2026-11-15 某电梯维保公司 正常");
    assert_eq!(text(s.get((3, 13))), "王伟（T-001，2026-06-30）（已过期）");
}
