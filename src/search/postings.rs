//! Which live records hold each text (for the texts-first search, `sparse`), made on first use
//! after a change of the index and kept beside it. A text's slots are ascending, so each is
//! stored as its gap from the one before in LEB128 (7 bits a byte): at 100,000 findings most
//! gaps fit one or two bytes, where a u32 a slot took 2.4 MB.

use super::index::Index;

/// Text t's slots are the gaps in `bytes[at[t]..at[t + 1]]`, summed from 0 (a record holding
/// a text in two fields is listed twice: a gap of 0).
#[derive(Debug)]
pub(crate) struct Postings {
    at: Vec<u32>,
    bytes: Vec<u8>,
}

impl Postings {
    pub(crate) fn of(index: &Index) -> Postings {
        let texts = index.texts.len();
        let live = || (0..index.hot.len() as u32).filter(|s| index.hot[*s as usize].alive);
        // Pass one: each text's byte count (slots come in ascending order).
        let mut last = vec![0u32; texts];
        let mut at = vec![0u32; texts + 1];
        for slot in live() {
            for ft in index.fields(slot) {
                let t = ft.text() as usize;
                at[t + 1] += gap_len(slot - last[t]);
                last[t] = slot;
            }
        }
        for t in 0..texts {
            at[t + 1] += at[t];
        }
        // Pass two: the gaps.
        last.iter_mut().for_each(|l| *l = 0);
        let mut fill = at.clone();
        let mut bytes = vec![0u8; at[texts] as usize];
        for slot in live() {
            for ft in index.fields(slot) {
                let t = ft.text() as usize;
                let mut gap = slot - last[t];
                last[t] = slot;
                loop {
                    let low = (gap & 0x7f) as u8;
                    gap >>= 7;
                    bytes[fill[t] as usize] = if gap == 0 { low } else { low | 0x80 };
                    fill[t] += 1;
                    if gap == 0 {
                        break;
                    }
                }
            }
        }
        Postings { at, bytes }
    }

    /// The slots holding text `t`, ascending.
    pub(crate) fn slots(&self, t: usize) -> Slots<'_> {
        Slots {
            bytes: &self.bytes[self.at[t] as usize..self.at[t + 1] as usize],
            slot: 0,
        }
    }

    pub(crate) fn bytes(&self) -> usize {
        4 * self.at.capacity() + self.bytes.capacity()
    }
}

/// Bytes a gap takes in LEB128.
fn gap_len(gap: u32) -> u32 {
    (32 - gap.leading_zeros()).max(1).div_ceil(7)
}

/// One text's slots, decoded as they are read.
pub(crate) struct Slots<'a> {
    bytes: &'a [u8],
    slot: u32,
}

impl Iterator for Slots<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let mut gap = 0u32;
        let mut shift = 0;
        loop {
            let (&b, rest) = self.bytes.split_first()?;
            self.bytes = rest;
            gap |= u32::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                break;
            }
            shift += 7;
        }
        self.slot += gap;
        Some(self.slot)
    }
}

#[cfg(test)]
mod tests {
    use super::super::doc::FindingDoc;
    use super::*;
    use crate::catalog::Catalog;

    fn doc(n: u128, description: &str, location: &str) -> FindingDoc<'static> {
        FindingDoc {
            id: uuid::Uuid::from_u128(n),
            facility: "市第一人民医院".into(),
            department: "".into(),
            location: location.to_string().into(),
            line: "fire".into(),
            description: description.to_string().into(),
            severity: crate::domain::Severity::General,
            status: crate::domain::Status::Open,
            due: None,
            measures: "".into(),
            responsible: "".into(),
            created_at: chrono::DateTime::from_timestamp(n as i64 * 60, 0).unwrap(),
            retracted: false,
        }
    }

    /// Each text's slots are exactly the live records holding it, ascending, listed once per
    /// field holding it, across gaps of every byte length.
    #[test]
    fn every_text_lists_the_live_records_holding_it() {
        let mut index = Index::of_catalog(&Catalog::builtin());
        for n in 0..40_000u128 {
            let d = if n % 3 == 0 {
                "消防通道堆物"
            } else {
                "灭火器过期"
            };
            // Every 97th holds one text in two fields; rare texts leave gaps of 2 and 3 bytes.
            let loc = match n {
                _ if n % 97 == 0 => d.to_string(),
                _ if n % 5_000 == 1 => "屋顶".to_string(),
                _ => format!("{}楼", n % 7),
            };
            index.upsert_doc(&doc(n, d, &loc));
        }
        index.remove(uuid::Uuid::from_u128(3));
        index.remove(uuid::Uuid::from_u128(20_001));
        let postings = Postings::of(&index);
        let mut want: Vec<Vec<u32>> = vec![Vec::new(); index.texts.len()];
        for slot in 0..index.hot.len() as u32 {
            if index.hot[slot as usize].alive {
                for ft in index.fields(slot) {
                    want[ft.text() as usize].push(slot);
                }
            }
        }
        for (t, slots) in want.iter().enumerate() {
            assert_eq!(postings.slots(t).collect::<Vec<_>>(), *slots, "text {t}");
        }
        assert!(postings.bytes() < 4 * want.iter().map(Vec::len).sum::<usize>() / 2);
    }
}
