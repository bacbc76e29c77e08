//! Posting lists per char outside ASCII (issue 14): for each such char (汉字, fullwidth
//! punctuation …), the texts holding it, so a keystroke with a Chinese term reads only the
//! records whose texts hold every one of its Chinese chars instead of walking them all.
//!
//! Why it is sound: a query char outside ASCII matches only itself. The direct matcher
//! (`matcher::walk`) consumes it only by an equal text char; the fuzzy matcher runs only on
//! a text of which `fuzzy_possible` holds, and for a term with such a char that asks for the
//! term's chars in order among the text's own chars (the pinyin spellings are searched only
//! by all-ASCII terms). Texts and terms are normalised by the same `norm_char`. So a text
//! lacking one of a term's chars outside ASCII matches it neither directly nor fuzzily, and
//! neither does it match any term extending it (which holds that char too).

use super::text::Text;
use std::collections::HashMap;

/// A list turns into a bitmap once one text in `DENSE` or more holds its char: the bitmap
/// (1/8 byte per text) then costs about what the list did (a byte or more per id).
const DENSE: usize = 8;

/// A list this short stays a list, whatever its density (the first texts).
const MIN_DENSE: u32 = 64;

/// The texts holding one char.
#[derive(Debug)]
enum Posting {
    /// The gaps between the ascending text ids (the first id counts from 0), each in LEB128
    /// (7 bits a byte): a char in one text of 100 costs about a byte per text holding it.
    Gaps {
        bytes: Vec<u8>,
        last: u32,
        count: u32,
    },
    /// Bit t of word t / 64; shorter than the texts reads as zeros past its end.
    Dense(Vec<u64>),
}

impl Posting {
    /// Sets the bits of the ids held in `out` (a bitmap; ids past its end are left out).
    fn set_in(&self, out: &mut [u64]) {
        match self {
            Posting::Gaps { bytes, .. } => {
                let (mut id, mut gap, mut shift) = (0u32, 0u32, 0);
                for b in bytes {
                    gap |= u32::from(b & 0x7f) << shift;
                    shift += 7;
                    if b & 0x80 == 0 {
                        id += gap;
                        match out.get_mut(id as usize / 64) {
                            Some(w) => *w |= 1 << (id % 64),
                            None => return,
                        }
                        (gap, shift) = (0, 0);
                    }
                }
            }
            Posting::Dense(bits) => out.iter_mut().zip(bits).for_each(|(o, w)| *o |= w),
        }
    }

    fn bytes(&self) -> usize {
        match self {
            Posting::Gaps { bytes, .. } => bytes.capacity(),
            Posting::Dense(bits) => bits.capacity() * 8,
        }
    }
}

/// Per char outside ASCII, the texts holding it. Made as texts are interned (a sealed index
/// file needs no new bytes: its texts are interned again on load).
#[derive(Debug, Default)]
pub(crate) struct Chars {
    by_char: HashMap<char, Posting>,
    /// Texts `0..built` are in the lists.
    built: usize,
}

impl Chars {
    /// Adds the next text (its id is the number of texts added before it).
    pub(crate) fn push(&mut self, text: &Text) {
        let id = self.built as u32;
        let mut seen: Vec<char> = text
            .chars()
            .iter()
            .copied()
            .filter(|c| !c.is_ascii())
            .collect();
        seen.sort_unstable();
        seen.dedup();
        for c in seen {
            let posting = self.by_char.entry(c).or_insert_with(|| Posting::Gaps {
                bytes: Vec::new(),
                last: 0,
                count: 0,
            });
            match posting {
                Posting::Gaps { bytes, last, count } => {
                    let mut gap = id - *last;
                    loop {
                        let low = (gap & 0x7f) as u8;
                        gap >>= 7;
                        if bytes.len() == bytes.capacity() {
                            // A quarter more, not double: the lists are most of the bytes.
                            bytes.reserve_exact(bytes.len() / 4 + 8);
                        }
                        if gap == 0 {
                            bytes.push(low);
                            break;
                        }
                        bytes.push(low | 0x80);
                    }
                    *last = id;
                    *count += 1;
                    if *count >= MIN_DENSE && (*count as usize) * DENSE > id as usize {
                        let mut bits = vec![0u64; id as usize / 64 + 1];
                        posting.set_in(&mut bits);
                        *posting = Posting::Dense(bits);
                    }
                }
                Posting::Dense(bits) => {
                    if bits.len() <= id as usize / 64 {
                        bits.resize(id as usize / 64 + 1, 0);
                    }
                    bits[id as usize / 64] |= 1 << (id % 64);
                }
            }
        }
        self.built += 1;
    }

    /// The texts (bitmap over `texts` ids) that hold every char of `chars` outside ASCII:
    /// the only texts the term `chars` (normalised) can match, directly or fuzzily. None when
    /// the term has no such char, or texts not yet in the lists are asked about.
    pub(crate) fn candidates(&self, chars: &[char], texts: usize) -> Option<Vec<u64>> {
        if texts > self.built {
            return None;
        }
        let mut wanted: Vec<char> = chars.iter().copied().filter(|c| !c.is_ascii()).collect();
        if wanted.is_empty() {
            return None;
        }
        wanted.sort_unstable();
        wanted.dedup();
        let mut out: Option<Vec<u64>> = None;
        let mut one = vec![0u64; texts.div_ceil(64)];
        for c in &wanted {
            let Some(p) = self.by_char.get(c) else {
                // A char no text holds: nothing can match.
                return Some(vec![0u64; texts.div_ceil(64)]);
            };
            match &mut out {
                None => {
                    p.set_in(&mut one);
                    out = Some(std::mem::take(&mut one));
                }
                Some(all) => {
                    one.clear();
                    one.resize(texts.div_ceil(64), 0);
                    p.set_in(&mut one);
                    all.iter_mut().zip(&one).for_each(|(a, b)| *a &= b);
                }
            }
        }
        let mut out = out?;
        if let Some(last) = out.last_mut()
            && !texts.is_multiple_of(64)
        {
            *last &= (1u64 << (texts % 64)) - 1;
        }
        Some(out)
    }

