//! Rules of frequency (issue 16 point 4): how often seed 003 wants each facility patrolled and
//! inspected, read from `data/frequency.toml` (overridable), and the pure evaluation of what is
//! done, due and missed per facility, rule and period.

use super::facility::name_key;
use super::kinds::{ParseError, word_enum};
use super::{Facility, FacilityKind, Mode, Now, PatrolVisit, Stamp};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

word_enum!(
    /// Who led an inspection (seed 003 四（十七）: 党政主要领导, 分管领导 lead inspections; the
    /// upper level inspects lower units; 一（三）: the administrative unit inspects).
    LeaderRole, "带队", {
        MainLeader => "main_leader", "主要领导";
        DeputyLeader => "deputy_leader", "分管领导";
        Superior => "superior", "上级督导";
        Administrative => "administrative", "行政检查";
    }
);

/// What a rule counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    /// Night patrols (夜间防火巡查) that visited each key site.
    NightPatrol,
    /// Day patrols that visited each key site.
    DayPatrol,
    /// Inspections of the facility (filtered by leader role and mode).
    Inspection,
}

/// The period a rule's count runs over, in the local calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// The night of a date: 12:00 that day to 12:00 the next.
    Night,
    Day,
    Month,
    Quarter,
    Year,
}

/// One rule of frequency, as written in the TOML file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable id (`night_fire_patrol`).
    pub id: String,
    /// What people read ("重点部位夜间防火巡查").
    pub name: String,
    /// The short name of the home panel ("夜间巡查", "四不两直抽查"); empty: `name`.
    #[serde(default)]
    pub short: String,
    /// Facility types the rule applies to; empty: every facility.
    #[serde(default)]
    pub facility_types: Vec<FacilityKind>,
    pub activity: Activity,
    /// Only inspections led by this role count.
    #[serde(default)]
    pub leader: Option<LeaderRole>,
    /// Only inspections in this mode count (四不两直: `unannounced`).
    #[serde(default)]
    pub mode: Option<Mode>,
    /// Inspections in this mode do not count (a full inspection is not a spot check).
    #[serde(default)]
    pub not_mode: Option<Mode>,
    pub period: Period,
    /// At least this many per period (per key site for patrols).
    pub min: u32,
    /// At most this many are asked for (shown as "1–2").
    #[serde(default)]
    pub max: Option<u32>,
    /// The clause the rule comes from, quoted.
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    rule: Vec<Rule>,
}

/// A rule file that cannot be used: the file, the line and why, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("频次规则文件 {file} 第 {line} 行：{message}")]
pub struct RulesError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// Parses a rule file. Refused whole (naming file and line) when it is not TOML of the shape
/// above, names an unknown field, word or type, repeats an id, or asks for `min` 0 or above
/// `max`, or for more than 1000 rules.
pub fn parse_rules(text: &str, file: &str) -> Result<Vec<Rule>, RulesError> {
    let line_at = |pos: usize| text[..pos.min(text.len())].matches('\n').count() + 1;
    let err = |line: usize, message: String| RulesError {
        file: file.to_string(),
        line,
        message,
    };
    let parsed: RulesFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_at(s.start)).unwrap_or(1);
        err(line, e.message().trim().to_string())
    })?;
    // Lines of each `[[rule]]` header, to name the rule a value problem is in.
    let heads: Vec<usize> = text
        .match_indices("[[rule]]")
        .map(|(i, _)| line_at(i))
        .collect();
    if parsed.rule.len() > 1000 {
        return Err(err(1, "规则过多（最多 1000 条）".into()));
    }
    let mut ids = std::collections::BTreeSet::new();
    for (i, r) in parsed.rule.iter().enumerate() {
        let line = heads.get(i).copied().unwrap_or(1);
        if r.id.trim().is_empty() || r.name.trim().is_empty() || r.source.trim().is_empty() {
            return Err(err(line, "id、name、source 都不能为空".into()));
        }
        if !ids.insert(r.id.clone()) {
            return Err(err(line, format!("规则编号「{}」重复", r.id)));
        }
        if r.min == 0 || r.min > 1000 {
            return Err(err(
                line,
                format!("min 应在 1 到 1000 之间，而不是 {}", r.min),
            ));
        }
        if r.max.is_some_and(|m| m < r.min) {
            return Err(err(line, "max 小于 min".into()));
        }
        if r.activity != Activity::Inspection && (r.leader.is_some() || r.mode.is_some()) {
            return Err(err(
                line,
                "leader、mode 只用于检查（activity = \"inspection\"）".into(),
            ));
        }
    }
    Ok(parsed.rule)
}

