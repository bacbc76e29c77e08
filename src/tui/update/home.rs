//! First run and home.

use super::{Effect, back, edit, moved, say};
use crate::domain::Mode;
use crate::tui::action::{Action, Command};
use crate::tui::app::{
    App, MessageKind, NewField, NewInspectionState, Overlay, RegisterState, Screen,
};
use crate::tui::choice::{Choice, ChoiceKind};
use crate::tui::widgets::text_input::TextInput;

pub fn first_run(app: &mut App, a: Action) -> Vec<Effect> {
    let Screen::FirstRun(st) = app.screen_mut() else {
        return vec![];
    };
    match a {
        Action::Cmd(Command::Submit) => {
            let name = match crate::ops::inspector_name(st.name.text()) {
                Ok(n) if n.is_empty() => {
                    st.error = Some("姓名不能为空：检查记录要署名".into());
                    return vec![];
                }
                Ok(n) => n,
                Err(e) => {
                    st.error = Some(e.to_string());
                    return vec![];
                }
            };
            let mut org = st.org();
            for (id, _) in crate::domain::Org::FIELDS {
                match crate::ops::org_field(id, org.get(id).unwrap_or_default()) {
                    Ok(v) => {
                        org.set(id, v);
                    }
                    Err(e) => {
                        st.error = Some(e.to_string());
                        return vec![];
                    }
                }
            }
            st.error = None;
            vec![Effect::SaveInspector(name, org)]
        }
        Action::Cmd(Command::NextField) => {
            st.focus = (st.focus + 1) % 6;
            vec![]
        }
        Action::Cmd(Command::PrevField) => {
            st.focus = (st.focus + 5) % 6;
            vec![]
        }
        Action::Cmd(Command::Back) => {
            app.quit = true;
            vec![]
        }
        a => {
            if edit(st.focused_mut(), &a) {
                st.error = None;
            }
            vec![]
        }
    }
}

pub fn input(app: &mut App, a: Action) -> Vec<Effect> {
    let Action::Cmd(cmd) = a else {
        return vec![];
    };
    // `A` arms the next checklist to ask for a hazard outside it; any other key starts afresh.
    if let Screen::Home(h) = app.screen_mut() {
        h.ad_hoc = false;
    }
    match cmd {
        Command::Back => back(app),
        Command::NewInspection => new_inspection(app),
        Command::Sync => super::sync::open(app),
        Command::AdHocFinding => ad_hoc(app),
        Command::Registers => super::registers::open(app),
        Command::BrowseInspections => super::browse::open_inspections(app),
        Command::BrowseFacilities => super::browse::open_facilities(app),
        Command::Facilities => super::facility::open(app),
        Command::Devices => super::devices::open(app),
        Command::Register => {
            let st = RegisterState::default();
            let load = st.load();
            app.stack.push(Screen::Register(st));
            vec![load]
        }
        Command::Open => {
            let Screen::Home(h) = app.screen() else {
                return vec![];
            };
            match h.entries().get(h.selected) {
                Some(e) => vec![Effect::OpenChecklist(e.id)],
                None => {
                    say(app, MessageKind::Info, "还没有检查记录：按 n 新建检查");
                    vec![]
                }
            }
        }
        c => {
            if let Screen::Home(h) = app.screen_mut() {
                let n = h.entries().len();
                if let Some(s) = moved(h.selected, n, c) {
                    h.selected = s;
                }
            }
            vec![]
        }
    }
}

/// Opens the new-inspection form (its draft, if one was kept, comes back).
fn new_inspection(app: &mut App) -> Vec<Effect> {
    let st = NewInspectionState {
        facility: TextInput::default(),
        departments: TextInput::default(),
        mode: Mode::SelfCheck,
        leader: None,
        inspectors: TextInput::new(&app.inspector),
        chosen: vec![false; app.lines.len()],
        line_cursor: 0,
        focus: NewField::Facility,
        facilities: vec![],
        errors: Default::default(),
        saving: false,
    };
    app.stack.push(Screen::NewInspection(st));
    vec![
        Effect::LoadFacilities,
        Effect::LoadFormDraft(crate::ops::DraftKey::new_inspection()),
    ]
}

/// `A`: a hazard outside the checklist. On one of my unfinished inspections it goes straight to
/// it; otherwise it offers my unfinished inspections and 「新建检查」, which starts one (facility,
/// lines) and then asks the hazard's line, in the same flow.
fn ad_hoc(app: &mut App) -> Vec<Effect> {
    let Screen::Home(h) = app.screen_mut() else {
        return vec![];
    };
    let selected = h
        .entries()
        .get(h.selected)
        .filter(|e| !e.finished && e.mine)
        .map(|e| e.id);
    if let Some(id) = selected {
        h.ad_hoc = true;
        return vec![Effect::OpenChecklist(id)];
    }
    let mine: Vec<(uuid::Uuid, String)> = h
        .data
        .iter()
        .flat_map(|d| d.unfinished.iter())
        .filter(|e| e.mine && !e.finished)
        .map(|e| {
            (
                e.id,
                format!(
                    "{} · {} · {} 开始 · {}/{}",
                    e.facility,
                    e.line_names.join("、"),
                    e.started.format("%m-%d"),
                    e.answered,
                    e.total
                ),
            )
        })
        .collect();
    let mut options: Vec<String> = mine.iter().map(|(_, t)| t.clone()).collect();
    options.push("新建检查（填写单位和防线后登记）".into());
    let text = if mine.is_empty() {
        "没有自己未完成的检查：先新建一次检查".to_string()
    } else {
        "记在哪次检查下？".to_string()
    };
    app.overlay = Some(Overlay::Choice(Choice {
        kind: ChoiceKind::AdHocInspection {
            inspections: mine.into_iter().map(|(id, _)| id).collect(),
        },
        title: " 登记检查表外的隐患 ".into(),
        text,
        options,
        selected: 0,
    }));
    vec![]
}

/// The choice of `A` on home: an inspection of mine (its checklist opens and asks the line),
/// or a new inspection (the form, then the same).
pub fn ad_hoc_chosen(app: &mut App, inspections: &[uuid::Uuid], selected: usize) -> Vec<Effect> {
    let id = inspections.get(selected).copied();
    let effects = match id {
        Some(id) => vec![Effect::OpenChecklist(id)],
        None => new_inspection(app),
    };
    if let Some(h) = app.stack.iter_mut().find_map(|s| match s {
        Screen::Home(h) => Some(h),
        _ => None,
    }) {
        h.ad_hoc = true;
    }
    if id.is_none() {
        say(
            app,
            MessageKind::Info,
            "先新建检查：Ctrl-s 开始后即登记表外隐患",
        );
    }
    effects
}
