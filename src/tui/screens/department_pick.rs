//! The 科室 choices drawn under the hazard form's 科室 field when the inspection covers
//! several 科室 (drawn by `suggest::render`, like the 部位 picker).

use super::View;
use crate::tui::app::{FormField, FormState};
use crate::tui::suggest::Candidate;
use ratatui::Frame;
use ratatui::layout::Rect;

/// Draws the 科室 that fit the typed text below row `field_y` (the 科室 field's row), over
/// the fields under it, inside `area` from column `x`. Nothing while another field has the
/// focus, or when there is nothing to choose.
pub fn render(v: &View, f: &FormState, frame: &mut Frame, area: Rect, x: u16, field_y: u16) {
    if f.focus != FormField::Department || x >= area.x + area.width {
        return;
    }
    let items: Vec<Candidate> = f
        .departments
        .matches(f.department.text())
        .into_iter()
        .map(|d| Candidate {
            value: d.to_string(),
            key_site: false,
            grade: None,
        })
        .collect();
    if items.is_empty() {
        return;
    }
    // The popup's title counts them (「共 2 个科室」) and its bottom border names the keys.
    super::suggest::render(
        v,
        frame,
        (area, x, field_y),
        &items,
        f.departments.cursor,
        "个科室",
    );
}
