//! Keys in a [`Choice`](crate::tui::choice::Choice) list and in the finish summary.

use super::{Effect, checklist, form, moved, say};
use crate::domain::Answer;
use crate::tui::action::{Action, Command};
use crate::tui::app::{App, MessageKind, Overlay, Prompt, PromptKind, Reanswer, Screen};
use crate::tui::choice::{ChoiceKind, LeaveStep};
use crate::tui::widgets::text_input::TextInput;

pub fn input(app: &mut App, a: Action) -> Vec<Effect> {
    match app.overlay.clone() {
        Some(Overlay::Choice(c)) => {
            let Action::Cmd(cmd) = a else {
                return vec![];
            };
            match cmd {
                Command::Back | Command::No => {
                    app.overlay = None;
                    vec![]
                }
                Command::Open | Command::Yes | Command::Submit => take(app, c.kind, c.selected),
                cmd => {
                    if let (Some(i), Some(Overlay::Choice(c))) = (
                        moved(c.selected, c.options.len(), cmd),
                        app.overlay.as_mut(),
                    ) {
                        c.selected = i;
                    }
                    vec![]
                }
            }
        }
        Some(Overlay::Summary(s)) => match a {
            Action::Cmd(Command::Yes) if !s.finished => {
                app.overlay = None;
                vec![Effect::Finish(s.inspection)]
            }
            Action::Cmd(Command::Yes | Command::No | Command::Back | Command::Open) => {
                app.overlay = None;
                vec![]
            }
            Action::Cmd(Command::NextUnanswered) if !s.finished => {
                app.overlay = None;
                if let Screen::Checklist(st) = app.screen_mut() {
                    let target = st
                        .failed_without_hazard()
                        .first()
                        .copied()
                        .or_else(|| st.next_unanswered(0));
                    if let Some(i) = target {
                        st.cursor = i;
                    }
                }
                vec![]
            }
            Action::Cmd(Command::Print) => {
                say(app, MessageKind::Info, "正在生成整改表……");
                vec![Effect::PrintForm(s.inspection)]
            }
            _ => vec![],
        },
        _ => vec![],
    }
}

fn take(app: &mut App, kind: ChoiceKind, selected: usize) -> Vec<Effect> {
    app.overlay = None;
    match kind {
        ChoiceKind::LeaveForm(steps) => {
            form::take_step(app, steps.get(selected).copied().unwrap_or(LeaveStep::Stay))
        }
        ChoiceKind::AdHocInspection { inspections } => {
            super::home::ad_hoc_chosen(app, &inspections, selected)
        }
        ChoiceKind::AdHocLine { lines, .. } => match lines.get(selected) {
            Some(line) => checklist::open_ad_hoc(app, line),
            None => vec![],
        },
        ChoiceKind::Reanswer {
            item, answer, open, ..
        } => reanswer(app, &item, answer, &open, selected),
        ChoiceKind::RegisterPlace => super::place_pick::chosen(app, selected),
        ChoiceKind::RegisterFacility { like } => {
            super::register_facility::chosen(app, &like, selected)
        }
        ChoiceKind::MergeInto { other, targets } => {
            super::merge::target_chosen(app, &other, &targets, selected)
        }
        ChoiceKind::MergeConfirm { keep, other } if selected == 0 => {
            vec![Effect::EditRegistry(
                crate::tui::registry_edit::RegistryEdit::Merge { keep, other },
            )]
        }
        ChoiceKind::MergeConfirm { .. } => vec![],
    }
}

/// A failed item answered again: 0 keep its hazards, 1 mark the latest rectified, 2 retract it,
/// 3 change nothing.
fn reanswer(
    app: &mut App,
    item: &str,
    answer: Answer,
    open: &[uuid::Uuid],
    selected: usize,
) -> Vec<Effect> {
    let Some(target) = open.last().copied() else {
        return vec![];
    };
    if selected >= 3 {
        return vec![];
    }
    let Screen::Checklist(st) = app.screen_mut() else {
        return vec![];
    };
    if selected == 0 {
        let effects = vec![checklist::send_answer(st, item, answer)];
        say(
            app,
            MessageKind::Info,
            format!("已改为{}；隐患保留，仍在台账中跟踪", answer.label()),
        );
        return effects;
    }
    // The answer waits for the note: it is stored with the step, in one append (W17).
    st.reanswer = Some(Reanswer {
        item: item.to_string(),
        answer,
        finding: target,
    });
    let others = if open.len() > 1 {
        format!("（另有 {} 条请在台账处理）", open.len() - 1)
    } else {
        String::new()
    };
    let (kind, title, label) = if selected == 1 {
        (
            PromptKind::Rectify(target),
            format!("改为{}并登记隐患整改{others}", answer.label()),
            "整改落实情况（必填）",
        )
    } else {
        (
            PromptKind::Retract(target),
            format!("改为{}并撤销隐患{others}", answer.label()),
            "撤销原因（必填）",
        )
    };
    app.overlay = Some(Overlay::Prompt(Prompt {
        kind,
        title,
        label: label.into(),
        input: TextInput::default(),
        error: None,
        overwrite: None,
        signer: super::register::signer_for(kind),
    }));
    vec![]
}
