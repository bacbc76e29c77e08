//! `n` on the 台账 (issue 17): a new hazard of the selected chemical or piece of equipment.
//! The hazard form opens pre-filled from the entry — facility, 部位 (its registered place when
//! there is one), line 危险化学品 or 特种设备, the entry named at the start of 问题隐患 — with
//! the cursor after that name; saving records the hazard and its link to the entry in one
//! write (`ops::record_finding_on`), then the 台账 shows it.

use super::{Effect, say};
use crate::domain::RegisterRef;
use crate::ops::RegisterHazard;
use crate::tui::app::{App, FormState, HazardOn, MessageKind, Screen};
use crate::tui::widgets::text_input::TextInput;

/// Opens the form of a new hazard of `register` from its `start`, over the 台账.
pub fn open(app: &mut App, register: RegisterRef, start: RegisterHazard) -> Vec<Effect> {
    if !matches!(app.screen(), Screen::Registers(_)) {
        return vec![]; // the person left the 台账 while the entry was read
    }
    let new = start.new;
    let facility = new.facility.unwrap_or_default();
    app.stack.push(Screen::Form(Box::new(FormState {
        description: TextInput::new(&new.description),
        location: TextInput::new(&new.location),
        on: Some(HazardOn::Register(register)),
        ..super::form::blank(None, &facility, new.line, app.now.today())
    })));
    say(
        app,
        MessageKind::Info,
        format!(
            "在「{}」上登记隐患：写明问题后 Ctrl-s 保存，隐患与该条目一并关联",
            start.name
        ),
    );
    vec![]
}
