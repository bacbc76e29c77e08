//! The register (台账): filters, the visible slice of the table, overdue and major rows marked.

use super::{View, fit};
use crate::domain::{Severity, Status};
use crate::tui::app::{RegisterRow, RegisterState, SortDue};
use crate::tui::theme::Role;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

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
    item("状态", f.status.map(|x| x.label().to_string()));
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

fn row<'a>(v: &View, r: &RegisterRow, today: NaiveDate, sel: bool, desc_w: usize) -> Row<'a> {
    let overdue = r.overdue_on(today);
    let status_text = if overdue {
        format!("{}·逾期", r.status.label())
    } else {
        r.status.label().to_string()
    };
    let mut flags = String::new();
    if r.conflict {
        flags.push_str("[冲突]");
    }
    if let Some(e) = r.escalation {
        flags.push_str(&format!("[{}]", e.label()));
    }
    let status_role = match (overdue, r.status) {
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
    let due = r.due.map(|d| d.to_string()).unwrap_or_else(|| "—".into());
    let desc = fit(&format!("{flags}{}", r.description), desc_w);
    if sel {
        let plain = [
            status_text,
            r.severity.label().into(),
            due,
            r.facility.clone(),
            r.line_name.clone(),
            desc,
        ];
        return Row::new(plain).style(v.st(Role::Selection));
    }
    let cells = vec![
        Cell::from(status_text).style(v.st(status_role)),
        Cell::from(r.severity.label()).style(v.st(sev_role)),
        Cell::from(due).style(v.st(if overdue { Role::Overdue } else { Role::Base })),
        Cell::from(r.facility.clone()),
        Cell::from(r.line_name.clone()),
        Cell::from(desc).style(if r.conflict {
            v.st(Role::Conflict)
        } else {
            v.st(Role::Base)
        }),
    ];
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
    let count = format!(
        " 隐患台账 {}/{}（共 {} 条） ",
        if s.visible.is_empty() {
            0
        } else {
            s.selected + 1
        },
        s.visible.len(),
        rows.len()
    );
    let block = v.block(&count, true);
    let inner = block.inner(main);
    frame.render_widget(block, main);
    if s.visible.is_empty() {
        let msg = if rows.is_empty() {
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
    let fac_w: u16 = if inner.width >= 110 { 22 } else { 14 };
    let fixed = 12 + 5 + 11 + fac_w + 10 + 5;
    let desc_w = inner.width.saturating_sub(fixed) as usize;
    let body: Vec<Row> = s.visible[off..(off + h).min(s.visible.len())]
        .iter()
        .enumerate()
        .map(|(k, i)| row(v, &rows[*i], today, off + k == s.selected, desc_w))
        .collect();
    let header = Row::new(["状态", "等级", "整改时限", "单位", "防线", "问题隐患"])
        .style(v.st(Role::Header));
    let table = Table::new(
        body,
        [
            Constraint::Length(12),
            Constraint::Length(4),
            Constraint::Length(10),
            Constraint::Length(fac_w),
            Constraint::Length(10),
            Constraint::Fill(1),
        ],
    )
    .header(header);
    frame.render_widget(table, inner);
}
