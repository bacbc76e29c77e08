//! `xuncha inspection start` with a facility the registry does not hold (issue 16 point 1),
//! through the built binary: it starts with the name as text (exit 0) and says how to register
//! it (`xuncha facility add …`, or `--register`) or merge it into a registered name alike;
//! `--register` registers it with the inspection; a refused start registers nothing.

use crate::common;
use common::Env;
use common::registry::{H, registered};

const NEW: &str = "南湖新区医院";

fn start(env: &Env, facility: &str, extra: &[&str]) -> std::process::Output {
    let mut a = vec![
        "inspection",
        "start",
        "--facility",
        facility,
        "--mode",
        "self",
        "--inspector",
        "王建国",
        "--line",
        "fire",
    ];
    a.extend_from_slice(extra);
    env.run(&a)
}

fn stderr(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "exit 0 expected: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn registered_names(env: &Env) -> Vec<String> {
    let list = env.json(&["facility", "list"]);
    let rows = list["facilities"].as_array().expect("facilities");
    rows.iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_unknown_facility_starts_as_text_with_a_hint_to_register_it() {
    let env = Env::new();
    registered(&env);
    let err = stderr(&start(&env, NEW, &[]));
    assert!(
        err.contains(&format!("受检单位「{NEW}」不在单位台账中，已按文字记录")),
        "{err}"
    );
    assert!(err.contains(&format!("xuncha facility add {NEW}")), "{err}");
    assert!(err.contains("--register"), "{err}");
    assert_eq!(registered_names(&env), [H]);
    let insp = env.json(&["inspection", "list"]);
    assert_eq!(insp[0]["facility"], NEW);
}

#[test]
fn register_adds_the_facility_with_the_inspection() {
    let env = Env::new();
    registered(&env);
    let err = stderr(&start(&env, NEW, &["--register"]));
    assert!(err.contains(&format!("已登记新单位「{NEW}」")), "{err}");
    let f = env.json(&["facility", "show", NEW]);
    assert_eq!(f["kind"], "hospital", "type guessed from the name");
    assert_eq!(registered_names(&env).len(), 2);
    // Registered now: a second inspection says nothing about it.
    let err = stderr(&start(&env, NEW, &[]));
    assert!(!err.contains("不在单位台账中"), "{err}");
}

#[test]
fn a_name_alike_a_registered_one_offers_the_merge_quoted_for_the_shell() {
    let env = Env::new();
    registered(&env);
    let typed = "市第一人民医院 门诊部";
    let err = stderr(&start(&env, typed, &[]));
    assert!(
        err.contains(&format!("xuncha facility add '{typed}'")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "已登记的相近单位：「{H}」；是同一单位的另一种写法时：xuncha facility merge {H} '{typed}'"
        )),
        "{err}"
    );
}

#[test]
fn a_refused_start_registers_nothing() {
    let env = Env::new();
    registered(&env);
    let before = env.events();
    let out = env.run(&[
        "inspection",
        "start",
        "--facility",
        NEW,
        "--mode",
        "self",
        "--inspector",
        "王建国",
        "--line",
        "没有这道防线",
        "--register",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("防线"));
    assert_eq!(env.events(), before, "nothing written");
    assert_eq!(registered_names(&env), [H]);
}

#[test]
fn a_registered_facility_or_an_empty_registry_gives_no_hint() {
    let env = Env::new();
    let err = stderr(&start(&env, NEW, &[]));
    assert!(!err.contains("不在单位台账中"), "no registry kept: {err}");
    registered(&env);
    let err = stderr(&start(&env, H, &[]));
    assert!(!err.contains("不在单位台账中"), "{err}");
}
