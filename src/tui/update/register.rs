//! The register (台账) and a finding's detail: filters, sort, lifecycle actions.

use super::{Effect, back, moved, say};
use crate::domain::{Finding, Severity, Status};
use crate::ops::LedgerFormat;
use crate::tui::action::{Action, Command};
use crate::tui::app::{
    App, Chooser, MessageKind, Overlay, Prompt, PromptKind, RegisterRow, RegisterRows,
    RegisterState, Screen, SignerInput, SortDue,
};
use crate::tui::widgets::text_input::TextInput;
use chrono::NaiveDate;
use uuid::Uuid;

/// Shows the rows `visible` names, which ops has filtered and put in order (on the worker),
/// keeping the selected finding if it is among them.
pub fn show(st: &mut RegisterState, rows: RegisterRows, visible: Vec<usize>, total: Option<usize>) {
    let keep = st.reselect.or_else(|| st.selected_row().map(|r| r.id));
    if total.is_some() {
        st.reselect = None;
    }
    st.selected = keep
        .and_then(|id| visible.iter().position(|i| rows[*i].id == id))
        .unwrap_or(st.selected)
        .min(visible.len().saturating_sub(1));
    st.visible = visible;
    if let Some(old) = st.rows.replace(rows) {
        crate::tui::offload::drop_shared_rows(old);
    }
    st.total = total;
}

/// Lets go of the register's rows while the search overlay is over it (issue 14: the rows
/// and the search index are not held together). The overlay covers all of the register but
/// its filter line and its frame's last line, which an empty list draws the same; the
/// selected row is remembered. No-op while the list is still being read.
pub fn let_rows_go(st: &mut RegisterState) {
    if st.total.is_none() || st.rows.is_none() {
        return;
    }
    st.reselect = st.selected_row().map(|r| r.id);
    if let Some(rows) = st.rows.replace(std::sync::Arc::new(Vec::new())) {
        crate::tui::offload::drop_shared_rows(rows);
    }
    st.visible = Vec::new();
    st.rows_let_go = true;
}

/// After the search overlay over the register closed: the rows [`let_rows_go`] let go of
/// are read again (same filter and order; the selection comes back to the same row).
pub fn take_rows_back(st: &mut RegisterState) -> Option<Effect> {
    if !std::mem::take(&mut st.rows_let_go) {
        return None;
    }
    st.rows = None;
    st.total = None;
    Some(st.load())
}

/// The rows of the register to change in place (a step saved, a notice issued). They are
/// shared with the worker only while it answers a filter; its hold is a weak one otherwise,
/// which this lets go of, so the next filter reads the rows again (the log has changed).
pub fn rows_to_change(st: &mut RegisterState) -> Option<&mut Vec<RegisterRow>> {
    st.rows.as_mut().map(std::sync::Arc::make_mut)
}

/// After the rows of `ids` changed in place (a step saved, a notice issued): the ones that no
/// longer pass the filter leave the list at once (a retracted hazard leaves the default view),
/// the selection staying on the same place. The rest of the list is not re-read.
pub fn recheck(st: &mut RegisterState, ids: &[Uuid], today: NaiveDate) {
    let Some(rows) = &st.rows else {
        return;
    };
    // A step never changes a hazard's facility, and the facility filter stands for every
    // merged spelling only as ops resolved it when loading: leave the facility out here.
    let filter = &crate::ops::RegisterFilter {
        facility: None,
        ..st.filter.clone()
    };
    st.visible
        .retain(|i| !ids.contains(&rows[*i].id) || filter.matches(&rows[*i], today));
    st.selected = st.selected.min(st.visible.len().saturating_sub(1));
}

/// Why a step is not possible for this row, if it is not: the domain's own lifecycle rules.
fn refusal(r: &RegisterRow, kind: &PromptKind, today: NaiveDate) -> Option<String> {
    let stage = r.stage();
    let verdict = match kind {
        PromptKind::Rectify(_) => stage.can_rectify(),
        // The reason for a failed verification is asked in the prompt itself.
        PromptKind::VerifyPass(_) | PromptKind::VerifyFail(_) => stage.can_verify(true, ""),
        PromptKind::Escalate(_) => stage.next_escalation(today).map(|_| ()),
        _ => Ok(()),
    };
    verdict.err().map(|e| e.to_string())
}

