//! No control character reaches a terminal or a spreadsheet (issue 9 point 6).
//! Typed text is cleaned at input; text from another device (which this one never cleaned)
//! is shown escaped in `finding list`/`show`, the TUI, CSV, XLSX and HTML; CSV cells never
//! start a formula; every text field has a maximum length, checked with a Chinese error.

use crate::common;

use crate::tui_support;

use calamine::{Reader, Xlsx, open_workbook};
use chrono::DateTime;
use common::Env;
use std::path::Path;
use xuncha::domain::{Now, Payload, Severity};
use xuncha::store::Store;
use xuncha::sync::{SyncOptions, sync};

/// What a hostile device writes: an OSC that retitles the window, a screen clear, a cursor
/// move that redraws a row, an 8-bit CSI, a bidi override, and a formula.
const HOSTILE: &str =
    "=HYPERLINK(\"http://x\")\u{1b}]0;已整改\u{7}\u{1b}[2J\u{1b}[1A\u{9b}31m\u{202e}改整已";
const HOSTILE_FACILITY: &str = "-临河\u{1b}[31m医院";

fn now() -> Now {
    Now(DateTime::parse_from_rfc3339(common::NOW).unwrap())
}

/// Another device writes a finding with raw control characters (bypassing `ops`, as a
/// modified program would) and leaves it in the sync folder `dir`.
fn hostile_device(tmp: &Path, dir: &Path) -> String {
    let mut s = Store::open(&tmp.join("hostile")).unwrap();
    let id = uuid::Uuid::now_v7();
    s.append(
        "恶意\u{1b}[8m",
        &now(),
        vec![Payload::FindingRecorded {
            finding_id: id,
            inspection_id: None,
            facility: HOSTILE_FACILITY.into(),
            department: "急诊科".into(),
            location: "@SUM(A1)".into(),
            line: "fire".into(),
            item_id: None,
            description: HOSTILE.into(),
            severity: Severity::Major,
            measures: "+清理\u{1b}[0m杂物".into(),
            due: chrono::NaiveDate::from_ymd_opt(2026, 11, 1),
            responsible: "\t后勤".into(),
            fixed_on_spot: false,
            number: None,
            category: String::new(),
            interim: String::new(),
            funds: String::new(),
        }],
    )
    .unwrap();
    std::fs::create_dir_all(dir).unwrap();
    sync(&mut s, &now(), dir, &SyncOptions::default(), &mut |_, _| {}).unwrap();
    id.to_string()
}

fn no_raw_controls(what: &str, text: &str) {
    for c in text.chars() {
        assert!(
            !xuncha::domain::sanitize::is_unsafe(c),
            "{what} carries a raw U+{:04X}:\n{text}",
            c as u32
        );
    }
}

fn synced_env() -> (Env, String) {
    let env = Env::new();
    let dir = env.tmp.path().join("stick");
    let id = hostile_device(env.tmp.path(), &dir);
    env.ok(&["sync", "--dir", dir.to_str().unwrap()]);
    (env, id)
}

#[test]
fn synced_hostile_text_is_shown_escaped_in_the_cli() {
    let (env, id) = synced_env();
    let list = env.ok(&["finding", "list"]);
    no_raw_controls("finding list", &list);
    assert!(list.contains("\\x1b]0;已整改\\x07"), "{list}");
    assert!(list.contains("\\u{202e}"), "{list}");
    let show = env.ok(&["finding", "show", &id]);
    no_raw_controls("finding show", &show);
    assert!(
        show.contains("\\x1b[2J") && show.contains("\\x9b31m"),
        "{show}"
    );
    let report = env.ok(&["report"]);
    no_raw_controls("report", &report);
    let search = env.ok(&["search", "HYPERLINK"]);
    no_raw_controls("search", &search);
    assert!(search.contains("\\x1b"), "{search}");
}

/// The other device is named by its writer's name in `xuncha device`: that name came from
/// the folder too, and is shown escaped (a raw ESC or bidi override would reach the terminal).
#[test]
fn a_synced_device_name_is_shown_escaped_in_device() {
    let (env, _) = synced_env();
    let device = env.ok(&["device"]);
    no_raw_controls("device", &device);
    assert!(device.contains("恶意\\x1b[8m"), "{device}");
}

