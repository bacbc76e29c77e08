//! Search relevance on the real built-in checklists plus findings recorded through `ops`:
//! a table of queries (Chinese, full pinyin, initials, mixed, typos, filters) covering all
//! seven lines, each with the result a user expects near the top.

use chrono::DateTime;
use uuid::Uuid;
use xuncha::catalog::Catalog;
use xuncha::domain::{Now, Status};
use xuncha::ops::{self, Ctx, NewFinding, NewInspection};
use xuncha::search::{Hit, Index, Target, Tier, cell_ranges};
use xuncha::store::Store;

fn at(date: &str) -> Now {
    Now(DateTime::parse_from_rfc3339(&format!("{date}T10:00:00+08:00")).unwrap())
}

struct World {
    ctx: Ctx,
    _dir: tempfile::TempDir,
    /// Findings by a short name used in the table.
    f: std::collections::HashMap<&'static str, Uuid>,
}

struct Spec {
    name: &'static str,
    day: &'static str,
    facility: &'static str,
    line: &'static str,
    item: Option<&'static str>,
    description: &'static str,
    location: &'static str,
    due: &'static str,
    responsible: &'static str,
}

const SPECS: [Spec; 11] = [
    spec(
        "overdue_ext",
        "2026-10-01",
        "东城区人民医院",
        "fire",
        Some("fire.extinguisher"),
        "三楼护士站灭火器压力不足",
        "三楼护士站",
        "2026-10-15",
        "护理部 王建国",
    ),
    spec(
        "open_ext",
        "2026-11-10",
        "东城区人民医院",
        "fire",
        None,
        "门诊大厅灭火器过期未检",
        "门诊大厅",
        "2026-11-30",
        "总务科 张伟",
    ),
    spec(
        "closed_ext",
        "2026-06-01",
        "东城区人民医院",
        "fire",
        None,
        "灭火器箱被杂物遮挡",
        "住院部",
        "2026-06-10",
        "保卫科 刘洋",
    ),
    spec(
        "boiler",
        "2026-11-12",
        "西城区中医院",
        "key_site",
        Some("key_site.boiler-gas-alarm"),
        "燃气报警器故障未修复",
        "燃气锅炉房",
        "2026-11-26",
        "后勤保障科 陈静",
    ),
    spec(
        "power",
        "2026-11-01",
        "东城区人民医院",
        "key_site",
        None,
        "配电室堆放纸箱杂物",
        "配电室",
        "2026-11-25",
        "后勤保障科 杨帆",
    ),
    spec(
        "oxygen",
        "2026-11-15",
        "南湖区妇幼保健院",
        "hazchem",
        None,
        "氧气瓶未固定，有倾倒风险",
        "氧气储瓶间",
        "2026-11-29",
        "设备科 赵磊",
    ),
    spec(
        "ebike",
        "2026-11-16",
        "北苑社区卫生服务中心",
        "energy",
        None,
        "电动车在楼道内充电",
        "住院楼楼梯间",
        "2026-11-30",
        "总务科 李秀英",
    ),
    spec(
        "alcohol",
        "2026-11-17",
        "高新区疾病预防控制中心",
        "epidemic",
        None,
        "隔离病区喷洒酒精消毒",
        "隔离病区",
        "2026-11-24",
        "院感科 黄敏",
    ),
    spec(
        "hotwork",
        "2026-11-18",
        "东城区人民医院",
        "construction",
        None,
        "动火作业未办理审批",
        "门诊楼工地",
        "2026-11-25",
        "基建科 周杰",
    ),
    spec(
        "contract",
        "2026-11-18",
        "东城区人民医院",
        "contractor",
        None,
        "保洁外包未签订安全协议",
        "",
        "2026-12-01",
        "总务科 吴婷",
    ),
    spec(
        "retracted",
        "2026-11-18",
        "东城区人民医院",
        "fire",
        None,
        "错误登记的消火栓隐患",
        "",
        "2026-12-01",
        "",
    ),
];

