//! Turning matched char indices into what a terminal draws: display-cell ranges (a CJK char
//! is two cells) and highlighted / plain runs of text.

use std::ops::Range;
use unicode_width::UnicodeWidthChar;

/// Display-cell ranges of the chars at `indices` (sorted or not), adjacent ones merged.
/// `cell_ranges("灭火器压力", &[0, 1])` is `[0..4]`.
pub fn cell_ranges(text: &str, indices: &[usize]) -> Vec<Range<usize>> {
    let mut wanted: Vec<usize> = indices.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut next = wanted.iter().peekable();
    let mut col = 0;
    for (i, c) in text.chars().enumerate() {
        let w = c.width().unwrap_or(0);
        if next.peek() == Some(&&i) {
            next.next();
            match out.last_mut() {
                Some(last) if last.end == col => last.end = col + w,
                _ => out.push(col..col + w),
            }
        }
        col += w;
    }
    out
}

/// The text cut into runs, each marked highlighted or not, for styled spans.
pub fn runs(text: &str, indices: &[usize]) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    for (i, c) in text.chars().enumerate() {
        let hit = indices.contains(&i);
        match out.last_mut() {
            Some((s, h)) if *h == hit => s.push(c),
            _ => out.push((c.to_string(), hit)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_chars_are_two_cells_wide() {
        assert_eq!(cell_ranges("灭火器压力", &[0, 1]), vec![0..4]);
        assert_eq!(cell_ranges("过期灭火器", &[2, 3, 4]), vec![4..10]);
        assert_eq!(cell_ranges("A区灭火器", &[0, 3]), vec![0..1, 5..7]);
        assert_eq!(cell_ranges("ab", &[5]), Vec::<Range<usize>>::new());
    }

    #[test]
    fn runs_alternate_between_plain_and_highlighted() {
        assert_eq!(
            runs("燃气锅炉房", &[2, 3, 4]),
            vec![("燃气".to_string(), false), ("锅炉房".to_string(), true)]
        );
    }
}
