//! First run: the inspector's name and the organisation profile printed on the papers, then
//! home.

use super::{View, centered};
use crate::domain::Org;
use crate::tui::app::FirstRunState;
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

const LABEL_W: u16 = 12;

pub fn render(v: &View, s: &FirstRunState, frame: &mut Frame, area: Rect) {
    let box_ = centered(area, 64, 16);
    let block = v.block(" 欢迎使用巡查 ", true);
    let inner = block.inner(box_);
    frame.render_widget(block, box_);
    let text = vec![
        Line::from("医疗卫生机构安全生产检查（七道防线）。"),
        Line::from("请输入检查人员姓名，每条记录都会署这个名字："),
    ];
    frame.render_widget(
        Paragraph::new(text)
            .style(v.st(Role::Base))
            .wrap(Wrap { trim: false }),
        Rect {
            height: inner.height.min(3),
            ..inner
        },
    );
    if inner.height < 5 {
        return;
    }
    let mut y = inner.y + 3;
    let bottom = inner.y + inner.height;
    let field = |y: u16| Rect {
        x: inner.x + LABEL_W,
        y,
        width: inner.width.saturating_sub(LABEL_W + 1).min(40),
        height: 1,
    };
    let label = |frame: &mut Frame, y: u16, text: &str, focus: bool| {
        let role = if focus { Role::Title } else { Role::Base };
        let mark = if focus { "> " } else { "  " };
        frame.render_widget(
            Paragraph::new(Span::styled(format!("{mark}{text}"), v.st(role))),
            Rect::new(inner.x, y, LABEL_W.min(inner.width), 1),
        );
    };
    label(frame, y, "姓名", s.focus == 0);
    if let Some(p) = s.name.render(
        field(y),
        frame.buffer_mut(),
        v.st(Role::Input),
        s.focus == 0,
    ) && s.focus == 0
    {
        frame.set_cursor_position(p);
    }
    y += 1;
    let note = match &s.error {
        Some(e) => Span::styled(e.clone(), v.st(Role::Error)),
        // The 机关代字 field: the 文号 adds the book's word itself (a typed 整 is dropped).
        None if s.focus == 2 => Span::styled(
            "机关代字不含“整”字，如 某卫安：文号为 某卫安整〔2026〕A3K-1号",
            v.st(Role::Muted),
        ),
        None => Span::styled(
            "以后可在配置文件中修改（config.toml 的 inspector 和 [org]）",
            v.st(Role::Muted),
        ),
    };
    if y < bottom {
        frame.render_widget(
            Paragraph::new(Line::from(note)),
            Rect::new(inner.x, y, inner.width, 1),
        );
    }
    y += 2;
    if y < bottom {
        frame.render_widget(
            Paragraph::new(Span::styled(
                "单位信息（印在整改表和督办文书上，可空，Tab 切换）：",
                v.st(Role::Muted),
            )),
            Rect::new(inner.x, y, inner.width, 1),
        );
    }
    y += 1;
    for (i, ((_, name), input)) in Org::FIELDS.iter().zip(&s.org).enumerate() {
        if y >= bottom {
            break;
        }
        let focus = s.focus == i + 1;
        label(frame, y, name, focus);
        let st = if focus {
            v.st(Role::Input)
        } else {
            v.st(Role::Base)
        };
        if let Some(p) = input.render(field(y), frame.buffer_mut(), st, focus)
            && focus
        {
            frame.set_cursor_position(p);
        }
        y += 1;
    }
}
