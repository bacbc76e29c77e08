//! `update`: the only place the TUI state changes. No I/O, no clock: it returns effects for the
//! runner, whose results come back as actions.

mod attach;
mod browse;
mod checklist;
mod choice;
mod devices;
mod drafts;
mod entry_form;
mod facility;
mod form;
mod form_drafts;
mod home;
mod merge;
mod new_inspection;
mod overlay;
mod photo_view;
mod place_pick;
mod register;
mod register_facility;
mod register_hazard;
mod registers;
mod registry_edit;
mod results;
mod search;
mod sync;
mod waits;

use super::action::{Action, Command};
use super::app::{App, Busy, HomeState, Message, MessageKind, Overlay, Screen};
use super::effects::Effect;
use super::widgets::text_input::TextInput;

pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    let effects = match action {
        Action::Cmd(Command::Quit) => {
            // A form with typed text asks first (its draft is kept either way until discarded).
            if app.overlay.is_none() && matches!(app.screen(), Screen::Form(_)) {
                return form::leave(app, true);
            }
            app.quit = true;
            vec![]
        }
        // Esc while an export or a sync runs stops it (the sync screen says so itself).
        Action::Cmd(Command::Back)
            if app.busy.as_ref().is_some_and(|b| b.cancellable)
                && !matches!(app.screen(), Screen::Sync(_)) =>
        {
            say(app, MessageKind::Info, "正在取消……已写的部分不会留下");
            vec![Effect::Cancel]
        }
        Action::Cmd(_) | Action::Char(_) | Action::Paste(_) | Action::OpenHelp { .. } => {
            app.message = None;
            let was = form_drafts::before(app);
            let mut effects = input(app, action);
            effects.extend(form_drafts::after_input(app, &was));
            effects
        }
        Action::SyncProgress { done, total } => {
            if let Some(b) = &mut app.busy {
                b.progress = Some((done, total));
            }
            results::apply(app, action)
        }
        Action::AttachProgress { done, total } => {
            if let Some(b) = &mut app.busy {
                b.progress = Some((done, total));
            }
            vec![]
        }
        Action::Idle => vec![],
        other => {
            if ends_busy(&other) || attach::ends_busy(app, &other) {
                app.busy = None;
            }
            let was = form_drafts::before(app);
            let mut effects = results::apply(app, other);
            effects.extend(form_drafts::after_result(app, &was));
            effects
        }
    };
    let mut effects = effects;
    effects.extend(place_pick::load_if_needed(app));
    mark_busy(app, &effects);
    effects
}

/// Whether this result is the end of the long work the status line shows (a quick result
/// that arrives meanwhile, such as the sync screen's starting point, is not).
fn ends_busy(a: &Action) -> bool {
    matches!(
        a,
        Action::HomeLoaded(_)
            | Action::RegisterLoaded { total: Some(_), .. }
            | Action::InspectionsLoaded(_)
            | Action::FacilityRowsLoaded(_)
            | Action::SearchResults { .. }
            | Action::Exported(_)
            | Action::ExportExists(_)
            | Action::Synced { .. }
            | Action::Failed(_)
            | Action::Refused { .. }
    )
}

/// Notes the long work among `effects` for the status line.
pub fn mark_busy(app: &mut App, effects: &[Effect]) {
    if let Some((what, cancellable)) = effects.iter().find_map(Effect::busy) {
        app.busy = Some(Busy {
            what,
            cancellable,
            ticks: 0,
            progress: None,
        });
    }
}

/// One more frame drawn while work runs (the loop calls this each tick): the spinner moves.
pub fn tick(app: &mut App) -> bool {
    match &mut app.busy {
        Some(b) => {
            b.ticks = b.ticks.wrapping_add(1);
            true
        }
        None => false,
    }
}

