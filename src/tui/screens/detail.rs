//! One finding in full: fields, the closed-loop state, conflicts and the whole history.

use super::View;
use crate::domain::{Severity, Status};
use crate::tui::app::DetailState;
use crate::tui::theme::Role;
use crate::tui::widgets::wrap::wrap_lines;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(v: &View, s: &DetailState, frame: &mut Frame, area: Rect) {
    let f = &s.finding;
    let today = v.app.now.today();
    let overdue = f.overdue_on(today);
    let label = |t: &str| Span::styled(format!("{t}："), v.st(Role::Header));
    let status_role = if overdue {
        Role::Overdue
    } else if f.status == Status::Closed {
        Role::Ok
    } else {
        Role::Warning
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!(" {} ", f.status.label()), v.st(status_role)),
            Span::raw(" "),
            Span::styled(
                format!("{}隐患", f.severity.label()),
                if f.severity == Severity::Major {
                    v.st(Role::Major)
                } else {
                    v.st(Role::Base)
                },
            ),
            Span::styled(
                if overdue {
                    "  已逾期".to_string()
                } else {
                    String::new()
                },
                v.st(Role::Overdue),
            ),
            Span::styled(
                if f.retracted {
                    "  已撤销".to_string()
                } else {
                    String::new()
                },
                v.st(Role::Warning),
            ),
            // What people say aloud: the 隐患编号 (a record from before numbers: the short id).
            Span::styled(
                match &f.number {
                    Some(n) => format!("  {}", n.code()),
                    None => format!("  {}", &f.id.simple().to_string()[24..]),
                },
                v.st(Role::Muted),
            ),
        ]),
        Line::from(vec![label("问题隐患"), Span::raw(f.description.clone())]),
        Line::from(vec![
            label("单位"),
            Span::raw(f.facility.clone()),
            Span::raw("  "),
            label("科室"),
            Span::raw(f.department.clone()),
            Span::raw("  "),
            label("部位"),
            Span::raw(f.location.clone()),
        ]),
        Line::from(vec![
            label("防线"),
            Span::raw(s.label.line.clone()),
            Span::raw("  "),
            label("检查项"),
            Span::raw(
                s.label
                    .check
                    .clone()
                    .unwrap_or_else(|| "（检查表外发现）".into()),
            ),
        ]),
        Line::from(vec![label("整改措施"), Span::raw(f.measures.clone())]),
        Line::from(vec![
            label("整改时限"),
            Span::styled(
                f.due_in_force()
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "—".into()),
                if overdue {
                    v.st(Role::Overdue)
                } else {
                    v.st(Role::Base)
                },
            ),
            Span::raw("  "),
            label("责任单位及人员"),
            Span::raw(f.responsible.clone()),
        ]),
    ];
    if let Some(e) = f.escalation {
        lines.push(Line::from(vec![
            label("督办"),
            Span::styled(e.label(), v.st(Role::Warning)),
        ]));
    }
    // Who signed, by name and role (issue 18): each receipt of a document, the 整改报告人, the
    // 复查人. Two receipts recorded on two devices both show.
    for s in &f.escalations {
        for r in &s.receipts {
            let when = r.at.local_or(v.app.now.0.offset()).format("%m-%d %H:%M");
            lines.push(Line::from(vec![
                label(&format!("{}签收", s.level.label())),
                Span::raw(format!("{}  {when}", r.by.spoken())),
            ]));
        }
    }
    let mut signed = vec![];
    if let Some(by) = &f.rectified_by {
        signed.extend([label("整改报告人"), Span::raw(by.spoken()), Span::raw("  ")]);
    }
    if let Some(by) = &f.verifier {
        signed.extend([label("复查人"), Span::raw(by.spoken())]);
    }
    if !signed.is_empty() {
        lines.push(Line::from(signed));
    }
    photo_lines(v, s, &mut lines);
    for c in &f.conflicts {
        let vals: Vec<String> = c.values.iter().map(|(_, x)| format!("「{x}」")).collect();
        lines.push(Line::from(vec![
            Span::styled(format!("冲突 {}：", c.field.label()), v.st(Role::Conflict)),
            Span::raw(vals.join(" 与 ")),
            Span::styled("（按 c 选定）", v.st(Role::Muted)),
        ]));
    }
    if f.retracted {
        lines.push(Line::from(vec![
            Span::styled("已撤销：", v.st(Role::Warning)),
            Span::raw(f.retract_reason.clone()),
        ]));
    }
    if !f.step_conflicts.is_empty() {
        lines.push(Line::from(Span::styled(
            "冲突步骤（两台设备互不知情；裁定前不销号，按 c 裁定）：",
            v.st(Role::Conflict),
        )));
        for c in &f.step_conflicts {
            for st in &c.steps {
                let when = st.at.local_or(v.app.now.0.offset()).format("%m-%d %H:%M");
                let held = if st.event == c.held {
                    "（暂不生效）"
                } else {
                    ""
                };
                let note = if st.note.is_empty() {
                    String::new()
                } else {
                    format!("：{}", st.note)
                };
                lines.push(Line::from(vec![
                    Span::styled(format!(" · {when} {} ", st.author), v.st(Role::Muted)),
                    Span::raw(format!("{}{held}{note}", st.action)),
                ]));
            }
        }
    }
    // As tall as the wrapped text (long Chinese text wraps on narrow screens), history below;
    // where the terminal shows pictures, the photo box stands beside the fields.
    let with_photo = super::photo_view::fits(v, s, area);
    let box_w = if with_photo {
        super::photo_view::BOX_WIDTH
    } else {
        0
    };
    let fields_w = area.width.saturating_sub(box_w);
    let inner_w = fields_w.saturating_sub(2).max(1) as usize;
    // Wrapped before drawing, so every row fits inside the block and the height is exact.
    let lines = wrap_lines(&lines, inner_w, true);
    let mut want = lines.len() as u16 + 2;
    if with_photo {
        want = want.max(super::photo_view::BOX_HEIGHT);
    }
    let [top, hist] = Layout::vertical([Constraint::Max(want), Constraint::Min(3)]).areas(area);
    let [fields, photo] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(box_w)]).areas(top);
    let block = v.block(" 隐患 ", false);
    frame.render_widget(Paragraph::new(lines).block(block), fields);
    if with_photo {
        super::photo_view::render(v, s, frame, photo);
    }
    let inner_w = area.width.saturating_sub(2).max(1) as usize;

    let hl: Vec<Line> = f
        .history
        .iter()
        .rev()
        .map(|h| {
            let at = h.at.local_or(v.app.now.0.offset());
            Line::from(vec![
                Span::styled(at.format("%Y-%m-%d %H:%M ").to_string(), v.st(Role::Muted)),
                Span::styled(format!("{} ", h.author), v.st(Role::Key)),
                Span::raw(h.action.clone()),
                Span::styled(
                    if h.note.is_empty() {
                        String::new()
                    } else {
                        format!("：{}", h.note)
                    },
                    v.st(Role::Muted),
                ),
            ])
        })
        .collect();
    let block = v.block(" 处理记录（最新在上） ", false);
    frame.render_widget(
        Paragraph::new(wrap_lines(&hl, inner_w, true)).block(block),
        hist,
    );
}

