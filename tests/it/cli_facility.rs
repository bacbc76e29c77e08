//! The facility registry and patrols through the built binary (issue 16): register a facility
//! with its people and places, grade a key site, merge two spellings, bring in names typed on
//! past hazards, and patrol; bad input is refused with the flag named and nothing written; two
//! devices that edit one facility converge, and their crossed edit is flagged.

use crate::common;
use common::Env;

use common::registry::{H, registered};

#[test]
fn a_facility_with_its_places_key_sites_and_risk_grades() {
    let env = Env::new();
    registered(&env);
    let p = env.json(&[
        "facility",
        "grade",
        H,
        "氧气储瓶间",
        "--grade",
        "重大",
        "--measures",
        "每日两次巡查，严禁烟火",
        "--responsible",
        "赵刚",
    ]);
    assert_eq!(p["grade"], "major");
    assert_eq!(p["path"], "本部/后勤楼/氧气储瓶间");
    let f = env.json(&["facility", "show", H]);
    assert_eq!(f["kind"], "hospital", "type guessed from the name");
    assert_eq!(f["head_phone"], "0371-66661234");
    let paths: Vec<&str> = f["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "本部",
            "本部/后勤楼",
            "本部/后勤楼/氧气储瓶间",
            "本部/门诊楼",
            "本部/门诊楼/1层",
            "本部/门诊楼/1层/配电室"
        ]
    );
    let text = env.ok(&["facility", "show", H]);
    assert!(
        text.contains("氧气储瓶间〔部位〕 ★重点部位 重大风险（红） 责任人：赵刚"),
        "{text}"
    );
    assert!(text.contains("主要负责人：张建国 0371-66661234"), "{text}");
}

#[test]
fn bad_input_names_the_flag_and_writes_nothing() {
    let env = Env::new();
    registered(&env);
    let before = env.events();
    let e = env.fails(&["facility", "add", "某卫生院", "--type", "诊所"]);
    assert!(e.contains("类型（--type）") && e.contains("诊所"), "{e}");
    let e = env.fails(&["facility", "add", H]);
    assert!(e.contains("已登记"), "{e}");
    let e = env.fails(&["facility", "edit", H, "head_phone", "打电话\u{1b}[31m"]);
    assert!(e.contains("--head-phone") && !e.contains('\u{1b}'), "{e}");
    let e = env.fails(&["facility", "grade", H, "配电室", "--grade", "很高"]);
    assert!(
        e.contains("风险等级（--grade）") && e.contains("major|large|general|low"),
        "{e}"
    );
    let e = env.fails(&["facility", "place", "add", H, "本部/后勤楼/氧气储瓶间"]);
    assert!(e.contains("已登记"), "{e}");
    let e = env.fails(&["facility", "show", "不存在的医院"]);
    assert!(e.contains("找不到单位「不存在的医院」"), "{e}");
    let e = env.fails(&["patrol", "visit", "0123456789ab", "配电室", "ok"]);
    assert!(e.contains("找不到巡查"), "{e}");
    assert_eq!(env.events(), before, "nothing written");
}

