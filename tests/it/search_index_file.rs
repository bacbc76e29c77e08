//! The search index kept in the data dir (issue 14): `xuncha search` reads it instead of
//! scanning every finding, brings it up to date when hazards were added, edited or retracted
//! since, and never gives another answer than a search without the file — also when the file
//! is damaged — through the built binary.

use crate::common;
use common::{Env, copy_dir};

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

#[test]
fn a_sealed_index_file_answers_without_opening_the_store_until_anything_opens_it() {
    let env = Env::new();
    let insp = env.start("某某区人民医院", &["fire"]);
    let a = env.add_finding(&insp, "fire", "消防通道堆放杂物");
    let (built, how) = search(&env, "消防通道");
    assert!(how.contains("重建"), "{how}");
    let (sealed, how) = search(&env, "消防通道");
    assert!(
        how.contains("未打开存储"),
        "a current file is sealed: {how}"
    );
    assert_eq!(sealed, built);
    assert!(ids(&sealed).iter().any(|h| h.contains(&a)), "{sealed}");

    // A hazard saved since: the open that saved it broke the seal.
    let b = env.add_finding(&insp, "fire", "消防通道被电动车占用");
    let (hits, how) = search(&env, "消防通道");
    assert!(how.contains("补入 1 条新事件"), "{how}");
    assert!(ids(&hits).iter().any(|h| h.contains(&b)), "{hits}");
    let (again, how) = search(&env, "消防通道");
    assert!(how.contains("未打开存储"), "{how}");
    assert_eq!(ids(&again), ids(&fresh(&env, "消防通道")));

    // Every open removes the seal, whatever sled writes: a read that cannot seal again (its
    // clock is one start-up warns about) leaves the next search to check the stamp.
    search(&env, "消防通道");
    assert!(env.data().join("search.seal").exists());
    let shown = env
        .cmd(&["finding", "show", &a])
        .env("XUNCHA_NOW", "2027-03-01T09:00:00+08:00")
        .output()
        .expect("run xuncha");
    assert!(shown.status.success(), "{shown:?}");
    assert!(
        !env.data().join("search.seal").exists(),
        "every open removes the seal, whatever sled writes"
    );
    let (_, how) = search(&env, "消防通道");
    assert!(how.contains("打开存储") && !how.contains("未打开"), "{how}");

    // A list changes nothing: closing, it seals the current file again as a search does.
    env.ok(&["finding", "list"]);
    let (listed, how) = search(&env, "消防通道");
    assert!(
        how.contains("未打开存储"),
        "a list seals a current file: {how}"
    );
    assert_eq!(listed, again);
    // But not a file a change made stale: the search after it catches up.
    let c = env.add_finding(&insp, "fire", "消防通道门被锁闭");
    env.ok(&["finding", "list"]);
    let (hits, how) = search(&env, "消防通道");
    assert!(how.contains("补入 1 条新事件"), "{how}");
    assert!(ids(&hits).iter().any(|h| h.contains(&c)), "{hits}");

    // Queries that need the store (a line to resolve, an id) take the ordinary way.
    for q in ["line:fire 消防通道", &a[..8]] {
        let (_, how) = search(&env, q);
        assert!(!how.contains("未打开"), "{q}: {how}");
    }
}

#[test]
fn a_store_put_back_behind_a_seal_is_not_trusted() {
    let env = Env::new();
    let insp = env.start("某某区人民医院", &["fire"]);
    env.add_finding(&insp, "fire", "配电室堆放纸箱");
    let db = env.data().join("db");
    let before = env.tmp.path().join("db-before");
    copy_dir(&db, &before);
    let later = env.add_finding(&insp, "fire", "配电室纸箱未清理");
    search(&env, "纸箱");
    let (sealed, how) = search(&env, "纸箱");
    assert!(how.contains("未打开存储"), "{how}");
    assert!(ids(&sealed).iter().any(|h| h.contains(&later)), "{sealed}");

    // The store as it was before the later hazard, copied back without opening it.
    std::fs::remove_dir_all(&db).unwrap();
    copy_dir(&before, &db);
    let (hits, how) = search(&env, "纸箱");
    assert!(how.contains("重建"), "{how}");
    assert!(!ids(&hits).iter().any(|h| h.contains(&later)), "{hits}");
    assert_eq!(ids(&hits), ids(&fresh(&env, "纸箱")));
}

#[test]
fn a_sealed_search_still_names_a_clock_out_of_line() {
    let mut env = Env::new();
    let insp = env.start("某某区人民医院", &["fire"]);
    env.add_finding(&insp, "fire", "灭火器压力不足");
    search(&env, "灭火器");
    let (_, how) = search(&env, "灭火器");
    assert!(how.contains("未打开存储"), "{how}");
    env.now = "2027-03-01T09:00:00+08:00".into();
    let (_, how) = search(&env, "灭火器");
    assert!(how.contains("晚一天以上"), "{how}");
}