/// One registered facility as the rules see it: what [`evaluate`] reads of a [`Facility`].
/// Kept by the store for the active facilities (issue 14), so the home plan panel does not
/// fold the whole registry (every facility, place and link event) on a process's first home.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanFacility {
    pub id: Uuid,
    pub name: String,
    /// Merged spellings: inspections typed with them count.
    pub aliases: Vec<String>,
    pub kind: FacilityKind,
    /// Its 重点部位, in tree order.
    pub sites: Vec<PlanSite>,
}

/// A key site of a [`PlanFacility`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSite {
    pub id: Uuid,
    pub name: String,
}

impl PlanFacility {
    pub fn of(f: &Facility) -> PlanFacility {
        PlanFacility {
            id: f.id,
            name: f.name.clone(),
            aliases: f.aliases.clone(),
            kind: f.kind,
            sites: f
                .key_sites()
                .map(|p| PlanSite {
                    id: p.id,
                    name: p.name.clone(),
                })
                .collect(),
        }
    }

    fn key_sites(&self) -> impl Iterator<Item = &PlanSite> {
        self.sites.iter()
    }
}

/// One inspection as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionMark {
    pub facility: String,
    pub at: Stamp,
    pub mode: Mode,
    pub leader: Option<LeaderRole>,
}

/// The state of one rule for one facility in one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanState {
    /// Enough were done.
    Done,
    /// Not enough yet, and the period runs.
    Due,
    /// The period ended short.
    Missed,
}

impl PlanState {
    pub fn label(self) -> &'static str {
        match self {
            PlanState::Done => "已完成",
            PlanState::Due => "待完成",
            PlanState::Missed => "未完成",
        }
    }
}

/// A key site's count in a patrol rule's period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteCount {
    pub site: String,
    pub done: u32,
}

/// One row of `plan status`: a facility, a rule, a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRow {
    pub facility_id: Uuid,
    pub facility: String,
    pub rule: String,
    pub rule_name: String,
    /// "2026-11-22 夜间", "2026-11", "2026年第4季度", "2026年".
    pub period: String,
    /// First and last date of the period (a night ends the next morning).
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub required: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
    /// Done in the period (for patrols: the least visited key site's count).
    pub done: u32,
    pub state: PlanState,
    pub state_label: String,
    /// Patrol rules: each key site's count.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sites: Vec<SiteCount>,
    pub source: String,
}

/// The local time of a stamp: the writer's wall clock when recorded, else `now`'s offset.
fn local(at: Stamp, now: &Now) -> NaiveDateTime {
    at.local_or(now.0.offset()).naive_local()
}

fn quarter_start(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.year(), (d.month0() / 3) * 3 + 1, 1).unwrap_or(d)
}

fn add_months(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_months(chrono::Months::new(n)).unwrap_or(d)
}

/// The periods of a kind that overlap `[from, to]` and have begun by `now`: (label, first
/// date, start, end) with `end` exclusive, local time. Nights count by the day they begin
/// (12:00 to 12:00), plus the night begun the day before `from` while it is still on.
fn periods(
    p: Period,
    from: NaiveDate,
    to: NaiveDate,
    now: NaiveDateTime,
) -> Vec<(String, NaiveDate, NaiveDateTime, NaiveDateTime)> {
    let at =
        |d: NaiveDate, h: u32| d.and_time(NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default());
    let mut out = Vec::new();
    let mut d = match p {
        // Nights go by the date they begin, but the one that began the day before `from` and
        // is still on (until noon) is listed too: at 02:00 it is the night being patrolled.
        Period::Night => from - Duration::days(1),
        Period::Day => from,
        Period::Month => from.with_day(1).unwrap_or(from),
        Period::Quarter => quarter_start(from),
        Period::Year => NaiveDate::from_ymd_opt(from.year(), 1, 1).unwrap_or(from),
    };
    while d <= to {
        let (label, start, next) = match p {
            Period::Night => (format!("{d} 夜间"), at(d, 12), d + Duration::days(1)),
            Period::Day => (d.to_string(), at(d, 0), d + Duration::days(1)),
            Period::Month => (d.format("%Y-%m").to_string(), at(d, 0), add_months(d, 1)),
            Period::Quarter => (
                format!("{}年第{}季度", d.year(), d.month0() / 3 + 1),
                at(d, 0),
                add_months(d, 3),
            ),
            Period::Year => (format!("{}年", d.year()), at(d, 0), add_months(d, 12)),
        };
        let end = match p {
            Period::Night => at(next, 12),
            _ => at(next, 0),
        };
        let running_from_the_day_before = p == Period::Night && d < from;
        if start <= now && (!running_from_the_day_before || end > now) {
            out.push((label, d, start, end));
        }
        if next <= d {
            break;
        }
        d = next;
    }
    out
}

