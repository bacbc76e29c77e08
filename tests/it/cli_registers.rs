//! Issue 17 through the built binary: the 危险化学品 ledgers (balances computed, limits refused
//! naming the flag, nothing written), the 特种设备 list with a pinned clock (超期未检, 30天内到期,
//! 证书过期), a hazard linked to a register entry, and two devices issuing from the same stock
//! converging on one flagged balance through a sync folder.

use crate::common;
use common::Env;
use common::registers::{chem_add, chem_move, equipment_add};

#[test]
fn the_balance_comes_from_movements_and_limits_are_refused_naming_the_flag() {
    let env = Env::new();
    let id = env.ethanol();
    let c = env.json(&["chem", "show", &id]);
    assert_eq!(c["class_label"], "易燃液体");
    assert_eq!(c["cas"], "64-17-5", "a known variety gets its CAS No.");
    env.ok(&chem_move(
        "receive",
        "乙醇",
        "20",
        "张敏",
        &["--purpose", "采购", "--date", "2026-11-20"],
    ));
    let c = env.json(&chem_move(
        "issue",
        "乙醇",
        "2.5",
        "李护士",
        &["--purpose", "手术室消毒"],
    ));
    assert_eq!(c["balance_text"], "17.5");

    let before = env.events();
    let refusals = [
        (
            vec![
                "issue",
                "乙醇",
                "--qty",
                "18",
                "--by",
                "李护士",
                "--purpose",
                "消毒",
            ],
            "数量（--qty）：领用 18 升 超过结存",
        ),
        (
            vec!["receive", "乙醇", "--qty", "40", "--by", "张敏"],
            "最大储存量 50 升",
        ),
        (
            vec!["receive", "乙醇", "--qty", "-3", "--by", "张敏"],
            "数量（--qty）：「-3」是负数",
        ),
        (
            vec!["receive", "乙醇", "--qty", "0", "--by", "张敏"],
            "数量（--qty）：「0」为零",
        ),
        (
            vec!["receive", "乙醇", "--qty", "5L", "--by", "张敏"],
            "单位另填",
        ),
        (
            vec![
                "receive", "乙醇", "--qty", "3", "--unit", "千克", "--by", "张敏",
            ],
            "计量单位（--unit）：「千克」与该化学品的计量单位「升」不同",
        ),
        (
            vec!["issue", "乙醇", "--qty", "1", "--by", "李护士"],
            "用途（--purpose）：不能为空",
        ),
        (
            vec![
                "receive",
                "乙醇",
                "--qty",
                "1",
                "--by",
                "张敏",
                "--date",
                "2026-12-01",
            ],
            "日期（--date）：2026-12-01 还没到",
        ),
    ];
    for (args, want) in refusals {
        let mut a = vec!["chem"];
        a.extend(args.iter());
        let err = env.fails(&a);
        assert!(err.contains(want), "{a:?}: {err}");
    }
    let err = env.fails(&chem_add("检验科", "某试剂", "瓶", "10", &[]));
    assert!(err.contains("类别（--class）"), "{err}");
    let err = env.fails(&chem_add(
        "检验科",
        "甲醛",
        "升",
        "10",
        &["--cas", "50-00-1"],
    ));
    assert!(
        err.contains("CAS号（--cas）") && err.contains("校验位"),
        "{err}"
    );
    assert_eq!(env.events(), before, "nothing written by a refused input");

    let ledger = env.ok(&["chem", "ledger", "乙醇"]);
    assert!(
        ledger.contains("2026-11-20 入库") && ledger.contains("17.5"),
        "{ledger}"
    );
}

#[test]
fn special_equipment_due_with_a_pinned_clock() {
    let env = Env::new(); // 2026-11-22
    env.elevator(&["--next-due", "2026-11-01"]);
    env.ok(&equipment_add(
        "氧气储罐",
        "压力容器",
        &["--next-due", "2026-12-10"],
    ));
    env.ok(&equipment_add(
        "燃气锅炉",
        "boiler",
        &["--next-due", "2027-06-01"],
    ));
    env.ok(&[
        "equipment",
        "operator",
        "燃气锅炉",
        "--name",
        "王伟",
        "--cert-no",
        "G3-0001",
        "--expires",
        "2026-06-30",
    ]);
    let err = env.fails(&equipment_add("x", "船", &[]));
    assert!(err.contains("设备类别（--kind）：未知类别「船」"), "{err}");
    let err = env.fails(&[
        "equipment",
        "inspect",
        "梯11吉A00123",
        "--by",
        "市特检所",
        "--result",
        "合格",
    ]);
    assert!(err.contains("下次检验日期（--next-due）"), "{err}");

    let due = env.json(&["equipment", "due"]);
    let rows: Vec<(String, String)> = due
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["what"].as_str().unwrap().into(),
                d["name"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("超期未检".into(), "1号病房楼客梯".into()),
            ("30天内到期".into(), "氧气储罐".into()),
            ("证书过期".into(), "燃气锅炉".into()),
        ]
    );
    // The 定期检验 recorded today clears 超期未检.
    env.ok(&[
        "equipment",
        "inspect",
        "梯11吉A00123",
        "--by",
        "市特种设备检验所",
        "--result",
        "合格",
        "--next-due",
        "2027-11-21",
    ]);
    let text = env.ok(&["equipment", "due"]);
    assert!(!text.contains("1号病房楼客梯"), "{text}");
    assert!(
        text.contains("王伟（G3-0001） 的证书 2026-06-30 到期，已过期 145 天"),
        "{text}"
    );
}