#[test]
fn synced_hostile_text_is_escaped_in_every_export() {
    let (env, id) = synced_env();
    let csv_path = env.tmp.path().join("台账.csv");
    env.ok(&[
        "export",
        "--format",
        "csv",
        "--out",
        csv_path.to_str().unwrap(),
    ]);
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    no_raw_controls("CSV", &csv);
    let mut r = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let head = r.headers().unwrap().clone();
    let row = r.records().next().unwrap().unwrap();
    let cell = |title: &str| row[head.iter().position(|h| h == title).unwrap()].to_string();
    assert!(cell("问题隐患").starts_with("'=HYPERLINK"), "{row:?}");
    assert!(cell("问题隐患").contains("\\x1b]0;"), "{row:?}");
    assert_eq!(cell("整改制度措施"), "'+清理\\x1b[0m杂物");
    assert_eq!(cell("责任单位（部门）及人员"), "'\t后勤");
    assert!(cell("单位").starts_with("'-临河\\x1b[31m"), "{row:?}");
    assert!(cell("科室/部位").contains("@SUM"), "{row:?}");

    let xlsx_path = env.tmp.path().join("台账.xlsx");
    env.ok(&[
        "export",
        "--format",
        "xlsx",
        "--out",
        xlsx_path.to_str().unwrap(),
    ]);
    let mut book: Xlsx<_> = open_workbook(&xlsx_path).unwrap();
    let mut seen = false;
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        for c in range.used_cells() {
            let text = c.2.to_string();
            no_raw_controls("XLSX", &text);
            seen |= text.contains("\\x1b]0;已整改\\x07");
        }
    }
    assert!(seen, "the hostile description is in the XLSX, escaped");

    // A notice exists once its step was taken; it carries the synced text as it read then.
    env.ok(&["finding", "escalate", &id]);
    let html_path = env.tmp.path().join("通知书.html");
    env.ok(&[
        "export",
        "--format",
        "html",
        "--out",
        html_path.to_str().unwrap(),
        "--finding",
        &id,
    ]);
    let html = std::fs::read_to_string(&html_path).unwrap();
    no_raw_controls("HTML", &html);
    assert!(html.contains("\\x1b]0;已整改\\x07"));
}

#[test]
fn synced_hostile_text_is_shown_escaped_in_the_tui() {
    let dir = tempfile::tempdir().unwrap();
    let stick = dir.path().join("stick");
    hostile_device(dir.path(), &stick);
    {
        let mut s = Store::open(&dir.path().join("data")).unwrap();
        sync_from(&mut s, &stick);
    }
    let mut h = tui_support::open(dir, tui_support::INSPECTOR);
    tui_support::press(&mut h, &["r"]);
    let t = tui_support::draw(&h, 120, 40);
    let register = tui_support::screen_text(&h, &t);
    no_raw_controls("TUI register", &register);
    assert!(register.contains("\\x1b"), "{register}");
    tui_support::press(&mut h, &["enter"]);
    let t = tui_support::draw(&h, 120, 40);
    let detail = tui_support::screen_text(&h, &t);
    no_raw_controls("TUI detail", &detail);
    assert!(detail.contains("\\x1b]0;已整改\\x07"), "{detail}");
    // The facility browser draws names kept raw for matching records: shown escaped too.
    tui_support::press(&mut h, &["esc", "esc", "u"]);
    let t = tui_support::draw(&h, 80, 24);
    let facilities = tui_support::screen_text(&h, &t);
    no_raw_controls("TUI facility browser", &facilities);
    assert!(facilities.contains("-临河\\x1b[31m医院"), "{facilities}");
}

#[test]
fn typed_controls_are_removed_before_anything_is_stored() {
    let env = Env::new();
    let insp = env.start("临河\u{1b}[31m区医院", &["fire"]);
    let id = env.add_finding(
        &insp,
        "fire",
        "消防\u{1b}]0;x\u{7}通道\u{202e}堵塞\r\n第二行",
    );
    let f = env.json(&["finding", "show", &id]);
    assert_eq!(f["description"], "消防]0;x通道堵塞\n第二行");
    assert_eq!(f["facility"], "临河[31m区医院");
}

