//! What a keystroke walks (issue 14): the records passing the query's filters, in rank order as
//! far as it is known before matching (group, then newest first), each with its fields copied
//! beside it, so the walk reads memory in order. Made once per set of filters and kept while
//! the user types; any change of the index drops it.
//!
//! Also the narrowing fzf does: when a search has run, the records that could still match a
//! query extending it (each earlier term a prefix of a new one, same filters) are kept, and the
//! next keystroke walks only those.

use super::index::{FieldText, Index};
use crate::domain::StatusFilter;
use chrono::NaiveDate;
use std::sync::{Arc, OnceLock};

/// The filters a plan was made for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlanKey {
    pub line: Option<u16>,
    pub status: Option<StatusFilter>,
    pub facility: Option<String>,
    /// Overdue findings form their own group: the day decides which.
    pub today: NaiveDate,
}

/// One record of the walk.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    pub slot: u32,
    /// Day found for findings, 0 for items (newest first within a group).
    pub recency: i32,
    /// Its fields are `Plan::fields[at..at + len]`.
    at: u32,
    len: u16,
}

/// The records passing a set of filters, by rank group (item, overdue, open, rectified,
/// closed), each newest first.
#[derive(Debug)]
pub(crate) struct Plan {
    pub key: PlanKey,
    pub groups: [Vec<Entry>; 5],
    /// The fields of every record of the unfiltered plan, in its walk order; a filtered plan
    /// shares them (its entries point into them), so it costs only its entries.
    fields: Arc<Vec<FieldText>>,
    /// For each group, the heaviest field weight of any record in it or a later group: no hit
    /// from there on can weigh more.
    pub heaviest: [i64; 5],
    /// Walk position of every slot (`NOT_HERE` when the filters leave it out), made on first
    /// use by a texts-first search (`sparse`).
    positions: OnceLock<Vec<u32>>,
}

/// `Plan::positions` of a slot the plan does not hold.
pub(crate) const NOT_HERE: u32 = u32::MAX;

impl Plan {
    /// A plan of the given groups of slots (each in walk order).
    pub(crate) fn new(index: &Index, key: PlanKey, slots: [Vec<u32>; 5]) -> Plan {
        let mut fields = Vec::new();
        let mut groups: [Vec<Entry>; 5] = Default::default();
        for (g, list) in slots.iter().enumerate() {
            groups[g] = list
                .iter()
                .map(|&slot| {
                    let at = fields.len() as u32;
                    let own = index.fields(slot);
                    fields.extend_from_slice(own);
                    Entry {
                        slot,
                        recency: index.recency(slot),
                        at,
                        len: own.len() as u16,
                    }
                })
                .collect();
        }
        Plan::of(key, groups, Arc::new(fields))
    }

    /// The records of `base` (an unfiltered plan) that `keep` keeps, in the same order,
    /// sharing its fields.
    pub(crate) fn filtered(base: &Plan, key: PlanKey, keep: impl Fn(u32) -> bool) -> Plan {
        let groups = std::array::from_fn(|g| {
            base.groups[g]
                .iter()
                .filter(|e| keep(e.slot))
                .copied()
                .collect()
        });
        Plan::of(key, groups, base.fields.clone())
    }

    fn of(key: PlanKey, groups: [Vec<Entry>; 5], fields: Arc<Vec<FieldText>>) -> Plan {
        let mut heaviest = [0; 5];
        let mut later = 0;
        for g in (0..5).rev() {
            for e in &groups[g] {
                for ft in &fields[e.at as usize..e.at as usize + e.len as usize] {
                    later = later.max(ft.field().weight());
                }
            }
            heaviest[g] = later;
        }
        Plan {
            key,
            groups,
            fields,
            heaviest,
            positions: OnceLock::new(),
        }
    }

    pub(crate) fn fields(&self, e: &Entry) -> &[FieldText] {
        &self.fields[e.at as usize..e.at as usize + e.len as usize]
    }

    /// Every record, as (group, position in the group), in walk order.
    pub(crate) fn everything(&self) -> Vec<Visit> {
        let mut out = Vec::with_capacity(self.len());
        for (g, list) in self.groups.iter().enumerate() {
            out.extend((0..list.len() as u32).map(|p| Visit {
                group: g as u8,
                pos: p,
            }));
        }
        out
    }

    /// How many records the plan walks.
    pub(crate) fn len(&self) -> usize {
        self.groups.iter().map(Vec::len).sum()
    }

    /// The walk position (0 = first visited) of each of `slots` slots of the index.
    pub(crate) fn positions(&self, slots: usize) -> &[u32] {
        self.positions.get_or_init(|| {
            let mut at = vec![NOT_HERE; slots];
            for (p, e) in self.groups.iter().flatten().enumerate() {
                if let Some(a) = at.get_mut(e.slot as usize) {
                    *a = p as u32;
                }
            }
            at
        })
    }

    /// The visits at the given walk positions (ascending).
    pub(crate) fn visits_at(&self, positions: impl Iterator<Item = u32>) -> Vec<Visit> {
        let mut out = Vec::new();
        let mut group = 0;
        let mut start = 0u32;
        for p in positions {
            while group < 5 && p >= start + self.groups[group].len() as u32 {
                start += self.groups[group].len() as u32;
                group += 1;
            }
            if group == 5 {
                break;
            }
            out.push(Visit {
                group: group as u8,
                pos: p - start,
            });
        }
        out
    }

    /// The walk position of each group's first record: visit (g, p) is at `starts[g] + p`.
    pub(crate) fn group_starts(&self) -> [u32; 5] {
        let mut starts = [0; 5];
        for g in 1..5 {
            starts[g] = starts[g - 1] + self.groups[g - 1].len() as u32;
        }
        starts
    }

