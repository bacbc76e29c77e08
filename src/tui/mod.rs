//! The terminal UI: crossterm event → keymap → `update` → effects through `ops` → actions back.
//! `render` reads the state only. In the terminal a worker thread owns the context (and the
//! store): effects go to it over a channel and come back as actions while the loop keeps
//! drawing and taking keys. Tests run the same runner inline, so flows stay deterministic.

pub mod action;
pub mod app;
pub mod attach;
pub mod browse;
pub mod choice;
pub mod complete;
pub mod department_pick;
mod device_effects;
pub mod effects;
pub mod entry_effects;
pub mod entry_form;
mod inspection_effects;
pub mod keymap;
pub mod line_keys;
pub mod offload;
pub mod paste;
mod patrol_effects;
pub mod patrol_state;
mod photo_effects;
pub mod photo_view;
pub mod pick_keys;
pub mod place_pick;
pub mod register_effects;
pub mod registry_edit;
pub mod sanitize;
pub mod screens;
pub mod suggest;
pub mod theme;
pub mod update;
pub mod widgets;
mod worker;
pub use worker::{EventSource, Keyboard, TICK};

use crate::config;
use crate::ops::{self, OpsError};
use action::Action;
use app::App;
use effects::{Effect, Runner};
use keymap::Keymap;
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::Event;
use std::collections::VecDeque;
use std::path::Path;
use theme::Theme;

/// Draws the state after a progress report (tests; the terminal loop draws on its own).
pub type Redraw<'a> = dyn FnMut(&App, &Theme, &Keymap) + 'a;

/// Everything the loop needs besides the state.
pub struct Tui {
    pub runner: Runner,
    pub theme: Theme,
    pub keymap: Keymap,
}

/// Why the TUI could not start or stopped: the message and the exit status.
#[derive(Debug)]
pub struct Failed {
    pub code: i32,
    pub message: String,
}

impl From<OpsError> for Failed {
    fn from(e: OpsError) -> Failed {
        Failed {
            code: if e.is_user_error() { 2 } else { 1 },
            message: e.to_string(),
        }
    }
}

impl Tui {
    /// Runs `update` on an action and every effect that follows, inline, feeding results back
    /// until nothing is left to do. Tests call this with the same keymap and runner as the loop.
    pub fn dispatch(&mut self, app: &mut App, action: Action) {
        self.dispatch_with(app, action, &mut |_, _, _| {});
    }

    /// As `dispatch`, and `redraw` gets the state after each progress report of a long effect
    /// (the tests' view of what the worker's progress frames show).
    pub fn dispatch_with(&mut self, app: &mut App, action: Action, redraw: &mut Redraw<'_>) {
        let effects = update::update(app, action);
        self.feed(app, effects, redraw);
    }

    fn feed(&mut self, app: &mut App, effects: Vec<Effect>, redraw: &mut Redraw<'_>) {
        let Tui {
            runner,
            theme,
            keymap,
        } = self;
        let mut queue: VecDeque<Effect> = effects.into();
        while let Some(e) = queue.pop_front() {
            let now = app.now;
            if e.cancellable() {
                runner
                    .cancel
                    .store(false, std::sync::atomic::Ordering::Relaxed);
            }
            let mut progress = |a: Action| {
                // Progress only updates state; it never asks for more effects.
                update::update(app, a);
                redraw(app, theme, keymap);
            };
            let result = runner.run_with(e, now, &mut progress);
            queue.extend(update::update(app, result));
        }
    }

    /// The effects to run before the first key: home's figures.
    pub fn start(&mut self, app: &mut App) {
        self.feed(app, start_effects(app), &mut |_, _, _| {});
    }

    /// Translates one terminal event into an action, if it means anything here. A paste is
    /// text for a text field and nothing anywhere else: it never runs a key.
    pub fn action_for(&self, app: &App, ev: &Event) -> Option<Action> {
        match ev {
            Event::Key(k) => self.keymap.action(app, k),
            Event::Paste(s) if app.context().is_text() => Some(Action::Paste(s.clone())),
            _ => None,
        }
    }

    /// The terminal loop: the runner moves to a worker thread; frames keep coming while it
    /// works (a frame at least every `worker::TICK`), and Esc can cancel a sync or export.
    pub fn run<B: Backend>(self, terminal: &mut Terminal<B>, app: &mut App) -> Result<(), String> {
        worker::run(self, terminal, app)
    }

