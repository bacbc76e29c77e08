//! Realistic demo data: N findings over ~200 facilities and three years, every line, every
//! lifecycle state, some overdue and escalated. Deterministic for a given scale and "now".

use super::{Ctx, Result};
use crate::catalog::Item;
use crate::domain::{Answer, Entity, Escalation, Mode, Payload, Severity};
use chrono::{Datelike, Duration};
use serde::Serialize;
use std::collections::HashMap;
use uuid::{Timestamp, Uuid};

const DAY_MS: i64 = 86_400_000;
const BATCH: usize = 2_000;

#[derive(Debug, Clone, Serialize)]
pub struct DemoSummary {
    pub facilities: usize,
    pub inspections: usize,
    pub findings: usize,
    pub events: usize,
}

const PLACES: [&str; 20] = [
    "东城", "西城", "南湖", "北苑", "高新", "滨江", "青山", "临河", "城关", "金水", "二七", "中原",
    "惠济", "上街", "新郑", "登封", "巩义", "荥阳", "中牟", "新密",
];
const KINDS: [&str; 10] = [
    "区人民医院",
    "区中医院",
    "区妇幼保健院",
    "区疾病预防控制中心",
    "镇卫生院",
    "社区卫生服务中心",
    "第一人民医院",
    "口腔医院",
    "精神卫生中心",
    "急救中心",
];
const DEPARTMENTS: [&str; 16] = [
    "急诊科",
    "门诊部",
    "住院部",
    "检验科",
    "药剂科",
    "放射科",
    "手术室",
    "供应室",
    "后勤保障科",
    "总务科",
    "保卫科",
    "信息科",
    "发热门诊",
    "食堂",
    "设备科",
    "病理科",
];
const PEOPLE: [&str; 24] = [
    "王建国",
    "李秀英",
    "张伟",
    "刘洋",
    "陈静",
    "杨帆",
    "赵磊",
    "黄敏",
    "周杰",
    "吴婷",
    "徐强",
    "孙丽",
    "胡军",
    "朱红",
    "高峰",
    "林芳",
    "何平",
    "郭涛",
    "马超",
    "罗琳",
    "梁宇",
    "宋佳",
    "郑凯",
    "谢娜",
];
const LOCATIONS: [&str; 12] = [
    "一楼东侧走廊",
    "二楼护士站",
    "地下一层",
    "三楼库房",
    "门诊大厅",
    "住院楼楼梯间",
    "后院",
    "食堂操作间",
    "配电室",
    "锅炉房",
    "屋顶平台",
    "消毒供应中心",
];

pub fn facility_names() -> Vec<String> {
    let mut v = Vec::new();
    for p in PLACES {
        for k in KINDS {
            v.push(format!("{p}{k}"));
        }
    }
    v
}

/// Where generated actions go: `(ms, who, payload)` in the order made.
type Sink<'a> = dyn FnMut(i64, &str, Payload) + 'a;

struct Gen<'a> {
    rng: fastrand::Rng,
    sink: &'a mut Sink<'a>,
}

impl Gen<'_> {
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.rng.usize(..xs.len())]
    }
    fn id_at(&mut self, ms: i64) -> Uuid {
        let ts = Timestamp::from_unix(
            uuid::NoContext,
            (ms / 1000) as u64,
            ((ms % 1000) * 1_000_000) as u32,
        );
        let mut id = *Uuid::new_v7(ts).as_bytes();
        // Random tail from the seeded generator so runs are reproducible.
        for b in &mut id[8..] {
            *b = self.rng.u8(..);
        }
        id[8] = (id[8] & 0x3f) | 0x80;
        Uuid::from_bytes(id)
    }
    fn push(&mut self, ms: i64, who: &str, p: Payload) {
        (self.sink)(ms, who, p);
    }
}

/// What one pass of the generator tells beyond its actions.
struct Made {
    /// The generator after the inspections: the register actions draw from it next.
    rng: fastrand::Rng,
    inspections: usize,
    /// Facilities visited, in the order first visited.
    facilities: Vec<String>,
}

