//! The 部位 picker drawn under the hazard form's 部位 field: the registered places the typed
//! text matches (drawn by `suggest::render`), or a word at the end of the field when the
//! facility is not registered.

use super::View;
use crate::tui::app::{FormField, FormState};
use crate::tui::place_pick::PlacesLoad;
use crate::tui::suggest::Candidate;
use crate::tui::theme::Role;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

/// Draws the candidates below row `field_y` (the 部位 field's row), over the fields under it,
/// inside `area` from column `x`. Nothing while another field has the focus.
pub fn render(v: &View, f: &FormState, frame: &mut Frame, area: Rect, x: u16, field_y: u16) {
    if f.focus != FormField::Location || x >= area.x + area.width {
        return;
    }
    let w = area.x + area.width - x;
    let text = f.location.text();
    match &f.places.load {
        PlacesLoad::Loaded(None) => {
            // Said at the right end of the 部位 row, only where it leaves the typed text and
            // the cursor clear: a line below would hide the 科室 field under it.
            const NOT_REGISTERED: &str = "（本单位未登记，按文字保存）";
            let need = NOT_REGISTERED.width() as u16;
            if text.width() as u16 + 2 + need <= w {
                frame.render_widget(
                    Paragraph::new(Span::styled(NOT_REGISTERED, v.st(Role::Muted))),
                    Rect::new(x + w - need, field_y, need, 1),
                );
            }
            return;
        }
        PlacesLoad::Loaded(Some(_)) => {}
        _ => return,
    }
    let items: Vec<Candidate> = f
        .places
        .matches(text)
        .into_iter()
        .map(|p| Candidate {
            value: p.path.clone(),
            key_site: p.key_site,
            grade: p.grade,
        })
        .collect();
    super::suggest::render(v, frame, (area, x, field_y), &items, f.places.cursor, "处");
}
