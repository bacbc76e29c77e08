//! The finding form: pre-filled from the item's hazard library entry, validated on every
//! keystroke, saved only when valid.

use super::{Effect, edit, say};
use crate::domain::{Severity, parse_date_input};
use crate::ops::{self, FindingDraft, NewFinding};
use crate::tui::action::{Action, Command};
use crate::tui::app::{
    App, ChecklistState, FormField, FormState, HazardOn, MessageKind, Overlay, Screen,
};
use crate::tui::choice::{Choice, ChoiceKind, LeaveStep};
use crate::tui::department_pick::DepartmentPicker;
use crate::tui::widgets::text_input::TextInput;
use chrono::{Duration, NaiveDate};

fn default_due(sev: Severity, today: NaiveDate) -> String {
    (today + Duration::days(sev.default_days())).to_string()
}

/// The form for the item under the checklist cursor; `fail`: saving also answers it 不合格.
pub fn prefilled(st: &ChecklistState, today: NaiveDate, fail: bool) -> Option<FormState> {
    let item = st.current()?.clone();
    let insp = &st.data.inspection;
    let departments = DepartmentPicker::of(&insp.departments);
    Some(FormState {
        inspection: Some(insp.id),
        facility: insp.facility.clone(),
        description: TextInput::new(&item.hazard),
        severity: item.severity,
        location: TextInput::default(),
        department: TextInput::new(departments.prefill()),
        departments,
        measures: TextInput::new(&item.measures),
        due: TextInput::new(&default_due(item.severity, today)),
        responsible: TextInput::default(),
        category: TextInput::default(),
        interim: TextInput::default(),
        funds: TextInput::default(),
        fixed_on_spot: false,
        focus: FormField::Location,
        due_touched: false,
        errors: Default::default(),
        save_error: None,
        line: Some(item.line.clone()),
        item: Some(item),
        fail,
        touched: false,
        photos: Vec::new(),
        warned: Vec::new(),
        places: Default::default(),
        on: None,
    })
}

/// The empty form of a hazard outside the checklist, on `line`.
pub fn ad_hoc(st: &ChecklistState, line: &str, today: NaiveDate) -> FormState {
    let insp = &st.data.inspection;
    let departments = DepartmentPicker::of(&insp.departments);
    FormState {
        department: TextInput::new(departments.prefill()),
        departments,
        ..blank(Some(insp.id), &insp.facility, Some(line.to_string()), today)
    }
}

/// An empty hazard form of `facility` (in `inspection` when there is one, on `line`), due by
/// the default time of a 一般隐患, the cursor on 问题隐患.
pub fn blank(
    inspection: Option<uuid::Uuid>,
    facility: &str,
    line: Option<String>,
    today: NaiveDate,
) -> FormState {
    FormState {
        inspection,
        facility: facility.to_string(),
        item: None,
        line,
        description: TextInput::default(),
        severity: Severity::General,
        location: TextInput::default(),
        department: TextInput::default(),
        measures: TextInput::default(),
        due: TextInput::new(&default_due(Severity::General, today)),
        responsible: TextInput::default(),
        category: TextInput::default(),
        interim: TextInput::default(),
        funds: TextInput::default(),
        fixed_on_spot: false,
        focus: FormField::Description,
        due_touched: false,
        errors: Default::default(),
        save_error: None,
        fail: false,
        touched: false,
        photos: Vec::new(),
        warned: Vec::new(),
        places: Default::default(),
        departments: Default::default(),
        on: None,
    }
}

/// `f` as it opens over `st`: with this form's draft (same inspection and item, or line)
/// when one was kept, which is then taken out of the checklist's list.
pub fn with_draft(st: &mut ChecklistState, f: FormState, today: NaiveDate) -> FormState {
    let key = draft_of(&f).key();
    let Some(pos) = st.drafts.iter().position(|d| d.key() == key) else {
        return f;
    };
    let d = st.drafts.remove(pos);
    match restored(st, &d, today) {
        Some(mut r) => {
            r.fail = f.fail;
            r
        }
        None => f,
    }
}

