//! Issue 13 through the binary: one 整改通知书 over many hazards of one facility (the notice
//! page refers to a 附页 that lists them all, numbered, under the title and 文号), the
//! 临时防范措施 printed with each hazard, a 机关代字 typed with its 整 not doubled, and lists
//! that name hazards by their 隐患编号.

use crate::common;
use common::Env;

const FACILITY: &str = "某某市第二人民医院";

/// An inspection with `n` hazards, each with its own 临时防范措施; returns their ids.
fn hazards(env: &Env, n: usize) -> Vec<String> {
    let insp = env.start(FACILITY, &["fire"]);
    (1..=n)
        .map(|i| {
            env.ok(&[
                "finding",
                "add",
                "--inspection",
                &insp,
                "--line",
                "fire",
                "--description",
                &format!("住院部{i}楼疏散通道堆放杂物"),
                "--measures",
                "立即清理，落实每日巡查",
                "--interim",
                &format!("第{i}处设专人看守"),
                "--due",
                "2026-12-01",
            ])
            .trim()
            .to_string()
        })
        .collect()
}

#[test]
fn a_notice_over_nine_hazards_lists_them_all_on_a_numbered_attachment() {
    let env = Env::new();
    // Typed as the README once invited: the 整 is the book's word, not part of the code.
    let org = env.ok(&[
        "org",
        "--authority",
        "某某市卫生健康委员会",
        "--agency-code",
        "某卫安整",
    ]);
    assert!(org.contains("机关代字：某卫安\n"), "{org}");
    let ids = hazards(&env, 9);
    let mut args = vec!["notice"];
    args.extend(ids.iter().map(String::as_str));
    let said = env.ok(&args);
    assert!(said.contains("列隐患 9 条"), "{said}");

    let out = env.tmp.path().join("通知书.html");
    env.ok(&[
        "export",
        "--format",
        "html",
        "--finding",
        &ids[4],
        "--out",
        out.to_str().unwrap(),
    ]);
    let page = std::fs::read_to_string(&out).unwrap();
    let shown = env.json(&["finding", "list"]);
    let numbers: Vec<String> = shown
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["number"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(numbers.len(), 9);
    let wenhao = env.json(&["finding", "show", &ids[0]])["escalations"][0]["issued"]["wenhao"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(wenhao.starts_with("某卫安整〔2026〕"), "{wenhao}");
    assert!(!page.contains("整整"), "the 整 is not doubled");

    // The notice page: the count and a pointer to the 附页, then its 回执.
    let (notice, attachment) = page.split_once("break-before:page").expect("a 附页");
    assert!(notice.contains("隐患清单见附页（共9项）"));
    assert!(notice.contains("附页所列安全生产隐患（共9项）"));
    assert!(notice.contains("回　执"));
    assert!(
        !notice.contains(&numbers[0]),
        "no partial list on the notice page"
    );
    // The 附页: its header (repeated on every printed page) names the book and the 文号.
    let head = format!("《安全生产隐患整改通知书》（{wenhao}）隐患清单（共9项）");
    let thead =
        &attachment[attachment.find("<thead>").unwrap()..attachment.find("</thead>").unwrap()];
    assert!(thead.contains(&head), "{thead}");
    for (i, n) in numbers.iter().enumerate() {
        assert!(attachment.contains(n), "{n} listed");
        assert!(
            attachment.contains(&format!("第{}处设专人看守", i + 1)),
            "the 临时防范措施 of hazard {}",
            i + 1
        );
    }
    assert_eq!(attachment.matches("临时防范措施：").count(), 9);
    assert!(!attachment.contains("回　执"));
}

#[test]
fn a_short_notice_keeps_its_hazards_on_the_page_with_their_interim_measures() {
    let env = Env::new();
    let ids = hazards(&env, 1);
    env.ok(&["notice", &ids[0]]);
    let out = env.tmp.path().join("通知书.html");
    env.ok(&[
        "export",
        "--format",
        "html",
        "--finding",
        &ids[0],
        "--out",
        out.to_str().unwrap(),
    ]);
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(!page.contains("break-before:page"), "no 附页");
    assert!(!page.contains("附页"));
    assert!(page.contains("临时防范措施：第1处设专人看守"));
    assert!(
        page.contains("巡查整〔2026〕"),
        "no 机关代字: the 文号 is headed 巡查"
    );
}

#[test]
fn lists_and_show_name_a_hazard_by_its_number_and_json_keeps_a_short_id() {
    let env = Env::new();
    let ids = hazards(&env, 2);
    let list = env.ok(&["finding", "list"]);
    let json = env.json(&["finding", "list"]);
    for f in json.as_array().unwrap() {
        let number = f["number"].as_str().unwrap();
        let short = f["short_id"].as_str().unwrap();
        assert!(number.starts_with("YH-2026-"), "{number}");
        assert_eq!(short.len(), 8);
        assert!(f["id"].as_str().unwrap().replace('-', "").ends_with(short));
        assert!(list.contains(number), "{list}");
        assert!(
            !list.contains(short),
            "the list shows the number, not the hex id:\n{list}"
        );
    }
    assert!(list.contains("隐患编号"));
    let show = env.ok(&["finding", "show", &ids[1]]);
    let number = json[1]["number"].as_str().unwrap();
    assert!(show.starts_with(&format!("隐患编号 {number}")), "{show}");
    assert!(!show.contains(&ids[1][..8]), "no UUID in show:\n{show}");
    let detail = env.json(&["finding", "show", number]);
    assert_eq!(detail["number_code"], number);
}
