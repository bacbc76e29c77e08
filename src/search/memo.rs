//! Per-text results of matching each query term, kept from one search to the next. Matching
//! a term against a text does not depend on filters or records, so a term the last search
//! had is reused as is, and a term that extends one of its terms (the user typed one more
//! char) only re-checks the texts that term matched: a text no prefix of a term matches
//! directly, the term cannot match directly either.

use super::grams::has;
use super::index::TextId;
use super::matcher::{Term, Tier};
use super::pairs::Need;
use super::plan::{Narrow, Plan, PlanKey};
use super::postings::Postings;
use super::text::Readings;
use std::sync::{Arc, Mutex};

/// Memo values, packed in a u32: 0 not yet computed, 1 no match, else a packed (tier, score).
pub(crate) const UNKNOWN: u32 = 0;
pub(crate) const NO_MATCH: u32 = 1;
/// Fuzzy memo only: the text fails the fuzzy prefilter, so no term extending this one can
/// match it fuzzily either.
pub(crate) const IMPOSSIBLE: u32 = u32::MAX;

/// A match as a memo value.
pub(crate) fn pack(tier: Tier, score: i64) -> u32 {
    2 + ((tier as u32) << 24 | score.clamp(0, 0xff_ffff) as u32)
}

/// One term's memo over every text of the index.
#[derive(Debug, Clone)]
pub(crate) struct TermMemo {
    chars: Vec<char>,
    /// The letter pairs a text must hold to match this term directly (`pairs::Need`).
    pub need: Need,
    pub direct: Vec<u32>,
    /// Made on the first fuzzy pass with this term.
    pub fuzzy: Option<Vec<u32>>,
    /// The only texts this term can match at all, when its chars outside ASCII tell
    /// (`chars`; bitmap over text ids): the fuzzy memo is made `IMPOSSIBLE` elsewhere.
    held: Option<Vec<u64>>,
}

impl TermMemo {
    pub(crate) fn fuzzy_mut(&mut self) -> &mut Vec<u32> {
        let n = self.direct.len();
        let held = &self.held;
        self.fuzzy.get_or_insert_with(|| match held {
            Some(h) => (0..n as TextId)
                .map(|t| if has(h, t) { UNKNOWN } else { IMPOSSIBLE })
                .collect(),
            None => vec![UNKNOWN; n],
        })
    }

    /// Records that this term can match only the texts of `held` (a bitmap over text ids),
    /// directly or fuzzily, nor can any term extending it match another (`chars`): every
    /// other text is marked `NO_MATCH` (direct) and `IMPOSSIBLE` (fuzzy) unmatched.
    pub(crate) fn hold_only(&mut self, held: Vec<u64>) {
        for (t, m) in self.direct.iter_mut().enumerate() {
            if *m == UNKNOWN && !has(&held, t as TextId) {
                *m = NO_MATCH;
            }
        }
        if let Some(fuzzy) = &mut self.fuzzy {
            for (t, m) in fuzzy.iter_mut().enumerate() {
                if *m == UNKNOWN && !has(&held, t as TextId) {
                    *m = IMPOSSIBLE;
                }
            }
        }
        self.held = Some(held);
    }
}

/// The last search's memos, its walk plan and the records it left possible. Cleared whenever
/// the index changes.
#[derive(Debug, Default)]
pub(crate) struct MemoCache {
    last: Mutex<Vec<TermMemo>>,
    /// The plan without filters, kept while filtered plans come and go (a filtered plan is
    /// made from it at the cost of its entries).
    base: Mutex<Option<Arc<Plan>>>,
    /// The last filtered plan.
    filtered: Mutex<Option<Arc<Plan>>>,
    pub(crate) narrow: Mutex<Option<Narrow>>,
    postings: Mutex<Option<Arc<Postings>>>,
}