/// What the generator reads of the context, taken before the store is lent for writing.
struct Inputs<'a> {
    catalog: &'a crate::catalog::Catalog,
    author: &'a str,
    now_ms: i64,
    /// The local offset, in ms.
    offset_ms: i64,
    lines: Vec<String>,
    core: Vec<String>,
    /// Each line's checklist version hash, and the events recording those versions.
    versions: std::collections::BTreeMap<String, String>,
    records: Vec<Payload>,
}

/// Makes the checklist records and every inspection with its answers and hazards, in the
/// order the generator draws them (not time order), into `sink`. Before inspection i it calls
/// `before(ms)`: no action made after that has an earlier time (inspections start on
/// nondecreasing days, each after its day's midnight, and everything of one comes after its
/// start).
fn inspections(
    inp: &Inputs,
    scale: usize,
    sink: &mut Sink<'_>,
    before: &mut dyn FnMut(i64) -> Result<()>,
) -> Result<Made> {
    let now_ms = inp.now_ms;
    let start_ms = now_ms - 3 * 365 * DAY_MS;
    let offset_ms = inp.offset_ms;
    let facilities = facility_names();
    let (lines, core, versions) = (&inp.lines, &inp.core, &inp.versions);
    let mut g = Gen {
        rng: fastrand::Rng::with_seed(scale as u64 ^ 0x5eed),
        sink,
    };
    // The checklist versions the demo inspections use, recorded before the first of them.
    for p in &inp.records {
        g.push(start_ms - 60_000, inp.author, p.clone());
    }
    let n_insp = (scale / 8).max(1);
    let mut made = 0usize;
    let mut visited: Vec<String> = Vec::new();
    for i in 0..n_insp {
        let remaining = scale - made;
        let left = n_insp - i;
        let k = if left == 1 {
            remaining
        } else {
            (remaining / left + g.rng.usize(0..7))
                .saturating_sub(3)
                .min(remaining)
        };
        // Spread over three years, each visit starting in office hours (08:30–16:30 local).
        let day = start_ms + (now_ms - DAY_MS - start_ms) * i as i64 / n_insp as i64;
        let midnight = day - (day + offset_ms).rem_euclid(DAY_MS);
        before(midnight)?;
        let t = midnight + 510 * 60_000 + g.rng.i64(0..8 * 3_600_000);
        let facility = g.pick(&facilities).clone();
        if !visited.contains(&facility) {
            visited.push(facility.clone());
        }
        let mode = *g.pick(Mode::ALL);
        let a = g.pick(&PEOPLE).to_string();
        let b = g.pick(&PEOPLE).to_string();
        let mut insp_lines = vec![if i < lines.len() {
            lines[i].clone()
        } else {
            g.pick(core).clone()
        }];
        if g.rng.bool() {
            let l = g.pick(lines).clone();
            if !insp_lines.contains(&l) {
                insp_lines.push(l);
            }
        }
        let depts = vec![g.pick(&DEPARTMENTS).to_string()];
        let insp_id = g.id_at(t);
        g.push(
            t,
            &a,
            Payload::InspectionStarted {
                inspection_id: insp_id,
                facility: facility.clone(),
                departments: depts.clone(),
                mode,
                inspectors: if a == b {
                    vec![a.clone()]
                } else {
                    vec![a.clone(), b]
                },
                lines: insp_lines.clone(),
                leader: None,
                number: None,
                checklists: insp_lines
                    .iter()
                    .filter_map(|l| versions.get(l).map(|h| (l.clone(), h.clone())))
                    .collect(),
            },
        );
        let items: Vec<Item> = inp.catalog.items_of(&insp_lines).cloned().collect();
        // Distinct failing items; an item fails twice only when there are more hazards than items.
        let mut order: Vec<usize> = (0..items.len()).collect();
        g.rng.shuffle(&mut order);
        let failing: Vec<usize> = order
            .iter()
            .copied()
            .cycle()
            .take(if items.is_empty() { 0 } else { k })
            .collect();
        let recent = now_ms - t < 2 * DAY_MS && g.rng.u8(..4) == 0;
        for (n, item) in items.iter().enumerate() {
            // A few of the newest inspections are left unfinished, mid-checklist.
            if recent && n > items.len() / 2 {
                break;
            }
            let answer = if failing.contains(&n) {
                Answer::Fail
            } else if g.rng.u8(..12) == 0 {
                Answer::Na
            } else {
                Answer::Pass
            };
            g.push(
                t + n as i64 * 60_000,
                &a,
                Payload::ItemAnswered {
                    inspection_id: insp_id,
                    item_id: item.id.clone(),
                    answer,
                    note: String::new(),
                    supersedes: vec![],
                },
            );
        }
        for (j, idx) in failing.iter().enumerate() {
            let Some(item) = items.get(*idx) else {
                continue;
            };
            let ft = t + *idx as i64 * 60_000 + 30_000 + j as i64;
            finding(&mut g, ft, now_ms, insp_id, &facility, &depts[0], item, &a);
        }
        if !recent {
            g.push(
                t + items.len() as i64 * 60_000 + 120_000,
                &a,
                Payload::InspectionFinished {
                    inspection_id: insp_id,
                },
            );
        }
        made += k;
    }
    Ok(Made {
        rng: g.rng,
        inspections: n_insp,
        facilities: visited,
    })
}

