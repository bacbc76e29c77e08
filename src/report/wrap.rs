//! How many lines a text takes when LibreOffice prints it in a cell of a given width. Both
//! kinds of paper xuncha makes depend on this count: the XLSX ledger writes each row's height
//! into the file (LibreOffice does not grow rows when it opens one), and a notice chooses its
//! text size so its hazards fit on the page with the 回执. A count that comes out low prints a
//! ledger cell's text past its row's rules, cut off at top and bottom, or pushes a notice's
//! 回执 onto a second sheet.
//!
//! Counting every non-CJK character as one narrow unit came out low for text with many Latin
//! capitals and digits, such as a standard's number or an equipment model: a description of 7
//! CJK and 93 ASCII characters took 8 lines in a ledger row made for 5. So each character is
//! measured by the font that prints it, and lines are filled word by word the way LibreOffice
//! breaks them.

use unicode_width::UnicodeWidthChar;

/// Advance widths, in thousandths of an em, of the printable ASCII characters (0x20–0x7E) in
/// DejaVu Sans, the font LibreOffice prints the Latin letters and digits of 宋体 and 黑体 text
/// with on Linux (`pdffonts` on the print check's ledger and notices: CJK in Noto Sans CJK,
/// the rest in DejaVu Sans). SimSun on Windows is narrower (0.5 em each).
const ASCII_EM: [u16; 95] = [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318,
    337, // space–/
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, // 0–?
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, // @–O
    603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, // P–_
    500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, // `–o
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838, // p–~
];

/// The width of one character in em. `wide_em` is what a CJK (or other wide) character is
/// counted as: 1 em prints exactly, more leaves a margin. Other characters outside ASCII
/// count a whole em, the widest a Latin font gives them.
fn char_em(c: char, wide_em: f64) -> f64 {
    match c as u32 {
        0x20..=0x7e => ASCII_EM[c as usize - 0x20] as f64 / 1000.0,
        _ => match c.width() {
            Some(0) | None => 0.0,
            Some(1) => 1.0,
            Some(_) => wide_em,
        },
    }
}

/// Characters a line may not start with (closing punctuation), and ones it may not end with
/// (opening punctuation): LibreOffice keeps them with their neighbour, as Chinese typesetting
/// asks (避头尾).
const NO_LINE_START: &str = "、。，．：；！？）》」』】〕〉”’…!),.:;?]}%";
const NO_LINE_END: &str = "（《「『【〔〈“‘([{";

/// Lines `text` takes in a cell `room_em` wide (the cell's width less its padding, in em of
/// the text's size), wide characters counting `wide_em`. Each paragraph (split at '\n') wraps
/// on its own. Within one, a line may break at a space, after a hyphen, and before or after a
/// wide character, except before closing or after opening punctuation. What lies between two
/// breaks (a Latin word, a number) moves to the next line whole unless it is longer than a
/// line, when it is cut where the line ends. An empty text takes one line.
///
/// It comes out at or above what LibreOffice prints for Latin text (exact for the texts the
/// tests pin) and for Chinese text, where LibreOffice may also squeeze punctuation.
pub(super) fn wrapped_lines(text: &str, room_em: f64, wide_em: f64) -> u32 {
    text.split('\n')
        .map(|para| paragraph_lines(para, room_em.max(wide_em), wide_em))
        .sum()
}

fn paragraph_lines(para: &str, room: f64, wide_em: f64) -> u32 {
    let mut line = Line {
        count: 1,
        x: 0.0,
        room,
    };
    let mut unit: Vec<f64> = Vec::new();
    let mut prev: Option<char> = None;
    for c in para.chars() {
        let mut w = char_em(c, wide_em);
        if prev.is_some_and(|p| autospaced(p, c)) {
            w += AUTOSPACE_EM;
        }
        if c == ' ' {
            line.place(&unit);
            unit.clear();
            // A space at a line's end does not wrap; it only ends the word.
            line.x += w;
            prev = Some(c);
            continue;
        }
        if prev.is_some_and(|p| may_break_between(p, c)) {
            line.place(&unit);
            unit.clear();
        }
        unit.push(w);
        prev = Some(c);
    }
    line.place(&unit);
    line.count
}

/// The space LibreOffice puts between a CJK ideograph and a Latin letter or digit next to it
/// (「Apply spacing between Asian and non-Asian text」, on by default): it prints
/// 「2026 年 11 月」 and 「配电箱 PD-」, but 「0158、PD」 (none beside punctuation). Measured on
/// notices: body lines break where this quarter em says.
const AUTOSPACE_EM: f64 = 0.25;

fn autospaced(before: char, after: char) -> bool {
    let ideograph = |c: char| is_wide(c) && c.is_alphabetic();
    (ideograph(before) && after.is_ascii_alphanumeric())
        || (before.is_ascii_alphanumeric() && ideograph(after))
}

/// A CJK (or other double-width) character.
fn is_wide(c: char) -> bool {
    c.width() == Some(2)
}

/// The width of `text` on one line, in em, wide characters 1 em (no spaces added between
/// scripts): what a label that must not wrap needs.
#[cfg(test)]
pub(super) fn text_em(text: &str) -> f64 {
    text.chars().map(|c| char_em(c, 1.0)).sum()
}

