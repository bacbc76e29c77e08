//! The checklist: items by line and section, one-key answers, guidance pane, progress.

use super::{View, fit, pad};
use crate::domain::Answer;
use crate::tui::app::ChecklistState;
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

pub fn mark(a: Option<Answer>) -> (&'static str, Role) {
    match a {
        Some(Answer::Pass) => ("✓ 合格", Role::Pass),
        Some(Answer::Fail) => ("✗ 不合格", Role::Fail),
        Some(Answer::Na) => ("- 不适用", Role::Na),
        None => ("  未答", Role::Muted),
    }
}

pub fn render(v: &View, s: &ChecklistState, frame: &mut Frame, area: Rect) {
    let insp = &s.data.inspection;
    let total = s.data.items.len();
    let done = total - s.unanswered();
    let [head, main] = Layout::vertical([Constraint::Length(2), Constraint::Fill(1)]).areas(area);
    // Where: the facility and the 科室 being inspected (D24), then how and by whom; what does
    // not fit is cut from the end, marked.
    let place = if insp.departments.is_empty() {
        format!(" {}", insp.facility)
    } else {
        format!(" {} · {}", insp.facility, insp.departments.join("、"))
    };
    let place = fit(&place, head.width as usize);
    let rest = fit(
        &format!("  {} · {}", insp.mode.label(), insp.inspectors.join("、")),
        (head.width as usize).saturating_sub(place.width()),
    );
    let mut l1 = vec![
        Span::styled(place, v.st(Role::Title)),
        Span::styled(rest, v.st(Role::Muted)),
    ];
    if insp.is_finished() {
        l1.push(Span::styled("  已结束", v.st(Role::Warning)));
    }
    let mut l2 = vec![Span::styled(
        format!(" 总进度 {done}/{total} "),
        if done == total {
            v.st(Role::Ok)
        } else {
            v.st(Role::Header)
        },
    )];
    for (id, name) in &s.data.line_names {
        let (d, t) = s.progress(id);
        l2.push(Span::styled(
            format!(" {name} {d}/{t}"),
            if d == t {
                v.st(Role::Pass)
            } else {
                v.st(Role::Base)
            },
        ));
    }
    frame.render_widget(Paragraph::new(vec![Line::from(l1), Line::from(l2)]), head);

    if total == 0 {
        frame.render_widget(
            Paragraph::new(Span::styled(" 本次检查的防线没有检查项", v.st(Role::Error))),
            main,
        );
        return;
    }
    // Side by side only where the list keeps room for a whole item (about 80 columns) and the
    // pane still reads; below that the pane goes under the list, which takes the width (D24:
    // at 100 columns two panes cut items more than at 80).
    let (list_area, pane) = if main.width >= 120 {
        // The list up to what a long item needs (96), the pane at least 32 and all the rest.
        let list_w = main.width.saturating_sub(32).min(96);
        let [a, b] =
            Layout::horizontal([Constraint::Length(list_w), Constraint::Fill(1)]).areas(main);
        (a, b)
    } else {
        let mut pane_h = (main.height / 3).clamp(3, 8);
        // An item with crossing answers shows them above its guidance: the pane grows to hold
        // both (issue 10), leaving the list its cursor and a few rows around it.
        if has_history(s) {
            let rows = pane_rows(v, s, main.width.saturating_sub(2) as usize).len() as u16;
            pane_h = (rows + 2).clamp(pane_h, main.height.saturating_sub(7).max(pane_h));
        }
        let [a, b] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(pane_h)]).areas(main);
        (a, b)
    };
    render_list(v, s, frame, list_area);
    render_pane(v, s, frame, pane);
}

/// Whether the item under the cursor has crossing answers (open or settled) to show.
fn has_history(s: &ChecklistState) -> bool {
    let insp = &s.data.inspection;
    s.current().is_some_and(|i| {
        insp.answer_conflicts.contains_key(&i.id) || insp.answer_settled.contains_key(&i.id)
    })
}

