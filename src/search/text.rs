//! Precomputed searchable text: normalised chars, the pinyin readings of each char (from the
//! `pinyin` crate, heteronyms included) and a 64-bit presence filter, all built once per
//! distinct string so a keystroke is a scan over compact arrays.

use super::pairs::{InnerSlots, PairTable, SeamSig, add_within, text_seams};
use pinyin::ToPinyinMulti;
use std::collections::{HashMap, HashSet};

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
    /// set id → its first reading, up to 7 bytes, its length in the last byte (`FIRST_LONG`
    /// when longer): a text's full pinyin is spelled from these as it is read.
    first: Vec<[u8; 8]>,
    by_char: HashMap<char, SetId>,
    by_set: HashMap<Box<[Box<[u8]>]>, SetId>,
    /// Every letter pair adjacent inside some reading seen (`pairs`).
    pub(crate) within: PairTable,
    /// Those pairs' bits, and for each set id the pairs inside its readings.
    pub(crate) slots: InnerSlots,
    inner: Vec<u128>,
    /// Every prefix of every reading seen, of two letters or more (`pairs::Need`).
    prefixes: HashSet<Box<[u8]>>,
    /// Every run of two letters or more a char may give with a term going on after it:
    /// its readings and zh/ch/sh (`pairs::Need`).
    chunks: HashSet<Box<[u8]>>,
}

impl Readings {
    pub(crate) fn new() -> Readings {
        let mut r = Readings::default();
        r.sets.push(Box::new([]));
        r.initials.push(0);
        r.letters.push(0);
        r.first.push([0; 8]);
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
                    for k in 2..=r.len() {
                        self.prefixes.insert(r[..k].into());
                    }
                    if r.len() >= 2 {
                        self.chunks.insert(r.clone());
                    }
                    if matches!(&r[..], [b'z' | b'c' | b's', b'h', _, ..]) {
                        self.chunks.insert(r[..2].into());
                    }
                    initials |= letter_bit(r[0]) as u32;
                    for b in r.iter() {
                        letters |= letter_bit(*b);
                    }
                }
                self.sets.push(readings.clone());
                self.initials.push(initials);
                self.letters.push(letters);
                self.first.push(first_of(&readings[0]));
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

    /// Whether `run` (two letters or more) begins some reading.
    pub(crate) fn is_reading_prefix(&self, run: &[u8]) -> bool {
        self.prefixes.contains(run)
    }

    /// Whether some char may give `run` (two letters or more) and a next char go on: a
    /// reading, or zh/ch/sh of one.
    pub(crate) fn is_chunk(&self, run: &[u8]) -> bool {
        self.chunks.contains(run)
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
            + self.initials.len() * 36
            + (self.prefixes.len() + self.chunks.len()) * 32
            + 36 * 36
    }
}

/// `Readings::first` of a reading longer than 7 bytes (none is, in pinyin).
const FIRST_LONG: u8 = u8::MAX;

