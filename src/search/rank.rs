//! One search: filter the records, match every term against each distinct text once, rank.
//!
//! Order: direct hits (whole word or substring, plain or pinyin) before hits through a rare
//! reading of a char, before fuzzy ones; then the weight of the field the query was found
//! in (the title — check text, description, keyword — before the place, before the
//! facility, before guidance and measures; with several terms, the weakest term's field
//! counts); then checklist items, overdue, open, rectified, closed; then whole-word before
//! substring; then the day found, newest first; then the score; then the id, so equal hits
//! keep one order. So a hazard whose description contains the query ranks with the items
//! whose check text does, not after every item that mentions it somewhere (issue 11, W8).
//! Fuzzy matching only runs when the direct hits do not fill the page: a fuzzy hit can never
//! outrank a direct one.

use super::bound::Lazily;
use super::grams::has;
use super::hit::{Hit, build_hit};
use super::index::{Field, FieldText, Hot, Index, TextId};
use super::matcher::{Term, Tier, contiguous, fuzzy_checked, fuzzy_possible};
use super::memo::{IMPOSSIBLE, NO_MATCH, TermMemo, UNKNOWN, pack};
use super::pairs::Need;
use super::plan::{Narrow, Plan, PlanKey, Visit};
use super::query::{Query, QueryError};
use super::sparse::ones;
use super::text::Text;
use crate::domain::StatusFilter;
use crate::domain::{Now, Status};
use chrono::NaiveDate;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use uuid::Uuid;

fn unpack(m: u32) -> (Tier, i64) {
    let v = m - 2;
    let tier = match v >> 24 {
        0 => Tier::Whole,
        1 => Tier::Substring,
        2 => Tier::Heteronym,
        _ => Tier::Fuzzy,
    };
    (tier, (v & 0xff_ffff) as i64)
}

/// A ranked record, before it is turned into a `Hit`; the key is computed once.
pub(crate) struct Ranked {
    pub key: SortKey,
    pub slot: u32,
    pub tier: Tier,
    pub score: i64,
    pub overdue: bool,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

/// The best `limit` so far, the worst of them on top: a hit that cannot enter the page
/// costs one comparison, however many records match.
struct TopK {
    limit: usize,
    heap: BinaryHeap<Ranked>,
    seen: usize,
}

impl TopK {
    fn new(limit: usize) -> TopK {
        TopK {
            limit,
            heap: BinaryHeap::with_capacity(limit + 1),
            seen: 0,
        }
    }

    fn offer(&mut self, r: Ranked) {
        self.seen += 1;
        if self.heap.len() < self.limit {
            self.heap.push(r);
        } else if self.heap.peek().is_some_and(|worst| r.key < worst.key) {
            self.heap.pop();
            self.heap.push(r);
        }
    }

    /// The key of the page's worst hit, once the page is full: only a record ranking before
    /// it can enter.
    fn worst(&self) -> Option<&SortKey> {
        if self.heap.len() == self.limit {
            self.heap.peek().map(|w| &w.key)
        } else {
            None
        }
    }

    /// Whether no record whose key is at least `bound` can enter the page any more.
    fn closed_below(&self, bound: &SortKey) -> bool {
        self.heap.len() == self.limit && self.heap.peek().is_some_and(|w| w.key <= *bound)
    }

    fn into_sorted(self) -> Vec<Ranked> {
        self.heap.into_sorted_vec()
    }
}

/// (kind of match, field weight, item/overdue/open/rectified/closed, tier, newest day,
/// score, id).
pub(crate) type SortKey = (u8, Reverse<i64>, u8, Tier, Reverse<i32>, Reverse<i64>, u128);

/// Records a search walks before it turns to texts first (`sparse`).
const PROBE: usize = 2048;

/// Records a search walks, when texts first gave up within its checks, before it reads every
/// text (`sparse::MAX_CHECKS`). Small in tests, so the oracle test goes through it.
const LONG_PROBE: usize = if cfg!(test) { PROBE + 256 } else { 4 * PROBE };

/// Records the fuzzy pass matches one by one before it matches the rest's texts in text order
/// (`prefill_fuzzy`): a pass that fills its page early never pays for that. Small in tests, so
/// the oracle test (`every_keystroke_gives_what_a_full_scan_gives`) goes through it.
const FUZZY_PROBE: usize = if cfg!(test) { 64 } else { 2048 };

/// The heaviest field weight (`Field::weight`).
const MAX_WEIGHT: i64 = 11;

/// The least key any record of this class, group and recency can have, when no record left
/// to visit has a field heavier than `weight`.
fn least_key(class: u8, weight: i64, group: u8, recency: i32) -> SortKey {
    let tier = if class == 2 { Tier::Fuzzy } else { Tier::Whole };
    least_key_of(class, weight, group, tier, recency)
}

/// `least_key` when no record left to visit can match better than `tier`.
pub(super) fn least_key_of(class: u8, weight: i64, group: u8, tier: Tier, recency: i32) -> SortKey {
    (
        class,
        Reverse(weight),
        group,
        tier,
        Reverse(recency),
        Reverse(i64::MAX),
        0,
    )
}

impl Index {
    /// The hit for one finding as an exact match, or None when the index does not hold it.
    /// Search puts it first when what was typed resolves to that record (a short id such as
    /// `77dc05e5`, or a 隐患编号 such as `YH-2026-A3K-0007`; issues 11 and 13): ops resolves the
    /// text, the index only shows the record.
    pub fn hit_for_finding(&self, id: Uuid, now: &Now) -> Option<Hit> {
        let slot = self.finding_slot(id)?;
        let overdue = overdue(&self.hot[slot as usize], now.today());
        let ranked = Ranked {
            key: least_key(0, MAX_WEIGHT, 0, 0),
            slot,
            tier: Tier::Whole,
            score: i64::MAX,
            overdue,
        };
        Some(build_hit(self, &ranked, &[]))
    }

