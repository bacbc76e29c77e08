//! Integration tests of the checklist catalog (`xuncha::catalog`).

use std::collections::{HashMap, HashSet};
use std::fs;
use xuncha::catalog::{Catalog, validate_files, validate_str};
use xuncha::domain::{CORE_LINES, Severity};

/// The built-in lines: the seven defense lines and seven extras.
const BUILTIN_LINES: usize = 14;

#[test]
fn builtin_has_fourteen_lines_in_order() {
    let c = Catalog::builtin();
    let ids: Vec<&str> = c.lines.iter().map(|l| l.line.as_str()).collect();
    assert_eq!(
        ids,
        vec![
            "epidemic",
            "hazchem",
            "energy",
            "fire",
            "construction",
            "contractor",
            "key_site",
            "special_equipment",
            "hazwaste",
            "medical_waste",
            "narcotics",
            "biosafety",
            "radiation",
            "utility_site",
        ]
    );
    for (i, core) in CORE_LINES.iter().enumerate() {
        let l = c.line(core).expect(core);
        assert!(l.core, "{core} must be core");
        assert_eq!(l.order, i as u32 + 1);
        assert!(
            l.item_count() >= 12,
            "{core} has only {} items",
            l.item_count()
        );
    }
    for extra in &ids[7..] {
        assert!(!c.line(extra).unwrap().core, "{extra} is an extra line");
        assert!(c.line(extra).unwrap().item_count() >= 7, "{extra}");
    }
    assert_eq!(c.line_name("key_site"), "重点部位");
    assert_eq!(c.line_name("hazwaste"), "危险废物");
}

#[test]
fn key_site_has_the_seven_locations() {
    let c = Catalog::builtin();
    let ks = c.line("key_site").unwrap();
    let names: Vec<&str> = ks.sections.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "厨房",
            "高压氧舱",
            "氧气储瓶间",
            "配电室",
            "电梯机房",
            "空调机房",
            "燃气锅炉房"
        ]
    );
    for s in &ks.sections {
        assert!(
            (2..=3).contains(&s.items.len()),
            "{} has {}",
            s.name,
            s.items.len()
        );
    }
}

#[test]
fn builtin_items_are_complete_and_unique() {
    let c = Catalog::builtin();
    let mut seen = HashSet::new();
    let mut majors = 0;
    for it in c.all_items() {
        assert!(seen.insert(it.id.clone()), "duplicate id {}", it.id);
        assert!(it.id.is_ascii(), "{}", it.id);
        assert!(it.id.starts_with(&format!("{}.", it.line)), "{}", it.id);
        for (k, v) in [
            ("check", &it.check),
            ("how", &it.how),
            ("basis", &it.basis),
            ("hazard", &it.hazard),
            ("measures", &it.measures),
            ("section", &it.section),
        ] {
            assert!(!v.trim().is_empty(), "{} has empty {k}", it.id);
        }
        assert!(!it.keywords.is_empty(), "{} has no keywords", it.id);
        assert!(std::ptr::eq(c.item(&it.id).unwrap(), it));
        if it.severity == Severity::Major {
            majors += 1;
        }
    }
    assert!(seen.len() >= 7 * 12 + 20);
    assert!(majors >= 10 && majors < seen.len() / 3, "majors: {majors}");
    assert_eq!(
        c.item("fire.exit-clear").unwrap().check,
        "安全出口、疏散通道畅通，无锁闭、堵塞"
    );
}

