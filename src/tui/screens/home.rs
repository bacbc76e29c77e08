//! Home: counts per line, inspections to resume, recent ones, sync state.

use super::{View, fit};
use crate::tui::app::{HomeState, InspectionSummary};
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

/// Rows (borders included) the inspections list keeps before the plan panel gets any: its
/// group titles and the first inspections to resume stay visible at 80x24.
const LIST_MIN: u16 = 6;

pub fn render(v: &View, s: &HomeState, frame: &mut Frame, area: Rect) {
    let Some(d) = &s.data else {
        frame.render_widget(
            Paragraph::new(Span::styled(" 正在读取……", v.st(Role::Muted))),
            area,
        );
        return;
    };
    let [main, sync] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    let table_h = d.lines.len() as u16 + 4;
    let (counts_area, list_area) = if area.width >= 100 {
        let [a, b] = Layout::horizontal([Constraint::Length(56), Constraint::Fill(1)]).areas(main);
        (a, b)
    } else {
        let [a, b] =
            Layout::vertical([Constraint::Length(table_h), Constraint::Fill(1)]).areas(main);
        (a, b)
    };

    let num = |n: usize, role: Role| {
        let st = if n == 0 {
            v.st(Role::Muted)
        } else {
            v.st(role)
        };
        Cell::from(Line::from(n.to_string()).right_aligned()).style(st)
    };
    let mut rows: Vec<Row> = d
        .lines
        .iter()
        .map(|c| {
            Row::new(vec![
                Cell::from(c.name.clone()),
                num(c.open, Role::Base),
                num(c.overdue, Role::Overdue),
                num(c.due_soon, Role::Warning),
                num(c.review_late, Role::Warning),
            ])
        })
        .collect();
    let total = |f: fn(&crate::tui::app::LineCount) -> usize| d.lines.iter().map(f).sum::<usize>();
    rows.push(
        Row::new(vec![
            Cell::from("合计"),
            num(total(|c| c.open), Role::Header),
            num(total(|c| c.overdue), Role::Overdue),
            num(total(|c| c.due_soon), Role::Warning),
            num(total(|c| c.review_late), Role::Warning),
        ])
        .style(v.st(Role::Header)),
    );
    let review = format!("复查超{}天", d.review_days);
    let header = Row::new(vec![
        "防线".to_string(),
        "未销号".into(),
        "逾期".into(),
        "7日内到期".into(),
        review,
    ])
    .style(v.st(Role::Header));
    let table = Table::new(
        rows,
        [
            Constraint::Fill(1),
            Constraint::Length(6),
            Constraint::Length(6),
            Constraint::Length(9),
            Constraint::Length(9),
        ],
    )
    .header(header)
    .block(v.block(" 各防线隐患 ", false));
    frame.render_widget(table, counts_area);

    // The inspections to resume come first: the plan panel takes only what leaves the list
    // LIST_MIN rows, and shrinks to one unbordered line when even its smallest box would not.
    let list_area = if d.plan.is_empty() {
        list_area
    } else if list_area.height >= LIST_MIN + 3 {
        let h = (d.plan.len() as u16 + 2)
            .min(6)
            .min(list_area.height - LIST_MIN);
        let [p, l] =
            Layout::vertical([Constraint::Length(h), Constraint::Fill(1)]).areas(list_area);
        super::facility::plan_panel(v, &d.plan, frame, p);
        l
    } else {
        let [p, l] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(list_area);
        super::facility::plan_line(v, &d.plan, frame, p);
        l
    };
    let entries = s.entries();
    let block = v.block(" 检查（Enter 继续/查看） ", true);
    let inner = block.inner(list_area);
    frame.render_widget(block, list_area);
    let mut lines: Vec<Line> = Vec::new();
    let mut line_of_sel = 0;
    let mut push_group = |title: &str, list: &[InspectionSummary], offset: usize| {
        lines.push(Line::from(Span::styled(
            title.to_string(),
            v.st(Role::Header),
        )));
        if list.is_empty() {
            lines.push(Line::from(Span::styled("  （无）", v.st(Role::Muted))));
        }
        for (k, i) in list.iter().enumerate() {
            let sel = offset + k == s.selected;
            if sel {
                line_of_sel = lines.len();
            }
            let progress = if i.finished {
                format!("已结束 {}/{}", i.answered, i.total)
            } else {
                format!("已答 {}/{}", i.answered, i.total)
            };
            let who = if i.mine {
                String::new()
            } else {
                format!(" · {}", i.inspectors.join("、"))
            };
            let conflicts = if i.conflicts > 0 {
                format!(" · {} 项回答冲突", i.conflicts)
            } else {
                String::new()
            };
            let text = format!(
                " {} {} {}{who} · {} · {}{conflicts}",
                i.started.format("%m-%d"),
                i.facility,
                i.mode.label(),
                progress,
                i.line_names.join("、"),
            );
            let st = if sel {
                v.st(Role::Selection)
            } else {
                v.st(Role::Base)
            };
            lines.push(Line::from(Span::styled(
                fit(&text, inner.width as usize),
                st,
            )));
        }
    };
    push_group("未完成（可继续）", &d.unfinished, 0);
    if !d.others.is_empty() {
        push_group("他人进行中（只读）", &d.others, d.unfinished.len());
    }
    push_group("最近的检查", &d.recent, d.unfinished.len() + d.others.len());
    if entries.is_empty() {
        lines.push(Line::from(Span::styled(
            " 按 n 开始第一次检查",
            v.st(Role::Muted),
        )));
    }
    let h = inner.height as usize;
    let scroll = line_of_sel.saturating_sub(h.saturating_sub(1));
    frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), inner);

    frame.render_widget(
        Paragraph::new(super::home_status::line(v, d, sync.width as usize)),
        sync,
    );
}