#[test]
fn every_text_field_has_a_maximum_length_named_in_the_error() {
    let env = Env::new();
    let insp = env.start("临河区医院", &["fire"]);
    let long_text = "字".repeat(xuncha::ops::MAX_TEXT_CHARS + 1);
    let long_name = "名".repeat(xuncha::ops::MAX_NAME_CHARS + 1);
    let before = env.events();
    let add = |flag: &str, value: &str| {
        let mut args = vec![
            "finding",
            "add",
            "--inspection",
            &insp,
            "--line",
            "fire",
            "--description",
            "消防通道堵塞",
        ];
        if flag == "--description" {
            args[7] = value;
        } else {
            args.extend([flag, value]);
        }
        env.fails(&args)
    };
    for (flag, value, label) in [
        ("--description", &long_text, "问题隐患（--description）"),
        ("--measures", &long_text, "整改措施（--measures）"),
        ("--location", &long_name, "部位（--location）"),
        (
            "--responsible",
            &long_name,
            "责任单位及人员（--responsible）",
        ),
        ("--department", &long_name, "科室（--department）"),
    ] {
        let err = add(flag, value);
        assert!(err.contains(label) && err.contains("最多"), "{flag}: {err}");
    }
    let err = env.fails(&[
        "inspection",
        "start",
        "--facility",
        &long_name,
        "--mode",
        "self",
        "--inspector",
        "王",
        "--line",
        "fire",
    ]);
    assert!(
        err.contains("单位（--facility）") && err.contains("最多"),
        "{err}"
    );
    assert_eq!(env.events(), before, "nothing was written");
    // At the limit, it is accepted, and every export of it succeeds.
    let at_limit = "字".repeat(xuncha::ops::MAX_TEXT_CHARS);
    env.add_finding(&insp, "fire", &at_limit);
    let out = env.tmp.path().join("a.xlsx");
    env.ok(&["export", "--format", "xlsx", "--out", out.to_str().unwrap()]);
}

/// `--json` is an output too: text synced from another device carries no raw control or bidi
/// character to the terminal, and a JSON reader still gets the exact text back.
#[test]
fn synced_hostile_text_is_escaped_in_json_output() {
    let (env, id) = synced_env();
    for args in [
        vec!["--json", "finding", "list"],
        vec!["--json", "finding", "show", id.as_str()],
        vec!["--json", "device", "list"],
        vec!["--json", "search", "HYPERLINK"],
        vec!["--json", "report"],
    ] {
        let out = env.ok(&args);
        no_raw_controls(&format!("{args:?}"), &out);
    }
    let out = env.ok(&["--json", "finding", "show", &id]);
    assert!(
        out.contains("\\u009b31m") && out.contains("\\u202e"),
        "{out}"
    );
    let f: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        f["description"], HOSTILE,
        "the JSON value is the text itself"
    );
    assert_eq!(f["facility"], HOSTILE_FACILITY);
}