#[test]
fn search_words_are_present() {
    let c = Catalog::builtin();
    let mut text = String::new();
    for it in c.all_items() {
        text.push_str(&it.check);
        text.push_str(&it.keywords.join(" "));
        text.push_str(&it.hazard);
        text.push_str(&it.basis);
    }
    for w in [
        "灭火器",
        "配电室",
        "氧气瓶",
        "锅炉房",
        "消防栓",
        "安全出口",
        "酒精",
        "含氯消毒剂",
        "燃气报警器",
        "醇基燃料",
        "电动车",
        "WS 308-2019",
        "九项规定",
        "GB/T 40248-2021",
        "防火卷帘",
        "微型消防站",
        "消防安全例会",
        "行动不便",
        "三铁一器",
        "双人双锁",
        "菌毒种",
        "放射源",
        "液化石油气",
        "液氧",
        "汇流排",
        "污水处理站",
        "有限空间",
        "环氧乙烷",
        "医疗废物",
    ] {
        assert!(text.contains(w), "no item mentions {w}");
    }
}

const BAD: &str = r#"line = "demo"
name = "演示"
order = 1
core = false
description = "d"

[[sections]]
id = "s"
name = "分组"

[[sections.items]]
id = "demo.a"
check = "出口畅通"
how = "看"
basis = "b"
severity = "general"
hazard = "h"
measures = "m"

[[sections.items]]
id = "demo.a"
check = "   "
how = "看"
basis = "b"
severity = "critical"
hazard = "h"
measures = "m"
colour = "red"
"#;

#[test]
fn bad_file_reports_every_problem_with_its_line() {
    let problems = validate_str("demo.toml", BAD).unwrap_err();
    let got: Vec<(usize, &str)> = problems
        .iter()
        .map(|p| (p.line, p.message.as_str()))
        .collect();
    assert_eq!(problems.len(), 4, "{got:#?}");
    let find = |needle: &str| {
        problems
            .iter()
            .find(|p| p.message.contains(needle))
            .unwrap_or_else(|| panic!("no problem mentions {needle}: {got:#?}"))
    };
    let dup = find("重复");
    assert_eq!(dup.line, 21);
    assert!(dup.message.contains("demo.a") && dup.message.contains("第 12 行"));
    assert_eq!(find("check").line, 22);
    let sev = find("severity");
    assert_eq!(sev.line, 25);
    assert!(sev.message.contains("general|major") && sev.message.contains("critical"));
    let unknown = find("colour");
    assert_eq!(unknown.line, 28);
    assert!(unknown.message.contains("measures"), "lists allowed keys");
    assert!(problems.iter().all(|p| p.file == "demo.toml"));
    assert_eq!(
        dup.to_string(),
        format!("demo.toml:21: {}", dup.message),
        "Display is file:line: message"
    );
}

#[test]
fn unknown_keys_at_every_level() {
    let text = "line = \"demo\"\nname = \"n\"\norder = 1\nauthor = \"x\"\n\n[[sections]]\nid = \"s\"\nname = \"分组\"\ncolor = 1\n\n[[sections.items]]\nid = \"demo.a\"\ncheck = \"c\"\nhow = \"h\"\nbasis = \"b\"\nseverity = \"major\"\nhazard = \"h\"\nmeasures = \"m\"\nlevel = 2\n";
    let problems = validate_str("demo.toml", text).unwrap_err();
    let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, vec![4, 9, 19], "{problems:#?}");
    assert!(problems[0].message.contains("author"));
    assert!(problems[1].message.contains("color"));
    assert!(problems[2].message.contains("level"));
}

#[test]
fn syntax_error_gives_its_line() {
    let text = "line = \"demo\"\nname = \"n\"\norder = 1\n\n[[sections]]\nid = \"s\nname = \"x\"\n";
    let problems = validate_str("demo.toml", text).unwrap_err();
    assert!(!problems.is_empty());
    assert_eq!(problems[0].line, 6, "{problems:#?}");
    assert!(problems[0].message.contains("TOML"));
}

