//! The inspection and facility browsers: a filter line, then a table of the visible rows with
//! the selected one kept in view. At 80 columns the lines column gives way first.

use super::register::offset;
use super::{View, fit, shown};
use crate::tui::app::{FacilityListState, InspectionsState};
use crate::tui::browse::month_label;
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use unicode_width::UnicodeWidthStr;

fn filter_line<'a>(v: &View, s: &InspectionsState, width: usize) -> Line<'a> {
    let f = &s.filter;
    let mut spans = vec![Span::styled(" 筛选 ", v.st(Role::Header))];
    let mut used = 6;
    let mut item = |k: &str, val: Option<String>| {
        let on = val.is_some();
        let val = format!("{} ", val.unwrap_or_else(|| "全部".into()));
        used += k.width() + 1 + val.width();
        spans.push(Span::styled(format!("{k}:"), v.st(Role::Muted)));
        spans.push(Span::styled(
            val,
            if on {
                v.st(Role::Key)
            } else {
                v.st(Role::Base)
            },
        ));
    };
    item("单位", f.facility.as_ref().map(|x| fit(&shown(x), 16)));
    item("月份", f.month.map(month_label));
    item("方式", f.mode.map(|m| m.label().to_string()));
    item("检查人", f.inspector.as_ref().map(|x| fit(&shown(x), 8)));
    item(
        "状态",
        f.finished
            .map(|d| if d { "已结束" } else { "进行中" }.to_string()),
    );
    let sort = format!("排序:{}", s.sort.label());
    if used + sort.width() <= width {
        spans.push(Span::styled(sort, v.st(Role::Muted)));
    }
    Line::from(spans)
}

fn loading(v: &View, text: &str, frame: &mut Frame, area: Rect) {
    frame.render_widget(
        Paragraph::new(Span::styled(text.to_string(), v.st(Role::Muted))),
        area,
    );
}

fn styled_row<'a>(v: &View, cells: Vec<Cell<'a>>, sel: bool) -> Row<'a> {
    if sel {
        let plain: Vec<Cell> = cells
            .into_iter()
            .map(|c| c.style(v.st(Role::Selection)))
            .collect();
        return Row::new(plain).style(v.st(Role::Selection));
    }
    Row::new(cells)
}

/// "3/12" as "第 3 条，共 12 条" would be too wide: the block title says "3/12（共 40 次）".
fn position(selected: usize, visible: usize) -> usize {
    if visible == 0 { 0 } else { selected + 1 }
}

pub fn render_inspections(v: &View, s: &InspectionsState, frame: &mut Frame, area: Rect) {
    let [top, main] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    frame.render_widget(Paragraph::new(filter_line(v, s, area.width as usize)), top);
    let Some(rows) = &s.rows else {
        return loading(v, " 正在读取全部检查……", frame, main);
    };
    let title = format!(
        " 检查 {}/{}（共 {} 次） ",
        position(s.selected, s.visible.len()),
        s.visible.len(),
        rows.len()
    );
    let block = v.block(&title, true);
    let inner = block.inner(main);
    frame.render_widget(block, main);
    if s.visible.is_empty() {
        let msg = if rows.is_empty() {
            " 还没有检查记录：回首页按 n 新建检查"
        } else {
            " 没有符合筛选条件的检查（按 0 清除筛选）"
        };
        return loading(v, msg, frame, inner);
    }
    let wide = inner.width >= 100;
    let h = inner.height.saturating_sub(1) as usize;
    let off = offset(s.selected, s.visible.len(), h);
    let shown = &s.visible[off..(off + h).min(s.visible.len())];
    let body: Vec<Row> = shown
        .iter()
        .enumerate()
        .map(|(k, i)| {
            let r = &rows[*i];
            let progress = if r.finished {
                format!("已结束 {}/{}", r.answered, r.total)
            } else {
                format!("已答 {}/{}", r.answered, r.total)
            };
            let mut cells = vec![
                Cell::from(r.started.to_string()),
                Cell::from(super::shown(&r.facility)),
                Cell::from(r.mode.label()),
                Cell::from(super::shown(&r.inspectors.join("、"))),
                Cell::from(progress).style(if r.finished {
                    v.st(Role::Muted)
                } else {
                    v.st(Role::Warning)
                }),
            ];
            if wide {
                cells.push(Cell::from(r.line_names.join("、")));
            }
            styled_row(v, cells, off + k == s.selected)
        })
        .collect();
    let mut header = vec!["日期", "受检单位", "方式", "检查人员", "进度"];
    let mut widths = vec![
        Constraint::Length(10),
        Constraint::Fill(2),
        Constraint::Length(8),
        Constraint::Fill(1),
        Constraint::Length(13),
    ];
    if wide {
        header.push("防线");
        widths.push(Constraint::Fill(2));
    }
    let table = Table::new(body, widths).header(Row::new(header).style(v.st(Role::Header)));
    frame.render_widget(table, inner);
}