    /// Heap bytes held.
    pub(crate) fn bytes(&self) -> usize {
        self.by_char.capacity() * (std::mem::size_of::<(char, Posting)>() + 8)
            + self.by_char.values().map(Posting::bytes).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::super::grams::has;
    use super::super::matcher::{Term, contiguous, fuzzy};
    use super::super::text::Readings;
    use super::*;
    use fuzzy_matcher::skim::SkimMatcherV2;

    const SOURCES: [&str; 10] = [
        "灭火器压力不足（12号）",
        "PM2.5 Sensor 室",
        "stat 监测仪未校准",
        "空调机房",
        "消防通道堆放杂物",
        "食堂燃气管道未固定，status 不明",
        "配电室门口堆放纸箱（38291号）",
        "二楼东侧安全出口指示灯损坏",
        "ＡＢＣ全角字母与配电",
        "",
    ];

    /// Every text a term matches, directly or fuzzily, holds the term's chars outside ASCII:
    /// for every substring of every text (and each with a char dropped, and mixed with
    /// pinyin), no match is left out of the candidates, and most other texts are.
    #[test]
    fn a_match_is_always_held() {
        let mut r = Readings::new();
        let texts: Vec<Text> = SOURCES.iter().map(|s| Text::new(s, &mut r)).collect();
        let mut chars = Chars::default();
        texts.iter().for_each(|t| chars.push(t));
        let matcher = SkimMatcherV2::default();
        let mut queries: Vec<String> = Vec::new();
        for s in SOURCES {
            let s: Vec<char> = s.chars().collect();
            for a in 0..s.len() {
                for b in a + 1..=s.len().min(a + 8) {
                    let q: String = s[a..b].iter().collect();
                    queries.push(q.clone());
                    if b - a > 2 {
                        queries.push(s[a..b].iter().skip(1).step_by(2).collect());
                    }
                }
            }
        }
        queries.extend(["gl房", "mie火q", "配电s", "pd室", "abc全角", "ａｂｃ"].map(String::from));
        let (mut decided, mut spared) = (0, 0);
        for q in &queries {
            let term = Term::new(q);
            let Some(bits) = chars.candidates(&term.chars, texts.len()) else {
                assert!(term.chars.iter().all(char::is_ascii), "「{q}」 undecided");
                continue;
            };
            for (id, t) in texts.iter().enumerate() {
                let held = has(&bits, id as u32);
                if contiguous(t, &r, &term).is_some() || fuzzy(&matcher, t, &r, &term).is_some() {
                    assert!(held, "「{q}」 matches 「{}」 but is not held", t.original());
                }
                decided += 1;
                spared += usize::from(!held);
            }
        }
        assert!(decided > 2_000, "{decided} pairs decided");
        assert!(spared * 10 > decided * 7, "{spared} of {decided} spared");
    }

    /// Lists turn into bitmaps as chars grow common; either way a term's candidates are
    /// exactly the texts holding all its chars outside ASCII, and a char no text holds
    /// leaves none.
    #[test]
    fn candidates_are_the_texts_holding_every_char() {
        let mut r = Readings::new();
        let sources: Vec<String> = (0..3_000)
            .map(|n| {
                let common = if n % 3 == 0 { "灭火器" } else { "配电室" };
                let rare = if n % 250 == 7 { "氧气瓶" } else { "" };
                format!("{common}{rare}（{n}号）")
            })
            .collect();
        let texts: Vec<Text> = sources.iter().map(|s| Text::new(s, &mut r)).collect();
        let mut chars = Chars::default();
        texts.iter().for_each(|t| chars.push(t));
        assert!(matches!(chars.by_char.get(&'灭'), Some(Posting::Dense(_))));
        assert!(matches!(
            chars.by_char.get(&'氧'),
            Some(Posting::Gaps { .. })
        ));
        for q in ["灭", "灭室", "氧灭", "号配", "氧气瓶12", "号", "镭", "xyz"] {
            let term = Term::new(q);
            let got = chars.candidates(&term.chars, texts.len());
            if q == "xyz" {
                assert!(got.is_none());
                continue;
            }
            let got = got.expect("decided");
            let want: Vec<char> = term
                .chars
                .iter()
                .copied()
                .filter(|c| !c.is_ascii())
                .collect();
            for (id, t) in texts.iter().enumerate() {
                let holds = want.iter().all(|c| t.chars().contains(c));
                assert_eq!(has(&got, id as u32), holds, "「{q}」 / {}", t.original());
            }
        }
        // Texts not yet in the lists are not guessed at.
        assert!(chars.candidates(&Term::new("灭").chars, 3_001).is_none());
    }
}
