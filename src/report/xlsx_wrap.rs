//! How many printed lines a text takes in an XLSX cell, as LibreOffice wraps it. Row heights
//! are written into the file (LibreOffice does not grow rows when it opens one), so a count
//! that comes out low prints the cell's text past its row's rules, cut off at top and bottom.
//!
//! Counting each character by its display width (CJK 2, the rest 1) came out low for text
//! with many Latin capitals and digits, e.g. a standard's number or an equipment model: a
//! description of 7 CJK characters and 93 ASCII ones took 8 lines in a 25-unit column where
//! the old count gave 5. So each character is measured in column units, and lines are filled
//! word by word the way LibreOffice breaks them.

use unicode_width::UnicodeWidthChar;

/// Points of one column-width unit on paper: the width of a digit in the workbook's default
/// 11 pt Calibri (Carlito in LibreOffice), as LibreOffice lays it out. Measured on the print
/// check's ledger: a 25-unit column holds 134 pt of text at 97 % scale.
const UNIT_PT: f64 = 5.68;

/// Points of the sheets' body text (宋体 10 pt, see `xlsx_style`).
const TEXT_PT: f64 = 10.0;

/// Units a cell's padding and rules take from its column.
const PADDING_UNITS: f64 = 1.0;

/// Advance widths, in thousandths of an em, of the printable ASCII characters (0x20–0x7E) in
/// DejaVu Sans, the font LibreOffice prints the Latin letters and digits of 宋体 cells with
/// on Linux (`pdffonts` on a printed ledger). SimSun on Windows is narrower (0.5 em each).
const ASCII_EM: [u16; 95] = [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318,
    337, // space–/
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, // 0–?
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, // @–O
    603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, // P–_
    500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, // `–o
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838, // p–~
];

/// The width of one character in column units. CJK and other wide characters count 2 (they
/// print at 1 em, 1.76 units: the margin covers LibreOffice's rule that some punctuation may
/// not start a line). Other characters outside ASCII count a whole em, the widest a Latin
/// font gives them.
fn units(c: char) -> f64 {
    let em = |thousandths: f64| thousandths / 1000.0 * TEXT_PT / UNIT_PT;
    match c as u32 {
        0x20..=0x7e => em(ASCII_EM[c as usize - 0x20] as f64),
        _ => match c.width() {
            Some(0) | None => 0.0,
            Some(1) => em(1000.0),
            Some(_) => 2.0,
        },
    }
}

/// Printed lines `text` needs in a column `width` units wide. Each paragraph (split at '\n')
/// wraps on its own. Within one, a line breaks before or after any wide character and at
/// spaces; a run of other characters (a Latin word, a number) moves to the next line whole
/// unless it is longer than a line, when it is cut where the line ends.
pub fn lines_needed(text: &str, width: f64) -> u32 {
    let room = (width - PADDING_UNITS).max(1.0);
    text.split('\n')
        .map(|para| paragraph_lines(para, room))
        .sum()
}

fn paragraph_lines(para: &str, room: f64) -> u32 {
    let mut lines = 1;
    let mut x = 0.0;
    let mut word = 0.0;
    let mut word_chars: Vec<f64> = Vec::new();
    for c in para.chars() {
        let w = units(c);
        if c == ' ' || w >= 2.0 {
            place_word(&mut x, &mut lines, word, &word_chars, room);
            word = 0.0;
            word_chars.clear();
            if c == ' ' {
                // A space at a line's end does not wrap; it only ends the word.
                x += w;
            } else {
                place_word(&mut x, &mut lines, w, &[w], room);
            }
        } else {
            word += w;
            word_chars.push(w);
        }
    }
    place_word(&mut x, &mut lines, word, &word_chars, room);
    lines
}

/// Puts a word of `word` units (its characters' widths in `chars`) on the line at `x`, or on
/// the next one, or cuts it across lines when it is longer than a line.
fn place_word(x: &mut f64, lines: &mut u32, word: f64, chars: &[f64], room: f64) {
    if chars.is_empty() {
        // No word (two spaces in a row, or a wide character just before): spaces that
        // filled the line must not open a new one.
    } else if *x + word <= room {
        *x += word;
    } else if word <= room {
        *lines += 1;
        *x = word;
    } else {
        for &w in chars {
            if *x + w > room && *x > 0.0 {
                *lines += 1;
                *x = 0.0;
            }
            *x += w;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::lines_needed;

    #[test]
    fn chinese_text_wraps_by_its_full_width_characters() {
        assert_eq!(lines_needed("消防通道堵塞", 14.0), 1);
        assert_eq!(lines_needed("消防通道堵塞\n安全出口", 14.0), 2);
        assert_eq!(lines_needed(&"堵".repeat(20), 11.5), 4);
        assert_eq!(lines_needed("", 10.0), 1);
    }

    /// Line counts LibreOffice 7 printed for these cells (the ledger's 25-unit 问题隐患
    /// column, rows made tall enough, `pdftotext -bbox-layout`).
    #[test]
    fn latin_heavy_text_needs_the_lines_libreoffice_prints() {
        let latin = "WWW MMM 4000 MW 2015 GB 50016-2014 WWW MMM 0000 WMWM 50016 NFPA 72 UL 864 \
                     WWW MMM 2020 MW WM";
        assert_eq!(lines_needed(latin, 25.0), 5);
        let mixed = "门WWW MMM 4000 MW 2015门GB 50016-2014 WWW门MMM 0000 WMWM 50016门NFPA 72 UL \
                     864门WWW MMM 2020 MW WM门WWW MMM 4000 MW 2015门GB 50016-2014 WWW门MMM";
        assert_eq!(lines_needed(mixed, 25.0), 8);
    }

    #[test]
    fn a_word_longer_than_the_line_is_cut_and_a_shorter_one_moves_whole() {
        // 30 digits at 1.12 units each in a 10-unit column: 9 room, 8 digits a line.
        assert_eq!(lines_needed(&"1".repeat(30), 10.0), 4);
        // Two words of 6 digits (6.7 units each) do not share a line of 9.
        assert_eq!(lines_needed("123456 123456", 10.0), 2);
        // Spaces that run past a full line do not open a new one by themselves.
        assert_eq!(
            lines_needed(&format!("{}{}", "堵".repeat(4), " ".repeat(40)), 10.0),
            1
        );
    }

    #[test]
    fn the_widest_hazard_number_takes_one_line_in_the_ledger_column() {
        let width = crate::report::ledger::COLUMNS[1].width;
        assert_eq!(crate::report::ledger::COLUMNS[1].title, "隐患编号");
        assert_eq!(lines_needed("YH-2026-WWW-10000", width), 1);
    }
}
