//! The devices screen (设备, issue 9): the organisation's roster; `a` approves the selected
//! device, `r` revokes it after asking the reason. Only the office can; others are told so.

use super::{Effect, back, moved, say};
use crate::ops::Roster;
use crate::tui::action::{Action, Command};
use crate::tui::app::{App, DevicesState, MessageKind, Overlay, Prompt, PromptKind, Screen};
use crate::tui::widgets::text_input::TextInput;

/// Home → the devices screen.
pub fn open(app: &mut App) -> Vec<Effect> {
    app.stack.push(Screen::Devices(DevicesState::default()));
    vec![Effect::LoadRoster]
}

pub fn loaded(app: &mut App, roster: Roster, done: Option<String>) {
    if let Some(Screen::Devices(st)) = app
        .stack
        .iter_mut()
        .rev()
        .find(|s| matches!(s, Screen::Devices(_)))
    {
        st.selected = st.selected.min(roster.rows.len().saturating_sub(1));
        st.roster = Some(roster);
    }
    if let Some(d) = done {
        app.overlay = None;
        say(app, MessageKind::Ok, d);
    }
}

pub fn input(app: &mut App, a: Action) -> Vec<Effect> {
    let Action::Cmd(cmd) = a else {
        return vec![];
    };
    let Screen::Devices(st) = app.screen_mut() else {
        return vec![];
    };
    let Some(roster) = &st.roster else {
        return if cmd == Command::Back {
            back(app)
        } else {
            vec![]
        };
    };
    if let Some(sel) = moved(st.selected, roster.rows.len(), cmd) {
        st.selected = sel;
        return vec![];
    }
    let office = roster.org.as_ref().is_some_and(|o| o.office);
    let row = roster.rows.get(st.selected).cloned();
    match cmd {
        Command::Back => back(app),
        Command::Approve | Command::Revoke if !office => {
            let why = if roster.org.is_none() {
                "本机未加入单位：命令行 xuncha org init（办公室）或 org join（笔记本）"
            } else {
                "只有持有单位密钥的办公室电脑能批准或吊销设备"
            };
            say(app, MessageKind::Info, why);
            vec![]
        }
        Command::Approve => match row {
            Some(r) if r.status == "pending" => vec![Effect::ApproveDevice(r.device)],
            Some(r) => {
                say(
                    app,
                    MessageKind::Info,
                    format!("{}：{}，无需批准", r.name, r.label),
                );
                vec![]
            }
            None => vec![],
        },
        Command::Revoke => match row {
            Some(r) if r.this_device => {
                say(app, MessageKind::Info, "不能吊销本机");
                vec![]
            }
            Some(r) if r.status == "revoked" => {
                say(app, MessageKind::Info, format!("{} 已被吊销", r.name));
                vec![]
            }
            Some(r) => {
                app.overlay = Some(Overlay::Prompt(Prompt {
                    kind: PromptKind::RevokeDevice(r.device),
                    title: format!("吊销 {}", r.name),
                    label: "吊销原因（必填，如：笔记本丢失）".into(),
                    input: TextInput::default(),
                    error: None,
                    overwrite: None,
                    signer: None,
                }));
                vec![]
            }
            None => vec![],
        },
        _ => vec![],
    }
}
