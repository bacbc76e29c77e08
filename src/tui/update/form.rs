//! The finding form: pre-filled from the item's hazard library entry, validated on every
//! keystroke, saved only when valid.

use super::{Effect, edit, say};
use crate::domain::{Severity, parse_date_input};
use crate::ops::NewFinding;
use crate::tui::action::{Action, Command};
use crate::tui::app::{App, ChecklistState, FormField, FormState, MessageKind, Screen};
use crate::tui::widgets::text_input::TextInput;
use chrono::{Duration, NaiveDate};

fn default_due(sev: Severity, today: NaiveDate) -> String {
    (today + Duration::days(sev.default_days())).to_string()
}

/// The form for the item under the checklist cursor.
pub fn prefilled(st: &ChecklistState, today: NaiveDate) -> Option<FormState> {
    let item = st.current()?.clone();
    let insp = &st.data.inspection;
    Some(FormState {
        inspection: insp.id,
        facility: insp.facility.clone(),
        description: TextInput::new(&item.hazard),
        severity: item.severity,
        location: TextInput::default(),
        department: TextInput::new(insp.departments.first().map(String::as_str).unwrap_or("")),
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
    })
}

/// Checks every field; fills `errors` and returns the request when all are valid.
pub fn validate(f: &mut FormState, today: NaiveDate) -> Option<NewFinding> {
    f.errors.clear();
    if f.description.text().trim().is_empty() {
        f.errors
            .insert(FormField::Description, "不能为空：写明看到的问题".into());
    }
    let due_text = f.due.text().trim();
    let due = if due_text.is_empty() && f.fixed_on_spot {
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
        inspection: Some(f.inspection),
        item_id: f.item.as_ref().map(|i| i.id.clone()),
        line: f.line.clone(),
        facility: None,
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
    let submit = match a {
        Action::Cmd(Command::Back) => {
            app.stack.pop();
            say(
                app,
                MessageKind::Info,
                "已取消：隐患未登记，该项仍记为不合格（按 a 补登隐患）",
            );
            return vec![];
        }
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
        return vec![];
    }
    f.save_error = None;
    match validate(f, today) {
        Some(new) => vec![Effect::RecordFinding(new)],
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
