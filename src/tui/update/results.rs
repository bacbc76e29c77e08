//! Effect results coming back as actions.

use super::{Effect, checklist, drafts, home_state, register, say, search, sync};
use crate::tui::action::{Action, Command};
use crate::tui::app::{
    App, ChecklistState, DetailState, FormField, HomeState, MessageKind, Overlay, RegisterRow,
    Screen,
};
use crate::tui::choice::FinishSummary;

pub fn apply(app: &mut App, action: Action) -> Vec<Effect> {
    let today = app.now.today();
    match action {
        Action::ConfigSaved(name) => {
            app.inspector = name.clone();
            app.stack = vec![Screen::Home(HomeState::default())];
            say(app, MessageKind::Ok, format!("{name}，你好！按 n 新建检查"));
            return vec![Effect::LoadHome];
        }
        Action::HomeLoaded(data) => {
            if let Some(h) = home_state(app) {
                let n = data.unfinished.len() + data.recent.len();
                h.data = Some(data);
                h.selected = h.selected.min(n.saturating_sub(1));
            }
        }
        Action::InspectionsLoaded(rows) => super::browse::inspections_loaded(app, rows),
        Action::FacilityRowsLoaded(rows) => super::browse::facilities_loaded(app, rows),
        Action::FacilitiesLoaded(v) => {
            if let Screen::NewInspection(st) = app.screen_mut() {
                st.facilities = v;
            }
        }
        Action::ChecklistLoaded(data) => {
            // Started from the new-inspection form: its draft has done its work.
            let mut out = Vec::new();
            if matches!(app.screen(), Screen::NewInspection(_)) {
                out.push(Effect::ClearFormDraft(
                    crate::ops::DraftKey::new_inspection(),
                ));
            }
            if matches!(
                app.screen(),
                Screen::NewInspection(_) | Screen::Checklist(_)
            ) {
                app.stack.pop();
            }
            let st = ChecklistState::new(data);
            let id = st.data.inspection.id;
            let finished = st.data.inspection.is_finished();
            let bare = st.failed_without_hazard().len();
            let bare_note = if bare > 0 {
                format!("；{bare} 项不合格未登记隐患（F 查看）")
            } else {
                String::new()
            };
            let msg = if finished {
                Some(format!("该检查已结束，只能查看{bare_note}"))
            } else if st.data.inspection.answers.is_empty() {
                None
            } else {
                Some(format!(
                    "已恢复到第一个未答项，还剩 {} 项{bare_note}",
                    st.unanswered()
                ))
            };
            app.stack.push(Screen::Checklist(st));
            if let Some(m) = msg {
                say(app, MessageKind::Info, m);
            }
            let ad_hoc = home_state(app).is_some_and(|h| std::mem::take(&mut h.ad_hoc));
            if ad_hoc && !finished {
                out.extend(checklist::ad_hoc(app));
                return out;
            }
            // Forms left unsaved (a crash, or kept) come back over their checklist.
            if !finished {
                out.push(Effect::LoadDrafts(id));
            }
            return out;
        }
        Action::DraftLoaded(draft) => return drafts::loaded(app, draft),
        Action::DraftsLoaded {
            inspection,
            drafts: list,
            problems,
        } => return drafts::loaded_for(app, inspection, list, problems),
        Action::FormDraftLoaded { key, value } => {
            return super::form_drafts::loaded(app, &key, value);
        }
        Action::FailSaved {
            inspection,
            finding,
        } => return drafts::fail_saved(app, *inspection, *finding),
        Action::AnswerRefused {
            inspection,
            item_id,
            message,
        } => {
            for s in app.stack.iter_mut().rev() {
                if let Screen::Checklist(st) = s
                    && st.data.inspection.id == inspection
                {
                    checklist::refused(st, &item_id);
                    break;
                }
            }
            say(
                app,
                MessageKind::Error,
                format!("未保存该项作答：{message}"),
            );
        }
        Action::Answered {
            inspection,
            item_id,
        } => {
            for s in app.stack.iter_mut().rev() {
                if let Screen::Checklist(st) = s
                    && st.data.inspection.id == inspection.id
                {
                    st.data.inspection = inspection;
                    checklist::answered(st, &item_id);
                    break;
                }
            }
        }
        Action::NoteSaved {
            inspection,
            item_id,
        } => checklist::note_saved(app, inspection, &item_id),
        Action::Joined { inspection, then } => return joined(app, *inspection, then),
        Action::Reanswered {
            inspection,
            item_id,
            finding,
            what,
        } => {
            app.overlay = None;
            for s in app.stack.iter_mut().rev() {
                if let Screen::Checklist(st) = s
                    && st.data.inspection.id == inspection.id
                {
                    st.reanswer = None;
                    st.data.inspection = *inspection;
                    if st.current().is_some_and(|it| it.id == item_id) {
                        checklist::advance(st);
                    }
                    drafts::hazard_changed(st, &finding);
                    break;
                }
            }
            say(
                app,
                MessageKind::Ok,
                format!("已保存：{what}（{}）", finding.spoken_name()),
            );
        }
        Action::Finished(insp) => {
            // The summary of what was just finished, drawn over the screen it returns to.
            let summary = app.stack.iter_mut().rev().find_map(|s| match s {
                Screen::Checklist(c) if c.data.inspection.id == insp.id => {
                    c.data.inspection = insp.clone();
                    Some(FinishSummary::of(c, true))
                }
                _ => None,
            });
            app.overlay = summary.map(Overlay::Summary);
            app.stack
                .retain(|s| !matches!(s, Screen::Checklist(c) if c.data.inspection.id == insp.id));
            say(
                app,
                MessageKind::Ok,
                format!("检查已结束：{}（已保存）", insp.facility),
            );
            if app.stack.len() == 1 {
                return vec![Effect::LoadHome];
            }
        }
        Action::RegistryChoicesLoaded(registry) => {
            super::entry_form::registry_loaded(app, registry);
        }
        Action::HazardPrefilled { register, start } => {
            return super::register_hazard::open(app, register, *start);
        }
        Action::FacilityUnregistered { facility, like } => {
            super::register_facility::unregistered(app, facility, like);
        }
        Action::PlacesLoaded { facility, places } => {
            super::place_pick::loaded(app, &facility, places);
        }
        Action::FindingSaved(f) => {
            let photos = super::attach::form_photos(app);
            if matches!(app.screen(), Screen::Form(_)) {
                app.stack.pop();
            }
            if let Some(Screen::Checklist(st)) = app.stack.last_mut() {
                drafts::note_hazard(st, &f);
            }
            let more = if photos.is_empty() {
                String::new()
            } else {
                format!("；正在添加 {} 张整改前照片", photos.len())
            };
            say(
                app,
                MessageKind::Ok,
                format!(
                    "已保存：{}（{}）{}{more}",
                    f.spoken_name(),
                    f.severity.label(),
                    drafts::closed_on_spot(&f)
                ),
            );
            let mut effects = super::attach::after_save(&f, photos);
            // Back on the 台账: its hazard counts now include this one.
            if matches!(app.stack.last(), Some(Screen::Registers(_))) {
                effects.push(Effect::LoadRegisters);
            }
            return effects;
        }
        Action::PhotoFolderListed(_)
        | Action::PhotoFileTyped(_)
        | Action::PathCompleted { .. }
        | Action::AttachRefused(_) => return super::attach::apply(app, action),
        Action::AttachProgress { .. } => {}
        Action::RegisterLoaded {
            filter,
            sort,
            rows,
            visible,
            total,
        } => {
            let st = app.stack.iter_mut().find_map(|s| match s {
                Screen::Register(st) => Some(st),
                _ => None,
            });
            match st {
                // Rows read for a filter since changed are not shown: their own load follows.
                Some(st) if st.filter == filter && st.sort == sort => {
                    register::show(st, rows, visible, total);
                }
                // The register was left (or the rows are for another filter): they are let
                // go of off this thread when they were the last hold.
                _ => crate::tui::offload::drop_shared_rows(rows),
            }
        }
        Action::RegistersLoaded(data) => {
            for s in app.stack.iter_mut() {
                if let Screen::Registers(st) = s {
                    st.loaded(*data);
                    break;
                }
            }
        }
        Action::FindingLoaded(f, label, photo_here) => {
            app.stack.push(Screen::Detail(DetailState {
                finding: f,
                label,
                photo_here,
                next_photo: 0,
                view: None,
            }));
            return super::photo_view::request(app);
        }
        Action::FindingUpdated { finding, what } => {
            app.overlay = None;
            super::attach::attached(app);
            let name = app.line_name(&finding.line).to_string();
            let row = RegisterRow::from_finding(&finding, &name, &app.now);
            for s in app.stack.iter_mut() {
                match s {
                    Screen::Register(st) => {
                        if let Some(rows) = register::rows_to_change(st) {
                            // A retracted hazard leaves the default view at once (its row is
                            // marked; the 已撤销 filter shows it).
                            if let Some(r) = rows.iter_mut().find(|r| r.id == row.id) {
                                *r = row.clone();
                            }
                        }
                        register::recheck(st, &[row.id], today);
                    }
                    Screen::Detail(d) if d.finding.id == finding.id => {
                        // Each photo keeps whether it is here (by hash: a removal shifts the
                        // numbers); photos attached here since it was loaded are here.
                        let here: std::collections::HashMap<&str, bool> = d
                            .finding
                            .photos
                            .iter()
                            .zip(&d.photo_here)
                            .map(|(p, h)| (p.hash.as_str(), *h))
                            .collect();
                        let flags = finding
                            .photos
                            .iter()
                            .map(|p| here.get(p.hash.as_str()).copied().unwrap_or(true))
                            .collect();
                        d.photo_here = flags;
                        d.finding = finding.clone();
                    }
                    Screen::Checklist(c) => drafts::hazard_changed(c, &finding),
                    _ => {}
                }
            }
            say(app, MessageKind::Ok, format!("已保存：{what}"));
            return super::photo_view::request(app);
        }
        Action::ExportPathSuggested(path) => {
            if let (None, Screen::Register(st)) = (&app.overlay, app.screen()) {
                app.overlay = Some(Overlay::Prompt(register::export_prompt(st, &path)));
            }
        }
        Action::Exported(s) => {
            app.overlay = None;
            say(
                app,
                MessageKind::Ok,
                format!("已导出 {} 条到 {}", s.rows, s.path.display()),
            );
        }
        Action::NoticeIssued {
            findings,
            what,
            path,
            opened,
        } => {
            app.overlay = None;
            let lines: Vec<(String, String)> = findings
                .iter()
                .map(|f| (f.line.clone(), app.line_name(&f.line).to_string()))
                .collect();
            for s in app.stack.iter_mut() {
                if let Screen::Register(st) = s {
                    st.marked.clear();
                    if let Some(rows) = register::rows_to_change(st) {
                        for (f, (_, name)) in findings.iter().zip(&lines) {
                            if let Some(r) = rows.iter_mut().find(|r| r.id == f.id) {
                                *r = RegisterRow::from_finding(f, name, &app.now);
                            }
                        }
                    }
                    let ids: Vec<uuid::Uuid> = findings.iter().map(|f| f.id).collect();
                    register::recheck(st, &ids, today);
                }
            }
            let how = if opened {
                "已用系统查看器打开"
            } else {
                "请用浏览器打开后打印"
            };
            let text = format!(
                "已发出{what}，列隐患 {} 条；文书已存到 {path}：{how}",
                findings.len()
            );
            say(app, MessageKind::Ok, text);
        }
        Action::PhotoShown { hash, image } => super::photo_view::shown(app, &hash, image),
        Action::PhotoOpened { n, path, opened } => {
            let (kind, text) = match (path, opened) {
                (None, _) => (
                    MessageKind::Error,
                    format!("照片 {n} 未同步：下次同步时取回后再看"),
                ),
                (Some(p), true) => (MessageKind::Ok, format!("已用系统查看器打开照片 {n}：{p}")),
                (Some(p), false) => (
                    MessageKind::Info,
                    format!("没有可用的图片查看器；照片 {n} 在 {p}"),
                ),
            };
            say(app, kind, text);
        }
        Action::Printed { path, opened } => {
            let how = if opened {
                "已用系统查看器打开，可从浏览器打印"
            } else {
                "请用浏览器打开后打印"
            };
            say(app, MessageKind::Ok, format!("文书已存到 {path}：{how}"));
        }
        Action::ExportExists(path) => {
            if let Some(Overlay::Prompt(p)) = &mut app.overlay {
                p.error = Some("该文件已存在：再按 Enter 覆盖，或改文件名".into());
                p.overwrite = Some(path);
            }
        }
        Action::SearchResults { query, hits, error } => search::results(app, query, hits, error),
        Action::SyncOpened(info) => sync::opened(app, info),
        Action::SyncProgress { done, total } => sync::progress(app, done, total),
        Action::Synced {
            report,
            info,
            lines,
            config_error,
        } => sync::finished(app, report, info, lines, config_error),
        Action::EntrySaved { kind, what, id } => {
            return super::entry_form::saved(app, kind, what, id);
        }
        Action::EntryRefused { field, message } => {
            return super::entry_form::refused(app, field, message);
        }
        Action::Refused { field, message } => {
            // A refusal of a field the open form has: marked there, with the cursor on it.
            if app.overlay.is_none()
                && let Some(Screen::Form(f)) = app.stack.last_mut()
                && let Some(ff) = FormField::of_input(&field)
            {
                let why = message
                    .strip_prefix(&format!("{}：", field.label()))
                    .unwrap_or(&message)
                    .to_string();
                f.errors.insert(ff, why);
                f.focus = ff;
                f.save_error = Some(message.clone());
                say(app, MessageKind::Error, message);
                return vec![];
            }
            return apply(app, Action::Failed(message));
        }
        Action::Failed(msg) => {
            // Whatever asked, no screen is left waiting for a result that will not come.
            super::waits::release(app, &msg);
            sync::failed(app, &msg);
            super::entry_form::failed(app, &msg);
            match (&mut app.overlay, app.stack.last_mut()) {
                (Some(Overlay::Prompt(p)), _) => p.error = Some(msg.clone()),
                (None, Some(Screen::Form(f))) => f.save_error = Some(msg.clone()),
                (None, Some(Screen::NewInspection(st))) => st.saving = false,
                _ => {}
            }
            say(app, MessageKind::Error, msg);
        }
        Action::RosterLoaded { roster, done } => super::devices::loaded(app, roster, done),
        Action::RegistryLoaded { .. }
        | Action::RegistryEdited { .. }
        | Action::PatrolOpened { .. }
        | Action::PatrolVisited { .. }
        | Action::PatrolFinished(_) => return super::facility::result(app, action),
        Action::Cmd(_)
        | Action::Char(_)
        | Action::Paste(_)
        | Action::OpenHelp { .. }
        | Action::Idle => {}
    }
    vec![]
}

/// I joined someone else's inspection: its checklist now lists me, and the key that asked is
/// carried out.
fn joined(app: &mut App, inspection: crate::domain::Inspection, then: Command) -> Vec<Effect> {
    let others = inspection
        .inspectors
        .iter()
        .filter(|n| **n != app.inspector)
        .cloned()
        .collect::<Vec<_>>()
        .join("、");
    let mut on_top = false;
    for (i, s) in app.stack.iter_mut().enumerate().rev() {
        if let Screen::Checklist(st) = s
            && st.data.inspection.id == inspection.id
        {
            st.data.inspection = inspection;
            on_top = i + 1 == app.stack.len();
            break;
        }
    }
    say(
        app,
        MessageKind::Ok,
        format!("已加入 {others} 的检查（已保存），现在可以作答"),
    );
    if on_top && app.overlay.is_none() {
        return checklist::input(app, Action::Cmd(then));
    }
    vec![]
}
