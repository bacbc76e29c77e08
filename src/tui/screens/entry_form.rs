//! The 台账 screen's forms: the entry they write to, labelled fields (a choice shows its
//! options), the refusal under the field it names, and what Ctrl-s does.

use super::{View, fit};
use crate::domain::sanitize::escape_line;
use crate::tui::entry_form::{EntryForm, FieldInput};
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

const LABEL_W: u16 = 16;

pub fn render(v: &View, f: &EntryForm, frame: &mut Frame, area: Rect) {
    let block = v.block(&f.title, true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width < LABEL_W + 4 || inner.height == 0 {
        return;
    }
    let bottom = inner.y + inner.height;
    let w = inner.width as usize;
    let field_w = inner.width - LABEL_W;
    let mut y = inner.y;
    let line = |frame: &mut Frame, y: &mut u16, text: &str, role: Role| {
        if *y < bottom {
            frame.render_widget(
                Paragraph::new(Span::styled(fit(&escape_line(text), w), v.st(role))),
                Rect::new(inner.x, *y, inner.width, 1),
            );
            *y += 1;
        }
    };
    line(frame, &mut y, &format!(" {}", f.about), Role::Muted);
    let mut focus_row = None;
    for (i, field) in f.fields.iter().enumerate() {
        if y >= bottom {
            break;
        }
        let focus = f.focus == i;
        let err = f.errors.get(&i);
        let label_role = match (err.is_some(), focus) {
            (true, _) => Role::Error,
            (false, true) => Role::Title,
            _ => Role::Base,
        };
        let label = format!("{}{}", if focus { "> " } else { "  " }, field.label);
        frame.render_widget(
            Paragraph::new(Span::styled(label, v.st(label_role))),
            Rect::new(inner.x, y, LABEL_W, 1),
        );
        let r = Rect::new(inner.x + LABEL_W, y, field_w, 1);
        if focus {
            focus_row = Some(y);
        }
        match &field.input {
            FieldInput::Text(input) => {
                let st = if focus {
                    v.st(Role::Input)
                } else {
                    v.st(Role::Base)
                };
                let pos = input.render(r, frame.buffer_mut(), st, focus);
                if focus && let Some(p) = pos {
                    frame.set_cursor_position(p);
                }
                if focus && !field.hint.is_empty() {
                    let used = unicode_width::UnicodeWidthStr::width(input.text()) as u16 + 2;
                    if used + 4 < field_w {
                        frame.render_widget(
                            Paragraph::new(Span::styled(
                                fit(field.hint, (field_w - used) as usize),
                                v.st(Role::Muted),
                            )),
                            Rect::new(r.x + used, y, field_w - used, 1),
                        );
                    }
                }
            }
            FieldInput::Choice { options, selected } => {
                // One option at a time: the lists (类别, 设备类别) are longer than a line.
                let role = if focus { Role::Selection } else { Role::Title };
                let shown = options.get(*selected).map(String::as_str).unwrap_or("");
                let text = Line::from(vec![
                    Span::styled(format!("◀ {shown} ▶"), v.st(role)),
                    Span::styled(
                        format!("  {}/{}（空格或 ←→ 换）", selected + 1, options.len()),
                        v.st(Role::Muted),
                    ),
                ]);
                frame.render_widget(Paragraph::new(text), r);
            }
        }
        y += 1;
        if let Some(e) = err
            && y < bottom
        {
            frame.render_widget(
                Paragraph::new(Span::styled(
                    fit(&escape_line(&format!("✗ {e}")), field_w as usize),
                    v.st(Role::Error),
                )),
                Rect::new(inner.x + LABEL_W, y, field_w, 1),
            );
            y += 1;
        }
    }
    y += 1;
    if let Some(e) = &f.save_error {
        line(frame, &mut y, &format!(" 未保存：{e}"), Role::Error);
    }
    let hint = if f.saving {
        " 正在保存……"
    } else {
        " Ctrl-s 保存；Esc 取消，已填的内容留作草稿"
    };
    line(frame, &mut y, hint, Role::Muted);
    // Drawn last: registry candidates lie over the fields below the focused one.
    if let Some(row) = focus_row {
        super::suggest::render(
            v,
            frame,
            (inner, inner.x + LABEL_W, row),
            &f.candidates(),
            f.pick,
            f.candidate_unit(),
        );
    }
}
