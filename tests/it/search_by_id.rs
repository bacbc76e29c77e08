//! A record's short id or its 隐患编号 typed into search finds that record first (issues 11
//! and 13), through the built binary.

use crate::common;
use common::Env;

#[test]
fn a_short_id_or_a_number_finds_its_record_first() {
    let env = Env::new();
    let insp = env.start("某某区人民医院", &["fire"]);
    let other = env.add_finding(&insp, "fire", "住院部楼梯间堆放氧气瓶2个");
    let id = env.add_finding(&insp, "fire", "灭火器压力不足，指针位于红区");
    let shown = env.json(&["finding", "show", &id]);
    let full = shown["id"].as_str().expect("id").to_string();
    let n = &shown["number"];
    let number = format!(
        "YH-{}-{}-{:04}",
        n["year"],
        n["device"].as_str().expect("device code"),
        n["seq"].as_u64().expect("seq")
    );
    let tail = &full[full.len() - 8..];

    for query in [
        tail,
        number.as_str(),
        &number.to_lowercase().replace('-', ""),
    ] {
        let hits = env.json(&["search", query, "--limit", "5"]);
        let first = &hits.as_array().expect("hits")[0];
        assert_eq!(first["id"], full.as_str(), "query {query}: {hits}");
        let text = env.ok(&["search", query]);
        assert!(
            text.lines().next().unwrap_or("").contains("灭火器压力不足"),
            "query {query}: {text}"
        );
    }
    // Chinese text still ranks by meaning, not by ids.
    let hits = env.json(&["search", "氧气瓶"]);
    let found: Vec<&str> = hits
        .as_array()
        .expect("hits")
        .iter()
        .filter_map(|h| h["id"].as_str())
        .collect();
    assert!(
        found.contains(&other.as_str()) || found.iter().any(|f| f.ends_with(&other)),
        "{hits}"
    );
}