#[allow(clippy::too_many_arguments)]
const fn spec(
    name: &'static str,
    day: &'static str,
    facility: &'static str,
    line: &'static str,
    item: Option<&'static str>,
    description: &'static str,
    location: &'static str,
    due: &'static str,
    responsible: &'static str,
) -> Spec {
    Spec {
        name,
        day,
        facility,
        line,
        item,
        description,
        location,
        due,
        responsible,
    }
}

const NOW: &str = "2026-11-20";

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let catalog = Catalog::builtin();
    let lines: Vec<&str> = catalog.lines.iter().map(|l| l.line.as_str()).collect();
    for line in xuncha::domain::CORE_LINES {
        assert!(
            lines.contains(&line),
            "built-in checklists lack line {line}"
        );
    }
    let mut ctx = Ctx::new(
        Store::open(dir.path()).unwrap(),
        catalog,
        at("2026-06-01"),
        "测试员",
    );
    let mut f = std::collections::HashMap::new();
    for s in &SPECS {
        ctx.now = at(s.day);
        let insp = ops::start_inspection(
            &mut ctx,
            NewInspection {
                facility: s.facility.into(),
                departments: vec![],
                mode: Some(xuncha::domain::Mode::Supervision),
                inspectors: vec!["测试员".into()],
                lines: vec![s.line.into()],
            },
        )
        .unwrap();
        let found = ops::record_finding(
            &mut ctx,
            NewFinding {
                inspection: Some(insp.id),
                item_id: s.item.map(String::from),
                line: Some(s.line.into()),
                description: s.description.into(),
                location: s.location.into(),
                due: Some(s.due.parse().unwrap()),
                responsible: s.responsible.into(),
                ..NewFinding::default()
            },
        )
        .unwrap();
        f.insert(s.name, found.id);
    }
    ctx.now = at("2026-06-05");
    ops::rectify(&mut ctx, f["closed_ext"], "已清理").unwrap();
    ops::verify(&mut ctx, f["closed_ext"], true, "复查合格").unwrap();
    ctx.now = at("2026-11-19");
    ops::rectify(&mut ctx, f["power"], "已清理杂物").unwrap();
    ops::retract(&mut ctx, f["retracted"], "登记错误").unwrap();
    ctx.now = at(NOW);
    World { ctx, _dir: dir, f }
}

fn index(w: &World) -> Index {
    Index::build(
        &w.ctx.catalog,
        w.ctx.raw_store().all_findings().map(|f| f.unwrap()),
    )
}

fn item(id: &str) -> Target {
    Target::Item(id.into())
}

fn describe(hits: &[Hit]) -> String {
    hits.iter()
        .map(|h| format!("{:?} {:?} {}", h.target, h.tier, h.title))
        .collect::<Vec<_>>()
        .join("\n  ")
}

