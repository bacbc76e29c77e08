//! The rules of frequency of seed 003 through `plan status --json` with a pinned clock
//! (issue 16 point 4): each rule done, due and missed, across a quarter and a year boundary,
//! in the writer's local time (+08:00), and a broken rules file named with file and line.

use crate::common;
use common::Env;
use serde_json::Value;

const H: &str = "市第一人民医院";
const C: &str = "金水区社区卫生服务中心";

/// The rule of the night fire patrols (seed 003).
const NIGHT: &str = "night_fire_patrol";

fn at<'a>(env: &'a mut Env, now: &str) -> &'a mut Env {
    env.now = now.to_string();
    env
}

fn setup() -> Env {
    let mut env = Env::new();
    at(&mut env, "2026-09-01T08:00:00+08:00");
    env.ok(&["facility", "add", H]);
    env.ok(&["facility", "add", C]);
    for site in ["本部/后勤楼/氧气储瓶间", "本部/门诊楼/配电室"] {
        env.ok(&["facility", "place", "add", H, site, "--key-site"]);
    }
    env
}

/// An inspection of `facility` started at `now` with a leader role and mode.
fn inspect(env: &mut Env, now: &str, facility: &str, leader: &str, mode: &str) {
    at(env, now).ok(&[
        "inspection",
        "start",
        "--facility",
        facility,
        "--mode",
        mode,
        "--inspector",
        "张建国",
        "--line",
        "fire",
        "--leader",
        leader,
    ]);
}

/// A patrol of both key sites of H at `now`.
/// A 四不两直 spot check led as a 行政检查 of `facility` at `now`.
fn unannounced(env: &mut Env, now: &str, facility: &str) {
    inspect(env, now, facility, "行政检查", "unannounced");
}

fn patrol(env: &mut Env, now: &str, night: bool) {
    let env = at(env, now);
    let mut args = vec!["patrol", "start", "--facility", H];
    if night {
        args.push("--night");
    }
    let id = env.ok(&args).trim().to_string();
    env.ok(&["patrol", "visit", &id, "氧气储瓶间", "ok"]);
    env.ok(&["patrol", "visit", &id, "配电室", "ok"]);
    env.ok(&["patrol", "finish", &id]);
}

fn status(env: &mut Env, now: &str, from: &str, to: &str) -> Vec<Value> {
    let v = at(env, now).json(&["plan", "status", "--from", from, "--to", to]);
    v.as_array().unwrap().clone()
}

fn row<'a>(rows: &'a [Value], facility: &str, rule: &str, period: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["facility"] == facility && r["rule"] == rule && r["period"] == period)
        .unwrap_or_else(|| panic!("no row {facility} {rule} {period} in {rows:#?}"))
}

fn state(rows: &[Value], facility: &str, rule: &str, period: &str) -> (String, u64) {
    let r = row(rows, facility, rule, period);
    (
        r["state"].as_str().unwrap().to_string(),
        r["done"].as_u64().unwrap(),
    )
}

/// Asserts the (state, count) of one facility, rule and period.
#[track_caller]
fn expect(rows: &[Value], facility: &str, rule: &str, period: &str, want: (&str, u64)) {
    assert_eq!(state(rows, facility, rule, period), s(want.0, want.1));
}

fn s(state: &str, n: u64) -> (String, u64) {
    (state.to_string(), n)
}