fn input(app: &mut App, a: Action) -> Vec<Effect> {
    if app.overlay.is_some() {
        // In a list overlay (a chooser) `q`, `h` and `←` close it, as Esc does.
        let a = match a {
            Action::Cmd(Command::Parent | Command::AskQuit) => Action::Cmd(Command::Back),
            a => a,
        };
        return overlay::input(app, a);
    }
    match a {
        Action::Cmd(Command::Parent) => return parent(app),
        Action::Cmd(Command::AskQuit) => {
            ask_quit(app);
            return vec![];
        }
        _ => {}
    }
    match a {
        Action::OpenHelp { entries } => {
            app.overlay = Some(Overlay::Help(super::app::HelpView {
                selected: 0,
                entries,
            }));
            return vec![];
        }
        Action::Cmd(Command::Help) => {
            app.overlay = Some(Overlay::Help(super::app::HelpView::default()));
            return vec![];
        }
        _ => {}
    }
    if matches!(a, Action::Cmd(Command::Search))
        && !matches!(app.screen(), Screen::FirstRun(_) | Screen::Search(_))
    {
        return search::open(app);
    }
    match app.screen() {
        Screen::FirstRun(_) => home::first_run(app, a),
        Screen::Home(_) => home::input(app, a),
        Screen::NewInspection(_) => new_inspection::input(app, a),
        Screen::Checklist(_) => checklist::input(app, a),
        Screen::Form(_) => form::input(app, a),
        Screen::Register(_) => register::input(app, a),
        Screen::Registers(_) => registers::input(app, a),
        Screen::EntryForm(_) => entry_form::input(app, a),
        Screen::Detail(_) => register::detail_input(app, a),
        Screen::Sync(_) => sync::input(app, a),
        Screen::Search(_) => search::input(app, a),
        Screen::Inspections(_) => browse::inspections_input(app, a),
        Screen::FacilityList(_) => browse::facilities_input(app, a),
        Screen::Facilities(_) => facility::input(app, a),
        Screen::Patrol(_) => facility::patrol_input(app, a),
        Screen::Devices(_) => devices::input(app, a),
        Screen::Attach(_) => attach::input(app, a),
    }
}

/// Asks whether to leave xuncha (`q` anywhere but a text field, Esc on home).
fn ask_quit(app: &mut App) {
    app.overlay = Some(Overlay::Confirm(super::app::Confirm {
        kind: super::app::ConfirmKind::Quit,
        text: "退出巡查？（已保存的数据不会丢失；Ctrl-c 直接退出）".into(),
    }));
}

/// `h` / `←`: up one level inside what the screen shows, where there is one; elsewhere the
/// screen stays and the status line says how to leave it (D16: ranger and lazygit move between
/// levels with these keys, never out of a working screen).
fn parent(app: &mut App) -> Vec<Effect> {
    use super::patrol_state::RegistryPane;
    match app.screen_mut() {
        Screen::Detail(_) => return back(app),
        Screen::Facilities(st) if st.pane == RegistryPane::Places => {
            st.pane = RegistryPane::Facilities;
            return vec![];
        }
        Screen::Attach(_) => return attach::input(app, Action::Cmd(Command::Backspace)),
        _ => {}
    }
    let leave = if app.stack.len() <= 1 {
        "退出按 q"
    } else {
        "离开本页按 Esc"
    };
    say(
        app,
        MessageKind::Info,
        format!("本页没有上一级，仍在本页：{leave}"),
    );
    vec![]
}

/// Leaves the current screen; at home, asks before quitting. Returning home refreshes its
/// figures.
pub(super) fn back(app: &mut App) -> Vec<Effect> {
    if app.stack.len() <= 1 {
        if matches!(app.screen(), Screen::FirstRun(_)) {
            app.quit = true;
        } else {
            // Esc twice must not quit by accident: ask.
            ask_quit(app);
        }
        return vec![];
    }
    app.stack.pop();
    if app.stack.len() == 1 && matches!(app.screen(), Screen::Home(_)) {
        return vec![Effect::LoadHome];
    }
    vec![]
}

/// A start-up warning (bad theme or keymap file) shown in the status line.
pub fn warn(app: &mut App, text: &str) {
    say(app, MessageKind::Error, text);
}

pub(super) fn say(app: &mut App, kind: MessageKind, text: impl Into<String>) {
    app.message = Some(Message {
        kind,
        text: text.into(),
    });
}

/// Moves a selection in a list of `len` rows.
pub(super) fn moved(sel: usize, len: usize, cmd: Command) -> Option<usize> {
    const PAGE: usize = 10;
    let last = len.saturating_sub(1);
    Some(match cmd {
        Command::Up => sel.saturating_sub(1),
        Command::Down => (sel + 1).min(last),
        Command::Top => 0,
        Command::Bottom => last,
        Command::PageUp => sel.saturating_sub(PAGE),
        Command::PageDown => (sel + PAGE).min(last),
        _ => return None,
    })
}

/// Applies a text-editing action to a field; false when the action is not an edit.
pub(super) fn edit(input: &mut TextInput, a: &Action) -> bool {
    match a {
        Action::Char(c) => input.insert(*c),
        Action::Paste(s) => input.insert_str(s),
        Action::Cmd(Command::Left) => input.left(),
        Action::Cmd(Command::Right) => input.right(),
        Action::Cmd(Command::Backspace) => input.backspace(),
        Action::Cmd(Command::Delete) => input.delete(),
        Action::Cmd(Command::LineStart) => input.home(),
        Action::Cmd(Command::LineEnd) => input.end(),
        Action::Cmd(Command::ClearLine) => input.set(""),
        _ => return false,
    }
    true
}

pub(super) fn home_state(app: &mut App) -> Option<&mut HomeState> {
    app.stack.iter_mut().find_map(|s| match s {
        Screen::Home(h) => Some(h),
        _ => None,
    })
}