/// The most days `plan status` evaluates at once.
pub const MAX_PLAN_DAYS: i64 = 400;

/// The span of local time the patrol rules' periods over `[from, to]` cover (first start,
/// last end), periods that have not begun by `now` left out; None when no patrol rule has one.
/// Only visits in it can count in [`evaluate`], so a caller reads no others.
pub fn patrol_window(
    rules: &[Rule],
    from: NaiveDate,
    to: NaiveDate,
    now: &Now,
) -> Option<(NaiveDateTime, NaiveDateTime)> {
    let now_local = now.0.naive_local();
    rules
        .iter()
        .filter(|r| r.activity != Activity::Inspection)
        .flat_map(|r| periods(r.period, from, to, now_local))
        .map(|(_, _, start, end)| (start, end))
        .reduce(|(s1, e1), (s2, e2)| (s1.min(s2), e1.max(e2)))
}

/// Evaluates every rule that applies to each facility over `[from, to]` (local dates),
/// periods that have not begun by `now` left out. Patrol rules count, per key site, the
/// patrols of that kind that visited it in the period (a facility with no key site has no
/// patrol rows), from `visits`: at least every visit of a held patrol in [`patrol_window`]
/// (more change nothing). Inspection rules count the inspections of the facility (its name or
/// a merged spelling) started in the period with the rule's leader and mode.
pub fn evaluate(
    rules: &[Rule],
    facilities: &[PlanFacility],
    visits: &[PatrolVisit],
    inspections: &[InspectionMark],
    from: NaiveDate,
    to: NaiveDate,
    now: &Now,
) -> Vec<PlanRow> {
    let now_local = now.0.naive_local();
    // The inspections of each spelling, keyed once: matching every inspection's name against
    // every facility, rule and period took seconds at 100,000 hazards (issue 14).
    let mut by_name: HashMap<String, Vec<&InspectionMark>> = HashMap::new();
    for i in inspections {
        by_name.entry(name_key(&i.facility)).or_default().push(i);
    }
    let mut visits_of: HashMap<Uuid, Vec<&PatrolVisit>> = HashMap::new();
    for v in visits {
        visits_of.entry(v.facility_id).or_default().push(v);
    }
    let mut rows = Vec::new();
    for f in facilities {
        let visits = visits_of.get(&f.id).map_or(&[][..], Vec::as_slice);
        let mut keys: Vec<String> = std::iter::once(&f.name)
            .chain(&f.aliases)
            .map(|n| name_key(n))
            .collect();
        keys.sort();
        keys.dedup();
        let visited: Vec<&InspectionMark> = keys
            .iter()
            .filter_map(|k| by_name.get(k))
            .flatten()
            .copied()
            .collect();
        for r in rules {
            if !r.facility_types.is_empty() && !r.facility_types.contains(&f.kind) {
                continue;
            }
            let sites: Vec<_> = f.key_sites().collect();
            if r.activity != Activity::Inspection && sites.is_empty() {
                continue;
            }
            for (label, first, start, end) in periods(r.period, from, to, now_local) {
                let within = |at: Stamp| {
                    let t = local(at, now);
                    t >= start && t < end
                };
                let (done, site_counts) = match r.activity {
                    Activity::NightPatrol | Activity::DayPatrol => {
                        let night = r.activity == Activity::NightPatrol;
                        // The patrols of this kind with a visit of the site in the period,
                        // each once however often it visited.
                        let counts: Vec<SiteCount> = sites
                            .iter()
                            .map(|s| {
                                let mut by: Vec<Uuid> = visits
                                    .iter()
                                    .filter(|v| v.night == night && v.place_id == s.id)
                                    .filter(|v| within(v.at))
                                    .map(|v| v.patrol_id)
                                    .collect();
                                by.sort_unstable();
                                by.dedup();
                                SiteCount {
                                    site: s.name.clone(),
                                    done: by.len() as u32,
                                }
                            })
                            .collect();
                        (counts.iter().map(|c| c.done).min().unwrap_or(0), counts)
                    }
                    Activity::Inspection => {
                        let n = visited
                            .iter()
                            .filter(|i| within(i.at))
                            .filter(|i| r.leader.is_none() || i.leader == r.leader)
                            .filter(|i| r.mode.is_none_or(|m| i.mode == m))
                            .filter(|i| r.not_mode.is_none_or(|m| i.mode != m))
                            .count() as u32;
                        (n, vec![])
                    }
                };
                let state = if done >= r.min {
                    PlanState::Done
                } else if end <= now_local {
                    PlanState::Missed
                } else {
                    PlanState::Due
                };
                let last = (end - Duration::seconds(1)).date();
                rows.push(PlanRow {
                    facility_id: f.id,
                    facility: f.name.clone(),
                    rule: r.id.clone(),
                    rule_name: r.name.clone(),
                    period: label,
                    from: first,
                    to: last,
                    required: r.min,
                    max: r.max,
                    done,
                    state,
                    state_label: state.label().to_string(),
                    sites: site_counts,
                    source: r.source.clone(),
                });
            }
        }
    }
    rows
}

