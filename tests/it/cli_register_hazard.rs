//! A hazard recorded on a 台账 entry through the built binary (issue 17: "a hazard can be
//! recorded on a piece of equipment and links to it"): `finding add --equipment | --chemical`
//! takes the facility, the 部位 (the registered place when the entry has one) and the line from
//! the entry, names the entry in 问题隐患, and writes the hazard with its link in one append;
//! an unknown entry, or an inspection of another facility, is refused with nothing written.

use crate::common;
use common::Env;
use common::registry::{H, oxygen_tank, registered};

#[test]
fn a_hazard_recorded_on_equipment_takes_its_place_and_line_and_is_linked_in_one_write() {
    let env = Env::new();
    registered(&env);
    let tank = oxygen_tank(&env, &["--reg-no", "容11豫A0042"])["id"]
        .as_str()
        .unwrap()
        .to_string();
    let before = env.events();
    let id = env.added(&[
        "finding",
        "add",
        "--equipment",
        "氧气储罐",
        "--description",
        "安全阀超期未校验",
    ]);
    assert_eq!(
        env.events() - before,
        3,
        "the hazard, its place link and its equipment link"
    );
    let f = env.json(&["finding", "show", &id]);
    assert_eq!(f["facility"], H);
    assert_eq!(f["line"], "special_equipment");
    assert_eq!(f["location"], "本部/后勤楼/氧气储瓶间");
    assert_eq!(f["place"]["path"], "本部/后勤楼/氧气储瓶间");
    assert_eq!(
        f["description"],
        "氧气储罐（压力容器，使用登记证号 容11豫A0042）：安全阀超期未校验"
    );
    assert_eq!(f["links"][0]["register"], "equipment");
    assert_eq!(f["links"][0]["id"], tank.as_str());
    let q = env.json(&["equipment", "show", &tank]);
    assert_eq!(q["hazards"][0], id.as_str());
    let shown = env.ok(&["finding", "show", &id]);
    assert!(shown.contains("特种设备 氧气储罐"), "{shown}");
}

#[test]
fn a_hazard_recorded_on_a_chemical_keeps_a_description_that_already_names_it() {
    let env = Env::new();
    registered(&env);
    let ethanol = env.ethanol();
    let id = env.added(&[
        "finding",
        "add",
        "--chemical",
        "乙醇",
        "--description",
        "乙醇存放柜未上锁",
        "--responsible",
        "药剂科 刘敏",
    ]);
    let f = env.json(&["finding", "show", &id]);
    assert_eq!(f["line"], "hazchem");
    assert_eq!(
        f["location"], "药剂科危化品库",
        "the entry's place, as text"
    );
    assert_eq!(f["description"], "乙醇存放柜未上锁");
    assert_eq!(f["links"][0]["register"], "chemical");
    let c = env.json(&["chem", "show", &ethanol]);
    assert_eq!(c["hazards"][0], id.as_str());
}

#[test]
fn an_unknown_entry_or_an_inspection_of_another_facility_is_refused_with_nothing_written() {
    let env = Env::new();
    registered(&env);
    env.ethanol();
    let elsewhere = env.start("南湖乡卫生院", &["hazchem"]);
    let before = env.events();
    let e = env.fails(&[
        "finding",
        "add",
        "--chemical",
        "甲醛",
        "--description",
        "未上锁",
    ]);
    assert!(e.contains("--chemical"), "{e}");
    let e = env.fails(&[
        "finding",
        "add",
        "--inspection",
        &elsewhere,
        "--chemical",
        "乙醇",
        "--description",
        "未上锁",
    ]);
    assert!(e.contains("检查（--inspection）"), "{e}");
    assert!(e.contains("南湖乡卫生院"), "{e}");
    let e = env.fails(&["finding", "add", "--description", "未上锁"]);
    assert!(e.contains("--inspection"), "{e}");
    assert_eq!(env.events(), before, "nothing written");
}