/// One generated action waiting for its turn in time order: ordered by time, then by the
/// order it was made (the order a stable sort of all of them gave).
struct Pending {
    ms: i64,
    made: u64,
    who: String,
    payload: Payload,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        (self.ms, self.made) == (other.ms, other.made)
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.ms, self.made).cmp(&(other.ms, other.made))
    }
}

/// Demo data written in time order. The generator runs twice with the same seed: once to
/// learn what the register actions need (the facilities visited and the generator's state
/// after the inspections), on a thread of its own, and once to write, which waits for the
/// first only at the register actions' first day, in the last year. Actions wait in a heap
/// only until no action made later can come before them, so memory holds the hazards still
/// open, not all the events
/// (issue 14: 427 MB at 100,000 hazards when every action was made, sorted, then written).
/// The events are the ones a stable sort of every action by time gave, numbered the same.
pub fn demo(ctx: &mut Ctx, scale: usize) -> Result<DemoSummary> {
    let now_ms = ctx.now.millis();
    let lines: Vec<String> = ctx.catalog.lines.iter().map(|l| l.line.clone()).collect();
    let core = ctx
        .catalog
        .lines
        .iter()
        .filter(|l| l.core)
        .map(|l| l.line.clone())
        .collect();
    let (versions, records) = super::inspection::versions_of(ctx, &lines)?;
    let year_of = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms)
            .unwrap_or_default()
            .with_timezone(ctx.now.0.offset())
            .year()
    };
    let first_ms = now_ms - 3 * 365 * DAY_MS - DAY_MS;
    let mut numbers = super::DemoNumbers::new(ctx, year_of(first_ms)..=year_of(now_ms))?;
    let off = ctx.now.0.offset().local_minus_utc();
    let inp = Inputs {
        catalog: &ctx.catalog,
        author: &ctx.author,
        now_ms,
        offset_ms: off as i64 * 1000,
        lines,
        core,
        versions,
        records,
    };
    // The register actions are all dated from `registers_from` on, so only the events from
    // then on wait for them: the pass that learns what they need runs on a thread of its own
    // while the events before are made, signed and written.
    let registers_from = super::demo_registers::earliest(now_ms);
    let learning = |inp: &Inputs| -> Result<Vec<(i64, String, Payload)>> {
        let mut first = super::demo_registers::FirstHazards::new();
        let mut note_first = |ms: i64, _: &str, p: Payload| {
            if let Payload::FindingRecorded {
                finding_id,
                facility,
                line,
                ..
            } = p
            {
                first.entry((facility, line)).or_insert((ms, finding_id));
            }
        };
        let learned = inspections(inp, scale, &mut note_first, &mut |_| Ok(()))?;
        let mut rng = learned.rng;
        Ok(super::demo_registers::actions(
            now_ms,
            &mut rng,
            &learned.facilities,
            &first,
        ))
    };

    let heap = std::cell::RefCell::new(std::collections::BinaryHeap::new());
    // Findings and inspections with events still to come (all of one entity's are made
    // together, before any is released), by how many: once none is left, the batch
    // releasing the last has its view written with it (`SigningAside::push`).
    let opened: std::cell::RefCell<HashMap<Entity, u32>> = Default::default();
    let note_opened = |payload: &Payload| {
        if let e @ (Entity::Finding(_) | Entity::Inspection(_)) = payload.entity() {
            *opened.borrow_mut().entry(e).or_insert(0) += 1;
        }
    };
    // Register actions come after every inspection action of the same time, as they did
    // when they were made last.
    let add_registers = |registers: Vec<(i64, String, Payload)>| {
        for (i, (ms, who, payload)) in registers.into_iter().enumerate() {
            // Else it would come after events released before it was known.
            debug_assert!(ms >= registers_from, "a register event before `earliest`");
            note_opened(&payload);
            heap.borrow_mut().push(std::cmp::Reverse(Pending {
                ms,
                made: u64::MAX / 2 + i as u64,
                who,
                payload,
            }));
        }
    };
    let store = &mut ctx.store;
    let (mut events, mut findings) = (0usize, 0usize);
    // A hazard's events span the three years, so most batches touch hazards seen before:
    // their views are written once, at the end, not once per batch.
    let mut deferred = crate::store::Deferred::default();
    // Signed on a thread of their own while this one makes and writes the batches.
    let inp = &inp;
    let second = std::thread::scope(|s| {
        let mut learning = Some(s.spawn(move || learning(inp)));
        store.append_signing_aside(&mut deferred, |out| -> Result<Made> {
            let mut batch = Vec::with_capacity(BATCH);
            let mut done = Vec::new();
            let mut release = |upto: Option<i64>| -> Result<()> {
                if upto.is_none_or(|u| u > registers_from)
                    && let Some(learning) = learning.take()
                {
                    let registers = learning
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
                    add_registers(registers);
                }
                loop {
                    let next = {
                        let mut heap = heap.borrow_mut();
                        match heap.peek() {
                            Some(p) if upto.is_none_or(|u| p.0.ms < u) => heap.pop(),
                            _ => None,
                        }
                    };
                    let Some(std::cmp::Reverse(mut p)) = next else {
                        return Ok(());
                    };
                    let entity = p.payload.entity();
                    let mut opened = opened.borrow_mut();
                    if let Some(n) = opened.get_mut(&entity) {
                        *n -= 1;
                        if *n == 0 {
                            opened.remove(&entity);
                            done.push(entity);
                        }
                    }
                    drop(opened);
                    numbers.number(p.ms, &mut p.payload);
                    if matches!(p.payload, Payload::FindingRecorded { .. }) {
                        findings += 1;
                    }
                    events += 1;
                    batch.push((p.who, crate::domain::Wall { ms: p.ms, off }, p.payload));
                    if batch.len() == BATCH {
                        let batch = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                        out.push(batch, std::mem::take(&mut done))?;
                    }
                }
            };
            let mut made = 0u64;
            let mut sink = |ms: i64, who: &str, payload: Payload| {
                note_opened(&payload);
                heap.borrow_mut().push(std::cmp::Reverse(Pending {
                    ms,
                    made,
                    who: who.to_string(),
                    payload,
                }));
                made += 1;
            };
            let second = inspections(inp, scale, &mut sink, &mut |upto| release(Some(upto)))?;
            release(None)?;
            out.push(batch, done)?;
            Ok(second)
        })
    })?;
    store.finish_views(&mut deferred)?;
    store.flush()?;
    Ok(DemoSummary {
        facilities: second.facilities.len(),
        inspections: second.inspections,
        findings,
        events,
    })
}