#[test]
fn validate_files_finds_cross_file_duplicates_and_unreadable_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("alpha.toml");
    let b = dir.path().join("beta.toml");
    let item = |line: &str, id: &str| {
        format!(
            "line = \"{line}\"\nname = \"n\"\norder = 1\n\n[[sections]]\nid = \"s\"\nname = \"s\"\n\n[[sections.items]]\nid = \"{id}\"\ncheck = \"c\"\nhow = \"h\"\nbasis = \"b\"\nseverity = \"general\"\nhazard = \"h\"\nmeasures = \"m\"\n"
        )
    };
    fs::write(&a, item("alpha", "alpha.x")).unwrap();
    // beta.toml reuses alpha's id: bad prefix and cross-file duplicate.
    fs::write(&b, item("beta", "alpha.x")).unwrap();
    let missing = dir.path().join("missing.toml");
    let problems = validate_files(&[a.clone(), b.clone(), missing.clone()]);
    let msgs: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert!(
        msgs.iter()
            .any(|m| m.starts_with(&format!("{}:10:", b.display())) && m.contains("重复")),
        "{msgs:#?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.starts_with(&missing.display().to_string())),
        "{msgs:#?}"
    );
    assert!(
        !msgs
            .iter()
            .any(|m| m.starts_with(&format!("{}:", a.display())))
    );
    assert!(validate_files(&[a]).is_empty());
}

#[test]
fn user_dir_overrides_and_broken_files_do_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("fire.toml"),
        "line = \"fire\"\nname = \"消防（本院）\"\norder = 4\ncore = true\ndescription = \"本院版\"\n\n[[sections]]\nid = \"exits\"\nname = \"出口\"\n\n[[sections.items]]\nid = \"fire.exit-clear\"\ncheck = \"出口畅通\"\nhow = \"看\"\nbasis = \"本院制度\"\nseverity = \"major\"\nhazard = \"出口堵塞\"\nmeasures = \"清理\"\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("broken.toml"),
        "line = \"broken\"\nname = [\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("extra.toml"),
        "line = \"extra\"\nname = \"附加\"\norder = 20\n\n[[sections]]\nid = \"s\"\nname = \"s\"\n\n[[sections.items]]\nid = \"extra.one\"\ncheck = \"c\"\nhow = \"h\"\nbasis = \"b\"\nseverity = \"一般\"\nhazard = \"h\"\nmeasures = \"m\"\n",
    )
    .unwrap();
    fs::write(dir.path().join("notes.txt"), "ignored").unwrap();

    let (c, problems) = Catalog::load(Some(dir.path()));
    assert_eq!(c.lines.len(), BUILTIN_LINES + 1);
    let fire = c.line("fire").unwrap();
    assert_eq!(fire.name, "消防（本院）");
    assert_eq!(fire.item_count(), 1);
    assert!(fire.source.ends_with("fire.toml"));
    assert_eq!(c.item("fire.exit-clear").unwrap().check, "出口畅通");
    assert!(
        c.item("fire.extinguisher").is_none(),
        "builtin fire replaced"
    );
    assert_eq!(c.line("epidemic").unwrap().source, "内置");
    assert_eq!(c.lines.last().unwrap().line, "extra");
    assert!(c.line("broken").is_none());
    assert!(!problems.is_empty());
    assert!(
        problems.iter().all(|p| p.file.ends_with("broken.toml")),
        "{problems:#?}"
    );
    assert_eq!(problems[0].line, 2);

    let (c2, p2) = Catalog::load(None);
    assert!(p2.is_empty());
    assert_eq!(c2.lines.len(), BUILTIN_LINES);
    let (c3, p3) = Catalog::load(Some(&dir.path().join("does-not-exist")));
    assert!(p3.is_empty());
    assert_eq!(c3.lines.len(), BUILTIN_LINES);
}

