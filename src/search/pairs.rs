//! The letter pairs a direct (contiguous) pinyin match must cross (issue 14): a 256-bit
//! signature per text, so a keystroke can rule out most texts with a few word tests instead
//! of walking each of them.
//!
//! In a contiguous match (see `matcher::walk`) every text char consumes one chunk of the
//! query: the char itself, or of one of its readings the initial, the two-letter initial
//! (zh/ch/sh), the whole reading, or (at the end of the query) a prefix. So two adjacent
//! query letters are either adjacent inside one reading (a *within* pair: `t`,`a` of "ta"), or
//! the last letter of one char's chunk followed by the first letter of the next char's chunk
//! (a *cross* pair: `g`,`t` in "kongt" for 空调). The signature holds every cross pair a text
//! can produce; a query pair that no reading of any char in the index holds inside it must be
//! a cross pair, so a text whose signature lacks it cannot match directly. Pairs with a char
//! that is not an ASCII letter or digit are not used (such chars only match themselves, and
//! the presence filter `bloom` covers them).

use super::text::{Readings, SetId};

/// Bit set over the 36 × 36 (letter or digit, letter or digit) pairs: which pairs occur
/// inside some reading.
pub(crate) type PairTable = [u64; 21];

/// Hashed set of cross pairs, 256 bits.
pub(crate) type PairSig = [u64; 4];

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

/// The bits of the pair (a, b) in a signature: two, from two multiplicative hashes (a
/// Bloom filter with k = 2 over the same 256 bits). With one bit each, a pair a text lacks
/// shared its bit with pairs most texts hold (issue 14, 100,000 distinct descriptions:
/// 28,061 texts passed the test for `sta`, 3,346 of them hold an s before a t); with two,
/// 3,879 pass, at no more bytes.
fn sig_bits(a: u16, b: u16) -> PairSig {
    let mut sig = [0u64; 4];
    let i = pair_index(a, b) as u32;
    // Fibonacci hashing, and a second odd multiplier, spread the (skewed) pinyin pairs
    // over the 256 bits.
    for h in [
        i.wrapping_mul(0x9E37_79B1) >> 24,
        i.wrapping_mul(0x85EB_CA6B) >> 24,
    ] {
        sig[(h >> 6) as usize] |= 1u64 << (h & 63);
    }
    sig
}

fn add_to(sig: &mut PairSig, bits: &PairSig) {
    sig.iter_mut().zip(bits).for_each(|(s, b)| *s |= b);
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

/// What a text must hold for a term to match it directly: every adjacent (letter or
/// digit) pair of the term lies inside one char's reading or across two chars. A pair no
/// reading holds must be a cross pair (`cross`); any other must be either a cross pair or
/// a pair inside a reading of some char of the text (`either`). So `kongt` needs `ko` from
/// a char read kou or kong (few texts have one), where the cross pairs alone asked `gt`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Need {
    pub cross: PairSig,
    /// How many pairs `cross` asks for.
    pub cross_pairs: u32,
    /// (the pair's bits in the cross signature, its inner bit) for each pair some reading
    /// holds.
    either: Vec<(PairSig, u128)>,
}

impl Need {
    /// The need of the term `chars` (normalised) given every reading seen so far.
    pub(crate) fn of(chars: &[char], table: &PairTable, slots: &InnerSlots) -> Need {
        let (cross, cross_pairs) = required_counted(chars, table);
        let mut need = Need {
            cross,
            cross_pairs,
            either: Vec::new(),
        };
        for w in chars.windows(2) {
            let (Some(a), Some(b)) = (ascii_symbol(w[0]), ascii_symbol(w[1])) else {
                continue;
            };
            if within(table, a, b) {
                let e = (sig_bits(a, b), slots.bit(pair_index(a, b) as usize));
                if !need.either.contains(&e) {
                    need.either.push(e);
                }
            }
        }
        need
    }

    /// Whether a text with cross pairs `cross` and inner pairs `inner` may match.
    pub(crate) fn admits(&self, cross: &PairSig, inner: u128) -> bool {
        holds(cross, &self.cross)
            && self
                .either
                .iter()
                .all(|(bits, i)| holds(cross, bits) || inner & i != 0)
    }
}

fn within(table: &PairTable, a: u16, b: u16) -> bool {
    let i = pair_index(a, b) as usize;
    table[i / 64] & (1 << (i % 64)) != 0
}