    /// The best `limit` hits for what the user typed. A query with a bad filter finds nothing
    /// (use `Query::parse` and `check` to show why).
    pub fn search(&self, query: &str, now: &Now, limit: usize) -> Vec<Hit> {
        match Query::parse(query) {
            Ok(q) => self.search_query(&q, now, limit),
            Err(_) => Vec::new(),
        }
    }

    /// Whether the query's filters name things that exist here.
    pub fn check(&self, q: &Query) -> Result<(), QueryError> {
        if let Some(l) = &q.line
            && self.line_filter(l).is_none()
        {
            let known: Vec<&str> = self.lines.iter().map(|(id, _)| id.as_str()).collect();
            return Err(QueryError(format!(
                "未知防线「{l}」，可选：{}",
                known.join("|")
            )));
        }
        Ok(())
    }

    /// The index of the line `id` names. Ids only: a Chinese name is resolved to its id by
    /// `ops::resolve_query` (the one line resolver, `Ctx::resolve_line`) before the query gets
    /// here.
    fn line_filter(&self, id: &str) -> Option<u16> {
        self.lines
            .iter()
            .position(|(line, _)| line.eq_ignore_ascii_case(id))
            .map(|i| i as u16)
    }

    pub fn search_query(&self, q: &Query, now: &Now, limit: usize) -> Vec<Hit> {
        if q.is_empty() || limit == 0 {
            return Vec::new();
        }
        let line = match &q.line {
            Some(l) => match self.line_filter(l) {
                Some(i) => Some(i),
                None => return Vec::new(),
            },
            None => None,
        };
        let today = now.today();
        let key = PlanKey {
            line,
            status: q.status,
            facility: q.facility.clone(),
            today,
        };
        let base_key = PlanKey {
            line: None,
            status: None,
            facility: None,
            today,
        };
        let plan = self.memos.plan(
            &key,
            &base_key,
            || Plan::new(self, base_key.clone(), self.groups(today)),
            |base| {
                let facility_ok = self.facility_filter(q);
                Plan::filtered(base, key.clone(), |slot| {
                    self.passes(&self.hot[slot as usize], q, line, today, &facility_ok)
                })
            },
        );
        let term_chars: Vec<Vec<char>> = q.terms.iter().map(|t| t.chars.clone()).collect();
        let narrowed = self.memos.narrowed_visits(&plan, &term_chars);
        let mut memos = self.memos.take(&q.terms, self.texts.len(), &self.readings);
        // A Chinese term leaves only the records holding its chars (`chars`) to walk.
        let held = self.records_with_chars(&plan, &q.terms, &mut memos);
        let is_narrowed = narrowed.is_some() || held.is_some();
        let visits = match (narrowed, held) {
            (Some(mut visits), Some(held)) => {
                let starts = plan.group_starts();
                visits.retain(|v| has(&held, starts[v.group as usize] + v.pos));
                visits
            }
            (Some(visits), None) => visits,
            (None, Some(held)) => plan.visits_at(ones(&held)),
            (None, None) => plan.everything(),
        };
        // A walk that closes within its first records is the cheapest way; only a longer one
        // is worth reading every text for (the probe's matches stay in the memos).
        let probe = visits.len().min(PROBE);
        let (walked, group_closes) = if probe < visits.len() {
            self.probe_walk(&plan, &visits[..probe], &q.terms, &mut memos, today, limit)
        } else {
            (probe, false)
        };
        let closes_early = walked < probe;
        // Texts first, when a term is selective: if the records holding its texts give a
        // full page of direct hits, no fuzzy pass is needed and nothing else can rank. A
        // probe whose page no record of a later group can enter closes at the end of its
        // group at the latest: walking on is cheaper than matching texts that are mostly
        // hits (issue 14, 100k distinct descriptions: 「pds」 passed 4,771 texts, 2,572 of
        // them hits, 4.7 ms, where the walk closes within 6,934 records in 0.5 ms).
        let mut candidates = (!closes_early && !group_closes)
            .then(|| {
                self.direct_candidates(&plan, &visits, is_narrowed, &q.terms, &mut memos, true)
            })
            .flatten();
        // Texts first gave up within its checks: a walk that still closes within a longer
        // probe is cheaper, and one that does not would match most texts anyway, out of
        // order (issue 14, 100k distinct descriptions: 「st」 closes at 4,845 records where
        // matching every text the filters pass takes 18 ms; 「sta」 walked all 100,230 records
        // in 20 ms where matching its 28,000 texts takes 10).
        if candidates.is_none() && !closes_early && visits.len() > LONG_PROBE {
            let (walked, _) = self.probe_walk(
                &plan,
                &visits[..LONG_PROBE],
                &q.terms,
                &mut memos,
                today,
                limit,
            );
            if walked == LONG_PROBE {
                candidates = self.direct_candidates(
                    &plan,
                    &visits,
                    is_narrowed,
                    &q.terms,
                    &mut memos,
                    false,
                );
            }
        }
        // Texts first found every direct hit but not a page of them: those hits, in walk order.
        let mut short: Option<(TopK, Vec<Visit>)> = None;
        if let Some(candidates) = candidates {
            let mut top = TopK::new(limit);
            let mut hits = Vec::new();
            self.walk_direct(
                &plan,
                &candidates.visits,
                &candidates.caps,
                &q.terms,
                &mut memos,
                today,
                &mut top,
                |v, matched| {
                    if matched {
                        hits.push(v);
                    }
                },
            );
            if top.seen >= limit {
                // What this search walked was possible for a shorter query, so it still
                // holds everything an extension of this one can match.
                let narrow = Narrow {
                    plan,
                    terms: term_chars,
                    visits,
                };
                return self.settle(top, &q.terms, memos, narrow);
            }
            short = Some((top, hits));
        }
        // Every visited record that may match a query extending this one, in walk order
        // (a record proven impossible is marked with group u8::MAX), then the unvisited rest.
        let mut possible: Vec<Visit> = Vec::with_capacity(visits.len().min(4096));
        // Positions in `possible` of the records that did not match directly.
        let mut pending: Vec<u32> = Vec::new();
        let (mut top, visited) = match short {
            // The walk over every record would offer just those hits (its page never fills,
            // so it matches every record in full and visits them all): its outcome is known
            // without it (issue 14: 「stat」, one direct hit, walked 100,230 records for it).
            Some((top, hits)) => {
                let mut hits = hits.iter().peekable();
                for &v in &visits {
                    if hits.next_if_eq(&&v).is_none() {
                        pending.push(possible.len() as u32);
                    }
                    possible.push(v);
                }
                debug_assert!(hits.next().is_none(), "a hit outside the walk");
                (top, visits.len())
            }
            None => {
                let mut top = TopK::new(limit);
                let visited = self.walk_direct(
                    &plan,
                    &visits,
                    &[],
                    &q.terms,
                    &mut memos,
                    today,
                    &mut top,
                    |v, matched| {
                        if !matched {
                            pending.push(possible.len() as u32);
                        }
                        possible.push(v);
                    },
                );
                (top, visited)
            }
        };
        // Fuzzy hits rank after every other kind, so they are only needed to fill the page.
        if top.seen < limit {
            self.fuzzy_pass(
                &plan,
                &q.terms,
                &mut memos,
                today,
                &mut top,
                &mut possible,
                &pending,
            );
        }
        possible.retain(|v| v.group != u8::MAX);
        possible.extend_from_slice(&visits[visited..]);
        let narrow = Narrow {
            plan,
            terms: term_chars,
            visits: possible,
        };
        self.settle(top, &q.terms, memos, narrow)
    }

