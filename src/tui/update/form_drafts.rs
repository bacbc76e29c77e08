//! Drafts of the forms other than the hazard form (issue 11): the new-inspection form and the
//! notes typed for a step (整改落实情况, 复查情况, 备注, 撤销原因, a revocation's reason). Each
//! is kept under its own key while typed, comes back when that form is opened again for the
//! same record (a form's focused field with its text selected, so typing a name replaces it),
//! and is dropped once the step is taken or the inspection started.

use super::{Effect, say};
use crate::domain::{LeaderRole, Mode};
use crate::ops::DraftKey;
use crate::tui::app::{
    App, MessageKind, NewField, NewInspectionState, Overlay, PromptKind, Screen,
};
use crate::tui::entry_form::{EntryField, FieldInput};
use serde::{Deserialize, Serialize};

/// The new-inspection form as typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewInspectionDraft {
    pub facility: String,
    pub departments: String,
    pub mode: Mode,
    #[serde(default)]
    pub leader: Option<LeaderRole>,
    pub inspectors: String,
    /// Line ids chosen.
    pub lines: Vec<String>,
}

/// A step's note as typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct NoteDraft {
    text: String,
}

/// The draft key of a prompt whose text is worth keeping; None for prompts pre-filled from the
/// record (an edit) or naming a file (an export).
pub fn note_key(kind: &PromptKind) -> Option<DraftKey> {
    let (what, target) = match *kind {
        PromptKind::Rectify(id) => ("rectify", id),
        PromptKind::VerifyPass(id) => ("verify-pass", id),
        PromptKind::VerifyFail(id) => ("verify-fail", id),
        PromptKind::Escalate(id) => ("escalate", id),
        PromptKind::Comment(id) => ("comment", id),
        PromptKind::Retract(id) => ("retract", id),
        PromptKind::RevokeDevice(id) => ("revoke", id),
        // Pre-filled from the record (an edit), naming a file (an export), or the registry's
        // own forms: nothing typed worth keeping here.
        _ => return None,
    };
    Some(DraftKey::note(what, target))
}

/// What the draftable forms hold before an action, to see what it changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Before {
    note: Option<(DraftKey, String)>,
    new_inspection: Option<NewInspectionDraft>,
    /// The 台账 form open (its draft key, its values, and whether they differ from what it
    /// opened with).
    entry: Option<(DraftKey, Vec<String>, bool)>,
}

fn entry_of(app: &App) -> Option<(DraftKey, Vec<String>, bool)> {
    match app.screen() {
        Screen::EntryForm(f) => Some((f.kind.draft_key(), f.values(), f.touched())),
        _ => None,
    }
}

fn note_of(app: &App) -> Option<(DraftKey, String)> {
    match &app.overlay {
        Some(Overlay::Prompt(p)) => Some((note_key(&p.kind)?, p.input.text().to_string())),
        _ => None,
    }
}

fn inspection_draft(app: &App, st: &NewInspectionState) -> NewInspectionDraft {
    NewInspectionDraft {
        facility: st.facility.text().to_string(),
        departments: st.departments.text().to_string(),
        mode: st.mode,
        leader: st.leader,
        inspectors: st.inspectors.text().to_string(),
        lines: app
            .lines
            .iter()
            .zip(&st.chosen)
            .filter(|(_, c)| **c)
            .map(|(l, _)| l.id.clone())
            .collect(),
    }
}

pub fn before(app: &App) -> Before {
    Before {
        note: note_of(app),
        new_inspection: match app.screen() {
            Screen::NewInspection(st) => Some(inspection_draft(app, st)),
            _ => None,
        },
        entry: entry_of(app),
    }
}

fn value<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_default()
}

