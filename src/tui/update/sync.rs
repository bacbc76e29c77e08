//! The sync screen: folder → dry-run preview → confirm → sync with progress → result.

use super::{Effect, back, edit, say};
use crate::ops::SyncReport;
use crate::tui::action::{Action, Command};
use crate::tui::app::{App, LineInfo, MessageKind, Screen, SyncInfo, SyncPhase, SyncState};

/// Opens the sync screen from home; the runner fills in the folder to offer.
pub fn open(app: &mut App) -> Vec<Effect> {
    app.stack.push(Screen::Sync(SyncState::new()));
    vec![Effect::OpenSync]
}

pub fn input(app: &mut App, a: Action) -> Vec<Effect> {
    let Screen::Sync(st) = app.screen_mut() else {
        return vec![];
    };
    #[derive(PartialEq)]
    enum P {
        Folder,
        Running,
        Preview,
        Done,
    }
    let phase = match st.phase {
        SyncPhase::Folder => P::Folder,
        SyncPhase::Running { .. } => P::Running,
        SyncPhase::Preview(_) => P::Preview,
        SyncPhase::Done(_) => P::Done,
    };
    match (phase, a) {
        (P::Running, Action::Cmd(Command::Back)) => {
            say(
                app,
                MessageKind::Info,
                "正在取消同步：已校验完整的同步包会保留，其余不动",
            );
            vec![Effect::Cancel]
        }
        (P::Running, _) => vec![],
        (P::Folder, Action::Cmd(Command::Submit)) => run(st, true),
        (_, Action::Cmd(Command::Back)) => back(app),
        (P::Folder, a) => {
            if edit(&mut st.folder, &a) {
                st.error = None;
            }
            vec![]
        }
        (P::Preview, Action::Cmd(Command::Yes)) => run(st, false),
        (P::Done, Action::Cmd(Command::Yes)) => back(app),
        (_, Action::Cmd(Command::EditFolder)) => {
            st.phase = SyncPhase::Folder;
            vec![]
        }
        _ => vec![],
    }
}

fn run(st: &mut SyncState, dry_run: bool) -> Vec<Effect> {
    let dir = st.folder.text().trim().to_string();
    if dir.is_empty() {
        st.error = Some("同步文件夹：不能为空，请填 U 盘或共享文件夹的路径".into());
        return vec![];
    }
    st.error = None;
    st.phase = SyncPhase::Running {
        dry_run,
        done: 0,
        total: 0,
    };
    vec![Effect::Sync { dir, dry_run }]
}

fn sync_state(app: &mut App) -> Option<&mut SyncState> {
    app.stack.iter_mut().rev().find_map(|s| match s {
        Screen::Sync(st) => Some(st),
        _ => None,
    })
}

pub fn opened(app: &mut App, info: SyncInfo) {
    if let Some(st) = sync_state(app) {
        if st.folder.text().is_empty()
            && let Some(d) = &info.dir
        {
            st.folder.set(d);
        }
        st.info = info;
    }
}

pub fn progress(app: &mut App, done: usize, total: usize) {
    if let Some(st) = sync_state(app)
        && let SyncPhase::Running {
            done: d, total: t, ..
        } = &mut st.phase
    {
        *d = done;
        *t = total;
    }
}

pub fn finished(
    app: &mut App,
    report: Box<SyncReport>,
    info: SyncInfo,
    lines: Vec<LineInfo>,
    config_error: Option<String>,
) {
    let msg = outcome(&report, config_error);
    // Lines learnt from the sync (another device's own checklist) show by name from now on.
    app.lines = lines;
    if let Some(h) = super::home_state(app)
        && let Some(d) = h.data.as_mut()
    {
        d.sync = info.clone();
    }
    if let Some(st) = sync_state(app) {
        st.info = info;
        st.phase = if report.dry_run {
            SyncPhase::Preview(report)
        } else {
            SyncPhase::Done(report)
        };
    }
    if let Some((kind, text)) = msg {
        say(app, kind, text);
    }
}

/// The status line after a sync (none after a dry run: the screen shows the preview).
fn outcome(r: &SyncReport, config_error: Option<String>) -> Option<(MessageKind, String)> {
    if r.dry_run {
        return None;
    }
    if let Some(e) = config_error {
        return Some((MessageKind::Error, format!("同步已完成，但{e}")));
    }
    if r.frozen.is_some() {
        return Some((MessageKind::Error, "本机已停止写入（原因见上）".into()));
    }
    let rejected = r.rejected.iter().filter(|x| x.needs_action()).count();
    if rejected > 0 {
        return Some((
            MessageKind::Error,
            format!("同步已完成，但有 {rejected} 个同步包被拒收（原因见上）"),
        ));
    }
    Some((
        MessageKind::Ok,
        format!(
            "同步完成：送出 {} 条，收到 {} 条",
            r.own_events_out,
            r.events_in_total()
        ),
    ))
}

/// A failed sync goes back to the folder field with the reason under it.
pub fn failed(app: &mut App, msg: &str) -> bool {
    if app.overlay.is_some() {
        return false;
    }
    let Screen::Sync(st) = app.screen_mut() else {
        return false;
    };
    st.phase = SyncPhase::Folder;
    st.error = Some(msg.to_string());
    true
}
