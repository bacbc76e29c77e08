//! The least rank key a record can still have, from what the memos already know (issue 14).
//!
//! Once the page is full, a record matters only if it can rank before the page's worst hit.
//! The key (`rank::SortKey`) starts with the kind of match and the weakest term's field weight;
//! the texts a memo already decided give those exactly, and a text not yet matched can at best
//! be a hit in its own field, whole-word only if it has a word no longer than the term
//! (`Text::shortest_word`). So a record is matched one text at a time, heaviest field first,
//! and dropped as soon as what is left of it cannot enter the page: after 「sta」, whose page
//! holds hits at 食堂 (a place, weight 8), a later record needs its description (weight 10)
//! matched, never its measures; after 「配电室 li」 a record whose description lacks 配电室
//! (known from the per-char lists, `chars`) is dropped unmatched.

use super::index::{FieldText, Index};
use super::matcher::{Term, Tier};
use super::memo::{IMPOSSIBLE, NO_MATCH, TermMemo, UNKNOWN};
use super::rank::{SortKey, class_of, tier_of};

/// What the walk learnt of one record.
pub(crate) enum Lazily {
    /// Every term matched directly: match it in full (`Index::direct`).
    Match,
    /// Some term matches none of its texts directly.
    Miss,
    /// It cannot rank before the page's worst hit, whatever its texts not yet matched hold.
    PassedOver,
}

/// The least key of a record with this class, weight, group, tier and recency.
fn least(tier: Tier, weight: i64, group: u8, recency: i32) -> SortKey {
    super::rank::least_key_of(class_of(tier), weight, group, tier, recency)
}

impl Index {
    /// The least key the record with `fields` can have as a direct hit, from the known memo
    /// values and, for each text not yet matched, its field weight and words; None when some
    /// term is known to match none of them directly.
    fn direct_bound(
        &self,
        fields: &[FieldText],
        terms: &[Term],
        memos: &[TermMemo],
        group: u8,
        recency: i32,
    ) -> Option<SortKey> {
        let mut tier = Tier::Whole;
        let mut weight = i64::MAX;
        for (term, memo) in terms.iter().zip(memos) {
            let n = term.chars.len();
            // The best tier any of its texts may give, and the heaviest field it may be in.
            let mut best: Option<Tier> = None;
            let mut heaviest = 0;
            for ft in fields {
                let t = ft.text() as usize;
                let here = match memo.direct[t] {
                    NO_MATCH => continue,
                    UNKNOWN if usize::from(self.words[t]) <= n => Tier::Whole,
                    UNKNOWN => Tier::Substring,
                    m => tier_of(m),
                };
                best = Some(best.map_or(here, |b| b.min(here)));
                heaviest = heaviest.max(ft.field().weight());
            }
            tier = tier.max(best?);
            weight = weight.min(heaviest);
        }
        Some(least(tier, weight, group, recency))
    }

    /// Matches the record's texts directly, heaviest field first (each term in turn), only
    /// as long as it may still rank before `worst` (the page's worst hit; None while the page
    /// is not full, when everything is matched).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn direct_lazily(
        &self,
        fields: &[FieldText],
        terms: &[Term],
        memos: &mut [TermMemo],
        group: u8,
        recency: i32,
        worst: Option<&SortKey>,
    ) -> Lazily {
        let Some(worst) = worst else {
            return Lazily::Match;
        };
        loop {
            match self.direct_bound(fields, terms, memos, group, recency) {
                None => return Lazily::Miss,
                Some(least) if least >= *worst => return Lazily::PassedOver,
                Some(_) => {}
            }
            // The first term with a text not yet matched, its heaviest such field.
            let next = terms
                .iter()
                .zip(memos.iter())
                .enumerate()
                .find_map(|(k, (_, m))| {
                    fields
                        .iter()
                        .filter(|ft| m.direct[ft.text() as usize] == UNKNOWN)
                        .max_by_key(|ft| ft.field().weight())
                        .map(|ft| (k, ft.text()))
                });
            let Some((k, t)) = next else {
                return Lazily::Match;
            };
            let memo = &mut memos[k];
            memo.direct[t as usize] = self.direct_value(t, &terms[k], &memo.need);
        }
    }

    /// The least key the record with `fields` can have as a fuzzy hit: each term counts only
    /// in the fields it matches directly or may match fuzzily (fuzzy memo not decided, or a
    /// match).
    pub(crate) fn fuzzy_bound(
        &self,
        fields: &[FieldText],
        memos: &[TermMemo],
        group: u8,
        recency: i32,
    ) -> SortKey {
        let mut weight = i64::MAX;
        for memo in memos {
            let mut heaviest = 0;
            for ft in fields {
                let t = ft.text() as usize;
                let may = memo.direct[t] > NO_MATCH
                    || memo
                        .fuzzy
                        .as_ref()
                        .is_none_or(|f| !matches!(f[t], NO_MATCH | IMPOSSIBLE));
                if may {
                    heaviest = heaviest.max(ft.field().weight());
                }
            }
            weight = weight.min(heaviest);
        }
        least(Tier::Fuzzy, weight, group, recency)
    }
}