/// After a key: a prompt just opened asks for its draft; typed text is kept (emptied text drops
/// the draft); the new-inspection form keeps what changed.
pub fn after_input(app: &App, was: &Before) -> Vec<Effect> {
    let mut out = Vec::new();
    match (note_of(app), &was.note) {
        (Some((key, _)), prev) if prev.as_ref().is_none_or(|(k, _)| *k != key) => {
            out.push(Effect::LoadFormDraft(key));
        }
        (Some((key, text)), Some((_, old))) if text != *old => {
            out.push(if text.trim().is_empty() {
                Effect::ClearFormDraft(key)
            } else {
                Effect::SaveFormDraft {
                    key,
                    value: value(&NoteDraft { text }),
                }
            });
        }
        _ => {}
    }
    match (entry_of(app), &was.entry) {
        (Some((key, _, _)), prev) if prev.as_ref().is_none_or(|(k, _, _)| *k != key) => {
            out.push(Effect::LoadFormDraft(key));
        }
        (Some((key, values, touched)), Some((_, old, _))) if values != *old => {
            out.push(if touched {
                Effect::SaveFormDraft {
                    key,
                    value: value(&values),
                }
            } else {
                Effect::ClearFormDraft(key)
            });
        }
        _ => {}
    }
    if let (Screen::NewInspection(st), Some(old)) = (app.screen(), &was.new_inspection) {
        let now = inspection_draft(app, st);
        if now != *old && !st.saving {
            out.push(Effect::SaveFormDraft {
                key: DraftKey::new_inspection(),
                value: value(&now),
            });
        }
    }
    out
}

/// After a result: a prompt the result closed (the step was taken) drops its draft; a prompt
/// still open (a refusal) keeps it.
pub fn after_result(app: &App, was: &Before) -> Vec<Effect> {
    let mut out = match (&was.note, note_of(app)) {
        (Some((key, _)), now) if now.as_ref().is_none_or(|(k, _)| k != key) => {
            vec![Effect::ClearFormDraft(key.clone())]
        }
        _ => vec![],
    };
    // A 台账 form a result closed was saved: its draft goes.
    if let (Some((key, _, _)), now) = (&was.entry, entry_of(app))
        && now.as_ref().is_none_or(|(k, _, _)| k != key)
    {
        out.push(Effect::ClearFormDraft(key.clone()));
    }
    out
}

/// A draft read back: filled into its form when that form is open and still untouched.
pub fn loaded(app: &mut App, key: &DraftKey, value: Option<serde_json::Value>) -> Vec<Effect> {
    let Some(value) = value else {
        return vec![];
    };
    if *key == DraftKey::new_inspection() {
        let Ok(d) = serde_json::from_value::<NewInspectionDraft>(value) else {
            return vec![];
        };
        let ids: Vec<String> = app.lines.iter().map(|l| l.id.clone()).collect();
        let me = app.inspector.clone();
        let Screen::NewInspection(st) = app.screen_mut() else {
            return vec![];
        };
        let untouched = st.facility.text().is_empty()
            && st.departments.text().is_empty()
            && st.inspectors.text() == me
            && !st.chosen.iter().any(|c| *c);
        if !untouched {
            return vec![];
        }
        st.facility.set(&d.facility);
        st.departments.set(&d.departments);
        st.mode = d.mode;
        st.leader = d.leader;
        st.inspectors.set(&d.inspectors);
        for (id, c) in ids.iter().zip(st.chosen.iter_mut()) {
            *c = d.lines.contains(id);
        }
        // The focused field's restored text is selected: typing a name replaces it rather
        // than appending to it (「城关人民医院城关人民医院」).
        match st.focus {
            NewField::Facility => st.facility.select_all(),
            NewField::Departments => st.departments.select_all(),
            NewField::Inspectors => st.inspectors.select_all(),
            _ => {}
        }
        say(
            app,
            MessageKind::Info,
            "已恢复上次未完成的草稿：输入即替换选中文字",
        );
        return vec![];
    }
    if let Screen::EntryForm(f) = app.screen_mut()
        && f.kind.draft_key() == *key
    {
        let Ok(values) = serde_json::from_value::<Vec<String>>(value) else {
            return vec![];
        };
        if f.touched() || values.len() != f.fields.len() {
            return vec![];
        }
        for (field, v) in f.fields.iter_mut().zip(&values) {
            field.set(v);
        }
        if let Some(EntryField {
            input: FieldInput::Text(t),
            ..
        }) = f.fields.get_mut(f.focus)
        {
            t.select_all();
        }
        if f.touched() {
            say(
                app,
                MessageKind::Info,
                "已恢复上次未保存的内容：输入即替换选中文字",
            );
        }
        return vec![];
    }
    let Ok(d) = serde_json::from_value::<NoteDraft>(value) else {
        return vec![];
    };
    if let Some(Overlay::Prompt(p)) = &mut app.overlay
        && note_key(&p.kind).as_ref() == Some(key)
        && p.input.text().is_empty()
    {
        // A note is a sentence left half-written: the cursor at its end, to go on typing.
        p.input.set(&d.text);
        say(app, MessageKind::Info, "已恢复上次未提交的内容");
    }
    vec![]
}
