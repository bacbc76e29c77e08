//! Texts first (issue 14): when one term of the query can match only a few texts directly,
//! those texts are found by a pass over the dense per-text filters (`bloom`, `pairs`), and
//! only the records holding one of them are walked for direct hits, instead of every record
//! the filters pass. With 100,000 findings whose descriptions all differ, that is the
//! difference between checking 200,000 texts on a keystroke and checking a few thousand.
//!
//! A record none of whose fields the term matches directly cannot be a direct hit, so the
//! walk over the candidates finds exactly the direct hits the full walk would, in the same
//! order. When they do not fill the page, the caller falls back to the full walk, whose
//! fuzzy pass needs every record.

use super::index::{Index, TextId};
use super::matcher::Term;
use super::memo::{NO_MATCH, TermMemo, UNKNOWN};
use super::pairs::Need;
use super::plan::{NOT_HERE, Plan, Visit};
use super::postings::Postings;
use super::text::Text;

/// The records a texts-first search walks, and for each the heaviest field weight any of it
/// and the records after it can be a hit in.
pub(crate) struct Candidates {
    pub visits: Vec<Visit>,
    /// `caps[i]`: no record of `visits[i..]` is a hit weighing more (`rank::walk_direct`).
    pub caps: Vec<i64>,
}

/// A record's weight in the ranking is, for each term, the heaviest field that term matched
/// (by its best kind of match), and the least of these over the terms: so it is at most the
/// heaviest field the selective term matched, which its complete memo tells. Taken as a
/// running maximum from the end, it lets the walk over the candidates close as soon as the
/// page holds hits that no later candidate can outweigh: after `配电室` the records whose
/// description names 配电室 are few, those only at 配电室 (a location) weigh less.
fn weight_caps(plan: &Plan, visits: &[Visit], memo: &TermMemo) -> Vec<i64> {
    let mut caps = vec![0; visits.len()];
    let mut later = 0;
    for (i, v) in visits.iter().enumerate().rev() {
        for ft in plan.fields(plan.entry(*v)) {
            if memo.direct[ft.text() as usize] > NO_MATCH {
                later = later.max(ft.field().weight());
            }
        }
        caps[i] = later;
    }
    caps
}

/// At most this many texts are matched in full for the texts-first way; past it the term is
/// not selective enough, and the walk (which may close early) is the better way.
/// Small in tests, so the oracle test (`rank`) goes through matching every text as well.
const MAX_CHECKS: usize = if cfg!(test) { 300 } else { 6_000 };

/// Every this many texts `match_all_texts` asks whether it is on course to pass
/// `MAX_CHECKS`.
const CHECKPOINT: usize = 4096;

/// How strongly a term narrows the texts before matching: its cross pairs, and its chars
/// outside ASCII (each a bit of the bloom that few texts share).
fn selectivity(term: &Term, memo: &TermMemo) -> u32 {
    let pairs = memo.need.cross_pairs;
    let others = term.chars.iter().filter(|c| !c.is_ascii()).count() as u32;
    2 * pairs + others
}

impl Index {
    /// Whether text `t` passes the dense filters (`bloom`, `pairs`) of a term with `need`.
    fn may_match(&self, t: usize, term: &Term, need: &Need) -> bool {
        self.blooms[t] & term.bloom == term.bloom && need.admits(&self.seams[t], self.inners[t])
    }

