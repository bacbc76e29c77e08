//! A one-line text field: the editing is `tui-input`'s (cursor in codepoints, moving and
//! deleting by grapheme, so a combining mark or an emoji sequence is one step); drawing is ours,
//! measured with unicode-width so CJK (two columns) and IME input place the cursor right.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use tui_input::{Input, InputRequest};
use unicode_width::UnicodeWidthChar;

#[derive(Debug, Clone, Default)]
pub struct TextInput {
    input: Input,
    /// The whole text is selected (a restored draft): the next typed or pasted text replaces
    /// it, Backspace or Delete clears it, a cursor move only drops the selection.
    selected: bool,
}

impl PartialEq for TextInput {
    fn eq(&self, other: &TextInput) -> bool {
        self.input.value() == other.input.value() && self.input.cursor() == other.input.cursor()
    }
}

impl Eq for TextInput {}

impl TextInput {
    /// A field holding `text`, the cursor at its end.
    pub fn new(text: &str) -> TextInput {
        TextInput {
            input: Input::new(text.to_string()),
            selected: false,
        }
    }

    /// Selects the whole text (none when empty), drawn reversed while the field has the
    /// cursor: for text the person did not type just now (a restored draft), so that typing
    /// replaces it instead of appending to it (「城关人民医院城关人民医院」).
    pub fn select_all(&mut self) {
        self.selected = !self.text().is_empty();
    }

    /// Whether the whole text is selected.
    pub fn is_selected(&self) -> bool {
        self.selected
    }

    /// Drops a selected text; true when there was one.
    fn take_selection(&mut self) -> bool {
        let had = std::mem::take(&mut self.selected);
        if had {
            self.input = Input::default();
        }
        had
    }

    pub fn text(&self) -> &str {
        self.input.value()
    }

    fn edit(&mut self, req: InputRequest) {
        self.input.handle(req);
    }

    /// Types one character at the cursor; control characters are refused.
    pub fn insert(&mut self, c: char) {
        if c.is_control() {
            return;
        }
        self.take_selection();
        self.edit(InputRequest::InsertChar(c));
    }

    /// Inserts pasted text on one line: line breaks are dropped (a field is one line), so a
    /// pasted "x⏎v⏎" reads "xv" and never submits anything.
    pub fn insert_str(&mut self, s: &str) {
        for c in s.chars().filter(|c| *c != '\n' && *c != '\r') {
            self.insert(c);
        }
    }

    pub fn backspace(&mut self) {
        if !self.take_selection() {
            self.edit(InputRequest::DeletePrevChar);
        }
    }

    pub fn delete(&mut self) {
        if !self.take_selection() {
            self.edit(InputRequest::DeleteNextChar);
        }
    }

    pub fn left(&mut self) {
        self.selected = false;
        self.edit(InputRequest::GoToPrevChar);
    }

    pub fn right(&mut self) {
        self.selected = false;
        self.edit(InputRequest::GoToNextChar);
    }

    pub fn home(&mut self) {
        self.selected = false;
        self.edit(InputRequest::GoToStart);
    }

    pub fn end(&mut self) {
        self.selected = false;
        self.edit(InputRequest::GoToEnd);
    }

    pub fn set(&mut self, text: &str) {
        *self = TextInput::new(text);
    }