    /// Offers the fuzzy hits among the records of `possible` at `pending` (in walk order) to
    /// `top` until no later record can enter it, marking those no longer query can match
    /// (group `u8::MAX`).
    #[allow(clippy::too_many_arguments)]
    fn fuzzy_pass(
        &self,
        plan: &Plan,
        terms: &[Term],
        memos: &mut [TermMemo],
        today: NaiveDate,
        top: &mut TopK,
        possible: &mut [Visit],
        pending: &[u32],
    ) {
        // What the letter pairs (when a term has them) leave each term to match fuzzily: the
        // texts they rule out are not matched, from the first record on.
        let may: Vec<Option<Vec<u64>>> = terms
            .iter()
            .map(|t| self.grams.candidates(&t.chars, self.texts.len()))
            .collect();
        // Every fuzzy memo made now (a Chinese term's from its chars, `chars`), so the
        // bound below reads what the per-char lists already ruled out.
        memos.iter_mut().for_each(|m| {
            m.fuzzy_mut();
        });
        // Past the probe, the records the pairs rule out are passed over, and the rest's
        // texts are matched in text order.
        let mut candidates: Option<FuzzyCandidates> = None;
        let starts = plan.group_starts();
        let ruled_out = |c: &Option<FuzzyCandidates>, v: Visit| {
            c.as_ref()
                .is_some_and(|c| !has(&c.records, starts[v.group as usize] + v.pos))
        };
        // A record whose fields cannot make it rank before the page's worst hit, whatever
        // its texts not yet matched fuzzily hold (`bound`); the worst only gets better.
        let cannot_enter = |top: &TopK, memos: &[TermMemo], v: Visit| {
            let e = plan.entry(v);
            top.worst()
                .is_some_and(|w| self.fuzzy_bound(plan.fields(e), memos, v.group, e.recency) >= *w)
        };
        for (i, &at) in pending.iter().enumerate() {
            if i == FUZZY_PROBE {
                candidates = self.fuzzy_candidates(plan, &may, memos);
                let rest: Vec<Visit> = pending[i..]
                    .iter()
                    .map(|at| possible[*at as usize])
                    .filter(|v| !ruled_out(&candidates, *v) && !cannot_enter(top, memos, *v))
                    .collect();
                self.prefill_terms(plan, rest, terms, memos, candidates.as_ref());
            }
            let v = possible[at as usize];
            // Not a fuzzy hit; left possible for a longer query (the pairs only decide this
            // one).
            if ruled_out(&candidates, v) {
                continue;
            }
            let e = plan.entry(v);
            let bound = least_key(2, plan.heaviest[v.group as usize], v.group, e.recency);
            if top.closed_below(&bound) {
                return;
            }
            // Left possible for a longer query, as above.
            if cannot_enter(top, memos, v) {
                continue;
            }
            match self.fuzzy_record(plan.fields(e), terms, memos, &may) {
                Fuzzy::Hit(weight, score) => {
                    let m = Match {
                        tier: Tier::Fuzzy,
                        weight,
                        score,
                    };
                    top.offer(self.ranked(e.slot, m, today));
                }
                Fuzzy::Miss => {}
                Fuzzy::Impossible => possible[at as usize].group = u8::MAX,
            }
        }
    }

