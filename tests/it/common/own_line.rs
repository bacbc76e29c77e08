//! A user's own checklist line, 药品与生物安全 (`drug_bio`), written into a test's config dir:
//! the own-line case of issue 15 (checklist versions travel with the record).

use super::Env;
use std::fs;

/// The line's file text, with `check` as the text of its first item `drug_bio.three-iron`.
pub fn drug_bio(check: &str) -> String {
    let mut s = String::from(
        "line = \"drug_bio\"\nname = \"药品与生物安全\"\norder = 20\ncore = false\ndescription = \"本院自定\"\n\n[[sections]]\nid = \"drugs\"\nname = \"麻精药品\"\n",
    );
    let items = [
        ("drug_bio.three-iron", check),
        ("drug_bio.double-lock", "麻精药品专柜双人双锁"),
    ];
    for (id, text) in items {
        s.push_str(&format!(
            "\n[[sections.items]]\nid = \"{id}\"\ncheck = \"{text}\"\nhow = \"现场查看\"\nbasis = \"《麻醉药品和精神药品管理条例》第四十七条\"\nseverity = \"major\"\nkeywords = [\"麻精药品\"]\nhazard = \"专库防盗设施不全\"\nmeasures = \"按要求整改\"\n"
        ));
    }
    s
}

/// Writes (or rewrites) the line into `env`'s own checklist folder.
pub fn write_drug_bio(env: &Env, check: &str) {
    let dir = env.config().join("checklists");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("drug_bio.toml"), drug_bio(check)).unwrap();
}

/// Starts a self-check inspection on `line`; its id.
pub fn start_on(env: &Env, line: &str) -> String {
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

/// Records a hazard on `item` in `insp`; its id.
pub fn add_on_item(env: &Env, insp: &str, item: &str, text: &str) -> String {
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