pub fn render_facilities(v: &View, s: &FacilityListState, frame: &mut Frame, area: Rect) {
    let [top, main] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" 排序:", v.st(Role::Muted)),
            Span::styled(s.sort.label(), v.st(Role::Base)),
            Span::styled(
                "  Enter 看该单位的检查，r 看台账，a 登记未登记的单位",
                v.st(Role::Muted),
            ),
        ])),
        top,
    );
    let Some(rows) = &s.rows else {
        return loading(v, " 正在统计各单位的隐患……", frame, main);
    };
    let title = format!(
        " 受检单位 {}/{} ",
        position(s.selected, s.visible.len()),
        rows.len()
    );
    let block = v.block(&title, true);
    let inner = block.inner(main);
    frame.render_widget(block, main);
    if s.visible.is_empty() {
        return loading(v, " 还没有受检单位：回首页按 n 新建检查", frame, inner);
    }
    let h = inner.height.saturating_sub(1) as usize;
    let off = offset(s.selected, s.visible.len(), h);
    let shown = &s.visible[off..(off + h).min(s.visible.len())];
    let num = |n: usize, role: Role| {
        let st = if n == 0 {
            v.st(Role::Muted)
        } else {
            v.st(role)
        };
        Cell::from(Line::from(n.to_string()).right_aligned()).style(st)
    };
    let body: Vec<Row> = shown
        .iter()
        .enumerate()
        .map(|(k, i)| {
            let r = &rows[*i];
            let last = r
                .last_inspected
                .map_or_else(|| "—".to_string(), |d| d.to_string());
            let name = match r.registered {
                Some(_) => Line::from(super::shown(&r.name)),
                // Typed on records, not in the registry: `a` registers it.
                None => Line::from(vec![
                    Span::raw(super::shown(&r.name)),
                    Span::styled("（未登记）", v.st(Role::Muted)),
                ]),
            };
            let cells = vec![
                Cell::from(name),
                num(r.inspections, Role::Base),
                Cell::from(last),
                num(r.open, Role::Base),
                num(r.overdue, Role::Overdue),
                num(r.rectified, Role::Warning),
                num(r.closed, Role::Base),
            ];
            styled_row(v, cells, off + k == s.selected)
        })
        .collect();
    let header = Row::new(vec![
        Cell::from("受检单位"),
        Cell::from(Line::from("检查").right_aligned()),
        Cell::from("最近检查"),
        Cell::from(Line::from("待整改").right_aligned()),
        Cell::from(Line::from("逾期").right_aligned()),
        Cell::from(Line::from("待复查").right_aligned()),
        Cell::from(Line::from("已销号").right_aligned()),
    ])
    .style(v.st(Role::Header));
    let table = Table::new(
        body,
        [
            Constraint::Fill(1),
            Constraint::Length(4),
            Constraint::Length(10),
            Constraint::Length(6),
            Constraint::Length(5),
            Constraint::Length(6),
            Constraint::Length(6),
        ],
    )
    .header(header);
    frame.render_widget(table, inner);
}
