//! Posting bitmaps for the fuzzy pass (issue 14): for each ordered pair of letters (digits
//! count as one symbol), the texts holding that pair close together, so a keystroke finds
//! the few texts an ASCII term can match fuzzily by intersecting a handful of bitmaps
//! instead of scanning the pinyin of every text.
//!
//! Why it is sound: the fuzzy matcher (`matcher::fuzzy_checked`) keeps a match only when the
//! term's chars occur in order within a window of one of three spellings — the chars
//! themselves (`2n` chars wide for a term of n chars), the initials (`n + n/2 + 1`) or the
//! full pinyin (`n + n/2 + 2`). Within a window of width W, two chars of the term d apart
//! (d = 1: adjacent) lie at most `W - n + d` apart, so for the pinyin at most `n/2 + 2 + d`.
//! A text's pairs are taken from its initials and its full pinyin up to `GAP` apart, and from
//! its own ASCII letters and digits at any distance; a term of up to `MAX_TERM` chars whose
//! pairs of chars close enough in it (`max_apart`) are not all among a text's pairs cannot
//! match that text fuzzily. The test says nothing about longer
//! terms, nor about what a longer term may match: it never marks a text impossible
//! (`memo::IMPOSSIBLE`), it only spares the matcher.

use super::index::TextId;
use super::text::{Readings, Text};

/// How far apart (in bytes of the initials or the full pinyin) two letters are taken as a pair.
const GAP: usize = 8;

/// The longest term the pairs decide for: its window on the full pinyin keeps adjacent
/// chars at most `n/2 + 3 <= GAP` apart.
pub(crate) const MAX_TERM: usize = 2 * (GAP - 3) + 1;

/// 26 letters and one symbol for all digits.
const SYMBOLS: usize = 27;

fn symbol(b: u8) -> Option<usize> {
    match b {
        b'a'..=b'z' => Some((b - b'a') as usize),
        b'0'..=b'9' => Some(26),
        _ => None,
    }
}

/// Per pair, a bitmap over text ids (bit t of word t / 64); a pair no text has yet holds an
/// empty vector, and a bitmap shorter than the texts reads as zeros past its end. Made as
/// texts are interned (a text's pairs cost about as much as its pinyin did), so a sealed
/// index file needs no new bytes: its texts are interned again on load.
#[derive(Debug)]
pub(crate) struct Grams {
    maps: Vec<Vec<u64>>,
    /// Texts `0..built` are in the maps.
    built: usize,
    /// Texts a load said it will add (`reserve`): a map is made that long at once.
    expect: usize,
}

impl Default for Grams {
    fn default() -> Grams {
        Grams {
            maps: vec![Vec::new(); SYMBOLS * SYMBOLS],
            built: 0,
            expect: 0,
        }
    }
}

impl Grams {
    /// Room for `n` more texts. A map grown a text at a time doubles as it goes, and held
    /// half again its bytes unused at the end (issue 14, 176,000 distinct texts: 23.2 MB
    /// for 15.3 MB of bitmaps); told the total, each map takes its full length when it is
    /// first written (nearly every pair's last text is among the last texts).
    pub(crate) fn reserve(&mut self, n: usize) {
        self.expect = self.built + n;
    }

    /// Adds the next text (its id is the number of texts added before it).
    pub(crate) fn push(&mut self, text: &Text, readings: &Readings) {
        let id = self.built;
        for (w, word) in pairs_of(text, readings).iter().enumerate() {
            let mut word = *word;
            while word != 0 {
                let g = w * 64 + word.trailing_zeros() as usize;
                word &= word - 1;
                let map = &mut self.maps[g];
                if map.len() <= id / 64 {
                    if map.capacity() == 0 && self.expect > id {
                        map.reserve_exact(self.expect.div_ceil(64));
                    }
                    map.resize(id / 64 + 1, 0);
                }
                map[id / 64] |= 1 << (id % 64);
            }
        }
        self.built += 1;
    }