fn prompt_for(cmd: Command, id: Uuid, next_level: &str) -> Option<Prompt> {
    let (kind, title, label) = match cmd {
        Command::Rectify => (PromptKind::Rectify(id), "登记整改", "整改落实情况（必填）"),
        Command::VerifyPass => (
            PromptKind::VerifyPass(id),
            "复查通过，销号",
            "复查意见（可空）",
        ),
        Command::VerifyFail => (
            PromptKind::VerifyFail(id),
            "复查不通过",
            "不通过的原因（必填）",
        ),
        Command::Escalate => (PromptKind::Escalate(id), "督办", "督办说明（可空）"),
        Command::Comment => (PromptKind::Comment(id), "写备注", "备注内容（必填）"),
        Command::Retract => (
            PromptKind::Retract(id),
            "撤销隐患（登记有误时用；记录保留）",
            "撤销原因（必填）",
        ),
        _ => return None,
    };
    let title = if cmd == Command::Escalate {
        format!("{title}：发出{next_level}")
    } else {
        title.to_string()
    };
    Some(Prompt {
        kind,
        title,
        label: label.to_string(),
        input: TextInput::default(),
        error: None,
        overwrite: None,
        signer: signer_for(kind),
    })
}

/// The signer fields a lifecycle step asks for (issue 18): the facility's 整改报告人 for a
/// rectification, the 复查人 for a 复查; none for other prompts.
pub fn signer_for(kind: PromptKind) -> Option<Box<SignerInput>> {
    match kind {
        PromptKind::Rectify(_) => Some(Box::new(SignerInput::new("整改报告人"))),
        PromptKind::VerifyPass(_) | PromptKind::VerifyFail(_) => {
            Some(Box::new(SignerInput::new("复查人")))
        }
        _ => None,
    }
}

/// The prompt to edit `field` of `f`, pre-filled with its current value.
pub fn edit_prompt(f: &Finding, field: crate::domain::Field) -> Prompt {
    Prompt {
        kind: PromptKind::EditField(f.id, field),
        title: format!("修改：{}（Tab 换一栏）", field.label()),
        label: field.label().to_string(),
        input: TextInput::new(&f.field_value(field)),
        error: None,
        overwrite: None,
        signer: None,
    }
}

/// The field after `field` in `Field::ALL`, wrapping around.
pub fn next_field(field: crate::domain::Field) -> crate::domain::Field {
    let all = crate::domain::Field::ALL;
    let i = all.iter().position(|x| *x == field).unwrap_or(0);
    all[(i + 1) % all.len()]
}

/// The export prompt: the path (an .xlsx by default), the rows the current filter shows.
pub fn export_prompt(st: &RegisterState, path: &str) -> Prompt {
    Prompt {
        kind: PromptKind::Export(LedgerFormat::Xlsx),
        title: match st.total {
            Some(_) => format!("导出台账：当前筛选的 {} 条", st.visible.len()),
            None => "导出台账：当前筛选的全部记录".to_string(),
        },
        label: "保存到（.xlsx 或 .csv）".into(),
        input: TextInput::new(path),
        error: None,
        overwrite: None,
        signer: None,
    }
}

/// Opens the note prompt for a lifecycle step, or says why the step is not possible.
fn lifecycle(app: &mut App, cmd: Command, row: &RegisterRow) {
    let today = app.now.today();
    let next = match row.escalation {
        None => "整改通知书",
        Some(e) => e.next().map(|n| n.label()).unwrap_or("（已到最后一级）"),
    };
    let Some(p) = prompt_for(cmd, row.id, next) else {
        return;
    };
    if cmd == Command::Escalate && row.escalation.is_some_and(|e| e.next().is_none()) {
        say(
            app,
            MessageKind::Error,
            "隐患已发出最后一级督办文书（责任追究建议书），不能再升级",
        );
        return;
    }
    match refusal(row, &p.kind, today) {
        Some(why) => say(app, MessageKind::Error, why),
        None => app.overlay = Some(Overlay::Prompt(p)),
    }
}

/// The hazards a document over several would list: the marked rows (in marking order), else
/// the selected one.
pub fn notice_ids(st: &RegisterState) -> Vec<Uuid> {
    if st.marked.is_empty() {
        st.selected_row().map(|r| vec![r.id]).unwrap_or_default()
    } else {
        st.marked.clone()
    }
}

/// Opens the prompt to issue one document over the marked hazards, or says why not: none
/// chosen, hazards of two facilities, or hazards at different steps of the 四书.
fn issue_prompt(app: &mut App) {
    let today = app.now.today();
    let Screen::Register(st) = app.screen() else {
        return;
    };
    let ids = notice_ids(st);
    let rows: Vec<&RegisterRow> = st
        .rows
        .iter()
        .flat_map(|rows| rows.iter())
        .filter(|r| ids.contains(&r.id))
        .collect();
    let Some(first) = rows.first() else {
        say(app, MessageKind::Info, "没有选中的隐患：按空格标记，再按 N");
        return;
    };
    if let Some(other) = rows.iter().find(|r| r.facility != first.facility) {
        let why = format!(
            "一份文书只能发给一个单位：已标记 {} 和 {} 的隐患；按空格取消标记",
            first.facility, other.facility
        );
        say(app, MessageKind::Error, why);
        return;
    }
    let mut level = None;
    for r in &rows {
        match r.stage().next_escalation(today) {
            Err(e) => {
                let why = format!("「{}」：{e}", r.description);
                say(app, MessageKind::Error, why);
                return;
            }
            Ok(l) if level.is_some_and(|x| x != l) => {
                say(
                    app,
                    MessageKind::Error,
                    "一份文书只能是同一级：标记的隐患应发的文书不同，请分开发",
                );
                return;
            }
            Ok(l) => level = Some(l),
        }
    }
    let book = level.map(|l| l.label()).unwrap_or("文书");
    app.overlay = Some(Overlay::Prompt(Prompt {
        kind: PromptKind::IssueNotice,
        title: format!(
            "发出一份{book}：{}，列隐患 {} 条（发出后存为 HTML 打印）",
            first.facility,
            rows.len()
        ),
        label: "督办说明（可空）".into(),
        input: TextInput::default(),
        error: None,
        overwrite: None,
        signer: None,
    }));
}

