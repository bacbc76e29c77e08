//! Matching one query term against one text.
//!
//! A *contiguous* match walks the text from some char: each text char is consumed by the same
//! query char, or (for a char with pinyin) by one of its readings in full, its initial, its
//! two-letter initial (zh/ch/sh), or — at the end of the query — a prefix of a reading. So
//! `mhq`, `miehuoqi`, `miehuoq` and `mie火q` all find 灭火器, and `gl房` finds 锅炉房.
//! Anything else falls back to the fuzzy matcher (subsequence) over the text, its full pinyin
//! and its initials.

use super::text::{Readings, Text, char_bit, is_separator, norm_char};
use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

/// How a term matched, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    /// The match spans a whole word: a field, a keyword, or a run between separators.
    Whole = 0,
    /// A contiguous run of chars (directly or through the common pinyin reading).
    Substring = 1,
    /// Contiguous only through a less common reading of some char (调 read "tiao" in 空调):
    /// wanted for real words, but rare readings also make chance hits, so they rank lower.
    Heteronym = 2,
    /// Chars in order with gaps.
    Fuzzy = 3,
}

/// One term of a query, normalised like the texts.
#[derive(Debug, Clone)]
pub(crate) struct Term {
    pub chars: Vec<char>,
    pub text: String,
    pub bloom: u128,
    pub has_ascii_letter: bool,
    /// The chars as bytes, if all are ASCII (to search the pinyin spellings).
    pub ascii: Option<Vec<u8>>,
    /// Every char is an ASCII letter or digit.
    pub alphanumeric: bool,
}

impl Term {
    pub(crate) fn new(raw: &str) -> Term {
        let chars: Vec<char> = raw.chars().map(norm_char).collect();
        let bloom = chars.iter().fold(0, |b, c| b | char_bit(*c));
        Term {
            text: chars.iter().collect(),
            has_ascii_letter: chars.iter().any(|c| c.is_ascii_lowercase()),
            alphanumeric: chars.iter().all(|c| c.is_ascii_alphanumeric()),
            ascii: chars
                .iter()
                .map(|c| c.is_ascii().then_some(*c as u8))
                .collect(),
            chars,
            bloom,
        }
    }
}

/// Upper bound of recursion steps per start position: backtracking over readings is tiny for
/// real text, the cap only guards against pathological input.
const STEP_BUDGET: u32 = 512;

/// The best contiguous match: (tier, score, start, end) with char positions [start, end).
/// A keystroke tests the text's presence bits (`Index::blooms`) before it calls this.
pub(crate) fn contiguous(t: &Text, r: &Readings, q: &Term) -> Option<(Tier, i64, usize, usize)> {
    let first = *q.chars.first()?;
    let first_bit = if first.is_ascii_lowercase() {
        1u32 << (first as u8 - b'a')
    } else {
        0
    };
    // Most texts a keystroke checks do not match at all: one scan through every reading
    // says so for them, where the common reading's scan and then the other readings' took two
    // (issue 14). Only a text matched somehow needs the common reading's scan for its tier.
    // Other readings only matter for pinyin typed against a char that has them.
    if !(q.has_ascii_letter && t.heteronyms) {
        return scan(t, r, q, first, first_bit, false, &mut false);
    }
    let mut cut = false;
    let any = scan(t, r, q, first, first_bit, true, &mut cut);
    // With its step budget cut, the wider scan may have missed a match the common one finds.
    if any.is_none() && !cut {
        return None;
    }
    scan(t, r, q, first, first_bit, false, &mut false).or(any)
}

/// The best match from any start; `cut` is set when some start ran out of its step budget.
fn scan(
    t: &Text,
    r: &Readings,
    q: &Term,
    first: char,
    first_bit: u32,
    any_reading: bool,
    cut: &mut bool,
) -> Option<(Tier, i64, usize, usize)> {
    let (chars, sets) = (t.chars(), t.sets());
    let n = chars.len();
    let mut best: Option<(Tier, i64, usize, usize)> = None;
    for start in 0..n {
        if chars[start] != first && (r.initials_mask(sets[start]) & first_bit) == 0 {
            continue;
        }
        let mut budget = STEP_BUDGET;
        let found = walk(t, r, &q.chars, start, 0, any_reading, &mut budget);
        *cut |= budget == 0;
        let Some(end) = found else {
            continue;
        };
        let whole = (start == 0 || is_separator(chars[start - 1]))
            && (end == n || is_separator(chars[end]));
        let tier = match (any_reading, whole) {
            (true, _) => Tier::Heteronym,
            (false, true) => Tier::Whole,
            (false, false) => Tier::Substring,
        };
        let score = contiguous_score(start, end, n);
        if best.is_none_or(|b| (tier, -score) < (b.0, -b.1)) {
            best = Some((tier, score, start, end));
            if tier == Tier::Whole && start == 0 {
                break;
            }
        }
    }
    best
}