    pub(crate) fn entry(&self, v: Visit) -> &Entry {
        &self.groups[v.group as usize][v.pos as usize]
    }

    /// Heap bytes of this plan; the shared fields are counted by the unfiltered plan only.
    pub(crate) fn bytes(&self, owns_fields: bool) -> usize {
        let fields = if owns_fields {
            self.fields.capacity() * std::mem::size_of::<FieldText>()
        } else {
            0
        };
        fields
            + self.positions.get().map_or(0, |p| p.capacity() * 4)
            + self
                .groups
                .iter()
                .map(|g| g.capacity() * std::mem::size_of::<Entry>())
                .sum::<usize>()
    }
}

/// A record to visit: its group and position there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Visit {
    pub group: u8,
    pub pos: u32,
}

/// The records that may still match any query extending the last one.
#[derive(Debug)]
pub(crate) struct Narrow {
    pub plan: Arc<Plan>,
    /// The last query's terms (normalised chars).
    pub terms: Vec<Vec<char>>,
    /// In walk order.
    pub visits: Vec<Visit>,
}

impl Narrow {
    /// Whether every record matching `terms` under `plan` is among `visits`: the same plan,
    /// and each earlier term a prefix of some new term (a text a term matches, directly or
    /// fuzzily, any prefix of it may match: see `memo`).
    pub(crate) fn covers(&self, plan: &Arc<Plan>, terms: &[Vec<char>]) -> bool {
        Arc::ptr_eq(&self.plan, plan)
            && self
                .terms
                .iter()
                .all(|old| terms.iter().any(|new| new.starts_with(old)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::doc::FindingDoc;
    use super::super::index::Target;
    use super::*;
    use crate::catalog::Catalog;
    use crate::domain::{Now, Severity, Status};
    use chrono::{DateTime, Duration};
    use std::borrow::Cow;

    /// Findings with shared and distinct texts, every status, some overdue, some with a
    /// heteronym (调) only a rare reading finds.
    fn index() -> Index {
        let mut index = Index::of_catalog(&Catalog::builtin());
        let places = ["配电室", "空调机房", "食堂后厨", "门诊楼一层", "Sensor 室"];
        let texts = [
            "消防通道堆放杂物",
            "灭火器压力不足",
            "空调外机支架锈蚀",
            "食堂燃气管道未固定",
            "stat 监测仪未校准",
            "配电室门口堆放纸箱",
            "安全出口指示灯损坏",
        ];
        let start = DateTime::parse_from_rfc3339("2026-01-05T09:00:00+08:00").expect("date");
        for n in 0..400u32 {
            let status = Status::ALL[n as usize % Status::ALL.len()];
            index.upsert_doc(&FindingDoc {
                id: uuid::Uuid::from_u128(n as u128 + 1),
                facility: Cow::Owned(format!("第{}人民医院", n % 7)),
                department: Cow::Borrowed("总务科"),
                location: Cow::Borrowed(places[n as usize % places.len()]),
                line: Cow::Borrowed("fire"),
                description: Cow::Owned(format!("{}（{n}号）", texts[n as usize % texts.len()])),
                severity: Severity::ALL[n as usize % Severity::ALL.len()],
                status,
                due: Some((start + Duration::days(n as i64)).date_naive()),
                measures: Cow::Owned(format!("立即整改，{}日内完成", n % 13)),
                responsible: Cow::Borrowed("后勤保障部 张三"),
                created_at: (start + Duration::days(n as i64 / 2)).to_utc(),
                retracted: n % 37 == 0,
            });
        }
        index
    }

    fn page(index: &Index, query: &str, now: &Now) -> Vec<(Target, String, i64)> {
        index
            .search(query, now, 20)
            .into_iter()
            .map(|h| (h.target, format!("{:?}", h.tier), h.score))
            .collect()
    }

    #[test]
    fn typing_on_gives_at_every_keystroke_what_a_fresh_index_gives() {
        let now = Now(DateTime::parse_from_rfc3339("2026-11-22T09:00:00+08:00").expect("now"));
        let typed = index();
        let mut fresh = index();
        let queries = [
            "stat",
            "xiaofangtongdao dui",
            "pdsmk",
            "zzj",
            "shitang",
            "kongtiao",
            "kongt",
            "xiaofangtongdao",
            "配电室 line",
            "status:overdue yqp",
            "gl房",
            "mhq",
            "灭火器压力不足",
            "zongwuke",
            "status:open 配电",
        ];
        for q in queries {
            let chars: Vec<char> = q.chars().collect();
            for k in 1..=chars.len() {
                let prefix: String = chars[..k].iter().collect();
                fresh.changed();
                let want = page(&fresh, &prefix, &now);
                assert_eq!(
                    page(&typed, &prefix, &now),
                    want,
                    "「{prefix}」 typed on differs from a fresh search"
                );
                // The texts-first way finds what the walk over every record finds.
                fresh.changed();
                super::super::sparse::WALK_ONLY.with(|w| w.set(true));
                let walked = page(&fresh, &prefix, &now);
                super::super::sparse::WALK_ONLY.with(|w| w.set(false));
                assert_eq!(
                    walked, want,
                    "「{prefix}」: texts first differs from the walk"
                );
            }
        }
        // A query that matches little leaves little to walk for the next keystroke. (A short
        // ASCII term is decided by letter pairs (`grams`) at every keystroke instead, and the
        // records they rule out are not marked: a Chinese term shows the narrowing.)
        assert!(typed.search("镭射仪", &now, 20).is_empty());
        let narrow = typed.memos.narrow.lock().expect("lock");
        let n = narrow.as_ref().expect("kept").visits.len();
        assert!(n < typed.hot.len() / 10, "{n} records left possible");
    }
}