/// A reading as a `Readings::first` entry.
fn first_of(reading: &[u8]) -> [u8; 8] {
    let mut f = [0u8; 8];
    if reading.len() > 7 {
        f[7] = FIRST_LONG;
    } else {
        f[..reading.len()].copy_from_slice(reading);
        f[7] = reading.len() as u8;
    }
    f
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
///
/// Its parts live in one heap block (`block`): the normalised chars (4 bytes each), their
/// reading sets (2 bytes each), the full pinyin, and the
/// chars where the original differs from the normalised text (`norm_char` maps one char to
/// one: fullwidth punctuation, capitals), 8 bytes each. Five blocks of their own took about
/// 150 bytes more a text in allocator headers, rounding and pointers, and the original
/// string as such another 100 or so, where a few chars differ (issue 14: 176,000 distinct
/// texts at 100,000 hazards); and a direct match read the chars and the sets from two places
/// in memory.
#[derive(Debug)]
pub(crate) struct Text {
    /// The parts, back to back; u32 words so the chars are aligned.
    block: Box<[u32]>,
    /// How many chars (and sets).
    n: u32,
    /// Bytes after the last part in the last word (0 to 3).
    pad: u8,
    /// Some char has more than one reading (worth a second, any-reading pass).
    pub heteronyms: bool,
    /// Some char has a pinyin reading (else the pinyin spellings are the text itself).
    pub pinyin: bool,
}

impl Text {
    pub(crate) fn new(original: &str, readings: &mut Readings) -> Text {
        let chars: Vec<char> = original.chars().map(norm_char).collect();
        let sets: Vec<SetId> = chars.iter().map(|c| readings.set_of(*c)).collect();
        let pinyin = sets.iter().any(|s| *s != 0);
        let heteronyms = sets.iter().any(|s| readings.readings(*s).len() > 1);
        // The bytes after the chars: sets, full pinyin, (position, original char)
        // where the original differs.
        let mut tail = Vec::with_capacity(2 * sets.len());
        sets.iter()
            .for_each(|s| tail.extend_from_slice(&s.to_ne_bytes()));
        for (i, (o, c)) in original.chars().zip(&chars).enumerate() {
            if o != *c {
                tail.extend_from_slice(&(i as u32).to_ne_bytes());
                tail.extend_from_slice(&(o as u32).to_ne_bytes());
            }
        }
        let mut block = Vec::with_capacity(chars.len() + tail.len().div_ceil(4));
        block.extend(chars.iter().map(|c| *c as u32));
        block.extend(tail.chunks(4).map(|w| {
            let mut word = [0u8; 4];
            word[..w.len()].copy_from_slice(w);
            u32::from_ne_bytes(word)
        }));
        Text {
            block: block.into_boxed_slice(),
            n: chars.len() as u32,
            pad: (tail.len().next_multiple_of(4) - tail.len()) as u8,
            heteronyms,
            pinyin,
        }
    }

    /// Presence bits of everything a query char could match here: a term with a bit the
    /// text lacks cannot match it. Kept by the index in a dense array (`Index::blooms`),
    /// the first thing a keystroke reads of a text, not in the text.
    pub(crate) fn bloom(&self, readings: &Readings) -> u128 {
        self.chars().iter().zip(self.sets()).fold(0, |b, (c, s)| {
            b | char_bit(*c) | readings.letters[*s as usize] as u128
        })
    }

    /// The whole block as bytes.
    fn bytes_of_block(&self) -> &[u8] {
        // SAFETY: any u32 is four valid bytes; the slice covers exactly the block, which
        // lives as long as `self`.
        unsafe {
            std::slice::from_raw_parts(self.block.as_ptr().cast::<u8>(), self.block.len() * 4)
        }
    }

    /// The normalised chars (char i is char i of the original).
    pub(crate) fn chars(&self) -> &[char] {
        let n = self.n as usize;
        let words = &self.block[..n];
        // SAFETY: the first n words were written from chars (`new`), and char has the size
        // and alignment of u32.
        unsafe { std::slice::from_raw_parts(words.as_ptr().cast::<char>(), n) }
    }

    /// The reading set of each char.
    pub(crate) fn sets(&self) -> &[SetId] {
        let n = self.n as usize;
        let bytes = &self.bytes_of_block()[4 * n..6 * n];
        // SAFETY: those 2n bytes were written from n u16s (`new`), and they start at a
        // multiple of 4 bytes into a u32 block, so they are aligned for u16.
        unsafe { std::slice::from_raw_parts(bytes.as_ptr().cast::<SetId>(), n) }
    }

    /// `initials` a byte at a time, without building them: they are not kept (one byte a
    /// char, 6 MB over 176,000 texts), as only a fuzzy match, after the full pinyin's
    /// prefilter, or a term of letters and other ASCII reads them.
    pub(crate) fn initials_iter<'a>(
        &'a self,
        readings: &'a Readings,
    ) -> impl Iterator<Item = u8> + 'a {
        self.chars()
            .iter()
            .zip(self.sets())
            .map(|(c, set)| initial_of(*c, *set, readings))
    }

    /// Whether `q` (ASCII) occurs in order in the full pinyin (`full_pinyin().0`), spelled
    /// as it is read: it is not kept (about 100 bytes a text, 17 MB over 176,000 texts), and
    /// reading each char's set and its first reading from a small table costs the fuzzy
    /// prefilter no more than reading the spelled bytes did.
    pub(crate) fn spelled_has(&self, readings: &Readings, q: &[u8]) -> bool {
        let Some(mut want) = q.first().copied() else {
            return true;
        };
        let mut j = 0;
        for (i, set) in self.sets().iter().enumerate() {
            let f = &readings.first[*set as usize];
            let bytes: &[u8] = match f[7] {
                FIRST_LONG => &readings.readings(*set)[0],
                0 => {
                    let c = self.chars()[i];
                    if c.is_ascii_alphanumeric() {
                        &[c as u8][..]
                    } else {
                        b" "
                    }
                }
                len => &f[..len as usize],
            };
            for b in bytes {
                if *b == want {
                    j += 1;
                    match q.get(j) {
                        Some(w) => want = *w,
                        None => return true,
                    }
                }
            }
        }
        false
    }

    /// `full_pinyin().0` as ASCII bytes.
    pub(crate) fn spelled(&self, readings: &Readings) -> Vec<u8> {
        self.full_pinyin(readings).0.into_bytes()
    }

    /// The chars of the original, as stored: the normalised ones but where it differs.
    pub(crate) fn original_chars(&self) -> impl Iterator<Item = char> + '_ {
        let at = 6 * self.n as usize;
        let bytes = self.bytes_of_block();
        let end = bytes.len() - usize::from(self.pad);
        let word = |b: &[u8]| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]);
        let mut differs = bytes[at..end]
            .chunks_exact(8)
            .map(move |p| (word(&p[..4]) as usize, word(&p[4..])))
            .peekable();
        self.chars().iter().enumerate().map(move |(i, c)| {
            match differs.next_if(|(at, _)| *at == i) {
                // Written from a char (`new`).
                Some((_, o)) => char::from_u32(o).unwrap_or(*c),
                None => *c,
            }
        })
    }

    /// As stored, for display.
    pub(crate) fn original(&self) -> String {
        let mut s = String::with_capacity(3 * self.n as usize);
        s.extend(self.original_chars());
        s
    }

    /// Whether this is the text of `s`, exactly as stored.
    pub(crate) fn is(&self, s: &str) -> bool {
        self.original_chars().eq(s.chars())
    }

    /// The seams a direct pinyin match may cross (`pairs::Need`). Kept by the index in a
    /// dense array (`Index::seams`), not in the text.
    pub(crate) fn seams(&self, readings: &Readings) -> SeamSig {
        text_seams(self.chars(), self.sets(), readings)
    }

    /// The fewest chars from a word's start to the next separator (0 when a separator starts
    /// a word, `u8::MAX` for an empty text; capped there): a whole-word match of a term of n
    /// chars spans at most n chars, so a text whose every word is longer than n has none
    /// (`bound`). Kept by the index in a dense array (`Index::words`).
    pub(crate) fn shortest_word(&self) -> u8 {
        shortest_word(self.chars())
    }

    /// The normalised text, for the fuzzy matcher (char i of it is char i of the original).
    pub(crate) fn normalised(&self) -> String {
        self.chars().iter().collect()
    }

    /// The first reading of each char spelled out ("miehuoqi"), with the source char of each
    /// byte. Non-pinyin chars stand for themselves; separators become a space.
    pub(crate) fn full_pinyin(&self, readings: &Readings) -> (String, Vec<u32>) {
        full_pinyin_of(self.chars(), self.sets(), readings)
    }

    /// One letter per char: the initial of its first reading, or the char itself if ASCII.
    pub(crate) fn initials(&self, readings: &Readings) -> String {
        initials_of(self.chars(), self.sets(), readings)
    }

    /// Asks the CPU to fetch the start of this text's block (chars, then reading sets),
    /// ahead of a loop over many texts reaching it (issue 14). Then `prefetch_chars` or
    /// `prefetch_spellings`, a few texts later.
    pub(crate) fn prefetch_fields(&self) {
        prefetch(self.block.as_ptr());
    }

    /// Asks for the chars and reading sets a direct match reads.
    pub(crate) fn prefetch_chars(&self) {
        let p = self.block.as_ptr();
        prefetch(p);
        prefetch(p.wrapping_add(16));
        prefetch(p.wrapping_add(self.n as usize));
    }

    /// Asks for the spellings (and chars) the fuzzy matcher's prefilters read.
    pub(crate) fn prefetch_spellings(&self) {
        let p = self.block.as_ptr();
        let n = self.n as usize;
        prefetch(p);
        // The reading sets the full pinyin is spelled from start 4n bytes (n words) in.
        prefetch(p.wrapping_add(n));
        prefetch(p.wrapping_add(n + 16));
    }

    pub(crate) fn bytes(&self) -> usize {
        std::mem::size_of::<Text>() + self.block.len() * 4
    }
}

