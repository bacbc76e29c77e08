//! What a direct (contiguous) pinyin match needs of a text (issue 14): a 512-bit signature
//! of its seams per text, and the letter pairs inside its chars' readings, so a keystroke can
//! rule out most texts with a few word tests instead of walking each of them.
//!
//! In a contiguous match (see `matcher::walk`) every text char consumes one chunk of the
//! query: the char itself, or of one of its readings the initial, the two-letter initial
//! (zh/ch/sh), the whole reading, or (at the end of the query) a prefix. Where one char's
//! chunk ends and the next char's begins is a *seam*: the chunk's last two letters (or its
//! one letter, marked as such) and the next chunk's first letter, as in `ng|t` of "kongt"
//! for 空调. The signature holds every seam a text can give; a term is admitted when some
//! split of it into chunks (`Need`) finds all its seams there, and each chunk's letter pairs
//! inside some reading of the text's chars. Chars that are not ASCII letters or digits only
//! match themselves: no seam is asked next to them (the presence filter `bloom` covers
//! them).

use super::text::{Readings, SetId};

/// Bit set over the 36 × 36 (letter or digit, letter or digit) pairs: which pairs occur
/// inside some reading.
pub(crate) type PairTable = [u64; 21];

/// Words of a `SeamSig`.
const SEAM_WORDS: usize = 8;

/// Hashed set of seams (`seam_index`), 512 bits (`seam_bits`): one cache line, aligned to
/// one, as a keystroke reads it for texts all over memory. With 256 bits, 「sta」 passed
/// 8,538 texts to match, with 512 4,666 (1,414 of them hits; issue 14, 100,000 distinct
/// descriptions).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[repr(C, align(64))]
pub(crate) struct SeamSig([u64; SEAM_WORDS]);

/// 0..26 for a..z, 26..36 for 0..9; None for anything else.
fn symbol(b: u8) -> Option<u16> {
    match b {
        b'a'..=b'z' => Some((b - b'a') as u16),
        b'0'..=b'9' => Some(26 + (b - b'0') as u16),
        _ => None,
    }
}

fn pair_index(a: u16, b: u16) -> u16 {
    a * 36 + b
}

/// Stands before a seam's letter when the chunk before the seam is one symbol long.
const START: u16 = 36;

/// A seam: the last two symbols of one char's chunk (`START` and the symbol, for a chunk of
/// one) and the first symbol of the next char's chunk.
fn seam_index(before: u16, last: u16, next: u16) -> u32 {
    (u32::from(before) * 36 + u32::from(last)) * 36 + u32::from(next)
}

/// The bits of a seam in a signature: one word of it and two bits in that word (a Bloom
/// filter with k = 2, blocked: a test reads one word).
fn seam_bits(i: u32) -> (u8, u64) {
    // A full mix (splitmix64's finaliser): the seams' indices are skewed and close together,
    // and two multiplicative hashes of them set both bits of 「line」's li|n for 清理 (q|l)
    // and 完成 (k|c) alike.
    let mut x = u64::from(i);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^= x >> 31;
    let word = (x % SEAM_WORDS as u64) as u8;
    (word, 1u64 << ((x >> 8) & 63) | 1u64 << ((x >> 16) & 63))
}

/// Records every adjacent letter pair of `reading` in `table`, and gives their bits in
/// `slots` (each pair gets one the first time any reading shows it).
pub(crate) fn add_within(table: &mut PairTable, slots: &mut InnerSlots, reading: &[u8]) -> u128 {
    let mut inner = 0;
    for w in reading.windows(2) {
        if let (Some(a), Some(b)) = (symbol(w[0]), symbol(w[1])) {
            let i = pair_index(a, b) as usize;
            table[i / 64] |= 1 << (i % 64);
            inner |= slots.assign(i);
        }
    }
    inner
}

/// The pairs inside readings, each given a bit of a 128-bit set (issue 14): pinyin has
/// about 120 such pairs, so a text's set of them (`Index::inners`) is exact, not hashed.
/// Should a reading table hold more, the 128th and later share the last bit, which keeps
/// the test sound (a text holding any of them has it set).
#[derive(Debug, Clone)]
pub(crate) struct InnerSlots {
    /// Pair index (`pair_index`) to bit, `u8::MAX` for a pair no reading holds.
    slot: Box<[u8]>,
    next: u8,
}

impl Default for InnerSlots {
    fn default() -> InnerSlots {
        InnerSlots {
            slot: vec![u8::MAX; 36 * 36].into_boxed_slice(),
            next: 0,
        }
    }
}

impl InnerSlots {
    fn assign(&mut self, pair: usize) -> u128 {
        if self.slot[pair] == u8::MAX {
            self.slot[pair] = self.next;
            self.next = (self.next + 1).min(127);
        }
        1 << self.slot[pair]
    }