    /// Computes, term by term, the fuzzy memos `fuzzy_record` will read for the records
    /// `rest`, in text order (`prefill_fuzzy`): the first term's for all of them, each next
    /// term's for those every earlier term matched (`fuzzy_record` stops at the first term
    /// that does not), so no value is computed that the one-by-one pass would not.
    fn prefill_terms(
        &self,
        plan: &Plan,
        mut rest: Vec<Visit>,
        terms: &[Term],
        memos: &mut [TermMemo],
        candidates: Option<&FuzzyCandidates>,
    ) {
        for (k, term) in terms.iter().enumerate() {
            let may_match = candidates.and_then(|c| c.terms[k].as_deref());
            self.prefill_fuzzy(plan, rest.iter().copied(), term, &mut memos[k], may_match);
            if k + 1 == terms.len() {
                break;
            }
            let memo = &memos[k];
            rest.retain(|v| {
                plan.fields(plan.entry(*v)).iter().any(|ft| {
                    let t = ft.text() as usize;
                    memo.direct[t] > NO_MATCH
                        || memo
                            .fuzzy
                            .as_ref()
                            .is_some_and(|f| !matches!(f[t], UNKNOWN | NO_MATCH | IMPOSSIBLE))
                })
            });
        }
    }

    /// Computes the fuzzy memo of `term` for the texts of the records `rest` that
    /// `fuzzy_record` will read, in text order. The values are those `fuzzy_record` would compute one by one; but
    /// visited in walk order the texts lie all over memory, and fetching each from there,
    /// not matching it, is most of the cost (issue 14: 「stat」 read 176,000 texts at about
    /// 1 µs each). Texts are stored in the order they were added, so in text order the
    /// reads are sequential.
    ///
    /// `may_match`, where the letter pairs tell (`grams`), holds the texts the term may match
    /// fuzzily; the others get `NO_MATCH` unmatched (not `IMPOSSIBLE`: a longer term is not
    /// decided by that).
    fn prefill_fuzzy(
        &self,
        plan: &Plan,
        rest: impl Iterator<Item = Visit>,
        term: &Term,
        memo: &mut TermMemo,
        may_match: Option<&[u64]>,
    ) {
        let mut wanted = vec![0u64; self.texts.len().div_ceil(64)];
        let direct = &memo.direct;
        let fuzzy = memo
            .fuzzy
            .get_or_insert_with(|| vec![UNKNOWN; direct.len()]);
        for v in rest {
            for t in plan.fields(plan.entry(v)).iter().map(|ft| ft.text()) {
                // A text the term matches directly is not matched fuzzily (`fuzzy_record`).
                if fuzzy[t as usize] == UNKNOWN && direct[t as usize] <= NO_MATCH {
                    wanted[t as usize / 64] |= 1 << (t % 64);
                }
            }
        }
        let mut todo = Vec::new();
        for t in ones(&wanted) {
            match may_match {
                Some(m) if !has(m, t) => fuzzy[t as usize] = NO_MATCH,
                _ => todo.push(t),
            }
        }
        // Each text's spellings are asked for a few texts ahead (`Index::fill`).
        self.fill(fuzzy, &todo, Text::prefetch_spellings, |t| {
            self.fuzzy_value(t, term)
        });
    }

    /// The records that may be fuzzy hits, when some term's letter pairs tell (`grams`): a
    /// record is one only if, for every term, it holds a text the term matches directly or
    /// may match fuzzily. None when no term tells.
    fn fuzzy_candidates(
        &self,
        plan: &Plan,
        may: &[Option<Vec<u64>>],
        memos: &[TermMemo],
    ) -> Option<FuzzyCandidates> {
        let mut out: Option<FuzzyCandidates> = None;
        for (i, (may_match, memo)) in may.iter().zip(memos).enumerate() {
            let Some(may_match) = may_match else {
                continue;
            };
            let mut texts = may_match.clone();
            // A text the term matches directly counts with that match (`fuzzy_record`).
            for (t, m) in memo.direct.iter().enumerate() {
                if *m > NO_MATCH {
                    texts[t / 64] |= 1 << (t % 64);
                }
            }
            let here = self.records_holding(plan, &texts);
            let c = out.get_or_insert_with(|| FuzzyCandidates {
                records: vec![u64::MAX; here.len()],
                terms: vec![None; may.len()],
            });
            c.records.iter_mut().zip(&here).for_each(|(a, b)| *a &= b);
            c.terms[i] = Some(may_match.clone());
        }
        out
    }

    /// The page of `top`, best first; keeps the term memos and the records a longer query
    /// may still match (`narrow`) for the next keystroke.
    fn settle(&self, top: TopK, terms: &[Term], memos: Vec<TermMemo>, narrow: Narrow) -> Vec<Hit> {
        let hits = top
            .into_sorted()
            .iter()
            .map(|r| build_hit(self, r, terms))
            .collect();
        self.memos.keep(memos);
        self.memos.keep_narrow(narrow);
        hits
    }

