//! The photo box beside a hazard's fields, where the terminal shows pictures (issue 18): the
//! photo's number, stage, file name, who attached it and when, and the picture itself (or
//! 「加载照片…」 while the worker encodes it, or why it cannot be drawn).

use super::View;
use crate::tui::app::DetailState;
use crate::tui::photo_view::{IMAGE_COLS, IMAGE_ROWS, ViewImage};
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Columns of the box: the picture's columns and the two borders.
pub const BOX_WIDTH: u16 = IMAGE_COLS + 2;
/// Rows of the box: two caption lines, the picture, the two borders.
pub const BOX_HEIGHT: u16 = IMAGE_ROWS + 4;
/// The fields keep at least this many columns beside the box.
const FIELDS_MIN_WIDTH: u16 = 40;

/// Whether the detail in `area` draws a photo box (pictures on, a photo to show, room for it).
pub fn fits(v: &View, s: &DetailState, area: Rect) -> bool {
    v.app.images
        && s.view.is_some()
        && area.width >= BOX_WIDTH + FIELDS_MIN_WIDTH
        && area.height >= BOX_HEIGHT + 3
}

pub fn render(v: &View, s: &DetailState, frame: &mut Frame, area: Rect) {
    let Some(view) = &s.view else {
        return;
    };
    let f = &s.finding;
    let Some(photo) = f.photos.get(view.index) else {
        return;
    };
    let title = format!(" 照片 {}/{}  [ ] 换 ", view.index + 1, f.photos.len());
    let block = v.block(&title, false);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [caption, picture] =
        Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
    // Who attached it and when: the history line of its attach (the latest, if it came back
    // after a removal).
    let action = format!("添加照片（{}）", photo.stage.label());
    let attached = f
        .history
        .iter()
        .rev()
        .find(|h| h.action == action && h.note == photo.name);
    let who = match attached {
        Some(h) => {
            let at = h.at.local_or(v.app.now.0.offset()).format("%m-%d %H:%M");
            format!("{} {at}", h.author)
        }
        None => String::new(),
    };
    let lines = vec![
        Line::from(vec![
            Span::styled(format!("{} ", photo.stage.label()), v.st(Role::Header)),
            Span::raw(photo.name.clone()),
        ]),
        Line::from(Span::styled(who, v.st(Role::Muted))),
    ];
    frame.render_widget(Paragraph::new(lines), caption);
    match &view.image {
        ViewImage::Ready(img) => {
            frame.render_widget(ratatui_image::Image::new(&img.0), picture);
        }
        ViewImage::Loading => frame.render_widget(
            Paragraph::new(Span::styled("加载照片…", v.st(Role::Muted))),
            picture,
        ),
        ViewImage::Missing(why) => frame.render_widget(
            Paragraph::new(Span::styled(why.clone(), v.st(Role::Warning)))
                .wrap(ratatui::widgets::Wrap { trim: true }),
            picture,
        ),
    }
}