/// The form as a draft to keep on disk.
pub fn draft_of(f: &FormState) -> FindingDraft {
    FindingDraft {
        inspection: f.inspection.unwrap_or_default(),
        item_id: f.item.as_ref().map(|i| i.id.clone()),
        line: f.line.clone(),
        fail: f.fail,
        description: f.description.text().to_string(),
        severity: f.severity,
        location: f.location.text().to_string(),
        department: f.department.text().to_string(),
        measures: f.measures.text().to_string(),
        due: f.due.text().to_string(),
        responsible: f.responsible.text().to_string(),
        category: f.category.text().to_string(),
        interim: f.interim.text().to_string(),
        funds: f.funds.text().to_string(),
        fixed_on_spot: f.fixed_on_spot,
    }
}

/// The form a draft left by an earlier run comes back as, over the checklist it belongs to;
/// None when its item is not in that checklist.
pub fn restored(st: &ChecklistState, d: &FindingDraft, today: NaiveDate) -> Option<FormState> {
    let item = match &d.item_id {
        Some(id) => Some(st.data.items.iter().find(|i| &i.id == id)?.clone()),
        None => None,
    };
    let insp = &st.data.inspection;
    let mut f = FormState {
        inspection: Some(insp.id),
        facility: insp.facility.clone(),
        line: d
            .line
            .clone()
            .or_else(|| item.as_ref().map(|i| i.line.clone())),
        item,
        description: TextInput::new(&d.description),
        severity: d.severity,
        location: TextInput::new(&d.location),
        department: TextInput::new(&d.department),
        departments: DepartmentPicker::of(&insp.departments),
        measures: TextInput::new(&d.measures),
        due: TextInput::new(&d.due),
        responsible: TextInput::new(&d.responsible),
        category: TextInput::new(&d.category),
        interim: TextInput::new(&d.interim),
        funds: TextInput::new(&d.funds),
        fixed_on_spot: d.fixed_on_spot,
        focus: FormField::Description,
        due_touched: true,
        errors: Default::default(),
        save_error: None,
        fail: d.fail,
        touched: true,
        photos: Vec::new(),
        warned: Vec::new(),
        places: Default::default(),
        on: None,
    };
    validate(&mut f, today);
    Some(f)
}

/// Checks every field; fills `errors` and returns the request when all are valid.
pub fn validate(f: &mut FormState, today: NaiveDate) -> Option<NewFinding> {
    f.errors.clear();
    if f.description.text().trim().is_empty() {
        f.errors
            .insert(FormField::Description, "不能为空：写明看到的问题".into());
    }
    let due_text = f.due.text().trim();
    // Fixed while the inspector watched: closed at once, no deadline to keep (D21: the
    // pre-filled date used to reach the ledger).
    let due = if f.fixed_on_spot {
        None
    } else if due_text.is_empty() {
        f.errors.insert(
            FormField::Due,
            "不能为空：写 YYYY-MM-DD、+7（天）或 +2w（周）".into(),
        );
        None
    } else {
        match parse_date_input(due_text, today) {
            Ok(d) if d < today => {
                f.errors
                    .insert(FormField::Due, format!("{d} 早于今天（{today}）"));
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                f.errors.insert(FormField::Due, e);
                None
            }
        }
    };
    if !f.errors.is_empty() {
        return None;
    }
    Some(NewFinding {
        inspection: f.inspection,
        item_id: f.item.as_ref().map(|i| i.id.clone()),
        line: f.line.clone(),
        facility: f.inspection.is_none().then(|| f.facility.clone()),
        department: Some(f.department.text().to_string()),
        description: f.description.text().to_string(),
        location: f.location.text().to_string(),
        severity: Some(f.severity),
        measures: f.measures.text().to_string(),
        due,
        responsible: f.responsible.text().to_string(),
        fixed_on_spot: f.fixed_on_spot,
        category: f.category.text().to_string(),
        interim: f.interim.text().to_string(),
        funds: f.funds.text().to_string(),
    })
}

