//! Filtering a short pick list as a person types (the 部位 picker, facility and place
//! choices of the register forms): every term of the query must match each kept text the
//! way search matches (Chinese, full pinyin, initials or a mix; `pds` finds 配电室), best
//! first. Built per call: a pick list holds tens to a few hundred short names.

use super::matcher::{Term, Tier, contiguous, fuzzy};
use super::text::{Readings, Text};
use fuzzy_matcher::skim::SkimMatcherV2;

/// Indices into `texts` of the ones every whitespace-separated term of `query` matches,
/// best first (a whole-word or contiguous match before a fuzzy one, then by score, then in
/// list order). An empty query keeps every text in list order.
pub fn pick(query: &str, texts: &[String]) -> Vec<usize> {
    let terms: Vec<Term> = query.split_whitespace().map(Term::new).collect();
    if terms.is_empty() {
        return (0..texts.len()).collect();
    }
    let mut readings = Readings::new();
    let matcher = SkimMatcherV2::default();
    let mut kept: Vec<(Tier, i64, usize)> = Vec::new();
    'texts: for (i, s) in texts.iter().enumerate() {
        let t = Text::new(s, &mut readings);
        let bloom = t.bloom(&readings);
        let (mut worst, mut score) = (Tier::Whole, 0i64);
        for q in &terms {
            // A char the text lacks: no match either way.
            if bloom & q.bloom != q.bloom {
                continue 'texts;
            }
            let (tier, sc) = match contiguous(&t, &readings, q) {
                Some((tier, sc, _, _)) => (tier, sc),
                None => match fuzzy(&matcher, &t, &readings, q) {
                    Some((sc, _)) => (Tier::Fuzzy, sc),
                    None => continue 'texts,
                },
            };
            worst = worst.max(tier);
            score += sc;
        }
        kept.push((worst, -score, i));
    }
    kept.sort();
    kept.into_iter().map(|(_, _, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::pick;

    fn names() -> Vec<String> {
        [
            "门诊楼/1层/配电室",
            "住院楼/氧气储瓶间",
            "门诊楼/2层/药房",
            "后勤楼/锅炉房",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    #[test]
    fn chinese_pinyin_and_initials_find_the_place() {
        assert_eq!(pick("配电", &names()), vec![0]);
        assert_eq!(pick("peidian", &names()), vec![0]);
        assert_eq!(pick("pds", &names()), vec![0]);
        assert_eq!(pick("yqcp", &names()), vec![1]);
        assert_eq!(pick("门诊 yf", &names()), vec![2]);
        assert_eq!(pick("", &names()), vec![0, 1, 2, 3]);
        assert!(pick("消防水池", &names()).is_empty());
    }
}