pub fn input(app: &mut App, a: Action) -> Vec<Effect> {
    let Action::Cmd(cmd) = a else {
        return vec![];
    };
    let line_ids: Vec<String> = app.lines.iter().map(|l| l.id.clone()).collect();
    let Screen::Register(st) = app.screen_mut() else {
        return vec![];
    };
    let row = st.selected_row().cloned();
    match cmd {
        Command::Back => return back(app),
        Command::Open => {
            return row
                .map(|r| vec![Effect::LoadFinding(r.id)])
                .unwrap_or_default();
        }
        Command::Export => {
            if st.filter.query().is_none() {
                say(
                    app,
                    MessageKind::Error,
                    "导出不能同时按状态和「只看逾期」筛选：按 s 把状态轮换到「全部」或按 o 取消逾期",
                );
                return vec![];
            }
            return vec![Effect::SuggestExportPath];
        }
        Command::Mark => {
            if let Some(r) = row {
                match st.marked.iter().position(|id| *id == r.id) {
                    Some(i) => {
                        st.marked.remove(i);
                    }
                    None => st.marked.push(r.id),
                }
                // Move on, so Space Space Space marks three rows in a row.
                if let Some(i) = moved(st.selected, st.visible.len(), Command::Down) {
                    st.selected = i;
                }
            }
            return vec![];
        }
        Command::IssueNotice => {
            issue_prompt(app);
            return vec![];
        }
        Command::Rectify | Command::VerifyPass | Command::VerifyFail | Command::Escalate => {
            match row {
                Some(r) => lifecycle(app, cmd, &r),
                None => say(app, MessageKind::Info, "没有选中的隐患"),
            }
            return vec![];
        }
        Command::FilterStatus => {
            // 全部 → 待整改 → 待复查 → 已销号 → 已撤销 → 全部（含已撤销） → 全部.
            use crate::tui::app::RetractedView as R;
            (st.filter.status, st.filter.retracted) = match (st.filter.status, st.filter.retracted)
            {
                (None, R::Hide) => (Some(Status::Open), R::Hide),
                (Some(Status::Open), _) => (Some(Status::Rectified), R::Hide),
                (Some(Status::Rectified), _) => (Some(Status::Closed), R::Hide),
                (Some(Status::Closed), _) => (None, R::Only),
                (None, R::Only) => (None, R::Include),
                (None, R::Include) => (None, R::Hide),
            }
        }
        Command::FilterLine => {
            let pos = st
                .filter
                .line
                .as_ref()
                .and_then(|l| line_ids.iter().position(|x| x == l));
            st.filter.line = match pos {
                None => line_ids.first().cloned(),
                Some(i) => line_ids.get(i + 1).cloned(),
            }
        }
        Command::FilterSeverity => {
            st.filter.severity = match st.filter.severity {
                None => Some(Severity::Major),
                Some(Severity::Major) => Some(Severity::General),
                Some(Severity::General) => None,
            }
        }
        Command::FilterOverdue => st.filter.overdue = !st.filter.overdue,
        Command::FilterFacility => {
            st.filter.facility = match (&st.filter.facility, row) {
                (Some(_), _) => None,
                (None, Some(r)) => Some(r.facility.to_string()),
                (None, None) => None,
            }
        }
        Command::ClearFilters => st.filter = Default::default(),
        Command::SortDue => {
            st.sort = match st.sort {
                SortDue::Newest => SortDue::DueAsc,
                SortDue::DueAsc => SortDue::DueDesc,
                SortDue::DueDesc => SortDue::Newest,
            }
        }
        c => {
            if let Some(i) = moved(st.selected, st.visible.len(), c) {
                st.selected = i;
            }
            return vec![];
        }
    }
    // The rows shown stay until the ones for the new filter arrive (the first screen quickly).
    st.total = None;
    vec![st.load()]
}

