//! The finding form: pre-filled fields, inline validation messages, the save state.

use super::{View, fit};
use crate::domain::Severity;
use crate::tui::app::{FormField, FormState, HazardOn};
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

const LABEL_W: u16 = 17;

pub fn render(v: &View, f: &FormState, frame: &mut Frame, area: Rect) {
    let title = if f.fail {
        " 登记隐患（保存时本项记为不合格） "
    } else {
        " 登记隐患 "
    };
    let block = v.block(title, true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width < LABEL_W + 4 || inner.height == 0 {
        return;
    }
    let bottom = inner.y + inner.height;
    let w = inner.width as usize;
    let mut y = inner.y;
    let line = |frame: &mut Frame, y: &mut u16, l: Line| {
        if *y < bottom {
            frame.render_widget(Paragraph::new(l), Rect::new(inner.x, *y, inner.width, 1));
            *y += 1;
        }
    };
    let line_name = f.line.as_deref().map(|l| v.app.line_name(l)).unwrap_or("");
    // Where the hazard comes from: its checklist item, a 台账 entry, a patrol's 异常, or
    // an inspection outside its checklist.
    let about = match (&f.item, f.on) {
        (Some(i), _) => format!("{} · {}", f.facility, i.check),
        (None, Some(HazardOn::Register(_))) => {
            format!("{} · {line_name} · 台账条目隐患", f.facility)
        }
        (None, Some(HazardOn::PatrolVisit { .. })) => {
            format!("{} · {line_name} · 巡查发现异常", f.facility)
        }
        (None, None) => format!("{} · {line_name} · 检查表外隐患", f.facility),
    };
    line(
        frame,
        &mut y,
        Line::from(Span::styled(fit(&about, w), v.st(Role::Muted))),
    );
    let field_w = inner.width - LABEL_W;
    let (mut location_row, mut department_row) = (None, None);
    for field in FormField::ALL {
        if y >= bottom {
            break;
        }
        let focus = f.focus == field;
        let err = f.errors.get(&field);
        // Named at a Ctrl-s as blank, and still blank: marked until filled or saved.
        let blank_warned =
            f.warned.contains(&field) && f.input(field).is_some_and(|i| i.text().trim().is_empty());
        let label_role = if err.is_some() {
            Role::Error
        } else if blank_warned {
            Role::Warning
        } else if focus {
            Role::Title
        } else {
            Role::Base
        };
        let label = format!("{}{}", if focus { "> " } else { "  " }, field.label());
        frame.render_widget(
            Paragraph::new(Span::styled(label, v.st(label_role))),
            Rect::new(inner.x, y, LABEL_W, 1),
        );
        let r = Rect::new(inner.x + LABEL_W, y, field_w, 1);
        if field == FormField::Location {
            location_row = Some(y);
        }
        if field == FormField::Department {
            department_row = Some(y);
        }
        match field {
            FormField::Severity => {
                let spans: Vec<Span> = [Severity::General, Severity::Major]
                    .iter()
                    .map(|s| {
                        let on = *s == f.severity;
                        let role = match (on, focus, s) {
                            (true, true, _) => Role::Selection,
                            (true, false, Severity::Major) => Role::Major,
                            (true, false, _) => Role::Title,
                            _ => Role::Muted,
                        };
                        Span::styled(
                            format!("{} {}隐患  ", if on { "(*)" } else { "( )" }, s.label()),
                            v.st(role),
                        )
                    })
                    .collect();
                frame.render_widget(Paragraph::new(Line::from(spans)), r);
            }
            FormField::FixedOnSpot => {
                let text = if f.fixed_on_spot {
                    "[x] 已当场整改（保存即销号，整改时限可空）"
                } else {
                    "[ ] 否（空格切换）"
                };
                let role = if focus { Role::Selection } else { Role::Base };
                frame.render_widget(Paragraph::new(Span::styled(text, v.st(role))), r);
            }
            _ => {
                if let Some(input) = f.input(field) {
                    let st = if focus {
                        v.st(Role::Input)
                    } else {
                        v.st(Role::Base)
                    };
                    let pos = input.render(r, frame.buffer_mut(), st, focus);
                    if blank_warned {
                        // One column in, so the cursor of a focused field stays in view.
                        let note = Rect::new(r.x + 1, r.y, r.width.saturating_sub(1), 1);
                        frame.render_widget(
                            Paragraph::new(Span::styled(
                                fit("! 未填：表上此栏将空着", note.width as usize),
                                v.st(Role::Warning),
                            )),
                            note,
                        );
                    }
                    if focus && let Some(p) = pos {
                        frame.set_cursor_position(p);
                    }
                }
            }
        }
        y += 1;
        if let Some(e) = err
            && y < bottom
        {
            frame.render_widget(
                Paragraph::new(Span::styled(
                    fit(&format!("✗ {e}"), field_w as usize),
                    v.st(Role::Error),
                )),
                Rect::new(inner.x + LABEL_W, y, field_w, 1),
            );
            y += 1;
        }
    }
    y += 1;
    if let Some(e) = &f.save_error {
        line(
            frame,
            &mut y,
            Line::from(Span::styled(
                fit(&format!("未保存：{e}"), w),
                v.st(Role::Error),
            )),
        );
    }
    if !f.photos.is_empty() {
        let names: Vec<String> = f
            .photos
            .iter()
            .filter_map(|p| p.file_name())
            .map(|n| crate::domain::sanitize::escape(&n.to_string_lossy()).into_owned())
            .collect();
        line(
            frame,
            &mut y,
            Line::from(vec![
                Span::styled(
                    format!("整改前照片：{} 张 ", f.photos.len()),
                    v.st(Role::Header),
                ),
                Span::styled(
                    fit(
                        &format!("{}（保存时添加；Ctrl-o 修改）", names.join("、")),
                        w.saturating_sub(18),
                    ),
                    v.st(Role::Base),
                ),
            ]),
        );
    }
    let blank = blank_labels(f);
    let hint = if !f.errors.is_empty() {
        "有错误，改正后才能保存；时限可写 2026-12-01、+7（天）、+2w（周）".to_string()
    } else if blank.is_empty() {
        "校验通过。Ctrl-s 保存；时限可写 2026-12-01、+7（天）、+2w（周）".to_string()
    } else if f.warned.is_empty() {
        format!(
            "未填 {}：Ctrl-s 先提醒一次，再按一次照样保存",
            blank.join("、")
        )
    } else {
        format!("未填 {}：再按 Ctrl-s 照样保存", blank.join("、"))
    };
    line(
        frame,
        &mut y,
        Line::from(Span::styled(fit(&hint, w), v.st(Role::Muted))),
    );
    // Drawn last: the 部位 picker lies over the fields below 部位 while it is open.
    if let Some(row) = location_row {
        super::place_pick::render(v, f, frame, inner, inner.x + LABEL_W, row);
    }
    if let Some(row) = department_row {
        super::department_pick::render(v, f, frame, inner, inner.x + LABEL_W, row);
    }
}

/// The labels of the blank fields the office's forms need, as the form stands; empty while
/// another error blocks saving.
fn blank_labels(f: &FormState) -> Vec<&'static str> {
    if !f.errors.is_empty() {
        return Vec::new();
    }
    f.blank_needed().into_iter().map(FormField::label).collect()
}