fn render_list(v: &View, s: &ChecklistState, frame: &mut Frame, area: Rect) {
    let block = v.block(" 检查项 ", true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    // Display rows: line headers, section headers and items; remember the cursor's row.
    let mut rows: Vec<Line> = Vec::new();
    let mut cursor_row = 0;
    let mut last_line = "";
    let mut last_section = "";
    for (i, item) in s.data.items.iter().enumerate() {
        if item.line != last_line {
            let name = s
                .data
                .line_names
                .iter()
                .find(|(id, _)| *id == item.line)
                .map(|(_, n)| n.as_str())
                .unwrap_or(&item.line);
            let (d, t) = s.progress(&item.line);
            rows.push(Line::from(Span::styled(
                format!("【{name}】 {d}/{t}"),
                v.st(Role::Header),
            )));
            last_line = &item.line;
            last_section = "";
        }
        if item.section != last_section {
            rows.push(Line::from(Span::styled(
                format!("  {}", item.section),
                v.st(Role::Title),
            )));
            last_section = &item.section;
        }
        let (m, role) = mark(s.answer(i));
        // Sent but not yet stored: marked, and drawn muted until the worker confirms.
        let (m, role) = if s.is_pending(i) {
            (format!("{m}*"), Role::Muted)
        } else {
            (m.to_string(), role)
        };
        let n = s.data.findings.get(&item.id).copied().unwrap_or(0);
        let mut tail = if n > 0 {
            format!(" 隐患×{n}")
        } else {
            String::new()
        };
        // Two inspectors' answers crossed (until answered again).
        if !s.is_pending(i) && s.data.inspection.answer_conflicts.contains_key(&item.id) {
            tail.insert_str(0, " ⚠冲突");
        }
        let sel = i == s.cursor;
        if sel {
            cursor_row = rows.len();
        }
        let prefix = format!("{}{}", if sel { "> " } else { "  " }, pad(&m, 9));
        let body = fit(&item.check, w.saturating_sub(12 + tail.width()));
        let line = if sel {
            Line::from(Span::styled(
                pad(&format!("{prefix} {body}{tail}"), w),
                v.st(Role::Selection),
            ))
        } else {
            Line::from(vec![
                Span::styled(prefix, v.st(role)),
                Span::styled(format!(" {body}"), v.st(Role::Base)),
                Span::styled(tail, v.st(Role::Fail)),
            ])
        };
        rows.push(line);
    }
    let h = inner.height as usize;
    let max_off = rows.len().saturating_sub(h);
    let off = cursor_row.saturating_sub(h / 3).min(max_off);
    let visible: Vec<Line> = rows.into_iter().skip(off).take(h).collect();
    frame.render_widget(Paragraph::new(visible), inner);
}

fn render_pane(v: &View, s: &ChecklistState, frame: &mut Frame, area: Rect) {
    if s.current().is_none() {
        return;
    }
    let block = v.block(" 检查方法与依据 ", false);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = pane_rows(v, s, inner.width as usize);
    frame.render_widget(Paragraph::new(rows), inner);
}

/// The guidance pane's content for the item under the cursor, wrapped to `width`: an open
/// answer conflict first (where the eye lands), then the item, 方法, 依据 and 常见隐患, then a
/// settled conflict's history.
fn pane_rows(v: &View, s: &ChecklistState, width: usize) -> Vec<Line<'static>> {
    let Some(item) = s.current() else {
        return vec![];
    };
    let label = |t: &'static str| Span::styled(t, v.st(Role::Header));
    let sev = Span::styled(
        item.severity.label(),
        if item.severity == crate::domain::Severity::Major {
            v.st(Role::Major)
        } else {
            v.st(Role::Base)
        },
    );
    let history = answer_history(v, s, &item.id);
    let open_conflict = s.data.inspection.answer_conflicts.contains_key(&item.id);
    let mut lines = if open_conflict {
        history.clone()
    } else {
        vec![]
    };
    lines.extend([
        Line::from(vec![Span::styled(item.check.clone(), v.st(Role::Title))]),
        Line::from(vec![label("方法："), Span::raw(item.how.clone())]),
        Line::from(vec![
            label("依据："),
            Span::styled(item.basis.clone(), v.st(Role::Muted)),
        ]),
        Line::from(vec![
            label("常见隐患："),
            Span::raw(item.hazard.clone()),
            Span::raw("  "),
            label("等级："),
            sev,
        ]),
    ]);
    if !open_conflict {
        // The note given with the answer (CLI `answer --note`, or a synced device's), right
        // under the item it is about.
        if let Some(a) = s.data.inspection.answers.get(&item.id)
            && !a.note.is_empty()
        {
            lines.insert(
                1,
                Line::from(vec![
                    label("作答备注："),
                    Span::raw(format!("{}（{}）", a.note, a.author)),
                ]),
            );
        }
        lines.extend(history);
    }
    lines.push(Line::from(Span::styled(item.id.clone(), v.st(Role::Muted))));
    crate::tui::widgets::wrap::wrap_lines(&lines, width, true)
}

/// An item's crossing answers (two inspectors on two devices), each with who and when, and how
/// to settle them; or, once settled, the answers that crossed and the one that settled them.
/// Shown first in the pane, where the eye lands.
fn answer_history<'a>(v: &View, s: &ChecklistState, item: &str) -> Vec<Line<'a>> {
    let insp = &s.data.inspection;
    let when = |r: &crate::domain::AnswerRecord| {
        let at = r.at.local_or(v.app.now.0.offset()).format("%m-%d %H:%M");
        let note = if r.note.is_empty() {
            String::new()
        } else {
            format!("（{}）", r.note)
        };
        format!("{at} {}：{}{note}", r.author, r.answer.label())
    };
    let (head, role, list) = if let Some(list) = insp.answer_conflicts.get(item) {
        (
            "⚠ 回答冲突：两位检查人员的回答不同；再按 p / f / n 作答即裁定（原回答都保留）",
            Role::Warning,
            list,
        )
    } else if let Some(list) = insp.answer_settled.get(item) {
        ("已裁定的回答冲突（最后一条为裁定）：", Role::Muted, list)
    } else {
        return vec![];
    };
    let mut out = vec![Line::from(Span::styled(head, v.st(role)))];
    out.extend(
        list.iter()
            .map(|r| Line::from(Span::styled(format!("  {}", when(r)), v.st(Role::Base)))),
    );
    out
}