    /// Draws the field into `area` (one line); when focused, scrolled so the cursor is visible,
    /// returning the cursor's screen position. Unfocused fields show their start.
    pub fn render(
        &self,
        area: Rect,
        buf: &mut Buffer,
        style: Style,
        focused: bool,
    ) -> Option<Position> {
        if area.width == 0 || area.height == 0 {
            return None;
        }
        buf.set_style(Rect { height: 1, ..area }, style);
        let width = area.width as usize;
        let chars: Vec<char> = self.text().chars().collect();
        let w = |c: &char| c.width().unwrap_or(0);
        // Start as far left as possible while keeping the cursor (one spare column) in view.
        let mut start = 0;
        let cursor = if focused {
            self.input.cursor().min(chars.len())
        } else {
            0
        };
        let before: usize = chars[..cursor].iter().map(w).sum();
        let mut shown = before;
        while shown + 1 > width && start < cursor {
            shown -= w(&chars[start]);
            start += 1;
        }
        // A selected text shows reversed, which every theme keeps (mono has no colours).
        let text_style = if focused && self.selected {
            style.add_modifier(Modifier::REVERSED)
        } else {
            style
        };
        let mut x = area.x;
        let mut right = area.x + area.width;
        // An unfocused field cut at its right edge ends in ".." so the cut is seen (the full
        // text shows when the field has the cursor).
        let cut = !focused && width > 2 && chars[start..].iter().map(w).sum::<usize>() > width;
        if cut {
            right -= 2;
            for dx in 0..2 {
                buf[(right + dx, area.y)].set_char('.').set_style(style);
            }
        }
        for c in &chars[start..] {
            let cw = w(c) as u16;
            if x + cw > right {
                break;
            }
            buf[(x, area.y)].set_char(*c).set_style(text_style);
            if cw == 2 {
                buf[(x + 1, area.y)].reset();
                buf[(x + 1, area.y)].set_style(text_style);
            }
            x += cw;
        }
        focused.then(|| Position::new((area.x + shown as u16).min(right.saturating_sub(1)), area.y))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_chinese_text_by_character() {
        let mut t = TextInput::new("灭火器");
        t.left();
        t.insert('箱');
        assert_eq!(t.text(), "灭火箱器");
        t.backspace();
        t.backspace();
        assert_eq!(t.text(), "灭器");
        t.home();
        t.delete();
        assert_eq!(t.text(), "器");
        t.end();
        t.insert_str("材\n库");
        assert_eq!(t.text(), "器材库");
    }

    #[test]
    fn a_selected_text_is_replaced_by_typing_and_kept_by_a_move() {
        let mut t = TextInput::new("城关人民医院");
        t.select_all();
        t.insert('东');
        assert_eq!(t.text(), "东", "typing replaces a restored text");
        assert!(!t.is_selected());
        let mut t = TextInput::new("城关人民医院");
        t.select_all();
        t.insert_str("南湖医院");
        assert_eq!(t.text(), "南湖医院", "a paste replaces it too");
        t.select_all();
        t.backspace();
        assert_eq!(t.text(), "", "Backspace clears it");
        let mut t = TextInput::new("城关人民医院");
        t.select_all();
        t.end();
        t.insert('区');
        assert_eq!(t.text(), "城关人民医院区", "after a move typing appends");
        let mut empty = TextInput::new("");
        empty.select_all();
        assert!(!empty.is_selected());
        // Drawn reversed while focused, plain when not.
        let mut t = TextInput::new("城关");
        t.select_all();
        let mut buf = Buffer::empty(Rect::new(0, 0, 8, 1));
        t.render(Rect::new(0, 0, 8, 1), &mut buf, Style::default(), true);
        assert!(buf[(0, 0)].modifier.contains(Modifier::REVERSED));
        let mut buf = Buffer::empty(Rect::new(0, 0, 8, 1));
        t.render(Rect::new(0, 0, 8, 1), &mut buf, Style::default(), false);
        assert!(!buf[(0, 0)].modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn a_combining_mark_is_one_step() {
        // "é" typed as e + U+0301: one backspace removes both, as the user sees one letter.
        let mut t = TextInput::new("消防e\u{301}");
        t.backspace();
        assert_eq!(t.text(), "消防");
        t.left();
        t.insert('箱');
        assert_eq!(t.text(), "消箱防");
    }

    #[test]
    fn cursor_column_counts_double_width_and_scrolls() {
        let t = TextInput::new("消防通道堵塞");
        let mut buf = Buffer::empty(Rect::new(0, 0, 8, 1));
        let pos = t.render(Rect::new(0, 0, 8, 1), &mut buf, Style::default(), true);
        // 6 wide glyphs = 12 columns; only the tail fits and the cursor sits after it.
        assert_eq!(pos, Some(Position::new(6, 0)));
        assert_eq!(buf[(0, 0)].symbol(), "道");
        let short = TextInput::new("a消");
        let mut buf = Buffer::empty(Rect::new(0, 0, 8, 1));
        assert_eq!(
            short.render(Rect::new(0, 0, 8, 1), &mut buf, Style::default(), true),
            Some(Position::new(3, 0))
        );
        // Unfocused: the start of the text, no cursor.
        let mut buf = Buffer::empty(Rect::new(0, 0, 8, 1));
        assert_eq!(
            t.render(Rect::new(0, 0, 8, 1), &mut buf, Style::default(), false),
            None
        );
        assert_eq!(buf[(0, 0)].symbol(), "消");
        // ... and the cut at the right edge is marked (D24: 整改措施 cut without a mark).
        let row: String = (0..8).map(|x| buf[(x, 0)].symbol().to_string()).collect();
        assert_eq!(row, "消 防 通 ..");
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 1));
        t.render(Rect::new(0, 0, 12, 1), &mut buf, Style::default(), false);
        assert!(
            !buf[(11, 0)].symbol().contains('.'),
            "a text that fits is not marked"
        );
    }
}