    fn bit(&self, pair: usize) -> u128 {
        match self.slot[pair] {
            u8::MAX => 0,
            s => 1 << s,
        }
    }
}

/// One way a run of the term may be one text char's chunk (`Need`): the term's chars
/// `from..to`, the inner pairs that chunk holds (a char of the text must hold them in a
/// reading), and the seam's bits after it, if the term goes on with a letter or digit.
#[derive(Debug, Clone, PartialEq)]
struct Step {
    from: u8,
    to: u8,
    inner: u128,
    seam: Option<(u8, u64)>,
}

/// What a text must hold for a term to match it directly (issue 14). In a contiguous match
/// every text char consumes one chunk of the term (see `matcher::walk` and the module
/// comment), so the term splits into chunks, each a run some char can give: a single char
/// (the char itself, or an initial), a reading, a two-letter initial (zh/ch/sh), or, last, a
/// prefix of a reading. Where two chunks meet, the text must have the seam: a char giving a
/// chunk that ends like the first, before a char whose chunk starts like the second
/// (`text_seams`). The text's seams and inner pairs must allow some split of the whole term.
///
/// Pairs alone could not tell 「line」 (li|ne, 立 before 内) from a text holding 立即 and
/// 日内 (ri|nei): it has i before n across chars and n before e inside 内. A split into
/// chunks needs li right before n, or lin (i, n) right before e; 立即 gives l, i before j.
#[derive(Debug, Clone, Default)]
pub(crate) struct Need {
    /// How many adjacent pairs of the term no reading holds inside it: they must cross
    /// chars, so the more, the fewer texts match (`sparse::selectivity`).
    pub cross_pairs: u32,
    /// Every way to take a chunk, ordered by `from`; empty when the term is too long to
    /// split here (then any text may match).
    steps: Vec<Step>,
    /// The term's length in chars.
    len: u8,
}

/// The longest term split into chunks: longer ones are admitted without (`Need::admits`
/// keeps its reached positions in a u64).
const MAX_SPLIT: usize = 63;

impl Need {
    /// The need of the term `chars` (normalised) given every reading seen so far.
    pub(crate) fn of(chars: &[char], r: &Readings) -> Need {
        let cross_pairs = cross_counted(chars, &r.within);
        let n = chars.len();
        if n > MAX_SPLIT {
            return Need {
                cross_pairs,
                steps: Vec::new(),
                len: 0,
            };
        }
        let letters: Vec<Option<u8>> = chars
            .iter()
            .map(|c| c.is_ascii_lowercase().then_some(*c as u8))
            .collect();
        let mut steps = Vec::new();
        for from in 0..n {
            for to in from + 1..=n {
                if to - from > 1 {
                    let Some(bytes) = letters[from..to]
                        .iter()
                        .copied()
                        .collect::<Option<Vec<u8>>>()
                    else {
                        break;
                    };
                    // A chunk of more than one char is a reading's prefix: no longer one is.
                    if !r.is_reading_prefix(&bytes) {
                        break;
                    }
                    if !(r.is_chunk(&bytes) || to == n) {
                        continue;
                    }
                }
                let inner = letters[from..to].windows(2).fold(0, |m, w| match w {
                    [Some(a), Some(b)] => {
                        m | r
                            .slots
                            .bit(pair_index(u16::from(a - b'a'), u16::from(b - b'a')) as usize)
                    }
                    _ => m,
                });
                let seam = (to < n)
                    .then(|| {
                        let next = ascii_symbol(chars[to])?;
                        let last = ascii_symbol(chars[to - 1])?;
                        let before = if to - from == 1 {
                            START
                        } else {
                            ascii_symbol(chars[to - 2])?
                        };
                        Some(seam_bits(seam_index(before, last, next)))
                    })
                    .flatten();
                steps.push(Step {
                    from: from as u8,
                    to: to as u8,
                    inner,
                    seam,
                });
            }
        }
        Need {
            cross_pairs,
            steps,
            len: n as u8,
        }
    }

    /// Whether a text with seams `seams` and inner pairs `inner` may match: some split of
    /// the term into chunks has all its seams there, and each chunk's inner pairs.
    pub(crate) fn admits(&self, seams: &SeamSig, inner: u128) -> bool {
        if self.steps.is_empty() {
            return true;
        }
        // Bit i: the term's first i chars can be the chunks of a run of text chars.
        let mut reach = 1u64;
        for s in &self.steps {
            let from = u32::from(s.from);
            if reach >> from == 0 {
                return false;
            }
            if reach & (1 << from) == 0
                || s.inner & !inner != 0
                || s.seam.is_some_and(|(w, m)| seams.0[w as usize] & m != m)
            {
                continue;
            }
            reach |= 1 << s.to;
        }
        reach & (1 << self.len) != 0
    }
}