#[test]
fn night_and_day_patrols_per_key_site_across_the_new_year_night() {
    let mut env = setup();
    // The night of 31 December: one patrol before midnight, one after (local time).
    patrol(&mut env, "2026-12-31T22:00:00+08:00", true);
    let rows = status(
        &mut env,
        "2026-12-31T22:30:00+08:00",
        "2026-12-31",
        "2026-12-31",
    );
    expect(&rows, H, NIGHT, "2026-12-31 夜间", ("due", 1));
    let r = row(&rows, H, "night_fire_patrol", "2026-12-31 夜间");
    assert_eq!(r["sites"][0]["site"], "氧气储瓶间");
    assert_eq!(r["required"], 2);
    assert!(r["source"].as_str().unwrap().contains("四（十七）"));
    let text = at(&mut env, "2026-12-31T22:30:00+08:00").ok(&["plan", "status"]);
    assert!(
        text.contains("今晚 氧气储瓶间等 2 处 夜间巡查 1/2（市第一人民医院）"),
        "{text}"
    );
    // The community centre has no key site and is not a hospital: no patrol rows.
    assert!(
        !rows
            .iter()
            .any(|r| r["facility"] == C && r["rule"] == "night_fire_patrol")
    );
    patrol(&mut env, "2027-01-01T02:00:00+08:00", true);
    // At 02:30 the night that began at noon yesterday is still on: today's status lists it.
    let rows = status(
        &mut env,
        "2027-01-01T02:30:00+08:00",
        "2027-01-01",
        "2027-01-01",
    );
    expect(&rows, H, NIGHT, "2026-12-31 夜间", ("done", 2));
    let rows = status(
        &mut env,
        "2027-01-01T09:00:00+08:00",
        "2026-12-31",
        "2027-01-01",
    );
    expect(&rows, H, NIGHT, "2026-12-31 夜间", ("done", 2));
    // A day patrol on the 31st; none on New Year's Day, which then ends short.
    expect(
        &rows,
        H,
        "manager_daily_patrol",
        "2026-12-31",
        ("missed", 0),
    );
    expect(&rows, H, "manager_daily_patrol", "2027-01-01", ("due", 0));
    patrol(&mut env, "2027-01-01T10:00:00+08:00", false);
    let rows = status(
        &mut env,
        "2027-01-02T13:00:00+08:00",
        "2027-01-01",
        "2027-01-02",
    );
    expect(&rows, H, "manager_daily_patrol", "2027-01-01", ("done", 1));
    // The night of 1 January had no patrol: missed once it ended at noon on the 2nd.
    expect(&rows, H, NIGHT, "2027-01-01 夜间", ("missed", 0));
    // The night of the 2nd has begun (12:00) and is due.
    expect(&rows, H, NIGHT, "2027-01-02 夜间", ("due", 0));
}

#[test]
fn leader_inspections_per_year_and_month_across_the_year_boundary() {
    let mut env = setup();
    inspect(&mut env, "2026-11-30T10:00:00+08:00", H, "分管领导", "self");
    // 23:30 on 31 December in Beijing is still 2026 there (15:30 UTC).
    inspect(&mut env, "2026-12-31T23:30:00+08:00", H, "主要领导", "self");
    inspect(
        &mut env,
        "2026-06-10T10:00:00+08:00",
        H,
        "上级督导",
        "supervision",
    );
    let rows = status(
        &mut env,
        "2027-01-01T09:00:00+08:00",
        "2026-11-01",
        "2027-01-01",
    );
    expect(&rows, H, "main_leader_yearly", "2026年", ("done", 1));
    expect(&rows, C, "main_leader_yearly", "2026年", ("missed", 0));
    expect(&rows, H, "main_leader_yearly", "2027年", ("due", 0));
    expect(&rows, H, "deputy_leader_monthly", "2026-11", ("done", 1));
    expect(&rows, H, "deputy_leader_monthly", "2026-12", ("missed", 0));
    expect(&rows, H, "deputy_leader_monthly", "2027-01", ("due", 0));
    // 上级督导: twice a year; once is not enough.
    expect(&rows, H, "superior_twice_yearly", "2026年", ("missed", 1));
    inspect(
        &mut env,
        "2027-01-05T10:00:00+08:00",
        H,
        "superior",
        "supervision",
    );
    inspect(
        &mut env,
        "2027-03-05T10:00:00+08:00",
        H,
        "superior",
        "unannounced",
    );
    let rows = status(
        &mut env,
        "2027-03-06T09:00:00+08:00",
        "2027-01-01",
        "2027-03-06",
    );
    expect(&rows, H, "superior_twice_yearly", "2027年", ("done", 2));
    expect(&rows, C, "superior_twice_yearly", "2027年", ("due", 0));
    // Periods that have not begun are not listed.
    assert!(!rows.iter().any(|r| r["period"] == "2027-04"));
}