/// Covering more of a shorter text, and starting earlier, scores higher.
fn contiguous_score(start: usize, end: usize, n: usize) -> i64 {
    let covered = ((end - start) * 1000 / n.max(1)) as i64;
    covered
        + if start == 0 {
            300
        } else {
            100 / (start as i64 + 1)
        }
}

/// Matches q[j..] starting at text char i; returns the end char of the match. Only the first
/// (most common) reading of each char is tried unless `any_reading`.
fn walk(
    t: &Text,
    r: &Readings,
    q: &[char],
    i: usize,
    j: usize,
    any_reading: bool,
    budget: &mut u32,
) -> Option<usize> {
    if j == q.len() {
        return Some(i);
    }
    if i == t.chars().len() || *budget == 0 {
        return None;
    }
    *budget -= 1;
    let qc = q[j];
    if t.chars()[i] == qc
        && let Some(end) = walk(t, r, q, i + 1, j + 1, any_reading, budget)
    {
        return Some(end);
    }
    if !qc.is_ascii_lowercase() {
        return None;
    }
    let rest = &q[j..];
    let readings = r.readings(t.sets()[i]);
    let readings = if any_reading {
        readings
    } else {
        &readings[..readings.len().min(1)]
    };
    for reading in readings {
        if reading[0] != qc as u8 {
            continue;
        }
        let common = reading
            .iter()
            .zip(rest.iter())
            .take_while(|(a, b)| **a as char == **b)
            .count();
        if common == reading.len()
            && let Some(end) = walk(t, r, q, i + 1, j + common, any_reading, budget)
        {
            return Some(end);
        }
        if common == rest.len() && common < reading.len() {
            return Some(i + 1); // the query ends inside this syllable
        }
        let two = matches!(&reading[..], [b'z' | b'c' | b's', b'h', _, ..]);
        if two
            && common >= 2
            && let Some(end) = walk(t, r, q, i + 1, j + 2, any_reading, budget)
        {
            return Some(end);
        }
        if let Some(end) = walk(t, r, q, i + 1, j + 1, any_reading, budget) {
            return Some(end);
        }
    }
    None
}

/// Whether the fuzzy matcher could match this text at all: the query's chars occur in order
/// in the text, its initials or its full pinyin (every spelling it may search, whatever the
/// query). True of a term whenever it is true of a longer term typed after it, so a
/// keystroke that extends the query only re-checks the texts that passed before.
///
/// A term of ASCII letters and digits only needs one scan, of the full pinyin: the initials
/// are a subsequence of it (each is the first letter of its char's syllable), and so are the
/// text's own ASCII letters and digits (spelled as themselves). That one scan is most of the
/// cost of a keystroke whose direct hits do not fill the page (issue 14). A keystroke tests
/// the text's presence bits (`Index::blooms`) first.
pub(crate) fn fuzzy_possible(t: &Text, r: &Readings, q: &Term) -> bool {
    if q.chars.is_empty() {
        return false;
    }
    match &q.ascii {
        Some(a) if q.alphanumeric => t.spelled_has(r, a),
        Some(a) => {
            subsequence(t.chars(), &q.chars)
                || subsequence_in(t.initials_iter(r), a)
                || t.spelled_has(r, a)
        }
        None => subsequence(t.chars(), &q.chars),
    }
}

fn subsequence<T: Copy + PartialEq>(hay: &[T], q: &[T]) -> bool {
    let mut j = 0;
    for h in hay {
        if j == q.len() {
            break;
        }
        if *h == q[j] {
            j += 1;
        }
    }
    j == q.len()
}

/// `subsequence` over bytes made as they are read.
fn subsequence_in(hay: impl Iterator<Item = u8>, q: &[u8]) -> bool {
    let mut j = 0;
    for h in hay {
        if j == q.len() {
            break;
        }
        if h == q[j] {
            j += 1;
        }
    }
    j == q.len()
}

/// Whether `q` occurs as a subsequence of `hay` within some window of `max_span` chars — a
/// necessary condition for the fuzzy matcher's match to be kept (its matched span is such a
/// window), checked without allocating before the matcher runs. The matcher compares
/// ASCII case-insensitively; both sides are already lowercased, so `==` is its test.
fn fits<T: Copy + PartialEq>(hay: &[T], q: &[T], max_span: usize) -> bool {
    let Some(first) = q.first() else {
        return true;
    };
    for start in 0..hay.len() {
        if hay[start] != *first {
            continue;
        }
        let end = (start + max_span).min(hay.len());
        let mut j = 1;
        for h in &hay[start + 1..end] {
            if j == q.len() {
                break;
            }
            if *h == q[j] {
                j += 1;
            }
        }
        if j == q.len() {
            return true;
        }
    }
    false
}

