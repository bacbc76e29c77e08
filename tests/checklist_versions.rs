//! Checklist versions travel with the record (issue 15), through the built binary: a user's own
//! line used on one device shows its name and item texts on a device that never had the file;
//! a changed checklist is a new version and old inspections keep theirs; a broken user file is
//! reported naming its file and line.

mod common;

use common::Env;
use std::fs;

/// A user's own line, 药品与生物安全, with `check` as the text of its first item.
fn drug_bio(check: &str) -> String {
    let mut s = String::from(
        "line = \"drug_bio\"\nname = \"药品与生物安全\"\norder = 20\ncore = false\ndescription = \"本院自定\"\n\n[[sections]]\nid = \"drugs\"\nname = \"麻精药品\"\n",
    );
    let items = [
        ("drug_bio.three-iron", check),
        ("drug_bio.double-lock", "麻精药品专柜双人双锁"),
    ];
    for (id, text) in items {
        s.push_str(&format!(
            "\n[[sections.items]]\nid = \"{id}\"\ncheck = \"{text}\"\nhow = \"现场查看\"\nbasis = \"《麻醉药品和精神药品管理条例》第四十六条\"\nseverity = \"major\"\nkeywords = [\"麻精药品\"]\nhazard = \"专库防盗设施不全\"\nmeasures = \"按要求整改\"\n"
        ));
    }
    s
}

fn write_list(env: &Env, text: &str) {
    let dir = env.config().join("checklists");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("drug_bio.toml"), text).unwrap();
}

fn start(env: &Env, line: &str) -> String {
    let v = env.json(&[
        "inspection",
        "start",
        "--facility",
        "某某区人民医院",
        "--mode",
        "self",
        "--inspector",
        "王检查",
        "--line",
        line,
    ]);
    v["id"].as_str().unwrap().to_string()
}

fn add(env: &Env, insp: &str, item: &str, text: &str) -> String {
    let v = env.json(&[
        "finding",
        "add",
        "--inspection",
        insp,
        "--item",
        item,
        "--description",
        text,
    ]);
    v["id"].as_str().unwrap().to_string()
}

#[test]
fn own_line_shows_its_name_and_items_on_a_device_without_the_file() {
    let laptop = Env::new();
    let office = Env::new();
    let folder = tempfile::tempdir().unwrap();
    let sync_dir = folder.path().to_str().unwrap();

    write_list(&laptop, &drug_bio("麻精药品专库三铁一器"));
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
    write_list(&laptop, &drug_bio("麻精药品专库三铁一器并与公安联网"));
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
