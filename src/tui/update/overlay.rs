//! Overlays: help, confirm, the note prompt of a lifecycle step, the conflict chooser.

use super::{Effect, edit, moved};
use crate::ops::LedgerFormat;
use crate::tui::action::{Action, Command};
use crate::tui::app::{App, ConfirmKind, Overlay, Prompt, PromptKind, Screen, SignerFocus};
use std::path::{Path, PathBuf};

/// The ledger format a path names by its extension.
fn format_of(path: &str) -> Option<LedgerFormat> {
    let ext = Path::new(path.trim())
        .extension()?
        .to_str()?
        .to_ascii_lowercase();
    match ext.as_str() {
        "xlsx" => Some(LedgerFormat::Xlsx),
        "csv" => Some(LedgerFormat::Csv),
        _ => None,
    }
}

/// Tab in the export prompt: the other format, and the path's extension to match.
fn toggle_format(p: &mut Prompt) {
    let PromptKind::Export(f) = p.kind else {
        return;
    };
    let other = match format_of(p.input.text()).unwrap_or(f) {
        LedgerFormat::Xlsx => LedgerFormat::Csv,
        LedgerFormat::Csv => LedgerFormat::Xlsx,
    };
    let path = PathBuf::from(p.input.text().trim()).with_extension(other.extension());
    p.input.set(&path.display().to_string());
    p.kind = PromptKind::Export(other);
    p.error = None;
}

