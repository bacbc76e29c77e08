use super::*;
use crate::domain::Severity;

#[test]
fn builtin_files_validate_clean() {
    let problems = Catalog::builtin_problems();
    assert!(
        problems.is_empty(),
        "builtin problems:\n{}",
        problems
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
    let c = Catalog::builtin();
    assert_eq!(c.lines.len(), BUILTIN_FILES.len());
    assert!(c.lines.iter().all(|l| l.source == BUILTIN_SOURCE));
}

#[test]
fn index_finds_items_and_names() {
    let c = Catalog::builtin();
    let it = c.item("fire.exit-clear").expect("fire.exit-clear");
    assert_eq!(it.line, "fire");
    assert_eq!(it.section, "安全出口与疏散");
    assert_eq!(it.severity, Severity::Major);
    assert!(c.item("fire.nope").is_none());
    assert_eq!(c.line_name("fire"), "消防");
    assert_eq!(c.line_name("unknown_line"), "unknown_line");
    let order: Vec<u32> = c.lines.iter().map(|l| l.order).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
}

#[test]
fn items_of_follows_catalog_order() {
    let c = Catalog::builtin();
    let wanted = vec!["key_site".to_string(), "epidemic".to_string()];
    let ids: Vec<&str> = c.items_of(&wanted).map(|i| i.id.as_str()).collect();
    let n_epi = c.line("epidemic").unwrap().item_count();
    let n_key = c.line("key_site").unwrap().item_count();
    assert_eq!(ids.len(), n_epi + n_key);
    assert!(ids[0].starts_with("epidemic."));
    assert!(ids[n_epi].starts_with("key_site."));
    assert_eq!(
        c.all_items().count(),
        c.lines.iter().map(|l| l.item_count()).sum::<usize>()
    );
}

const GOOD: &str = r#"line = "demo"
name = "  演示  "
order = 3
core = false
description = "d"

[[sections]]
id = "a"
name = "甲"

[[sections.items]]
id = "demo.one"
check = "cafe\u0301"
how = "看"
basis = "实务补充：无"
severity = "重大"
keywords = [" 灭火器 "]
hazard = "h"
measures = "m"
"#;

#[test]
fn good_file_is_normalised() {
    let cl = validate_str("demo.toml", GOOD).expect("valid");
    assert_eq!(cl.name, "演示");
    let it = &cl.sections[0].items[0];
    assert_eq!(it.check, "caf\u{e9}");
    assert_eq!(it.keywords, vec!["灭火器".to_string()]);
    assert_eq!(it.severity, Severity::Major);
    assert_eq!(it.section, "甲");
    assert!(!cl.core);
}

#[test]
fn stem_mismatch_is_reported() {
    let e = validate_str("other.toml", GOOD).unwrap_err();
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].line, 1);
    assert!(e[0].message.contains("other"), "{}", e[0].message);
    // No file name: no stem check.
    assert!(validate_str("<stdin>", GOOD).is_ok());
}

#[test]
fn missing_keys_and_bad_prefix() {
    let text = "line = \"demo\"\nname = \"n\"\norder = 1\n\n[[sections]]\nid = \"a\"\nname = \"甲\"\n\n[[sections.items]]\nid = \"fire.x\"\ncheck = \"c\"\nhow = \"h\"\nbasis = \"b\"\nseverity = \"general\"\n";
    let e = validate_str("demo.toml", text).unwrap_err();
    let msgs: Vec<String> = e.iter().map(|p| p.to_string()).collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("demo.toml:10:") && m.contains("demo.")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|m| m.contains("缺少必填的键 hazard")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|m| m.contains("缺少必填的键 measures")),
        "{msgs:?}"
    );
    for p in &e {
        if p.message.contains("缺少") {
            assert!(p.line >= 9 && p.line <= 14, "{p}");
        }
    }
}

#[test]
fn duplicate_section_and_type_errors() {
    let text = "line = \"demo\"\nname = \"n\"\norder = -1\ncore = \"yes\"\n\n[[sections]]\nid = \"a\"\nname = \"甲\"\nitems = []\n\n[[sections]]\nid = \"a\"\nname = \"乙\"\nitems = []\n";
    let e = validate_str("demo.toml", text).unwrap_err();
    let lines: Vec<usize> = e.iter().map(|p| p.line).collect();
    assert_eq!(lines, vec![3, 4, 12], "{e:?}");
    assert!(e[2].message.contains("第 7 行"), "{}", e[2]);
}

#[test]
fn problem_display() {
    let p = Problem {
        file: "fire.toml".into(),
        line: 37,
        message: "检查项 fire.exit-clear 重复（首次出现在第 12 行）".into(),
    };
    assert_eq!(
        p.to_string(),
        "fire.toml:37: 检查项 fire.exit-clear 重复（首次出现在第 12 行）"
    );
}
