//! The 台账 screen (issue 17): 危险化学品 with computed balances and their flags (负库存, 超量,
//! 冲突), and 特种设备 with 超期未检, 30天内到期 and 证书过期 highlighted. Tab switches.

use super::register::offset;
use super::registers_state::{RegisterTab, RegistersData, RegistersState};
use super::{View, fit};
use crate::domain::sanitize::escape_line;
use crate::domain::{Chemical, DueState, Equipment};
use crate::tui::theme::Role;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

pub fn render(v: &View, s: &RegistersState, frame: &mut Frame, area: Rect) {
    let Some(d) = &s.data else {
        frame.render_widget(
            Paragraph::new(Span::styled(" 正在读取……", v.st(Role::Muted))),
            area,
        );
        return;
    };
    let [tabs, list, detail] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(3),
    ])
    .areas(area);
    let tab = |name: String, on: bool| {
        Span::styled(
            format!(" {name} "),
            if on {
                v.st(Role::Selection)
            } else {
                v.st(Role::Muted)
            },
        )
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::raw(" "),
            tab(
                format!("危险化学品 {}", d.chemicals.len()),
                s.tab == RegisterTab::Chemicals,
            ),
            Span::raw(" "),
            tab(
                format!("特种设备 {}", d.equipment.len()),
                s.tab == RegisterTab::Equipment,
            ),
            Span::styled("  Tab 切换", v.st(Role::Muted)),
        ])),
        tabs,
    );
    let today = v.app.now.today();
    match s.tab {
        RegisterTab::Chemicals => chemicals(v, d, s.selected, frame, list, detail),
        RegisterTab::Equipment => equipment(v, d, s.selected, today, frame, list, detail),
    }
}

fn text(s: &str, w: usize) -> Cell<'static> {
    Cell::from(fit(&escape_line(s), w))
}

/// One column of a register table: its title and width.
struct Column {
    title: &'static str,
    width: Constraint,
}

const fn col(title: &'static str, width: u16) -> Column {
    Column {
        title,
        width: Constraint::Length(width),
    }
}

/// Either register as a table: a block titled `title`, the header, the rows around the
/// selection (each made by `row`, with the role colouring it), or `empty` when there are none.
#[allow(clippy::too_many_arguments)]
fn entry_table<T>(
    v: &View,
    frame: &mut Frame,
    area: Rect,
    title: &str,
    empty: &str,
    columns: &[Column],
    list: &[T],
    selected: usize,
    row: impl Fn(&T) -> (Vec<Cell<'static>>, Role),
) {
    let block = v.block(title, true);
    if list.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(empty.to_string(), v.st(Role::Muted))).block(block),
            area,
        );
        return;
    }
    let h = area.height.saturating_sub(3) as usize;
    let first = offset(selected, list.len(), h);
    let rows: Vec<Row> = list
        .iter()
        .enumerate()
        .skip(first)
        .take(h)
        .map(|(i, entry)| {
            let (cells, role) = row(entry);
            let role = if i == selected { Role::Selection } else { role };
            Row::new(cells).style(v.st(role))
        })
        .collect();
    let header =
        Row::new(columns.iter().map(|c| c.title).collect::<Vec<_>>()).style(v.st(Role::Header));
    let mut widths: Vec<Constraint> = columns.iter().map(|c| c.width).collect();
    // The last column takes what is left.
    if let Some(last) = widths.last_mut() {
        *last = Constraint::Fill(1);
    }
    frame.render_widget(Table::new(rows, widths).header(header).block(block), area);
}

