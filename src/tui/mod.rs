//! The terminal UI: crossterm event → keymap → `update` → effects through `ops` → actions back.
//! `render` reads the state only. The loop is generic over the backend so tests drive it too.

pub mod action;
pub mod app;
pub mod effects;
pub mod keymap;
pub mod sanitize;
pub mod screens;
pub mod theme;
pub mod update;
pub mod widgets;

use crate::catalog::Catalog;
use crate::cli::{Cli, CmdResult, Failure, data_dir};
use crate::config::{self, Config};
use crate::ops::Ctx;
use crate::store::Store;
use action::Action;
use app::App;
use effects::{Effect, Runner};
use keymap::Keymap;
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{self, Event};
use std::collections::VecDeque;
use theme::Theme;

/// Draws the state mid-effect (the loop's terminal; nothing in tests).
pub type Redraw<'a> = dyn FnMut(&App, &Theme, &Keymap) + 'a;

/// Everything the loop needs besides the state.
pub struct Tui {
    pub runner: Runner,
    pub theme: Theme,
    pub keymap: Keymap,
}

impl Tui {
    /// Runs `update` on an action and every effect that follows, feeding results back, until
    /// nothing is left to do. Tests call this with the same keymap and runner as the loop.
    pub fn dispatch(&mut self, app: &mut App, action: Action) {
        self.dispatch_with(app, action, &mut |_, _, _| {});
    }

    /// As `dispatch`, and `redraw` gets the state after each progress report of a long effect
    /// (sync runs on this thread; these frames are how its progress bar moves).
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
        if matches!(app.screen(), app::Screen::Home(_)) {
            self.feed(app, vec![Effect::LoadHome], &mut |_, _, _| {});
        }
    }

    /// Translates one terminal event into an action, if it means anything here.
    pub fn action_for(&self, app: &App, ev: &Event) -> Option<Action> {
        match ev {
            Event::Key(k) => self.keymap.resolve(app.context(), k),
            Event::Paste(s) if app.context().is_text() => Some(Action::Paste(s.clone())),
            _ => None,
        }
    }

    pub fn run<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
        app: &mut App,
    ) -> Result<(), String> {
        let draw = |t: &mut Terminal<B>, app: &App, tui: &Tui| {
            t.draw(|f| screens::render(app, f, &tui.theme, &tui.keymap))
                .map(|_| ())
                .map_err(|e| format!("无法绘制终端界面：{e}"))
        };
        // First frame before any store work, so a big store still opens at once.
        draw(terminal, app, self)?;
        self.start(app);
        while !app.quit {
            draw(terminal, app, self)?;
            let ev = event::read().map_err(|e| format!("读取键盘失败：{e}"))?;
            if let Ok(now) = config::now() {
                app.now = now;
            }
            if let Some(a) = self.action_for(app, &ev) {
                let mut redraw = |app: &App, theme: &Theme, keymap: &Keymap| {
                    // A failed progress frame is not worth stopping a sync for; the next
                    // regular frame reports a broken terminal.
                    let _ = terminal.draw(|f| screens::render(app, f, theme, keymap));
                };
                self.dispatch_with(app, a, &mut redraw);
            }
        }
        Ok(())
    }
}

/// Builds the state and its runner from the command line, config and store (no terminal).
pub fn build(cli: &Cli) -> Result<(Tui, App, Vec<String>), Failure> {
    let now = config::now().map_err(Failure::usage)?;
    let config_dir = config::config_dir();
    let cfg = Config::load(&config_dir).map_err(Failure::usage)?;
    let (catalog, problems) = Catalog::load(Some(&config_dir.join("checklists")));
    let mut warnings: Vec<String> = problems
        .iter()
        .map(|p| format!("自定义检查表有误，已跳过：{p}"))
        .collect();
    let store = Store::open(&data_dir(cli))?;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let (theme, w) = Theme::choose(
        cli.theme.as_deref(),
        cfg.theme.as_deref(),
        no_color,
        &config_dir,
    );
    warnings.extend(w);
    let (keymap, w) = Keymap::load(&config_dir);
    warnings.extend(w);
    let ctx = Ctx {
        store,
        catalog,
        now,
        author: cfg.author(),
        org: cfg.org.clone(),
    };
    let lines = effects::line_infos(&ctx);
    let app = App::new(now, &cfg.inspector, lines);
    let tui = Tui {
        runner: Runner {
            ctx,
            config_dir,
            config: cfg,
            index: None,
        },
        theme,
        keymap,
    };
    Ok((tui, app, warnings))
}

pub fn main(cli: &Cli) -> CmdResult {
    // init() installs a panic hook that restores the terminal before the panic is reported.
    let mut terminal = ratatui::try_init().map_err(|e| Failure {
        code: 1,
        message: format!("无法打开终端界面：{e}"),
    })?;
    // Opening a big store takes seconds: say so before it starts.
    let _ = terminal.draw(screens::opening);
    let result = build(cli).and_then(|(mut tui, mut app, warnings)| {
        if let Some(w) = warnings.first() {
            update::warn(&mut app, w);
        }
        tui.run(&mut terminal, &mut app).map_err(|m| Failure {
            code: 1,
            message: m,
        })
    });
    ratatui::restore();
    result
}
