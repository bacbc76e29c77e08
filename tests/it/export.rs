//! `xuncha export` through the built binary: the ledger read back from XLSX (calamine) and CSV,
//! the printable HTML forms, and what bad input gets. Data is made with the CLI itself, with
//! the clock pinned, so every value in the files is known.

use crate::common;
use calamine::{Data, Reader, Xlsx, open_workbook};
use chrono::NaiveDate;
use common::xlsx_rows::row_heights;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FACILITY: &str = "绍兴市某中医院";
const FOUND: &str = "2026-11-01T09:00:00+08:00";
const TODAY: &str = "2026-11-22T09:00:00+08:00";
const NOTICE: &str = "2026-11-03T09:00:00+08:00";

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, now: &str, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_xuncha"))
            .args(args)
            .env("XUNCHA_DATA_DIR", self.path("data"))
            .env("XUNCHA_CONFIG_DIR", self.path("config"))
            .env("XUNCHA_NOW", now)
            .env("XUNCHA_USER", "王督查")
            .output()
            .unwrap()
    }

    /// Runs a command that must succeed; returns its stdout, trimmed.
    fn ok(&self, now: &str, args: &[&str]) -> String {
        let out = self.run(now, args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    /// Runs a command that must fail with exit status 2; returns its stderr.
    fn user_error(&self, now: &str, args: &[&str]) -> String {
        let out = self.run(now, args);
        assert_eq!(out.status.code(), Some(2), "{args:?} should fail with 2");
        String::from_utf8(out.stderr).unwrap()
    }
}

/// One supervision inspection on 2026-11-01 with three findings in two lines:
/// - `fixed`: chemicals cabinet unlocked, fixed on the spot (危险化学品);
/// - `closed`: extinguisher, rectified and verified (消防);
/// - `late`: exit blocked, major, due 11-05, 整改通知书 on 11-03, never rectified (消防).
struct Scene {
    env: Env,
    inspection: String,
    fixed: String,
    closed: String,
    late: String,
}

fn scene() -> Scene {
    let env = Env::new();
    let inspection = env.ok(
        FOUND,
        &[
            "inspection",
            "start",
            "--facility",
            FACILITY,
            "--department",
            "急诊科",
            "--mode",
            "supervision",
            "--inspector",
            "张三",
            "--inspector",
            "李四",
            "--line",
            "fire",
            "--line",
            "hazchem",
        ],
    );
    let closed = env.ok(
        FOUND,
        &[
            "finding",
            "add",
            "--inspection",
            &inspection,
            "--item",
            "fire.extinguisher",
            "--description",
            "急诊科走廊灭火器压力不足",
            "--location",
            "二楼走廊",
            "--measures",
            "更换灭火器并建立月检记录",
            "--due",
            "2026-11-10",
            "--responsible",
            "总务科 王建国",
        ],
    );
    let late = env.ok(
        FOUND,
        &[
            "finding",
            "add",
            "--inspection",
            &inspection,
            "--line",
            "fire",
            "--description",
            "安全出口堆放杂物<b>&",
            "--location",
            "一楼东侧",
            "--severity",
            "major",
            "--measures",
            "立即清理，落实每日巡查",
            "--due",
            "2026-11-05",
            "--responsible",
            "保卫科 李秀英",
        ],
    );
    let fixed = env.ok(
        FOUND,
        &[
            "finding",
            "add",
            "--inspection",
            &inspection,
            "--line",
            "hazchem",
            "--description",
            "危化品柜未上锁",
            "--location",
            "检验科库房",
            "--responsible",
            "检验科 张伟",
            "--fixed-on-spot",
        ],
    );
    // Seed 003: a 重大隐患 not fixed on the spot gets its 整改通知书 at once.
    env.ok(
        NOTICE,
        &[
            "finding",
            "escalate",
            &late,
            "--note",
            "重大隐患不能当场整改",
        ],
    );
    env.ok(
        "2026-11-08T10:00:00+08:00",
        &["finding", "rectify", &closed, "--note", "已更换3具灭火器"],
    );
    env.ok(
        "2026-11-09T15:00:00+08:00",
        &[
            "finding",
            "verify",
            &closed,
            "--pass",
            "--note",
            "现场查看合格",
        ],
    );
    Scene {
        env,
        inspection,
        fixed,
        closed,
        late,
    }
}

// ---------- XLSX ----------

fn text(d: Option<&Data>) -> String {
    match d {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// A date cell (not a string) as a date: Excel serial days since 1899-12-30.
fn date(d: Option<&Data>) -> NaiveDate {
    match d {
        Some(Data::DateTime(x)) => {
            NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()
                + chrono::Duration::days(x.as_f64() as i64)
        }
        other => panic!("expected a date cell, got {other:?}"),
    }
}

fn number(d: Option<&Data>) -> f64 {
    match d {
        Some(Data::Float(f)) => *f,
        Some(Data::Int(i)) => *i as f64,
        other => panic!("expected a number, got {other:?}"),
    }
}

const HEADERS: [&str; 28] = [
    "序号",
    "隐患编号",
    "单位",
    "科室/部位",
    "问题隐患",
    "隐患类别",
    "隐患等级",
    "整改制度措施",
    "临时防范措施",
    "整改时限",
    "责任单位（部门）及人员",
    "实际完成日期",
    "复查人",
    "复查日期",
    "状态",
    "是否逾期",
    "整改资金",
    "整改落实情况",
    "复查情况",
    "销号日期",
    "督办（四书）",
    "发现日期",
    "检查方式",
    "检查人员",
    "防线",
    "整改报告人",
    "签收人",
    "记录ID",
];

#[test]
fn xlsx_ledger_has_the_seed_columns_real_dates_and_one_sheet_per_line() {
    let s = scene();
    let out = s.env.path("隐患台账.xlsx");
    let msg = s.env.ok(
        TODAY,
        &["export", "--format", "xlsx", "--out", out.to_str().unwrap()],
    );
    assert!(msg.contains("3 条"), "{msg}");

    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(book.sheet_names(), ["统计汇总", "危险化学品", "消防"]);

    let fire = book.worksheet_range("消防").unwrap();
    let at = |r: u32, c: u32| fire.get_value((r, c));
    assert!(text(at(0, 0)).contains("问题隐患和制度措施清单（消防）"));
    assert_eq!(text(at(1, 0)), "单位（部门）：全部单位\n筛选：全部");
    let date_line = (1..26).map(|c| text(at(1, c))).collect::<String>();
    assert!(
        date_line.ends_with("填报时间：2026年11月22日"),
        "{date_line}"
    );
    assert!(date_line.starts_with("发现日期：2026年11月"), "{date_line}");
    let headers: Vec<String> = (0..28).map(|c| text(at(2, c))).collect();
    assert_eq!(headers, HEADERS);
    assert_eq!(
        fire.end(),
        Some((6, 27)),
        "two findings under the header, then the sign-off line"
    );

    // Row 4 (first data row): the extinguisher, closed.
    assert_eq!(number(at(3, 0)), 1.0);
    assert_eq!(text(at(3, 4)), "急诊科走廊灭火器压力不足");
    assert_eq!(text(at(3, 7)), "更换灭火器并建立月检记录");
    assert_eq!(
        date(at(3, 9)),
        NaiveDate::from_ymd_opt(2026, 11, 10).unwrap()
    );
    assert_eq!(text(at(3, 10)), "总务科 王建国");
    assert_eq!(text(at(3, 2)), FACILITY);
    assert_eq!(text(at(3, 3)), "急诊科 / 二楼走廊");
    assert_eq!(text(at(3, 24)), "消防");
    assert_eq!(text(at(3, 6)), "一般");
    assert_eq!(
        date(at(3, 21)),
        NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
    );
    assert_eq!(text(at(3, 22)), "督查");
    assert_eq!(text(at(3, 23)), "张三、李四");
    assert_eq!(text(at(3, 14)), "已销号");
    assert_eq!(text(at(3, 15)), "否");
    assert_eq!(text(at(3, 17)), "2026-11-08 已更换3具灭火器");
    assert_eq!(text(at(3, 18)), "复查通过：现场查看合格");
    assert_eq!(
        date(at(3, 19)),
        NaiveDate::from_ymd_opt(2026, 11, 9).unwrap()
    );
    assert_eq!(text(at(3, 20)), "");
    assert_eq!(text(at(3, 27)), s.closed);

    // Row 5: the blocked exit, overdue and escalated.
    assert_eq!(number(at(4, 0)), 2.0);
    assert_eq!(text(at(4, 4)), "安全出口堆放杂物<b>&");
    assert_eq!(
        date(at(4, 9)),
        NaiveDate::from_ymd_opt(2026, 11, 5).unwrap()
    );
    assert_eq!(text(at(4, 6)), "重大");
    assert_eq!(text(at(4, 14)), "待整改");
    assert_eq!(text(at(4, 15)), "是（逾期17天未整改）");
    assert_eq!(text(at(4, 17)), "未整改");
    assert_eq!(at(4, 19), Some(&Data::Empty), "no closing date yet");
    assert!(text(at(4, 20)).starts_with("整改通知书（巡查整〔2026〕"));
    assert!(text(at(4, 20)).ends_with("号，2026-11-03）"));
    assert_eq!(text(at(4, 27)), s.late);

    let chem = book.worksheet_range("危险化学品").unwrap();
    assert_eq!(text(chem.get_value((3, 4))), "危化品柜未上锁");
    assert_eq!(text(chem.get_value((3, 17))), "立查立改，当场整改");
    assert_eq!(text(chem.get_value((3, 27))), s.fixed);
}

#[test]
fn xlsx_summary_sheet_matches_the_report_figures() {
    let s = scene();
    let out = s.env.path("台账.xlsx");
    s.env.ok(
        TODAY,
        &["export", "--format", "xlsx", "--out", out.to_str().unwrap()],
    );
    let report: Value = serde_json::from_str(&s.env.ok(TODAY, &["--json", "report"])).unwrap();

    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let sum = book.worksheet_range("统计汇总").unwrap();
    let row_of = |label: &str, after: u32| -> u32 {
        (after..=sum.end().unwrap().0)
            .find(|r| text(sum.get_value((*r, 0))) == label)
            .unwrap_or_else(|| panic!("no row {label}"))
    };
    let keys = [
        "found",
        "major",
        "fixed_on_spot",
        "rectified",
        "closed",
        "overdue",
        "escalated",
    ];
    let by_facility_header = row_of("单位", 3);
    let rows = [
        (row_of("消防", 2), &report["by_line"][1]),
        (row_of("危险化学品", 2), &report["by_line"][0]),
        (row_of("合计", 2), &report["total"]),
        (
            row_of(FACILITY, by_facility_header),
            &report["by_facility"][0],
        ),
    ];
    for (r, expected) in rows {
        for (c, key) in keys.iter().enumerate() {
            assert_eq!(
                number(sum.get_value((r, c as u32 + 1))),
                expected[key].as_f64().unwrap(),
                "row {r} {key}"
            );
        }
    }
    // The fixed figures of this scene, so a wrong report cannot agree with a wrong sheet.
    let fire = row_of("消防", 2);
    let figures: Vec<f64> = (1..=8).map(|c| number(sum.get_value((fire, c)))).collect();
    assert_eq!(figures, [2.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.5]);
    let total = row_of("合计", 2);
    assert!((number(sum.get_value((total, 8))) - 2.0 / 3.0).abs() < 1e-9);
}

#[test]
fn report_text_shows_the_rate_per_line() {
    let s = scene();
    let text = s.env.ok(TODAY, &["report"]);
    let fire = text.lines().find(|l| l.starts_with("消防")).unwrap();
    let cols: Vec<&str> = fire.split_whitespace().collect();
    assert_eq!(
        cols,
        [
            "消防", "2", "1", "0", "1", "1", "1", "1", "50.0%", "0", "50.0%"
        ]
    );
    let narrow = s.env.ok(TODAY, &["report", "--from", "2026-11-02"]);
    assert!(!narrow.lines().any(|l| l.starts_with("消防")), "{narrow}");
}

#[test]
fn xlsx_filters_like_finding_list() {
    let s = scene();
    let out = s.env.path("逾期.xlsx");
    let msg = s.env.ok(
        TODAY,
        &[
            "export",
            "--format",
            "xlsx",
            "--out",
            out.to_str().unwrap(),
            "--status",
            "overdue",
            "--facility",
            FACILITY,
        ],
    );
    assert!(msg.contains("1 条"), "{msg}");
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(book.sheet_names(), ["统计汇总", "消防"]);
    let fire = book.worksheet_range("消防").unwrap();
    assert_eq!(
        text(fire.get_value((1, 0))),
        format!("单位（部门）：{FACILITY}\n筛选：状态：逾期未整改")
    );
    assert_eq!(fire.end(), Some((5, 27)));
    assert_eq!(text(fire.get_value((3, 27))), s.late);
}

// ---------- CSV ----------

#[test]
fn csv_ledger_has_a_bom_and_parses_back() {
    let s = scene();
    let out = s.env.path("台账.csv");
    s.env.ok(
        TODAY,
        &["export", "--format", "csv", "--out", out.to_str().unwrap()],
    );
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 BOM for Excel and WPS");
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(headers, HEADERS);
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 3);
    // Lines in checklist order (危险化学品 before 消防), each in the order found.
    let ids: Vec<&str> = rows.iter().map(|r| &r[27]).collect();
    assert_eq!(ids, [s.fixed.as_str(), s.closed.as_str(), s.late.as_str()]);
    let seq: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(seq, ["1", "2", "3"]);
    let late = &rows[2];
    assert_eq!(&late[4], "安全出口堆放杂物<b>&");
    assert_eq!(&late[7], "立即清理，落实每日巡查");
    assert_eq!(&late[9], "2026-11-05");
    assert_eq!(&late[21], "2026-11-01");
    assert_eq!(&late[15], "是（逾期17天未整改）");
    assert!(
        late[20].starts_with("整改通知书（巡查整〔2026〕"),
        "{}",
        &late[20]
    );
    assert!(late[20].ends_with("号，2026-11-03）"), "{}", &late[20]);
    assert!(late[1].starts_with("YH-2026-"), "{}", &late[1]);
    assert_eq!(&rows[0][18], "当场销号");
    assert_eq!(&rows[1][19], "2026-11-09");
}

#[test]
fn csv_with_a_filter_that_matches_nothing_still_has_the_header() {
    let s = scene();
    let out = s.env.path("空.csv");
    s.env.ok(
        TODAY,
        &[
            "export",
            "--format",
            "csv",
            "--out",
            out.to_str().unwrap(),
            "--line",
            "energy",
        ],
    );
    let bytes = std::fs::read(&out).unwrap();
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(r.headers().unwrap().len(), 28);
    assert_eq!(r.records().count(), 0);
}

// ---------- HTML forms ----------

fn html(s: &Scene, flag: &str, id: &str, now: &str) -> String {
    let out = s.env.path(&format!("{flag}-{id}.html"));
    s.env.ok(
        now,
        &[
            "export",
            "--format",
            "html",
            flag,
            id,
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(page.contains("@page { size: A4"), "A4 print CSS");
    assert!(!page.contains("<script"), "no scripts");
    assert!(!page.contains("http://") && !page.contains("https://") && !page.contains("src="));
    assert!(!page.contains("<b>&"), "user text is escaped");
    page
}

#[test]
fn inspection_form_has_every_box_of_the_hospital_seed() {
    let s = scene();
    let page = html(&s, "--inspection", &s.inspection, TODAY);
    for field in [
        "问题隐患自查（督查）整改表",
        "科　　室",
        "责任人",
        "检查时间",
        "检查人员签名",
        "检查发现问题",
        "整改措施与意见",
        "整改时限",
        "整改落实情况反馈和负责人签字",
        "整改确认签字",
        "分管领导签字",
        "检查编号：JC-2026-",
        "<thead>",
    ] {
        assert!(page.contains(field), "missing {field}");
    }
    for value in [
        FACILITY,
        "急诊科",
        "总务科 王建国",
        "保卫科 李秀英",
        "2026年11月1日",
        "张三、李四",
        "☑督查",
        "急诊科走廊灭火器压力不足",
        "安全出口堆放杂物&lt;b&gt;&amp;",
        "危化品柜未上锁",
        "更换灭火器并建立月检记录",
        "2026-11-10",
        "2026-11-05",
        "立查立改",
    ] {
        assert!(page.contains(value), "missing {value}");
    }
    // The facility writes its 整改落实情况 by hand: nothing pre-filled.
    assert!(!page.contains("尚未整改"));
    assert!(!page.contains(&s.inspection), "no internal id on paper");
    assert_eq!(
        page.matches("年　　月　　日").count(),
        2,
        "two sign-off rows"
    );
}

#[test]
fn finding_notice_follows_the_four_documents() {
    let s = scene();
    let page = html(&s, "--finding", &s.late, TODAY);
    assert!(page.contains("安全生产隐患整改通知书"));
    let addressee = format!("{FACILITY}：");
    for value in [
        addressee.as_str(),
        "巡查整〔2026〕",
        "安全出口堆放杂物&lt;b&gt;&amp;",
        "立即清理，落实每日巡查",
        "重大",
        "急诊科 / 一楼东侧",
        "回　执",
        "签收单位（盖章）",
        "2026年11月3日",
    ] {
        assert!(page.contains(value), "missing {value}");
    }
    for absent in ["已逾期", s.late.as_str(), "fire."] {
        assert!(!page.contains(absent), "{absent} must not be printed");
    }
    // A reprint a year later is the same document.
    let again = html(&s, "--finding", &s.late, "2027-11-22T09:00:00+08:00");
    assert_eq!(page, again);

    // Still not rectified: the next steps of the 四书, each citing the earlier 文号.
    s.env.ok(
        "2026-12-06T09:00:00+08:00",
        &["finding", "escalate", &s.late],
    );
    let page = html(&s, "--finding", &s.late, "2026-12-06T09:00:00+08:00");
    assert!(page.contains("安全生产隐患警示约谈告知书"));
    assert!(page.contains("你单位于2026年11月3日接到《安全生产隐患整改通知书》（巡查整〔2026〕"));
    assert!(page.contains("巡查约〔2026〕"));
    assert!(page.contains("主要负责人"));

    s.env.ok(
        "2026-12-20T09:00:00+08:00",
        &["finding", "escalate", &s.late],
    );
    let page = html(&s, "--finding", &s.late, "2026-12-20T09:00:00+08:00");
    assert!(page.contains("安全生产隐患责任追究建议书"));
    assert!(page.contains("于2026年12月6日下发"));
    assert!(page.contains("签收机关（盖章）"));

    // A finding that never had a step has no notice: refused, no file.
    let out = s.env.path("无文书.html");
    let msg = s.env.user_error(
        TODAY,
        &[
            "export",
            "--format",
            "html",
            "--finding",
            &s.closed,
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(msg.contains("尚未发出"), "{msg}");
    assert!(!out.exists());
}

// ---------- bad input ----------

fn assert_absent(p: &Path) {
    assert!(!p.exists(), "{} should not exist", p.display());
    let dir = p.parent().unwrap();
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
}

#[test]
fn bad_input_gets_a_chinese_message_and_no_file() {
    let s = scene();
    let e = &s.env;
    let out = e.path("x.html");
    let o = out.to_str().unwrap();

    let err = e.user_error(TODAY, &["export", "--format", "html", "--out", o]);
    assert!(
        err.contains("--inspection") && err.contains("--finding"),
        "{err}"
    );
    let err = e.user_error(
        TODAY,
        &[
            "export",
            "--format",
            "html",
            "--inspection",
            "ffffffff",
            "--out",
            o,
        ],
    );
    assert!(err.contains("找不到检查"), "{err}");
    let err = e.user_error(
        TODAY,
        &[
            "export",
            "--format",
            "html",
            "--finding",
            "ffffffff",
            "--out",
            o,
        ],
    );
    assert!(err.contains("找不到隐患"), "{err}");
    let err = e.user_error(
        TODAY,
        &[
            "export",
            "--format",
            "html",
            "--finding",
            &s.late,
            "--inspection",
            &s.inspection,
            "--out",
            o,
        ],
    );
    assert!(err.contains("只能选一个"), "{err}");
    assert_absent(&out);

    let csv_out = e.path("x.csv");
    let err = e.user_error(
        TODAY,
        &[
            "export",
            "--format",
            "csv",
            "--inspection",
            &s.inspection,
            "--out",
            csv_out.to_str().unwrap(),
        ],
    );
    assert!(err.contains("只用于 html"), "{err}");
    let err = e.user_error(
        TODAY,
        &[
            "export",
            "--format",
            "xlsx",
            "--status",
            "late",
            "--out",
            csv_out.to_str().unwrap(),
        ],
    );
    assert!(err.contains("状态"), "{err}");
    assert_absent(&csv_out);

    let missing = e.path("没有这个文件夹").join("台账.xlsx");
    let err = e.user_error(
        TODAY,
        &[
            "export",
            "--format",
            "xlsx",
            "--out",
            missing.to_str().unwrap(),
        ],
    );
    assert!(
        err.contains("无法写入") && err.contains("没有这个文件夹"),
        "{err}"
    );
    let err = e.user_error(
        TODAY,
        &[
            "export",
            "--format",
            "csv",
            "--out",
            e.path("").to_str().unwrap(),
        ],
    );
    assert!(err.contains("无法写入"), "{err}");
}

// ---------- the ledger's new columns and row heights ----------

#[test]
fn xlsx_ledger_reads_back_the_new_columns_and_a_height_for_every_row() {
    let s = scene();
    let col = |name: &str| HEADERS.iter().position(|h| *h == name).unwrap() as u32;
    s.env.ok(
        TODAY,
        &[
            "org",
            "--authority",
            "绍兴市卫生健康委员会",
            "--agency-code",
            "绍卫安",
        ],
    );
    let long = "安全出口和疏散通道长期堆放杂物、纸箱和废旧设备，夜间锁闭，应急照明损坏，疏散指示标志指向错误，".repeat(3);
    let extra = s.env.ok(
        FOUND,
        &[
            "finding",
            "add",
            "--inspection",
            &s.inspection,
            "--item",
            "fire.exit-clear",
            "--description",
            &long,
            "--due",
            "2026-11-20",
            "--category",
            "现场管理类",
            "--interim",
            "设专人值守，每日巡查",
            "--funds",
            "3000元",
        ],
    );
    s.env.ok(
        "2026-11-15T09:00:00+08:00",
        &[
            "finding",
            "rectify",
            &extra,
            "--note",
            "已清理",
            "--completed",
            "2026-11-12",
        ],
    );
    s.env.ok(
        "2026-11-16T09:00:00+08:00",
        &["finding", "verify", &extra, "--pass"],
    );
    let out = s.env.path("台账.xlsx");
    s.env.ok(
        TODAY,
        &["export", "--format", "xlsx", "--out", out.to_str().unwrap()],
    );
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let fire = book.worksheet_range("消防").unwrap();
    let row = (3..=fire.end().unwrap().0)
        .find(|r| text(fire.get_value((*r, col("记录ID")))) == extra)
        .expect("the new finding's row");
    let at = |name: &str| fire.get_value((row, col(name)));
    assert!(
        text(at("隐患编号")).starts_with("YH-2026-"),
        "{}",
        text(at("隐患编号"))
    );
    assert_eq!(text(at("隐患类别")), "现场管理类");
    assert_eq!(text(at("临时防范措施")), "设专人值守，每日巡查");
    assert_eq!(text(at("整改资金")), "3000元");
    assert_eq!(
        date(at("实际完成日期")),
        NaiveDate::from_ymd_opt(2026, 11, 12).unwrap()
    );
    assert_eq!(text(at("复查人")), "王督查");
    assert_eq!(
        date(at("复查日期")),
        NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
    );
    // The search finds the record by its number as people say it.
    let number = text(at("隐患编号"));
    let shown = s
        .env
        .ok(TODAY, &["finding", "show", &number.to_lowercase()]);
    assert!(shown.starts_with(&format!("隐患编号 {number}")), "{shown}");

    // Every row with cells has an explicit height; the long text's row is several lines tall.
    let sheets = book.sheet_names();
    let fire_sheet = sheets.iter().position(|n| n == "消防").unwrap() + 1;
    let heights = row_heights(&out, fire_sheet);
    for r in 1..=fire.end().unwrap().0 + 1 {
        let cells = (0..28).any(|c| {
            fire.get_value((r - 1, c))
                .is_some_and(|d| *d != Data::Empty)
        });
        if cells {
            assert!(heights.contains_key(&r), "row {r} has no height");
        }
    }
    let tall = heights[&(row + 1)];
    let short = heights[&4];
    assert!(tall > 3.0 * 14.0 && tall > short, "{tall} vs {short}");

    // Title and properties: the organisation is the author; the clock is the pinned one.
    let mut z = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut core = String::new();
    std::io::Read::read_to_string(&mut z.by_name("docProps/core.xml").unwrap(), &mut core).unwrap();
    assert!(
        core.contains("<dc:creator>绍兴市卫生健康委员会</dc:creator>"),
        "{core}"
    );
    assert!(core.contains("2026-11-22T01:00:00Z"), "{core}");
}

// ---------- line sheets written side by side ----------

/// The XML of one part of an XLSX file.
fn xlsx_part(path: &Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut z.by_name(name).unwrap(), &mut xml).unwrap();
    xml
}

/// The fill colour (ARGB hex) of cell `cell` ("E5") of a sheet, through its style number in
/// styles.xml's cellXfs and the fill that style names; None for no fill.
fn fill_of(sheet_xml: &str, styles_xml: &str, cell: &str) -> Option<String> {
    let at = sheet_xml
        .find(&format!("<c r=\"{cell}\""))
        .expect("the cell");
    let tag = &sheet_xml[at..at + sheet_xml[at..].find('>').unwrap()];
    let attr = |tag: &str, name: &str| -> Option<String> {
        let from = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(tag[from..from + tag[from..].find('"')?].to_string())
    };
    let style: usize = attr(tag, "s").map_or(0, |s| s.parse().unwrap());
    let xfs = &styles_xml[styles_xml.find("<cellXfs").unwrap()..];
    let xf = xfs.split("<xf ").nth(style + 1).expect("the style");
    let fill: usize = attr(&format!(" {xf}"), "fillId").unwrap().parse().unwrap();
    let fills = &styles_xml[styles_xml.find("<fills").unwrap()..];
    let fill = fills.split("<fill>").nth(fill + 1).expect("the fill");
    let fg = fill.find("<fgColor")?;
    attr(&fill[fg..], "rgb")
}

#[test]
fn xlsx_line_sheets_keep_their_colours_and_the_same_bytes_on_every_export() {
    let s = scene();
    let export = |name: &str| {
        let out = s.env.path(name);
        s.env.ok(
            TODAY,
            &["export", "--format", "xlsx", "--out", out.to_str().unwrap()],
        );
        out
    };
    let first = export("台账1.xlsx");
    // 统计汇总, 危险化学品, then 消防: the second line sheet, written after the first.
    let fire = xlsx_part(&first, "xl/worksheets/sheet3.xml");
    let styles = xlsx_part(&first, "xl/styles.xml");
    assert!(fire.contains("安全出口堆放杂物"), "the 消防 sheet");
    // Row 5 is the overdue exit (red in every cell), row 4 the closed extinguisher (no fill).
    for cell in ["A5", "E5", "J5", "P5"] {
        assert_eq!(
            fill_of(&fire, &styles, cell).as_deref(),
            Some("FFFFC7CE"),
            "{cell} of the overdue row is red"
        );
    }
    for cell in ["A4", "E4", "J4"] {
        assert_eq!(fill_of(&fire, &styles, cell), None, "{cell} has no fill");
    }
    let again = export("台账2.xlsx");
    assert!(
        std::fs::read(&first).unwrap() == std::fs::read(&again).unwrap(),
        "two exports of the same ledger are the same file"
    );
}

/// The style number of cell `cell` ("E5") of a sheet: None when the cell is not in the file,
/// 0 when it has no `s`.
fn style_of(sheet_xml: &str, cell: &str) -> Option<usize> {
    let at = sheet_xml.find(&format!("<c r=\"{cell}\""))?;
    let tag = &sheet_xml[at..at + sheet_xml[at..].find('>').unwrap()];
    Some(match tag.find(" s=\"") {
        Some(from) => {
            let v = &tag[from + 4..];
            v[..v.find('"').unwrap()].parse().unwrap()
        }
        None => 0,
    })
}

#[test]
fn xlsx_plain_rows_after_the_first_keep_every_cell_and_its_style() {
    let s = scene();
    // A third 消防 hazard, found a day later (row 6), open and not yet due, with empty cells.
    s.env.ok(
        "2026-11-02T09:00:00+08:00",
        &[
            "finding",
            "add",
            "--inspection",
            &s.inspection,
            "--line",
            "fire",
            "--description",
            "配电间门口堆放纸箱",
            "--due",
            "2026-12-31",
        ],
    );
    let out = s.env.path("台账.xlsx");
    s.env.ok(
        TODAY,
        &["export", "--format", "xlsx", "--out", out.to_str().unwrap()],
    );
    let fire = xlsx_part(&out, "xl/worksheets/sheet3.xml");
    assert!(fire.contains("配电间门口堆放纸箱"), "the 消防 sheet");
    let columns: Vec<String> = (0..28u8)
        .map(|c| match c {
            0..=25 => ((b'A' + c) as char).to_string(),
            _ => format!("A{}", (b'A' + c - 26) as char),
        })
        .collect();
    // Row 4 is the first data row (every cell written with its format), row 6 a later plain
    // one: each of its 28 cells is there, blank or not, with the same style as row 4's.
    for col in &columns {
        let first = style_of(&fire, &format!("{col}4")).expect("row 4 has every cell");
        assert_ne!(first, 0, "{col}4 has its format (borders)");
        assert_eq!(
            style_of(&fire, &format!("{col}6")),
            Some(first),
            "{col}6 is there and looks like {col}4"
        );
        assert_eq!(
            style_of(&fire, &format!("{col}7")),
            None,
            "nothing under the table"
        );
    }
    // No column keeps a format: the empty cells under the table have no borders.
    let cols = &fire[fire.find("<cols>").unwrap()..fire.find("</cols>").unwrap()];
    assert!(!cols.contains("style="), "{cols}");
}
