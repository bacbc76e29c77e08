//! The 部位 picker drawn under the hazard form's 部位 field: up to five registered places the
//! typed text matches, key sites starred, risk grades in words and colour, the highlighted
//! one selected; a line says how to take one or keep the text.

use super::facility::grade_role;
use super::{View, fit};
use crate::tui::app::{FormField, FormState};
use crate::tui::place_pick::{PlacesLoad, SHOWN};
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

/// Draws the candidates below row `field_y` (the 部位 field's row), over the fields under it,
/// inside `area` from column `x`. Nothing while another field has the focus.
pub fn render(v: &View, f: &FormState, frame: &mut Frame, area: Rect, x: u16, field_y: u16) {
    if f.focus != FormField::Location || x >= area.x + area.width {
        return;
    }
    let w = area.x + area.width - x;
    let bottom = area.y + area.height;
    let text = f.location.text();
    let hint = match &f.places.load {
        PlacesLoad::Loaded(None) => {
            // Said at the right end of the 部位 row, only where it leaves the typed text and
            // the cursor clear: a line below would hide the 科室 field under it.
            const NOT_REGISTERED: &str = "（本单位未登记，按文字保存）";
            let need = NOT_REGISTERED.width() as u16;
            if text.width() as u16 + 2 + need <= w {
                frame.render_widget(
                    Paragraph::new(Span::styled(NOT_REGISTERED, v.st(Role::Muted))),
                    Rect::new(x + w - need, field_y, need, 1),
                );
            }
            return;
        }
        PlacesLoad::Loaded(Some(_)) => "Ctrl-n/Ctrl-p 选择  Enter 选用  Tab 保留所写",
        _ => return,
    };
    let matches = f.places.matches(text);
    if matches.is_empty() {
        return;
    }
    let cursor = f.places.cursor.min(matches.len() - 1);
    let mut y = field_y + 1;
    for (i, p) in matches.iter().take(SHOWN).enumerate() {
        if y >= bottom {
            return;
        }
        let row = Rect::new(area.x, y, area.width, 1);
        frame.render_widget(Clear, row);
        let on = i == cursor;
        let base = if on {
            v.st(Role::Selection)
        } else {
            v.st(Role::Base)
        };
        let mut spans = vec![Span::styled(if on { "▸ " } else { "  " }, base)];
        let star = if p.key_site { "★" } else { "" };
        let grade = p.grade.map(|g| (g.words(), grade_role(g)));
        let tail_w = star.width() + grade.as_ref().map_or(0, |(t, _)| t.width() + 1);
        let path_w = (w as usize).saturating_sub(2 + tail_w + 1);
        spans.push(Span::styled(fit(&p.path, path_w), base));
        if !star.is_empty() {
            spans.push(Span::styled(format!(" {star}"), v.st(Role::Warning)));
        }
        if let Some((t, role)) = grade {
            spans.push(Span::styled(format!(" {t}"), v.st(role)));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), Rect::new(x, y, w, 1));
        y += 1;
    }
    if y < bottom {
        let row = Rect::new(area.x, y, area.width, 1);
        frame.render_widget(Clear, row);
        let more = if matches.len() > SHOWN {
            format!("另有 {} 处，继续输入以缩小  ", matches.len() - SHOWN)
        } else {
            String::new()
        };
        frame.render_widget(
            Paragraph::new(Span::styled(
                fit(&format!("{more}{hint}"), w as usize),
                v.st(Role::Muted),
            )),
            Rect::new(x, y, w, 1),
        );
    }
}
