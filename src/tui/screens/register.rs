//! The register (台账): filters, the visible slice of the table, overdue and major rows marked.

use super::{View, fit};
use crate::domain::{Severity, Status};
use crate::tui::app::{RegisterRow, RegisterState, RetractedView, SortDue};
use crate::tui::theme::Role;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use unicode_width::UnicodeWidthStr;

/// The first row shown so that `selected` stays in a window of `h` rows.
pub fn offset(selected: usize, len: usize, h: usize) -> usize {
    selected.saturating_sub(h / 3).min(len.saturating_sub(h))
}

fn filter_line<'a>(v: &View, s: &RegisterState) -> Line<'a> {
    let f = &s.filter;
    let mut spans = vec![Span::styled(" 筛选 ", v.st(Role::Header))];
    let mut item = |k: &str, val: Option<String>| {
        let on = val.is_some();
        spans.push(Span::styled(format!("{k}:"), v.st(Role::Muted)));
        spans.push(Span::styled(
            format!("{} ", val.unwrap_or_else(|| "全部".into())),
            if on {
                v.st(Role::Key)
            } else {
                v.st(Role::Base)
            },
        ));
    };
    item(
        "状态",
        match (f.status, f.retracted) {
            (_, RetractedView::Only) => Some("已撤销".to_string()),
            (None, RetractedView::Include) => Some("全部（含已撤销）".to_string()),
            (s, _) => s.map(|x| x.label().to_string()),
        },
    );
    item(
        "防线",
        f.line.as_ref().map(|l| v.app.line_name(l).to_string()),
    );
    item("等级", f.severity.map(|x| x.label().to_string()));
    item("逾期", f.overdue.then(|| "仅逾期".to_string()));
    item("单位", f.facility.clone());
    let sort = match s.sort {
        SortDue::Newest => "最新在前",
        SortDue::DueAsc => "时限由近到远",
        SortDue::DueDesc => "时限由远到近",
    };
    spans.push(Span::styled(format!("排序:{sort}"), v.st(Role::Muted)));
    Line::from(spans)
}

/// Which columns a row shows at a width, and how wide: the description takes what is left and at
/// least half the row; as the width shrinks the line goes first, then the facility.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    /// "待复查·逾期", the longest status label.
    pub status: u16,
    pub severity: u16,
    /// 10 for a full date, 5 for "MM-DD".
    pub due: u16,
    /// 0 when the column is left out.
    pub facility: u16,
    pub line: u16,
    pub description: u16,
}

impl Columns {
    /// `facility_w` and `line_w`: the widest facility and line name among the rows.
    pub fn at(width: u16, facility_w: u16, line_w: u16) -> Columns {
        let due = if width >= 100 { 10 } else { 5 };
        let base = 11 + 1 + 4 + 1 + due;
        let desc_min = (width / 2).max(16);
        let line = line_w.clamp(4, 12);
        let facility_max = facility_w.clamp(6, 22);
        // Try with both, then without the line, then with neither.
        for with_line in [true, false] {
            let used = base + if with_line { 1 + line } else { 0 } + 1;
            let room = width.saturating_sub(used + 1 + desc_min);
            if room >= 6 {
                let facility = facility_max.min(room);
                return Columns {
                    status: 11,
                    severity: 4,
                    due,
                    facility,
                    line: if with_line { line } else { 0 },
                    description: width.saturating_sub(used + 1 + facility),
                };
            }
        }
        Columns {
            status: 11,
            severity: 4,
            due,
            facility: 0,
            line: 0,
            description: width.saturating_sub(base + 1),
        }
    }

    fn constraints(&self) -> Vec<Constraint> {
        let mut c = vec![
            Constraint::Length(self.status),
            Constraint::Length(self.severity),
            Constraint::Length(self.due),
        ];
        if self.facility > 0 {
            c.push(Constraint::Length(self.facility));
        }
        if self.line > 0 {
            c.push(Constraint::Length(self.line));
        }
        c.push(Constraint::Fill(1));
        c
    }

    fn header(&self) -> Vec<&'static str> {
        let mut h = vec![
            "状态",
            "等级",
            if self.due >= 10 {
                "整改时限"
            } else {
                "时限"
            },
        ];
        if self.facility > 0 {
            h.push("单位");
        }
        if self.line > 0 {
            h.push("防线");
        }
        h.push("问题隐患");
        h
    }
}

