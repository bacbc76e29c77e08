//! The `?` help: every key of the screen below with its description, never cut. Descriptions
//! wrap under themselves; one column, or two when that fits the height without wrapping more;
//! when even that does not fit (80x24 with many keys, 60x20) the list scrolls with j/k and
//! shows where it is, so every key stays reachable (D24).

use super::overlays::popup;
use super::{View, pad};
use crate::tui::app::HelpView;
use crate::tui::theme::Role;
use crate::tui::widgets::wrap::wrap_line;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

/// Widest popup (columns): wider is hard to read.
const MAX_W: u16 = 110;

pub fn render(v: &View, h: &HelpView, frame: &mut Frame, area: Rect) {
    let entries = v.keymap.describe(v.app.screen_context());
    if entries.is_empty() || area.width < 8 || area.height < 3 {
        return;
    }
    let w = area.width.min(MAX_W);
    let inner_w = w.saturating_sub(2) as usize;
    let room = area.height.saturating_sub(2).max(1) as usize;
    let key_w = entries
        .iter()
        .map(|(k, _)| k.width())
        .max()
        .unwrap_or(4)
        .min(inner_w / 3);
    // One column is only as wide as its longest line needs.
    let desc_w = entries.iter().map(|(_, d)| d.width()).max().unwrap_or(0);
    let one_w = (key_w + 1 + desc_w + 2).max(40).min(w as usize) as u16;
    // Two columns when both halves hold all entries in the height.
    let half = inner_w / 2;
    let two = entry_rows(v, &entries, half, key_w, None);
    // Split where the two columns come out most even in rows.
    let heights: Vec<usize> = two.iter().map(Vec::len).collect();
    let all: usize = heights.iter().sum();
    let per_col = (1..entries.len().max(2))
        .min_by_key(|k| {
            let l: usize = heights[..*k].iter().sum();
            l.max(all - l)
        })
        .unwrap_or(1)
        .min(entries.len());
    let left: usize = heights[..per_col].iter().sum();
    let right = all - left;
    let one = entry_rows(v, &entries, one_w.saturating_sub(2) as usize, key_w, None);
    let one_h: usize = one.iter().map(Vec::len).sum();
    if one_h <= room {
        let lines: Vec<Line> = one.into_iter().flatten().collect();
        draw(
            v,
            frame,
            area,
            one_w,
            lines,
            " 按键帮助（Esc 关闭） ".into(),
        );
        return;
    }
    if left.max(right) <= room && half >= key_w + 8 {
        let mut lines = Vec::new();
        let col = |rows: &[Vec<Line<'static>>]| -> Vec<Line<'static>> {
            rows.iter().flatten().cloned().collect()
        };
        let (l, r) = (col(&two[..per_col]), col(&two[per_col..]));
        for i in 0..l.len().max(r.len()) {
            let mut spans = l.get(i).map(|x| x.spans.clone()).unwrap_or_default();
            let used: usize = spans.iter().map(|s| s.content.width()).sum();
            spans.push(Span::raw(" ".repeat(half.saturating_sub(used))));
            spans.extend(r.get(i).map(|x| x.spans.clone()).unwrap_or_default());
            lines.push(Line::from(spans));
        }
        draw(v, frame, area, w, lines, " 按键帮助（Esc 关闭） ".into());
        return;
    }
    // Scroll: the cursor's entry in view, a third of the way down when it can be.
    let sel = h.selected.min(entries.len() - 1);
    let rows = entry_rows(v, &entries, inner_w, key_w, Some(sel));
    let start_of = |i: usize| -> usize { rows[..i].iter().map(Vec::len).sum() };
    let total = start_of(rows.len());
    let body = room.saturating_sub(1).max(1);
    let top = start_of(sel)
        .saturating_sub(body / 3)
        .min(total.saturating_sub(body));
    let mut lines: Vec<Line> = rows.into_iter().flatten().skip(top).take(body).collect();
    let more = if top + body < total {
        "，下面还有"
    } else {
        ""
    };
    lines.push(Line::from(Span::styled(
        format!("j/k ↓/↑ 滚动 · 第 {}/{} 条{more}", sel + 1, entries.len()),
        v.st(Role::Muted),
    )));
    draw(v, frame, area, w, lines, " 按键帮助（Esc 关闭） ".into());
}

/// Each entry's rows: the keys, then the description wrapped under itself; the cursor's entry
/// highlighted.
fn entry_rows(
    v: &View,
    entries: &[(String, String)],
    width: usize,
    key_w: usize,
    cursor: Option<usize>,
) -> Vec<Vec<Line<'static>>> {
    let desc_w = width.saturating_sub(key_w + 1).max(4);
    entries
        .iter()
        .enumerate()
        .map(|(i, (k, d))| {
            let sel = cursor == Some(i);
            let desc = wrap_line(&Line::from(d.clone()), desc_w, true);
            desc.into_iter()
                .enumerate()
                .map(|(n, l)| {
                    let key = if n == 0 {
                        pad(k, key_w)
                    } else {
                        pad("", key_w)
                    };
                    let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
                    let (ks, ds) = if sel {
                        (v.st(Role::Selection), v.st(Role::Selection))
                    } else {
                        (v.st(Role::Key), v.st(Role::Base))
                    };
                    Line::from(vec![
                        Span::styled(format!("{key} "), ks),
                        Span::styled(pad(&text, desc_w), ds),
                    ])
                })
                .collect()
        })
        .collect()
}

fn draw(v: &View, frame: &mut Frame, area: Rect, w: u16, lines: Vec<Line>, title: String) {
    let h = (lines.len() as u16 + 2).min(area.height);
    let r = popup(frame, area, w, h);
    frame.render_widget(Paragraph::new(lines).block(v.block(&title, true)), r);
}