    /// A walk of `visits` into a page of its own, for what it tells: how many records it
    /// visited before the page was settled (all of them when it was not), and whether no
    /// record of a group after the last one visited can enter its page. Its matches stay in
    /// `memos` for the search that follows.
    fn probe_walk(
        &self,
        plan: &Plan,
        visits: &[Visit],
        terms: &[Term],
        memos: &mut [TermMemo],
        today: NaiveDate,
        limit: usize,
    ) -> (usize, bool) {
        let mut top = TopK::new(limit);
        let walked = self.walk_direct(plan, visits, &[], terms, memos, today, &mut top, |_, _| {});
        let next = visits
            .get(walked.wrapping_sub(1))
            .map_or(0, |v| usize::from(v.group) + 1);
        let group_closes = next < plan.heaviest.len()
            && top
                .worst()
                .is_some_and(|w| *w <= least_key(0, plan.heaviest[next], next as u8, i32::MAX));
        (walked, group_closes)
    }

    /// Visits records in rank order as far as it is known before matching (group, then
    /// newest first), offering each direct hit to `top`, and stops once the page is full of
    /// hits no later record can beat. `caps[i]`, where given, bounds the field weight of any
    /// hit among `visits[i..]` more tightly than the plan's groups do (`sparse::Candidates`).
    /// Tells `seen` of every record visited (and whether it matched; one passed over counts
    /// as matched: the page is full, so no fuzzy pass will want it); gives how many were
    /// visited.
    #[allow(clippy::too_many_arguments)]
    fn walk_direct(
        &self,
        plan: &Plan,
        visits: &[Visit],
        caps: &[i64],
        terms: &[Term],
        memos: &mut [TermMemo],
        today: NaiveDate,
        top: &mut TopK,
        mut seen: impl FnMut(Visit, bool),
    ) -> usize {
        for (i, &v) in visits.iter().enumerate() {
            let e = plan.entry(v);
            let heaviest = plan.heaviest[v.group as usize];
            let weight = caps.get(i).map_or(heaviest, |c| heaviest.min(*c));
            let bound = least_key(0, weight, v.group, e.recency);
            if top.closed_below(&bound) {
                return i;
            }
            // Once the page is full, the record is matched only as far as it may still enter
            // it (`bound`); one that cannot is passed over unmatched (and kept possible for a
            // longer query). Later records may still enter.
            let fields = plan.fields(e);
            match self.direct_lazily(fields, terms, memos, v.group, e.recency, top.worst()) {
                Lazily::PassedOver => seen(v, true),
                Lazily::Miss => seen(v, false),
                Lazily::Match => {
                    let m = self.direct(fields, terms, memos);
                    let matched = m.is_some();
                    if let Some(m) = m {
                        top.offer(self.ranked(e.slot, m, today));
                    }
                    seen(v, matched);
                }
            }
        }
        visits.len()
    }

    /// The live records, by rank group (item, overdue, open, rectified, closed), each newest
    /// first.
    fn groups(&self, today: NaiveDate) -> [Vec<u32>; 5] {
        let mut groups: [Vec<u32>; 5] = Default::default();
        for &slot in self.by_recency() {
            let hot = &self.hot[slot as usize];
            if hot.alive {
                groups[group_of(hot, today) as usize].push(slot);
            }
        }
        groups
    }

    pub(crate) fn recency(&self, slot: u32) -> i32 {
        let hot = &self.hot[slot as usize];
        if hot.status.is_some() {
            hot.day_or_order
        } else {
            0
        }
    }

    /// Which texts pass the `facility:` filter (None: no filter).
    fn facility_filter(&self, q: &Query) -> Option<Vec<bool>> {
        let want = q.facility.as_ref()?;
        Some(
            self.texts
                .iter()
                .map(|t| t.original().to_lowercase().contains(want.as_str()))
                .collect(),
        )
    }

    fn passes(
        &self,
        hot: &Hot,
        q: &Query,
        line: Option<u16>,
        today: NaiveDate,
        facility_ok: &Option<Vec<bool>>,
    ) -> bool {
        if line.is_some_and(|l| hot.line != l) {
            return false;
        }
        let Some(status) = hot.status else {
            return !q.findings_only();
        };
        let status_ok = match q.status {
            None => true,
            Some(StatusFilter::Retracted) => hot.retracted,
            Some(_) if hot.retracted => false,
            Some(StatusFilter::Open) => status == Status::Open,
            Some(StatusFilter::Rectified) => status == Status::Rectified,
            Some(StatusFilter::Closed) => status == Status::Closed,
            Some(StatusFilter::Overdue) => overdue(hot, today),
            // The index holds no rectification dates: every finding waiting for 复查.
            Some(StatusFilter::ReviewLate) => status == Status::Rectified,
        };
        status_ok
            && facility_ok.as_ref().is_none_or(|ok| {
                let fields = &self.field_list
                    [hot.fields_at as usize..hot.fields_at as usize + hot.fields_len as usize];
                fields
                    .iter()
                    .any(|ft| ft.field() == Field::Facility && ok[ft.text() as usize])
            })
    }

