//! A hazard's 部位 picked from the facility registry through the built binary (issue 16
//! point 1): `finding add --place` links a registered place by its path or the end of it, an
//! ambiguous one is refused naming the flag with nothing written, an unknown one is kept as
//! text with a note on stderr, and `--location` links when it names one place exactly.

use crate::common;
use common::registry::{H, registered};
use common::{Env, finding_add};

fn add(env: &Env, insp: &str, flag: &str, value: &str) -> std::process::Output {
    env.run(&finding_add(
        insp,
        "fire",
        "配电柜前堆放纸箱",
        &[flag, value],
    ))
}

fn added_id(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn place_links_a_registered_place_and_shows_its_grade() {
    let env = Env::new();
    registered(&env);
    env.ok(&["facility", "grade", H, "配电室", "--grade", "较大"]);
    let insp = env.start(H, &["fire"]);
    let id = added_id(&add(&env, &insp, "--place", "配电室"));
    let f = env.json(&["finding", "show", &id]);
    assert_eq!(
        f["location"], "本部/门诊楼/1层/配电室",
        "stored as the path"
    );
    assert_eq!(f["place"]["path"], "本部/门诊楼/1层/配电室");
    assert_eq!(f["place"]["grade"], "较大");
    assert_eq!(f["place"]["key_site"], true);
    let text = env.ok(&["finding", "show", &id]);
    assert!(
        text.contains("部位：本部/门诊楼/1层/配电室（已登记场所，重点部位，较大风险）"),
        "{text}"
    );

    // A hand-typed 部位 that is a registered path links too.
    let id = added_id(&add(&env, &insp, "--location", "本部/后勤楼/氧气储瓶间"));
    let f = env.json(&["finding", "show", &id]);
    assert_eq!(f["place"]["path"], "本部/后勤楼/氧气储瓶间");
}

#[test]
fn an_ambiguous_place_is_refused_naming_the_flag_and_nothing_is_written() {
    let env = Env::new();
    registered(&env);
    env.ok(&["facility", "place", "add", H, "本部/住院楼/1层/配电室"]);
    let insp = env.start(H, &["fire"]);
    let before = env.events();
    for value in ["配电室", "1层/配电室"] {
        let err = env.fails(&finding_add(
            &insp,
            "fire",
            "配电柜前堆放纸箱",
            &["--place", value],
        ));
        assert!(err.contains("部位（--place）"), "{err}");
        assert!(err.contains("本部/住院楼/1层/配电室"), "{err}");
        assert!(err.contains("本部/门诊楼/1层/配电室"), "{err}");
    }
    assert_eq!(env.events(), before, "nothing written");
    let id = added_id(&add(&env, &insp, "--place", "住院楼/1层/配电室"));
    assert_eq!(
        env.json(&["finding", "show", &id])["place"]["path"],
        "本部/住院楼/1层/配电室"
    );
}

#[test]
fn an_unknown_place_is_kept_as_text_with_a_note() {
    let env = Env::new();
    registered(&env);
    let insp = env.start(H, &["fire"]);
    let out = add(&env, &insp, "--place", "地下车库");
    let id = added_id(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("部位「地下车库」不是「市第一人民医院」已登记的场所，按文字保存"),
        "{err}"
    );
    let f = env.json(&["finding", "show", &id]);
    assert_eq!(f["location"], "地下车库");
    assert!(f["place"].is_null());

    // A facility not in the registry: the 部位 stays text, and stderr says why.
    let other = env.start("金水区社区卫生服务中心", &["fire"]);
    let out = add(&env, &other, "--place", "配电室");
    let id = added_id(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("单位「金水区社区卫生服务中心」未登记"));
    assert!(env.json(&["finding", "show", &id])["place"].is_null());
}

#[test]
fn a_facility_filter_covers_every_merged_spelling_in_lists_and_exports() {
    let env = Env::new();
    for (facility, hazard) in [(H, "灭火器压力不足"), ("市一院", "疏散通道堵塞")] {
        let insp = env.start(facility, &["fire"]);
        env.add_finding(&insp, "fire", hazard);
    }
    let other = env.start("金水区社区卫生服务中心", &["fire"]);
    env.add_finding(&other, "fire", "应急灯损坏");
    registered(&env);
    env.ok(&["facility", "merge", H, "市一院"]);
    for name in [H, "市一院"] {
        let list = env.json(&["finding", "list", "--facility", name]);
        let found: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["description"].as_str().unwrap())
            .collect();
        assert_eq!(
            found,
            ["灭火器压力不足", "疏散通道堵塞"],
            "--facility {name}"
        );
    }
    let csv = env.tmp.path().join("h.csv");
    let csv = csv.to_str().unwrap();
    env.ok(&["export", "--format", "csv", "--out", csv, "--facility", H]);
    let text = std::fs::read_to_string(csv).unwrap();
    assert!(text.contains("疏散通道堵塞") && text.contains("灭火器压力不足"));
    assert!(!text.contains("应急灯损坏"));
}
