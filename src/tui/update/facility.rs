//! The registry screen and the patrol screen (issue 16): open, start a patrol, one key per key
//! site (the cursor moves on as soon as the key is taken), 异常 through the hazard form
//! pre-filled with the site (saved with the visit in one append), finish.

use super::{Effect, back, moved, say};
use crate::domain::{Finding, Place};
use crate::ops;
use crate::tui::action::{Action, Command};
use crate::tui::app::{
    App, FacilitiesState, FormState, HazardOn, MessageKind, PatrolState, Screen,
};
use crate::tui::patrol_state::RegistryPane;
use crate::tui::widgets::text_input::TextInput;
use chrono::NaiveDate;

/// Home → the registry.
pub fn open(app: &mut App) -> Vec<Effect> {
    app.stack
        .push(Screen::Facilities(FacilitiesState::default()));
    vec![Effect::LoadRegistry]
}

pub fn input(app: &mut App, a: Action) -> Vec<Effect> {
    let Action::Cmd(cmd) = a else {
        return vec![];
    };
    let Screen::Facilities(st) = app.screen_mut() else {
        return vec![];
    };
    if st.pane == RegistryPane::Places {
        let len = st.current().map_or(0, |f| f.places.len());
        if let Some(sel) = moved(st.place, len, cmd) {
            st.place = sel;
            return vec![];
        }
    } else {
        let len = st.list.as_ref().map_or(0, Vec::len);
        if let Some(sel) = moved(st.selected, len, cmd) {
            st.selected = sel;
            st.place = 0;
            return vec![];
        }
    }
    match cmd {
        Command::Back if st.pane == RegistryPane::Places => {
            st.pane = RegistryPane::Facilities;
            vec![]
        }
        Command::Back => back(app),
        Command::NextField
        | Command::PrevField
        | Command::Open
        | Command::AddEntry
        | Command::EditField => super::registry_edit::input(app, cmd),
        Command::DayPatrol | Command::NightPatrol => {
            let Some(f) = st.current() else {
                say(
                    app,
                    MessageKind::Info,
                    "还没有登记单位：按 a 登记（或命令行 xuncha facility import 导入记录中的单位名称）",
                );
                return vec![];
            };
            if f.key_sites().next().is_none() {
                let name = f.name.clone();
                say(
                    app,
                    MessageKind::Error,
                    format!(
                        "「{name}」尚未登记重点部位：Tab 到场所，a 登记，e 的“重点部位”一栏填 是"
                    ),
                );
                return vec![];
            }
            vec![Effect::StartPatrol {
                facility: f.id,
                night: cmd == Command::NightPatrol,
            }]
        }
        _ => vec![],
    }
}

pub fn patrol_input(app: &mut App, a: Action) -> Vec<Effect> {
    let Action::Cmd(cmd) = a else {
        return vec![];
    };
    let today = app.now.today();
    let Screen::Patrol(st) = app.screen_mut() else {
        return vec![];
    };
    let n = st.sites().len();
    if let Some(c) = moved(st.cursor, n, cmd) {
        st.cursor = c;
        return vec![];
    }
    let finished = st.patrol.finished_at.is_some();
    match cmd {
        Command::Back => {
            let effects = back(app);
            refresh_registry(app);
            [effects, vec![Effect::LoadRegistry]].concat()
        }
        Command::Pass | Command::Fail | Command::Finish if finished => {
            say(app, MessageKind::Info, "本次巡查已结束：按 Esc 返回");
            vec![]
        }
        Command::Pass => {
            let Some(site) = st.sites().get(st.cursor).map(|p| p.id) else {
                return vec![];
            };
            let patrol = st.patrol.id;
            st.pending.push(site);
            // Move on at once: a quick second key is for the next site.
            if let Some(next) = st.next_open(st.cursor) {
                st.cursor = next;
            }
            vec![Effect::PatrolVisit {
                patrol,
                place: site,
            }]
        }
        Command::Fail => {
            let Some(site) = st.current_site().cloned() else {
                return vec![];
            };
            let form = abnormal_form(st, &site, today);
            app.stack.push(Screen::Form(Box::new(form)));
            say(
                app,
                MessageKind::Info,
                format!(
                    "异常：{}。写明问题隐患后 Ctrl-s 保存，隐患与本次巡查一并记录；Esc 取消",
                    site.name
                ),
            );
            vec![]
        }
        Command::Finish => vec![Effect::FinishPatrol(st.patrol.id)],
        _ => vec![],
    }
}