/// `Text::full_pinyin` of `chars` with reading sets `sets`.
fn full_pinyin_of(chars: &[char], sets: &[SetId], readings: &Readings) -> (String, Vec<u32>) {
    let mut s = String::with_capacity(chars.len() * 4);
    let mut map = Vec::with_capacity(chars.len() * 4);
    for (i, (c, set)) in chars.iter().zip(sets.iter()).enumerate() {
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

/// `Text::initials` of `chars` with reading sets `sets`: one ASCII byte a char.
fn initials_of(chars: &[char], sets: &[SetId], readings: &Readings) -> String {
    chars
        .iter()
        .zip(sets.iter())
        .map(|(c, set)| initial_of(*c, *set, readings) as char)
        .collect()
}

/// The initial of a char's first reading, the char itself if an ASCII letter or digit, else
/// a space.
fn initial_of(c: char, set: SetId, readings: &Readings) -> u8 {
    match readings.readings(set).first() {
        Some(r) => r[0],
        None if c.is_ascii_alphanumeric() => c as u8,
        None => b' ',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_come_from_the_pinyin_crate_with_heteronyms() {
        let mut r = Readings::new();
        let t = Text::new("空调机房", &mut r);
        let tiao: Vec<&[u8]> = r.readings(t.sets()[1]).iter().map(|x| &x[..]).collect();
        assert!(tiao.contains(&b"tiao".as_slice()) && tiao.contains(&b"diao".as_slice()));
        let t = Text::new("绿色通道", &mut r);
        assert_eq!(&r.readings(t.sets()[0])[0][..], b"lv");
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

    /// A text keeps its chars, not its string: the string it gives back is the one it was
    /// made of, fullwidth punctuation, capitals and all, and it tells it from strings that
    /// only normalise alike.
    #[test]
    fn the_original_comes_back_as_it_was_given() {
        let mut r = Readings::new();
        for s in [
            "配电室门口堆放纸箱（12号），立即清理",
            "PM2.5 Sensor 室",
            "ＡＢＣ　全角",
            "stat 监测仪未校准",
            "",
            "（）",
            "Ω 𝔸 é",
        ] {
            let t = Text::new(s, &mut r);
            assert_eq!(t.original(), s);
            assert!(t.is(s), "{s}");
            let lower: String = s.chars().map(norm_char).collect();
            assert_eq!(t.is(&lower), lower == s, "{s} / {lower}");
            assert!(!t.is(&format!("{s}x")), "{s}");
        }
    }

    /// The full pinyin spelled as it is read holds the same subsequences as the one spelled
    /// out: pinyin, ASCII letters and digits, and spaces for anything else.
    #[test]
    fn spelled_as_read_is_the_full_pinyin() {
        let mut r = Readings::new();
        for s in [
            "灭火器A1",
            "PM2.5 Sensor 室",
            "空调机房（é）",
            "",
            "绿色通道",
        ] {
            let t = Text::new(s, &mut r);
            let full = t.full_pinyin(&r).0.into_bytes();
            for q in [
                "mhq",
                "miehuoqia1",
                "pm25",
                "sensor shi",
                "kongtiao",
                "lvse",
                "z",
                "a1q",
                " ",
            ] {
                let q = q.as_bytes();
                let mut j = 0;
                for b in &full {
                    if j < q.len() && *b == q[j] {
                        j += 1;
                    }
                }
                assert_eq!(t.spelled_has(&r, q), j == q.len(), "{s} / {q:?}");
            }
        }
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