/// The symbols that may start the chunk of one text char, and those that may end it.
fn starts_ends(c: char, set: SetId, r: &Readings, starts: &mut Vec<u16>, ends: &mut Vec<u16>) {
    starts.clear();
    ends.clear();
    if c.is_ascii() {
        if let Some(s) = symbol(c as u8) {
            starts.push(s);
            ends.push(s);
        }
        return;
    }
    for reading in r.readings(set) {
        let Some(first) = reading.first().and_then(|b| symbol(*b)) else {
            continue;
        };
        starts.push(first);
        ends.push(first);
        if let Some(last) = reading.last().and_then(|b| symbol(*b)) {
            ends.push(last);
        }
        // zh/ch/sh typed as one initial ends the chunk at the h.
        if matches!(&reading[..], [b'z' | b'c' | b's', b'h', _, ..]) {
            ends.push(b'h' as u16 - b'a' as u16);
        }
    }
}

/// The cross pairs of a text of `chars` with reading sets `sets`.
pub(crate) fn text_sig(chars: &[char], sets: &[SetId], r: &Readings) -> PairSig {
    let mut sig = [0u64; 4];
    let (mut starts, mut ends) = (Vec::new(), Vec::new());
    let (mut next_starts, mut next_ends) = (Vec::new(), Vec::new());
    if let (Some(c), Some(s)) = (chars.first(), sets.first()) {
        starts_ends(*c, *s, r, &mut starts, &mut ends);
    }
    for i in 1..chars.len() {
        starts_ends(chars[i], sets[i], r, &mut next_starts, &mut next_ends);
        for a in &ends {
            for b in &next_starts {
                add_to(&mut sig, &sig_bits(*a, *b));
            }
        }
        std::mem::swap(&mut starts, &mut next_starts);
        std::mem::swap(&mut ends, &mut next_ends);
    }
    sig
}

/// The cross pairs a text must hold for the term `chars` (normalised) to match it directly
/// (its adjacent letter or digit pairs that no reading in `table` holds inside it), and how
/// many distinct ones.
fn required_counted(chars: &[char], table: &PairTable) -> (PairSig, u32) {
    let mut sig = [0u64; 4];
    let mut pairs: Vec<u16> = Vec::new();
    for w in chars.windows(2) {
        let (Some(a), Some(b)) = (ascii_symbol(w[0]), ascii_symbol(w[1])) else {
            continue;
        };
        if !within(table, a, b) && !pairs.contains(&pair_index(a, b)) {
            pairs.push(pair_index(a, b));
            add_to(&mut sig, &sig_bits(a, b));
        }
    }
    (sig, pairs.len() as u32)
}

fn ascii_symbol(c: char) -> Option<u16> {
    if c.is_ascii() { symbol(c as u8) } else { None }
}

/// Whether a text with signature `text` may hold the pairs `need`.
pub(crate) fn holds(text: &PairSig, need: &PairSig) -> bool {
    (0..4).all(|i| text[i] & need[i] == need[i])
}

#[cfg(test)]
mod tests {
    use super::super::matcher::{Term, contiguous};
    use super::super::text::Text;
    use super::*;

    /// Never rules out a text the matcher finds: every (text, query) pair that matches
    /// directly passes the signature test.
    #[test]
    fn the_signature_never_rules_out_a_direct_match() {
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
                            let term = Term::new(&q);
                            let need = Need::of(&term.chars, &r.within, &r.slots);
                            let pass = need.admits(&other.pair_sig(&r), r.inner_of(other.sets()));
                            if contiguous(other, &r, &term).is_some() {
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

    /// A cross pair alone lets 钢梯 (gang ti: a g before a t) through for `kongt`; the pair
    /// `ko`, inside kou or kong only, rules it out.
    #[test]
    fn kongt_needs_a_char_read_with_ko() {
        let mut r = Readings::new();
        let hit = Text::new("空调外机", &mut r);
        let stairs = Text::new("钢梯锈蚀", &mut r);
        let need = Need::of(&Term::new("kongt").chars, &r.within, &r.slots);
        assert!(
            holds(&stairs.pair_sig(&r), &need.cross),
            "the cross pairs admit it"
        );
        assert!(!need.admits(&stairs.pair_sig(&r), r.inner_of(stairs.sets())));
        assert!(need.admits(&hit.pair_sig(&r), r.inner_of(hit.sets())));
    }

    #[test]
    fn kongt_needs_a_g_before_a_t() {
        let mut r = Readings::new();
        let hit = Text::new("空调外机", &mut r);
        let miss = Text::new("灭火器压力不足", &mut r);
        let (need, _) = required_counted(&Term::new("kongt").chars, &r.within);
        assert!(holds(&hit.pair_sig(&r), &need));
        assert!(!holds(&miss.pair_sig(&r), &need));
    }
}