/// (query, expected target, must be within the first N)
fn table(w: &World) -> Vec<(&'static str, Target, usize)> {
    let f = |n: &str| Target::Finding(w.f[n]);
    vec![
        // Chinese
        ("灭火器", item("fire.extinguisher"), 1),
        ("配电室", item("key_site.power-room-clear"), 3),
        ("锅炉房", item("key_site.boiler-gas-alarm"), 4),
        ("脚手架", item("construction.scaffold"), 1),
        ("含氯消毒剂", item("hazchem.chlorine-no-mix"), 3),
        ("酒精", item("epidemic.alcohol-storage"), 5),
        ("外包", item("contractor.safety-agreement"), 5),
        ("李秀英", f("ebike"), 1),
        ("动火作业", f("hotwork"), 3),
        // initials
        ("mhq", item("fire.extinguisher"), 3),
        ("pds", item("key_site.power-room-clear"), 3),
        ("yqp", item("key_site.oxygen-cylinders"), 6),
        ("gyyc", item("key_site.hbo-no-ignition"), 3),
        ("jsj", item("construction.scaffold"), 3),
        ("xfcd", item("fire.fire-lane"), 5),
        ("ddc", item("energy.ebike"), 6),
        // full pinyin, also half-typed
        ("miehuoqi", item("fire.extinguisher"), 3),
        ("miehuoq", item("fire.extinguisher"), 3),
        ("peidianshi", item("key_site.power-room-clear"), 3),
        ("jiujing", item("epidemic.alcohol-storage"), 5),
        ("waibao", item("contractor.safety-agreement"), 5),
        ("kongtiao", item("key_site.hvac-room-clear"), 3),
        ("ktjf", item("key_site.hvac-room-clear"), 3),
        // mixed
        ("gl房", item("key_site.boiler-gas-alarm"), 4),
        ("guolu房", item("key_site.boiler-gas-alarm"), 4),
        ("高yyc", item("key_site.hbo-no-ignition"), 3),
        ("yang气瓶", item("key_site.oxygen-cylinders"), 6),
        // typos (a dropped letter or char)
        ("mihuoqi", item("fire.extinguisher"), 5),
        ("peidinshi", item("key_site.power-room-clear"), 5),
        ("脚架", item("construction.scaffold"), 3),
        // filters
        ("line:fire mhq", item("fire.extinguisher"), 1),
        ("status:overdue", f("overdue_ext"), 1),
        ("status:open mhq", f("overdue_ext"), 1),
        ("status:closed 灭火器", f("closed_ext"), 1),
        ("status:rectified", f("power"), 1),
        ("facility:西城 gl房", f("boiler"), 1),
        ("line:energy ddc", f("ebike"), 3),
        ("line:epidemic jiujing", f("alcohol"), 5),
        ("line:contractor 保洁", f("contract"), 5),
    ]
}

