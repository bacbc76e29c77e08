//! `xuncha inspection list`, text and `--json` (issue 14: the list is built as the views are
//! read, and the JSON array streamed): newest first, each with its state and progress, and the
//! JSON laid out exactly as one pretty-printed array.

use crate::common::Env;

#[test]
fn an_empty_store_lists_nothing_and_an_empty_array() {
    let env = Env::new();
    assert_eq!(env.ok(&["inspection", "list"]), "");
    assert_eq!(env.ok(&["--json", "inspection", "list"]), "[]\n");
}

#[test]
fn inspections_list_newest_first_with_state_and_progress() {
    let mut env = Env::new();
    env.now = "2026-11-20T09:00:00+08:00".into();
    let old = env.start("城东医院", &["fire"]);
    env.ok(&["inspection", "answer", &old, "fire.extinguisher", "pass"]);
    env.ok(&["inspection", "finish", &old]);
    env.now = "2026-11-21T10:30:00+08:00".into();
    let new = env.start("城西医院", &["fire"]);

    let text = env.ok(&["inspection", "list"]);
    let lines: Vec<&str> = text.lines().collect();
    // Each line opens with the id's last 8 hex digits.
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with(&new[new.len() - 8..]),
        "newest first: {text}"
    );
    assert!(lines[0].contains("2026-11-21 10:30"), "{text}");
    assert!(
        lines[0].contains("进行中") && lines[0].contains("城西医院"),
        "{text}"
    );
    assert!(lines[0].contains("  0/"), "nothing answered: {text}");
    assert!(lines[1].starts_with(&old[old.len() - 8..]), "{text}");
    assert!(
        lines[1].contains("已结束") && lines[1].contains("城东医院"),
        "{text}"
    );
    assert!(lines[1].contains("  1/"), "one answered: {text}");

    let raw = env.ok(&["--json", "inspection", "list"]);
    let list: serde_json::Value = serde_json::from_str(&raw).expect("valid JSON");
    // The streamed array is byte for byte the pretty-printed whole.
    assert_eq!(raw, serde_json::to_string_pretty(&list).unwrap() + "\n");
    let rows = list.as_array().expect("an array");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["id"], new.as_str());
    assert_eq!(rows[0]["answered"], 0);
    assert!(rows[0]["finished_at"].is_null());
    assert_eq!(rows[1]["id"], old.as_str());
    assert_eq!(rows[1]["facility"], "城东医院");
    assert_eq!(rows[1]["answered"], 1);
    assert_eq!(
        rows[1]["items"], rows[0]["items"],
        "the same fire checklist"
    );
    assert!(rows[1]["finished_at"].is_string());
}
