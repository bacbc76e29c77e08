//! Candidates drawn under a form field (the hazard form's 部位, the 台账 forms' 单位 and
//! 地点): up to five, the highlighted one selected, key sites starred, risk grades in words and
//! colour, then a line saying how many more and how to take one.

use super::facility::grade_role;
use super::{View, fit};
use crate::tui::suggest::{Candidate, SHOWN};
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

/// Draws `items` from the row below `field_y`, over what lies there, inside `area` from
/// column `x`; `cursor` is the highlighted one, `hint` ends the last line.
pub fn render(
    v: &View,
    frame: &mut Frame,
    (area, x, field_y): (Rect, u16, u16),
    items: &[Candidate],
    cursor: usize,
    hint: &str,
) {
    if items.is_empty() || x >= area.x + area.width {
        return;
    }
    let w = area.x + area.width - x;
    let bottom = area.y + area.height;
    let cursor = cursor.min(items.len() - 1);
    let mut y = field_y + 1;
    for (i, p) in items.iter().take(SHOWN).enumerate() {
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
        let value_w = (w as usize).saturating_sub(2 + tail_w + 1);
        spans.push(Span::styled(fit(&p.value, value_w), base));
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
        let more = if items.len() > SHOWN {
            format!("另有 {} 处，继续输入以缩小  ", items.len() - SHOWN)
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
