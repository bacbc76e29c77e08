//! The registry screen and the patrol screen (issue 16): open, start a patrol, one key per key
//! site (the cursor moves on as soon as the key is taken), 异常 through a prompt that records
//! the hazard, finish.

use super::{Effect, back, moved, say};
use crate::tui::action::{Action, Command};
use crate::tui::app::{
    App, FacilitiesState, MessageKind, Overlay, PatrolState, Prompt, PromptKind, Screen,
};
use crate::tui::patrol_state::RegistryPane;
use crate::tui::widgets::text_input::TextInput;

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
                ok: true,
                note: String::new(),
            }]
        }
        Command::Fail => {
            let Some(site) = st.sites().get(st.cursor).map(|p| (*p).clone()) else {
                return vec![];
            };
            let patrol = st.patrol.id;
            app.overlay = Some(Overlay::Prompt(Prompt {
                kind: PromptKind::PatrolAbnormal {
                    patrol,
                    place: site.id,
                },
                title: format!("异常：{}", site.name),
                label: "情况（必填，登记为隐患）".into(),
                input: TextInput::default(),
                error: None,
                overwrite: None,
                signer: None,
            }));
            vec![]
        }
        Command::Finish => vec![Effect::FinishPatrol(st.patrol.id)],
        _ => vec![],
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
        } => {
            if matches!(
                &app.overlay,
                Some(Overlay::Prompt(Prompt {
                    kind: PromptKind::PatrolAbnormal { .. },
                    ..
                }))
            ) {
                app.overlay = None;
            }
            let mut msg = None;
            if let Some(Screen::Patrol(st)) = app.stack.last_mut() {
                st.pending.retain(|p| *p != place);
                let was_abnormal = finding.is_some();
                st.patrol = patrol;
                if was_abnormal && let Some(next) = st.next_open(st.cursor) {
                    st.cursor = next;
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
                msg = Some(match (&finding, left) {
                    (Some(f), _) => (
                        MessageKind::Ok,
                        format!("{site} 异常，已登记 {}", f.spoken_name()),
                    ),
                    (None, 0) => (MessageKind::Ok, "全部重点部位已巡查：按 F 结束".to_string()),
                    (None, _) => (MessageKind::Ok, format!("{site} 正常，已保存")),
                });
            }
            if let Some((kind, text)) = msg {
                say(app, kind, text);
            }
        }
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