fn within(table: &PairTable, a: u16, b: u16) -> bool {
    let i = pair_index(a, b) as usize;
    table[i / 64] & (1 << (i % 64)) != 0
}

/// The chunks one text char may give that a next char's chunk can follow (all but a last
/// prefix), each by its last two symbols (`START` first for a chunk of one), and the
/// symbols its chunks start with.
fn chunk_ends(
    c: char,
    set: SetId,
    r: &Readings,
    ends: &mut Vec<(u16, u16)>,
    starts: &mut Vec<u16>,
) {
    ends.clear();
    starts.clear();
    if c.is_ascii() {
        if let Some(s) = symbol(c as u8) {
            ends.push((START, s));
            starts.push(s);
        }
        return;
    }
    for reading in r.readings(set) {
        let syms: Vec<u16> = reading.iter().filter_map(|b| symbol(*b)).collect();
        let Some(&first) = syms.first() else {
            continue;
        };
        starts.push(first);
        ends.push((START, first));
        if let [.., a, b] = syms[..] {
            ends.push((a, b));
        }
        // zh/ch/sh typed as one initial.
        if matches!(&reading[..], [b'z' | b'c' | b's', b'h', _, ..]) {
            ends.push((first, b'h' as u16 - b'a' as u16));
        }
    }
    ends.sort_unstable();
    ends.dedup();
    starts.sort_unstable();
    starts.dedup();
}

/// The seams of a text of `chars` with reading sets `sets` (`Need`).
pub(crate) fn text_seams(chars: &[char], sets: &[SetId], r: &Readings) -> SeamSig {
    let mut sig = SeamSig::default();
    let (mut ends, mut starts) = (Vec::new(), Vec::new());
    let (mut next_ends, mut next_starts) = (Vec::new(), Vec::new());
    if let (Some(c), Some(s)) = (chars.first(), sets.first()) {
        chunk_ends(*c, *s, r, &mut ends, &mut starts);
    }
    for i in 1..chars.len() {
        chunk_ends(chars[i], sets[i], r, &mut next_ends, &mut next_starts);
        for (before, last) in &ends {
            for next in &next_starts {
                let (w, m) = seam_bits(seam_index(*before, *last, *next));
                sig.0[w as usize] |= m;
            }
        }
        std::mem::swap(&mut ends, &mut next_ends);
        std::mem::swap(&mut starts, &mut next_starts);
    }
    sig
}

/// How many distinct adjacent letter or digit pairs of the term `chars` (normalised) no
/// reading in `table` holds inside it.
fn cross_counted(chars: &[char], table: &PairTable) -> u32 {
    let mut pairs: Vec<u16> = Vec::new();
    for w in chars.windows(2) {
        let (Some(a), Some(b)) = (ascii_symbol(w[0]), ascii_symbol(w[1])) else {
            continue;
        };
        if !within(table, a, b) && !pairs.contains(&pair_index(a, b)) {
            pairs.push(pair_index(a, b));
        }
    }
    pairs.len() as u32
}

fn ascii_symbol(c: char) -> Option<u16> {
    if c.is_ascii() { symbol(c as u8) } else { None }
}

#[cfg(test)]
mod tests {
    use super::super::matcher::{Term, contiguous};
    use super::super::text::Text;
    use super::*;
    use proptest::prelude::*;

    fn admits(r: &Readings, t: &Text, q: &str) -> bool {
        let term = Term::new(q);
        Need::of(&term.chars, r).admits(&t.seams(r), r.inner_of(t.sets()))
    }

    /// Never rules out a text the matcher finds: every (text, query) pair that matches
    /// directly passes the test.
    #[test]
    fn the_seams_never_rule_out_a_direct_match() {
        let texts = [
            "空调机房",
            "消防通道堆放杂物",
            "stat 监测仪未校准",
            "食堂燃气管道未固定",
            "PM2.5 Sensor 室",
            "中心供氧站",
            "医院方的施工",
            "配电室门口堆放纸箱（12号）",
            "绿色通道",
            "二楼东侧",
            "立即清理，3日内完成",
            "长沙重庆",
        ];
        let mut r = Readings::new();
        let prepared: Vec<Text> = texts.iter().map(|t| Text::new(t, &mut r)).collect();
        let mut tried = 0;
        let mut ruled_out = 0;
        for t in &prepared {
            // Every substring of the text's chars, its initials and its full pinyin, and a
            // mix, as queries.
            let spellings = [
                t.chars().iter().collect::<String>(),
                t.initials(&r),
                String::from_utf8(t.spelled(&r)).unwrap(),
            ];
            for s in &spellings {
                let chars: Vec<char> = s.chars().collect();
                for a in 0..chars.len() {
                    for b in a + 1..=chars.len().min(a + 12) {
                        let q: String = chars[a..b].iter().collect();
                        if q.trim().is_empty() {
                            continue;
                        }
                        for other in &prepared {
                            let pass = admits(&r, other, &q);
                            if contiguous(other, &r, &Term::new(&q)).is_some() {
                                assert!(
                                    pass,
                                    "「{q}」 matches 「{}」 but was ruled out",
                                    other.original()
                                );
                            }
                            tried += 1;
                            ruled_out += usize::from(!pass);
                        }
                    }
                }
            }
        }
        // And it does rule out: a good share of these mismatched pairs.
        assert!(ruled_out * 4 > tried, "{ruled_out} of {tried} ruled out");
    }

