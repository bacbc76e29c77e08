//! Numbers people can say aloud: 隐患编号 (YH-2026-A3K-0007), 检查编号 (JC-2026-A3K-0003) and the
//! 文号 of a 四书 notice (某卫安整〔2026〕A3K-12号).
//!
//! Offline devices cannot agree on a counter, so each number is a short *device code* (three
//! characters derived from the device id, see [`device_code`]) plus a sequence kept per device,
//! per series and per year. The number is made once, written into the event that creates the
//! record, and read from there by every device forever: it never changes on a reprint, after a
//! sync or when the organisation profile is edited.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Which counter a number comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Series {
    /// 隐患编号, "YH-…".
    Finding,
    /// 检查编号, "JC-…".
    Inspection,
    /// 整改通知书 (and the internal 整改通知单 of a 自查), 文号 word "整".
    Notice,
    /// 警示约谈告知书, 文号 word "约".
    Interview,
    /// 责任追究建议书, 文号 word "追".
    Referral,
}

impl Series {
    pub const ALL: [Series; 5] = [
        Series::Finding,
        Series::Inspection,
        Series::Notice,
        Series::Interview,
        Series::Referral,
    ];

    /// The key of the series in the store's counters.
    pub fn id(self) -> &'static str {
        match self {
            Series::Finding => "finding",
            Series::Inspection => "inspection",
            Series::Notice => "notice",
            Series::Interview => "interview",
            Series::Referral => "referral",
        }
    }
}

/// One assigned number: series, year of issue, the issuing device's code and its sequence.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Number {
    pub series: Series,
    pub year: i32,
    /// The device code, three characters from [`CODE_ALPHABET`].
    pub device: String,
    /// From 1 within (device, series, year).
    pub seq: u32,
}

impl Number {
    /// The spoken form of a record number: `YH-2026-A3K-0007` (four digits at least).
    /// For a notice, use [`Number::wenhao`].
    pub fn code(&self) -> String {
        let head = match self.series {
            Series::Finding => "YH",
            Series::Inspection => "JC",
            Series::Notice => "ZG",
            Series::Interview => "YT",
            Series::Referral => "ZJ",
        };
        format!("{head}-{}-{}-{:04}", self.year, self.device, self.seq)
    }

    /// The 文号 of a notice: the authority's 机关代字 (e.g. "某卫安"), the book's word
    /// (整/约/追), the year in 〔〕, then device code and sequence: `某卫安整〔2026〕A3K-12号`.
    /// Without a 机关代字 the document still gets a 文号 headed "巡查". A 机关代字 typed with
    /// a book's word or the year bracket already on it ("某卫安整", "某卫安整〔") is read as
    /// its stem ([`agency_stem`]), so the word is never doubled ("某卫安整整〔…〕").
    pub fn wenhao(&self, agency_code: &str) -> String {
        let word = match self.series {
            Series::Notice => "整",
            Series::Interview => "约",
            Series::Referral => "追",
            Series::Finding | Series::Inspection => "",
        };
        let code = agency_stem(agency_code);
        let code = if code.is_empty() { "巡查" } else { code };
        format!(
            "{code}{word}〔{}〕{}-{}号",
            self.year, self.device, self.seq
        )
    }
}

/// The 机关代字 proper, as the 文号 needs it: trimmed, without a trailing year bracket
/// ("〔", "[", "（", "("), "字" or "第", and without a trailing book word 整/约/追 that the 文号
/// adds itself. "某卫安整" → "某卫安", "某卫安整〔" → "某卫安", "某卫安" → "某卫安".
pub fn agency_stem(typed: &str) -> &str {
    let mut s = typed.trim();
    s = s.trim_end_matches(['〔', '[', '［', '（', '(', '【', ' ', '　']);
    s = s.strip_suffix('第').unwrap_or(s);
    s = s.strip_suffix('字').unwrap_or(s);
    for word in ['整', '约', '追'] {
        if let Some(stem) = s.strip_suffix(word)
            && !stem.trim().is_empty()
        {
            return stem.trim_end();
        }
    }
    s
}