#[test]
fn expected_results_come_first() {
    let w = world();
    let index = index(&w);
    let mut failures = Vec::new();
    let rows = table(&w);
    assert!(rows.len() >= 30);
    for (query, want, within) in rows {
        let hits = index.search(query, &w.ctx.now, 20);
        let pos = hits.iter().position(|h| h.target == want);
        if pos.is_none_or(|p| p >= within) {
            failures.push(format!(
                "「{query}」: expected {want:?} within the first {within}, got position {pos:?}:\n  {}",
                describe(&hits)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A line's Chinese name in `line:` goes through ops' one line resolver (the index takes ids).
#[test]
fn a_line_filter_by_chinese_name_goes_through_ops() {
    let mut w = world();
    let out = xuncha::ops::search(&mut w.ctx, "line:消防 灭火器", 20).unwrap();
    assert_eq!(out.error, None);
    assert_eq!(
        out.hits.first().map(|h| h.target.clone()),
        Some(item("fire.extinguisher"))
    );
    assert!(out.hits.iter().all(|h| h.line == "fire"));
    let out = xuncha::ops::search(&mut w.ctx, "line:不存在 灭火器", 20).unwrap();
    let e = out.error.expect("an unknown line is named");
    assert!(
        e.contains("没有防线「不存在」") && e.contains("fire（消防）"),
        "{e}"
    );
    assert!(out.hits.is_empty());
}

#[test]
fn every_line_is_reachable_by_its_name() {
    let w = world();
    let index = index(&w);
    for line in xuncha::domain::CORE_LINES {
        let hits = index.search(&format!("line:{line}"), &w.ctx.now, 500);
        assert!(
            hits.iter().any(|h| matches!(h.target, Target::Item(_))),
            "{line}"
        );
        assert!(
            hits.iter().all(|h| h.line == line),
            "{line}: {}",
            describe(&hits)
        );
    }
}

#[test]
fn filters_keep_only_matching_findings() {
    let w = world();
    let index = index(&w);
    let hits = index.search("status:open", &w.ctx.now, 50);
    assert!(!hits.is_empty());
    assert!(
        hits.iter().all(|h| h.status == Some(Status::Open)),
        "{}",
        describe(&hits)
    );
    let hits = index.search("status:overdue", &w.ctx.now, 50);
    assert_eq!(hits.len(), 1, "{}", describe(&hits));
    assert!(hits[0].overdue);
    let hits = index.search("facility:东城区 灭火器", &w.ctx.now, 50);
    assert_eq!(hits.len(), 3, "{}", describe(&hits));
    let hits = index.search("line:fire", &w.ctx.now, 500);
    assert!(hits.iter().all(|h| h.line == "fire"));
    assert!(
        index
            .search("status:bogus 灭火器", &w.ctx.now, 50)
            .is_empty()
    );
    assert!(index.search("line:nowhere", &w.ctx.now, 50).is_empty());
}

#[test]
fn open_and_overdue_before_closed_and_recent_before_old() {
    let w = world();
    let index = index(&w);
    let hits = index.search("灭火器", &w.ctx.now, 50);
    let pos = |n: &str| {
        hits.iter()
            .position(|h| h.target == Target::Finding(w.f[n]))
            .unwrap_or_else(|| panic!("{n} missing:\n  {}", describe(&hits)))
    };
    assert!(pos("overdue_ext") < pos("open_ext"), "overdue before open");
    assert!(pos("open_ext") < pos("closed_ext"), "open before closed");
    // The same search twice gives the same order.
    let again = index.search("灭火器", &w.ctx.now, 50);
    assert_eq!(
        hits.iter().map(|h| &h.target).collect::<Vec<_>>(),
        again.iter().map(|h| &h.target).collect::<Vec<_>>()
    );
    // Open findings matching alike (总务科 in the responsible field): the newest first.
    let hits = index.search("status:open zongwuke", &w.ctx.now, 50);
    let ids: Vec<&Target> = hits.iter().map(|h| &h.target).collect();
    assert_eq!(
        ids,
        vec![
            &Target::Finding(w.f["contract"]),
            &Target::Finding(w.f["ebike"]),
            &Target::Finding(w.f["open_ext"])
        ],
        "{}",
        describe(&hits)
    );
}

#[test]
fn direct_hits_rank_before_fuzzy_ones() {
    let w = world();
    let index = index(&w);
    let hits = index.search("灭器", &w.ctx.now, 20);
    assert!(!hits.is_empty());
    let first_fuzzy = hits.iter().position(|h| h.tier == Tier::Fuzzy);
    let last_direct = hits.iter().rposition(|h| h.tier != Tier::Fuzzy);
    if let (Some(f), Some(d)) = (first_fuzzy, last_direct) {
        assert!(d < f, "{}", describe(&hits));
    }
    assert!(index.search("qqqzzz", &w.ctx.now, 20).is_empty());
}

#[test]
fn retracted_findings_are_found_marked_and_match_no_other_status() {
    let w = world();
    let index = index(&w);
    let hits = index.search("错误登记", &w.ctx.now, 20);
    let hit = hits
        .iter()
        .find(|h| h.target == Target::Finding(w.f["retracted"]))
        .unwrap_or_else(|| panic!("found (W14): {}", describe(&hits)));
    assert!(hit.retracted && !hit.overdue);
    let open = index.search("status:open 错误登记", &w.ctx.now, 20);
    assert!(
        open.iter()
            .all(|h| h.target != Target::Finding(w.f["retracted"])),
        "{}",
        describe(&open)
    );
}

#[test]
fn the_index_follows_new_and_changed_findings() {
    let mut w = world();
    let mut index = index(&w);
    assert!(index.search("status:open xhsx", &w.ctx.now, 20).is_empty());
    let insp = ops::start_inspection(
        &mut w.ctx,
        NewInspection {
            facility: "东城区人民医院".into(),
            mode: Some(xuncha::domain::Mode::SelfCheck),
            inspectors: vec!["测试员".into()],
            lines: vec!["fire".into()],
            ..NewInspection::default()
        },
    )
    .unwrap();
    let new = ops::record_finding(
        &mut w.ctx,
        NewFinding {
            inspection: Some(insp.id),
            line: Some("fire".into()),
            description: "消火栓箱被柜子挡住".into(),
            ..NewFinding::default()
        },
    )
    .unwrap();
    index.upsert_finding(&new);
    let hits = index.search("status:open xhsx", &w.ctx.now, 20);
    assert_eq!(
        hits.first().map(|h| &h.target),
        Some(&Target::Finding(new.id)),
        "{}",
        describe(&hits)
    );
    assert_eq!(hits[0].status, Some(Status::Open));

    let fixed = ops::rectify(&mut w.ctx, new.id, "已移开柜子").unwrap();
    index.upsert_finding(&fixed);
    let hits = index.search("status:rectified xhsx", &w.ctx.now, 20);
    assert_eq!(hits.len(), 1);

    let gone = ops::retract(&mut w.ctx, new.id, "重复登记").unwrap();
    index.upsert_finding(&gone);
    assert!(
        index
            .search("status:rectified xhsx", &w.ctx.now, 20)
            .is_empty()
    );
}

#[test]
fn highlights_are_chars_and_convert_to_display_cells() {
    let w = world();
    let index = index(&w);
    let hits = index.search("facility:西城 gl房", &w.ctx.now, 5);
    let hit = &hits[0];
    assert_eq!(hit.field_text, "燃气锅炉房");
    assert_eq!(hit.field_indices, vec![2, 3, 4]);
    assert_eq!(
        cell_ranges(&hit.field_text, &hit.field_indices),
        vec![4..10]
    );
    // The location is part of the subtitle and highlighted there too.
    let marked: String = hit
        .subtitle
        .chars()
        .enumerate()
        .filter(|(i, _)| hit.subtitle_indices.contains(i))
        .map(|(_, c)| c)
        .collect();
    assert_eq!(marked, "锅炉房", "{}", hit.subtitle);

    let hits = index.search("mhq", &w.ctx.now, 1);
    let title: String = hits[0]
        .title
        .chars()
        .enumerate()
        .filter(|(i, _)| hits[0].title_indices.contains(i))
        .map(|(_, c)| c)
        .collect();
    assert_eq!(title, "灭火器");
}

/// W8 (issue 11, point 6): searching 灭火器 listed the three hazards whose description says
/// 灭火器 14th and 15th of 15, after every checklist item that mentions it anywhere (in its
/// guidance or measures). A hazard that contains the query ranks with the items whose check
/// text does: a hit in the title (check text, description, keyword) before any hit found
/// only in a lighter field.
#[test]
fn a_hazard_containing_the_query_ranks_with_the_items_that_do() {
    let w = world();
    let index = index(&w);
    let hits = index.search("灭火器", &w.ctx.now, 50);
    let in_title = |h: &Hit| h.title.contains("灭火器");
    let first_elsewhere = hits
        .iter()
        .position(|h| !in_title(h))
        .expect("some item mentions 灭火器 only in its guidance or measures");
    let last_title = hits.iter().rposition(in_title).unwrap();
    assert!(
        last_title < first_elsewhere,
        "every hit with 灭火器 in its title comes first:\n  {}",
        describe(&hits)
    );
    for n in ["overdue_ext", "open_ext", "closed_ext"] {
        let pos = hits
            .iter()
            .position(|h| h.target == Target::Finding(w.f[n]))
            .unwrap_or_else(|| panic!("{n} missing:\n  {}", describe(&hits)));
        assert!(
            pos < first_elsewhere,
            "{n} at {pos}:\n  {}",
            describe(&hits)
        );
    }
    // The item that is about 灭火器 still leads.
    assert_eq!(
        hits[0].target,
        item("fire.extinguisher"),
        "{}",
        describe(&hits)
    );
    // Two terms: the weaker term's field counts (灭火器 in the description and 门诊 in the
    // location beats an item with both only in its guidance).
    let hits = index.search("灭火器 门诊大厅", &w.ctx.now, 50);
    assert_eq!(
        hits[0].target,
        Target::Finding(w.f["open_ext"]),
        "{}",
        describe(&hits)
    );
}