pub fn input(app: &mut App, a: Action) -> Vec<Effect> {
    // The register under an export prompt: its filter is what gets exported.
    let query = match app.screen() {
        Screen::Register(st) => st.filter.query(),
        _ => None,
    };
    let notice_ids = match app.screen() {
        Screen::Register(st) => super::register::notice_ids(st),
        _ => vec![],
    };
    // Tab in the edit prompt: the next field, pre-filled from the finding on screen.
    let next_edit = match (&app.overlay, &a, app.screen()) {
        (
            Some(Overlay::Prompt(Prompt {
                kind: PromptKind::EditField(_, field),
                ..
            })),
            Action::Cmd(Command::ToggleFormat),
            Screen::Detail(d),
        ) => Some(super::register::edit_prompt(
            &d.finding,
            super::register::next_field(*field),
        )),
        _ => None,
    };
    if let Some(effects) = super::registry_edit::tab(app, &a) {
        return effects;
    }
    if let Some(p) = next_edit {
        app.overlay = Some(Overlay::Prompt(p));
        return vec![];
    }
    // A failed item answered again waits for this prompt's note (W17).
    let reanswer = match app.screen() {
        Screen::Checklist(st) => st.reanswer.clone().map(|r| (st.data.inspection.id, r)),
        _ => None,
    };
    // The checklist under an answer-note prompt names its item.
    let items: Vec<String> = match app.screen() {
        Screen::Checklist(st) => st.data.items.iter().map(|i| i.id.clone()).collect(),
        _ => vec![],
    };
    let Some(ov) = app.overlay.as_mut() else {
        return vec![];
    };
    match ov {
        Overlay::Help(h) => {
            match a {
                Action::Cmd(Command::Back | Command::Help) | Action::OpenHelp { .. } => {
                    app.overlay = None;
                }
                Action::Cmd(c) => {
                    if let Some(i) = moved(h.selected, h.entries, c) {
                        h.selected = i;
                    }
                }
                _ => {}
            }
            vec![]
        }
        Overlay::Confirm(c) => match a {
            Action::Cmd(Command::Yes) => {
                let kind = c.kind;
                app.overlay = None;
                match kind {
                    ConfirmKind::Finish(id) => vec![Effect::Finish(id)],
                    ConfirmKind::Join { inspection, then } => {
                        vec![Effect::JoinInspection { inspection, then }]
                    }
                    ConfirmKind::Quit => {
                        app.quit = true;
                        vec![]
                    }
                }
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
                if let Screen::Checklist(st) = app.screen_mut()
                    && st.reanswer.take().is_some()
                {
                    super::say(app, crate::tui::app::MessageKind::Info, "未改答案");
                }
                vec![]
            }
            Action::Cmd(Command::ToggleFormat) => {
                match &mut p.signer {
                    Some(s) => s.next(),
                    None => toggle_format(p),
                }
                vec![]
            }
            Action::Cmd(Command::Submit) if matches!(p.kind, PromptKind::Export(_)) => {
                let path = p.input.text().trim().to_string();
                let Some(format) = format_of(&path) else {
                    p.error = Some("文件名须以 .xlsx 或 .csv 结尾（Tab 切换格式）".into());
                    return vec![];
                };
                let Some(query) = query else {
                    p.error = Some("当前筛选无法导出：请先调整筛选".into());
                    return vec![];
                };
                p.error = None;
                let overwrite = p.overwrite.as_deref() == Some(path.as_str());
                vec![Effect::Export {
                    query,
                    format,
                    path,
                    overwrite,
                }]
            }
            Action::Cmd(Command::Submit) => {
                let note = p.input.text().trim().to_string();
                let required = matches!(
                    p.kind,
                    PromptKind::Rectify(_)
                        | PromptKind::VerifyFail(_)
                        | PromptKind::Comment(_)
                        | PromptKind::RemovePhoto(_)
                        | PromptKind::Retract(_)
                        | PromptKind::RevokeDevice(_)
                        | PromptKind::AddFacility
                        | PromptKind::AddPlace { .. }
                );
                if required && note.is_empty() {
                    p.error = Some(format!("{}：不能为空", p.label.replace("（必填）", "")));
                    return vec![];
                }
                p.error = None;
                if let Some(e) = super::registry_edit::submitted(&p.kind, note.clone()) {
                    return vec![e];
                }
                let (name, role) = p
                    .signer
                    .as_ref()
                    .map(|s| {
                        (
                            s.name.text().trim().to_string(),
                            s.role.text().trim().to_string(),
                        )
                    })
                    .unwrap_or_default();
                // A failed item answered again: the answer goes with this step, in one append.
                let reanswer = |id: uuid::Uuid, retract: bool, note: &str| match &reanswer {
                    Some((inspection, r)) if r.finding == id => Some(Effect::ReanswerWithStep {
                        inspection: *inspection,
                        item: r.item.clone(),
                        answer: r.answer,
                        finding: id,
                        retract,
                        note: note.to_string(),
                        name: name.clone(),
                        role: role.clone(),
                    }),
                    _ => None,
                };
                vec![match p.kind {
                    PromptKind::Rectify(id) => {
                        reanswer(id, false, &note).unwrap_or(Effect::Rectify {
                            id,
                            note,
                            name,
                            role,
                        })
                    }
                    PromptKind::VerifyPass(id) => Effect::Verify {
                        id,
                        passed: true,
                        note,
                        name,
                        role,
                    },
                    PromptKind::VerifyFail(id) => Effect::Verify {
                        id,
                        passed: false,
                        note,
                        name,
                        role,
                    },
                    PromptKind::Escalate(id) => Effect::Escalate { id, note },
                    PromptKind::Comment(id) => Effect::Comment { id, text: note },
                    PromptKind::RemovePhoto(id) => match super::attach::removal(&note) {
                        Some((n, reason)) => Effect::RemovePhoto { id, n, reason },
                        None => {
                            p.error = Some("先写照片序号，再写原因，如：2 拍错隐患".into());
                            return vec![];
                        }
                    },
                    PromptKind::Retract(id) => {
                        reanswer(id, true, &note).unwrap_or(Effect::Retract { id, reason: note })
                    }
                    PromptKind::Receive(id) => Effect::Receive {
                        id,
                        name,
                        role,
                        promise: note,
                    },
                    PromptKind::EditField(id, field) => Effect::SetField {
                        id,
                        field,
                        value: note,
                    },
                    PromptKind::Export(_) => return vec![],
                    PromptKind::IssueNotice => Effect::IssueNotice {
                        ids: notice_ids,
                        note,
                    },
                    PromptKind::RevokeDevice(device) => Effect::RevokeDevice {
                        device,
                        reason: note,
                    },
                    PromptKind::AnswerNote { inspection, item } => match items.get(item) {
                        Some(item) => Effect::AnswerNote {
                            inspection,
                            item: item.clone(),
                            note,
                        },
                        None => return vec![],
                    },
                    PromptKind::AddFacility
                    | PromptKind::AddPlace { .. }
                    | PromptKind::EditFacility(..)
                    | PromptKind::EditPlace { .. } => return vec![],
                }]
            }
            a => {
                let field = match &mut p.signer {
                    Some(s) if s.focus == SignerFocus::Name => &mut s.name,
                    Some(s) if s.focus == SignerFocus::Role => &mut s.role,
                    _ => &mut p.input,
                };
                if edit(field, &a) {
                    p.error = None;
                }
                vec![]
            }
        },
        Overlay::Choice(_) | Overlay::Summary(_) => super::choice::input(app, a),
        Overlay::Chooser(c) => match a {
            Action::Cmd(Command::Back) => {
                app.overlay = None;
                vec![]
            }
            // The option's number picks it at once.
            Action::Char(d) if d.is_ascii_digit() => {
                let i = (d as usize).wrapping_sub('1' as usize);
                if i >= c.options.len() {
                    return vec![];
                }
                c.selected = i;
                input(app, Action::Cmd(Command::Open))
            }
            Action::Cmd(Command::Open) => {
                if let Some(keep) = c.steps.get(c.selected).copied() {
                    let e = Effect::SettleSteps {
                        id: c.finding,
                        keep,
                    };
                    app.overlay = None;
                    return vec![e];
                }
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
