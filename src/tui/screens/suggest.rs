//! Candidates drawn under a form field (the hazard form's 部位, the 台账 forms' 单位 and
//! 地点) as a bordered popup over the fields below it: up to five, the highlighted one
//! selected, key sites starred, risk grades in words and colour. The top border says how many
//! there are and how many show; the bottom border names the keys. Where the rows below the
//! field are too few it opens above the field, and it shows fewer rows rather than cut one,
//! saying so in its title.

use super::facility::grade_role;
use super::{View, fit};
use crate::tui::suggest::{Candidate, SHOWN};
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

/// The keys of the popup, widest first: the first that fits the bottom border is drawn.
const KEYS: [&str; 3] = [
    " Ctrl-n/Ctrl-p 选择  Enter 选用  Tab 保留所写 ",
    " Ctrl-n/p 选  Enter 用  Tab 留所写 ",
    " ^n/^p Enter Tab ",
];

/// Draws `items` as a popup under row `field_y` (above it when the rows below are too few),
/// over what lies there, inside `area`, its text starting at column `x`; `cursor` is the
/// highlighted one, `unit` counts them (处, 家).
pub fn render(
    v: &View,
    frame: &mut Frame,
    (area, x, field_y): (Rect, u16, u16),
    items: &[Candidate],
    cursor: usize,
    unit: &str,
) {
    let right = area.x + area.width;
    if items.is_empty() || x >= right {
        return;
    }
    // The left border sits in the label column, so candidates line up with the field text.
    let left = x.saturating_sub(1).max(area.x);
    let w = right - left;
    if w < 8 {
        return;
    }
    let wanted = items.len().min(SHOWN) as u16;
    let below = (area.y + area.height).saturating_sub(field_y + 1);
    let above = field_y.saturating_sub(area.y);
    let (top, rows) = if below >= wanted + 2 || below >= above {
        (field_y + 1, below.min(wanted + 2))
    } else {
        let rows = above.min(wanted + 2);
        (field_y - rows, rows)
    };
    if rows < 3 {
        return;
    }
    let shown = (rows - 2) as usize;
    let cursor = cursor.min(items.len() - 1);
    // Keep the highlighted one in view when fewer rows show than five.
    let first = (cursor + 1).saturating_sub(shown);
    let title = if items.len() > shown {
        format!(
            " 共 {} {unit}，显示 {}–{}，继续输入以缩小 ",
            items.len(),
            first + 1,
            first + shown
        )
    } else {
        format!(" 共 {} {unit} ", items.len())
    };
    let inner_w = (w - 2) as usize;
    let keys = KEYS
        .iter()
        .find(|k| k.width() <= inner_w)
        .copied()
        .unwrap_or("");
    let rect = Rect::new(left, top, w, rows);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(v.st(Role::Muted))
        .title(Span::styled(fit(&title, inner_w), v.st(Role::Muted)))
        .title_bottom(Span::styled(keys, v.st(Role::Muted)));
    frame.render_widget(block, rect);
    for (row, (i, p)) in items.iter().enumerate().skip(first).take(shown).enumerate() {
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
        let value_w = inner_w.saturating_sub(2 + tail_w + 1);
        spans.push(Span::styled(fit(&p.value, value_w), base));
        if !star.is_empty() {
            spans.push(Span::styled(format!(" {star}"), v.st(Role::Warning)));
        }
        if let Some((t, role)) = grade {
            spans.push(Span::styled(format!(" {t}"), v.st(role)));
        }
        frame.render_widget(
            Paragraph::new(Line::from(spans)),
            Rect::new(left + 1, top + 1 + row as u16, w - 2, 1),
        );
    }
}
