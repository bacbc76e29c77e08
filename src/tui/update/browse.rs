//! The inspection and facility browsers (issue 11, point 3): filters taken from the selected
//! row, a choice of order, Enter opens the inspection (its checklist, read-only once finished)
//! or the facility's inspections.

use super::{Effect, back, moved, say};
use crate::ops::{FacilityRow, InspectionSummary};
use crate::tui::action::{Action, Command};
use crate::tui::app::{App, MessageKind, RegisterState, Screen};
use crate::tui::browse::{FacilityListState, InspectionsState, month_of};

pub fn open_inspections(app: &mut App) -> Vec<Effect> {
    app.stack
        .push(Screen::Inspections(InspectionsState::default()));
    vec![Effect::LoadInspectionList]
}

pub fn open_facilities(app: &mut App) -> Vec<Effect> {
    app.stack
        .push(Screen::FacilityList(FacilityListState::default()));
    vec![Effect::LoadFacilityList]
}

pub fn inspections_loaded(app: &mut App, rows: Vec<InspectionSummary>) {
    if let Some(st) = app.stack.iter_mut().rev().find_map(|s| match s {
        Screen::Inspections(st) => Some(st),
        _ => None,
    }) {
        st.rows = Some(rows);
        st.refresh();
    }
}

pub fn facilities_loaded(app: &mut App, rows: Vec<FacilityRow>) {
    if let Some(st) = app.stack.iter_mut().rev().find_map(|s| match s {
        Screen::FacilityList(st) => Some(st),
        _ => None,
    }) {
        st.rows = Some(rows);
        st.refresh();
    }
}

/// Sets `slot` to `value`, or clears it when it already holds a filter (a second press shows
/// all again).
fn toggle<T>(slot: &mut Option<T>, value: Option<T>) {
    *slot = if slot.is_some() { None } else { value };
}

pub fn inspections_input(app: &mut App, a: Action) -> Vec<Effect> {
    let Action::Cmd(cmd) = a else {
        return vec![];
    };
    if cmd == Command::Back {
        return back(app);
    }
    let Screen::Inspections(st) = app.screen_mut() else {
        return vec![];
    };
    let row = st.selected_row().cloned();
    match cmd {
        Command::Open => {
            return match row {
                Some(r) => vec![Effect::OpenChecklist(r.id)],
                None => {
                    say(app, MessageKind::Info, "没有符合筛选的检查：按 0 清除筛选");
                    vec![]
                }
            };
        }
        Command::FilterFacility => {
            // The spelling on the selected row, as typed (the browser's facility rows open
            // with every merged spelling).
            st.filter.facility_spellings.clear();
            toggle(&mut st.filter.facility, row.map(|r| r.facility))
        }
        Command::FilterMonth => toggle(&mut st.filter.month, row.map(|r| month_of(r.started))),
        Command::FilterMode => toggle(&mut st.filter.mode, row.map(|r| r.mode)),
        Command::FilterInspector => toggle(
            &mut st.filter.inspector,
            row.and_then(|r| r.inspectors.first().cloned()),
        ),
        Command::FilterStatus => {
            st.filter.finished = match st.filter.finished {
                None => Some(false),
                Some(false) => Some(true),
                Some(true) => None,
            }
        }
        Command::SortNext => st.sort = st.sort.next(),
        Command::ClearFilters => st.filter = Default::default(),
        c => {
            if let Some(i) = moved(st.selected, st.visible.len(), c) {
                st.selected = i;
            }
            return vec![];
        }
    }
    st.refresh();
    vec![]
}

pub fn facilities_input(app: &mut App, a: Action) -> Vec<Effect> {
    let Action::Cmd(cmd) = a else {
        return vec![];
    };
    if cmd == Command::Back {
        return back(app);
    }
    let Screen::FacilityList(st) = app.screen_mut() else {
        return vec![];
    };
    let row = st.selected_row().cloned();
    match cmd {
        Command::Open | Command::Register => {
            let Some(r) = row else {
                say(
                    app,
                    MessageKind::Info,
                    "还没有受检单位：按 Esc 返回首页新建检查",
                );
                return vec![];
            };
            if cmd == Command::Open {
                app.stack
                    .push(Screen::Inspections(InspectionsState::of_facility(
                        &r.name,
                        &r.spellings,
                    )));
                vec![Effect::LoadInspectionList]
            } else {
                let mut reg = RegisterState::default();
                reg.filter.facility = Some(r.name);
                reg.filter.facility_spellings = r.spellings;
                let load = reg.load();
                app.stack.push(Screen::Register(reg));
                vec![load]
            }
        }
        Command::AddEntry => match row {
            Some(r) if r.registered.is_none() => vec![Effect::EditRegistry(
                crate::tui::registry_edit::RegistryEdit::AddFacility { name: r.name },
            )],
            Some(r) => {
                say(
                    app,
                    MessageKind::Info,
                    format!("「{}」已在单位台账中（首页 f 修改）", r.name),
                );
                vec![]
            }
            None => vec![],
        },
        Command::Merge => {
            let rows = st.rows.clone().unwrap_or_default();
            super::merge::open(app, row, &rows)
        }
        Command::SortNext => {
            st.sort = st.sort.next();
            st.refresh();
            vec![]
        }
        c => {
            if let Some(i) = moved(st.selected, st.visible.len(), c) {
                st.selected = i;
            }
            vec![]
        }
    }
}
