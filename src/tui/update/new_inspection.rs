//! The new-inspection form: facility (with completion), departments, mode, inspectors, lines.

use super::{Effect, back, edit};
use crate::domain::{LeaderRole, Mode};
use crate::ops::NewInspection;
use crate::tui::action::{Action, Command};
use crate::tui::app::{App, NewField, NewInspectionState, Screen, split_list};
use crate::tui::widgets::text_input::TextInput;

fn text_of(st: &mut NewInspectionState, f: NewField) -> Option<&mut TextInput> {
    match f {
        NewField::Facility => Some(&mut st.facility),
        NewField::Departments => Some(&mut st.departments),
        NewField::Inspectors => Some(&mut st.inspectors),
        _ => None,
    }
}

fn step(f: NewField, by: isize) -> NewField {
    let all = NewField::ALL;
    let i = all.iter().position(|x| *x == f).unwrap_or(0) as isize;
    all[(i + by).rem_euclid(all.len() as isize) as usize]
}

fn cycle_mode(m: Mode, by: isize) -> Mode {
    let all = Mode::ALL;
    let i = all.iter().position(|x| *x == m).unwrap_or(0) as isize;
    all[(i + by).rem_euclid(all.len() as isize) as usize]
}

/// The next 带队领导 choice: not said, then each role in turn.
fn cycle_leader(l: Option<LeaderRole>, by: isize) -> Option<LeaderRole> {
    let all: Vec<Option<LeaderRole>> = std::iter::once(None)
        .chain(LeaderRole::ALL.iter().copied().map(Some))
        .collect();
    let i = all.iter().position(|x| *x == l).unwrap_or(0) as isize;
    all[(i + by).rem_euclid(all.len() as isize) as usize]
}

/// Checks the form; on success the request for `ops::start_led_inspection`.
pub fn validate(st: &mut NewInspectionState, line_ids: &[String]) -> Option<NewInspection> {
    st.errors.clear();
    if st.facility.text().trim().is_empty() {
        st.errors
            .insert(NewField::Facility, "不能为空：请填写受检单位".into());
    }
    let inspectors = split_list(st.inspectors.text());
    if inspectors.is_empty() {
        st.errors
            .insert(NewField::Inspectors, "至少填写一名检查人员".into());
    }
    let lines: Vec<String> = line_ids
        .iter()
        .zip(&st.chosen)
        .filter(|(_, c)| **c)
        .map(|(l, _)| l.clone())
        .collect();
    if lines.is_empty() {
        st.errors.insert(
            NewField::Lines,
            "至少选择一道防线（←→ 移动，空格选中）".into(),
        );
    }
    if !st.errors.is_empty() {
        return None;
    }
    Some(NewInspection {
        facility: st.facility.text().trim().to_string(),
        departments: split_list(st.departments.text()),
        mode: Some(st.mode),
        inspectors,
        lines,
    })
}

pub fn input(app: &mut App, a: Action) -> Vec<Effect> {
    let line_ids: Vec<String> = app.lines.iter().map(|l| l.id.clone()).collect();
    let Screen::NewInspection(st) = app.screen_mut() else {
        return vec![];
    };
    if st.saving {
        return vec![];
    }
    let submit = |st: &mut NewInspectionState| match validate(st, &line_ids) {
        Some(new) => {
            st.saving = true;
            vec![Effect::StartInspectionAt(
                new,
                st.leader,
                crate::ops::FacilityIntent::Ask,
            )]
        }
        None => {
            st.focus = *st.errors.keys().next().unwrap_or(&st.focus);
            vec![]
        }
    };
    match a {
        Action::Cmd(Command::Back) => return back(app),
        Action::Cmd(Command::Submit) => return submit(st),
        Action::Cmd(Command::Open) if matches!(st.focus, NewField::Lines | NewField::Leader) => {
            return submit(st);
        }
        Action::Cmd(Command::NextField | Command::Open) => {
            if st.focus == NewField::Facility && !st.facility.text().trim().is_empty() {
                let first = st.suggestions().first().map(|s| s.to_string());
                if let Some(s) = first {
                    st.facility.set(&s);
                }
            }
            st.focus = step(st.focus, 1);
        }
        Action::Cmd(Command::PrevField) => st.focus = step(st.focus, -1),
        a => match st.focus {
            NewField::Mode => match a {
                Action::Cmd(Command::Left) => st.mode = cycle_mode(st.mode, -1),
                Action::Cmd(Command::Right) | Action::Char(' ') => st.mode = cycle_mode(st.mode, 1),
                _ => {}
            },
            NewField::Leader => match a {
                Action::Cmd(Command::Left) => st.leader = cycle_leader(st.leader, -1),
                Action::Cmd(Command::Right) | Action::Char(' ') => {
                    st.leader = cycle_leader(st.leader, 1)
                }
                _ => {}
            },
            NewField::Lines => {
                let n = st.chosen.len();
                match a {
                    Action::Cmd(Command::Left) => st.line_cursor = st.line_cursor.saturating_sub(1),
                    Action::Cmd(Command::Right) => {
                        st.line_cursor = (st.line_cursor + 1).min(n.saturating_sub(1))
                    }
                    Action::Char(' ') if n > 0 => {
                        st.chosen[st.line_cursor] = !st.chosen[st.line_cursor]
                    }
                    Action::Char(c) => {
                        if let Some(i) = crate::tui::line_keys::index_of(c)
                            && i < n
                        {
                            st.chosen[i] = !st.chosen[i];
                            st.line_cursor = i;
                        }
                    }
                    _ => {}
                }
                if st.chosen.iter().any(|c| *c) {
                    st.errors.remove(&NewField::Lines);
                }
            }
            f => {
                if let Some(input) = text_of(st, f)
                    && edit(input, &a)
                {
                    st.errors.remove(&f);
                }
            }
        },
    }
    vec![]
}
