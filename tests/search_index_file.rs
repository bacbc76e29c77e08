//! The search index kept in the data dir (issue 14): `xuncha search` reads it instead of
//! scanning every finding, brings it up to date when hazards were added, edited or retracted
//! since, and never gives another answer than a search without the file — also when the file
//! is damaged — through the built binary.

mod common;
use common::Env;

/// What `xuncha search --json` finds, and where its index came from (`XUNCHA_TIMINGS`).
fn search(env: &Env, query: &str) -> (serde_json::Value, String) {
    let out = env
        .cmd(&["--json", "search", query, "--limit", "50"])
        .env("XUNCHA_TIMINGS", "1")
        .output()
        .expect("run xuncha");
    assert!(out.status.success(), "{out:?}");
    let hits = serde_json::from_slice(&out.stdout).expect("json");
    (hits, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The same search with the index file removed first: a build from the store.
fn fresh(env: &Env, query: &str) -> serde_json::Value {
    let _ = std::fs::remove_file(env.data().join("search.idx"));
    let (hits, how) = search(env, query);
    assert!(how.contains("重建"), "{how}");
    hits
}

fn ids(hits: &serde_json::Value) -> Vec<String> {
    hits.as_array()
        .expect("hits")
        .iter()
        .map(|h| format!("{} {} {}", h["id"], h["status"], h["title"]))
        .collect()
}

#[test]
fn the_index_file_follows_adds_edits_and_retractions_and_answers_like_a_fresh_build() {
    let env = Env::new();
    let insp = env.start("某某区人民医院", &["fire"]);
    let a = env.add_finding(&insp, "fire", "住院部楼梯间堆放氧气瓶2个");
    let (hits, how) = search(&env, "氧气瓶");
    assert!(how.contains("重建"), "first search builds the file: {how}");
    assert!(env.data().join("search.idx").exists());
    assert!(ids(&hits).iter().any(|h| h.contains(&a)), "{hits}");

    let (again, how) = search(&env, "氧气瓶");
    assert!(how.contains("索引文件") && !how.contains("补入"), "{how}");
    assert_eq!(again, hits);

    // Writes since the file: a new hazard, an edit that drops the word, a retraction.
    let b = env.add_finding(&insp, "fire", "消防通道堆放氧气瓶");
    let c = env.add_finding(&insp, "fire", "配电室氧气瓶未固定");
    env.ok(&["finding", "edit", &a, "description", "住院部楼梯间堆放杂物"]);
    env.ok(&["finding", "retract", &c, "--reason", "重复登记"]);
    let (hits, how) = search(&env, "氧气瓶");
    assert!(how.contains("补入 4 条新事件"), "{how}");
    let found = ids(&hits);
    assert!(found.iter().any(|h| h.contains(&b)), "{hits}");
    assert!(!found.iter().any(|h| h.contains(&a)), "edited away: {hits}");
    assert!(
        found.iter().any(|h| h.contains(&c)),
        "a retracted hazard stays findable: {hits}"
    );
    let text = env.ok(&["search", "配电室氧气瓶"]);
    assert!(
        text.lines().next().unwrap_or("").contains("已撤销"),
        "{text}"
    );
    assert_eq!(ids(&fresh(&env, "氧气瓶")), found);
    for q in ["yqp", "杂物", "消防通道", "status:open yangqi"] {
        let (caught_up, _) = search(&env, q);
        assert_eq!(ids(&caught_up), ids(&fresh(&env, q)), "query {q}");
    }
}

#[test]
fn a_damaged_or_foreign_index_file_is_rebuilt_and_the_answer_is_the_same() {
    let env = Env::new();
    let insp = env.start("某某区人民医院", &["fire"]);
    let id = env.add_finding(&insp, "fire", "灭火器压力不足，指针位于红区");
    let want = ids(&fresh(&env, "灭火器"));
    assert!(want.iter().any(|h| h.contains(&id)), "{want:?}");
    let file = env.data().join("search.idx");
    let good = std::fs::read(&file).expect("index file");

    let mut flipped = good.clone();
    let n = flipped.len();
    flipped[n - 7] ^= 0x5a;
    let mut huge_count = good.clone();
    // The first count of the body (lines), after the header and stamp: claims 4 billion.
    let stamp_len = u32::from_le_bytes(good[8..12].try_into().unwrap()) as usize;
    let body = 12 + stamp_len + 8;
    huge_count[body..body + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    let damaged: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", good[..good.len() / 2].to_vec()),
        ("a flipped byte", flipped),
        ("a count past the end", huge_count),
        (
            "not an index",
            "这不是索引文件\u{1b}[31m".as_bytes().to_vec(),
        ),
        ("empty", Vec::new()),
    ];
    for (what, bytes) in damaged {
        std::fs::write(&file, &bytes).unwrap();
        let (hits, how) = search(&env, "灭火器");
        assert!(how.contains("重建"), "{what}: {how}");
        assert_eq!(ids(&hits), want, "{what}");
        assert_eq!(
            std::fs::read(&file).unwrap().len(),
            good.len(),
            "{what}: rewritten"
        );
    }
}

#[test]
fn views_rebuilt_by_doctor_drop_the_file() {
    let env = Env::new();
    let insp = env.start("某某区人民医院", &["fire"]);
    env.add_finding(&insp, "fire", "配电室堆放纸箱");
    search(&env, "纸箱");
    assert!(env.data().join("search.idx").exists());
    env.ok(&["doctor", "--rebuild"]);
    let (_, how) = search(&env, "纸箱");
    assert!(how.contains("重建"), "{how}");
}