    /// Every term matched contiguously in some field: the worst tier, the weakest term's
    /// field weight and the summed score.
    fn direct(
        &self,
        fields: &[FieldText],
        terms: &[Term],
        memos: &mut [TermMemo],
    ) -> Option<Match> {
        let mut tier = Tier::Whole;
        let mut weight = MAX_WEIGHT;
        let mut total = 0;
        for (term, memo) in terms.iter().zip(memos.iter_mut()) {
            let mut best: Option<(Tier, i64)> = None;
            // The heaviest field this term was found in by its best kind of match.
            let mut heaviest: Option<(u8, Reverse<i64>)> = None;
            let mut all = 0;
            for (field, tid) in fields.iter().map(|ft| ft.get()) {
                let need = &memo.need;
                let m = &mut memo.direct[tid as usize];
                if *m == UNKNOWN {
                    *m = self.direct_value(tid, term, need);
                }
                if *m != NO_MATCH {
                    let (t, s) = unpack(*m);
                    let s = s * field.weight();
                    all += s;
                    if best.is_none_or(|b| (t, Reverse(s)) < (b.0, Reverse(b.1))) {
                        best = Some((t, s));
                    }
                    let here = (class_of(t), Reverse(field.weight()));
                    if heaviest.is_none_or(|h| here < h) {
                        heaviest = Some(here);
                    }
                }
            }
            let (t, s) = best?;
            tier = tier.max(t);
            weight = weight.min(heaviest.map_or(0, |h| h.1.0));
            // The best field counts fully, further matching fields a little (an item whose
            // check text and keywords both match beats one matching in a keyword only).
            total += s + (all - s) / 4;
        }
        Some(Match {
            tier,
            weight,
            score: total,
        })
    }

    /// Terms that matched directly keep their score; the others must match fuzzily. Gives
    /// the weakest term's heaviest field weight and the summed score; `Impossible` when some
    /// term is known to match no field directly and none can match it fuzzily, so no query
    /// extending this one can match the record either. `may[k]`, where given, holds the
    /// texts term k may match fuzzily (`grams`); the others are not matched.
    fn fuzzy_record(
        &self,
        fields: &[FieldText],
        terms: &[Term],
        memos: &mut [TermMemo],
        may: &[Option<Vec<u64>>],
    ) -> Fuzzy {
        let mut total = 0;
        let mut weight = MAX_WEIGHT;
        for (k, (term, memo)) in terms.iter().zip(memos.iter_mut()).enumerate() {
            let mut best: Option<i64> = None;
            let mut heaviest = 0;
            let mut possible = false;
            for (field, tid) in fields.iter().map(|ft| ft.get()) {
                let direct = memo.direct[tid as usize];
                let score = if direct > NO_MATCH {
                    Some(unpack(direct).1)
                } else {
                    let m = &mut memo.fuzzy_mut()[tid as usize];
                    if *m == UNKNOWN {
                        *m = match may.get(k) {
                            // Ruled out by its letter pairs for this term only (`grams`).
                            Some(Some(bits)) if !has(bits, tid) => NO_MATCH,
                            _ => self.fuzzy_value(tid, term),
                        };
                    }
                    // A direct match not yet tried (an earlier term failed first) may still
                    // hold through a rare reading the fuzzy spellings lack.
                    possible |= *m != IMPOSSIBLE || direct == UNKNOWN;
                    (*m != NO_MATCH && *m != IMPOSSIBLE).then(|| unpack(*m).1)
                };
                if let Some(s) = score {
                    let s = s * field.weight();
                    best = Some(best.map_or(s, |b| b.max(s)));
                    heaviest = heaviest.max(field.weight());
                }
            }
            let Some(best) = best else {
                return if possible {
                    Fuzzy::Miss
                } else {
                    Fuzzy::Impossible
                };
            };
            total += best;
            weight = weight.min(heaviest);
        }
        Fuzzy::Hit(weight, total)
    }

    /// The direct memo value of text `t` for `term`, whose letter pairs are `need`.
    pub(crate) fn direct_value(&self, t: TextId, term: &Term, need: &Need) -> u32 {
        let t = t as usize;
        if self.blooms[t] & term.bloom != term.bloom || !need.admits(&self.seams[t], self.inners[t])
        {
            return NO_MATCH;
        }
        match contiguous(&self.texts[t], &self.readings, term) {
            Some((tier, s, _, _)) => pack(tier, s),
            None => NO_MATCH,
        }
    }

    /// The fuzzy memo value of text `t` for `term`: `IMPOSSIBLE` when no term extending it
    /// can match the text fuzzily either.
    pub(crate) fn fuzzy_value(&self, t: TextId, term: &Term) -> u32 {
        let text = &self.texts[t as usize];
        if self.blooms[t as usize] & term.bloom != term.bloom
            || !fuzzy_possible(text, &self.readings, term)
        {
            return IMPOSSIBLE;
        }
        match fuzzy_checked(&self.matcher, text, &self.readings, term) {
            Some((s, _)) => pack(Tier::Fuzzy, s),
            None => NO_MATCH,
        }
    }