    /// The same loop with its input from `events` (a script, in the frame-gap benchmark).
    ///
    /// # Errors
    /// As [`Tui::run`].
    pub fn run_from<B: Backend>(
        self,
        terminal: &mut Terminal<B>,
        app: &mut App,
        events: &mut dyn EventSource,
    ) -> Result<(), String> {
        worker::run_from(self, terminal, app, events)
    }
}

fn start_effects(app: &App) -> Vec<Effect> {
    if matches!(app.screen(), app::Screen::Home(_)) {
        // A form left unsaved by a crash is mentioned on home (and restored with its checklist).
        vec![Effect::LoadHome, Effect::LoadDraft]
    } else {
        vec![]
    }
}

/// Builds the state and its runner through the one start-up path (`ops::open_tui`: a small
/// sled cache), no terminal.
///
/// # Errors
/// What `ops::open` refuses (config file, clock, a data dir held by another xuncha).
pub fn build(data_dir: &Path, theme: Option<&str>) -> Result<(Tui, App, Vec<String>), Failed> {
    let opened = ops::open_tui(data_dir)?;
    let mut warnings = opened.warnings;
    let cfg = opened.config;
    let config_dir = opened.config_dir;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let (theme, w) = Theme::choose(theme, cfg.theme.as_deref(), no_color, &config_dir);
    warnings.extend(w);
    let (keymap, w) = Keymap::load(&config_dir);
    warnings.extend(w);
    let ctx = opened.ctx;
    let mut app = App::new(ctx.now, &cfg.inspector, ops::line_infos(&ctx));
    if let app::Screen::FirstRun(st) = app.screen_mut() {
        // What is known already: XUNCHA_USER, and the authority `org init` set (else the
        // organisation's name).
        let mut org = ctx.org.clone();
        if org.get("authority").unwrap_or_default().is_empty()
            && let Ok(Some(info)) = ops::org_info(&ctx)
        {
            org.set("authority", info.name);
        }
        *st = app::FirstRunState::prefilled(&cfg.chosen_author().unwrap_or_default(), &org);
    }
    let mut runner = Runner::new(ctx, config_dir, cfg);
    runner.open_viewer = true;
    let tui = Tui {
        runner,
        theme,
        keymap,
    };
    Ok((tui, app, warnings))
}

/// Shows the start-up warnings (a broken checklist file, theme or keymap) in the message line:
/// the first in full, with how many more there are.
pub fn start_warning(app: &mut App, warnings: &[String]) {
    if let Some((first, rest)) = warnings.split_first() {
        let text = if rest.is_empty() {
            first.clone()
        } else {
            format!(
                "{first}（另有 {} 条警告，`xuncha checklist list` 可查看全部）",
                rest.len()
            )
        };
        update::warn(app, &text);
    }
}

/// Opens the terminal, runs the UI over `data_dir`, and restores the terminal on every way out
/// (a panic included: bracketed paste is turned off and the screen restored before the report).
///
/// # Errors
/// A terminal that cannot be opened or drawn, or what `build` refuses.
pub fn main(data_dir: &Path, theme: Option<&str>) -> Result<(), Failed> {
    // Two heaps, before the store and the worker start their threads.
    ops::lean_heap(2);
    // init() installs a panic hook that restores the terminal before the panic is reported.
    let mut terminal = ratatui::try_init().map_err(|e| Failed {
        code: 1,
        message: format!("无法打开终端界面：{e}"),
    })?;
    paste::enable();
    // Opening a big store takes seconds: say so before it starts.
    let _ = terminal.draw(screens::opening);
    let result = build(data_dir, theme).and_then(|(mut tui, mut app, mut warnings)| {
        // What sled's open read and let go of (its snapshot) stays in the heap otherwise.
        ops::trim_heap();
        // Pictures in the detail: decided from the environment, the terminal asked only if it
        // claimed support, before the loop reads any key.
        let (picker, warning) = photo_view::start(tui.runner.config.images.as_deref());
        warnings.extend(warning);
        app.images = picker.is_some();
        tui.runner.picker = picker;
        start_warning(&mut app, &warnings);
        tui.run(&mut terminal, &mut app).map_err(|m| Failed {
            code: 1,
            message: m,
        })
    });
    paste::disable();
    ratatui::restore();
    result
}

/// The clock as the loop reads it before each key (`XUNCHA_NOW` pins it).
fn now() -> Option<crate::domain::Now> {
    config::now().ok()
}
