//! The search overlay: the query, then two lines per hit (title; where it is and the field
//! that matched), matched chars highlighted cell by cell.

use super::{View, fit};
use crate::search::{Hit, Target};
use crate::tui::app::{SEARCH_PAGE as PAGE, SearchState};
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use unicode_width::UnicodeWidthChar;

/// `text` in at most `width` cells as spans, the chars at `indices` in `hi`. Cut with ".."
/// like `fit`, counting display cells (a CJK char is two).
pub fn highlighted(
    text: &str,
    indices: &[usize],
    width: usize,
    base: Style,
    hi: Style,
) -> Vec<Span<'static>> {
    let full: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
    let room = if full <= width {
        width
    } else {
        width.saturating_sub(2)
    };
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut run_hi = false;
    let mut used = 0;
    for (i, c) in text.chars().enumerate() {
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        used += w;
        let is_hi = indices.contains(&i);
        if is_hi != run_hi && !run.is_empty() {
            let style = if run_hi { hi } else { base };
            spans.push(Span::styled(std::mem::take(&mut run), style));
        }
        run_hi = is_hi;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, if run_hi { hi } else { base }));
    }
    if full > width && width >= 2 {
        spans.push(Span::styled("..", base));
    }
    spans
}

fn hit_lines(v: &View, h: &Hit, selected: bool, width: usize) -> [Line<'static>; 2] {
    let (base, muted) = if selected {
        (v.st(Role::Selection), v.st(Role::Selection))
    } else {
        (v.st(Role::Base), v.st(Role::Muted))
    };
    let hi = v
        .st(Role::Key)
        .add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
    let (tag, tag_role) = match (&h.target, h.status) {
        (Target::Item(_), _) => ("[检查项]".to_string(), Role::Header),
        (Target::Finding(_), _) if h.retracted => ("[已撤销]".to_string(), Role::Muted),
        (Target::Finding(_), _) if h.overdue => ("[逾期]".to_string(), Role::Overdue),
        (Target::Finding(_), Some(s)) => (format!("[{}]", s.label()), Role::Warning),
        (Target::Finding(_), None) => ("[隐患]".to_string(), Role::Warning),
        (Target::Chemical(_), _) => ("[危化品]".to_string(), Role::Header),
        (Target::Equipment(_), _) => ("[特种设备]".to_string(), Role::Header),
    };
    let tag_style = if selected {
        v.st(Role::Selection)
    } else {
        v.st(tag_role)
    };
    let tag_w = unicode_width::UnicodeWidthStr::width(tag.as_str()) + 2;
    let mut first = vec![Span::raw(" "), Span::styled(tag, tag_style), Span::raw(" ")];
    first.extend(highlighted(
        &h.title,
        &h.title_indices,
        width.saturating_sub(tag_w),
        base,
        hi,
    ));
    let mut second = vec![Span::styled("   ", muted)];
    second.extend(highlighted(
        &h.subtitle,
        &h.subtitle_indices,
        width.saturating_sub(3),
        muted,
        hi,
    ));
    // The field that matched, when it is neither the title nor in the subtitle.
    let shown_w: usize = second.iter().map(|s| s.width()).sum();
    if h.field_text != h.title && !h.subtitle.contains(&h.field_text) && shown_w + 8 < width {
        let label = format!(" · {}：", h.field.label());
        let lw = unicode_width::UnicodeWidthStr::width(label.as_str());
        second.push(Span::styled(label, muted));
        second.extend(highlighted(
            &h.field_text,
            &h.field_indices,
            width.saturating_sub(shown_w + lw),
            muted,
            hi,
        ));
    }
    let mut a = Line::from(first);
    let mut b = Line::from(second);
    if selected {
        a = a.style(v.st(Role::Selection));
        b = b.style(v.st(Role::Selection));
    }
    [a, b]
}

pub fn render(v: &View, s: &SearchState, frame: &mut Frame, area: Rect) {
    if area.width < 4 || area.height < 3 {
        return;
    }
    // Whole rows cleared: `Clear` alone leaves half of a wide glyph at the edges.
    let r = super::centered(area, 100, area.height.saturating_sub(2).max(3));
    frame.render_widget(
        Clear,
        Rect {
            x: area.x,
            width: area.width,
            ..r
        },
    );
    // Named for everything the index holds (search::Target): hazards, checklist items, and
    // the chemicals and special equipment of the registers.
    const WHAT: &str = "搜索隐患、检查项、危化品、特种设备";
    let title = match s.hits.len() {
        0 => format!(" {WHAT} "),
        n if n > PAGE => format!(" {WHAT}（{}/{PAGE}+） ", s.selected + 1),
        n => format!(" {WHAT}（{}/{n}） ", s.selected + 1),
    };
    let block = v.block(&title, true);
    let inner = block.inner(r);
    frame.render_widget(block, r);
    if inner.height < 2 {
        return;
    }
    let w = inner.width as usize;
    let label = Span::styled("/ ", v.st(Role::Key));
    frame.render_widget(Paragraph::new(label), Rect { height: 1, ..inner });
    let field = Rect {
        x: inner.x + 2,
        width: inner.width.saturating_sub(2),
        height: 1,
        ..inner
    };
    if let Some(p) = s
        .input
        .render(field, frame.buffer_mut(), v.st(Role::Input), true)
    {
        frame.set_cursor_position(p);
    }
    let list = Rect {
        y: inner.y + 1,
        height: inner.height - 1,
        ..inner
    };
    let note = |text: &str, role: Role| Paragraph::new(Span::styled(fit(text, w), v.st(role)));
    if let Some(e) = &s.error {
        frame.render_widget(note(&format!("✗ {e}"), Role::Error), list);
        return;
    }
    if s.input.text().trim().is_empty() {
        let help = vec![
            Line::from(Span::styled(
                fit("输入汉字、全拼或拼音首字母：mhq 找灭火器，pds 找配电室", w),
                v.st(Role::Muted),
            )),
            Line::from(Span::styled(
                fit("可加筛选：line:fire  status:overdue  facility:东城", w),
                v.st(Role::Muted),
            )),
        ];
        frame.render_widget(Paragraph::new(help), list);
        return;
    }
    if s.hits.is_empty() {
        frame.render_widget(
            note("没有找到。换个词，或用拼音首字母试试", Role::Muted),
            list,
        );
        return;
    }
    let per_page = (list.height as usize / 2).max(1);
    let first = s.selected.saturating_sub(per_page - 1);
    let lines: Vec<Line> = s.hits[..s.hits.len().min(PAGE)]
        .iter()
        .enumerate()
        .skip(first)
        .take(per_page)
        .flat_map(|(i, h)| hit_lines(v, h, i == s.selected, w))
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
}