/// The fuzzy fallback: subsequence match over the text, its full pinyin and its initials,
/// kept only when the matched chars lie close together (a query scattered over a long text
/// is chance, not intent). Returns the score and the matched char indices of the text.
pub(crate) fn fuzzy(
    matcher: &SkimMatcherV2,
    t: &Text,
    r: &Readings,
    q: &Term,
) -> Option<(i64, Vec<usize>)> {
    if !fuzzy_possible(t, r, q) {
        return None;
    }
    fuzzy_checked(matcher, t, r, q)
}

/// `fuzzy` for a text that passed `fuzzy_possible`.
pub(crate) fn fuzzy_checked(
    matcher: &SkimMatcherV2,
    t: &Text,
    r: &Readings,
    q: &Term,
) -> Option<(i64, Vec<usize>)> {
    let n = q.chars.len();
    let min = 12 * n as i64;
    let mut best: Option<(i64, Vec<usize>)> = None;
    let mut consider = |hay: &str, max_span: usize, map: Option<&[u32]>| {
        let Some((score, idx)) = matcher.fuzzy_indices(hay, &q.text) else {
            return;
        };
        let span = idx.last().map_or(0, |l| l + 1 - idx[0]);
        if score < min || span > max_span || best.as_ref().is_some_and(|b| score <= b.0) {
            return;
        }
        let mut chars: Vec<usize> = match map {
            Some(map) => idx.iter().map(|b| map[*b] as usize).collect(),
            None => idx,
        };
        chars.dedup();
        best = Some((score, chars));
    };
    if fits(t.chars(), &q.chars, 2 * n) {
        consider(&t.normalised(), 2 * n, None);
    }
    // Both spellings are ASCII (char i of them is byte i): a query char outside ASCII
    // matches neither.
    if q.has_ascii_letter
        && t.pinyin
        && let Some(ascii) = &q.ascii
    {
        let initials = t.initials(r);
        if fits(initials.as_bytes(), ascii, n + n / 2 + 1) {
            consider(&initials, n + n / 2 + 1, None);
        }
        let (full, map) = t.full_pinyin(r);
        if fits(full.as_bytes(), ascii, n + n / 2 + 2) {
            consider(&full, n + n / 2 + 2, Some(&map));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(text: &str, query: &str) -> Option<(Tier, usize, usize)> {
        let mut r = Readings::new();
        let t = Text::new(text, &mut r);
        contiguous(&t, &r, &Term::new(query)).map(|(tier, _, s, e)| (tier, s, e))
    }

    #[test]
    fn pinyin_initials_full_and_partial_syllables() {
        assert_eq!(find("灭火器", "mhq"), Some((Tier::Whole, 0, 3)));
        assert_eq!(find("灭火器", "miehuoqi"), Some((Tier::Whole, 0, 3)));
        assert_eq!(find("灭火器", "miehuoq"), Some((Tier::Whole, 0, 3)));
        assert_eq!(find("灭火器", "mieh"), Some((Tier::Substring, 0, 2)));
        assert_eq!(find("过期的灭火器", "mhq"), Some((Tier::Substring, 3, 6)));
        assert_eq!(find("配电室", "pds"), Some((Tier::Whole, 0, 3)));
        assert_eq!(find("氧气瓶", "yqp"), Some((Tier::Whole, 0, 3)));
        assert_eq!(find("中心", "zhx"), Some((Tier::Whole, 0, 2)));
    }

    /// One scan through every reading first gives what the common reading's scan, then the
    /// other readings', gave: for every substring of every spelling of some texts, against
    /// every text.
    #[test]
    fn one_wide_scan_first_decides_as_the_two_scans_did() {
        let sources = [
            "空调机房",
            "医院方的施工",
            "食堂燃气管道未固定，status 不明",
            "配电室门口堆放纸箱（12号）",
            "stat 监测仪未校准",
            "中心供氧站调压阀",
            "绿色通道",
        ];
        let mut r = Readings::new();
        let texts: Vec<Text> = sources.iter().map(|s| Text::new(s, &mut r)).collect();
        let (mut tried, mut matched) = (0, 0);
        for source in &texts {
            for s in [source.initials(&r).into_bytes(), source.spelled(&r)] {
                for a in 0..s.len() {
                    for b in a + 1..=s.len().min(a + 10) {
                        let q = Term::new(&String::from_utf8_lossy(&s[a..b]));
                        let Some(&first) = q.chars.first() else {
                            continue;
                        };
                        let bit = if first.is_ascii_lowercase() {
                            1u32 << (first as u8 - b'a')
                        } else {
                            0
                        };
                        for t in &texts {
                            let two =
                                scan(t, &r, &q, first, bit, false, &mut false).or_else(|| {
                                    (q.has_ascii_letter && t.heteronyms)
                                        .then(|| scan(t, &r, &q, first, bit, true, &mut false))
                                        .flatten()
                                });
                            let two = two.filter(|_| t.bloom(&r) & q.bloom == q.bloom);
                            assert_eq!(contiguous(t, &r, &q), two, "{} / {}", t.original(), q.text);
                            tried += 1;
                            matched += usize::from(two.is_some());
                        }
                    }
                }
            }
        }
        assert!(matched > 500 && tried > 5 * matched, "{matched} of {tried}");
    }

    #[test]
    fn mixed_chinese_and_pinyin() {
        assert_eq!(find("燃气锅炉房", "gl房"), Some((Tier::Substring, 2, 5)));
        assert_eq!(find("燃气锅炉房", "guolu房"), Some((Tier::Substring, 2, 5)));
        assert_eq!(find("燃气锅炉房", "gl厨"), None);
    }

    #[test]
    fn heteronyms_match_either_reading_but_rank_lower() {
        assert_eq!(find("空调机房", "kongtiao"), Some((Tier::Heteronym, 0, 2)));
        assert_eq!(find("空调机房", "ktjf"), Some((Tier::Heteronym, 0, 4)));
        assert_eq!(find("空调机房", "kdjf"), Some((Tier::Whole, 0, 4)));
        // 方 also reads "pang": a chance hit, not a direct one.
        assert_eq!(
            find("医院方的施工", "pds").map(|m| m.0),
            Some(Tier::Heteronym)
        );
    }

    #[test]
    fn whole_words_between_separators() {
        assert_eq!(
            find("门诊楼，配电室", "配电室").map(|m| m.0),
            Some(Tier::Whole)
        );
        assert_eq!(
            find("配电室门口", "配电室").map(|m| m.0),
            Some(Tier::Substring)
        );
        assert_eq!(
            find("PM2.5 Sensor", "sensor").map(|m| m.0),
            Some(Tier::Whole)
        );
    }

    /// The one scan of the full pinyin decides as the three scans (chars, initials, full
    /// pinyin) did, for every spelling and every scattering of letters tried.
    #[test]
    fn fuzzy_possible_agrees_with_scanning_every_spelling() {
        let mut r = Readings::new();
        let texts = [
            "灭火器压力不足（12号）",
            "PM2.5 Sensor 室",
            "stat 监测仪未校准",
            "空调机房",
            "绿色通道",
            "ABC",
            "",
        ];
        let texts: Vec<Text> = texts.iter().map(|t| Text::new(t, &mut r)).collect();
        let queries = [
            "mhq", "miehuoqi", "stat", "pm25", "pm2.5", "sensor", "12hao", "12h", "kt", "ktjf",
            "lvsetd", "lstd", "abc", "a", "zz", "qx", "灭器", "s室",
        ];
        let mut agreed = 0;
        for t in &texts {
            for q in queries {
                let q = Term::new(q);
                let three = t.bloom(&r) & q.bloom == q.bloom
                    && (subsequence(t.chars(), &q.chars)
                        || q.ascii.as_ref().is_some_and(|a| {
                            subsequence(t.initials(&r).as_bytes(), a)
                                || subsequence(&t.spelled(&r), a)
                        }));
                assert_eq!(
                    fuzzy_possible(t, &r, &q),
                    three,
                    "{} / {}",
                    t.original(),
                    q.text
                );
                agreed += usize::from(three);
            }
        }
        assert!(agreed > 15, "{agreed} possible pairs");
    }

    #[test]
    fn fuzzy_tolerates_a_dropped_letter_or_char() {
        let mut r = Readings::new();
        let t = Text::new("灭火器压力不足", &mut r);
        let m = SkimMatcherV2::default();
        let (_, idx) = fuzzy(&m, &t, &r, &Term::new("mihuoqi")).expect("pinyin typo");
        assert_eq!(idx, vec![0, 1, 2]);
        let (_, idx) = fuzzy(&m, &t, &r, &Term::new("灭器")).expect("gap");
        assert_eq!(idx, vec![0, 2]);
        assert!(fuzzy(&m, &t, &r, &Term::new("xyz")).is_none());
        // Letters scattered over the whole pinyin are not a match.
        assert!(fuzzy(&m, &t, &r, &Term::new("mz")).is_none());
    }
}
