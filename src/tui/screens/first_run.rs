//! First run: the inspector's name, then home.

use super::{View, centered};
use crate::tui::app::FirstRunState;
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn render(v: &View, s: &FirstRunState, frame: &mut Frame, area: Rect) {
    let box_ = centered(area, 60, 10);
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
    let field = Rect {
        x: inner.x + 1,
        y: inner.y + 3,
        width: inner.width.saturating_sub(2).min(30),
        height: 1,
    };
    if let Some(p) = s
        .name
        .render(field, frame.buffer_mut(), v.st(Role::Input), true)
    {
        frame.set_cursor_position(p);
    }
    let note = match &s.error {
        Some(e) => Span::styled(e.clone(), v.st(Role::Error)),
        None => Span::styled(
            "以后可在配置文件中修改（config.toml 的 inspector）",
            v.st(Role::Muted),
        ),
    };
    frame.render_widget(
        Paragraph::new(Line::from(note)),
        Rect {
            y: inner.y + 4,
            height: 1,
            ..inner
        },
    );
}