fn row<'a>(
    v: &View,
    r: &RegisterRow,
    today: NaiveDate,
    (sel, marked): (bool, bool),
    cols: &Columns,
) -> Row<'a> {
    let overdue = r.overdue_on(today);
    let status_text = if r.retracted {
        "已撤销".to_string()
    } else if overdue {
        format!("{}·逾期", r.status.label())
    } else {
        r.status.label().to_string()
    };
    let mut flags = String::new();
    if marked {
        flags.push_str("[选]");
    }
    if r.conflict {
        flags.push_str("[冲突]");
    }
    if let Some(e) = r.escalation {
        flags.push_str(&format!("[{}]", e.label()));
    }
    if let Some(g) = r.risk {
        flags.push_str(&format!("[{}风险]", g.label()));
    }
    let status_role = match (overdue || r.retracted, r.status) {
        (true, _) if r.retracted => Role::Muted,
        (true, _) => Role::Overdue,
        (_, Status::Closed) => Role::Muted,
        (_, Status::Rectified) => Role::Warning,
        _ => Role::Base,
    };
    let sev_role = if r.severity == Severity::Major {
        Role::Major
    } else {
        Role::Base
    };
    let due = match r.due {
        Some(d) if cols.due >= 10 => d.to_string(),
        Some(d) => d.format("%m-%d").to_string(),
        None => "—".into(),
    };
    let reason = if r.retracted && !r.retract_reason.is_empty() {
        format!("（撤销：{}）", r.retract_reason)
    } else {
        String::new()
    };
    let desc = fit(
        &format!("{flags}{}{reason}", r.description),
        cols.description as usize,
    );
    let mut cells = vec![
        Cell::from(status_text).style(v.st(status_role)),
        Cell::from(r.severity.label()).style(v.st(sev_role)),
        Cell::from(due).style(v.st(if overdue { Role::Overdue } else { Role::Base })),
    ];
    if cols.facility > 0 {
        cells.push(Cell::from(fit(&r.facility, cols.facility as usize)));
    }
    if cols.line > 0 {
        cells.push(Cell::from(fit(&r.line_name, cols.line as usize)));
    }
    cells.push(Cell::from(desc).style(if r.conflict {
        v.st(Role::Conflict)
    } else {
        v.st(Role::Base)
    }));
    if sel {
        let plain: Vec<Cell> = cells
            .into_iter()
            .map(|c| c.style(v.st(Role::Selection)))
            .collect();
        return Row::new(plain).style(v.st(Role::Selection));
    }
    Row::new(cells)
}

pub fn render(v: &View, s: &RegisterState, frame: &mut Frame, area: Rect) {
    let [top, main] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    frame.render_widget(Paragraph::new(filter_line(v, s)), top);
    let Some(rows) = &s.rows else {
        frame.render_widget(
            Paragraph::new(Span::styled(" 正在读取台账……", v.st(Role::Muted))),
            main,
        );
        return;
    };
    let selected = if s.visible.is_empty() {
        0
    } else {
        s.selected + 1
    };
    let mut count = match s.total {
        Some(total) => format!(" 隐患台账 {selected}/{}（共 {total} 条） ", s.visible.len()),
        // Only the first screen so far: the rest is being read.
        None => format!(" 隐患台账 {selected}/{}+（读取中） ", s.visible.len()),
    };
    // The selected hazard's 隐患编号, as people say it aloud.
    if let Some(n) = s
        .selected_row()
        .and_then(|r| r.number.as_ref().map(|n| n.as_str()))
    {
        count.push_str(&format!("{n} "));
    }
    if !s.marked.is_empty() {
        count.push_str(&format!("已标记 {} 条（N 合发一份文书） ", s.marked.len()));
    }
    let block = v.block(&count, true);
    let inner = block.inner(main);
    frame.render_widget(block, main);
    if s.visible.is_empty() {
        let nothing_held = s.total == Some(0) && s.filter == Default::default();
        let msg = if nothing_held {
            " 还没有登记隐患。检查中按 f 记录不合格项。"
        } else {
            " 没有符合筛选条件的隐患（按 0 清除筛选）"
        };
        frame.render_widget(Paragraph::new(Span::styled(msg, v.st(Role::Muted))), inner);
        return;
    }
    let today = v.app.now.today();
    let h = inner.height.saturating_sub(1) as usize;
    let off = offset(s.selected, s.visible.len(), h);
    let shown = &s.visible[off..(off + h).min(s.visible.len())];
    let widest = |f: &dyn Fn(&RegisterRow) -> &str| {
        shown
            .iter()
            .map(|i| f(&rows[*i]).width())
            .max()
            .unwrap_or(0)
            .min(u16::MAX as usize) as u16
    };
    let cols = Columns::at(
        inner.width,
        widest(&|r| &r.facility),
        widest(&|r| &r.line_name),
    );
    let body: Vec<Row> = shown
        .iter()
        .enumerate()
        .map(|(k, i)| {
            let marked = s.marked.contains(&rows[*i].id);
            row(v, &rows[*i], today, (off + k == s.selected, marked), &cols)
        })
        .collect();
    let header = Row::new(cols.header()).style(v.st(Role::Header));
    let table = Table::new(body, cols.constraints()).header(header);
    frame.render_widget(table, inner);
}

#[cfg(test)]
mod tests {
    use super::Columns;

    #[test]
    fn the_description_keeps_half_the_row_and_narrow_rows_drop_line_then_facility() {
        let c = Columns::at(78, 14, 12);
        assert!(c.description >= 39, "{c:?}");
        assert_eq!(c.line, 0, "the line goes first at 80 columns: {c:?}");
        assert!(c.facility >= 6, "{c:?}");
        let c = Columns::at(58, 14, 12);
        assert_eq!((c.line, c.facility), (0, 0), "{c:?}");
        assert!(c.description >= 29, "{c:?}");
        let c = Columns::at(118, 14, 12);
        assert!(
            c.line > 0 && c.facility == 14 && c.description >= 59,
            "{c:?}"
        );
    }
}