/// The hazard form an 异常 at `site` opens (issue 16 point 3), pre-filled as
/// `ops::abnormal_finding` says — facility, 部位 (the site's path, so it links to the place),
/// 科室, line 重点部位, 责任人 — with the cursor in 问题隐患; saving writes the hazard and the
/// visit together.
fn abnormal_form(st: &PatrolState, site: &Place, today: NaiveDate) -> FormState {
    let new = ops::abnormal_finding(&st.facility, site, "");
    FormState {
        location: TextInput::new(&new.location),
        department: TextInput::new(new.department.as_deref().unwrap_or_default()),
        responsible: TextInput::new(&new.responsible),
        on: Some(HazardOn::PatrolVisit {
            patrol: st.patrol.id,
            place: site.id,
        }),
        ..super::form::blank(None, &st.facility.name, new.line, today)
    }
}

/// Esc from an 异常's hazard form: nothing was written, the site is still to be visited, and
/// the cursor is still on it.
pub fn abnormal_cancelled(app: &mut App) {
    let site = match app.screen() {
        Screen::Patrol(st) => st.current_site().map(|p| p.name.clone()),
        _ => None,
    };
    if let Some(site) = site {
        say(
            app,
            MessageKind::Info,
            format!("已取消：{site} 仍未巡查，隐患未登记"),
        );
    }
}

/// A visit saved. An 异常's form (on top) closes, its photos are attached to the hazard, and
/// the status line names the hazard; the cursor then moves to the next site still to visit.
/// A 正常 that arrives while an 异常's form is open only updates the patrol beneath it.
fn visited(
    app: &mut App,
    patrol: crate::domain::Patrol,
    place: uuid::Uuid,
    finding: Option<Finding>,
) -> Vec<Effect> {
    let mut photos = vec![];
    if finding.is_some()
        && matches!(app.screen(), Screen::Form(f)
            if f.on == Some(HazardOn::PatrolVisit { patrol: patrol.id, place }))
    {
        photos = super::attach::form_photos(app);
        app.stack.pop();
    }
    let on_top = matches!(app.screen(), Screen::Patrol(_));
    let Some(st) = app.stack.iter_mut().rev().find_map(|s| match s {
        Screen::Patrol(st) if st.patrol.id == patrol.id => Some(st),
        _ => None,
    }) else {
        return vec![];
    };
    st.pending.retain(|p| *p != place);
    st.patrol = patrol;
    if let Some(f) = &finding {
        st.hazards.insert(f.id, f.spoken_name());
        if let Some(next) = st.next_open(st.cursor) {
            st.cursor = next;
        }
    }
    let site = st
        .facility
        .places
        .iter()
        .find(|p| p.id == place)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let left = st
        .sites()
        .iter()
        .filter(|s| st.patrol.visit_of(s.id).is_none())
        .count();
    let text = match (&finding, left) {
        (Some(f), _) => {
            let more = if photos.is_empty() {
                String::new()
            } else {
                format!("；正在添加 {} 张整改前照片", photos.len())
            };
            format!(
                "已保存：{site} 异常，{}（{}）{}{more}",
                f.spoken_name(),
                f.severity.label(),
                super::drafts::closed_on_spot(f)
            )
        }
        (None, 0) => "全部重点部位已巡查：按 F 结束".to_string(),
        (None, _) => format!("{site} 正常，已保存"),
    };
    if finding.is_some() || on_top {
        say(app, MessageKind::Ok, text);
    }
    match &finding {
        Some(f) => super::attach::after_save(f, photos),
        None => vec![],
    }
}

/// Marks the registry below for reloading (its log changes with each visit).
fn refresh_registry(app: &mut App) {
    if let Some(Screen::Facilities(st)) = app.stack.last_mut() {
        st.log.clear();
    }
}

pub fn result(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::RegistryLoaded {
            facilities,
            unregistered,
            log,
        } => {
            for s in app.stack.iter_mut() {
                if let Screen::Facilities(st) = s {
                    st.loaded(facilities.clone());
                    st.unregistered = unregistered.clone();
                    st.log = log.clone();
                }
            }
        }
        Action::RegistryEdited {
            what,
            facility,
            place,
        } => return super::registry_edit::edited(app, what, facility, place),
        Action::PatrolOpened { patrol, facility } => {
            let label = patrol.kind_label();
            let n = facility.key_sites().count();
            let name = facility.name.clone();
            app.stack.push(Screen::Patrol(Box::new(PatrolState {
                facility: *facility,
                patrol,
                cursor: 0,
                pending: vec![],
                hazards: Default::default(),
            })));
            say(
                app,
                MessageKind::Info,
                format!("{label}开始：{name}，{n} 个重点部位"),
            );
        }
        Action::PatrolVisited {
            patrol,
            place,
            finding,
        } => return visited(app, patrol, place, finding.map(|f| *f)),
        Action::PatrolFinished(patrol) => {
            let (n, bad) = (patrol.visits.len(), patrol.abnormal());
            if let Some(Screen::Patrol(st)) = app.stack.last_mut() {
                st.patrol = patrol;
            }
            say(
                app,
                MessageKind::Ok,
                format!("巡查结束：{n} 个部位，异常 {bad}"),
            );
        }
        _ => {}
    }
    vec![]
}
