//! Issue 16 points 2, 4 and 5 through the built binary: a facility's 风险分级管控清单 and the
//! coverage of the rules of frequency as XLSX (read back with calamine), and the demo data with
//! facilities, places, key sites, risk grades and patrols.

use crate::common;
use calamine::{Data, Reader, Xlsx, open_workbook};
use common::Env;

const H: &str = "市第一人民医院";

fn text(r: &calamine::Range<Data>, row: u32, col: u32) -> String {
    match r.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => f.to_string(),
        Some(Data::Int(i)) => i.to_string(),
        _ => String::new(),
    }
}

#[test]
fn the_risk_list_and_the_coverage_sheet_read_back() {
    let env = Env::new();
    env.ok(&[
        "facility",
        "add",
        H,
        "--head",
        "张建国",
        "--officer",
        "王芳",
    ]);
    env.ok(&[
        "facility",
        "place",
        "add",
        H,
        "本部/后勤楼/氧气储瓶间",
        "--key-site",
    ]);
    env.ok(&[
        "facility",
        "place",
        "add",
        H,
        "本部/门诊楼/配电室",
        "--key-site",
    ]);
    env.ok(&["facility", "place", "add", H, "本部/门诊楼/药库"]);
    env.ok(&[
        "facility",
        "grade",
        H,
        "氧气储瓶间",
        "--grade",
        "重大",
        "--measures",
        "=HYPERLINK(\"x\") 每日两次巡查",
        "--responsible",
        "赵刚",
    ]);
    let long = "每月检查，药品分区存放，易燃品单独上锁，温湿度每日记录，过期药品每季度清理销毁";
    env.ok(&[
        "facility",
        "grade",
        H,
        "药库",
        "--grade",
        "low",
        "--measures",
        long,
    ]);
    let out = env.tmp.path().join("风险清单.xlsx");
    let s = env.json(&["facility", "export", H, "--out", out.to_str().unwrap()]);
    assert_eq!(s["rows"], 3, "two key sites and one graded place");
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let sheet = book.worksheet_range("风险分级管控清单").unwrap();
    assert_eq!(text(&sheet, 0, 0), "市第一人民医院 安全风险分级管控清单");
    assert!(text(&sheet, 1, 0).contains("主要负责人：张建国"));
    let header: Vec<String> = (0..9).map(|c| text(&sheet, 2, c)).collect();
    assert_eq!(
        header,
        [
            "序号",
            "所在位置",
            "场所/部位",
            "类型",
            "重点部位",
            "风险等级",
            "颜色",
            "管控措施",
            "责任人"
        ]
    );
    let row = |r: u32| (0..9).map(|c| text(&sheet, r, c)).collect::<Vec<_>>();
    assert_eq!(
        row(3),
        [
            "1",
            "本部/后勤楼",
            "氧气储瓶间",
            "部位",
            "是",
            "重大风险",
            "红",
            "=HYPERLINK(\"x\") 每日两次巡查",
            "赵刚"
        ]
    );
    // Formula-looking text is a plain string cell: no formula, and no stray quote before it.
    let formulas = book.worksheet_formula("风险分级管控清单").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no cell is a formula"
    );
    assert_eq!(row(4)[2..7], ["配电室", "部位", "是", "未评定", ""]);
    assert_eq!(row(5)[2..7], ["药库", "部位", "", "低风险", "蓝"]);
    // Printed: the long 管控措施 wraps inside a row made tall enough for it, and every column
    // fits one page across (the 责任人 column fell onto a second page).
    let heights = common::xlsx_rows::row_heights(&out, 1);
    assert!(heights.get(&6).is_some_and(|h| *h >= 30.0), "{heights:?}");
    assert!(
        !heights.contains_key(&4),
        "a one-line row keeps the default height"
    );
    assert!(common::xlsx_rows::fits_one_page_wide(&out, 1));

    // At 22:00 tonight's night patrols are due too.
    let mut env = env;
    env.now = "2026-11-22T22:00:00+08:00".into();
    let cov = env.tmp.path().join("频次.xlsx");
    let s = env.json(&["plan", "export", "--out", cov.to_str().unwrap()]);
    assert_eq!(s["rows"], 7, "seven rules for one hospital today");
    let mut book: Xlsx<_> = open_workbook(&cov).unwrap();
    let sheet = book.worksheet_range("巡查检查频次").unwrap();
    assert_eq!(text(&sheet, 2, 5), "状态");
    assert_eq!(text(&sheet, 3, 0), H);
    assert_eq!(text(&sheet, 3, 1), "重点部位夜间防火巡查");
    assert_eq!(text(&sheet, 3, 3), "2");
    assert_eq!(text(&sheet, 3, 5), "待完成");
    assert_eq!(text(&sheet, 3, 6), "氧气储瓶间 0/2，配电室 0/2");
    assert!(text(&sheet, 3, 7).contains("四（十七）"));
    // An unwritable path is named and nothing is left behind.
    let e = env.fails(&["facility", "export", H, "--out", "/nonexistent/dir/x.xlsx"]);
    assert!(e.contains("/nonexistent/dir/x.xlsx"), "{e}");
}

#[test]
fn the_demo_has_facilities_with_places_key_sites_grades_and_patrols() {
    let env = Env::new();
    env.ok(&["demo", "--scale", "60"]);
    let list = env.json(&["facility", "list"]);
    let facilities = list["facilities"].as_array().unwrap();
    assert!(facilities.len() >= 5, "{}", facilities.len());
    let hospital = facilities
        .iter()
        .find(|f| f["kind"] == "hospital")
        .expect("a demo hospital");
    let places = hospital["places"].as_array().unwrap();
    let key: Vec<&str> = places
        .iter()
        .filter(|p| p["key_site"] == true)
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(key.len(), 7, "{key:?}");
    assert!(places.iter().any(|p| p["grade"] == "major"));
    assert!(
        hospital["head_phone"]
            .as_str()
            .unwrap()
            .starts_with("0371-")
    );
    let name = hospital["name"].as_str().unwrap();
    let log = env.json(&["patrol", "log", "--facility", name]);
    assert!(
        log.as_array().unwrap().len() >= 7 * 6,
        "{}",
        log.as_array().unwrap().len()
    );
    let status = env.ok(&["plan", "status"]);
    assert!(status.contains("夜间巡查"), "{status}");
}
