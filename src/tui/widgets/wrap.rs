//! Wrapping by display width, done before drawing so that no row can be wider than its block:
//! a wide glyph never lands half outside (where it would overwrite the border and leave a stale
//! cell on the terminal). A row breaks at its last space when what follows fits on the next row
//! (as ratatui's word wrap does); otherwise an ASCII word (`DL/T`, `50016`) moves whole, and
//! Chinese text breaks between any two characters, except that a closing punctuation mark
//! (，。、）》…) never starts a row: the character before it comes along.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '.' | '_')
}

fn is_closing(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '）'
            | '》'
            | '」'
            | '』'
            | '！'
            | '？'
            | ','
            | '.'
            | ';'
            | ':'
            | ')'
    )
}

fn cells_width(cells: &[(char, Style)]) -> usize {
    cells.iter().map(|(c, _)| c.width().unwrap_or(0)).sum()
}

/// One line as rows of at most `width` display columns (at least one row, maybe empty);
/// `trim` drops the spaces a row would start with.
pub fn wrap_line(line: &Line<'_>, width: usize, trim: bool) -> Vec<Line<'static>> {
    let cells: Vec<(char, Style)> = line
        .spans
        .iter()
        .flat_map(|s| {
            let st = line.style.patch(s.style);
            s.content.chars().map(move |c| (c, st))
        })
        .filter(|(c, _)| !c.is_control())
        .collect();
    let mut rows: Vec<Vec<(char, Style)>> = vec![Vec::new()];
    let mut w = 0;
    for (c, st) in cells {
        let cw = c.width().unwrap_or(0);
        if cw > width {
            continue;
        }
        if w + cw > width {
            let cur = rows.last_mut().expect("rows is never empty");
            let mut carry = Vec::new();
            let space = cur.iter().rposition(|(ch, _)| *ch == ' ');
            if let Some(p) = space.filter(|p| *p > 0 && *p + 1 < cur.len()) {
                carry = cur.split_off(p + 1);
            } else if is_word(c) {
                let start = cur
                    .iter()
                    .rposition(|(ch, _)| !is_word(*ch))
                    .map_or(0, |p| p + 1);
                if start > 0 {
                    carry = cur.split_off(start);
                }
            } else if is_closing(c) && cur.len() > 1 {
                carry = cur.split_off(cur.len() - 1);
            }
            if cells_width(&carry) + cw > width {
                cur.append(&mut carry);
            }
            while cur.last().is_some_and(|(ch, _)| *ch == ' ') {
                cur.pop();
            }
            w = cells_width(&carry);
            rows.push(carry);
        }
        let lead = trim || rows.len() > 1;
        let cur = rows.last_mut().expect("rows is never empty");
        if c == ' ' && cur.is_empty() && lead {
            continue;
        }
        cur.push((c, st));
        w += cw;
    }
    rows.into_iter().map(|r| to_line(&r)).collect()
}

/// Every line wrapped to `width`, in order.
pub fn wrap_lines(lines: &[Line<'_>], width: usize, trim: bool) -> Vec<Line<'static>> {
    lines
        .iter()
        .flat_map(|l| wrap_line(l, width, trim))
        .collect()
}

fn to_line(cells: &[(char, Style)]) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut text = String::new();
    let mut style: Option<Style> = None;
    for (c, st) in cells {
        if style.is_some_and(|s| s != *st) {
            spans.push(Span::styled(
                std::mem::take(&mut text),
                style.unwrap_or_default(),
            ));
        }
        style = Some(*st);
        text.push(*c);
    }
    if let Some(s) = style {
        spans.push(Span::styled(text, s));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    fn rows(s: &str, w: usize) -> Vec<String> {
        wrap_line(&Line::from(s.to_string()), w, true)
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn no_row_is_wider_than_the_block() {
        let basis =
            "依据：实务补充：《电力安全工作规程》、DL/T 1476《电力安全工器具预防性试验规程》";
        for w in 1..90 {
            for r in rows(basis, w) {
                assert!(r.width() <= w, "{w}: {r}");
            }
        }
        assert_eq!(
            rows(basis, 78),
            vec![
                "依据：实务补充：《电力安全工作规程》、DL/T",
                "1476《电力安全工器具预防性试验规程》"
            ]
        );
        // Without a space the row breaks between Chinese characters.
        let tight = basis.replace(' ', "");
        assert_eq!(
            rows(&tight, 70),
            vec![
                "依据：实务补充：《电力安全工作规程》、DL/T1476《电力安全工器具预防性试",
                "验规程》"
            ]
        );
    }

    #[test]
    fn words_move_whole_and_punctuation_never_starts_a_row() {
        assert_eq!(rows("依据：WS 308-2019", 12), vec!["依据：WS", "308-2019"]);
        assert_eq!(rows("依据：GB50016", 10), vec!["依据：", "GB50016"]);
        assert_eq!(rows(" · 09:00 李明", 40), vec!["· 09:00 李明"]);
        assert_eq!(
            rows("查看记录，明确责任", 8),
            vec!["查看记", "录，明确", "责任"]
        );
    }
}
