//! Per-text results of matching each query term, kept from one search to the next. Matching
//! a term against a text does not depend on filters or records, so a term the last search
//! had is reused as is, and a term that extends one of its terms (the user typed one more
//! char) only re-checks the texts that term matched: a text no prefix of a term matches
//! directly, the term cannot match directly either.

use super::matcher::Term;
use super::plan::{Narrow, Plan};
use std::sync::{Arc, Mutex};

/// Memo values, packed in a u32: 0 not yet computed, 1 no match, else a packed (tier, score).
pub(crate) const UNKNOWN: u32 = 0;
pub(crate) const NO_MATCH: u32 = 1;
/// Fuzzy memo only: the text fails the fuzzy prefilter, so no term extending this one can
/// match it fuzzily either.
pub(crate) const IMPOSSIBLE: u32 = u32::MAX;

/// One term's memo over every text of the index.
#[derive(Debug, Clone)]
pub(crate) struct TermMemo {
    chars: Vec<char>,
    pub direct: Vec<u32>,
    /// Made on the first fuzzy pass with this term.
    pub fuzzy: Option<Vec<u32>>,
}

impl TermMemo {
    pub(crate) fn fuzzy_mut(&mut self) -> &mut Vec<u32> {
        let n = self.direct.len();
        self.fuzzy.get_or_insert_with(|| vec![UNKNOWN; n])
    }
}

/// The last search's memos, its walk plan and the records it left possible. Cleared whenever
/// the index changes.
#[derive(Debug, Default)]
pub(crate) struct MemoCache {
    last: Mutex<Vec<TermMemo>>,
    plan: Mutex<Option<Arc<Plan>>>,
    pub(crate) narrow: Mutex<Option<Narrow>>,
}

impl MemoCache {
    pub(crate) fn clear(&mut self) {
        self.last
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        *self.plan.get_mut().unwrap_or_else(|e| e.into_inner()) = None;
        *self.narrow.get_mut().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// The last plan, if it was made for these filters; else a new one from `make`, kept.
    pub(crate) fn plan(
        &self,
        key: &super::plan::PlanKey,
        make: impl FnOnce() -> Plan,
    ) -> Arc<Plan> {
        let mut slot = self.plan.lock().unwrap_or_else(|e| e.into_inner());
        match &*slot {
            Some(p) if p.key == *key => p.clone(),
            _ => {
                let p = Arc::new(make());
                *slot = Some(p.clone());
                p
            }
        }
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
    pub(crate) fn take(&self, terms: &[Term], texts: usize) -> Vec<TermMemo> {
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
                        direct: narrowed(&m.direct, NO_MATCH),
                        fuzzy: m.fuzzy.as_ref().map(|f| narrowed(f, IMPOSSIBLE)),
                    },
                    None => TermMemo {
                        chars: term.chars.clone(),
                        direct: vec![UNKNOWN; texts],
                        fuzzy: None,
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
        let plan = self.plan.lock().unwrap_or_else(|e| e.into_inner());
        let narrow = self.narrow.lock().unwrap_or_else(|e| e.into_inner());
        last.iter()
            .map(|m| 4 * (m.direct.capacity() + m.fuzzy.as_ref().map_or(0, Vec::capacity)))
            .sum::<usize>()
            + plan.as_ref().map_or(0, |p| p.bytes())
            + narrow.as_ref().map_or(0, |n| n.visits.capacity() * 8)
    }
}

/// What a longer term still needs to check: only `keep` (a final "no") carries over.
fn narrowed(memo: &[u32], keep: u32) -> Vec<u32> {
    memo.iter()
        .map(|m| if *m == keep { keep } else { UNKNOWN })
        .collect()
}