#[test]
fn administrative_full_inspections_and_the_quarterly_unannounced_check() {
    let mut env = setup();
    // Q3 ends on 30 September; an unannounced check that day counts for Q3, not Q4.
    unannounced(&mut env, "2026-09-30T23:00:00+08:00", H);
    inspect(
        &mut env,
        "2026-10-15T10:00:00+08:00",
        C,
        "administrative",
        "supervision",
    );
    unannounced(&mut env, "2026-12-31T23:30:00+08:00", C);
    // 00:30 on New Year's Day local is 16:30 UTC on 31 December: it counts for 2027 Q1.
    unannounced(&mut env, "2027-01-01T00:30:00+08:00", H);
    let rows = status(
        &mut env,
        "2027-01-01T09:00:00+08:00",
        "2026-09-01",
        "2027-01-01",
    );
    let q = "unannounced_quarterly";
    expect(&rows, H, q, "2026年第3季度", ("done", 1));
    expect(&rows, H, q, "2026年第4季度", ("missed", 0));
    expect(&rows, C, q, "2026年第4季度", ("done", 1));
    expect(&rows, H, q, "2027年第1季度", ("done", 1));
    expect(&rows, C, q, "2027年第1季度", ("due", 0));
    // A full inspection is not a spot check: only C's October one counts, H has none.
    let f = "admin_full_yearly";
    expect(&rows, C, f, "2026年", ("done", 1));
    expect(&rows, H, f, "2026年", ("missed", 0));
    assert_eq!(row(&rows, C, f, "2026年")["max"], 2);
    assert!(
        row(&rows, C, f, "2026年")["source"]
            .as_str()
            .unwrap()
            .contains("一（三）")
    );
    let text = at(&mut env, "2027-01-01T09:00:00+08:00").ok(&["plan", "status"]);
    assert!(text.contains("本季度尚未四不两直抽查：1 家"), "{text}");
    // One facility, JSON rows only for it.
    let only = at(&mut env, "2027-01-01T09:00:00+08:00").json(&["plan", "status", "--facility", C]);
    assert!(only.as_array().unwrap().iter().all(|r| r["facility"] == C));
}

#[test]
fn bad_rules_files_and_ranges_are_named_and_the_built_in_rules_go_on() {
    let mut env = setup();
    std::fs::create_dir_all(env.config()).unwrap();
    std::fs::write(
        env.config().join("frequency.toml"),
        "[[rule]]\nid = \"x\"\nname = \"夜巡\"\nactivity = \"night_patrol\"\nperiod = \"fortnight\"\nmin = 2\nsource = \"自定\"\n",
    )
    .unwrap();
    let out = at(&mut env, "2026-12-31T22:30:00+08:00").run(&["plan", "rules"]);
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("frequency.toml 第 5 行") && err.contains("fortnight"),
        "{err}"
    );
    let rules = env.json(&["plan", "rules"]);
    assert_eq!(rules.as_array().unwrap().len(), 7, "the built-in rules");
    // A valid override replaces them.
    std::fs::write(
        env.config().join("frequency.toml"),
        "[[rule]]\nid = \"x\"\nname = \"夜巡\"\nactivity = \"night_patrol\"\nperiod = \"night\"\nmin = 3\nsource = \"本院制度\"\n",
    )
    .unwrap();
    let rules = env.json(&["plan", "rules"]);
    assert_eq!(rules.as_array().unwrap().len(), 1);
    let e = env.fails(&[
        "plan",
        "status",
        "--from",
        "2026-01-01",
        "--to",
        "2027-06-01",
    ]);
    assert!(e.contains("最多 400 天"), "{e}");
    let e = env.fails(&["plan", "status", "--from", "2026-13-01"]);
    assert!(e.contains("--from") && e.contains("2026-13-01"), "{e}");
    let e = env.fails(&[
        "inspection",
        "start",
        "--facility",
        H,
        "--mode",
        "self",
        "--inspector",
        "张",
        "--line",
        "fire",
        "--leader",
        "院长",
    ]);
    assert!(e.contains("--leader") && e.contains("main_leader"), "{e}");
}

