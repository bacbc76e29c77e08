//! The hazard form's 科室 field when the inspection covers several 科室 (「住院部、急诊科」):
//! the inspection's 科室 are offered as choices, with the same keys as the 部位 picker
//! (Ctrl-n / Ctrl-p move, Enter takes the highlighted one, Tab keeps what is typed). With one
//! 科室 the form is pre-filled with it; a blank 科室 is named before saving (new-user walk D11).

use crate::tui::action::Action;
use crate::tui::app::{FormField, FormState};
use crate::tui::pick_keys::{PickKey, stepped};
use crate::tui::suggest::SHOWN;

/// The inspection's 科室 as the hazard form offers them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DepartmentPicker {
    /// Every 科室 the inspection names, in its order; empty for a hazard outside an inspection.
    pub choices: Vec<String>,
    /// The highlighted candidate, an index into `matches`.
    pub cursor: usize,
}

impl DepartmentPicker {
    /// The picker of an inspection's `departments`.
    pub fn of(departments: &[String]) -> DepartmentPicker {
        DepartmentPicker {
            choices: departments.to_vec(),
            cursor: 0,
        }
    }

    /// What the 科室 field starts with: the inspection's one 科室, or nothing when it has
    /// several (the person picks) or none.
    pub fn prefill(&self) -> &str {
        match self.choices.as_slice() {
            [one] => one,
            _ => "",
        }
    }

    /// The 科室 that fit `text` (as every name field completes: `complete::fitting`), only
    /// when the inspection has several to choose from; none once one is picked.
    pub fn matches(&self, text: &str) -> Vec<&str> {
        if self.choices.len() < 2 {
            return vec![];
        }
        crate::tui::complete::fitting_names(text, &self.choices, SHOWN)
    }

    /// Moves the highlight by `by` within the candidates for `text`, wrapping.
    pub fn step(&mut self, text: &str, by: isize) {
        self.cursor = stepped(self.cursor, self.matches(text).len(), by);
    }

    /// The highlighted candidate for this text, if any shows.
    pub fn selected(&self, text: &str) -> Option<&str> {
        let m = self.matches(text);
        m.get(self.cursor.min(m.len().saturating_sub(1))).copied()
    }
}

/// A key on the 科室 field while candidates show: Ctrl-n / Ctrl-p move, Enter takes the
/// highlighted 科室 (the form then moves on). Returns true when the key was the picker's.
pub fn key(f: &mut FormState, a: &Action) -> bool {
    if f.focus != FormField::Department {
        return false;
    }
    let text = f.department.text().to_string();
    if f.departments.matches(&text).is_empty() {
        return false;
    }
    match PickKey::of(a) {
        PickKey::Step(by) => {
            f.departments.step(&text, by);
            true
        }
        PickKey::Take => {
            if let Some(d) = f.departments.selected(&text).map(str::to_string) {
                f.department.set(&d);
            }
            f.departments.cursor = 0;
            false
        }
        PickKey::Typed => {
            f.departments.cursor = 0;
            false
        }
        PickKey::Other => false,
    }
}
