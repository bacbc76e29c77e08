//! The terminal loop with the runner on a worker thread. Effects go to the worker in order over
//! a channel; its results and progress come back as actions. The loop waits at most `TICK` for
//! a key, applies whatever the worker sent, and draws whenever something changed, so the screen
//! stays live while a register of 100,000 findings loads or a sync runs.

use super::effects::Effect;
use super::{Action, App, Tui, now, paste, screens, start_effects, update};
use crate::domain::Now;
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{self, Event};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, RecvTimeoutError, TryRecvError};
use std::time::Duration;

/// The longest the loop waits for a key before it looks at the worker's results again.
pub const TICK: Duration = Duration::from_millis(25);

/// How long the worker holds a form's draft before writing it: typing replaces it, so a burst
/// of keys costs one write.
pub const DRAFT_DEBOUNCE: Duration = Duration::from_millis(300);

/// Events read in one go at most (a huge raw paste is taken in pieces).
const BATCH: usize = 4096;

enum Msg {
    /// A report from a long effect (sync progress): state only, no further effects.
    Progress(Action),
    /// An effect's result.
    Done(Action),
}

/// Where the loop's input comes from: the terminal, or a script (the frame-gap benchmark
/// drives the real loop this way and records each frame).
pub trait EventSource {
    /// Whether an event is ready within `timeout`.
    fn poll(&mut self, timeout: Duration) -> Result<bool, String>;
    /// The next event (after `poll` said one is ready).
    fn read(&mut self) -> Result<Event, String>;
    /// Called after each frame is drawn, with the state it showed.
    fn drawn(&mut self, _app: &App) {}
}

/// The terminal's keyboard, through crossterm.
pub struct Keyboard;

impl EventSource for Keyboard {
    fn poll(&mut self, timeout: Duration) -> Result<bool, String> {
        event::poll(timeout).map_err(|e| format!("读取键盘失败：{e}"))
    }
    fn read(&mut self) -> Result<Event, String> {
        event::read().map_err(|e| format!("读取键盘失败：{e}"))
    }
}

pub fn run<B: Backend>(tui: Tui, terminal: &mut Terminal<B>, app: &mut App) -> Result<(), String> {
    run_from(tui, terminal, app, &mut Keyboard)
}

/// The loop with its input from `events`.
pub fn run_from<B: Backend>(
    tui: Tui,
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: &mut dyn EventSource,
) -> Result<(), String> {
    let Tui {
        mut runner,
        theme,
        keymap,
    } = tui;
    let cancel = runner.cancel.clone();
    let (effects_tx, effects_rx) = mpsc::channel::<(Effect, Now)>();
    let (results_tx, results_rx) = mpsc::channel::<Msg>();
    let worker = std::thread::Builder::new()
        .name("xuncha-store".into())
        .spawn(move || {
            super::offload::lower_this_thread();
            // A draft waits DRAFT_DEBOUNCE for the next keystroke's draft (which replaces it);
            // any other effect writes it first, so effects keep their order.
            let mut draft: Option<(Effect, Now)> = None;
            loop {
                let next = match &draft {
                    Some(_) => match effects_rx.recv_timeout(DRAFT_DEBOUNCE) {
                        Ok(x) => Some(x),
                        Err(RecvTimeoutError::Timeout) => {
                            let (e, now) = draft.take().expect("a draft is waiting");
                            let result = runner.run(e, now);
                            if results_tx.send(Msg::Done(result)).is_err() {
                                break;
                            }
                            continue;
                        }
                        Err(RecvTimeoutError::Disconnected) => None,
                    },
                    None => effects_rx.recv().ok(),
                };
                let Some((effect, now)) = next else {
                    // The loop has ended: a waiting draft is still written (Ctrl-c keeps it).
                    if let Some((e, now)) = draft.take() {
                        runner.run(e, now);
                    }
                    break;
                };
                if let Some(key) = effect.draft_key() {
                    // Another form's draft waiting: write it first (only one draft's run of
                    // saves is thinned).
                    if let Some((e, t)) = draft.take_if(|(e, _)| e.draft_key() != Some(key)) {
                        runner.run(e, t);
                    }
                    draft = Some((effect, now));
                    continue;
                }
                if let Some((e, t)) = draft.take() {
                    let result = runner.run(e, t);
                    if results_tx.send(Msg::Done(result)).is_err() {
                        break;
                    }
                }
                let progress_tx = results_tx.clone();
                let mut progress = |a: Action| {
                    let _ = progress_tx.send(Msg::Progress(a));
                };
                let result = runner.run_with(effect, now, &mut progress);
                if results_tx.send(Msg::Done(result)).is_err() {
                    break;
                }
            }
            // Everything the loop sent is written: the store closes by the CLI's rule.
            runner.close();
        })
        .map_err(|e| format!("无法启动后台线程：{e}"))?;
    let send = |effects: Vec<Effect>, app: &App| {
        for e in effects {
            if matches!(e, Effect::Cancel) {
                // The worker is busy with the run to stop: the flag reaches it directly.
                cancel.store(true, Ordering::Relaxed);
            } else {
                if e.cancellable() {
                    cancel.store(false, Ordering::Relaxed);
                }
                let _ = effects_tx.send((e, app.now));
            }
        }
    };
    let draw = |t: &mut Terminal<B>, app: &App, events: &mut dyn EventSource| {
        t.draw(|f| screens::render(app, f, &theme, &keymap))
            .map(|_| ())
            .map_err(|e| format!("无法绘制终端界面：{e}"))?;
        events.drawn(app);
        Ok::<(), String>(())
    };
    // First frame before any store work, so a big store still opens at once.
    draw(terminal, app, events)?;
    let first = start_effects(app);
    update::mark_busy(app, &first);
    send(first, app);
    let mut outcome = Ok(());
    while !app.quit {
        // While work runs the status line's spinner moves: a frame every tick.
        let mut dirty = update::tick(app);
        loop {
            match results_rx.try_recv() {
                Ok(Msg::Progress(a)) => {
                    update::update(app, a);
                    dirty = true;
                }
                Ok(Msg::Done(a)) => {
                    let more = update::update(app, a);
                    send(more, app);
                    dirty = true;
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    outcome = Err("后台线程意外停止；已保存的内容不受影响".to_string());
                    app.quit = true;
                    break;
                }
            }
        }
        if app.quit {
            break;
        }
        if dirty {
            draw(terminal, app, events)?;
        }
        if !events.poll(TICK)? {
            continue;
        }
        let mut batch = vec![events.read()?];
        while batch.len() < BATCH && events.poll(Duration::ZERO).unwrap_or(false) {
            match events.read() {
                Ok(ev) => batch.push(ev),
                Err(_) => break,
            }
        }
        if let Some(now) = now() {
            app.now = now;
        }
        for ev in paste::coalesce(batch, app.context().is_text()) {
            let action = match &ev {
                Event::Key(k) => keymap.action(app, k),
                Event::Paste(s) if app.context().is_text() => Some(Action::Paste(s.clone())),
                _ => None,
            };
            if let Some(a) = action {
                let effects = update::update(app, a);
                send(effects, app);
            }
            if app.quit {
                break;
            }
        }
        draw(terminal, app, events)?;
    }
    // Stop a long run, let the worker finish what it holds (confirmed saves complete) and
    // close the store, then go.
    cancel.store(true, Ordering::Relaxed);
    drop(effects_tx);
    let _ = worker.join();
    outcome
}
