//! `finding` commands end their process without sled's teardown (issue 14: it was an eighth
//! of a whole `finding add` at 100,000 hazards). What a person relies on must not change:
//! every saved hazard and step is there for the very next command, and `doctor` finds the
//! views equal to a rebuild.

use crate::common;

use common::{Env, finding_add};

#[test]
fn hazards_and_steps_saved_by_back_to_back_commands_are_all_there_and_doctor_is_clean() {
    let env = Env::new();
    let insp = env.start("东城区人民医院", &["fire"]);
    let mut ids = Vec::new();
    for (i, text) in ["消防通道堆放杂物", "灭火器压力不足", "应急照明不亮"]
        .iter()
        .enumerate()
    {
        // With and without a 部位: the second path reads no facility registry.
        let location = if i % 2 == 0 { "三楼" } else { "" };
        let id = env.added(&finding_add(
            &insp,
            "fire",
            text,
            &["--location", location, "--json"],
        ));
        env.ok(&["finding", "rectify", &id, "--note", "已清理"]);
        ids.push(id);
    }
    for id in &ids {
        let f = env.json(&["finding", "show", id, "--json"]);
        assert_eq!(f["status"], "rectified", "{f}");
        assert_eq!(f["history"].as_array().map(Vec::len), Some(2), "{f}");
    }
    let listed = env.ok(&["finding", "list"]);
    for text in ["消防通道堆放杂物", "灭火器压力不足", "应急照明不亮"] {
        assert!(listed.contains(text), "{listed}");
    }
    env.ok(&["doctor"]);
}