/// Whether saving may go ahead as far as blank fields go: none is blank, or the person was
/// already told of every one at an earlier Ctrl-s (issue 11, D11: the second Ctrl-s saves on
/// purpose). Otherwise marks them, moves the cursor to the first and returns false.
fn blank_confirmed(f: &mut FormState) -> bool {
    let blank = f.blank_needed();
    if blank.iter().all(|b| f.warned.contains(b)) {
        return true;
    }
    f.focus = blank[0];
    f.warned = blank;
    false
}

fn step(f: FormField, by: isize) -> FormField {
    let all = FormField::ALL;
    let i = all.iter().position(|x| *x == f).unwrap_or(0) as isize;
    all[(i + by).rem_euclid(all.len() as isize) as usize]
}

pub fn input(app: &mut App, a: Action) -> Vec<Effect> {
    let today = app.now.today();
    let Screen::Form(f) = app.screen_mut() else {
        return vec![];
    };
    let before = draft_of(f);
    if super::place_pick::key(f, &a) || crate::tui::department_pick::key(f, &a) {
        return vec![];
    }
    let submit = match a {
        Action::Cmd(Command::Back) => return leave(app, false),
        Action::Cmd(Command::AttachPhoto) => return super::attach::open_from_form(app),
        Action::Cmd(Command::Submit) => true,
        Action::Cmd(Command::Open) if f.focus == FormField::FixedOnSpot => true,
        Action::Cmd(Command::NextField | Command::Open) => {
            f.focus = step(f.focus, 1);
            false
        }
        Action::Cmd(Command::PrevField) => {
            f.focus = step(f.focus, -1);
            false
        }
        a => {
            match f.focus {
                FormField::Severity => {
                    if matches!(
                        a,
                        Action::Char(' ') | Action::Cmd(Command::Left | Command::Right)
                    ) {
                        f.severity = match f.severity {
                            Severity::General => Severity::Major,
                            Severity::Major => Severity::General,
                        };
                        if !f.due_touched {
                            f.due.set(&default_due(f.severity, today));
                        }
                    }
                }
                FormField::FixedOnSpot => {
                    if matches!(
                        a,
                        Action::Char(' ') | Action::Cmd(Command::Left | Command::Right)
                    ) {
                        f.fixed_on_spot = !f.fixed_on_spot;
                    }
                }
                field => {
                    if let Some(input) = f.input_mut(field)
                        && edit(input, &a)
                        && field == FormField::Due
                    {
                        f.due_touched = true;
                    }
                }
            }
            validate(f, today);
            false
        }
    };
    if !submit {
        let now = draft_of(f);
        if now == before {
            return vec![];
        }
        f.touched = true;
        // A hazard of a 台账 entry or a patrol keeps no draft: it has no checklist to come
        // back to.
        if f.on.is_some() {
            return vec![];
        }
        return vec![Effect::SaveDraft(now)];
    }
    f.save_error = None;
    let fail = f.fail;
    match validate(f, today) {
        Some(_) if !blank_confirmed(f) => {
            // The form's own list: ops' fields, and 科室 of an inspection that names some.
            let blank: Vec<ops::Input> = f.warned.iter().map(|w| w.label().into()).collect();
            let text = format!(
                "{}。再按 Ctrl-s 照样保存，或填写标出的栏",
                ops::blank_form_fields_text(&blank, |i| i.label().to_string())
            );
            say(app, MessageKind::Info, text);
            vec![]
        }
        // The 部位 against the registry: linked, picked again, or asked about (issue 16).
        Some(new) => super::place_pick::save(app, new, fail),
        None => {
            let n = f.errors.len();
            f.focus = *f.errors.keys().next().unwrap_or(&f.focus);
            say(
                app,
                MessageKind::Error,
                format!("有 {n} 处需要修改，尚未保存"),
            );
            vec![]
        }
    }
}

