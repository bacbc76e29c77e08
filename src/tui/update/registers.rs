//! The 台账 screen (issue 17): move in the list, Tab switches 危险化学品 / 特种设备.

use super::{back, moved};
use crate::tui::action::{Action, Command};
use crate::tui::app::{App, Screen};
use crate::tui::effects::Effect;
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