#[test]
fn the_built_in_rules_parse_and_quote_seed_003() {
    // The two clauses of seed 003 (郑卫信安〔2019〕4号) the rules come from, verbatim; checked
    // against the seed file itself where the shared folder is beside the repo.
    let seed = format!("{CLAUSE_1_3}\n{CLAUSE_4_17}");
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for up in ["../shared/seeds", "../../shared/seeds"] {
        let file = manifest.join(up).join("003_745b9651742a3176.txt");
        if let Ok(text) = std::fs::read_to_string(&file) {
            assert!(
                text.contains(CLAUSE_1_3) && text.contains(CLAUSE_4_17),
                "{file:?}"
            );
        }
    }
    let env = Env::new();
    let rules = env.json(&["plan", "rules"]);
    assert_eq!(rules.as_array().unwrap().len(), 7);
    for r in rules.as_array().unwrap() {
        let src = r["source"].as_str().unwrap();
        // The quoted words are the seed's own (the first quoted phrase, up to an ellipsis).
        let quoted = src
            .split('“')
            .nth(1)
            .unwrap()
            .split(['”', '…'])
            .next()
            .unwrap();
        let quoted = quoted.replace('‘', "“").replace('’', "”");
        assert!(
            seed.contains(quoted.as_str()),
            "{} quotes words not in seed 003: {quoted}",
            r["id"]
        );
    }
}

/// Seed 003, 一（三）夯实行政单位监管责任, as printed.
const CLAUSE_1_3: &str = "健全完善卫生健康行政单位安全情况通报、会商研判、联合检查机制。严格按照《消防安全责任制实施办法》依法履行消防职责，强化源头管控和整改落实，加强组织协调和联动配合，结合本部门职责为消防工作提供强有力的支持和保障。深化系统内消防安全标准化管理示范建设，年底组织抽查验收，不断提升消防安全管理水平，建立落实消防工作常态化督导机制。按照“管行业必须管安全、管业务必须管安全、管生产必须管安全”的要求，行政管理单位每年组织1-2次全面检查，每季度按照“四不两直”方式至少进行1次抽查，主动发现问题，及时督促整改。强化系统消防安全培训，组织专家定期上门指导，培育系统消防工作“明白人”，推动各级机构开展针对性火灾隐患排查整治，时刻保持安全生产和消防工作高压态势。";

/// Seed 003, 四（十七）检查制度, as printed.
const CLAUSE_4_17: &str = "安全生产和消防工作检查采取“四不两直”（不发通知、不打招呼、不听汇报、不陪同接待、直奔基层、直插现场）方式进行。全市卫生健康系统每年至少组织开展2次上级对下级的安全生产检查督导，特殊情况或特殊时期实行随时检查；各单位要加强安全生产督导自检工作，党政主要领导每年至少1次、分管领导每月至少1次带队检查，每次检查都要建立台账，形成书面报告。医院对重点部位夜间防火巡查至少进行2次，管理人员每日对重点部位至少巡查1次。";

#[test]
fn inspections_under_a_merged_spelling_or_spaced_name_count_once_each() {
    let mut env = setup();
    // Records typed 市一院 belong to H once that entry is merged into it; a name typed with
    // spaces is H's.
    at(&mut env, "2026-10-01T08:00:00+08:00").ok(&["facility", "add", "市一院"]);
    env.ok(&["facility", "merge", H, "市一院"]);
    unannounced(&mut env, "2026-10-10T10:00:00+08:00", "市一院");
    unannounced(&mut env, "2026-11-10T10:00:00+08:00", "市第一 人民医院");
    let rows = status(
        &mut env,
        "2026-12-01T09:00:00+08:00",
        "2026-12-01",
        "2026-12-01",
    );
    let q = "unannounced_quarterly";
    expect(&rows, H, q, "2026年第4季度", ("done", 2));
    expect(&rows, C, q, "2026年第4季度", ("due", 0));
}
