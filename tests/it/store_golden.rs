//! Data dirs written by earlier versions open and read as before, take new events beside their
//! old ones, sync them to another store whose signature and chain checks accept every record,
//! and `doctor` still finds the views equal a rebuild.
//!
//! `tests/golden_store/v1`, from before events were stored packed (issue 14), was made by the
//! build of main at 9cc0f40 with `XUNCHA_NOW=2026-11-22T09:00:00+08:00`: `inspection start
//! --facility 东城区人民医院 --mode self --inspector 王建国 --line fire`, two `finding add`, one
//! `finding rectify` (6 events).
//!
//! `tests/golden_store/v2`, from before the `ent` tree kept one entry per entity (one key per
//! event, docs/store-format.md), was made by the release build of main at d5615b6 with the same
//! `XUNCHA_NOW`: `facility add 市第一人民医院 --head 张建国 --head-phone 0371-66661234 --officer
//! 王芳 --address 金水路1号`, `facility place add 市第一人民医院 本部/门诊楼/1层/配电室
//! --key-site`, `chem add … --place 药剂科危化品库 --name 乙醇 --unit 升 --max 50`, `equipment add …
//! --name 1号客梯 --kind elevator`, `inspection start … --inspector 王建国 --line fire`, two
//! `finding add` (YH-2026-CEA-0001 with `--responsible 后勤保障科 --measures 清走纸箱`, 0002
//! without), `finding rectify YH-2026-CEA-0001 --note 纸箱已清走`, `chem receive 乙醇 --qty 20
//! --by 李药师`, `finding edit YH-2026-CEA-0002 measures 清理杂物` (16 events).

use crate::common;
use common::Env;
use std::path::Path;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), t).unwrap();
        }
    }
}

/// An env whose data dir is a copy of golden store `version` (sled writes on open).
fn golden_at(version: &str) -> Env {
    let env = Env::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden_store")
        .join(version);
    copy_dir(&src, &env.data());
    env
}

fn golden() -> Env {
    golden_at("v1")
}

#[test]
fn a_store_written_before_packing_reads_the_same() {
    let env = golden();
    let list = env.json(&["finding", "list"]);
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let first = rows
        .iter()
        .find(|r| r["description"] == "配电室内堆放纸箱等可燃物")
        .expect("the first hazard");
    assert_eq!(first["number"], "YH-2026-GG2-0001", "{first}");
    assert_eq!(first["status"], "rectified");
    assert_eq!(first["responsible"], "后勤保障科");
    let shown = env.ok(&["finding", "show", "YH-2026-GG2-0001"]);
    assert!(shown.contains("纸箱已清走"), "{shown}");
    assert_eq!(env.events(), 6);
    let doctor = env.ok(&["doctor"]);
    assert!(doctor.contains("视图与日志重建结果一致"), "{doctor}");
}

#[test]
fn old_and_packed_events_live_together_and_sync_out_whole() {
    let env = golden();
    let insp = env.json(&["inspection", "list"])[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    env.add_finding(&insp, "fire", "灭火器压力不足，指针位于红区");
    // The hazard, and the device's new self-description (another inspector name).
    assert!(env.events() >= 7);
    let doctor = env.ok(&["doctor"]);
    assert!(doctor.contains("视图与日志重建结果一致"), "{doctor}");

    // Everything goes out through a folder; another store checks every signature and link.
    let folder = env.tmp.path().join("usb");
    std::fs::create_dir_all(&folder).unwrap();
    let dir = folder.to_str().unwrap();
    env.ok(&["sync", "--dir", dir]);
    let office = Env::new();
    let out = office.ok(&["sync", "--dir", dir]);
    assert!(!out.contains("拒收"), "{out}");
    let list = office.json(&["finding", "list"]);
    let mut got: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["description"].as_str().unwrap())
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            "灭火器压力不足，指针位于红区",
            "疏散通道堆放杂物",
            "配电室内堆放纸箱等可燃物"
        ]
    );
    let doctor = office.ok(&["doctor"]);
    assert!(doctor.contains("视图与日志重建结果一致"), "{doctor}");
}

/// Everything the v2 store holds, as a user reads it: hazards, the registers, the registry.
fn v2_readings(env: &Env) -> String {
    let list = env.json(&["finding", "list"]);
    let mut rows: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {} {}",
                r["number"], r["status"], r["description"], r["measures"], r["responsible"]
            )
        })
        .collect();
    rows.sort();
    // Filtered lists: the store's status, line and facility keys are retired at its first open
    // by this version; the filters read the register rows.
    for filter in [
        ["--status", "open"],
        ["--status", "rectified"],
        ["--line", "fire"],
        ["--line", "energy"],
    ] {
        let mut args = vec!["finding", "list"];
        args.extend(filter);
        let listed = env.json(&args);
        let mut numbers: Vec<String> = listed
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["number"].to_string())
            .collect();
        numbers.sort();
        rows.push(format!("{filter:?}: {}", numbers.join(" ")));
    }
    let chem = env.json(&["chem", "list"]);
    let chem = &chem[0];
    rows.push(format!(
        "{} {} {}",
        chem["name"],
        chem["balance_text"],
        chem["movements"].as_array().unwrap().len()
    ));
    rows.push(env.ok(&["equipment", "list"]));
    rows.push(env.ok(&["facility", "list"]));
    rows.push(env.ok(&["finding", "show", "YH-2026-CEA-0001"]));
    // Its hazards by inspection and number: the store's keys for them are stored one by one,
    // and grouped at its first open by this version.
    for i in env.json(&["inspection", "list"]).as_array().unwrap() {
        rows.push(env.ok(&["inspection", "show", i["id"].as_str().unwrap()]));
    }
    rows.join("\n")
}