    /// 「line」 is li then n, or lin then e, across chars: 立即 (li before j) and 日内 (i
    /// before n, n before e inside 内) hold every letter pair of it, not one split of it.
    #[test]
    fn line_needs_li_right_before_n() {
        let mut r = Readings::new();
        let hit = Text::new("电力内线", &mut r);
        assert!(contiguous(&hit, &r, &Term::new("line")).is_some());
        assert!(admits(&r, &hit, "line"));
        let misses: Vec<Text> = (1..=40)
            .map(|n| Text::new(&format!("立即清理，{n}日内完成"), &mut r))
            .collect();
        let admitted = misses.iter().filter(|t| admits(&r, t, "line")).count();
        // A seam's two bits may both be set by other seams (a Bloom filter).
        assert!(admitted <= 4, "{admitted} of 40 admitted");
        assert!(
            misses
                .iter()
                .all(|t| admits(&r, t, "lijiq") && admits(&r, t, "rn"))
        );
    }

    /// `kongt` needs kong (or k, o…) right before a t: 钢梯 (g before t) is not enough.
    #[test]
    fn kongt_needs_kong_right_before_a_t() {
        let mut r = Readings::new();
        let hit = Text::new("空调外机", &mut r);
        let stairs = Text::new("钢梯锈蚀", &mut r);
        let miss = Text::new("灭火器压力不足", &mut r);
        assert!(admits(&r, &hit, "kongt"));
        assert!(!admits(&r, &stairs, "kongt"));
        assert!(!admits(&r, &miss, "kongt"));
    }

    /// Texts of chars with several readings, zh/ch/sh, one-letter readings, ASCII letters,
    /// digits and punctuation.
    const POOL: &[char] = &[
        '长', '重', '调', '行', '乐', '只', '处', '数', '差', '着', '了', '和', '厂', '车', '水',
        '山', '内', '立', '即', '日', '林', '二', '而', '阿', '额', '哦', '安', '电', '理', '能',
        '室', '配', '中', '心', 'a', 'e', 'i', 'n', 'l', 'h', 'z', '1', '2', '.', ' ', '，', 'Ａ',
    ];

    fn text_of(picks: &[usize]) -> String {
        picks.iter().map(|i| POOL[i % POOL.len()]).collect()
    }

    proptest! {
        /// Any query the matcher finds in a random text passes the test: substrings of its
        /// spellings with a letter changed, and random letters.
        #[test]
        fn a_direct_match_is_never_ruled_out(
            texts in proptest::collection::vec(proptest::collection::vec(0usize..1000, 0..12), 1..6),
            cuts in proptest::collection::vec((0usize..64, 1usize..9, 0usize..40, 0usize..30), 1..24),
        ) {
            let mut r = Readings::new();
            let prepared: Vec<Text> = texts.iter().map(|p| Text::new(&text_of(p), &mut r)).collect();
            for (at, len, change, letter) in cuts {
                let source = &prepared[at % prepared.len()];
                let spellings = [
                    source.chars().iter().collect::<String>(),
                    source.initials(&r),
                    String::from_utf8(source.spelled(&r)).unwrap(),
                ];
                let s: Vec<char> = spellings[at % 3].chars().collect();
                if s.is_empty() {
                    continue;
                }
                let a = (at / 3) % s.len();
                let mut q: Vec<char> = s[a..(a + len).min(s.len())].to_vec();
                if change < q.len() {
                    q[change] = (b'a' + (letter % 26) as u8) as char;
                }
                let q: String = q.into_iter().collect();
                for t in &prepared {
                    if contiguous(t, &r, &Term::new(&q)).is_some() {
                        prop_assert!(admits(&r, t, &q), "「{}」 matches 「{}」", q, t.original());
                    }
                }
            }
        }
    }
}