/// Esc (or Ctrl-c, `quit`) in the form. A form opened with `f` always asks (the item is not
/// answered until the user says how); a form with typed text asks; an untouched one just goes.
pub fn leave(app: &mut App, quit: bool) -> Vec<Effect> {
    let Screen::Form(f) = app.screen() else {
        return vec![];
    };
    let steps = match (quit, f.fail, f.touched) {
        (true, _, false) => {
            let key = draft_of(f).key();
            app.quit = true;
            return vec![Effect::ClearDraft(key)];
        }
        (true, _, true) => vec![LeaveStep::Stay, LeaveStep::QuitKeep, LeaveStep::QuitDiscard],
        (false, true, _) => vec![
            LeaveStep::Stay,
            LeaveStep::FailWithoutHazard,
            LeaveStep::Discard,
            LeaveStep::Keep,
        ],
        (false, false, true) if f.on.is_some() => vec![LeaveStep::Stay, LeaveStep::Discard],
        (false, false, true) => vec![LeaveStep::Stay, LeaveStep::Discard, LeaveStep::Keep],
        (false, false, false) => return take_step(app, LeaveStep::Discard),
    };
    let on = f.on;
    let text = if f.fail {
        "本项尚未作答：隐患保存时才记为不合格。".to_string()
    } else {
        "表单里有未保存的内容。".to_string()
    };
    app.overlay = Some(Overlay::Choice(Choice {
        kind: ChoiceKind::LeaveForm(steps.clone()),
        title: if quit {
            " 退出巡查？ "
        } else {
            " 离开登记表？ "
        }
        .into(),
        text,
        options: steps
            .iter()
            .map(|s| match s {
                // A 台账 entry's or a patrol's hazard has no checklist item and keeps no draft.
                LeaveStep::Discard => match on {
                    Some(HazardOn::Register(_)) => "放弃，不登记隐患".to_string(),
                    Some(HazardOn::PatrolVisit { .. }) => "放弃，该部位仍未巡查".to_string(),
                    None => s.label().to_string(),
                },
                s => s.label().to_string(),
            })
            .collect(),
        selected: 0,
    }));
    vec![]
}

/// Carries out one way out of the form.
pub fn take_step(app: &mut App, step: LeaveStep) -> Vec<Effect> {
    app.overlay = None;
    let Screen::Form(f) = app.screen() else {
        return vec![];
    };
    let (fail, item, on) = (f.fail, f.item.as_ref().map(|i| i.id.clone()), f.on);
    let draft = draft_of(f);
    let key = draft.key();
    match step {
        LeaveStep::Stay => vec![],
        LeaveStep::Keep => {
            app.stack.pop();
            if let Some(Screen::Checklist(st)) = app.stack.last_mut() {
                st.drafts.retain(|d| d.key() != key);
                st.drafts.insert(0, draft.clone());
            }
            say(
                app,
                MessageKind::Info,
                "草稿已保留：再次打开该项的登记表时恢复",
            );
            // Written now, whatever the debounce still holds.
            vec![Effect::SaveDraft(draft)]
        }
        LeaveStep::QuitKeep => {
            app.quit = true;
            vec![]
        }
        LeaveStep::QuitDiscard => {
            app.quit = true;
            vec![Effect::ClearDraft(key)]
        }
        LeaveStep::Discard if matches!(on, Some(HazardOn::PatrolVisit { .. })) => {
            app.stack.pop();
            super::facility::abnormal_cancelled(app);
            vec![]
        }
        LeaveStep::Discard => {
            app.stack.pop();
            let text = if fail {
                "已放弃草稿：本项未作答"
            } else {
                "已放弃草稿：隐患未登记"
            };
            say(app, MessageKind::Info, text);
            vec![Effect::ClearDraft(key)]
        }
        LeaveStep::FailWithoutHazard => {
            app.stack.pop();
            let mut effects = vec![Effect::ClearDraft(key)];
            if let (Some(item), Some(Screen::Checklist(st))) = (item, app.stack.last_mut()) {
                effects.push(super::checklist::send_answer(
                    st,
                    &item,
                    crate::domain::Answer::Fail,
                ));
            }
            say(
                app,
                MessageKind::Info,
                "已记为不合格，未登记隐患（回到该项按 a 补登；结束检查时会提醒）",
            );
            effects
        }
    }
}