    fn ranked(&self, slot: u32, m: Match, today: NaiveDate) -> Ranked {
        let Match {
            tier,
            weight,
            score,
        } = m;
        let hot = &self.hot[slot as usize];
        let overdue = overdue(hot, today);
        let group = group_of(hot, today);
        let recency = self.recency(slot);
        let class = class_of(tier);
        Ranked {
            key: (
                class,
                Reverse(weight),
                group,
                tier,
                Reverse(recency),
                Reverse(score),
                self.tie(slot),
            ),
            slot,
            tier,
            score,
            overdue,
        }
    }
}

/// The tier of a direct or fuzzy memo value holding a match.
pub(crate) fn tier_of(m: u32) -> Tier {
    unpack(m).0
}

/// Direct hits (0), hits through a rare reading (1), fuzzy hits (2).
pub(crate) fn class_of(tier: Tier) -> u8 {
    match tier {
        Tier::Whole | Tier::Substring => 0,
        Tier::Heteronym => 1,
        Tier::Fuzzy => 2,
    }
}

/// What the letter pairs (`grams`) leave to the fuzzy pass.
struct FuzzyCandidates {
    /// Walk positions (bitmap over the plan) of the records that may be fuzzy hits.
    records: Vec<u64>,
    /// For each term, the texts it may match fuzzily, where its pairs tell.
    terms: Vec<Option<Vec<u64>>>,
}

/// How a record fared in the fuzzy pass.
enum Fuzzy {
    /// (the weakest term's heaviest field weight, summed score)
    Hit(i64, i64),
    Miss,
    /// No query extending this one can match it.
    Impossible,
}

/// How one record matched the whole query.
#[derive(Debug, Clone, Copy)]
struct Match {
    tier: Tier,
    /// The weakest term's heaviest field weight.
    weight: i64,
    /// Summed, weighted score.
    score: i64,
}

/// Checklist items, then overdue, open, rectified and closed findings.
fn group_of(hot: &Hot, today: NaiveDate) -> u8 {
    match hot.status {
        None => 0,
        Some(_) if overdue(hot, today) => 1,
        Some(Status::Open) => 2,
        Some(Status::Rectified) => 3,
        Some(Status::Closed) => 4,
    }
}

fn overdue(hot: &Hot, today: NaiveDate) -> bool {
    // 逾期未整改: rectified findings are not overdue for the facility (issue 10).
    hot.status.is_some_and(|s| s == Status::Open) && hot.due.is_some_and(|d| today > d)
}

#[cfg(test)]
mod tests {
    use super::super::doc::FindingDoc;
    use super::super::memo::MemoCache;
    use super::*;
    use crate::catalog::Catalog;
    use crate::domain::{Now, Severity};
    use chrono::{DateTime, Duration};
    use std::borrow::Cow;

    impl Index {
        /// The page a plain full scan gives: every record passing the filters matched from
        /// fresh memos, every direct hit ranked, the fuzzy ones only when the direct hits do
        /// not fill the page, all sorted. No probe, texts-first, closing bound or narrowing.
        fn full_scan(&self, query: &str, now: &Now, limit: usize) -> Vec<Hit> {
            let Ok(q) = Query::parse(query) else {
                return Vec::new();
            };
            if q.is_empty() || limit == 0 {
                return Vec::new();
            }
            let line = match &q.line {
                Some(l) => match self.line_filter(l) {
                    Some(i) => Some(i),
                    None => return Vec::new(),
                },
                None => None,
            };
            let today = now.today();
            let facility_ok = self.facility_filter(&q);
            let mut memos = MemoCache::default().take(&q.terms, self.texts.len(), &self.readings);
            let slots: Vec<u32> = self
                .by_recency()
                .iter()
                .copied()
                .filter(|s| self.passes(&self.hot[*s as usize], &q, line, today, &facility_ok))
                .collect();
            let mut all = Vec::new();
            let mut missed = Vec::new();
            for &slot in &slots {
                match self.direct(self.fields(slot), &q.terms, &mut memos) {
                    Some(m) => all.push(self.ranked(slot, m, today)),
                    None => missed.push(slot),
                }
            }
            if all.len() < limit {
                for slot in missed {
                    if let Fuzzy::Hit(weight, score) =
                        self.fuzzy_record(self.fields(slot), &q.terms, &mut memos, &[])
                    {
                        let m = Match {
                            tier: Tier::Fuzzy,
                            weight,
                            score,
                        };
                        all.push(self.ranked(slot, m, today));
                    }
                }
            }
            all.sort();
            all.truncate(limit);
            all.iter().map(|r| build_hit(self, r, &q.terms)).collect()
        }
    }

    /// 2,600 findings (more than a probe walks), every description and measure distinct (as an office's are), over
    /// places, departments and people that repeat; every status, some overdue, some retracted.
    fn distinct_index() -> Index {
        let mut index = Index::of_catalog(&Catalog::builtin());
        let places = [
            "配电室",
            "空调机房",
            "食堂操作间",
            "锅炉房",
            "二楼护士站",
            "Sensor 室",
        ];
        let people = ["总务科 张伟", "设备科 李秀英", "保卫科 周杰", "食堂 谢娜"];
        let texts = [
            "消防通道堆放杂物",
            "灭火器压力不足",
            "空调外机支架锈蚀",
            "配电室门口堆放纸箱",
            "stat 监测仪未校准",
            "安全出口指示灯损坏",
            "燃气锅炉房通风不良",
            "氧气瓶未固定",
        ];
        let start = DateTime::parse_from_rfc3339("2026-01-05T09:00:00+08:00").expect("date");
        for n in 0..2600u32 {
            let i = n as usize;
            index.upsert_doc(&FindingDoc {
                id: uuid::Uuid::from_u128(n as u128 + 1),
                facility: Cow::Owned(format!("第{}人民医院", n % 5)),
                department: Cow::Borrowed(people[i % people.len()].split(' ').next().unwrap_or("")),
                location: Cow::Borrowed(places[i % places.len()]),
                line: Cow::Borrowed(if n % 3 == 0 { "energy" } else { "fire" }),
                description: Cow::Owned(format!(
                    "{}（{n}号）",
                    texts[(i * 7 + i / 8) % texts.len()]
                )),
                severity: Severity::ALL[i % Severity::ALL.len()],
                status: Status::ALL[(i / 3) % Status::ALL.len()],
                due: Some((start + Duration::days(n as i64 / 3)).date_naive()),
                measures: Cow::Owned(format!("立即整改，{}日内完成", n % 97)),
                responsible: Cow::Borrowed(people[(i / 5) % people.len()]),
                created_at: (start + Duration::days(n as i64 / 4)).to_utc(),
                retracted: n % 53 == 0,
            });
        }
        index
    }

