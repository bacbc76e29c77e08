//! The 台账 screen (issue 17): move in the list, Tab switches 危险化学品 / 特种设备; the
//! write keys open the screen's forms (add, edit, 入库, 领用, 检验, 维保, 安全附件, 持证人员,
//! 关联隐患), each written through the ops function the CLI uses.

use super::{back, moved, say};
use crate::domain::{CheckKind, Direction, RegisterRef};
use crate::tui::action::{Action, Command};
use crate::tui::app::{App, MessageKind, Screen};
use crate::tui::effects::Effect;
use crate::tui::entry_form::{EntryForm, chemical_line, equipment_line};
use crate::tui::screens::registers_state::{RegisterTab, RegistersState};

/// Opens the 台账 screen from home and asks the worker for its data.
pub fn open(app: &mut App) -> Vec<Effect> {
    app.stack.push(Screen::Registers(RegistersState::default()));
    vec![Effect::LoadRegisters]
}

/// Opens the 台账 screen on one entry (a search hit): its tab, selected once loaded.
pub fn open_on(app: &mut App, id: uuid::Uuid, tab: RegisterTab) -> Vec<Effect> {
    app.stack.push(Screen::Registers(RegistersState {
        tab,
        focus: Some(id),
        ..RegistersState::default()
    }));
    vec![Effect::LoadRegisters]
}

pub fn input(app: &mut App, a: Action) -> Vec<Effect> {
    let Action::Cmd(cmd) = a else {
        return vec![];
    };
    if cmd == Command::Back {
        return back(app);
    }
    if let Some(effects) = form_key(app, cmd) {
        return effects;
    }
    let Screen::Registers(s) = app.screen_mut() else {
        return vec![];
    };
    match cmd {
        Command::NextField | Command::PrevField => {
            s.tab = match s.tab {
                RegisterTab::Chemicals => RegisterTab::Equipment,
                RegisterTab::Equipment => RegisterTab::Chemicals,
            };
            s.selected = 0;
        }
        c => {
            if let Some(n) = moved(s.selected, s.len(), c) {
                s.selected = n;
            }
        }
    }
    vec![]
}

/// The form a write key opens on the selected entry (or a new one); None for other keys.
/// A key that does not fit the tab shown (入库 on equipment) says which tab it is for.
fn form_key(app: &mut App, cmd: Command) -> Option<Vec<Effect>> {
    let today = app.now.today().to_string();
    let me = app.inspector.clone();
    let Screen::Registers(s) = app.screen() else {
        return None;
    };
    let data = s.data.as_ref()?;
    let chem = data
        .chemicals
        .get(s.selected)
        .filter(|_| s.tab == RegisterTab::Chemicals);
    let equip = data
        .equipment
        .get(s.selected)
        .filter(|_| s.tab == RegisterTab::Equipment);
    let form = match (cmd, s.tab) {
        (Command::AddEntry, RegisterTab::Chemicals) => Some(EntryForm::add_chemical(
            chem.map_or("", |c| c.facility.as_str()),
            chem.map_or("", |c| c.place.as_str()),
        )),
        (Command::AddEntry, RegisterTab::Equipment) => Some(EntryForm::add_equipment(
            equip.map_or("", |q| q.facility.as_str()),
        )),
        (Command::EditField, RegisterTab::Chemicals) => chem.map(EntryForm::edit_chemical),
        (Command::EditField, RegisterTab::Equipment) => equip.map(EntryForm::edit_equipment),
        (Command::StockIn | Command::StockOut, RegisterTab::Chemicals) => {
            let dir = if cmd == Command::StockIn {
                Direction::Receipt
            } else {
                Direction::Issue
            };
            chem.map(|c| EntryForm::movement(c, dir, &me, &today))
        }
        (
            Command::RecordInspection | Command::RecordMaintenance | Command::RecordAccessory,
            RegisterTab::Equipment,
        ) => {
            let kind = match cmd {
                Command::RecordInspection => CheckKind::Inspection,
                Command::RecordMaintenance => CheckKind::Maintenance,
                _ => CheckKind::Accessory,
            };
            equip.map(|q| EntryForm::check(q, kind, &today))
        }
        (Command::RecordOperator, RegisterTab::Equipment) => equip.map(EntryForm::operator),
        (Command::LinkHazard, RegisterTab::Chemicals) => {
            chem.map(|c| EntryForm::link_hazard(RegisterRef::Chemical(c.id), chemical_line(c)))
        }
        (Command::LinkHazard, RegisterTab::Equipment) => {
            equip.map(|q| EntryForm::link_hazard(RegisterRef::Equipment(q.id), equipment_line(q)))
        }
        (Command::NewHazard, RegisterTab::Chemicals) => {
            let Some(c) = chem else {
                say(app, MessageKind::Info, "列表为空：先按 a 登记");
                return Some(vec![]);
            };
            return Some(vec![Effect::PrefillHazard(RegisterRef::Chemical(c.id))]);
        }
        (Command::NewHazard, RegisterTab::Equipment) => {
            let Some(q) = equip else {
                say(app, MessageKind::Info, "列表为空：先按 a 登记");
                return Some(vec![]);
            };
            return Some(vec![Effect::PrefillHazard(RegisterRef::Equipment(q.id))]);
        }
        (Command::StockIn | Command::StockOut, RegisterTab::Equipment) => {
            say(
                app,
                MessageKind::Info,
                "入库、领用用于危险化学品：按 Tab 切换",
            );
            return Some(vec![]);
        }
        (
            Command::RecordInspection
            | Command::RecordMaintenance
            | Command::RecordAccessory
            | Command::RecordOperator,
            RegisterTab::Chemicals,
        ) => {
            say(
                app,
                MessageKind::Info,
                "检验、维保、安全附件和持证人员用于特种设备：按 Tab 切换",
            );
            return Some(vec![]);
        }
        _ => return None,
    };
    Some(match form {
        Some(f) => super::entry_form::open(app, f),
        None => {
            say(app, MessageKind::Info, "列表为空：先按 a 登记");
            vec![]
        }
    })
}
