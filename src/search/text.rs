//! Precomputed searchable text: normalised chars, the pinyin readings of each char (from the
//! `pinyin` crate, heteronyms included) and a 64-bit presence filter, all built once per
//! distinct string so a keystroke is a scan over compact arrays.

use super::pairs::{InnerSlots, PairSig, PairTable, add_within, text_sig};
use pinyin::ToPinyinMulti;
use std::collections::HashMap;

/// Id of a reading set: 0 means the char has no pinyin (ASCII, punctuation, ...).
pub(crate) type SetId = u16;

/// Every distinct set of readings seen so far (a char like 调 reads "tiao" and "diao").
#[derive(Debug, Default)]
pub(crate) struct Readings {
    /// set id → its plain readings, ASCII (ü written as v).
    sets: Vec<Box<[Box<[u8]>]>>,
    /// set id → bit per initial letter (a..z), for a cheap first-char test.
    initials: Vec<u32>,
    /// set id → presence bits of all letters of all readings.
    letters: Vec<u64>,
    by_char: HashMap<char, SetId>,
    by_set: HashMap<Box<[Box<[u8]>]>, SetId>,
    /// Every letter pair adjacent inside some reading seen (`pairs`).
    pub(crate) within: PairTable,
    /// Those pairs' bits, and for each set id the pairs inside its readings.
    pub(crate) slots: InnerSlots,
    inner: Vec<u128>,
}

impl Readings {
    pub(crate) fn new() -> Readings {
        let mut r = Readings::default();
        r.sets.push(Box::new([]));
        r.initials.push(0);
        r.letters.push(0);
        r.inner.push(0);
        r
    }

    pub(crate) fn set_of(&mut self, c: char) -> SetId {
        if c.is_ascii() {
            return 0;
        }
        if let Some(id) = self.by_char.get(&c) {
            return *id;
        }
        let readings: Box<[Box<[u8]>]> = match c.to_pinyin_multi() {
            None => Box::new([]),
            Some(multi) => {
                let mut v: Vec<Box<[u8]>> = Vec::new();
                for p in multi {
                    let ascii: Box<[u8]> = p
                        .plain()
                        .chars()
                        .map(|ch| match ch {
                            'ü' => b'v',
                            'ê' => b'e',
                            other => other as u8,
                        })
                        .filter(u8::is_ascii_lowercase)
                        .collect();
                    if !ascii.is_empty() && !v.contains(&ascii) {
                        v.push(ascii);
                    }
                }
                v.into_boxed_slice()
            }
        };
        let id = if readings.is_empty() {
            0
        } else if let Some(id) = self.by_set.get(&readings) {
            *id
        } else {
            let id = SetId::try_from(self.sets.len()).unwrap_or(0);
            if id != 0 {
                let mut initials = 0u32;
                let mut letters = 0u64;
                let mut inner = 0u128;
                for r in readings.iter() {
                    inner |= add_within(&mut self.within, &mut self.slots, r);
                    initials |= letter_bit(r[0]) as u32;
                    for b in r.iter() {
                        letters |= letter_bit(*b);
                    }
                }
                self.sets.push(readings.clone());
                self.initials.push(initials);
                self.letters.push(letters);
                self.inner.push(inner);
                self.by_set.insert(readings, id);
            }
            id
        };
        self.by_char.insert(c, id);
        id
    }

    pub(crate) fn readings(&self, set: SetId) -> &[Box<[u8]>] {
        &self.sets[set as usize]
    }

    /// The pairs inside the readings of every char of `sets` (`pairs::InnerSlots`).
    pub(crate) fn inner_of(&self, sets: &[SetId]) -> u128 {
        sets.iter().fold(0, |m, s| m | self.inner[*s as usize])
    }

    pub(crate) fn initials_mask(&self, set: SetId) -> u32 {
        self.initials[set as usize]
    }

    pub(crate) fn bytes(&self) -> usize {
        self.sets
            .iter()
            .map(|s| s.iter().map(|r| r.len() + 16).sum::<usize>() + 16)
            .sum::<usize>()
            + self.by_char.len() * 16
            + self.by_set.len() * 24
            + self.initials.len() * 28
            + 36 * 36
    }
}

/// Asks the CPU to bring the cache line at `p` in; nothing on other targets.
#[cfg(target_arch = "x86_64")]
fn prefetch<T>(p: *const T) {
    use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
    // SAFETY: a prefetch is a hint: it reads nothing and never faults, whatever the address;
    // `sse` is part of every x86_64 target.
    unsafe { _mm_prefetch::<_MM_HINT_T0>(p.cast()) }
}

