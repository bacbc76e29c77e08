//! The checklist's question lists and the summary of an inspection being (or just) finished.

use super::{View, fit};
use crate::tui::choice::{Choice, FinishSummary};
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// A question with numbered answers; the selected one highlighted.
pub fn choice(v: &View, c: &Choice, frame: &mut Frame, area: Rect) {
    let w = 64.min(area.width);
    let inner_w = w.saturating_sub(2) as usize;
    let mut lines = Vec::new();
    if !c.text.is_empty() {
        lines.push(Line::from(Span::styled(
            fit(&c.text, inner_w),
            v.st(Role::Muted),
        )));
    }
    for (i, o) in c.options.iter().enumerate() {
        let st = if i == c.selected {
            v.st(Role::Selection)
        } else {
            v.st(Role::Base)
        };
        // The answer Enter takes is marked, not only coloured: a terminal without colour (or
        // a printout of the screen) still shows it.
        let mark = super::selected_mark(i == c.selected);
        lines.push(Line::from(Span::styled(
            super::pad(&fit(&format!("{mark}{}. {o}", i + 1), inner_w), inner_w),
            st,
        )));
    }
    lines.push(Line::from(Span::styled(
        fit("j/k 选择  Enter 确定  Esc 取消", inner_w),
        v.st(Role::Key),
    )));
    let r = super::overlays::popup(frame, area, w, lines.len() as u16 + 2);
    frame.render_widget(Paragraph::new(lines).block(v.block(&c.title, true)), r);
}

/// The figures of an inspection: answers, hazards by severity, failed items without a hazard.
pub fn summary(v: &View, s: &FinishSummary, frame: &mut Frame, area: Rect) {
    let w = 70.min(area.width);
    let inner_w = w.saturating_sub(2) as usize;
    let answered = s.total - s.unanswered;
    let mut lines = vec![
        Line::from(Span::styled(fit(&s.facility, inner_w), v.st(Role::Title))),
        Line::from(vec![
            Span::styled("检查项  ", v.st(Role::Header)),
            Span::raw(format!("已答 {answered}/{}：", s.total)),
            Span::styled(format!("合格 {}", s.passed), v.st(Role::Pass)),
            Span::raw(" · "),
            Span::styled(format!("不合格 {}", s.failed), v.st(Role::Fail)),
            Span::raw(" · "),
            Span::styled(format!("不适用 {}", s.na), v.st(Role::Na)),
        ]),
    ];
    if s.unanswered > 0 {
        lines.push(Line::from(Span::styled(
            format!("        未答 {} 项（结束后不能再作答）", s.unanswered),
            v.st(Role::Warning),
        )));
    }
    let mut hz = vec![
        Span::styled("隐患    ", v.st(Role::Header)),
        Span::raw(format!("共 {} 条：", s.major + s.general)),
        Span::styled(format!("重大 {}", s.major), v.st(Role::Major)),
        Span::raw(format!(" · 一般 {}", s.general)),
    ];
    if s.fixed_on_spot > 0 {
        hz.push(Span::raw(format!(" · 其中立查立改 {}", s.fixed_on_spot)));
    }
    if s.ad_hoc > 0 {
        hz.push(Span::raw(format!(" · 检查表外 {}", s.ad_hoc)));
    }
    lines.push(Line::from(hz));
    let bare = &s.failed_without_hazard;
    if bare.is_empty() {
        lines.push(Line::from(Span::styled(
            "每个不合格项都已登记隐患",
            v.st(Role::Ok),
        )));
    } else {
        lines.push(Line::from(Span::styled(
            format!("不合格未登记隐患 {} 项：", bare.len()),
            v.st(Role::Error),
        )));
        let room = (area.height as usize)
            .saturating_sub(lines.len() + 4)
            .max(1);
        for (k, (_, check)) in bare.iter().enumerate() {
            if k + 1 == room && bare.len() > room {
                lines.push(Line::from(format!("  ……另有 {} 项", bare.len() - k)));
                break;
            }
            lines.push(Line::from(fit(&format!("  · {check}"), inner_w)));
        }
    }
    lines.push(Line::from(""));
    let keys = if s.finished {
        "Enter 关闭  P 打印整改表"
    } else if bare.is_empty() {
        "y 结束检查  u 转到未答项  Esc 返回检查表"
    } else {
        "y 仍要结束  u 转到未登记隐患的项  Esc 返回检查表"
    };
    lines.push(Line::from(Span::styled(
        fit(keys, inner_w),
        v.st(Role::Key),
    )));
    let title = if s.finished {
        " 检查已结束：小结 "
    } else {
        " 结束检查前请核对 "
    };
    let r = super::overlays::popup(frame, area, w, lines.len() as u16 + 2);
    frame.render_widget(Paragraph::new(lines).block(v.block(title, true)), r);
}