    /// The texts (bitmap over `texts` ids) the term `chars` may match fuzzily, or None when
    /// the pairs cannot tell: a term of one char, of more than `MAX_TERM`, or with a char that
    /// is not an ASCII letter or digit.
    pub(crate) fn candidates(&self, chars: &[char], texts: usize) -> Option<Vec<u64>> {
        if chars.len() < 2 || chars.len() > MAX_TERM || texts > self.built {
            return None;
        }
        let symbols: Option<Vec<usize>> = chars
            .iter()
            .map(|c| c.is_ascii().then_some(*c as u8).and_then(symbol))
            .collect();
        let symbols = symbols?;
        let mut out = vec![u64::MAX; texts.div_ceil(64)];
        let mut used = Vec::new();
        for (i, a) in symbols.iter().enumerate() {
            for b in symbols[i + 1..].iter().take(max_apart(symbols.len())) {
                let g = a * SYMBOLS + b;
                if used.contains(&g) {
                    continue;
                }
                used.push(g);
                let map = &self.maps[g];
                for (w, word) in out.iter_mut().enumerate() {
                    *word &= map.get(w).copied().unwrap_or(0);
                }
            }
        }
        if let Some(last) = out.last_mut()
            && !texts.is_multiple_of(64)
        {
            *last &= (1u64 << (texts % 64)) - 1;
        }
        Some(out)
    }

    /// Heap bytes held.
    pub(crate) fn bytes(&self) -> usize {
        self.maps.capacity() * std::mem::size_of::<Vec<u64>>()
            + self.maps.iter().map(|m| m.capacity() * 8).sum::<usize>()
    }
}

/// How many chars apart (1 = adjacent) two chars of a term of `n` chars may be and still
/// be a pair every text it matches fuzzily holds. In a window of W bytes holding the n
/// matched ones, chars i and i + d lie at most `W - n + d` apart; the widest window is the
/// full pinyin's, `n + n/2 + 2`, so `n/2 + 2 + d <= GAP`. The pairs of chars further apart
/// say nothing more. Issue 14: 「stat」 has no fuzzy hit among 100,000 distinct descriptions,
/// and its adjacent pairs left 13,000 texts to the matcher; with the others (s–a, t–t, s–t
/// further apart) 2,900.
fn max_apart(n: usize) -> usize {
    GAP.saturating_sub(2 + n / 2).max(1)
}

/// Whether text `t` is in the bitmap `bits`.
pub(crate) fn has(bits: &[u64], t: TextId) -> bool {
    bits.get(t as usize / 64)
        .is_some_and(|w| w & (1 << (t % 64)) != 0)
}

/// The pairs of `text`, as a bit set over pair numbers (`a * SYMBOLS + b`).
fn pairs_of(text: &Text, readings: &Readings) -> [u64; (SYMBOLS * SYMBOLS).div_ceil(64)] {
    let mut set = [0u64; (SYMBOLS * SYMBOLS).div_ceil(64)];
    let mut add = |a: usize, b: usize| {
        let g = a * SYMBOLS + b;
        set[g / 64] |= 1 << (g % 64);
    };
    let initials = text.initials(readings);
    let spelled = text.spelled(readings);
    for spelling in [initials.as_bytes(), &spelled[..]] {
        for (i, a) in spelling.iter().enumerate() {
            let Some(a) = symbol(*a) else { continue };
            for b in spelling[i + 1..].iter().take(GAP) {
                if let Some(b) = symbol(*b) {
                    add(a, b);
                }
            }
        }
    }
    // The chars' own window is 2n wide: their ASCII letters and digits pair at any distance.
    let ascii: Vec<usize> = text
        .chars()
        .iter()
        .filter_map(|c| c.is_ascii().then_some(*c as u8).and_then(symbol))
        .collect();
    for (i, a) in ascii.iter().enumerate() {
        for b in &ascii[i + 1..] {
            add(*a, *b);
        }
    }
    set
}

#[cfg(test)]
mod tests {
    use super::super::matcher::{Term, fuzzy};
    use super::super::text::Readings;
    use super::*;
    use fuzzy_matcher::skim::SkimMatcherV2;