    /// The records of `visits` (in walk order) that can match every term of the query
    /// directly, when some term narrows the texts enough; its memo is then complete. None
    /// when no term does (the caller walks `visits`). `limited`: give up past `MAX_CHECKS`
    /// texts matched in full (else every text the filters pass is matched).
    pub(crate) fn direct_candidates(
        &self,
        plan: &Plan,
        visits: &[Visit],
        narrowed: bool,
        terms: &[Term],
        memos: &mut [TermMemo],
        limited: bool,
    ) -> Option<Candidates> {
        let (at, score) = terms
            .iter()
            .zip(memos.iter())
            .map(|(t, m)| selectivity(t, m))
            .enumerate()
            .max_by_key(|(i, s)| (*s, std::cmp::Reverse(*i)))?;
        // The walk reads about 6 memos per record; the texts-first way reads every text once.
        // After a few keystrokes the records left to walk are few, and walking them is cheaper.
        let walk_is_cheaper = narrowed && visits.len() * 6 < self.texts.len();
        if score == 0 || walk_is_cheaper || walk_only() {
            return None;
        }
        let matched = self.match_all_texts(&terms[at], &mut memos[at], limited)?;
        let postings = self.memos.postings(|| Postings::of(self));
        let positions = plan.positions(self.hot.len());
        let mut hit = vec![0u64; plan.len().div_ceil(64)];
        for t in matched {
            for slot in postings.slots(t as usize) {
                let p = positions[slot as usize];
                if p != NOT_HERE {
                    hit[p as usize / 64] |= 1 << (p % 64);
                }
            }
        }
        let is_hit = |p: u32| hit[p as usize / 64] & (1 << (p % 64)) != 0;
        let visits: Vec<Visit> = if narrowed {
            let starts = plan.group_starts();
            visits
                .iter()
                .copied()
                .filter(|v| is_hit(starts[v.group as usize] + v.pos))
                .collect()
        } else {
            plan.visits_at(ones(&hit))
        };
        let caps = weight_caps(plan, &visits, &memos[at]);
        Some(Candidates { visits, caps })
    }

    /// The walk positions (bitmap over `plan`) of the only records that can match the query
    /// (`terms`, memos `memos`), directly or fuzzily, when some term has chars outside ASCII:
    /// for each such term, a record must hold a text holding all of them (`chars`). The
    /// memos of those terms learn which texts they cannot match (`TermMemo::hold_only`).
    /// None when no term has such chars.
    pub(crate) fn records_with_chars(
        &self,
        plan: &Plan,
        terms: &[Term],
        memos: &mut [TermMemo],
    ) -> Option<Vec<u64>> {
        let mut out: Option<Vec<u64>> = None;
        for (term, memo) in terms.iter().zip(memos.iter_mut()) {
            let Some(held) = self.chars.candidates(&term.chars, self.texts.len()) else {
                continue;
            };
            let here = self.records_holding(plan, &held);
            memo.hold_only(held);
            match &mut out {
                Some(all) => all.iter_mut().zip(&here).for_each(|(a, b)| *a &= b),
                None => out = Some(here),
            }
        }
        out
    }

    /// The walk positions (bitmap over `plan`) of the records holding a text of `texts` (a
    /// bitmap over text ids).
    pub(crate) fn records_holding(&self, plan: &Plan, texts: &[u64]) -> Vec<u64> {
        let postings = self.memos.postings(|| Postings::of(self));
        let positions = plan.positions(self.hot.len());
        let mut hit = vec![0u64; plan.len().div_ceil(64)];
        for t in ones(texts) {
            for slot in postings.slots(t as usize) {
                let p = positions[slot as usize];
                if p != NOT_HERE {
                    hit[p as usize / 64] |= 1 << (p % 64);
                }
            }
        }
        hit
    }

    /// Completes `memo`'s direct matches over every text and gives the texts matched; None
    /// (the memo kept as far as it got) when `limited` and more than `MAX_CHECKS` texts pass
    /// the dense filters. Those filters are read first, for every text, so a term that has
    /// too many texts to match gives up before matching any (issue 14: 「st」 matched 5,450
    /// texts one by one in 4.6 ms before it gave up, then closed within a walk of 4,845
    /// records); the texts that pass are then matched in one go (`match_texts`).
    fn match_all_texts(
        &self,
        term: &Term,
        memo: &mut TermMemo,
        limited: bool,
    ) -> Option<Vec<TextId>> {
        let texts = memo.direct.len();
        let mut todo = Vec::new();
        for (t, m) in memo.direct.iter_mut().enumerate() {
            // The texts passing so far foretell the total: a term bound to pass
            // `MAX_CHECKS` gives up at the first checkpoint rather than at the limit.
            if limited && t > 0 && t % CHECKPOINT == 0 && todo.len() * texts > MAX_CHECKS * t {
                return None;
            }
            if *m == UNKNOWN {
                if self.may_match(t, term, &memo.need) {
                    todo.push(t as TextId);
                    if limited && todo.len() > MAX_CHECKS {
                        return None;
                    }
                } else {
                    *m = NO_MATCH;
                }
            }
        }
        Some(self.match_texts(term, memo, &todo))
    }

