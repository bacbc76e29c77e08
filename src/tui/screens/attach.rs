//! The photo screen (issue 18): whom the photos go to and at which stage, the path field, and
//! the folder's photos newest first with time and size, marked ones ticked.

use super::{View, fit, pad};
use crate::ops::human_size;
use crate::tui::attach::{AttachFocus, AttachState, AttachTarget};
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

pub fn render(v: &View, s: &AttachState, frame: &mut Frame, area: Rect) {
    let block = v.block(" 添加照片 ", true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 5 || inner.width < 10 {
        return;
    }
    let w = inner.width as usize;
    // A refusal names the file and why: it may take up to three lines.
    let note_h = match &s.error {
        Some(e) => (e.width() + 2).div_ceil(w.max(1)).clamp(1, 3),
        None => 1,
    } as u16;
    let [head, path, note, list] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(note_h),
        Constraint::Fill(1),
    ])
    .areas(inner);

    let whom = match &s.target {
        AttachTarget::Finding { title, .. } => title.clone(),
        AttachTarget::Form => "正在登记的隐患（保存时添加）".into(),
    };
    let stage = format!("{}照片", s.stage.label());
    let mut spans = vec![
        Span::styled(format!("{stage} "), v.st(Role::Warning)),
        Span::styled("→ ", v.st(Role::Muted)),
    ];
    let used = stage.width() + 3;
    spans.push(Span::styled(
        fit(&whom, w.saturating_sub(used)),
        v.st(Role::Base),
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), head);

    let label = "路径：";
    frame.render_widget(
        Paragraph::new(Span::styled(label, v.st(Role::Header))),
        path,
    );
    let field = Rect {
        x: path.x + label.width() as u16,
        width: path.width.saturating_sub(label.width() as u16),
        ..path
    };
    let editing = s.focus == AttachFocus::Path;
    let style = if editing {
        v.st(Role::Input)
    } else {
        v.st(Role::Muted)
    };
    if let Some(p) = s.path.render(field, frame.buffer_mut(), style, editing) {
        frame.set_cursor_position(p);
    }

    let (text, role) = match (&s.error, &s.folder) {
        (Some(e), _) => (format!("✗ {e}"), Role::Error),
        _ if s.running => (
            "正在添加……按 Esc 取消（取消后不会留下任何照片）".into(),
            Role::Warning,
        ),
        (None, Some(f)) => {
            let mut t = format!(
                "共 {} 张照片（最新在前），已标记 {} 张",
                f.photo_count(),
                s.marked.len()
            );
            if f.left_out > 0 {
                t.push_str(&format!("；较早的 {} 张未列出，请输入路径", f.left_out));
            }
            (t, Role::Muted)
        }
        (None, None) => ("正在读取文件夹……".into(), Role::Muted),
    };
    let text = if s.error.is_some() {
        text
    } else {
        fit(&text, w)
    };
    frame.render_widget(
        Paragraph::new(Span::styled(text, v.st(role))).wrap(Wrap { trim: false }),
        note,
    );

    let Some(folder) = &s.folder else {
        return;
    };
    let rows = list.height as usize;
    if rows == 0 {
        return;
    }
    // Keep the cursor in view: the page that holds it.
    let first = (s.selected / rows) * rows;
    // cursor (1), mark (3), space, name, two spaces, time (11), two spaces, size (9)
    let name_w = w.saturating_sub(1 + 3 + 1 + 2 + 11 + 2 + 9);
    let lines: Vec<Line> = folder
        .entries
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, e)| {
            let here = i == s.selected && s.focus == AttachFocus::List;
            let mark = if e.is_dir {
                "   "
            } else if s.is_marked(&e.path) {
                "[x]"
            } else {
                "[ ]"
            };
            let name = if e.name == ".." {
                "..（上一级）".to_string()
            } else if e.is_dir {
                format!("{}/", e.name)
            } else {
                e.name.clone()
            };
            // A photo's time is when it was taken (the camera writes it once); a folder's is
            // only when something last changed in it, so it is not shown.
            let time = match (e.is_dir, e.modified) {
                (false, Some(t)) => t.format("%m-%d %H:%M").to_string(),
                _ => String::new(),
            };
            let size = if e.is_dir {
                String::new()
            } else {
                human_size(e.bytes)
            };
            let text = format!(
                "{}{mark} {}  {:>11}  {:>9}",
                if here { ">" } else { " " },
                pad(&name, name_w),
                time,
                size
            );
            let role = if here {
                Role::Selection
            } else if e.is_dir {
                Role::Header
            } else {
                Role::Base
            };
            Line::from(Span::styled(fit(&text, w), v.st(role)))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
}