#[allow(clippy::too_many_arguments)]
fn finding(
    g: &mut Gen,
    t: i64,
    now_ms: i64,
    insp: Uuid,
    facility: &str,
    dept: &str,
    item: &Item,
    who: &str,
) {
    let id = g.id_at(t);
    let severity = if g.rng.u8(..10) == 0 {
        if item.severity == Severity::Major {
            Severity::General
        } else {
            Severity::Major
        }
    } else {
        item.severity
    };
    let fixed = g.rng.u8(..5) == 0;
    let days = severity.default_days() + g.rng.i64(-3..10);
    let found = chrono::DateTime::from_timestamp_millis(t)
        .unwrap_or_default()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset"))
        .date_naive();
    let due = found + Duration::days(days);
    let responsible = format!("{} {}", g.pick(&DEPARTMENTS), g.pick(&PEOPLE));
    let location = g.pick(&LOCATIONS).to_string();
    g.push(
        t,
        who,
        Payload::FindingRecorded {
            finding_id: id,
            inspection_id: Some(insp),
            facility: facility.to_string(),
            department: dept.to_string(),
            location,
            line: item.line.clone(),
            item_id: Some(item.id.clone()),
            description: item.hazard.clone(),
            severity,
            measures: item.measures.clone(),
            due: if fixed { None } else { Some(due) },
            responsible: responsible.clone(),
            fixed_on_spot: fixed,
            number: None,
            category: String::new(),
            interim: String::new(),
            funds: String::new(),
        },
    );
    if fixed {
        return;
    }
    let due_ms = t + days * DAY_MS;
    let officer = g.pick(&PEOPLE).to_string();
    // One in twelve is never rectified: it goes overdue and up the 四书 ladder.
    if g.rng.u8(..12) == 0 {
        for (after, level) in [
            (3, Escalation::Notice),
            (17, Escalation::Interview),
            (40, Escalation::Referral),
        ] {
            let at = due_ms + (after + 1) * DAY_MS;
            if at < now_ms && g.rng.u8(..4) != 0 {
                g.push(
                    at,
                    &officer,
                    Payload::Escalated {
                        finding_id: id,
                        level,
                        note: format!("逾期未整改，发出{}", level.label()),
                        issued: None,
                        // Each book sets its own deadline, ten days on.
                        due: chrono::DateTime::from_timestamp_millis(at + 10 * DAY_MS)
                            .map(|d| d.date_naive()),
                        after: vec![],
                    },
                );
            } else {
                break;
            }
        }
        return;
    }
    let mut rt = t + g.rng.i64(1..(days + 10).max(2)) * DAY_MS;
    let mut rounds = 0;
    while rt < now_ms && rounds < 3 {
        rounds += 1;
        g.push(
            rt,
            &responsible,
            Payload::Rectified {
                finding_id: id,
                note: "已按整改措施完成整改".into(),
                completed_on: None,
                after: vec![],
                reported_by: None,
            },
        );
        // Most are verified within a week; some wait weeks for the office to come back.
        let wait = if g.rng.u8(..6) == 0 {
            g.rng.i64(14..90)
        } else {
            g.rng.i64(1..8)
        };
        let vt = rt + wait * DAY_MS;
        if vt >= now_ms {
            return;
        }
        let passed = g.rng.u8(..8) != 0 || rounds == 3;
        let note = if passed {
            "复查合格".to_string()
        } else {
            "整改不彻底，仍有隐患".to_string()
        };
        g.push(
            vt,
            &officer,
            Payload::Verified {
                finding_id: id,
                passed,
                note,
                verifier: None,
                after: vec![],
            },
        );
        if passed {
            return;
        }
        rt = vt + g.rng.i64(1..10) * DAY_MS;
    }
}