    fn shown(hits: Vec<Hit>) -> Vec<String> {
        hits.into_iter()
            .map(|h| {
                format!(
                    "{:?} {:?} {} {:?} {:?} {:?} {:?}",
                    h.target,
                    h.tier,
                    h.score,
                    h.title_indices,
                    h.field,
                    h.field_indices,
                    h.subtitle_indices
                )
            })
            .collect()
    }

    /// Long words only (no separators), except a few records at a short-named place: short
    /// terms cannot be whole-word hits of most records, so the walk passes them over once the
    /// page is full (`Text::shortest_word`), and still gives what a full scan gives.
    #[test]
    fn passing_over_records_without_short_words_gives_what_a_full_scan_gives() {
        let now = Now(DateTime::parse_from_rfc3339("2026-11-22T09:00:00+08:00").expect("now"));
        let mut index = Index::of_catalog(&Catalog::builtin());
        let texts = ["消防通道堆放杂物", "灭火器压力不足", "配电室门口堆放纸箱"];
        let start = DateTime::parse_from_rfc3339("2026-01-05T09:00:00+08:00").expect("date");
        for n in 0..900u32 {
            let i = n as usize;
            index.upsert_doc(&FindingDoc {
                id: uuid::Uuid::from_u128(n as u128 + 1),
                facility: Cow::Borrowed("第一人民医院"),
                department: Cow::Borrowed("总务科室"),
                location: Cow::Borrowed(if n % 97 == 5 {
                    "配电"
                } else {
                    "门诊楼配电室"
                }),
                line: Cow::Borrowed("fire"),
                description: Cow::Owned(format!("{}第{n}号", texts[i % texts.len()])),
                severity: Severity::ALL[i % Severity::ALL.len()],
                status: Status::ALL[(i / 3) % Status::ALL.len()],
                due: Some((start + Duration::days(n as i64 / 3)).date_naive()),
                measures: Cow::Owned(format!("立即整改{}日内完成", n % 7)),
                responsible: Cow::Borrowed("后勤保障部张伟"),
                created_at: (start + Duration::days(n as i64 / 4)).to_utc(),
                retracted: false,
            });
        }
        let mut hits = 0;
        for q in [
            "pd",
            "pds",
            "mhq",
            "xfd",
            "灭火",
            "配电",
            "zw",
            "status:overdue pd",
            "d",
        ] {
            let chars: Vec<char> = q.chars().collect();
            for k in 1..=chars.len() {
                let prefix: String = chars[..k].iter().collect();
                let want = shown(index.full_scan(&prefix, &now, 20));
                hits += want.len();
                assert_eq!(
                    shown(index.search(&prefix, &now, 20)),
                    want,
                    "「{prefix}」 typed on differs from a full scan"
                );
            }
        }
        assert!(hits > 300, "{hits} hits in all");
    }

    /// Typed one char at a time (memos, narrowing, texts first and early closing all at
    /// work), every prefix gives what a plain full scan gives: the same hits, order, tiers,
    /// scores and highlights.
    #[test]
    fn every_keystroke_gives_what_a_full_scan_gives() {
        let now = Now(DateTime::parse_from_rfc3339("2026-11-22T09:00:00+08:00").expect("now"));
        let index = distinct_index();
        let queries = [
            "灭火器压力不足",
            "mhq",
            "miehuoqi",
            "mihuoqi",
            "gl房",
            "pds",
            "kongtiao",
            "xiaofangtongdao",
            "stat",
            "status:overdue yqp",
            "配电室 line:energy",
            "配电室 li",
            "peidian zhangwei",
            "status:open 配电",
            "facility:第1 kt",
            "灭器不足",
            "配电室 line",
            "stat jcyi",
            "zhangwei xfd",
            "status",
            // Chinese terms narrow by their chars (`chars`): with pinyin, two of them, a
            // char no text holds, a fullwidth letter.
            "纸箱 配电",
            "mhq 压力",
            "锅炉 tf",
            "镭射 mhq",
            "ｓtat 监测",
            // Typos the fuzzy pass must find, past the pairs of chars further apart (`grams`).
            "miehuqi",
            "stta jc",
            "peidain",
        ];
        let mut hits = 0;
        for q in queries {
            let chars: Vec<char> = q.chars().collect();
            for k in 1..=chars.len() {
                let prefix: String = chars[..k].iter().collect();
                for limit in [20, 3] {
                    let want = shown(index.full_scan(&prefix, &now, limit));
                    hits += want.len();
                    assert_eq!(
                        shown(index.search(&prefix, &now, limit)),
                        want,
                        "「{prefix}」 (limit {limit}) typed on differs from a full scan"
                    );
                }
            }
        }
        // The corpus does exercise the ranking: most prefixes fill their page.
        assert!(hits > 2_000, "{hits} hits in all");
    }
}