#[cfg(not(target_arch = "x86_64"))]
fn prefetch<T>(_p: *const T) {}

/// Presence bit of an ASCII lowercase letter or digit (bits 0..36).
pub(crate) fn letter_bit(b: u8) -> u64 {
    match b {
        b'a'..=b'z' => 1 << (b - b'a'),
        b'0'..=b'9' => 1 << (26 + b - b'0'),
        _ => 0,
    }
}

/// Presence bit of any char: letters and digits exactly, other chars hashed into bits 36..128.
pub(crate) fn char_bit(c: char) -> u128 {
    if c.is_ascii() {
        letter_bit(c as u8) as u128
    } else if c.is_alphanumeric() {
        1 << (36 + (c as u32 % 92))
    } else {
        0
    }
}

/// Fullwidth ASCII to ASCII, ASCII to lowercase; one char in, one char out, so char indices of
/// the normalised text are those of the original.
pub(crate) fn norm_char(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// `Text::shortest_word` of `chars`: the least run of non-separators starting at a word start
/// (the text's start, or right after a separator).
fn shortest_word(chars: &[char]) -> u8 {
    let mut least = usize::from(u8::MAX);
    // Whether the next char starts a word, and the length of the word being read.
    let (mut at_start, mut run) = (true, 0);
    for c in chars {
        if is_separator(*c) {
            least = least.min(if at_start { 0 } else { run });
            (at_start, run) = (true, 0);
        } else {
            at_start = false;
            run += 1;
        }
    }
    if !at_start {
        least = least.min(run);
    }
    least.min(usize::from(u8::MAX)) as u8
}

/// A char that ends a word: anything not a letter, digit or ideograph.
pub(crate) fn is_separator(c: char) -> bool {
    !c.is_alphanumeric()
}

/// One distinct string, ready to match.
#[derive(Debug)]
pub(crate) struct Text {
    /// As stored, for display.
    pub original: Box<str>,
    pub chars: Box<[char]>,
    pub sets: Box<[SetId]>,
    /// Presence bits of everything a query char could match here.
    pub bloom: u128,
    /// Some char has more than one reading (worth a second, any-reading pass).
    pub heteronyms: bool,
    /// Some char has a pinyin reading (else the pinyin spellings are the text itself).
    pub pinyin: bool,
    /// `initials()` and `full_pinyin().0` as ASCII bytes, made once: the fuzzy pass's
    /// prefilter reads them for every text.
    pub initials: Box<[u8]>,
    pub spelled: Box<[u8]>,
}

impl Text {
    pub(crate) fn new(original: &str, readings: &mut Readings) -> Text {
        let chars: Box<[char]> = original.chars().map(norm_char).collect();
        let sets: Box<[SetId]> = chars.iter().map(|c| readings.set_of(*c)).collect();
        let mut bloom = 0u128;
        let mut heteronyms = false;
        let pinyin = sets.iter().any(|s| *s != 0);
        for (c, s) in chars.iter().zip(sets.iter()) {
            bloom |= char_bit(*c) | readings.letters[*s as usize] as u128;
            heteronyms |= readings.readings(*s).len() > 1;
        }
        let mut text = Text {
            original: original.into(),
            chars,
            sets,
            bloom,
            heteronyms,
            pinyin,
            initials: Box::new([]),
            spelled: Box::new([]),
        };
        text.initials = text.initials(readings).into_bytes().into_boxed_slice();
        text.spelled = text.full_pinyin(readings).0.into_bytes().into_boxed_slice();
        text
    }

    /// The normalised text, for the fuzzy matcher (char i of it is char i of the original).
    /// The cross pairs a direct pinyin match may use (`pairs`). Kept by the index in a dense
    /// array (`Index::pairs`), not in the text: 32 bytes a text, 5.6 MB over 176,000 texts.
    pub(crate) fn pair_sig(&self, readings: &Readings) -> PairSig {
        text_sig(&self.chars, &self.sets, readings)
    }

    /// The fewest chars from a word's start to the next separator (0 when a separator starts
    /// a word, `u8::MAX` for an empty text; capped there): a whole-word match of a term of n
    /// chars spans at most n chars, so a text whose every word is longer than n has none
    /// (`bound`). Kept by the index in a dense array (`Index::words`).
    pub(crate) fn shortest_word(&self) -> u8 {
        shortest_word(&self.chars)
    }

    pub(crate) fn normalised(&self) -> String {
        self.chars.iter().collect()
    }

    /// The first reading of each char spelled out ("miehuoqi"), with the source char of each
    /// byte. Non-pinyin chars stand for themselves; separators become a space.
    pub(crate) fn full_pinyin(&self, readings: &Readings) -> (String, Vec<u32>) {
        let mut s = String::with_capacity(self.chars.len() * 4);
        let mut map = Vec::with_capacity(self.chars.len() * 4);
        for (i, (c, set)) in self.chars.iter().zip(self.sets.iter()).enumerate() {
            match readings.readings(*set).first() {
                Some(r) => {
                    for b in r.iter() {
                        s.push(*b as char);
                        map.push(i as u32);
                    }
                }
                None => {
                    s.push(if c.is_ascii_alphanumeric() { *c } else { ' ' });
                    map.push(i as u32);
                }
            }
        }
        (s, map)
    }

    /// One letter per char: the initial of its first reading, or the char itself if ASCII.
    pub(crate) fn initials(&self, readings: &Readings) -> String {
        self.chars
            .iter()
            .zip(self.sets.iter())
            .map(|(c, set)| match readings.readings(*set).first() {
                Some(r) => r[0] as char,
                None if c.is_ascii_alphanumeric() => *c,
                None => ' ',
            })
            .collect()
    }

    /// Asks the CPU to fetch this text's own fields that point at its chars, reading sets and
    /// spellings (the struct spans more than one cache line), ahead of a loop over many texts
    /// reaching it: each of those is a heap block of its own, so such a loop would otherwise
    /// wait on memory twice for every text (issue 14). Then `prefetch_chars` or
    /// `prefetch_spellings`, a few texts later.
    pub(crate) fn prefetch_fields(&self) {
        prefetch(&self.chars);
        prefetch(&self.sets);
        prefetch(&self.spelled);
        prefetch(&self.initials);
    }

    /// Asks for the chars and reading sets a direct match reads.
    pub(crate) fn prefetch_chars(&self) {
        prefetch(self.chars.as_ptr());
        prefetch(self.sets.as_ptr());
    }

    /// Asks for the spellings (and chars) the fuzzy matcher's prefilters read.
    pub(crate) fn prefetch_spellings(&self) {
        prefetch(self.spelled.as_ptr());
        prefetch(self.initials.as_ptr());
        prefetch(self.chars.as_ptr());
    }

    pub(crate) fn bytes(&self) -> usize {
        std::mem::size_of::<Text>()
            + self.original.len()
            + self.chars.len() * 6
            + self.initials.len()
            + self.spelled.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_come_from_the_pinyin_crate_with_heteronyms() {
        let mut r = Readings::new();
        let t = Text::new("空调机房", &mut r);
        let tiao: Vec<&[u8]> = r.readings(t.sets[1]).iter().map(|x| &x[..]).collect();
        assert!(tiao.contains(&b"tiao".as_slice()) && tiao.contains(&b"diao".as_slice()));
        let t = Text::new("绿色通道", &mut r);
        assert_eq!(&r.readings(t.sets[0])[0][..], b"lv");
        assert_eq!(t.initials(&r), "lstd");
    }

    #[test]
    fn shortest_word_is_the_least_run_from_a_word_start() {
        let m = |s: &str| shortest_word(&s.chars().map(norm_char).collect::<Vec<_>>());
        assert_eq!(m("灭火器压力不足（12号）"), 3);
        assert_eq!(m("门诊楼，配电室"), 3);
        assert_eq!(m("总务科 张伟"), 2);
        assert_eq!(m("PM2.5 Sensor"), 1);
        assert_eq!(m("（备注）"), 0);
        assert_eq!(m("配电室"), 3);
        assert_eq!(m(""), u8::MAX);
    }

    #[test]
    fn full_pinyin_maps_bytes_back_to_chars() {
        let mut r = Readings::new();
        let t = Text::new("灭火器A1", &mut r);
        let (full, map) = t.full_pinyin(&r);
        assert_eq!(full, "miehuoqia1");
        assert_eq!(map[3], 1);
        assert_eq!(map[9], 4);
        assert_eq!(t.normalised(), "灭火器a1");
    }
}