#[test]
fn a_store_with_one_ent_key_per_event_reads_the_same_takes_new_events_and_compacts() {
    let env = golden_at("v2");
    let before = v2_readings(&env);
    for want in [
        "\"YH-2026-CEA-0001\" \"rectified\" \"配电室内堆放纸箱等可燃物\" \"清走纸箱\" \"后勤保障科\"",
        "\"YH-2026-CEA-0002\" \"open\" \"疏散通道堆放杂物\" \"清理杂物\"",
        "\"乙醇\" \"20\" 1",
        "1号客梯",
        "张建国",
        "纸箱已清走",
        "[\"--status\", \"open\"]: \"YH-2026-CEA-0002\"",
        "[\"--status\", \"rectified\"]: \"YH-2026-CEA-0001\"",
        "发现隐患 2 条",
    ] {
        assert!(before.contains(want), "{want} not in\n{before}");
    }
    assert_eq!(env.events(), 16);
    let doctor = env.ok(&["doctor"]);
    assert!(doctor.contains("视图与日志重建结果一致"), "{doctor}");

    // New events of old entities (a hazard, the chemical) and of a new one, beside the old keys.
    env.ok(&["finding", "comment", "YH-2026-CEA-0002", "杂物已部分清理"]);
    env.ok(&[
        "chem",
        "issue",
        "乙醇",
        "--qty",
        "5",
        "--by",
        "李药师",
        "--purpose",
        "消毒",
    ]);
    let insp = env.json(&["inspection", "list"])[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    env.add_finding(&insp, "fire", "灭火器压力不足，指针位于红区");
    let mixed = v2_readings(&env);
    let shown = env.ok(&["finding", "show", "YH-2026-CEA-0002"]);
    assert!(shown.contains("杂物已部分清理"), "{shown}");
    assert!(mixed.contains("\"乙醇\" \"15\" 2"), "{mixed}");
    assert!(mixed.contains("灭火器压力不足"), "{mixed}");
    let doctor = env.ok(&["doctor"]);
    assert!(doctor.contains("视图与日志重建结果一致"), "{doctor}");

    // Compaction rewrites the old keys one entry per entity: the same readings, doctor clean.
    env.ok(&["doctor", "--compact"]);
    assert_eq!(v2_readings(&env), mixed);
    let doctor = env.ok(&["doctor"]);
    assert!(doctor.contains("视图与日志重建结果一致"), "{doctor}");

    // Everything syncs out whole to a store that checks every record.
    let folder = env.tmp.path().join("usb");
    std::fs::create_dir_all(&folder).unwrap();
    let dir = folder.to_str().unwrap();
    env.ok(&["sync", "--dir", dir]);
    let office = Env::new();
    let out = office.ok(&["sync", "--dir", dir]);
    assert!(!out.contains("拒收"), "{out}");
    assert_eq!(v2_readings(&office), mixed);
}

/// The v2 store keeps its register rows as JSON under the `models_v2` stamp: the first open by
/// this version builds them again in the binary form, and the register (the TUI's 台账) lists
/// the same hazards as `finding list`, with their numbers, statuses and 整改时限.
#[test]
fn register_rows_stored_as_json_are_rebuilt_and_list_the_same_hazards() {
    use xuncha::ops::{Ctx, RegisterFilter, RetractedView, SortDue, register_view};
    let env = golden_at("v2");
    let now = xuncha::domain::Now(
        chrono::DateTime::parse_from_rfc3339("2026-11-22T09:00:00+08:00").unwrap(),
    );
    let ctx = Ctx::new(
        xuncha::store::Store::open(&env.data()).unwrap(),
        xuncha::catalog::Catalog::builtin(),
        now,
        "王建国",
    );
    let all = RegisterFilter {
        retracted: RetractedView::Include,
        ..Default::default()
    };
    let view = register_view(&ctx, &all, SortDue::Newest).unwrap();
    let mut shown: Vec<String> = view
        .rows
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {:?}",
                r.number.as_deref().unwrap_or("-"),
                r.status.id(),
                r.description,
                r.due
            )
        })
        .collect();
    shown.sort();
    drop(ctx);
    let mut listed: Vec<String> = env
        .json(&["finding", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let due = f["due"].as_str().map(|d| format!("Some({d})"));
            format!(
                "{} {} {} {}",
                f["number"].as_str().unwrap(),
                f["status"].as_str().unwrap(),
                f["description"].as_str().unwrap(),
                due.unwrap_or_else(|| "None".into())
            )
        })
        .collect();
    listed.sort();
    assert_eq!(shown.len(), 2);
    assert_eq!(shown, listed);
    let doctor = env.ok(&["doctor"]);
    assert!(doctor.contains("视图与日志重建结果一致"), "{doctor}");
}