#[test]
fn names_on_past_hazards_come_in_and_two_spellings_merge() {
    let env = Env::new();
    let insp = env.start("市一院", &["fire"]);
    env.add_finding(&insp, "fire", "灭火器过期");
    let insp2 = env.start("金水区社区卫生服务中心", &["fire"]);
    env.add_finding(&insp2, "fire", "疏散通道堵塞");
    let list = env.json(&["facility", "list"]);
    assert_eq!(list["facilities"].as_array().unwrap().len(), 0);
    assert_eq!(list["unregistered"][0], "市一院");
    let added = env.json(&["facility", "import"]);
    assert_eq!(added.as_array().unwrap().len(), 2);
    assert_eq!(added[1]["kind"], "community");
    assert_eq!(
        env.json(&["facility", "import"]).as_array().unwrap().len(),
        0
    );
    registered(&env);
    let f = env.json(&["facility", "merge", H, "市一院"]);
    assert_eq!(f["aliases"][0], "市一院");
    let list = env.json(&["facility", "list"]);
    let names: Vec<&str> = list["facilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["金水区社区卫生服务中心", H]);
    // The old spelling finds the facility it was merged into.
    assert_eq!(env.json(&["facility", "show", "市一院"])["name"], H);
}

#[test]
fn a_night_patrol_records_each_site_and_an_abnormal_site_opens_a_hazard() {
    let mut env = Env::new();
    env.now = "2026-11-22T22:30:00+08:00".into();
    registered(&env);
    let p = env.ok(&[
        "patrol",
        "start",
        "--facility",
        H,
        "--night",
        "--patroller",
        "夜班 刘洋",
    ]);
    let p = p.trim();
    env.ok(&["patrol", "visit", p, "氧气储瓶间", "ok"]);
    let before = env.events();
    let e = env.fails(&["patrol", "visit", p, "配电室", "abnormal"]);
    assert!(e.contains("异常须写明情况"), "{e}");
    let e = env.fails(&["patrol", "visit", p, "配电室", "abnormal", "--note", " "]);
    assert!(e.contains("异常须写明情况"), "{e}");
    assert_eq!(env.events(), before, "a refused 异常 writes nothing");
    let v = env.json(&[
        "patrol",
        "visit",
        p,
        "配电室",
        "abnormal",
        "--note",
        "配电室内堆放纸箱",
    ]);
    assert_eq!(
        env.events(),
        before + 3,
        "the hazard, its place link and the visit (one append: ops::patrol_visit_abnormal)"
    );
    let fid = v["finding_id"].as_str().unwrap().to_string();
    let f = env.json(&["finding", "show", &fid]);
    assert_eq!(f["facility"], H);
    // The site's registered path, and the hazard is linked to the place.
    assert_eq!(f["location"], "本部/门诊楼/1层/配电室");
    assert_eq!(f["place"]["path"], "本部/门诊楼/1层/配电室");
    assert_eq!(f["line"], "key_site");
    assert_eq!(f["description"], "配电室内堆放纸箱");
    env.ok(&["patrol", "finish", p]);
    let log = env.json(&["patrol", "log", "--facility", H]);
    assert_eq!(log.as_array().unwrap().len(), 2);
    assert_eq!(log[0]["patroller"], "夜班 刘洋");
    assert!(log.as_array().unwrap().iter().all(|r| r["night"] == true));
    let text = env.ok(&["patrol", "log", "--facility", H, "--site", "配电室"]);
    assert!(
        text.contains("2026-11-22 22:30") && text.contains("异常"),
        "{text}"
    );
    assert!(!text.contains("氧气储瓶间"), "{text}");
}

#[test]
fn two_devices_edit_one_facility_converge_and_the_crossed_edit_is_flagged() {
    let a = Env::new();
    let mut b = Env::new();
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path().to_str().unwrap();
    registered(&a);
    a.ok(&["sync", "--dir", dir]);
    b.ok(&["sync", "--dir", dir]);
    assert_eq!(b.json(&["facility", "show", H])["deputy"], "李强");
    // Both change the 分管负责人 without seeing each other's edit; one also grades a site.
    a.ok(&["facility", "edit", H, "deputy", "陈静"]);
    b.now = "2026-11-22T10:00:00+08:00".into();
    b.ok(&["facility", "edit", H, "分管负责人", "周涛"]);
    b.ok(&["facility", "grade", H, "配电室", "--grade", "较大"]);
    for _ in 0..2 {
        a.ok(&["sync", "--dir", dir]);
        b.ok(&["sync", "--dir", dir]);
    }
    let fa = a.json(&["facility", "show", H]);
    let fb = b.json(&["facility", "show", H]);
    assert_eq!(fa, fb, "both devices show the same facility");
    assert_eq!(fa["deputy"], "周涛", "the later edit shows");
    assert_eq!(fa["conflicts"][0]["field"], "分管负责人");
    let values: Vec<&str> = fa["conflicts"][0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v[1].as_str().unwrap())
        .collect();
    assert_eq!(values, ["周涛", "陈静"]);
    let text = a.ok(&["facility", "show", H]);
    assert!(text.contains("冲突：分管负责人"), "{text}");
    assert!(a.ok(&["facility", "list"]).contains("·冲突"));
    // An edit that saw both settles it, on every device after sync.
    a.ok(&["facility", "edit", H, "deputy", "陈静"]);
    a.ok(&["sync", "--dir", dir]);
    b.ok(&["sync", "--dir", dir]);
    let fb = b.json(&["facility", "show", H]);
    assert_eq!(fb["deputy"], "陈静");
    assert_eq!(fb["conflicts"].as_array().unwrap().len(), 0);
    let grades: Vec<&str> = fb["places"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["grade"].as_str())
        .collect();
    assert_eq!(grades, ["large"]);
}
