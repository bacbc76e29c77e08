//! The 台账 screen's forms (issue 17): Tab / Enter move between fields, Space or ←→ cycle a
//! choice, Ctrl-s sends the form to the worker, which writes it through the CLI's ops
//! functions; a refusal lands under the field it names and nothing is saved. Esc leaves the
//! form; what was typed stays as its draft and comes back when the same form is opened again.

use super::{Effect, back, edit, say};
use crate::tui::action::{Action, Command};
use crate::tui::app::{App, MessageKind, Screen};
use crate::tui::entry_effects::EntrySave;
use crate::tui::entry_form::{EntryForm, EntryFormKind, FieldInput};

/// Opens `form` over the 台账 screen; a form with fields that pick from the registry asks
/// for it.
pub fn open(app: &mut App, form: EntryForm) -> Vec<Effect> {
    let picks = form.picks();
    app.stack.push(Screen::EntryForm(Box::new(form)));
    if picks {
        vec![Effect::LoadRegistryChoices]
    } else {
        vec![]
    }
}

/// The registry arrived: every open 台账 form that picks from it takes it.
pub fn registry_loaded(app: &mut App, registry: Vec<crate::ops::FacilityPlaces>) {
    for s in app.stack.iter_mut() {
        if let Screen::EntryForm(f) = s
            && f.picks()
        {
            f.registry = Some(registry.clone());
        }
    }
}

/// A key on a field whose registry candidates show: Ctrl-n / Ctrl-p move the highlight, Enter
/// takes it (then moves on like Enter does). True when the key was used up here.
fn pick_key(f: &mut EntryForm, a: &Action) -> bool {
    let found = f.candidates();
    if found.is_empty() {
        return false;
    }
    let n = found.len().min(crate::tui::suggest::SHOWN);
    match a {
        Action::Cmd(Command::Down) => f.pick = (f.pick.min(n - 1) + 1) % n,
        Action::Cmd(Command::Up) => f.pick = (f.pick.min(n - 1) + n - 1) % n,
        Action::Cmd(Command::Open) => {
            let value = found[f.pick.min(n - 1)].value.clone();
            if let FieldInput::Text(t) = &mut f.fields[f.focus].input {
                t.set(&value);
            }
            f.errors.remove(&f.focus);
            f.pick = 0;
            return false; // Enter then moves on to the next field
        }
        _ => {
            f.pick = 0;
            return false;
        }
    }
    true
}

pub fn input(app: &mut App, a: Action) -> Vec<Effect> {
    if matches!(a, Action::Cmd(Command::Back)) {
        let touched = matches!(app.screen(), Screen::EntryForm(f) if f.touched());
        let effects = back(app);
        if touched {
            say(
                app,
                MessageKind::Info,
                "未保存；已填的内容留作草稿，再打开同一表单时恢复",
            );
        }
        return effects;
    }
    let Screen::EntryForm(f) = app.screen_mut() else {
        return vec![];
    };
    if pick_key(f, &a) {
        return vec![];
    }
    let n = f.fields.len();
    match a {
        Action::Cmd(Command::NextField) => {
            f.focus = (f.focus + 1) % n;
            f.pick = 0;
        }
        Action::Cmd(Command::PrevField) => {
            f.focus = (f.focus + n - 1) % n;
            f.pick = 0;
        }
        Action::Cmd(Command::Open) if f.focus + 1 < n => {
            f.focus += 1;
            f.pick = 0;
        }
        Action::Cmd(Command::Open | Command::Submit) => return submit(f),
        a => {
            let field = &mut f.fields[f.focus];
            let changed = match &mut field.input {
                FieldInput::Text(t) => edit(t, &a),
                FieldInput::Choice { options, selected } => {
                    let len = options.len().max(1);
                    match a {
                        Action::Char(' ') | Action::Cmd(Command::Right) => {
                            *selected = (*selected + 1) % len;
                            true
                        }
                        Action::Cmd(Command::Left) => {
                            *selected = (*selected + len - 1) % len;
                            true
                        }
                        _ => false,
                    }
                }
            };
            if changed {
                f.errors.remove(&f.focus);
                f.save_error = None;
            }
        }
    }
    vec![]
}

fn submit(f: &mut EntryForm) -> Vec<Effect> {
    if f.saving {
        return vec![];
    }
    f.saving = true;
    f.errors.clear();
    f.save_error = None;
    vec![Effect::SaveEntry(EntrySave {
        kind: f.kind,
        values: f.fields.iter().map(|x| (x.label, x.value())).collect(),
        changed: f.changed(),
    })]
}

/// The form was written: it closes, the message says what was saved, and the 台账 reloads
/// with the entry selected.
pub fn saved(app: &mut App, kind: EntryFormKind, what: String, id: uuid::Uuid) -> Vec<Effect> {
    if matches!(app.screen(), Screen::EntryForm(f) if f.kind == kind) {
        app.stack.pop();
    }
    for s in app.stack.iter_mut() {
        if let Screen::Registers(st) = s {
            st.focus = Some(id);
        }
    }
    say(app, MessageKind::Ok, what);
    vec![Effect::LoadRegisters]
}

/// The form was refused: the message goes under the field it names (or under the form when
/// it names none of its fields), the focus moves there, and nothing was saved.
pub fn refused(app: &mut App, field: String, message: String) -> Vec<Effect> {
    let Screen::EntryForm(f) = app.screen_mut() else {
        say(app, MessageKind::Error, format!("{field}：{message}"));
        return vec![];
    };
    f.saving = false;
    match f.field_named(&field) {
        Some(i) => {
            f.errors.insert(i, message.clone());
            f.focus = i;
        }
        None => f.save_error = Some(format!("{field}：{message}")),
    }
    say(
        app,
        MessageKind::Error,
        format!("未保存：{field}：{message}"),
    );
    vec![]
}

/// Another failure (the disk, the store): the form stays open with what was typed.
pub fn failed(app: &mut App, message: &str) {
    if let Screen::EntryForm(f) = app.screen_mut() {
        f.saving = false;
        f.save_error = Some(message.to_string());
    }
}
