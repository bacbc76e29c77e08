//! First run and home.

use super::{Effect, back, edit, moved, say};
use crate::domain::Mode;
use crate::tui::action::{Action, Command};
use crate::tui::app::{App, MessageKind, NewField, NewInspectionState, RegisterState, Screen};
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
    match cmd {
        Command::Back => back(app),
        Command::NewInspection => {
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
            vec![Effect::LoadFacilities]
        }
        Command::Sync => super::sync::open(app),
        Command::AdHocFinding => {
            let Screen::Home(h) = app.screen_mut() else {
                return vec![];
            };
            let target = h
                .entries()
                .get(h.selected)
                .filter(|e| !e.finished && e.mine)
                .map(|e| e.id);
            match target {
                Some(id) => {
                    h.ad_hoc = true;
                    vec![Effect::OpenChecklist(id)]
                }
                None => {
                    say(
                        app,
                        MessageKind::Info,
                        "先选中一个自己未完成的检查再按 A（或按 n 新建检查）",
                    );
                    vec![]
                }
            }
        }
        Command::Registers => super::registers::open(app),
        Command::BrowseInspections => super::browse::open_inspections(app),
        Command::BrowseFacilities => super::browse::open_facilities(app),
        Command::Facilities => super::facility::open(app),
        Command::Devices => super::devices::open(app),
        Command::Register => {
            app.stack.push(Screen::Register(RegisterState::default()));
            vec![Effect::LoadRegister]
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