pub fn detail_input(app: &mut App, a: Action) -> Vec<Effect> {
    let Action::Cmd(cmd) = a else {
        return vec![];
    };
    let Screen::Detail(d) = app.screen() else {
        return vec![];
    };
    let f: Finding = d.finding.clone();
    match cmd {
        Command::Back => back(app),
        Command::Rectify
        | Command::VerifyPass
        | Command::VerifyFail
        | Command::Escalate
        | Command::Comment
        | Command::Retract => {
            if f.retracted && cmd == Command::Retract {
                let why = crate::domain::LifecycleError::Retracted {
                    action: "再次撤销"
                };
                say(app, MessageKind::Error, why.to_string());
                return vec![];
            }
            let row = RegisterRow::from_finding(&f, "", &app.now);
            lifecycle(app, cmd, &row);
            vec![]
        }
        Command::EditField => {
            if f.retracted {
                let why = crate::domain::LifecycleError::Retracted { action: "修改" };
                say(app, MessageKind::Error, why.to_string());
            } else {
                app.overlay = Some(Overlay::Prompt(edit_prompt(
                    &f,
                    crate::domain::Field::ALL[0],
                )));
            }
            vec![]
        }
        Command::Receive => {
            match f.escalations.last() {
                None => say(app, MessageKind::Error, "该隐患尚未发出督办文书，无从签收"),
                Some(step) => {
                    let doc = match &step.issued {
                        Some(i) => format!("{}（{}）", step.level.label(), i.wenhao),
                        None => step.level.label().to_string(),
                    };
                    app.overlay = Some(Overlay::Prompt(Prompt {
                        kind: PromptKind::Receive(f.id),
                        title: format!("登记签收：{doc}"),
                        label: "整改承诺（可空）".into(),
                        input: TextInput::default(),
                        error: None,
                        overwrite: None,
                        signer: Some(Box::new(SignerInput::new("签收人"))),
                    }));
                }
            }
            vec![]
        }
        Command::Print => {
            say(app, MessageKind::Info, "正在生成文书……");
            vec![Effect::PrintNotice(f.id)]
        }
        Command::AttachPhoto => super::attach::open_from_detail(app, &f),
        Command::NextPhoto => super::photo_view::step(app, 1),
        Command::PrevPhoto => super::photo_view::step(app, -1),
        Command::RemovePhoto => super::attach::open_removal(app, &f),
        Command::OpenPhoto => {
            if f.photos.is_empty() {
                say(app, MessageKind::Info, "该隐患还没有照片（按 a 添加）");
                return vec![];
            }
            let Screen::Detail(d) = app.screen_mut() else {
                return vec![];
            };
            // Where photos are drawn, `o` opens the one shown; else each press the next.
            let i = match &d.view {
                Some(v) => v.index.min(f.photos.len() - 1),
                None => d.next_photo % f.photos.len(),
            };
            d.next_photo = i + 1;
            vec![Effect::OpenPhoto {
                n: i + 1,
                hash: f.photos[i].hash.clone(),
            }]
        }
        Command::Settle => {
            match (f.conflicts.first(), f.step_conflicts.first()) {
                (Some(c), _) => {
                    let offset = app.now.0.offset().to_owned();
                    // Who set each value and when, from the history line of its event.
                    let labels = c
                        .values
                        .iter()
                        .map(|(r, _)| {
                            f.history
                                .iter()
                                .find(|h| h.event == *r)
                                .map(|h| {
                                    format!(
                                        "{} {}",
                                        h.author,
                                        h.at.local_or(&offset).format("%m-%d %H:%M")
                                    )
                                })
                                .unwrap_or_default()
                        })
                        .collect();
                    app.overlay = Some(Overlay::Chooser(Chooser {
                        finding: f.id,
                        field: c.field,
                        options: c.values.iter().map(|(_, v)| v.clone()).collect(),
                        selected: 0,
                        steps: vec![],
                        labels,
                    }))
                }
                (None, Some(c)) => {
                    let offset = app.now.0.offset().to_owned();
                    app.overlay = Some(Overlay::Chooser(Chooser {
                        finding: f.id,
                        field: crate::domain::Field::Description,
                        options: c
                            .steps
                            .iter()
                            .map(|s| {
                                let note = if s.note.is_empty() {
                                    String::new()
                                } else {
                                    format!("：{}", s.note)
                                };
                                format!(
                                    "{} {} {}{note}",
                                    s.at.local_or(&offset).format("%m-%d %H:%M"),
                                    s.author,
                                    s.action
                                )
                            })
                            .collect(),
                        selected: 0,
                        steps: c.steps.iter().map(|s| s.event).collect(),
                        labels: vec![],
                    }))
                }
                (None, None) => say(app, MessageKind::Info, "此隐患没有冲突，无需处理"),
            }
            vec![]
        }
        _ => vec![],
    }
}
