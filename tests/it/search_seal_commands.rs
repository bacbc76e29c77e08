//! Every command that changes nothing seals the search index file at its close (issue 14),
//! so the `xuncha search` after it answers without opening the store; a command that wrote
//! never does, and the search after it opens the store and finds what was written. Through
//! the built binary.

use crate::common;
use common::Env;
use std::time::SystemTime;

/// `xuncha search --json QUERY`: the hits, and whether it opened the store (`XUNCHA_TIMINGS`).
pub(crate) fn search(env: &Env, query: &str) -> (serde_json::Value, bool) {
    let out = env
        .cmd(&["--json", "search", query, "--limit", "50"])
        .env("XUNCHA_TIMINGS", "1")
        .output()
        .expect("run xuncha");
    assert!(out.status.success(), "{out:?}");
    let how = String::from_utf8_lossy(&out.stderr);
    let opened = !how.contains("未打开存储");
    assert!(!opened || how.contains("打开存储"), "{how}");
    (serde_json::from_slice(&out.stdout).expect("json"), opened)
}

/// When the seal was last written, if there is one.
pub(crate) fn sealed_at(env: &Env) -> Option<SystemTime> {
    let meta = std::fs::metadata(env.data().join("search.seal")).ok()?;
    meta.modified().ok()
}

fn has(hits: &serde_json::Value, id: &str) -> bool {
    hits.as_array()
        .expect("hits")
        .iter()
        .any(|h| h["id"].as_str() == Some(id))
}

/// A store with a hazard, a registered facility, a chemical, a lift and a finished patrol
/// plan to read, and the index file sealed by a search. Returns the hazard's id.
pub(crate) fn office(env: &Env) -> (String, String) {
    let insp = env.start("某某区人民医院", &["fire"]);
    let hazard = env.add_finding(&insp, "fire", "消防通道堆放杂物");
    env.ok(&["facility", "add", "某某区人民医院"]);
    env.ethanol();
    env.elevator(&[]);
    search(env, "消防通道");
    let (_, opened) = search(env, "消防通道");
    assert!(!opened, "a search seals a current file");
    (insp, hazard)
}

#[test]
fn after_every_command_that_only_reads_the_next_search_does_not_open_the_store() {
    let env = Env::new();
    let (insp, hazard) = office(&env);
    let (expected, _) = search(&env, "消防通道");
    let csv = env.tmp.path().join("台账.csv");
    let reads: Vec<Vec<&str>> = vec![
        vec!["report"],
        vec!["device"],
        vec!["device", "list"],
        vec!["plan", "status"],
        vec!["plan", "rules"],
        vec!["finding", "show", &hazard],
        vec!["finding", "list"],
        vec!["export", "--format", "csv", "--out", csv.to_str().unwrap()],
        vec!["inspection", "list"],
        vec!["inspection", "show", &insp],
        vec!["checklist", "list"],
        vec!["checklist", "show", "fire"],
        vec!["facility", "list"],
        vec!["facility", "show", "某某区人民医院"],
        vec!["chem", "list"],
        vec!["equipment", "list"],
        vec!["equipment", "due"],
        vec!["doctor"],
    ];
    for args in &reads {
        let before = sealed_at(&env).expect("sealed before the command");
        env.ok(args);
        // The seal is new: the command opened the store (which removes it) and sealed again.
        let after = sealed_at(&env);
        assert!(
            after.is_some_and(|t| t > before),
            "{args:?} left no new seal ({before:?} → {after:?})"
        );
        let (hits, opened) = search(&env, "消防通道");
        assert!(!opened, "the search after {args:?} opened the store");
        assert_eq!(hits, expected, "after {args:?}");
    }

    // A command that fails having written nothing changed nothing either.
    let out = env.run(&["finding", "show", "YH-999999"]);
    assert!(!out.status.success(), "{out:?}");
    let (_, opened) = search(&env, "消防通道");
    assert!(!opened, "the search after a refused read opened the store");
}

#[test]
fn after_a_command_that_wrote_the_next_search_opens_the_store_and_finds_it() {
    let env = Env::new();
    let (insp, hazard) = office(&env);
    let writes: Vec<(Vec<&str>, &str)> = vec![
        (
            common::finding_add(&insp, "fire", "消防通道被电动车占用", &[]),
            "电动车",
        ),
        (
            common::registers::equipment_add("2号楼消防通道旁货梯", "电梯", &[]),
            "货梯",
        ),
    ];
    for (args, query) in &writes {
        let id = env.added(args);
        assert!(
            !env.data().join("search.seal").exists(),
            "{args:?} wrote: no seal"
        );
        let (hits, opened) = search(&env, query);
        assert!(opened, "the search after {args:?} did not open the store");
        assert!(has(&hits, &id), "{args:?}: {hits}");
    }

    // A change of a hazard already in the file: its new status is found.
    let status = |hits: &serde_json::Value| {
        let hit = hits.as_array().unwrap().iter();
        let mut hit = hit.filter(|h| h["id"].as_str() == Some(&hazard));
        hit.next().expect("the hazard")["status"].clone()
    };
    let (hits, opened) = search(&env, "消防通道堆放杂物");
    assert!(!opened, "the search before sealed the file again");
    let before = status(&hits);
    env.ok(&["finding", "rectify", &hazard, "--note", "已清理杂物"]);
    assert!(
        !env.data().join("search.seal").exists(),
        "a rectify wrote: no seal"
    );
    let (hits, opened) = search(&env, "消防通道堆放杂物");
    assert!(opened, "the search after a rectify did not open the store");
    assert_ne!(status(&hits), before, "{hits}");
}
