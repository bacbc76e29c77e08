//! Overlays: help, confirm, the note prompt of a lifecycle step, the conflict chooser.

use super::{Effect, edit, moved};
use crate::tui::action::{Action, Command};
use crate::tui::app::{App, ConfirmKind, Overlay, PromptKind};

pub fn input(app: &mut App, a: Action) -> Vec<Effect> {
    let Some(ov) = app.overlay.as_mut() else {
        return vec![];
    };
    match ov {
        Overlay::Help => {
            if matches!(a, Action::Cmd(Command::Back | Command::Help)) {
                app.overlay = None;
            }
            vec![]
        }
        Overlay::Confirm(c) => match a {
            Action::Cmd(Command::Yes) => {
                let ConfirmKind::Finish(id) = c.kind;
                app.overlay = None;
                vec![Effect::Finish(id)]
            }
            Action::Cmd(Command::No) => {
                app.overlay = None;
                vec![]
            }
            _ => vec![],
        },
        Overlay::Prompt(p) => match a {
            Action::Cmd(Command::Back) => {
                app.overlay = None;
                vec![]
            }
            Action::Cmd(Command::Submit) => {
                let note = p.input.text().trim().to_string();
                let required = matches!(p.kind, PromptKind::Rectify(_) | PromptKind::VerifyFail(_));
                if required && note.is_empty() {
                    p.error = Some(format!("{}：不能为空", p.label.replace("（必填）", "")));
                    return vec![];
                }
                p.error = None;
                vec![match p.kind {
                    PromptKind::Rectify(id) => Effect::Rectify { id, note },
                    PromptKind::VerifyPass(id) => Effect::Verify {
                        id,
                        passed: true,
                        note,
                    },
                    PromptKind::VerifyFail(id) => Effect::Verify {
                        id,
                        passed: false,
                        note,
                    },
                    PromptKind::Escalate(id) => Effect::Escalate { id, note },
                }]
            }
            a => {
                if edit(&mut p.input, &a) {
                    p.error = None;
                }
                vec![]
            }
        },
        Overlay::Chooser(c) => match a {
            Action::Cmd(Command::Back) => {
                app.overlay = None;
                vec![]
            }
            Action::Cmd(Command::Open) => {
                let Some(value) = c.options.get(c.selected).cloned() else {
                    return vec![];
                };
                let e = Effect::Settle {
                    id: c.finding,
                    field: c.field,
                    value,
                };
                app.overlay = None;
                vec![e]
            }
            Action::Cmd(cmd) => {
                if let Some(i) = moved(c.selected, c.options.len(), cmd) {
                    c.selected = i;
                }
                vec![]
            }
            _ => vec![],
        },
    }
}