fn chemicals(
    v: &View,
    d: &RegistersData,
    selected: usize,
    frame: &mut Frame,
    area: Rect,
    detail: Rect,
) {
    let list: &[Chemical] = &d.chemicals;
    const COLUMNS: [Column; 6] = [
        col("名称", 12),
        col("单位", 14),
        col("储存地点", 12),
        col("结存", 10),
        col("最大量", 8),
        col("标记", 0),
    ];
    entry_table(
        v,
        frame,
        area,
        " 储存台账（结存由入库、领用算出） ",
        " 尚无危险化学品：按 a 登记",
        &COLUMNS,
        list,
        selected,
        |c| {
            let flags = c.status_flags();
            let unit = escape_line(&c.unit).into_owned();
            let role = if flags.iter().any(|f| *f == "负库存" || *f == "超量") {
                Role::Overdue
            } else if !flags.is_empty() {
                Role::Warning
            } else {
                Role::Base
            };
            (
                vec![
                    text(&c.name, 12),
                    text(&c.facility, 14),
                    text(&c.place, 12),
                    Cell::from(Line::from(format!("{}{unit}", c.balance)).right_aligned()),
                    Cell::from(Line::from(format!("{}{unit}", c.max)).right_aligned()),
                    Cell::from(flags.join("、")),
                ],
                role,
            )
        },
    );
    if let Some(c) = list.get(selected) {
        let last = c
            .movements
            .last()
            .map(|m| {
                format!(
                    "最近：{} {} {}{} {}",
                    m.date,
                    m.direction.label(),
                    m.qty,
                    c.unit,
                    m.who
                )
            })
            .unwrap_or_else(|| "尚无入库或领用".into());
        let lines = vec![
            Line::from(format!(
                " {} · {}{} · CAS {} · {}",
                c.class.label(),
                c.facility,
                unregistered_mark(d, c.id),
                if c.cas.is_empty() { "—" } else { &c.cas },
                c.container
            )),
            Line::from(format!(" 储存条件：{}", c.conditions)),
            Line::from(format!(" {last}")),
        ];
        let lines = lines
            .into_iter()
            .map(|l| Line::from(fit(&escape_line(&l.to_string()), detail.width as usize)))
            .collect::<Vec<_>>();
        frame.render_widget(Paragraph::new(lines).style(v.st(Role::Muted)), detail);
    }
}

fn equipment(
    v: &View,
    d: &RegistersData,
    selected: usize,
    today: NaiveDate,
    frame: &mut Frame,
    area: Rect,
    detail: Rect,
) {
    let list: &[Equipment] = &d.equipment;
    const COLUMNS: [Column; 5] = [
        col("设备名称", 14),
        col("类别", 8),
        col("使用单位", 14),
        col("下次检验", 10),
        col("状态", 0),
    ];
    entry_table(
        v,
        frame,
        area,
        " 特种设备安全清单 ",
        " 尚无特种设备：按 a 登记",
        &COLUMNS,
        list,
        selected,
        |q| {
            let state = q.due_state(today);
            let expired = !q.expired_operators(today).is_empty();
            let mut label = match state {
                DueState::Overdue { days } => format!("超期未检{days}天"),
                DueState::DueSoon { days } => format!("30天内到期（剩{days}天）"),
                DueState::Ok => "正常".into(),
                DueState::Unknown => "未填检验日期".into(),
            };
            if expired {
                label.push_str(" 证书过期");
            }
            let role = if matches!(state, DueState::Overdue { .. }) || expired {
                Role::Overdue
            } else if matches!(state, DueState::DueSoon { .. }) {
                Role::Warning
            } else {
                Role::Base
            };
            (
                vec![
                    text(&q.name, 14),
                    text(q.kind.label(), 8),
                    text(&q.facility, 14),
                    Cell::from(q.next_due.map(|d| d.to_string()).unwrap_or("—".into())),
                    Cell::from(label),
                ],
                role,
            )
        },
    );
    if let Some(q) = list.get(selected) {
        let ops: Vec<String> = q
            .operators
            .iter()
            .map(|o| {
                let mark = if o.expires < today {
                    "，已过期"
                } else {
                    ""
                };
                format!("{}（{} 至{}{mark}）", o.name, o.cert_no, o.expires)
            })
            .collect();
        let maint = q
            .last(crate::domain::CheckKind::Maintenance)
            .map(|c| format!("{} {} {}", c.date, c.by, c.result))
            .unwrap_or_else(|| "—".into());
        let lines = [
            format!(
                " {}{} · 使用登记证号：{} · {}",
                q.facility,
                unregistered_mark(d, q.id),
                q.reg_no,
                q.place
            ),
            format!(" 最近维护保养：{maint}"),
            format!(
                " 持证人员：{}",
                if ops.is_empty() {
                    "—".to_string()
                } else {
                    ops.join("、")
                }
            ),
        ]
        .into_iter()
        .map(|l| Line::from(fit(&escape_line(&l), detail.width as usize)))
        .collect::<Vec<_>>();
        frame.render_widget(Paragraph::new(lines).style(v.st(Role::Muted)), detail);
    }
}

/// 「（未登记）」 after the 单位 of an entry the facility registry does not know.
fn unregistered_mark(d: &RegistersData, id: uuid::Uuid) -> &'static str {
    if d.unregistered.contains(&id) {
        "（未登记）"
    } else {
        ""
    }
}
