//! One search: filter the records, match every term against each distinct text once, rank.
//!
//! Order: direct hits (whole word or substring, plain or pinyin) before hits through a rare
//! reading of a char, before fuzzy ones; then
//! checklist items, overdue, open, rectified, closed; then whole-word before substring; then
//! the day found, newest first; then the score; then the id, so equal hits keep one order.
//! Fuzzy matching only runs when the direct hits do not fill the page: a fuzzy hit can never
//! outrank a direct one.

use super::hit::{Hit, build_hit};
use super::index::{Index, Record, Target};
use super::matcher::{Term, Tier, contiguous, fuzzy};
use super::query::{Query, QueryError};
use crate::domain::{Now, Status};
use crate::store::StatusFilter;
use chrono::NaiveDate;
use std::cmp::Reverse;

/// Per-text memo for one term: not yet computed, no match, or (tier, score).
#[derive(Clone, Copy)]
enum Memo {
    Unknown,
    None,
    Hit(Tier, i64),
}

/// A ranked record, before it is turned into a `Hit`.
pub(crate) struct Ranked {
    pub slot: u32,
    pub tier: Tier,
    pub score: i64,
    pub overdue: bool,
}

type SortKey = (u8, u8, Tier, Reverse<i32>, Reverse<i64>, u128);

impl Index {
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

    fn line_filter(&self, typed: &str) -> Option<u16> {
        self.lines
            .iter()
            .position(|(id, name)| id.eq_ignore_ascii_case(typed) || name == typed)
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
        let mut memos: Vec<Vec<Memo>> = q
            .terms
            .iter()
            .map(|_| vec![Memo::Unknown; self.texts.len()])
            .collect();
        let mut ranked: Vec<Ranked> = Vec::new();
        let mut pending: Vec<u32> = Vec::new();
        for (slot, rec) in self.records.iter().enumerate() {
            let Some(rec) = rec else { continue };
            if !self.passes(rec, q, line, today) {
                continue;
            }
            match self.direct(rec, &q.terms, &mut memos) {
                Some((tier, score)) => {
                    ranked.push(self.ranked(slot as u32, rec, tier, score, today))
                }
                None => pending.push(slot as u32),
            }
        }
        // Fuzzy hits rank after every other kind, so they are only needed to fill the page.
        if ranked.len() < limit && !pending.is_empty() {
            let mut fuzzy_memos: Vec<Vec<Option<Option<i64>>>> = q
                .terms
                .iter()
                .map(|_| vec![None; self.texts.len()])
                .collect();
            for slot in pending {
                let Some(rec) = &self.records[slot as usize] else {
                    continue;
                };
                if let Some(score) = self.fuzzy_record(rec, &q.terms, &memos, &mut fuzzy_memos) {
                    ranked.push(self.ranked(slot, rec, Tier::Fuzzy, score, today));
                }
            }
        }
        let key = |r: &Ranked| self.sort_key(r);
        if ranked.len() > limit {
            ranked.select_nth_unstable_by_key(limit - 1, key);
            ranked.truncate(limit);
        }
        ranked.sort_by_key(key);
        ranked
            .iter()
            .map(|r| build_hit(self, r, &q.terms))
            .collect()
    }

    fn passes(&self, rec: &Record, q: &Query, line: Option<u16>, today: NaiveDate) -> bool {
        if line.is_some_and(|l| rec.line != l) {
            return false;
        }
        let Some(status) = rec.status else {
            return !q.findings_only();
        };
        let status_ok = match q.status {
            None => true,
            Some(StatusFilter::Open) => status == Status::Open,
            Some(StatusFilter::Rectified) => status == Status::Rectified,
            Some(StatusFilter::Closed) => status == Status::Closed,
            Some(StatusFilter::Overdue) => overdue(rec, today),
        };
        status_ok
            && q.facility.as_ref().is_none_or(|want| {
                rec.text_of(super::index::Field::Facility).is_some_and(|t| {
                    self.texts[t as usize]
                        .original
                        .to_lowercase()
                        .contains(want)
                })
            })
    }

    /// Every term matched contiguously in some field: the worst tier and the summed score.
    fn direct(&self, rec: &Record, terms: &[Term], memos: &mut [Vec<Memo>]) -> Option<(Tier, i64)> {
        let mut tier = Tier::Whole;
        let mut total = 0;
        for (term, memo) in terms.iter().zip(memos.iter_mut()) {
            let mut best: Option<(Tier, i64)> = None;
            let mut all = 0;
            for (field, tid) in rec.fields.iter() {
                let m = &mut memo[*tid as usize];
                if let Memo::Unknown = m {
                    *m = match contiguous(&self.texts[*tid as usize], &self.readings, term) {
                        Some((t, s, _, _)) => Memo::Hit(t, s),
                        None => Memo::None,
                    };
                }
                if let Memo::Hit(t, s) = *m {
                    let s = s * field.weight();
                    all += s;
                    if best.is_none_or(|b| (t, Reverse(s)) < (b.0, Reverse(b.1))) {
                        best = Some((t, s));
                    }
                }
            }
            let (t, s) = best?;
            tier = tier.max(t);
            // The best field counts fully, further matching fields a little (an item whose
            // check text and keywords both match beats one matching in a keyword only).
            total += s + (all - s) / 4;
        }
        Some((tier, total))
    }

    /// Terms that matched directly keep their score; the others must match fuzzily.
    fn fuzzy_record(
        &self,
        rec: &Record,
        terms: &[Term],
        memos: &[Vec<Memo>],
        fuzzy_memos: &mut [Vec<Option<Option<i64>>>],
    ) -> Option<i64> {
        let mut total = 0;
        for (i, term) in terms.iter().enumerate() {
            let mut best: Option<i64> = None;
            for (field, tid) in rec.fields.iter() {
                let score = match memos[i][*tid as usize] {
                    Memo::Hit(_, s) => Some(s),
                    _ => *fuzzy_memos[i][*tid as usize].get_or_insert_with(|| {
                        fuzzy(
                            &self.matcher,
                            &self.texts[*tid as usize],
                            &self.readings,
                            term,
                        )
                        .map(|(s, _)| s)
                    }),
                };
                if let Some(s) = score {
                    let s = s * field.weight();
                    best = Some(best.map_or(s, |b| b.max(s)));
                }
            }
            total += best?;
        }
        Some(total)
    }

    fn ranked(&self, slot: u32, rec: &Record, tier: Tier, score: i64, today: NaiveDate) -> Ranked {
        Ranked {
            slot,
            tier,
            score,
            overdue: overdue(rec, today),
        }
    }

    fn sort_key(&self, r: &Ranked) -> SortKey {
        let rec = self.records[r.slot as usize]
            .as_ref()
            .expect("ranked records are live");
        let (group, recency, tie) = match (&rec.target, rec.status) {
            (Target::Item(_), _) => (0, Reverse(0), rec.day_or_order as u128),
            (Target::Finding(id), status) => {
                let group = match status {
                    _ if r.overdue => 1,
                    Some(Status::Open) | None => 2,
                    Some(Status::Rectified) => 3,
                    Some(Status::Closed) => 4,
                };
                (group, Reverse(rec.day_or_order), id.as_u128())
            }
        };
        let class = match r.tier {
            Tier::Whole | Tier::Substring => 0,
            Tier::Heteronym => 1,
            Tier::Fuzzy => 2,
        };
        (class, group, r.tier, recency, Reverse(r.score), tie)
    }
}

fn overdue(rec: &Record, today: NaiveDate) -> bool {
    rec.status.is_some_and(|s| s != Status::Closed) && rec.due.is_some_and(|d| today > d)
}
