//! Chemicals and special equipment linked to the facility registry through the built binary
//! (issue 17): `chem add --facility --place` and `equipment add` resolve the facility (name,
//! merged spelling, unique part) and the place (path or its end) through the registry's one
//! resolver and store the link with the text kept; an ambiguous place is refused naming the
//! flag with nothing written; a facility not registered is kept as text and marked
//! 「（未登记）」, and an entry added before its facility was registered matches by its text.

use crate::common;
use common::Env;
use common::registry::{H, oxygen_tank, registered};

fn chem(env: &Env, facility: &str, place: &str) -> std::process::Output {
    env.run(&[
        "--json",
        "chem",
        "add",
        "--facility",
        facility,
        "--place",
        place,
        "--name",
        "乙醇",
        "--unit",
        "升",
        "--max",
        "50",
    ])
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_chemical_is_linked_to_the_registered_facility_and_place() {
    let env = Env::new();
    registered(&env);
    // A unique part of the registered name finds it and takes the registered name.
    let c = json_of(&chem(&env, "第一人民", "1层/配电室"));
    assert_eq!(
        c["place"], "本部/门诊楼/1层/配电室",
        "the whole path is kept"
    );
    assert_eq!(c["facility"], H);
    assert_eq!(c["registry"]["linked"], true);
    assert!(c["registry"]["place_id"].is_string());
    let f = env.json(&["facility", "show", H]);
    assert_eq!(c["registry"]["facility_id"], f["id"]);
    let shown = env.ok(&["chem", "show", c["id"].as_str().unwrap()]);
    assert!(
        shown.contains("单位：市第一人民医院  储存地点：本部/门诊楼/1层/配电室"),
        "{shown}"
    );
}

#[test]
fn an_ambiguous_place_is_refused_and_an_unregistered_facility_is_marked() {
    let env = Env::new();
    registered(&env);
    env.ok(&["facility", "place", "add", H, "本部/住院楼/1层/配电室"]);
    let before = env.events();
    let out = chem(&env, H, "配电室");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("储存地点（--place）"), "{err}");
    assert!(err.contains("本部/住院楼/1层/配电室"), "{err}");
    assert_eq!(env.events(), before, "nothing written");

    // A facility not in the registry: kept as text, marked.
    let c = json_of(&chem(&env, "金水区社区卫生服务中心", "药库"));
    assert!(c["registry"]["facility_id"].is_null());
    let shown = env.ok(&["chem", "show", c["id"].as_str().unwrap()]);
    assert!(
        shown.contains("单位：金水区社区卫生服务中心（未登记）"),
        "{shown}"
    );
    // Registered afterwards: the old text matches, the mark goes.
    env.ok(&["facility", "add", "金水区社区卫生服务中心"]);
    let shown = env.ok(&["chem", "show", c["id"].as_str().unwrap()]);
    assert!(!shown.contains("（未登记）"), "{shown}");
}

#[test]
fn equipment_is_linked_through_the_same_resolver() {
    let env = Env::new();
    registered(&env);
    let q = oxygen_tank(&env, &[]);
    assert_eq!(q["place"], "本部/后勤楼/氧气储瓶间");
    assert_eq!(q["registry"]["linked"], true);
    let out = env.run(&[
        "equipment",
        "add",
        "--facility",
        "南湖乡卫生院",
        "--name",
        "锅炉",
        "--kind",
        "锅炉",
    ]);
    assert!(out.status.success());
    let list = env.json(&["equipment", "list"]);
    let boiler = list
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["name"] == "锅炉")
        .unwrap();
    assert!(boiler["registry"]["facility_id"].is_null());
    let shown = env.ok(&["equipment", "show", boiler["id"].as_str().unwrap()]);
    assert!(
        shown.contains("使用单位：南湖乡卫生院（未登记）"),
        "{shown}"
    );
}
