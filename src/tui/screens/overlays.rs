//! Overlays drawn over the screen: help, confirm, note prompt, conflict chooser.

use super::{View, centered, fit};
use crate::tui::app::{Overlay, PromptKind, SignerFocus, SignerInput};
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

/// Clears whole rows under a popup: `Clear` alone leaves half of a wide glyph at its edges.
pub(super) fn popup(frame: &mut Frame, area: Rect, w: u16, h: u16) -> Rect {
    let r = centered(area, w, h);
    let rows = Rect {
        x: area.x,
        width: area.width,
        ..r
    };
    frame.render_widget(Clear, rows);
    r
}

pub fn render(v: &View, frame: &mut Frame, area: Rect) {
    match &v.app.overlay {
        None => {}
        Some(Overlay::Help(h)) => super::help::render(v, h, frame, area),
        Some(Overlay::Choice(c)) => super::summary::choice(v, c, frame, area),
        Some(Overlay::Summary(s)) => super::summary::summary(v, s, frame, area),
        Some(Overlay::Confirm(c)) => {
            let r = popup(frame, area, 56, 6);
            let b = v.block(" 请确认 ", true);
            let lines = vec![
                Line::from(c.text.clone()),
                Line::from(""),
                Line::from(Span::styled(
                    "y / Enter 确定    n / Esc 取消",
                    v.st(Role::Key),
                )),
            ];
            let p = Paragraph::new(crate::tui::widgets::wrap::wrap_lines(
                &lines,
                b.inner(r).width as usize,
                true,
            ))
            .block(b);
            frame.render_widget(p, r);
        }
        Some(Overlay::Prompt(p)) => {
            let export = matches!(p.kind, PromptKind::Export(_));
            // A signing step has one more row: the signer's name and role (issue 18).
            let rows = if p.signer.is_some() { 6 } else { 5 };
            let r = popup(frame, area, if export { 100 } else { 60 }, rows);
            let title = format!(" {} ", p.title);
            let b = v.block(&title, true);
            let inner = b.inner(r);
            frame.render_widget(b, r);
            if inner.height < 3 {
                return;
            }
            frame.render_widget(
                Paragraph::new(Span::styled(p.label.clone(), v.st(Role::Header))),
                Rect { height: 1, ..inner },
            );
            let field = Rect {
                y: inner.y + 1,
                height: 1,
                ..inner
            };
            let note_focused = p
                .signer
                .as_ref()
                .is_none_or(|s| s.focus == SignerFocus::Note);
            if let Some(pos) =
                p.input
                    .render(field, frame.buffer_mut(), v.st(Role::Input), note_focused)
                && note_focused
            {
                frame.set_cursor_position(pos);
            }
            let mut hint_y = inner.y + 2;
            if let Some(s) = &p.signer
                && inner.height >= 4
            {
                signer_row(
                    v,
                    s,
                    frame,
                    Rect {
                        y: inner.y + 2,
                        height: 1,
                        ..inner
                    },
                );
                hint_y += 1;
            }
            let (text, role) = match &p.error {
                Some(e) => (format!("✗ {e}"), Role::Error),
                None if export => (
                    "Enter 导出  Tab 切换 xlsx / csv  Esc 取消".to_string(),
                    Role::Muted,
                ),
                None if matches!(p.kind, PromptKind::Receive(_)) => (
                    "Enter 保存  Tab 换一栏（签收人姓名、职务必填）  Esc 取消".to_string(),
                    Role::Muted,
                ),
                None if p.signer.is_some() => (
                    "Enter 保存  Tab 换一栏（姓名、职务可空）  Esc 取消".to_string(),
                    Role::Muted,
                ),
                None => ("Enter 保存  Esc 取消".to_string(), Role::Muted),
            };
            frame.render_widget(
                Paragraph::new(Span::styled(fit(&text, inner.width as usize), v.st(role))),
                Rect {
                    y: hint_y,
                    height: 1,
                    ..inner
                },
            );
        }
        Some(Overlay::Chooser(c)) => {
            let h = c.options.len() as u16 + 3 + u16::from(c.steps.is_empty());
            let r = popup(frame, area, 60, h);
            let (title, hint) = if c.steps.is_empty() {
                (
                    format!(" 选定「{}」的有效值 ", c.field.label()),
                    "以下修改互不知情，选一个作为最终值：",
                )
            } else {
                (
                    " 裁定冲突步骤 ".to_string(),
                    "以下步骤互不知情，选定采用的一步（另一步留在记录中）：",
                )
            };
            let mut lines = vec![Line::from(Span::styled(hint, v.st(Role::Muted)))];
            for (i, o) in c.options.iter().enumerate() {
                let st = if i == c.selected {
                    v.st(Role::Selection)
                } else {
                    v.st(Role::Base)
                };
                let who = match c.labels.get(i) {
                    Some(l) if !l.is_empty() => format!("（{l}）"),
                    _ => String::new(),
                };
                let mark = super::selected_mark(i == c.selected);
                lines.push(Line::from(Span::styled(
                    format!("{mark}{}. {o}{who}", i + 1),
                    st,
                )));
            }
            if c.steps.is_empty() {
                // A value neither device wrote is typed in the detail's edit prompt; saving
                // it settles the conflict too.
                lines.push(Line::from(Span::styled(
                    "数字键直选；要另填一个值：Esc 后按 i 修改此栏",
                    v.st(Role::Muted),
                )));
            }
            frame.render_widget(Paragraph::new(lines).block(v.block(&title, true)), r);
        }
    }
}

/// The signer's row of a signing prompt: 「整改报告人 姓名 [____]  职务 [____]」, the focused
/// field with the cursor.
fn signer_row(v: &View, s: &SignerInput, frame: &mut Frame, area: Rect) {
    let label = |t: String| Span::styled(t, v.st(Role::Header));
    let who = format!("{} 姓名 ", s.who);
    let who_w = UnicodeWidthStr::width(who.as_str()) as u16;
    let role_label = "  职务 ";
    let role_w = UnicodeWidthStr::width(role_label) as u16;
    let rest = area.width.saturating_sub(who_w + role_w);
    let name_w = rest / 2;
    frame.render_widget(
        Paragraph::new(label(who)),
        Rect {
            width: who_w.min(area.width),
            ..area
        },
    );
    let name_area = Rect {
        x: area.x + who_w,
        width: name_w,
        ..area
    };
    let role_label_area = Rect {
        x: name_area.x + name_w,
        width: role_w.min(area.width.saturating_sub(who_w + name_w)),
        ..area
    };
    frame.render_widget(
        Paragraph::new(label(role_label.to_string())),
        role_label_area,
    );
    let role_area = Rect {
        x: role_label_area.x + role_label_area.width,
        width: rest - name_w,
        ..area
    };
    for (input, field, focus) in [
        (&s.name, name_area, SignerFocus::Name),
        (&s.role, role_area, SignerFocus::Role),
    ] {
        let focused = s.focus == focus;
        if let Some(pos) = input.render(field, frame.buffer_mut(), v.st(Role::Input), focused)
            && focused
        {
            frame.set_cursor_position(pos);
        }
    }
}