/// `xuncha demo`: fills an empty store with demo data and marks it as a demo store for good
/// (its device id carries the demo mark, see `store::is_demo_device`), so its events are
/// refused by every sync, on export here and on import anywhere else.
///
/// Errors: `Invalid { field: "数据目录" }` when the store holds anything (a finding, an
/// inspection, another device's events), demo or not; nothing is written then.
pub fn demo_store(ctx: &mut Ctx, scale: usize) -> Result<DemoSummary> {
    if ctx.store.holds_anything()? {
        return Err(super::OpsError::invalid(
            "数据目录",
            format!(
                "{} 里已有数据；演示数据只生成在新的空数据目录里，例如：xuncha --data-dir /tmp/xuncha-demo demo",
                ctx.store.dir().display()
            ),
        ));
    }
    ctx.store.become_demo()?;
    let summary = demo(ctx, scale)?;
    super::demo_registry::seed(ctx)?;
    // The numbers the demo gave, counted once here: else the first hazard recorded after it
    // reads every demo event (3 s at 100,000 hazards).
    ctx.store.count_own_numbers()?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use crate::domain::{Payload, Series};
    use std::collections::BTreeMap;

    /// The demo writes as a device would have: its events in time order, each series of
    /// numbers counted 1, 2, 3 … per year in that order, every escalation with its document.
    #[test]
    fn the_streamed_demo_is_in_time_order_and_numbered_in_that_order() {
        let (_dir, ctx) = crate::ops::test_support::demo_ctx(400);
        let device = ctx.store.device_id();
        let records = ctx.store.records(device, 1, u64::MAX).unwrap();
        assert!(records.len() > 2_000, "{}", records.len());
        let mut last_ms = i64::MIN;
        let mut next: BTreeMap<(Series, i32), u32> = BTreeMap::new();
        let (mut findings, mut escalations) = (0, 0);
        for r in &records {
            let b = r.body().unwrap();
            let ms = b.wall.expect("the demo records its wall clock").ms;
            assert!(ms >= last_ms, "event {} goes back in time", b.seq);
            last_ms = ms;
            let mut numbered = |n: &crate::domain::Number| {
                let want = next.entry((n.series, n.year)).or_insert(1);
                assert_eq!(n.seq, *want, "{}", n.code());
                *want += 1;
            };
            match &b.payload {
                Payload::FindingRecorded { number, .. } => {
                    findings += 1;
                    numbered(number.as_ref().expect("numbered"));
                }
                Payload::InspectionStarted { number, .. } => {
                    numbered(number.as_ref().expect("numbered"));
                }
                Payload::Escalated { issued, .. } => {
                    escalations += 1;
                    numbered(&issued.as_ref().expect("a document").number);
                }
                _ => {}
            }
        }
        assert_eq!(findings, 400);
        assert!(escalations > 0);
        // Views written as entities were done, the rest at the end: as a rebuild folds them.
        assert!(ctx.store.check().unwrap().is_clean());
    }

    /// The demo's events are the same, event for event, as those the version before the
    /// signing pipeline wrote (issue 14): a digest of every body without what differs from
    /// one store to another (the device id, the chain hashes and signatures, which follow
    /// from its key; the device's code in numbers; the random bits uuid v7 ids carry beside
    /// their time; the device statement's host name), beside the bodies' count. The chain is
    /// checked by `doctor` (tests/it). Changes only when the generator is meant to change.
    #[test]
    fn the_demo_writes_the_same_events_as_before() {
        use sha2::{Digest, Sha256};
        // Several of the demo's batches (2,000 events each).
        let (_dir, ctx) = crate::ops::test_support::demo_ctx(1_000);
        let device = ctx.store.device_id();
        let records = ctx.store.records(device, 1, u64::MAX).unwrap();
        let mut digest = Sha256::new();
        let mut code: Option<String> = None;
        for (i, r) in records.iter().enumerate() {
            let b = r.body().unwrap();
            assert_eq!(b.seq, i as u64 + 1);
            let payload = match &b.payload {
                Payload::DeviceDescribed { inspector, .. } => {
                    serde_json::json!({ "described": inspector })
                }
                p => serde_json::to_value(p).unwrap(),
            };
            let v = serde_json::json!([b.seq, b.hlc, b.author, payload, b.wall]);
            let json = v.to_string();
            // The device's code (in each number) is the same in all of them.
            if code.is_none()
                && let Some(at) = json.find("\"device\":\"")
            {
                let tail = &json[at + 10..];
                code = Some(tail[..tail.find('"').unwrap()].to_string());
            }
            let json = match &code {
                Some(c) => json.replace(c.as_str(), "_"),
                None => json,
            };
            digest.update(random_bits_blanked(&json));
        }
        let digest = hex::encode(digest.finalize());
        assert_eq!(
            (records.len(), digest.as_str()),
            (
                6448,
                "c0cffe930f7ed10ba3a44b95d87d44a8b5ca677bf350823ca4e7c089298a62a9"
            )
        );
    }

    /// `json` with each uuid's random bits beside its time (`xxxxxxxx-xxxx-7RRR-`) blanked.
    fn random_bits_blanked(json: &str) -> Vec<u8> {
        let mut b = json.as_bytes().to_vec();
        let hexd = |c: u8| c.is_ascii_hexdigit();
        for i in 0..b.len().saturating_sub(19) {
            let w = &b[i..i + 19];
            if w[8] == b'-' && w[13] == b'-' && w[18] == b'-' && w[..8].iter().all(|&c| hexd(c)) {
                b[i + 15..i + 18].copy_from_slice(b"RRR");
            }
        }
        b
    }
}
