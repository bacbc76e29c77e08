//! The sync screen: folder → dry-run preview → confirm → sync with progress → result.

use super::{Effect, back, edit, say};
use crate::ops::SyncReport;
use crate::tui::action::{Action, Command};
use crate::tui::app::{App, LineInfo, MessageKind, Screen, SyncInfo, SyncPhase, SyncState};

/// Opens the sync screen from home; the runner fills in the folder to offer. With a folder
/// known (home's figures name it) the screen opens on its own keys, Enter trying that folder;
/// without one the folder field takes the keys at once, so typing never waits for the worker.
pub fn open(app: &mut App) -> Vec<Effect> {
    let known = super::home_state(app)
        .and_then(|h| h.data.as_ref())
        .and_then(|d| d.sync.dir.clone());
    let mut st = SyncState::new();
    match known {
        Some(dir) => st.folder.set(&dir),
        None => st.edit_folder(),
    }
    app.stack.push(Screen::Sync(st));
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
        (P::Folder, Action::Cmd(Command::Submit)) if st.editing => {
            st.editing = false;
            run(st, true)
        }
        // Esc in the field puts the folder back as it was and leaves the field; with no folder
        // before, there is nothing to go back to on this screen: it leaves.
        (P::Folder, Action::Cmd(Command::Back)) if st.editing && st.folder_before.is_empty() => {
            back(app)
        }
        (P::Folder, Action::Cmd(Command::Back)) if st.editing => {
            let before = st.folder_before.clone();
            st.folder.set(&before);
            st.editing = false;
            st.error = None;
            vec![]
        }
        (_, Action::Cmd(Command::Back)) => back(app),
        (P::Folder, a) if st.editing => {
            if edit(&mut st.folder, &a) {
                st.error = None;
            }
            vec![]
        }
        (P::Folder, Action::Cmd(Command::Yes)) => run(st, true),
        (P::Preview, Action::Cmd(Command::Yes)) => run(st, false),
        (P::Done, Action::Cmd(Command::Yes)) => back(app),
        (_, Action::Cmd(Command::EditFolder)) => {
            st.phase = SyncPhase::Folder;
            st.edit_folder();
            vec![]
        }
        _ => vec![],
    }
}

fn run(st: &mut SyncState, dry_run: bool) -> Vec<Effect> {
    let dir = st.folder.text().trim().to_string();
    if dir.is_empty() {
        st.error = Some("同步文件夹：不能为空，请填 U 盘或共享文件夹的路径".into());
        st.edit_folder();
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
            // Nothing typed yet: the folder found is offered, the screen's keys act on it.
            st.folder.set(d);
            st.editing = false;
        }
        // No folder known yet: there is nothing to do but type one.
        if st.folder.text().is_empty() && matches!(st.phase, SyncPhase::Folder) {
            st.edit_folder();
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
    // The folder is what to fix (or Enter to try again): the field takes the keys.
    st.edit_folder();
    true
}