impl MemoCache {
    pub(crate) fn clear(&mut self) {
        self.last
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        *self.base.get_mut().unwrap_or_else(|e| e.into_inner()) = None;
        *self.filtered.get_mut().unwrap_or_else(|e| e.into_inner()) = None;
        *self.postings.get_mut().unwrap_or_else(|e| e.into_inner()) = None;
        *self.narrow.get_mut().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// The plan for `key`: the unfiltered one (`base_key`, from `make_base`) or one filtered
    /// from it (`filter`), each kept until the index changes or another filter is used.
    pub(crate) fn plan(
        &self,
        key: &PlanKey,
        base_key: &PlanKey,
        make_base: impl FnOnce() -> Plan,
        filter: impl FnOnce(&Plan) -> Plan,
    ) -> Arc<Plan> {
        let base = kept(&self.base, base_key, make_base);
        if key == base_key {
            return base;
        }
        kept(&self.filtered, key, || filter(&base))
    }

    /// Which records hold each text, made on first use after a change.
    pub(crate) fn postings(&self, make: impl FnOnce() -> Postings) -> Arc<Postings> {
        let mut slot = self.postings.lock().unwrap_or_else(|e| e.into_inner());
        slot.get_or_insert_with(|| Arc::new(make())).clone()
    }

    /// The records to walk for `terms` under `plan`, when the last search left them.
    pub(crate) fn narrowed_visits(
        &self,
        plan: &Arc<Plan>,
        terms: &[Vec<char>],
    ) -> Option<Vec<super::plan::Visit>> {
        let mut narrow = self.narrow.lock().unwrap_or_else(|e| e.into_inner());
        narrow
            .take()
            .filter(|n| n.covers(plan, terms))
            .map(|n| n.visits)
    }

    /// Keeps the records this search left possible.
    pub(crate) fn keep_narrow(&self, narrow: Narrow) {
        *self.narrow.lock().unwrap_or_else(|e| e.into_inner()) = Some(narrow);
    }

    /// Memos for `terms` over `texts` texts, from the last search's where it had the term or
    /// a prefix of it.
    pub(crate) fn take(&self, terms: &[Term], texts: usize, r: &Readings) -> Vec<TermMemo> {
        let last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        terms
            .iter()
            .map(|term| {
                let prior = last
                    .iter()
                    .filter(|m| m.direct.len() == texts && term.chars.starts_with(&m.chars))
                    .max_by_key(|m| m.chars.len());
                match prior {
                    Some(m) if m.chars == term.chars => m.clone(),
                    Some(m) => TermMemo {
                        chars: term.chars.clone(),
                        need: Need::of(&term.chars, r),
                        direct: narrowed(&m.direct, NO_MATCH),
                        fuzzy: m.fuzzy.as_ref().map(|f| narrowed(f, IMPOSSIBLE)),
                        held: None,
                    },
                    None => TermMemo {
                        chars: term.chars.clone(),
                        need: Need::of(&term.chars, r),
                        direct: vec![UNKNOWN; texts],
                        fuzzy: None,
                        held: None,
                    },
                }
            })
            .collect()
    }

    /// Keeps this search's memos for the next one.
    pub(crate) fn keep(&self, memos: Vec<TermMemo>) {
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = memos;
    }

    pub(crate) fn bytes(&self) -> usize {
        let last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let base = self.base.lock().unwrap_or_else(|e| e.into_inner());
        let filtered = self.filtered.lock().unwrap_or_else(|e| e.into_inner());
        let postings = self.postings.lock().unwrap_or_else(|e| e.into_inner());
        let narrow = self.narrow.lock().unwrap_or_else(|e| e.into_inner());
        last.iter()
            .map(|m| {
                4 * (m.direct.capacity() + m.fuzzy.as_ref().map_or(0, Vec::capacity))
                    + 8 * m.held.as_ref().map_or(0, Vec::capacity)
            })
            .sum::<usize>()
            + base.as_ref().map_or(0, |p| p.bytes(true))
            + filtered.as_ref().map_or(0, |p| p.bytes(false))
            + postings.as_ref().map_or(0, |p| p.bytes())
            + narrow.as_ref().map_or(0, |n| n.visits.capacity() * 8)
    }

    /// The part of `bytes` the per-text record lists (`postings`) take.
    pub(crate) fn postings_bytes(&self) -> usize {
        let postings = self.postings.lock().unwrap_or_else(|e| e.into_inner());
        postings.as_ref().map_or(0, |p| p.bytes())
    }
}

/// The plan in `slot` if it was made for `key`, else a new one from `make`, kept there.
fn kept(slot: &Mutex<Option<Arc<Plan>>>, key: &PlanKey, make: impl FnOnce() -> Plan) -> Arc<Plan> {
    let mut slot = slot.lock().unwrap_or_else(|e| e.into_inner());
    match &*slot {
        Some(p) if p.key == *key => p.clone(),
        _ => {
            let p = Arc::new(make());
            *slot = Some(p.clone());
            p
        }
    }
}

/// What a longer term still needs to check: only `keep` (a final "no") carries over.
fn narrowed(memo: &[u32], keep: u32) -> Vec<u32> {
    memo.iter()
        .map(|m| if *m == keep { keep } else { UNKNOWN })
        .collect()
}