#[test]
fn a_hazard_recorded_on_equipment_links_to_it_in_finding_show() {
    let env = Env::new();
    env.elevator(&[]);
    let insp = env.start("市第一人民医院", &["key_site"]);
    let f = env.add_finding(&insp, "key_site", "电梯机房未配灭火器");
    env.ok(&["equipment", "link", "梯11吉A00123", "--finding", &f]);
    let show = env.ok(&["finding", "show", &f]);
    assert!(
        show.contains("关联台账：特种设备 1号病房楼客梯（电梯，梯11吉A00123）"),
        "{show}"
    );
    let q = env.ok(&["equipment", "show", "1号病房楼客梯"]);
    assert!(q.contains("电梯机房未配灭火器"), "{q}");

    // The JSON names the entry by kind and id, so a program can open it.
    let shown = env.json(&["finding", "show", &f]);
    let eq = env.json(&["equipment", "show", "1号病房楼客梯"]);
    assert_eq!(
        shown["links"],
        serde_json::json!([{
            "register": "equipment",
            "id": eq["id"],
            "text": "特种设备 1号病房楼客梯（电梯，梯11吉A00123）"
        }])
    );
    let other = env.add_finding(&insp, "key_site", "配电室堆放杂物");
    assert_eq!(
        env.json(&["finding", "show", &other])["links"],
        serde_json::json!([])
    );
}

#[test]
fn equipment_edit_changes_one_field_and_refuses_bad_input_naming_it() {
    let env = Env::new();
    env.ok(&equipment_add("1号病房楼客梯", "电梯", &[]));
    let out = env.ok(&[
        "equipment",
        "edit",
        "1号病房楼客梯",
        "reg_no",
        "梯11吉A00999",
    ]);
    assert!(out.contains("已修改：1号病房楼客梯"), "{out}");
    env.ok(&[
        "equipment",
        "edit",
        "梯11吉A00999",
        "安装地点",
        "住院部1号楼",
    ]);
    let q = env.json(&["equipment", "show", "1号病房楼客梯"]);
    assert_eq!(q["reg_no"], "梯11吉A00999");
    assert_eq!(q["place"], "住院部1号楼");

    let before = env.events();
    let err = env.fails(&["equipment", "edit", "1号病房楼客梯", "颜色", "红"]);
    assert!(err.contains("未知字段「颜色」"), "{err}");
    let err = env.fails(&["equipment", "edit", "1号病房楼客梯", "name", " "]);
    assert!(err.contains("设备名称（VALUE）"), "{err}");
    assert_eq!(env.events(), before, "nothing written by a refused edit");
}

#[test]
fn two_devices_issuing_the_same_stock_converge_on_one_flagged_balance() {
    let (a, b) = (Env::new(), Env::new());
    let usb = tempfile::tempdir().unwrap();
    let dir = usb.path().to_str().unwrap();
    let id = a.ethanol();
    a.ok(&chem_move(
        "receive",
        &id,
        "20",
        "张敏",
        &["--date", "2026-11-20"],
    ));
    a.ok(&["sync", "--dir", dir]);
    b.ok(&["sync", "--dir", dir]);
    // Apart, each sees 20 升 and issues 15.
    a.ok(&chem_move(
        "issue",
        &id,
        "15",
        "李护士",
        &["--purpose", "手术室消毒"],
    ));
    b.ok(&chem_move(
        "issue",
        &id,
        "15",
        "王护士",
        &["--purpose", "病区消毒"],
    ));
    a.ok(&["sync", "--dir", dir]);
    b.ok(&["sync", "--dir", dir]);
    a.ok(&["sync", "--dir", dir]);
    let (ca, cb) = (
        a.json(&["chem", "show", &id]),
        b.json(&["chem", "show", &id]),
    );
    assert_eq!(
        ca["movements"], cb["movements"],
        "one ledger on both devices"
    );
    assert_eq!(ca["balance_text"], "-10");
    assert_eq!(cb["balance_text"], "-10");
    assert_eq!(ca["flags"], serde_json::json!(["负库存"]));
    let list = b.ok(&["chem", "list"]);
    assert!(list.contains("-10升") && list.contains("负库存"), "{list}");
    let doctor = b.ok(&["doctor"]);
    assert!(doctor.contains("视图与日志重建结果一致"), "{doctor}");
}

#[test]
fn search_finds_chemicals_and_equipment_in_chinese_and_pinyin() {
    let env = Env::new();
    let id = env.ethanol();
    env.elevator(&["--place", "住院部1号楼"]);
    let first = |q: &str| env.json(&["search", q, "--json"])[0].clone();
    for q in ["乙醇", "yichun", "yc", "64-17-5"] {
        let hit = first(q);
        assert_eq!(
            (hit["kind"].as_str(), hit["id"].as_str()),
            (Some("chemical"), Some(id.as_str())),
            "{q}: {hit}"
        );
    }
    for q in ["客梯", "keti", "梯11吉A00123", "住院部1号楼"] {
        let hit = first(q);
        assert_eq!(hit["kind"], "equipment", "{q}: {hit}");
        assert_eq!(hit["title"], "1号病房楼客梯", "{q}");
    }
    let text = env.ok(&["search", "乙醇"]);
    let row = text.lines().next().unwrap();
    assert!(
        row.starts_with("危险化学品") && row.contains("乙醇") && row.contains("药剂科危化品库"),
        "{text}"
    );
    // A status filter asks for hazards only.
    let none = env.json(&["search", "status:open 乙醇", "--json"]);
    assert!(
        none.as_array()
            .unwrap()
            .iter()
            .all(|h| h["kind"] == "finding"),
        "{none}"
    );
}