#[test]
fn user_file_with_duplicate_ids_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    // A user line that repeats one of its item ids.
    fs::write(
        dir.path().join("fire2.toml"),
        "line = \"fire2\"\nname = \"n\"\norder = 30\n\n[[sections]]\nid = \"s\"\nname = \"s\"\n\n[[sections.items]]\nid = \"fire2.a\"\ncheck = \"c\"\nhow = \"h\"\nbasis = \"b\"\nseverity = \"general\"\nhazard = \"h\"\nmeasures = \"m\"\n\n[[sections.items]]\nid = \"fire2.a\"\ncheck = \"c\"\nhow = \"h\"\nbasis = \"b\"\nseverity = \"general\"\nhazard = \"h\"\nmeasures = \"m\"\n",
    )
    .unwrap();
    let (c, problems) = Catalog::load(Some(dir.path()));
    assert!(c.line("fire2").is_none());
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].line, 19);
    let counts: HashMap<&str, usize> = c
        .lines
        .iter()
        .map(|l| (l.line.as_str(), l.item_count()))
        .collect();
    assert_eq!(counts.len(), BUILTIN_LINES);
}

/// The documents a basis may name: a title in 《》, a standard number, or one of the seed notices.
fn names_a_document(basis: &str) -> bool {
    const SEEDS: [&str; 5] = [
        "市卫健委安全生产通知（2022）",
        "郑州市卫健委2019年工作要点",
        "乐山市卫健委三年行动方案（2020）",
        "绍兴市中医院三年行动方案（2021）",
        "盐池县",
    ];
    const CODES: [&str; 10] = [
        "GB ", "GB/T ", "GBZ ", "GBZ/T ", "WS ", "WS/T ", "TSG ", "JGJ ", "HJ ", "CJJ ",
    ];
    let code = CODES.iter().any(|c| {
        basis
            .match_indices(c)
            .any(|(i, _)| basis[i + c.len()..].starts_with(|ch: char| ch.is_ascii_digit()))
    });
    basis.contains('《') || code || SEEDS.iter().any(|s| basis.contains(s))
}

#[test]
fn every_basis_names_a_document() {
    let c = Catalog::builtin();
    let mut missing = Vec::new();
    for it in c.all_items() {
        if !names_a_document(&it.basis) {
            missing.push(format!("{}: {}", it.id, it.basis));
        }
    }
    assert!(
        missing.is_empty(),
        "no document named:\n{}",
        missing.join("\n")
    );
    assert!(!names_a_document("实务补充：通行做法"));
    assert!(names_a_document("GB 50016-2014 第6.5.3条"));
    // The citations the office found wrong are fixed.
    let basis = |id: &str| c.item(id).unwrap().basis.clone();
    assert!(
        basis("construction.no-dorm-in-building")
            .contains("《建设工程安全生产管理条例》第二十九条")
    );
    assert!(!basis("key_site.kitchen-hood").contains("18483"));
    assert!(basis("key_site.kitchen-hood").contains("GB/T 40248-2021"));
    for id in ["epidemic.alcohol-storage", "energy.alcohol-fuel"] {
        assert!(!c.item(id).unwrap().check.contains("当日用量"), "{id}");
        assert!(
            basis(id).contains("实务补充"),
            "{id} says where its limit comes from"
        );
    }
    // The national fire standards the seeds name are cited.
    let all: String = c.all_items().map(|i| i.basis.as_str()).collect();
    for doc in [
        "WS 308-2019《医疗机构消防安全管理》",
        "《医疗机构消防安全管理九项规定（2020年版）》",
        "GB/T 40248-2021《人员密集场所消防安全管理》",
    ] {
        assert!(all.contains(doc), "nothing cites {doc}");
    }
}

#[test]
fn every_shipped_item_id_still_resolves() {
    let c = Catalog::builtin();
    let listed = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/catalog_ids.txt"
    ))
    .unwrap();
    let ids: Vec<&str> = listed
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert!(ids.len() >= 193, "{}", ids.len());
    for id in &ids {
        let it = c
            .item(id)
            .unwrap_or_else(|| panic!("{id} no longer resolves"));
        assert!(id.starts_with(&format!("{}.", it.line)));
    }
    // A new builtin item must be listed too, so that removing it later is caught.
    let listed: HashSet<&str> = ids.into_iter().collect();
    for it in c.all_items() {
        assert!(
            listed.contains(it.id.as_str()),
            "add {} to tests/catalog_ids.txt",
            it.id
        );
    }
}