    /// Every text the matcher matches fuzzily is a candidate, for every term tried, and most
    /// texts a term cannot match are not.
    #[test]
    fn a_fuzzy_match_is_always_a_candidate() {
        let sources = [
            "灭火器压力不足（12号）",
            "PM2.5 Sensor 室",
            "stat 监测仪未校准",
            "空调机房",
            "消防通道堆放杂物",
            "食堂燃气管道未固定，status 不明",
            "配电室门口堆放纸箱（38291号）",
            "二楼东侧安全出口指示灯损坏",
            "x1y2z3 abcdefghijk",
            "",
        ];
        let mut r = Readings::new();
        let texts: Vec<Text> = sources.iter().map(|s| Text::new(s, &mut r)).collect();
        let mut grams = Grams::default();
        texts.iter().for_each(|t| grams.push(t, &r));
        let matcher = SkimMatcherV2::default();
        // Substrings of every spelling, and each with a letter dropped (typos).
        let mut queries = Vec::new();
        for t in &texts {
            for s in [t.initials(&r).into_bytes(), t.spelled(&r)] {
                let s: Vec<char> = s.iter().map(|b| *b as char).collect();
                for a in 0..s.len() {
                    for b in a + 2..=s.len().min(a + MAX_TERM + 1) {
                        let q: String = s[a..b].iter().filter(|c| **c != ' ').collect();
                        queries.push(q.clone());
                        if q.len() > 2 {
                            queries.push(
                                q.chars()
                                    .enumerate()
                                    .filter(|(i, _)| *i != 1)
                                    .map(|(_, c)| c)
                                    .collect(),
                            );
                        }
                    }
                }
            }
        }
        queries.extend(
            [
                "stat", "status", "line", "pm25", "sensor", "12hao", "mhq", "xfd", "zz",
            ]
            .map(String::from),
        );
        let (mut decided, mut spared) = (0, 0);
        for q in &queries {
            let term = Term::new(q);
            let Some(bits) = grams.candidates(&term.chars, texts.len()) else {
                continue;
            };
            for (id, t) in texts.iter().enumerate() {
                let candidate = has(&bits, id as TextId);
                if fuzzy(&matcher, t, &r, &term).is_some() {
                    assert!(candidate, "「{q}」 matches 「{}」 fuzzily", t.original());
                }
                decided += 1;
                spared += usize::from(!candidate);
            }
        }
        assert!(decided > 5_000, "{decided} pairs decided");
        assert!(
            spared * 2 > decided,
            "{spared} of {decided} spared the matcher"
        );
    }

    /// A text holding each adjacent pair of a term close together, but not two of its chars
    /// further apart (here t–t), is ruled out (the matcher agrees); one holding them all is not.
    #[test]
    fn pairs_of_chars_further_apart_rule_texts_out() {
        let mut r = Readings::new();
        // shi ta … an tou: s–t, t–a and a–t close together, the two t ten chars apart.
        let texts = [
            Text::new("石塔每个人也可以买到安头", &mut r),
            Text::new("食堂统计台账", &mut r),
        ];
        let mut grams = Grams::default();
        texts.iter().for_each(|t| grams.push(t, &r));
        let bits = |q: &str| grams.candidates(&Term::new(q).chars, 2).expect("decided");
        for pair in ["st", "ta", "at"] {
            assert!(has(&bits(pair), 0), "{pair}");
        }
        assert!(!has(&bits("stat"), 0));
        assert!(has(&bits("stat"), 1));
        let matcher = SkimMatcherV2::default();
        assert!(fuzzy(&matcher, &texts[0], &r, &Term::new("stat")).is_none());
    }

    #[test]
    fn long_or_non_ascii_terms_are_left_to_the_matcher() {
        let mut r = Readings::new();
        let texts = [Text::new("灭火器", &mut r)];
        let mut grams = Grams::default();
        texts.iter().for_each(|t| grams.push(t, &r));
        let chars = |s: &str| Term::new(s).chars;
        assert!(grams.candidates(&chars("m"), 1).is_none());
        assert!(grams.candidates(&chars("灭火"), 1).is_none());
        assert!(grams.candidates(&chars("pm2.5"), 1).is_none());
        assert!(grams.candidates(&chars("abcdefghijkl"), 1).is_none());
        // Texts not yet in the maps are not guessed at.
        assert!(grams.candidates(&chars("mhq"), 2).is_none());
        let bits = grams.candidates(&chars("mhq"), 1).expect("decided");
        assert!(has(&bits, 0));
        assert!(!has(
            &grams.candidates(&chars("zx"), 1).expect("decided"),
            0
        ));
    }

    /// Told how many texts a load adds, the maps answer as maps grown a text at a time do,
    /// in fewer bytes (a grown map doubles as it goes).
    #[test]
    fn reserved_maps_answer_as_grown_ones() {
        let mut r = Readings::new();
        let texts: Vec<Text> = (0..700)
            .map(|n| {
                Text::new(
                    &format!("配电室门口堆放纸箱（{n}号）stat {}", n % 7),
                    &mut r,
                )
            })
            .collect();
        let (mut grown, mut reserved) = (Grams::default(), Grams::default());
        reserved.reserve(texts.len());
        for t in &texts {
            grown.push(t, &r);
            reserved.push(t, &r);
        }
        for q in ["pdsmk", "stat", "zx", "s3", "menkou", "dfzx"] {
            let chars = Term::new(q).chars;
            assert_eq!(
                reserved.candidates(&chars, texts.len()),
                grown.candidates(&chars, texts.len()),
                "{q}"
            );
        }
        assert!(reserved.bytes() < grown.bytes());
    }
}