/// The lines of the home panel for `now`, from rows of the current periods: each rule with
/// facilities short ("本季度尚未四不两直抽查：7 家") and each key site short of tonight's or
/// today's patrols ("今晚 氧气储瓶间 夜间巡查 1/2").
pub fn panel_lines(rules: &[Rule], rows: &[PlanRow], now: &Now) -> Vec<String> {
    let today = now.today();
    let night_of = (now.0.naive_local() - Duration::hours(12)).date();
    let mut out = Vec::new();
    let mut patrol_lines = Vec::new();
    let current = |r: &&PlanRow| {
        let now_in = if r.period.ends_with("夜间") {
            r.from == night_of
        } else {
            r.from <= today && today <= r.to
        };
        now_in && r.state != PlanState::Done
    };
    for rule in rules {
        let short: Vec<&PlanRow> = rows
            .iter()
            .filter(|r| r.rule == rule.id)
            .filter(current)
            .collect();
        if short.is_empty() {
            continue;
        }
        let name = if rule.short.is_empty() {
            &rule.name
        } else {
            &rule.short
        };
        match rule.activity {
            Activity::NightPatrol | Activity::DayPatrol => {
                let when = match rule.activity {
                    Activity::NightPatrol if night_of < today => "昨晚",
                    Activity::NightPatrol => "今晚",
                    _ => "今日",
                };
                for r in short {
                    // Sites with the same count share a line: "厨房等 7 处".
                    let mut groups: Vec<(u32, Vec<&str>)> = Vec::new();
                    for s in r.sites.iter().filter(|s| s.done < r.required) {
                        match groups.iter_mut().find(|(d, _)| *d == s.done) {
                            Some((_, names)) => names.push(&s.site),
                            None => groups.push((s.done, vec![&s.site])),
                        }
                    }
                    for (done, names) in groups {
                        let sites = match names.as_slice() {
                            [one] => one.to_string(),
                            many => format!("{}等 {} 处", many[0], many.len()),
                        };
                        patrol_lines.push(format!(
                            "{when} {sites} {name} {done}/{}（{}）",
                            r.required, r.facility
                        ));
                    }
                }
            }
            Activity::Inspection => {
                let span = match rule.period {
                    Period::Night | Period::Day => "今日",
                    Period::Month => "本月",
                    Period::Quarter => "本季度",
                    Period::Year => "本年度",
                };
                out.push(format!("{span}尚未{name}：{} 家", short.len()));
            }
        }
    }
    // The office-wide lines first, then each facility's patrols.
    out.extend(patrol_lines);
    out
}