/// The name this device signs with and the organisation profile come from the config file
/// (or `XUNCHA_USER`, or `xuncha org`): checked like typed text, with the field named.
#[test]
fn the_inspector_name_and_the_org_profile_have_a_maximum_length() {
    let env = Env::new();
    let insp = env.start("临河区医院", &["fire"]);
    let before = env.events();
    let long = "名".repeat(xuncha::ops::MAX_NAME_CHARS + 1);
    let out = env
        .cmd(&["finding", "list"])
        .env("XUNCHA_USER", &long)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        err.contains("检查人员姓名") && err.contains("最多 200 字") && err.contains("XUNCHA_USER"),
        "{err}"
    );
    std::fs::create_dir_all(env.config()).unwrap();
    let config = env.config().join("config.toml");
    std::fs::write(&config, format!("inspector = \"{long}\"\n")).unwrap();
    let out = env
        .cmd(&[
            "finding",
            "add",
            "--inspection",
            &insp,
            "--line",
            "fire",
            "--description",
            "x",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        err.contains("config.toml") && err.contains("检查人员姓名"),
        "{err}"
    );
    std::fs::remove_file(&config).unwrap();
    assert_eq!(env.events(), before, "nothing was written");

    let err = env.fails(&["org", "--authority", &long]);
    assert!(
        err.contains("发文机关") && err.contains("--authority") && err.contains("最多 200 字"),
        "{err}"
    );
    // At the limit it is accepted.
    let at = "名".repeat(xuncha::ops::MAX_NAME_CHARS);
    env.ok(&["org", "--authority", &at]);
    let out = env
        .cmd(&["device"])
        .env("XUNCHA_USER", &at)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

/// Another device's 危化品 and 特种设备 entries with raw control characters in every name
/// (as a modified program would write them), synced into a fresh data dir: the TUI's 危化/设备
/// 台账 screen and the devices screen show them escaped, never raw.
#[test]
fn synced_hostile_register_entries_and_device_names_are_shown_escaped_in_the_tui() {
    use xuncha::domain::chem::ChemicalAdded;
    use xuncha::domain::equipment::EquipmentAdded;
    use xuncha::domain::{ChemClass, EquipKind, Qty};
    let dir = tempfile::tempdir().unwrap();
    let stick = dir.path().join("stick");
    {
        let mut s = Store::open(&dir.path().join("hostile")).unwrap();
        s.append(
            "恶意\u{1b}[8m",
            &now(),
            vec![
                Payload::ChemicalAdded(ChemicalAdded {
                    chemical_id: uuid::Uuid::now_v7(),
                    facility: HOSTILE_FACILITY.into(),
                    place: "药库\u{1b}[2J".into(),
                    name: "乙醇\u{1b}]0;x\u{7}".into(),
                    class: ChemClass::Flammable,
                    cas: "64-17-5".into(),
                    unit: "升".into(),
                    max: Qty(50_000),
                    container: String::new(),
                    conditions: String::new(),
                }),
                Payload::EquipmentAdded(EquipmentAdded {
                    equipment_id: uuid::Uuid::now_v7(),
                    facility: HOSTILE_FACILITY.into(),
                    name: "1号客梯\u{9b}31m".into(),
                    kind: EquipKind::Elevator,
                    reg_no: "梯\u{202e}11".into(),
                    place: "门诊楼\u{1b}[1A".into(),
                    maker: String::new(),
                    factory_no: String::new(),
                    next_due: None,
                }),
            ],
        )
        .unwrap();
        std::fs::create_dir_all(&stick).unwrap();
        sync_from(&mut s, &stick);
        let mut mine = Store::open(&dir.path().join("data")).unwrap();
        sync_from(&mut mine, &stick);
    }
    let mut h = tui_support::open(dir, tui_support::INSPECTOR);
    tui_support::press(&mut h, &["z"]);
    for (w, ht) in [(120, 40), (80, 24)] {
        let t = tui_support::draw(&h, w, ht);
        let chems = tui_support::screen_text(&h, &t);
        no_raw_controls("TUI 危化品台账", &chems);
        assert!(chems.contains("乙醇\\x1b]0"), "{chems}");
    }
    tui_support::press(&mut h, &["tab"]);
    let t = tui_support::draw(&h, 120, 40);
    let equipment = tui_support::screen_text(&h, &t);
    no_raw_controls("TUI 特种设备台账", &equipment);
    assert!(equipment.contains("1号客梯\\x9b31m"), "{equipment}");
    tui_support::press(&mut h, &["esc", "d"]);
    let t = tui_support::draw(&h, 120, 40);
    let devices = tui_support::screen_text(&h, &t);
    no_raw_controls("TUI devices", &devices);
}

/// Imports everything in the sync folder `stick` into `store` (no progress, default options).
fn sync_from(store: &mut Store, stick: &std::path::Path) {
    sync(
        store,
        &now(),
        stick,
        &SyncOptions::default(),
        &mut |_, _| {},
    )
    .unwrap();
}