    /// Sets `memo[t] = value(t)` for each text `t` of `todo` (ascending), asking for each
    /// text's fields and then (`ahead`) what `value` reads of it a few texts ahead. Many
    /// texts are split between this thread and one more (the machines run two cores or more;
    /// each value depends on its text alone); should no thread start, this one does all.
    pub(crate) fn fill(
        &self,
        memo: &mut [u32],
        todo: &[TextId],
        ahead: impl Fn(&Text) + Sync,
        value: impl Fn(TextId) -> u32 + Sync,
    ) {
        // `memo` holds the values of texts `base..`.
        let run = |memo: &mut [u32], todo: &[TextId], base: usize| {
            for (i, &t) in todo.iter().enumerate() {
                if let Some(&a) = todo.get(i + 2 * AHEAD) {
                    self.texts[a as usize].prefetch_fields();
                }
                if let Some(&a) = todo.get(i + AHEAD) {
                    ahead(&self.texts[a as usize]);
                }
                memo[t as usize - base] = value(t);
            }
        };
        if todo.len() < ONE_THREAD {
            return run(memo, todo, 0);
        }
        let mid = todo.len() / 2;
        let split = todo[mid] as usize;
        let (low, high) = memo.split_at_mut(split);
        let started = std::thread::scope(|s| {
            let other =
                std::thread::Builder::new().spawn_scoped(s, || run(high, &todo[mid..], split));
            run(low, &todo[..mid], 0);
            other.is_ok()
        });
        if !started {
            run(&mut memo[split..], &todo[mid..], split);
        }
    }

    /// Matches the texts `todo` (ascending, each one's memo unknown), each one's chars asked
    /// for a few texts ahead (issue 14: a check waited on memory for most of its 0.5 µs), and
    /// gives every text the memo holds a match for.
    fn match_texts(&self, term: &Term, memo: &mut TermMemo, todo: &[TextId]) -> Vec<TextId> {
        let need = &memo.need;
        self.fill(&mut memo.direct, todo, Text::prefetch_chars, |t| {
            self.direct_value(t, term, need)
        });
        memo.direct
            .iter()
            .enumerate()
            .filter(|(_, m)| **m > NO_MATCH)
            .map(|(t, _)| t as TextId)
            .collect()
    }
}

/// Texts `Index::fill` matches on one thread; more are split between two.
const ONE_THREAD: usize = if cfg!(test) { 64 } else { 4096 };

/// How many texts ahead a loop over texts asks for a text's chars (and twice as far, for
/// the text itself): `match_texts`, `rank::prefill_fuzzy`.
pub(crate) const AHEAD: usize = 8;

#[cfg(test)]
thread_local! {
    /// Tests compare the texts-first way with the plain walk.
    pub(crate) static WALK_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(test)]
fn walk_only() -> bool {
    WALK_ONLY.with(|w| w.get())
}

#[cfg(not(test))]
fn walk_only() -> bool {
    false
}

/// The positions of the set bits, ascending.
pub(crate) fn ones(bits: &[u64]) -> impl Iterator<Item = u32> + '_ {
    bits.iter().enumerate().flat_map(|(w, word)| {
        let mut word = *word;
        std::iter::from_fn(move || {
            if word == 0 {
                return None;
            }
            let b = word.trailing_zeros();
            word &= word - 1;
            Some(w as u32 * 64 + b)
        })
    })
}
