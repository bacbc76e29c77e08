//! Checklist versions travel with the record (issue 15), through the built binary: a user's own
//! line used on one device shows its name and item texts on a device that never had the file;
//! a changed checklist is a new version and old inspections keep theirs; a broken user file is
//! reported naming its file and line.

use crate::common;

use common::Env;
use common::own_line::{add_on_item as add, start_on as start, write_drug_bio};
use std::fs;

#[test]
fn own_line_shows_its_name_and_items_on_a_device_without_the_file() {
    let laptop = Env::new();
    let office = Env::new();
    let folder = tempfile::tempdir().unwrap();
    let sync_dir = folder.path().to_str().unwrap();

    write_drug_bio(&laptop, "麻精药品专库三铁一器");
    let insp = start(&laptop, "drug_bio");
    let f1 = add(&laptop, &insp, "drug_bio.three-iron", "药库专库无报警器");
    laptop.ok(&["sync", "--dir", sync_dir]);

    office.ok(&["sync", "--dir", sync_dir]);
    assert!(
        !office.config().join("checklists").exists(),
        "the office never had the file"
    );
    let shown = office.ok(&["finding", "show", &f1]);
    assert!(shown.contains("防线：药品与生物安全"), "{shown}");
    assert!(
        shown.contains("麻精药品专库三铁一器（drug_bio.three-iron）"),
        "{shown}"
    );
    let list = office.json(&["finding", "list"]);
    assert_eq!(list[0]["line_name"], "药品与生物安全", "{list}");
    // The office can read the whole list too, and says where it comes from.
    let lists = office.ok(&["checklist", "list"]);
    assert!(
        lists.contains("drug_bio") && lists.contains("检查记录"),
        "{lists}"
    );
    let show = office.ok(&["checklist", "show", "drug_bio"]);
    assert!(show.contains("麻精药品专柜双人双锁"), "{show}");

    // The laptop changes its list: a new version. The old inspection keeps its text; a new one
    // uses the new text; both reach the office.
    write_drug_bio(&laptop, "麻精药品专库三铁一器并与公安联网");
    let insp2 = start(&laptop, "drug_bio");
    let f2 = add(&laptop, &insp2, "drug_bio.three-iron", "报警器未联网");
    for env in [&laptop, &office] {
        if std::ptr::eq(env, &office) {
            laptop.ok(&["sync", "--dir", sync_dir]);
        }
        env.ok(&["sync", "--dir", sync_dir]);
        let old = env.ok(&["finding", "show", &f1]);
        assert!(old.contains("检查项：麻精药品专库三铁一器（"), "{old}");
        let new = env.ok(&["finding", "show", &f2]);
        assert!(
            new.contains("检查项：麻精药品专库三铁一器并与公安联网（"),
            "{new}"
        );
    }
    // Each version is recorded once, however many inspections use it.
    let before = laptop.events();
    let insp3 = start(&laptop, "drug_bio");
    assert_eq!(
        laptop.events(),
        before + 1,
        "only InspectionStarted for {insp3}"
    );
}

#[test]
fn builtin_lines_record_their_version_too() {
    let env = Env::new();
    // The first command also writes the device's self-description.
    start(&env, "energy");
    let before = env.events();
    start(&env, "fire");
    // The version of 消防 and the inspection.
    assert_eq!(env.events(), before + 2);
    start(&env, "fire");
    assert_eq!(env.events(), before + 3);
    env.ok(&["doctor"]);
}

#[test]
fn broken_user_file_is_reported_with_file_and_line() {
    let env = Env::new();
    let dir = env.config().join("checklists");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("drug_bio.toml"), "line = \"drug_bio\"\nname = [\n").unwrap();
    for args in [
        &["checklist", "list"][..],
        &["checklist", "show", "fire"][..],
        &["finding", "list"][..],
    ] {
        let out = env.run(args);
        assert!(out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("drug_bio.toml 第 2 行有误，该文件未加载"),
            "{args:?}: {err}"
        );
    }
    let err = env.fails(&["checklist", "show", "drug_bio"]);
    assert!(err.contains("drug_bio.toml 第 2 行"), "{err}");
}

#[test]
fn forms_print_the_item_text_the_inspection_used() {
    let laptop = Env::new();
    let office = Env::new();
    let folder = tempfile::tempdir().unwrap();
    let sync_dir = folder.path().to_str().unwrap();
    write_drug_bio(&laptop, "麻精药品专库三铁一器");
    let insp = start(&laptop, "drug_bio");
    let f1 = add(&laptop, &insp, "drug_bio.three-iron", "药库专库无报警器");
    laptop.ok(&["finding", "escalate", &f1]);
    // After the inspection the list's item text and name change: a new version, for new
    // inspections only.
    let renamed = common::own_line::drug_bio("麻精药品专库三铁一器并与公安联网")
        .replace("name = \"药品与生物安全\"", "name = \"药品安全\"");
    fs::write(laptop.config().join("checklists/drug_bio.toml"), renamed).unwrap();
    laptop.ok(&["sync", "--dir", sync_dir]);
    office.ok(&["sync", "--dir", sync_dir]);

    let old = "检查项：麻精药品专库三铁一器（药品与生物安全）";
    for env in [&laptop, &office] {
        for (what, args) in [
            ("整改表", ["--inspection", insp.as_str()]),
            ("整改通知书", ["--finding", f1.as_str()]),
        ] {
            let text = env.form_text(&args);
            assert!(text.contains("药库专库无报警器"), "{what}: {text}");
            assert!(
                text.contains(old),
                "{what} names the item as checked: {text}"
            );
            assert!(
                !text.contains("并与公安联网"),
                "{what}: not today's text: {text}"
            );
        }
        let shown = env.ok(&["finding", "show", &f1]);
        assert!(
            shown.contains("防线：药品与生物安全  检查项：麻精药品专库三铁一器（"),
            "{shown}"
        );
    }
}