/// The characters of a device code: capital letters and digits a person cannot misread
/// (no I, O, 0, 1).
pub const CODE_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// The three-character code of a device, derived from its id: the first a letter, so a code
/// never reads as a number. 24 × 32 × 32 = 24,576 codes; among 30 devices the chance that two
/// share a code is about 1.8 %, which `doctor` reports (the numbers then still differ by the
/// record they name, but are no longer unique on their own).
pub fn device_code(device: Uuid) -> String {
    let h = Sha256::digest(device.as_bytes());
    let letters = &CODE_ALPHABET[..24];
    let mut s = String::with_capacity(3);
    s.push(letters[h[0] as usize % 24] as char);
    s.push(CODE_ALPHABET[h[1] as usize % 32] as char);
    s.push(CODE_ALPHABET[h[2] as usize % 32] as char);
    s
}

/// What someone typed or said as a record number, as an index key: fullwidth forms to ASCII,
/// upper case, dashes and spaces dropped, the sequence without leading zeros, so
/// "yh-2026-a3k-7" and "YH-2026-A3K-0007" both give `YH2026A3K7`. None if the text is not
/// shaped like a record number (two letters, a year, a three-character device code, digits).
pub fn number_key(text: &str) -> Option<String> {
    let s: String = text
        .chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            c => c,
        })
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let b = s.as_bytes();
    if b.len() < 10
        || !b[..2].iter().all(u8::is_ascii_alphabetic)
        || !b[2..6].iter().all(u8::is_ascii_digit)
        || !b[9..].iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    let seq: u32 = s[9..].parse().ok()?;
    Some(format!("{}{seq}", &s[..9]))
}

/// The key a record is indexed under, as [`number_key`] makes it from typed text.
pub fn index_key(n: &Number) -> String {
    number_key(&n.code()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(series: Series, seq: u32) -> Number {
        Number {
            series,
            year: 2026,
            device: "A3K".into(),
            seq,
        }
    }

    #[test]
    fn spoken_forms() {
        assert_eq!(n(Series::Finding, 7).code(), "YH-2026-A3K-0007");
        assert_eq!(n(Series::Inspection, 12345).code(), "JC-2026-A3K-12345");
        assert_eq!(
            n(Series::Notice, 12).wenhao("某卫安"),
            "某卫安整〔2026〕A3K-12号"
        );
        assert_eq!(n(Series::Interview, 1).wenhao(""), "巡查约〔2026〕A3K-1号");
    }

    #[test]
    fn an_agency_code_typed_with_the_book_word_is_not_doubled() {
        for typed in [
            "某卫安",
            "某卫安整",
            " 某卫安整〔",
            "某卫安约",
            "某卫安追（",
            "某卫安字",
        ] {
            assert_eq!(
                n(Series::Notice, 12).wenhao(typed),
                "某卫安整〔2026〕A3K-12号",
                "{typed}"
            );
            assert_eq!(
                n(Series::Referral, 3).wenhao(typed),
                "某卫安追〔2026〕A3K-3号",
                "{typed}"
            );
        }
        // A code that is only the word stays (nothing else to print).
        assert_eq!(agency_stem("整"), "整");
    }

    #[test]
    fn device_codes_are_three_clear_characters_and_stable() {
        let id = Uuid::parse_str("0192f0c4-7b3a-7c61-9a2e-5d8f1e2b3c4d").unwrap();
        let c = device_code(id);
        assert_eq!(c, device_code(id));
        assert_eq!(c.len(), 3);
        assert!(c.as_bytes()[0].is_ascii_uppercase());
        assert!(c.bytes().all(|b| CODE_ALPHABET.contains(&b)));
    }

    #[test]
    fn typed_numbers_find_their_record() {
        let k = index_key(&n(Series::Finding, 7));
        assert_eq!(k, "YH2026A3K7");
        assert_eq!(number_key("yh-2026-a3k-7").as_deref(), Some("YH2026A3K7"));
        assert_eq!(
            number_key("ＹＨ－２０２６－Ａ３Ｋ－０００７").as_deref(),
            Some("YH2026A3K7")
        );
        assert_eq!(number_key("灭火器"), None);
        assert_eq!(number_key("YH-26-A3K-7"), None);
    }
}
