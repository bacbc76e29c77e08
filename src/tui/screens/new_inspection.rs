//! New inspection: facility (completion), departments, mode, inspectors, lines.

use super::View;
use crate::domain::Mode;
use crate::tui::app::{NewField, NewInspectionState};
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

const LABEL_W: u16 = 11;

pub fn render(v: &View, s: &NewInspectionState, frame: &mut Frame, area: Rect) {
    let block = v.block(" 新建检查 ", true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut y = inner.y;
    let bottom = inner.y + inner.height;
    let field_w = inner.width.saturating_sub(LABEL_W + 1);
    let row = |frame: &mut Frame, y: &mut u16, h: u16, f: NewField, content: Vec<Line>| {
        if *y >= bottom {
            return;
        }
        let h = h.min(bottom - *y);
        let focus = s.focus == f;
        let label = Span::styled(
            format!("{}{}", if focus { "> " } else { "  " }, f.label()),
            if focus {
                v.st(Role::Title)
            } else {
                v.st(Role::Base)
            },
        );
        frame.render_widget(
            Paragraph::new(Line::from(label)),
            Rect::new(inner.x, *y, LABEL_W.min(inner.width), 1),
        );
        let r = Rect::new(inner.x + LABEL_W, *y, field_w, h);
        let rows = crate::tui::widgets::wrap::wrap_lines(&content, r.width as usize, false);
        frame.render_widget(Paragraph::new(rows), r);
        *y += h;
        if let Some(e) = s.errors.get(&f)
            && *y < bottom
        {
            let line = Line::from(Span::styled(format!("✗ {e}"), v.st(Role::Error)));
            frame.render_widget(
                Paragraph::new(line),
                Rect::new(inner.x + LABEL_W, *y, field_w, 1),
            );
            *y += 1;
        }
    };
    let text_field = |frame: &mut Frame, y: u16, f: NewField| {
        let input = match f {
            NewField::Facility => &s.facility,
            NewField::Departments => &s.departments,
            _ => &s.inspectors,
        };
        let r = Rect::new(inner.x + LABEL_W, y, field_w.min(40), 1);
        if y < bottom {
            let pos = input.render(r, frame.buffer_mut(), v.st(Role::Input), s.focus == f);
            if s.focus == f
                && let Some(p) = pos
            {
                frame.set_cursor_position(p);
            }
        }
    };

    let y0 = y;
    row(frame, &mut y, 1, NewField::Facility, vec![]);
    text_field(frame, y0, NewField::Facility);
    if s.focus == NewField::Facility && y < bottom {
        let sug = s.suggestions();
        let typed = !s.facility.text().trim().is_empty();
        let line = match sug.split_first() {
            None => Line::from(Span::styled("新单位：直接输入全称", v.st(Role::Muted))),
            Some((first, rest)) if typed => {
                let mut spans = vec![
                    Span::styled("Tab 补全：", v.st(Role::Muted)),
                    Span::styled(format!("{first}  "), v.st(Role::Key)),
                ];
                if !rest.is_empty() {
                    let used = "Tab 补全：".width() + first.width() + 2;
                    let room = (field_w as usize).saturating_sub(used);
                    spans.push(Span::styled(
                        listed("另有：", rest, room),
                        v.st(Role::Muted),
                    ));
                }
                Line::from(spans)
            }
            Some(_) => Line::from(Span::styled(
                listed("曾检查：", &sug, field_w as usize),
                v.st(Role::Muted),
            )),
        };
        frame.render_widget(
            Paragraph::new(line),
            Rect::new(inner.x + LABEL_W, y, field_w, 1),
        );
        y += 1;
    }
    let y1 = y;
    row(frame, &mut y, 1, NewField::Departments, vec![]);
    text_field(frame, y1, NewField::Departments);
    if s.focus == NewField::Departments && y < bottom {
        frame.render_widget(
            Paragraph::new(Span::styled("可空；多个科室用、分隔", v.st(Role::Muted))),
            Rect::new(inner.x + LABEL_W, y, field_w, 1),
        );
        y += 1;
    }
    let modes: Vec<Span> = Mode::ALL
        .iter()
        .flat_map(|m| {
            let on = *m == s.mode;
            [
                Span::styled(
                    if on {
                        format!("(*) {}", m.label())
                    } else {
                        format!("( ) {}", m.label())
                    },
                    if on && s.focus == NewField::Mode {
                        v.st(Role::Selection)
                    } else if on {
                        v.st(Role::Title)
                    } else {
                        v.st(Role::Muted)
                    },
                ),
                Span::raw("  "),
            ]
        })
        .collect();
    row(frame, &mut y, 1, NewField::Mode, vec![Line::from(modes)]);
    let y3 = y;
    row(frame, &mut y, 1, NewField::Inspectors, vec![]);
    text_field(frame, y3, NewField::Inspectors);

    // Lay the line chips out in rows without splitting a chip.
    let mut rows: Vec<Line> = vec![Line::default()];
    for (i, (l, on)) in v.app.lines.iter().zip(&s.chosen).enumerate() {
        let cur = s.focus == NewField::Lines && i == s.line_cursor;
        let text = format!(
            "[{}] {}{}{}",
            if *on { "x" } else { " " },
            crate::tui::line_keys::key_of(i)
                .map(|k| format!("{k} "))
                .unwrap_or_default(),
            l.name,
            if l.core { "" } else { "（扩展）" }
        );
        let st = if cur {
            v.st(Role::Selection)
        } else if *on {
            v.st(Role::Pass)
        } else {
            v.st(Role::Base)
        };
        let last = rows.last_mut().expect("rows start non-empty");
        if last.width() > 0 && last.width() + text.width() + 2 > field_w as usize {
            rows.push(Line::default());
        }
        let last = rows.last_mut().expect("rows start non-empty");
        last.spans.push(Span::styled(text, st));
        last.spans.push(Span::raw("  "));
    }
    if v.app.lines.is_empty() {
        rows = vec![Line::from(Span::styled(
            "（没有可用的检查表）",
            v.st(Role::Error),
        ))];
    }
    let need = rows.len() as u16;
    row(frame, &mut y, need, NewField::Lines, rows);
    let leader = match s.leader {
        Some(l) => l.label(),
        None => "（不填）",
    };
    let leader = if s.focus == NewField::Leader {
        Line::from(vec![
            Span::styled(format!("< {leader} >"), v.st(Role::Selection)),
            Span::styled(
                "  ←→ 选择：主要领导、分管领导、上级督导、行政检查",
                v.st(Role::Muted),
            ),
        ])
    } else {
        Line::from(Span::styled(
            leader,
            if s.leader.is_some() {
                v.st(Role::Title)
            } else {
                v.st(Role::Muted)
            },
        ))
    };
    row(frame, &mut y, 1, NewField::Leader, vec![leader]);
    if y < bottom {
        let hint = if s.saving {
            Span::styled("正在保存……", v.st(Role::Muted))
        } else {
            Span::styled(
                "防线：←→ 移动，空格或所标的键选中。填好后 Ctrl-s 开始检查",
                v.st(Role::Muted),
            )
        };
        frame.render_widget(Paragraph::new(hint), Rect::new(inner.x, y, inner.width, 1));
    }
}

/// `prefix` and as many whole names as fit in `width` columns, then 「等 N 家」 (N all of
/// them) when some are left out, so a facility name is never cut in half without a word.
/// Falls back to a cut marked with ".." when not even one name fits.
fn listed<S: AsRef<str>>(prefix: &str, names: &[S], width: usize) -> String {
    let names: Vec<&str> = names.iter().map(AsRef::as_ref).collect();
    for k in (1..=names.len()).rev() {
        let more = if k < names.len() {
            format!(" 等 {} 家", names.len())
        } else {
            String::new()
        };
        let text = format!("{prefix}{}{more}", names[..k].join("  "));
        if text.width() <= width {
            return text;
        }
    }
    super::fit(&format!("{prefix}{}", names.join("  ")), width)
}

#[cfg(test)]
mod tests {
    use super::listed;

    #[test]
    fn whole_names_then_how_many_there_are() {
        let names = ["滨江区妇幼保健院", "新郑精神卫生中心", "高新区中医院"];
        assert_eq!(
            listed("曾检查：", &names, 80),
            "曾检查：滨江区妇幼保健院  新郑精神卫生中心  高新区中医院"
        );
        assert_eq!(
            listed("曾检查：", &names, 50),
            "曾检查：滨江区妇幼保健院  新郑精神卫生中心 等 3 家"
        );
        assert_eq!(listed("曾检查：", &names, 12), "曾检查：滨..");
    }
}
