//! 「登记新单位？」: starting an inspection of a facility the registry does not hold (issue 16
//! point 1: typing a new one still works and offers to add it), as the hazard form's 部位
//! asks 「登记新场所？」. The worker says the name is unknown (nothing written); the question
//! offers to register it with the inspection in one append, to keep it as text, to go back to
//! the field, or to take one of the registered names that look like it.

use super::Effect;
use crate::ops::FacilityIntent;
use crate::tui::app::{App, NewField, Overlay, Screen};
use crate::tui::choice::{Choice, ChoiceKind};

/// The fixed options of 「登记新单位？」, in order; registered names alike follow them.
pub const REGISTER_FACILITY_OPTIONS: [&str; 3] = [
    "登记为新单位并开始检查",
    "不登记，按文字开始检查",
    "返回修改受检单位",
];

/// The worker found `facility` unregistered: the form stops waiting and asks.
pub fn unregistered(app: &mut App, facility: String, like: Vec<String>) {
    let Screen::NewInspection(st) = app.screen_mut() else {
        return;
    };
    st.saving = false;
    let mut options: Vec<String> = REGISTER_FACILITY_OPTIONS
        .iter()
        .map(|s| s.to_string())
        .collect();
    options.extend(like.iter().map(|n| format!("改为已登记的「{n}」")));
    app.overlay = Some(Overlay::Choice(Choice {
        kind: ChoiceKind::RegisterFacility { like },
        title: " 登记新单位？ ".into(),
        text: format!("受检单位「{facility}」不在单位台账中"),
        options,
        selected: 0,
    }));
}

/// The answer: register and start, start with the text, back to the field, or a registered
/// name alike put in the field and started.
pub fn chosen(app: &mut App, like: &[String], selected: usize) -> Vec<Effect> {
    let line_ids: Vec<String> = app.lines.iter().map(|l| l.id.clone()).collect();
    let Screen::NewInspection(st) = app.screen_mut() else {
        return vec![];
    };
    let intent = match selected {
        0 => FacilityIntent::Register,
        1 => FacilityIntent::TextOnly,
        2 => {
            st.focus = NewField::Facility;
            return vec![];
        }
        n => match like.get(n - REGISTER_FACILITY_OPTIONS.len()) {
            Some(name) => {
                st.facility.set(name);
                FacilityIntent::Ask
            }
            None => return vec![],
        },
    };
    match super::new_inspection::validate(st, &line_ids) {
        Some(new) => {
            st.saving = true;
            vec![Effect::StartInspectionAt(new, st.leader, intent)]
        }
        None => vec![],
    }
}