/// Whether a line may break between `before` and `after` (neither a space).
fn may_break_between(before: char, after: char) -> bool {
    // LibreOffice keeps CJK closing punctuation with a Latin word after it: 「0158、PD-」 moves
    // to the next line whole.
    let punct_then_latin =
        !before.is_ascii() && NO_LINE_START.contains(before) && after.is_ascii_alphanumeric();
    // In a web address it breaks after 「//」, after a single 「/」 and after 「?」
    // (「https://」「a.example.com/x?」「id=…」), leaving the rest of the line empty.
    let url_break = (before == '/' && after != '/') || before == '?';
    !NO_LINE_START.contains(after)
        && !NO_LINE_END.contains(before)
        && !punct_then_latin
        && (before == '-' || url_break || is_wide(before) || is_wide(after))
}

/// The line being filled: how many lines so far, and how far the last one is filled.
struct Line {
    count: u32,
    x: f64,
    room: f64,
}

impl Line {
    /// Puts a word (its characters' widths) on this line, or on the next one, or cuts it
    /// across lines when it is longer than a line.
    fn place(&mut self, word: &[f64]) {
        let width: f64 = word.iter().sum();
        if word.is_empty() {
            // Nothing to place (two spaces in a row, or a space first): spaces that filled
            // the line must not open a new one.
        } else if self.x + width <= self.room {
            self.x += width;
        } else if width <= self.room {
            self.count += 1;
            self.x = width;
        } else {
            // Longer than a line: it starts on a line of its own and is cut where lines end.
            if self.x > 0.0 {
                self.count += 1;
                self.x = 0.0;
            }
            for &w in word {
                if self.x + w > self.room && self.x > 0.0 {
                    self.count += 1;
                    self.x = 0.0;
                }
                self.x += w;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wrapped_lines;

    #[test]
    fn chinese_text_wraps_by_its_full_width_characters() {
        assert_eq!(wrapped_lines("消防通道堵塞", 6.0, 1.0), 1);
        assert_eq!(wrapped_lines("消防通道堵塞", 5.5, 1.0), 2);
        assert_eq!(wrapped_lines("消防通道堵塞\n安全出口", 6.0, 1.0), 2);
        assert_eq!(wrapped_lines("", 6.0, 1.0), 1);
    }

    #[test]
    fn a_word_longer_than_the_line_is_cut_and_a_shorter_one_moves_whole() {
        // 30 digits of 0.636 em in a line of 5.1 em: 8 a line.
        assert_eq!(wrapped_lines(&"1".repeat(30), 5.1, 1.0), 4);
        // Two words of 6 digits (3.8 em each) do not share a line of 5.1 em.
        assert_eq!(wrapped_lines("123456 123456", 5.1, 1.0), 2);
        // Spaces that run past a full line do not open a new one by themselves.
        let spaced = format!("{}{}", "堵".repeat(5), " ".repeat(40));
        assert_eq!(wrapped_lines(&spaced, 5.1, 1.0), 1);
    }

    #[test]
    fn closing_punctuation_stays_on_the_line_before_and_numbers_break_after_hyphens() {
        // 6 em a line. The 、 may not start the second line, so 塞 goes down with it, and
        // the last character needs a third line (2 if 、 could start a line).
        assert_eq!(wrapped_lines("消防通道堵塞、安全出口堵", 6.0, 1.0), 3);
        // 「（」 may not end the first line: it goes down with what it opens.
        assert_eq!(wrapped_lines("消防通道堵（塞）安全出口", 6.0, 1.0), 3);
        // A number breaks after its hyphens (消PD- / 2023- / 0158), not at any digit.
        assert_eq!(wrapped_lines("消PD-2023-0158", 5.0, 1.0), 3);
    }

    /// LibreOffice printed this cell (a notice's 问题隐患, 46 mm at 10 pt) in five lines:
    /// 「配电箱 PD-2023-」「0158、PD-2023-」「0158、PD-2023-」「0158、PD-2023-0158、」「未测试」.
    /// Four if 、 could end a line before a Latin word.
    #[test]
    fn equipment_numbers_wrap_as_libreoffice_printed_them() {
        let text = "配电箱PD-2023-0158、PD-2023-0158、PD-2023-0158、PD-2023-0158、未测试";
        let em_mm = 10.0 * 0.3528;
        assert_eq!(wrapped_lines(text, (46.0 - 2.0) / em_mm, 1.0), 5);
    }

    /// A web address breaks after its slashes and 「?」, as LibreOffice printed it
    /// (「https://」「a.example.com/x?」「id=ABCDEF0123456789」), not wherever a line fills.
    #[test]
    fn a_web_address_breaks_after_its_slashes() {
        let url = "https://a.example.com/x?id=ABCDEF0123456789";
        // 12 em a line: 「https://a.example.com/」 (11.6 em), 「x?」, then 「id=…」 (12.2 em)
        // on lines of its own, cut: four lines, where cutting 24.9 em anywhere takes three.
        assert_eq!(wrapped_lines(url, 12.0, 1.0), 4);
    }
}