/// The hazard's photos as a numbered list (issue 18): stage, file name, size, and
/// 「照片未同步」 for one not here yet. Where the terminal shows pictures the box beside
/// shows one (`screens::photo_view`); `o` hands one to the system viewer (docs/photos.md).
fn photo_lines(v: &View, s: &DetailState, lines: &mut Vec<Line<'static>>) {
    let f = &s.finding;
    if f.photos.is_empty() {
        return;
    }
    let waiting = s.photo_here.iter().filter(|h| !**h).count()
        + f.photos.len().saturating_sub(s.photo_here.len());
    let mut head = vec![
        Span::styled("照片：".to_string(), v.st(Role::Header)),
        Span::raw(format!("{} 张", f.photos.len())),
    ];
    if waiting > 0 {
        head.push(Span::styled(
            format!("（{waiting} 张未同步）"),
            v.st(Role::Warning),
        ));
    }
    head.push(Span::styled(
        if v.app.images {
            "  o 用查看器打开".to_string()
        } else {
            "  按 o 逐张打开".to_string()
        },
        v.st(Role::Muted),
    ));
    lines.push(Line::from(head));
    for (i, p) in f.photos.iter().enumerate() {
        let here = s.photo_here.get(i).copied().unwrap_or(false);
        let mut spans = vec![
            Span::styled(format!(" [{}] ", i + 1), v.st(Role::Key)),
            Span::raw(format!(
                "{} {} {}×{}",
                p.stage.label(),
                p.name,
                p.width,
                p.height
            )),
        ];
        if !here {
            spans.push(Span::styled(
                "  照片未同步".to_string(),
                v.st(Role::Warning),
            ));
        }
        lines.push(Line::from(spans));
    }
}
